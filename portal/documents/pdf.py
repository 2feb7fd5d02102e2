"""A PDF beside the .docx, only where LibreOffice is installed: its headless conversion, in a throwaway folder
and profile, with a time limit. The portal does not need it: without `soffice` the admin offers .docx only."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 120  # seconds for one document


class PdfError(RuntimeError):
    """The conversion failed; the message is Russian."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def to_pdf(docx: bytes) -> bytes:
    binary = soffice()
    if binary is None:
        raise PdfError("PDF не делается: на сервере не установлен LibreOffice.")
    with tempfile.TemporaryDirectory(prefix="portal-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        profile = (Path(folder) / "profile").as_uri()  # a profile of its own: parallel conversions do not clash
        try:
            subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", folder, str(source)], check=True, timeout=TIMEOUT, capture_output=True)
        except (subprocess.SubprocessError, OSError):
            raise PdfError("Не удалось сделать PDF: LibreOffice не справился с документом.") from None
        made = Path(folder) / "document.pdf"
        if not made.exists():
            raise PdfError("Не удалось сделать PDF: LibreOffice не записал файл.")
        return made.read_bytes()
