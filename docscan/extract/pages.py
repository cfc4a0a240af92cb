"""Reading positioned text segments from PDF pages (the fast path).

A *segment* is a run of text on one baseline, as PDFium groups characters
into text rectangles: usually one line of a paragraph, or one cell or column
fragment of a line. Reading segments costs a handful of PDFium calls per
line, which keeps docscan at the speed of ``pdftotext`` while still giving
positions and font sizes for the layout analysis.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

from ..text import normalize


@dataclass(slots=True)
class Segment:
    text: str
    x0: float
    top: float  # distance from the top of the page, in pt
    x1: float
    bottom: float
    size: float  # font size in pt
    bold: bool
    page: int  # 1-based
    space_after: bool | None = None  # does the text layer put a space after it? None: unknown

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class PageText:
    number: int  # 1-based
    width: float
    height: float
    segments: list[Segment]
    chars: int  # printable characters on the page
    images: int  # image objects on the page
    image_cover: float  # share of the page area covered by the largest image
    paths: int  # vector path objects (ruling lines of tables, boxes)


_BUF_LEN = 1 << 16


class PdfiumReader:
    """Reads :class:`PageText` from an open ``pypdfium2.PdfDocument``."""

    def __init__(self, pdf):
        import pypdfium2.raw as raw

        self.pdf = pdf
        self.raw = raw
        self._buf = (ctypes.c_ushort * _BUF_LEN)()
        self._l, self._t, self._r, self._b = (ctypes.c_double() for _ in range(4))
        self._fl, self._fb, self._fr, self._ft = (ctypes.c_float() for _ in range(4))

    def __len__(self) -> int:
        return len(self.pdf)

    def read(self, index: int) -> PageText:
        raw = self.raw
        page = raw.FPDF_LoadPage(self.pdf.raw, index)
        try:
            width = raw.FPDF_GetPageWidthF(page)
            height = raw.FPDF_GetPageHeightF(page)
            images, cover, paths = self._objects(page, width * height)
            tp = raw.FPDFText_LoadPage(page)
            try:
                segments, chars = self._segments(tp, height, index + 1)
            finally:
                raw.FPDFText_ClosePage(tp)
        finally:
            raw.FPDF_ClosePage(page)
        return PageText(index + 1, width, height, segments, chars, images, cover, paths)

    def _objects(self, page, area: float) -> tuple[int, float, int]:
        raw = self.raw
        n = raw.FPDFPage_CountObjects(page)
        images = paths = 0
        cover = 0.0
        if n > 2000:  # a drawing or a map: count, do not measure
            return 0, 0.0, n
        for i in range(n):
            obj = raw.FPDFPage_GetObject(page, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                paths += 1
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                if raw.FPDFPageObj_GetBounds(obj, self._fl, self._fb, self._fr, self._ft) and area > 0:
                    a = (self._fr.value - self._fl.value) * (self._ft.value - self._fb.value)
                    cover = max(cover, min(1.0, abs(a) / area))
        return images, cover, paths

    def _segments(self, tp, height: float, pageno: int) -> tuple[list[Segment], int]:
        raw = self.raw
        nchars = raw.FPDFText_CountChars(tp)
        if nchars <= 0:
            return [], 0
        buf = self._buf
        if nchars + 1 > _BUF_LEN:
            buf = (ctypes.c_ushort * (nchars + 1))()
        got = raw.FPDFText_GetText(tp, 0, nchars, buf)
        full = ctypes.string_at(buf, max(0, got - 1) * 2).decode("utf-16-le", "replace")
        nrects = raw.FPDFText_CountRects(tp, 0, -1)
        l, t, r, b = self._l, self._t, self._r, self._b
        rects = []
        starts = []
        last = -1
        for k in range(nrects):
            raw.FPDFText_GetRect(tp, k, l, t, r, b)
            lv, tv, rv, bv = l.value, t.value, r.value, b.value
            mid, half = (tv + bv) / 2, (tv - bv) / 2
            idx = raw.FPDFText_GetCharIndexAtPos(tp, lv + 0.3, mid, 1.5, half)
            if idx <= last:  # retry a little further into the rectangle
                idx = raw.FPDFText_GetCharIndexAtPos(tp, lv + min(2.0, (rv - lv) / 3), mid, 3.0, half)
            if idx <= last:  # find the rectangle's text in the page text
                found = full.find(self._bounded(tp, lv, tv, rv, bv), last + 1)
                idx = found if found > last else -1
            if idx > last:
                last = idx
            rects.append((lv, tv, rv, bv))
            starts.append(idx)
        # Rectangles follow character order: cut the page text between their first characters,
        # so each piece keeps PDFium's word spacing (a trailing space means a word ends there).
        monotone = all(st >= 0 for st in starts)
        segs: list[Segment] = []
        for k, (lv, tv, rv, bv) in enumerate(rects):
            idx = starts[k]
            if monotone:
                end = starts[k + 1] if k + 1 < len(starts) else len(full)
                text = full[idx:end]
                space_after = text[-1:].isspace()
            else:
                text = self._bounded(tp, lv, tv, rv, bv)
                space_after = None
            text = normalize(text.replace("\x02", "-"))
            if not text:
                continue
            ci = idx if idx >= 0 else raw.FPDFText_GetCharIndexAtPos(tp, (lv + rv) / 2, (tv + bv) / 2, rv - lv, tv - bv)
            ci = max(ci, 0)
            size = raw.FPDFText_GetFontSize(tp, ci) or (tv - bv)
            weight = raw.FPDFText_GetFontWeight(tp, ci)
            segs.append(
                Segment(text, lv, height - tv, rv, height - bv, round(size, 1), weight >= 600, pageno, space_after)
            )
        printable = len(full) - full.count("\r") - full.count("\n") - full.count(" ")
        return segs, printable

    def _bounded(self, tp, lv, tv, rv, bv) -> str:
        shrink = (tv - bv) * 0.3
        n = self.raw.FPDFText_GetBoundedText(tp, lv, tv - shrink, rv, bv + shrink, self._buf, _BUF_LEN)
        return ctypes.string_at(self._buf, max(0, n) * 2).decode("utf-16-le", "replace")
