"""Stage 1: PDF to passages.

``extract(path)`` is where a :class:`~docscan.types.Passage` is born. The
fast path reads positioned text with PDFium (:mod:`.pages`); pdfplumber
analyses only pages that may hold ruled tables (:mod:`.tables`); image-only
pages go to Tesseract (:mod:`.ocr`); :mod:`.layout` turns it all into
ordered passages.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from ..errors import CorruptPDFError, NoTextError
from ..types import Document
from . import layout
from .ocr import INSTALL_HINT, ocr_page, tesseract_status
from .pages import PageText, PdfiumReader, Segment
from .pdf import check_readable, open_pdfium
from .tables import DIFFICULT_PATHS, MIN_PATHS, TableFinder, find_ruled_tables

__all__ = ["OCR_MODES", "PageText", "Segment", "extract", "file_sha256"]

OCR_MODES = ("auto", "always", "never")
# A page with fewer printable characters than this, and a large image, is a scan.
SCAN_MAX_CHARS = 30
SCAN_MIN_COVER = 0.3

Progress = Callable[[int, int], None]


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_scan(p: PageText) -> bool:
    return p.chars < SCAN_MAX_CHARS and p.images > 0 and p.image_cover >= SCAN_MIN_COVER


def extract(
    path: str | os.PathLike,
    *,
    password: str | None = None,
    ocr: str = "auto",
    max_words: int = 150,
    target_words: int = 110,
    progress: Progress | None = None,
) -> Document:
    """Extract the passages of one PDF.

    ``ocr``: ``auto`` reads image-only pages with Tesseract when it is
    installed, ``always`` OCRs every page, ``never`` skips image pages.
    ``progress(done, total)`` is called after every page.

    Raises :class:`~docscan.errors.DocscanError` subclasses for bad input.
    """
    path = os.fspath(path)
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}")
    check_readable(path)
    sha = file_sha256(path)
    pdf, repaired = open_pdfium(path, password)
    warnings: list[str] = []
    if repaired:
        warnings.append("the PDF was damaged and has been repaired with ghostscript; check the result")
    finder = TableFinder(repaired or path, password)
    pages: list[PageText] = []
    tables: dict[int, list] = {}
    ocr_pages: list[int] = []
    scans_without_ocr: list[int] = []
    ocr_problem = ""
    try:
        reader = PdfiumReader(pdf)
        total = len(reader)
        if total == 0:
            raise CorruptPDFError(f"{path}: the PDF has no readable pages; it is damaged, get an intact copy")
        for i in range(total):
            p = reader.read(i)
            wants_ocr = ocr == "always" or (ocr == "auto" and _is_scan(p))
            if wants_ocr:
                ocr_exe, ocr_problem = tesseract_status()  # looked up once, on the first scanned page
                if ocr_exe:
                    try:
                        p.segments = ocr_page(pdf, i)
                        ocr_pages.append(p.number)
                    except Exception as exc:  # noqa: BLE001 - one unreadable page must not stop the document
                        warnings.append(f"page {p.number}: OCR failed ({exc})")
                else:
                    scans_without_ocr.append(p.number)
            elif ocr == "never" and _is_scan(p):
                scans_without_ocr.append(p.number)
            cuts = sorted({r[0] for r in p.rules if r[2] - r[0] <= 2.5})
            p.segments = layout.merge_fragments(p.segments, cuts)
            if p.paths >= MIN_PATHS and p.segments and p.number not in ocr_pages:
                found, _rest = find_ruled_tables(p.rules, p.segments)
                if not found and p.paths >= DIFFICULT_PATHS:
                    found = finder.find(p.number)  # many lines but no clean grid: let pdfplumber look
                if found:
                    tables[p.number] = found
            pages.append(p)
            if progress:
                progress(i + 1, total)
    finally:
        finder.close()
        pdf.close()
        if repaired:
            os.unlink(repaired)

    size, bold = layout.body_style(pages)
    drop = layout.running_lines(pages, size)
    flow = layout.merge_page_flows(pages, drop, tables)
    passages = layout.build_passages(flow, size, body_bold=bold, max_words=max_words, target_words=target_words)
    if scans_without_ocr:
        reason = "OCR is switched off (--ocr never)" if ocr == "never" else f"{ocr_problem}; {INSTALL_HINT}"
        if not any(p.kind != "heading" for p in passages):
            raise NoTextError(
                f"{path}: the PDF is scanned (image-only) and has no text layer; {reason}"
                + (", or use --ocr auto" if ocr == "never" else "")
            )
        warnings.append(
            f"{len(scans_without_ocr)} page(s) are scanned images and were skipped ({reason})"
        )
    if not passages:
        raise NoTextError(f"{path}: no text found in the PDF; it may be empty or contain only images")
    title = next((p.text for p in passages if p.kind == "heading" and p.page == 1), None)
    return Document(
        path=path,
        sha256=sha,
        pages=len(pages),
        passages=tuple(passages),
        ocr_pages=tuple(ocr_pages),
        warnings=tuple(warnings),
        title=title,
    )
