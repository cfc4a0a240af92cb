"""Reading positioned text segments from PDF pages (the fast path).

A *segment* is a run of text on one baseline, as PDFium groups characters
into text rectangles: usually one line of a paragraph, or one cell or column
fragment of a line. Reading segments costs a handful of PDFium calls per
line, which keeps docscan at the speed of ``pdftotext`` while still giving
positions and font sizes for the layout analysis.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

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
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # thin lines: x0, top, x1, bottom


_BUF_LEN = 1 << 16
# Pieces of one line further apart than this many font sizes are separate
# segments (columns, table cells); closer pieces are one line.
SPLIT_GAP = 0.9


# PDFium replaces a hyphen at a line end *and* the line break by this one character.
_HYPHEN = "\ufffe"
_LINE_END = re.compile("\r\n|\ufffe")


def _line_spans(full: str) -> list[tuple[int, int]]:
    """(first, last) character index of each non-blank line of PDFium's page text.

    Lines end at CR LF, or just after a line-end hyphen, which PDFium reports
    as U+FFFE in place of both the hyphen and the break.
    """
    spans = []
    pos = 0
    for m in _LINE_END.finditer(full):
        end = m.end() if m.group() == _HYPHEN else m.start()
        _span(full, pos, end, spans)
        pos = m.end()
    _span(full, pos, len(full), spans)
    return spans


def _span(full: str, a: int, b: int, spans: list) -> None:
    while a < b and full[a].isspace():
        a += 1
    while b > a and full[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b - 1))


class PdfiumReader:
    """Reads :class:`PageText` from an open ``pypdfium2.PdfDocument``."""

    def __init__(self, pdf):
        import pypdfium2.raw as raw

        self.pdf = pdf
        self.raw = raw
        self._buf = (ctypes.c_ushort * _BUF_LEN)()
        self._l, self._t, self._r, self._b = (ctypes.c_double() for _ in range(4))
        self._fl, self._fb, self._fr, self._ft = (ctypes.c_float() for _ in range(4))
        self._box = raw.FS_RECTF()

    def __len__(self) -> int:
        return len(self.pdf)

    def read(self, index: int) -> PageText:
        raw = self.raw
        page = raw.FPDF_LoadPage(self.pdf.raw, index)
        try:
            width = raw.FPDF_GetPageWidthF(page)
            height = raw.FPDF_GetPageHeightF(page)
            images, cover, paths, rules = self._objects(page, width * height, height)
            tp = raw.FPDFText_LoadPage(page)
            try:
                cuts = sorted({round(x0, 1) for x0, _t, x1, _b in rules if x1 - x0 <= 2.5})
                segments, chars = self._segments(tp, height, index + 1, cuts)
            finally:
                raw.FPDFText_ClosePage(tp)
        finally:
            raw.FPDF_ClosePage(page)
        return PageText(index + 1, width, height, segments, chars, images, cover, paths, rules)

    def _objects(self, page, area: float, height: float):
        """Count images (and their cover) and vector paths; collect thin rules and box edges."""
        raw = self.raw
        n = raw.FPDFPage_CountObjects(page)
        images = paths = 0
        cover = 0.0
        rules: list[tuple[float, float, float, float]] = []
        if n > 2000:  # a drawing or a map: count, do not measure
            return 0, 0.0, n, rules
        fl, fb, fr, ft = self._fl, self._fb, self._fr, self._ft
        for i in range(n):
            obj = raw.FPDFPage_GetObject(page, i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                paths += 1
                if raw.FPDFPageObj_GetBounds(obj, fl, fb, fr, ft):
                    x0, x1, top, bottom = fl.value, fr.value, height - ft.value, height - fb.value
                    w, h = x1 - x0, bottom - top
                    if (w <= 2.5 and h >= 4) or (h <= 2.5 and w >= 8):
                        rules.append((x0, top, x1, bottom))
                    elif w > 2.5 and h > 2.5 and w * h < 0.5 * area:  # a box: its four edges
                        rules += [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)]
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                if raw.FPDFPageObj_GetBounds(obj, self._fl, self._fb, self._fr, self._ft) and area > 0:
                    a = (self._fr.value - self._fl.value) * (self._ft.value - self._fb.value)
                    cover = max(cover, min(1.0, abs(a) / area))
        return images, cover, paths, rules

    def _segments(self, tp, height: float, pageno: int, cuts: list[float] = ()) -> tuple[list[Segment], int]:
        """Lines of the page text, positioned with PDFium's loose character boxes.

        PDFium already orders characters and marks line ends with CR LF.
        Each line costs a few constant-time calls (its first and last
        character box, font size and weight). Text rectangles, cheap to read,
        show where a line holds pieces far apart (columns written line by
        line, cells of an unruled table); only such lines are split.
        """
        raw = self.raw
        nchars = raw.FPDFText_CountChars(tp)
        if nchars <= 0:
            return [], 0
        buf = self._buf
        if nchars + 1 > _BUF_LEN:
            buf = (ctypes.c_ushort * (nchars + 1))()
        got = raw.FPDFText_GetText(tp, 0, nchars, buf)
        full = ctypes.string_at(buf, max(0, got - 1) * 2).decode("utf-16-le", "replace")
        printable = len(full) - full.count("\r") - full.count("\n") - full.count(" ")
        if len(full) != nchars:  # characters outside the BMP: index arithmetic would drift
            return self._segments_by_rect(tp, full, height, pageno), printable
        box = self._box
        lines = []  # [start, end, x0, top, x1, bottom] in PDF space (y up)
        for s, e in _line_spans(full):
            raw.FPDFText_GetLooseCharBox(tp, s, box)
            x0, top, bottom = box.left, box.top, box.bottom
            raw.FPDFText_GetLooseCharBox(tp, e, box)
            lines.append([s, e, x0, max(top, box.top), max(box.right, x0), min(bottom, box.bottom)])
        splits = self._gaps(tp, lines, cuts)
        segs: list[Segment] = []
        for li, (s, e, x0, top, x1, bottom) in enumerate(lines):
            line_cuts = splits.get(li)
            if not line_cuts:
                pieces = [(s, e + 1, x0, x1)]
            else:
                pieces = []
                bounds = [s] + [c for c, _, _ in line_cuts] + [e + 1]
                lefts = [x0] + [cx for _, cx, _ in line_cuts]
                rights = [px for _, _, px in line_cuts] + [x1]
                for k in range(len(bounds) - 1):
                    pieces.append((bounds[k], bounds[k + 1], lefts[k], rights[k]))
            for a, b, px0, px1 in pieces:
                chunk = full[a:b]
                space_after = chunk[-1:].isspace() or b == e + 1
                text = normalize(chunk.replace(_HYPHEN, "-").replace("\x02", "-"))
                if not text:
                    continue
                size = raw.FPDFText_GetFontSize(tp, a)
                if not 0.4 * (top - bottom) < size < 2.5 * (top - bottom):
                    size = (top - bottom) / 1.15  # text drawn at Tf 1 and scaled by the matrix
                weight = raw.FPDFText_GetFontWeight(tp, a)
                segs.append(
                    Segment(text, px0, height - top, px1, height - bottom, round(size, 1), weight >= 600, pageno,
                            space_after)
                )
        return segs, printable

    def _gaps(self, tp, lines, rule_xs: list[float] = ()) -> dict[int, list[tuple[int, float, float]]]:
        """Find lines whose text rectangles lie far apart, or on both sides of a
        vertical rule (table cells); return split points per line."""
        raw = self.raw
        nrects = raw.FPDFText_CountRects(tp, 0, -1)
        if nrects <= len(lines):
            return {}
        l, t, r, b = self._l, self._t, self._r, self._b
        rects = []
        for k in range(nrects):
            raw.FPDFText_GetRect(tp, k, l, t, r, b)
            rects.append((l.value, t.value, r.value, b.value))
        # bucket rectangles by the line whose vertical span holds their middle
        order = sorted(range(len(lines)), key=lambda i: -lines[i][3])
        out: dict[int, list[tuple[int, float, float]]] = {}
        per_line: dict[int, list] = {}
        for rc in rects:
            mid = (rc[1] + rc[3]) / 2
            for i in order:
                ln = lines[i]
                if ln[5] - 0.5 <= mid <= ln[3] + 0.5 and ln[2] - 1 <= (rc[0] + rc[2]) / 2 <= ln[4] + 1:
                    per_line.setdefault(i, []).append(rc)
                    break
        for i, rcs in per_line.items():
            if len(rcs) < 2:
                continue
            rcs.sort()
            ln = lines[i]
            unit = max(raw.FPDFText_GetFontSize(tp, ln[0]), 4.0)
            cuts = []
            right = rcs[0][2]
            for rc in rcs[1:]:
                ruled = any(right - 1 <= x <= rc[0] + 1 for x in rule_xs)
                if rc[0] - right > SPLIT_GAP * unit or ruled:
                    mid = (rc[1] + rc[3]) / 2
                    idx = raw.FPDFText_GetCharIndexAtPos(tp, rc[0] + 0.3, mid, 1.5, (rc[1] - rc[3]) / 2)
                    if ln[0] < idx <= ln[1] and (not cuts or idx > cuts[-1][0]):
                        cuts.append((idx, rc[0], right))
                right = max(right, rc[2])
            if cuts:
                out[i] = cuts
        return out

    def _segments_by_rect(self, tp, full: str, height: float, pageno: int) -> list[Segment]:
        """Slow but general path: one segment per text rectangle."""
        raw = self.raw
        nrects = raw.FPDFText_CountRects(tp, 0, -1)
        l, t, r, b = self._l, self._t, self._r, self._b
        segs: list[Segment] = []
        for k in range(nrects):
            raw.FPDFText_GetRect(tp, k, l, t, r, b)
            lv, tv, rv, bv = l.value, t.value, r.value, b.value
            text = normalize(self._bounded(tp, lv, tv, rv, bv).replace(_HYPHEN, "-").replace("\x02", "-"))
            if not text:
                continue
            ci = max(raw.FPDFText_GetCharIndexAtPos(tp, lv + 0.3, (tv + bv) / 2, 2.0, (tv - bv) / 2), 0)
            size = raw.FPDFText_GetFontSize(tp, ci) or (tv - bv)
            weight = raw.FPDFText_GetFontWeight(tp, ci)
            segs.append(Segment(text, lv, height - tv, rv, height - bv, round(size, 1), weight >= 600, pageno, None))
        return segs

    def _bounded(self, tp, lv, tv, rv, bv) -> str:
        shrink = (tv - bv) * 0.3
        n = self.raw.FPDFText_GetBoundedText(tp, lv, tv - shrink, rv, bv + shrink, self._buf, _BUF_LEN)
        return ctypes.string_at(self._buf, max(0, n) * 2).decode("utf-16-le", "replace")
