"""The optional PDF: offered only where LibreOffice (`soffice`) is installed. The test puts a stand-in `soffice`
on PATH that writes what LibreOffice would (a file named after the source in --outdir), so the plumbing is
checked on machines without LibreOffice; the conversion itself is LibreOffice's."""
from __future__ import annotations

import os
import stat
from datetime import date

from portal.documents import pdf
from portal.extensions import db

FAKE = """#!/bin/sh
# A stand-in for LibreOffice: --outdir DIR SOURCE → DIR/<source name>.pdf
while [ $# -gt 0 ]; do
  case "$1" in --outdir) shift; out="$1" ;; *.docx) src="$1" ;; esac
  shift
done
name=$(basename "$src" .docx)
printf '%%PDF-1.4 stand-in\\n' > "$out/$name.pdf"
"""


def adult_mentor(world):
    mentor = world.rows[("persons", "a")]
    mentor.birth_date = date(1980, 1, 1)
    db.session.commit()
    return mentor


def test_without_libreoffice_no_pdf_is_offered(world, curator_client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    mentor = adult_mentor(world)
    page = curator_client.get(f"/admin/documents/persons/{mentor.id}/").get_data(as_text=True)
    assert "PDF не делается" in page and "format=pdf" not in page
    assert curator_client.get(f"/admin/documents/persons/{mentor.id}/?kind=consent&format=pdf").status_code == 404


def test_with_libreoffice_a_pdf_is_made_beside_the_docx(world, curator_client, monkeypatch, tmp_path):
    binary = tmp_path / "bin" / "soffice"
    binary.parent.mkdir()
    binary.write_text(FAKE)
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert pdf.available()
    mentor = adult_mentor(world)
    page = curator_client.get(f"/admin/documents/persons/{mentor.id}/").get_data(as_text=True)
    assert "format=pdf" in page
    response = curator_client.get(f"/admin/documents/persons/{mentor.id}/?kind=consent&format=pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-1.4 stand-in")
    assert response.headers["Content-Disposition"].endswith(".pdf")
