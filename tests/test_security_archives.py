"""Issue 18, finding 2: zip-based uploads (docx, xlsx, odt) are checked from the archive's directory before any
part is inflated or parsed, sheets are read to a bounded number of rows, and images past Pillow's limit or damaged
get a Russian message, never a 500."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.media import archive_limits
from portal.media.archive_limits import MB, ArchiveTooLarge, check_archive
from portal.monitoring import letters
from portal.registries.io_table import HEADER_SEARCH_ROWS, MAX_ROWS, RegistryFileError, read_table
from portal.roadmaps.tables import UnreadableFile, read_docx

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def upload(client, data: bytes, filename: str):
    form = {"file": FileStorage(io.BytesIO(data), filename=filename), "title": "", "organisation_id": "",
            "alt_text": "Наставник и ученик",
            "document_kind": "", "number": "", "document_date": "", "status": "draft"}
    boundary, body = encode_multipart(form)
    return client.post("/admin/media/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def archive(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def bomb(kind: str, size: int = 40 * MB) -> bytes:
    """A small file whose main part inflates to `size` bytes of spaces (valid XML padding)."""
    padding = b" " * size
    if kind == "odt":
        return archive({"mimetype": b"application/vnd.oasis.opendocument.text" + padding, "content.xml": b"<x/>"})
    if kind == "xlsx":
        return archive({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                        "xl/sharedStrings.xml": b"<sst>" + padding + b"</sst>"})
    return archive({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document>" + padding + b"</w:document>"})


def member(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, compressed
    return info


def test_check_archive_names_each_limit():
    with pytest.raises(ArchiveTooLarge, match="частей"):
        archive_limits._check([member(f"{i}.xml", 10, 10) for i in range(archive_limits.MAX_MEMBERS + 1)], 32 * MB)
    with pytest.raises(ArchiveTooLarge, match="не больше 32 МБ"):
        check_archive(bomb("docx"))
    with pytest.raises(ArchiveTooLarge, match="сжата более чем в 100 раз"):
        check_archive(bomb("docx", 8 * MB))
    with pytest.raises(ArchiveTooLarge, match="больше 96 МБ"):
        archive_limits._check([member(f"{i}.bin", 30 * MB, 10 * MB) for i in range(4)], 32 * MB)
    check_archive(archive({"word/document.xml": b"<w:document/>"}))  # an ordinary file passes
    check_archive(b"not a zip")


@pytest.mark.parametrize("kind, filename", [("odt", "план.odt"), ("docx", "положение.docx"), ("xlsx", "реестр.xlsx")])
def test_media_library_refuses_an_office_bomb_naming_the_limit(world, editor_client, kind, filename):
    response = upload(editor_client, bomb(kind), filename)
    assert response.status_code == 200
    assert "после распаковки занимает 40 МБ, а можно не больше 32 МБ" in response.get_data(as_text=True)


def test_registry_import_refuses_inflating_shared_strings():
    with pytest.raises(RegistryFileError, match="не больше 32 МБ"):
        read_table(bomb("xlsx"), "реестр.xlsx")


def sheet_with_empty_rows(count: int) -> bytes:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t></t></is></c></row>' for n in range(1, count + 1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return archive({
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>').encode(),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                            '<sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>').encode(),
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>'.encode(),
    })


def test_registry_import_stops_reading_a_sheet_of_endless_empty_rows():
    with pytest.raises(RegistryFileError, match="длиннее"):
        read_table(sheet_with_empty_rows(3 * MAX_ROWS + HEADER_SEARCH_ROWS + 5), "реестр.xlsx")


def stored_docx(size: int) -> bytes:
    return archive({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document>" + b" " * size + b"</w:document>"},
                   zipfile.ZIP_STORED)


def test_letter_template_and_roadmap_import_refuse_a_large_document_body():
    with pytest.raises(ValueError, match="не больше 4 МБ"):
        letters.template_placeholders(stored_docx(6 * MB))
    with pytest.raises(UnreadableFile, match="не больше 8 МБ"):
        read_docx(stored_docx(10 * MB))


def png(width: int, height: int) -> bytes:
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data, filename, message", [
    (png(20_000, 20_000), "огромная.png", "не больше 40 мегапикселей"),
    (png(10_000, 10_000), "большая.png", "не больше 40 мегапикселей"),  # Pillow only warns at this size
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "битая.jpg", "Файл повреждён"),
])
def test_media_library_answers_a_huge_or_damaged_image_in_russian(world, editor_client, data, filename, message):
    response = upload(editor_client, data, filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
