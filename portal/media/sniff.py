"""What a file is, from its bytes — never from its name. The name only has to agree.

Written by hand rather than with libmagic (python-magic): the formats we accept are few, their signatures are
fixed, and Office files need a look inside the zip that libmagic does not take reliably; no system library
has to be installed for it.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from portal.models import MediaKind


@dataclass(frozen=True)
class FileType:
    format: str  # pdf, docx, xlsx, odt, jpeg, png, webp
    label: str  # what people call it: PDF, DOCX…
    content_type: str
    kind: MediaKind
    extensions: tuple[str, ...]  # names that agree with the content


TYPES = {
    t.format: t for t in (
        FileType("jpeg", "JPEG", "image/jpeg", MediaKind.IMAGE, ("jpg", "jpeg")),
        FileType("png", "PNG", "image/png", MediaKind.IMAGE, ("png",)),
        FileType("webp", "WebP", "image/webp", MediaKind.IMAGE, ("webp",)),
        FileType("pdf", "PDF", "application/pdf", MediaKind.DOCUMENT, ("pdf",)),
        FileType("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 MediaKind.DOCUMENT, ("docx",)),
        FileType("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 MediaKind.DOCUMENT, ("xlsx",)),
        FileType("odt", "ODT", "application/vnd.oasis.opendocument.text", MediaKind.DOCUMENT, ("odt",)),
    )
}
ACCEPTED = ", ".join(t.label for t in TYPES.values())
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def sniff(data: bytes) -> FileType | None:
    """The type the content shows, or None for anything we do not accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return TYPES["webp"]
    if data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return TYPES["pdf"]
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return TYPES["docx"]
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return TYPES["xlsx"]
            if "mimetype" in names and _head(archive, "mimetype").strip() == ODT_MIMETYPE:
                return TYPES["odt"]
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _head(archive: zipfile.ZipFile, name: str, size: int = 256) -> bytes:
    """The first bytes of a member: a crafted member must not be inflated whole to be recognised."""
    with archive.open(name) as member:
        return member.read(size)


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
