"""Ruled tables, found by pdfplumber on the pages where they can occur.

pdfplumber's per-character analysis is slow (tens of pages per second), so
it runs only on pages whose vector paths could form a table's rules; the
fast path handles everything else.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text import normalize

MIN_PATHS = 4  # fewer vector paths cannot make a ruled table


@dataclass(slots=True)
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[str]]


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
        except Exception:  # a malformed page: fall back to plain text for it
            return []
        finally:
            page.flush_cache()
            page.close()
        return out

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
