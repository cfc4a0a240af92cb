"""Ruled tables, found by pdfplumber on the pages where they can occur.

pdfplumber's per-character analysis is slow (tens of pages per second), so
it runs only on pages whose vector paths could form a table's rules; the
fast path handles everything else.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text import normalize

MIN_PATHS = 4  # fewer vector paths cannot make a ruled table
DIFFICULT_PATHS = 12  # a page with this many paths but no clean grid goes to pdfplumber


@dataclass(slots=True)
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[str]]


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _merge_collinear(lines, horizontal: bool, tol: float = 1.5):
    """Join rules on one line that touch or overlap (the shared edges of adjacent cells)."""
    if horizontal:
        key = lambda r: ((r[1] + r[3]) / 2, r[0])  # noqa: E731
    else:
        key = lambda r: ((r[0] + r[2]) / 2, r[1])  # noqa: E731
    out: list[list[float]] = []
    for r in sorted(lines, key=key):
        pos, start = key(r)
        end = r[2] if horizontal else r[3]
        if out:
            last = out[-1]
            lpos = (last[1] + last[3]) / 2 if horizontal else (last[0] + last[2]) / 2
            lend = last[2] if horizontal else last[3]
            if abs(pos - lpos) <= tol and start <= lend + tol:
                if horizontal:
                    last[2] = max(last[2], end)
                else:
                    last[3] = max(last[3], end)
                continue
        out.append(list(r))
    return [tuple(r) for r in out]


def find_ruled_tables(rules, segments) -> tuple[list[Table], list]:
    """Ruled tables from PDFium's vector paths, without pdfplumber.

    Horizontal and vertical rules that touch each other form a grid; the
    grid's rows and columns are the clustered rule positions, and the text
    segments inside it fill the cells. Returns the tables and the segments
    that are not in any table.
    """
    hs = _merge_collinear([r for r in rules if r[3] - r[1] <= 2.5 and r[2] - r[0] >= 8], horizontal=True)
    vs = _merge_collinear([r for r in rules if r[2] - r[0] <= 2.5 and r[3] - r[1] >= 4], horizontal=False)
    if len(hs) < 2 or len(vs) < 2:
        return [], segments
    # union-find over rules that touch
    items = hs + vs
    parent = list(range(len(items)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        hy = (h[1] + h[3]) / 2
        for j, v in enumerate(vs, start=len(hs)):
            vx = (v[0] + v[2]) / 2
            if h[0] - 2 <= vx <= h[2] + 2 and v[1] - 2 <= hy <= v[3] + 2:
                parent[find(i)] = find(j)
    groups: dict[int, list] = {}
    for i, r in enumerate(items):
        groups.setdefault(find(i), []).append(r)
    tables: list[Table] = []
    rest = list(segments)
    for members in groups.values():
        gh = [r for r in members if r[3] - r[1] <= 2.5 and r[2] - r[0] >= 8]
        gv = [r for r in members if r[2] - r[0] <= 2.5 and r[3] - r[1] >= 4]
        ys = _cluster([(r[1] + r[3]) / 2 for r in gh])
        xs = _cluster([(r[0] + r[2]) / 2 for r in gv])
        if len(ys) < 2 or (len(xs) < 3 and len(ys) < 3):
            continue
        x0, x1, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
        inside, outside = [], []
        for s in rest:
            cx, cy = (s.x0 + s.x1) / 2, (s.top + s.bottom) / 2
            (inside if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 else outside).append(s)
        if not inside:
            continue
        grid: list[list[list]] = [[[] for _ in range(len(xs) - 1)] for _ in range(len(ys) - 1)]
        for s in inside:
            cx, cy = (s.x0 + s.x1) / 2, (s.top + s.bottom) / 2
            r = max(0, min(len(ys) - 2, sum(1 for y in ys[1:-1] if cy > y)))
            c = max(0, min(len(xs) - 2, sum(1 for x in xs[1:-1] if cx > x)))
            grid[r][c].append(s)
        rows = []
        for row in grid:
            cells = [_cell_text(sorted(cell, key=lambda s: (round(s.top), s.x0))) for cell in row]
            if any(cells):
                rows.append(cells)
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(x0, top, x1, bottom, rows))
            rest = outside
    return tables, rest


def _cell_text(segs) -> str:
    from ..text import join_hyphenated

    text = ""
    for s in segs:
        if not text:
            text = s.text
        elif text.endswith("-") and text[-2:-1].isalnum() and s.text[:1].isalnum():
            text = join_hyphenated(text, s.text)
        else:
            text += " " + s.text
    return text.strip()


class TableFinder:
    """Opens the PDF with pdfplumber lazily and finds ruled tables on request."""

    def __init__(self, path: str, password: str | None = None):
        self.path = path
        self.password = password
        self._pdf = None
        self.pages_analysed = 0

    def find(self, pageno: int) -> list[Table]:
        if self._pdf is None:
            import pdfplumber

            self._pdf = pdfplumber.open(self.path, password=self.password or "")
        page = self._pdf.pages[pageno - 1]
        self.pages_analysed += 1
        out: list[Table] = []
        try:
            found = page.find_tables()
            for t in found:
                rows = []
                for row in t.extract():
                    cells = [normalize((c or "").replace("\n", " ")) for c in row]
                    if any(cells):
                        rows.append(cells)
                if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                    x0, top, x1, bottom = t.bbox
                    out.append(Table(x0, top, x1, bottom, rows))
        except Exception:  # noqa: BLE001 - a malformed page: fall back to plain text for it
            return []
        finally:
            page.flush_cache()
            page.close()
        return out

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
