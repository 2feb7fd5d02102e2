"""A file is what its bytes say: each accepted type is recognised, anything else is not."""
from __future__ import annotations

import zipfile
import io

import pytest

import sample_files
from portal.media.sniff import sniff


@pytest.mark.parametrize("make, expected", [
    (lambda: sample_files.image("JPEG"), "jpeg"), (lambda: sample_files.image("PNG"), "png"),
    (lambda: sample_files.image("WEBP"), "webp"), (sample_files.pdf, "pdf"), (sample_files.docx, "docx"),
    (sample_files.xlsx, "xlsx"), (sample_files.odt, "odt"),
])
def test_each_accepted_type_is_recognised_by_content(make, expected):
    assert sniff(make()).format == expected


def test_other_files_are_not_recognised():
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    for data in (b"", b"MZ\x90\x00 a Windows program", b"<html><script>alert(1)</script>", other_zip.getvalue(),
                 b"PK\x03\x04 broken zip", b"GIF89a\x01\x00", b"RIFF\x00\x00\x00\x00WAVEfmt "):
        assert sniff(data) is None, data[:20]
