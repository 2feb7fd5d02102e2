"""Small real files of every kind the media library takes, made on the fly (imported by name)."""
from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook
from PIL import Image

GPS_IFD = 0x8825


def image(fmt: str = "PNG", size: tuple[int, int] = (1200, 800), gps: bool = False, orientation: int | None = None) -> bytes:
    picture = Image.new("RGB", size, (30, 90, 170))
    for x in range(0, size[0], 50):  # something to compress, not one flat colour
        picture.paste((240, 200, 40), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "PhoneMaker"
        gps_ifd = exif.get_ifd(GPS_IFD)
        gps_ifd.update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)})
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    picture.save(out, fmt, exif=exif.tobytes()) if (gps or orientation) else picture.save(out, fmt)
    return out.getvalue()


def pdf(padding: int = 0) -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n")
    return body + b"%" + b"0" * padding + b"\n%%EOF\n"


def docx() -> bytes:
    document = Document()
    document.add_paragraph("Приказ № 82/А от 18.01.2023 «О внедрении целевой модели наставничества»")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Наставник", "Наставляемый"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()
