"""Opening PDFs safely: every failure becomes a typed, actionable error.

The fast path reads text with pypdfium2 (PDFium); pdfplumber is opened
lazily only for pages that need its table analysis.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from ..errors import CorruptPDFError, EncryptedPDFError, InputFileError, NotAPDFError

# PDFium error codes (fpdfview.h)
_ERR_FILE, _ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 2, 3, 4, 5


def check_readable(path: str) -> int:
    """Raise a typed error unless ``path`` is a readable, non-empty PDF file; return its size."""
    if not os.path.exists(path):
        raise InputFileError(f"{path}: file not found; check the path and try again")
    if os.path.isdir(path):
        raise InputFileError(f"{path}: is a folder, not a PDF file (use 'docscan batch' for folders)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    size = os.path.getsize(path)
    if size == 0:
        raise NotAPDFError(f"{path}: the file is empty (0 bytes); export or download the PDF again")
    if b"%PDF-" not in head:
        raise NotAPDFError(
            f"{path}: not a PDF (no %PDF header); docscan reads PDF files only, convert the document to PDF first"
        )
    return size


def ghostscript() -> str | None:
    return shutil.which("gs")


def open_pdfium(path: str, password: str | None = None):
    """Open with PDFium; on a parse failure try a Ghostscript repair.

    Returns ``(document, repaired_path_or_None)``; the caller removes a
    repaired temporary file when done.
    """
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path, password=password), None
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (_ERR_PASSWORD, _ERR_SECURITY):
            if password:
                raise EncryptedPDFError(f"{path}: the password is wrong", "check it and pass it with --password") from None
            raise EncryptedPDFError(f"{path}: the PDF is encrypted") from None
        if code == _ERR_FILE:
            raise InputFileError(f"{path}: cannot be read; check that the file is accessible") from None
    repaired = repair_with_ghostscript(path, password)
    if repaired is None:
        hint = "" if ghostscript() else " (install ghostscript to let docscan try a repair)"
        raise CorruptPDFError(f"{path}: the PDF is damaged or truncated and cannot be read{hint}; get an intact copy")
    try:
        return pdfium.PdfDocument(repaired), repaired
    except pdfium.PdfiumError:
        os.unlink(repaired)
        raise CorruptPDFError(
            f"{path}: the PDF is damaged beyond repair (ghostscript could not fix it); get an intact copy"
        ) from None


def repair_with_ghostscript(path: str, password: str | None = None) -> str | None:
    """Rewrite a damaged PDF with pdfplumber's repair (Ghostscript's pdfwrite).

    Returns the path of a temporary repaired file, or None when Ghostscript is
    missing or cannot repair it.
    """
    if not ghostscript():
        return None
    import pdfplumber

    fd, out = tempfile.mkstemp(suffix=".pdf", prefix="docscan-repair-")
    os.close(fd)
    try:
        pdfplumber.repair(path, outfile=out, password=password)
        ok = os.path.getsize(out) > 0
    except Exception:  # noqa: BLE001 - Ghostscript failed: the file is beyond repair
        ok = False
    if not ok:
        os.unlink(out)
        return None
    return out
