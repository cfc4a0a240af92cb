#!/usr/bin/env python3
"""Build the bundled example PDF (and larger test PDFs) from a small markup.

Usage::

    python examples/build_example.py                 # regenerate the example PDF
    python examples/build_example.py --repeat 47 --out /tmp/big.pdf   # ~1000 pages
    python examples/build_example.py --font core     # fpdf2 core Helvetica

As a module::

    from build_example import build_pdf, parse_markup
    build_pdf("plan.md", "plan.pdf", repeat=1, font="auto")
    blocks = parse_markup("plan.md")

This file deliberately has no docscan imports; it only needs fpdf2.

Markup
======

The source is a UTF-8 text file made of *blocks*.  A block starts on a new
line; blocks are separated by blank lines unless stated otherwise.

``# Title``, ``## Title``, ``### Title``
    Headings of level 1-3.  Numbering is part of the text
    ("## 2.1 Dienstverlening").  Level 1 and 2 headings of the body go into
    the PDF outline and the table of contents (level 1 only when repeat > 1).

Paragraph
    Consecutive non-blank lines that are not another block type; the lines
    are joined with a single space.

Bullet list
    Lines starting with ``- `` directly after a lead-in paragraph that ends
    in ``:`` (no blank line needed between lead-in and list, one is allowed).
    An item continues on following lines that are indented.  Rendered with a
    "•" and a hanging indent.

Table
    Consecutive lines starting with ``|``: ``| a | b |``.  The first row is
    the header.  A markdown separator row (``| --- | --- |``) is allowed and
    ignored.  Rendered with ruled lines (fpdf2 ``table()``); columns whose
    body cells all look like numbers or amounts are right-aligned, quarter
    columns ("Q1 2025") centred; a first cell "Totaal" makes the row bold.

``::: columns`` ... ``:::``
    The enclosed ``###`` headings and paragraphs are rendered in two real
    columns (fpdf2 ``text_columns``, left-aligned) with an 8 mm gutter; a
    section that fits on one page is not split across pages.

``::: pagebreak``
    Forces a new page.

``::: titlepage`` ... ``:::``
    The title page: the ``#`` heading is the title, the ``##`` heading the
    subtitle, the paragraphs are the remaining lines (municipality, date,
    version).  No running header or footer is printed on this page.

``::: toc``
    Inserts the table of contents ("Inhoud", generated from the level 1 and 2
    headings, with page numbers).  Everything *after* this directive is the
    document *body*; ``repeat=N`` repeats the body N times.

``parse_markup`` returns a list of dicts with at least ``type`` and ``text``:

* ``heading``: ``level``, ``text``
* ``paragraph``: ``text``
* ``bullets``: ``items`` (list of str), ``lead`` (text of the lead-in
  paragraph, which is also its own preceding ``paragraph`` block),
  ``text`` (items joined by newlines)
* ``table``: ``rows`` (list of lists of str; ``rows[0]`` is the header),
  ``text`` (cells joined by " | ", rows by newlines)
* ``columns``: ``blocks`` (nested heading/paragraph blocks), ``text``
* ``titlepage``: ``blocks`` (nested heading/paragraph blocks), ``text``
* ``pagebreak`` and ``toc``: ``text`` is empty

Rendering: A4, DejaVuSans 10 pt (fpdf2 core Helvetica with windows-1252 as a
fallback), justified body text, running header and "Pagina N van M" footer on
every page except the title page, fixed creation date so the output bytes
are reproducible.

Every block also carries ``part`` ("front" before the toc, "body" after it)
and ``copy`` (1 for the original body, 2..N for repeated copies; headings of
copy k >= 2 get the suffix " (herhaling k)").  Texts never contain the soft
hyphens that the renderer inserts.

Hyphenation: before rendering, soft hyphens (U+00AD) are inserted into the
long compound words listed in ``HYPHENATION`` (wherever they occur inside a
word, also in inflected forms and compounds) so fpdf2 can break them at the
end of a line, printing a visible "-".
"""

from __future__ import annotations

import argparse
import copy as _copy
import datetime as _dt
import math
import re
import sys
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

HERE = Path(__file__).resolve().parent
DEFAULT_MD = HERE / "informatiebeleidsplan-veenendrecht.md"
DEFAULT_PDF = HERE / "informatiebeleidsplan-veenendrecht.pdf"

RUNNING_HEADER = "Informatiebeleidsplan 2025-2028 · Gemeente Veenendrecht"
CREATION_DATE = _dt.datetime(2024, 12, 12, 12, 0, 0, tzinfo=_dt.timezone.utc)
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")

SOFT_HYPHEN = "\u00ad"

# --------------------------------------------------------------------------
# Markup parsing
# --------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^(#{1,3})\s+(.*\S)\s*$")
_SEP_CELL_RE = re.compile(r"^:?-{3,}:?$")


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _parse_lines(lines: list[str], start: int = 0, stop_at_close: bool = False):
    """Parse lines into blocks; returns (blocks, next_index)."""
    blocks: list[dict] = []
    i = start
    n = len(lines)
    para: list[str] = []

    def flush_para():
        if para:
            blocks.append({"type": "paragraph", "text": " ".join(para)})
            para.clear()

    while i < n:
        raw = lines[i]
        line = raw.rstrip("\n").rstrip()
        stripped = line.strip()
        if stop_at_close and stripped == ":::":
            flush_para()
            return blocks, i + 1
        if not stripped:
            flush_para()
            i += 1
            continue
        if stripped.startswith(":::"):
            flush_para()
            kind = stripped[3:].strip().lower()
            if kind == "pagebreak":
                blocks.append({"type": "pagebreak", "text": ""})
                i += 1
            elif kind == "toc":
                blocks.append({"type": "toc", "text": ""})
                i += 1
            elif kind in ("columns", "titlepage"):
                inner, i = _parse_lines(lines, i + 1, stop_at_close=True)
                text = "\n".join(b["text"] for b in inner if b.get("text"))
                blocks.append({"type": kind, "blocks": inner, "text": text})
            else:
                raise ValueError(f"line {i + 1}: unknown directive {stripped!r}")
            continue
        m = _HEADING_RE.match(stripped)
        if m and not para:
            blocks.append(
                {"type": "heading", "level": len(m.group(1)), "text": m.group(2)}
            )
            i += 1
            continue
        if stripped.startswith("|"):
            flush_para()
            rows = []
            while i < n and lines[i].strip().startswith("|"):
                cells = _split_row(lines[i])
                if not all(_SEP_CELL_RE.match(c) for c in cells):
                    rows.append(cells)
                i += 1
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            blocks.append(
                {
                    "type": "table",
                    "rows": rows,
                    "text": "\n".join(" | ".join(r) for r in rows),
                }
            )
            continue
        if stripped.startswith("- "):
            # lead-in: the paragraph being collected, or the previous block
            lead = None
            if para:
                flush_para()
            if blocks and blocks[-1]["type"] == "paragraph":
                lead = blocks[-1]["text"]
            items: list[str] = []
            while i < n:
                cur = lines[i].rstrip()
                if cur.strip().startswith("- "):
                    items.append(cur.strip()[2:].strip())
                elif cur.strip() and cur[:1].isspace() and items:
                    items[-1] += " " + cur.strip()
                else:
                    break
                i += 1
            blocks.append(
                {"type": "bullets", "lead": lead, "items": items,
                 "text": "\n".join(items)}
            )
            continue
        para.append(stripped)
        i += 1
    flush_para()
    if stop_at_close:
        raise ValueError("unterminated ::: block")
    return blocks, i


def _suffix_headings(blocks: list[dict], k: int) -> None:
    for b in blocks:
        if b["type"] == "heading":
            b["text"] = f"{b['text']} (herhaling {k})"
        if "blocks" in b:
            _suffix_headings(b["blocks"], k)
            b["text"] = "\n".join(x["text"] for x in b["blocks"] if x.get("text"))


def _mark(blocks: list[dict], part: str, copy: int) -> None:
    for b in blocks:
        b["part"] = part
        b["copy"] = copy
        if "blocks" in b:
            _mark(b["blocks"], part, copy)


def parse_markup(md_path, *, repeat: int = 1) -> list[dict]:
    """Parse the markup file into a list of blocks (see module docstring).

    With ``repeat`` > 1 the body (everything after ``::: toc``) is repeated,
    exactly as ``build_pdf(..., repeat=repeat)`` renders it.
    """
    if repeat < 1:
        raise ValueError("repeat must be >= 1")
    text = Path(md_path).read_text(encoding="utf-8")
    blocks, _ = _parse_lines(text.splitlines())
    toc_idx = next((j for j, b in enumerate(blocks) if b["type"] == "toc"), None)
    if toc_idx is None:
        front, body = [], blocks
    else:
        front, body = blocks[: toc_idx + 1], blocks[toc_idx + 1:]
    _mark(front, "front", 1)
    _mark(body, "body", 1)
    out = front + body
    for k in range(2, repeat + 1):
        dup = _copy.deepcopy(body)
        _suffix_headings(dup, k)
        _mark(dup, "body", k)
        out.append({"type": "pagebreak", "text": "", "part": "body", "copy": k})
        out.extend(dup)
    return out


# --------------------------------------------------------------------------
# Hyphenation
# --------------------------------------------------------------------------

# Break points marked with "-"; matched case-insensitively anywhere inside a
# word (so "informatiebeleidsplannen" and "Dienstverleningsconcept" match).
HYPHENATION = [
    "in-for-ma-tie-be-leids-plan",
    "di-gi-ta-li-se-rings-stra-te-gie",
    "ge-ge-vens-ma-na-ge-ment",
    "dienst-ver-le-nings-con-cept",
    "in-for-ma-tie-be-vei-li-gings-be-leid",
    "in-for-ma-tie-be-vei-li-ging",
    "in-for-ma-tie-voor-zie-ning",
    "in-for-ma-tie-huis-hou-ding",
    "in-for-ma-tie-vei-lig-heid",
    "in-for-ma-tie-ma-na-ge-ment",
    "in-for-ma-tie-ad-vi-seur",
    "in-for-ma-tie-kun-di-ge",
    "dienst-ver-le-ning",
    "be-drijfs-voe-ring",
    "ge-meen-te-se-cre-ta-ris",
    "ge-meen-te-ar-chi-va-ris",
    "uit-voe-rings-agen-da",
    "voort-gangs-rap-por-ta-ge",
    "ba-sis-re-gi-stra-tie",
    "ver-ant-woor-de-lijk",
    "ver-ant-woor-ding",
    "ge-ge-vens-ver-za-me-lin-gen",
    "ge-ge-vens-be-scher-mings-ef-fect-be-oor-de-ling",
    "ge-ge-vens-ca-ta-lo-gus",
    "ar-chi-tec-tuur",
    "or-ga-ni-sa-tie",
    "ap-pli-ca-tie-land-schap",
    "ap-pli-ca-tie",
    "ont-wik-ke-ling",
    "di-gi-ta-li-se-ring",
    "zaak-ge-richt",
    "zaak-sys-teem",
    "me-de-wer-kers",
    "ge-meen-te-lij-ke",
    "sa-men-wer-king",
    "af-de-lings-hoofd",
    "aan-be-ste-ding",
    "be-vei-li-ging",
    "per-soons-ge-ge-vens",
    "Om-ge-vings-wet",
    "om-ge-vings-ver-gun-ning",
    "pro-fes-si-o-ne-le",
    "Klant-con-tact-cen-trum",
    "in-wo-ners-pa-nel",
    "in-wo-ner-pei-ling",
    "aan-vraag-for-mu-lier",
    "con-ti-nu-ïteit",
    "ex-ploi-ta-tie",
    "ca-pa-ci-teit",
    "in-fra-struc-tuur",
    "le-ve-ran-ciers",
    "ge-stan-daar-di-seer-de",
    "toe-gan-ke-lijk-heids-stan-daard",
    "ar-chief-be-schei-den",
    "pres-ta-tie-in-di-ca-to-ren",
    "plat-te-lands-ge-meen-te",
    "pro-vin-cie-grens",
    "ge-meen-schap-pe-lij-ke",
]


def _build_hyphenation():
    table = {}
    for entry in HYPHENATION:
        word = entry.replace("-", "").lower()
        pos = []
        acc = 0
        for part in entry.split("-")[:-1]:
            acc += len(part)
            pos.append(acc)
        table[word] = pos
    stems = sorted(table, key=len, reverse=True)
    rx = re.compile("|".join(re.escape(s) for s in stems))
    return table, rx


_HYPH_TABLE, _HYPH_RX = _build_hyphenation()
_WORD_RX = re.compile(r"[^\W\d_]{8,}")


def _hyph_word(m: re.Match) -> str:
    word = m.group(0)
    low = word.lower()
    cuts = set()
    for hm in _HYPH_RX.finditer(low):
        base = hm.start()
        for p in _HYPH_TABLE[hm.group(0)]:
            cuts.add(base + p)
        # compound boundary between two matched stems
        if base > 0:
            cuts.add(base)
    # keep at least two letters on each side of a break
    cuts = sorted(c for c in cuts if 2 <= c <= len(word) - 2)
    if not cuts:
        return word
    out, prev = [], 0
    for c in cuts:
        out.append(word[prev:c])
        prev = c
    out.append(word[prev:])
    return SOFT_HYPHEN.join(out)


def hyphenate(text: str) -> str:
    """Insert soft hyphens into the known long compound words of ``text``."""
    return _WORD_RX.sub(_hyph_word, text)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

# Core fonts are written with windows-1252, which has €, •, dashes and curly
# quotes; anything else outside that code page is transliterated.
_CORE_ENCODING = "windows-1252"
_CORE_REPLACEMENTS = {
    "\u2192": "->", "\u2264": "<=", "\u2265": ">=", "\u2212": "-",
    "\u00a0": " ",
}

BLUE = (0, 74, 119)
GREEN = (70, 120, 60)
GREY = (110, 110, 110)


class _PlanPDF(FPDF):
    def __init__(self, fontmode: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.fontmode = fontmode
        self.no_header_pages: set[int] = set()
        self.fam = "Helvetica"
        if fontmode == "ttf":
            self.add_font("DejaVu", "", str(DEJAVU_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(DEJAVU_DIR / "DejaVuSans-Bold.ttf"))
            self.add_font("DejaVu", "I", str(DEJAVU_DIR / "DejaVuSans-Oblique.ttf"))
            self.add_font("DejaVu", "BI",
                          str(DEJAVU_DIR / "DejaVuSans-BoldOblique.ttf"))
            self.fam = "DejaVu"
        else:
            self.core_fonts_encoding = _CORE_ENCODING

    # text clean-up for the core-font fallback
    def t(self, text: str) -> str:
        if self.fontmode == "ttf":
            return text
        for a, b in _CORE_REPLACEMENTS.items():
            text = text.replace(a, b)
        return text.encode(_CORE_ENCODING, "replace").decode(_CORE_ENCODING)

    def header(self):
        if self.page in self.no_header_pages:
            return
        self.set_font(self.fam, "", 8)
        self.set_text_color(*GREY)
        self.set_xy(self.l_margin, 10)
        self.cell(0, 5, self.t(RUNNING_HEADER), align="R")
        self.set_draw_color(*GREEN)
        self.set_line_width(0.3)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self):
        if self.page in self.no_header_pages:
            return
        self.set_y(-15)
        self.set_font(self.fam, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Pagina {self.page_no()} van {self.str_alias_nb_pages}",
                  align="C")
        self.set_text_color(0, 0, 0)


def _resolve_font(font: str) -> str:
    have = (DEJAVU_DIR / "DejaVuSans.ttf").exists() and (
        DEJAVU_DIR / "DejaVuSans-Bold.ttf").exists()
    if font in ("auto", None):
        return "ttf" if have else "core"
    if font in ("dejavu", "ttf"):
        if not have:
            raise FileNotFoundError(f"DejaVuSans not found in {DEJAVU_DIR}")
        return "ttf"
    if font in ("core", "helvetica"):
        return "core"
    raise ValueError(f"unknown font option {font!r}")


class _Renderer:
    BODY_PT = 10
    LINE_H = 5.0
    PARA_GAP = 2.6
    HEAD = {1: (16, 8, 4), 2: (12, 5, 2), 3: (10.5, 3, 1)}  # size, before, after

    def __init__(self, pdf: _PlanPDF, toc_levels: int):
        self.pdf = pdf
        self.toc_levels = toc_levels

    # ---- helpers
    def body_font(self, style: str = "", size: float | None = None):
        self.pdf.set_font(self.pdf.fam, style, size or self.BODY_PT)

    def ensure_space(self, h: float):
        pdf = self.pdf
        if pdf.y + h > pdf.page_break_trigger:
            pdf.add_page()

    # ---- blocks
    def heading(self, b: dict):
        pdf = self.pdf
        size, before, after = self.HEAD[b["level"]]
        self.ensure_space(before + size * 0.6 + after + 3 * self.LINE_H)
        if pdf.y > pdf.t_margin + 0.5:
            pdf.ln(before)
        if b["level"] - 1 < self.toc_levels and b.get("part") == "body":
            pdf.start_section(pdf.t(b["text"]), level=b["level"] - 1)
        pdf.set_font(pdf.fam, "B", size)
        pdf.set_text_color(*(BLUE if b["level"] < 3 else (0, 0, 0)))
        pdf.multi_cell(0, size * 0.5, pdf.t(b["text"]), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        if b["level"] == 1:
            pdf.set_draw_color(*GREEN)
            pdf.set_line_width(0.4)
            pdf.line(pdf.l_margin, pdf.y + 1, pdf.l_margin + 40, pdf.y + 1)
            pdf.ln(2)
        pdf.ln(after)

    def paragraph(self, b: dict):
        pdf = self.pdf
        self.body_font()
        align = "J" if b.get("part", "body") == "body" else "L"
        pdf.multi_cell(0, self.LINE_H, pdf.t(hyphenate(b["text"])), align=align,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(self.PARA_GAP)

    def bullets(self, b: dict):
        pdf = self.pdf
        self.body_font()
        indent, hang = 4.0, 5.0
        bullet = pdf.t("\u2022")
        # the lead-in paragraph already added its gap; tighten it
        pdf.ln(-self.PARA_GAP + 0.8)
        width = pdf.w - pdf.l_margin - pdf.r_margin - indent - hang
        for item in b["items"]:
            self.ensure_space(self.LINE_H)
            y = pdf.y
            pdf.set_xy(pdf.l_margin + indent, y)
            pdf.cell(hang, self.LINE_H, bullet)
            pdf.set_xy(pdf.l_margin + indent + hang, y)
            pdf.multi_cell(width, self.LINE_H, pdf.t(hyphenate(item)), align="J",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.8)
        pdf.ln(self.PARA_GAP - 0.8)

    def table(self, b: dict):
        pdf = self.pdf
        rows = b["rows"]
        ncols = len(rows[0])
        aligns = []
        for c in range(ncols):
            vals = [r[c] for r in rows[1:] if r[c]]
            if vals and all(re.fullmatch(r"[€\s\d.,%-]+", v) for v in vals):
                aligns.append("RIGHT")
            elif vals and all(re.fullmatch(r"Q\d \d{4}", v) for v in vals):
                aligns.append("CENTER")
            else:
                aligns.append("LEFT")
        size = 9
        line_h, pad_v, pad_h = 4.4, 1.2, 1.6
        widths = self._col_widths(rows, size, pad_h)
        est = self._table_height(rows, widths, size, line_h, pad_v, pad_h)
        room = pdf.page_break_trigger - pdf.y
        full = pdf.page_break_trigger - pdf.t_margin
        if est > room and (est < 0.6 * full or room < 40):
            pdf.add_page()
        pdf.set_font(pdf.fam, "", size)
        pdf.set_draw_color(150, 150, 150)
        pdf.set_fill_color(255, 255, 255)
        pdf.set_line_width(0.2)
        head = FontFace(emphasis="BOLD", fill_color=(222, 234, 218))
        with pdf.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            line_height=line_h,
            padding=(pad_v, pad_h),
            headings_style=head,
            borders_layout="ALL",
            cell_fill_mode="NONE",
            first_row_as_headings=True,
        ) as table:
            for ri, r in enumerate(rows):
                row = table.row()
                bold_total = ri > 0 and r[0].strip().lower() == "totaal"
                for cell in r:
                    txt = pdf.t(hyphenate(cell) if ri else cell)
                    if bold_total:
                        row.cell(txt, style=FontFace(emphasis="BOLD"))
                    else:
                        row.cell(txt)
        pdf.ln(self.PARA_GAP + 1.5)

    def _col_widths(self, rows, size, pad):
        pdf = self.pdf
        avail = pdf.w - pdf.l_margin - pdf.r_margin
        nat, minw = [], []
        for c in range(len(rows[0])):
            n = m = 0.0
            for ri, r in enumerate(rows):
                pdf.set_font(pdf.fam, "B" if ri == 0 else "", size)
                txt = pdf.t(r[c])
                n = max(n, pdf.get_string_width(txt))
                # short cells (quarters, amounts, codes) are never wrapped
                words = [txt] if len(txt) <= 12 else txt.split()
                for word in words:
                    m = max(m, pdf.get_string_width(word))
            nat.append(n + 2 * pad + 0.5)
            minw.append(m + 2 * pad + 0.5)
        if sum(nat) <= avail:
            return [w * avail / sum(nat) for w in nat]
        extra = avail - sum(minw)
        flex = [n - m for n, m in zip(nat, minw)]
        if extra <= 0 or sum(flex) <= 0:
            return [w * avail / sum(minw) for w in minw]
        return [m + extra * f / sum(flex) for m, f in zip(minw, flex)]

    def _table_height(self, rows, widths, size, line_h, pad_v, pad_h):
        pdf = self.pdf
        total = 0.0
        for ri, r in enumerate(rows):
            pdf.set_font(pdf.fam, "B" if ri == 0 else "", size)
            lines = max(
                math.ceil(pdf.get_string_width(pdf.t(cell)) / max(w - 2 * pad_h, 1))
                or 1
                for cell, w in zip(r, widths))
            total += lines * line_h + 2 * pad_v
        return total

    def columns(self, b: dict):
        pdf = self.pdf
        # keep a short two-column section on one page
        gutter = 8
        col_w = (pdf.w - pdf.l_margin - pdf.r_margin - gutter) / 2
        total = 0.0
        for inner in b["blocks"]:
            if inner["type"] == "heading":
                total += self.LINE_H + 2.3
            else:
                self.body_font()
                sw = pdf.get_string_width(pdf.t(inner["text"]))
                total += (math.ceil(sw * 1.08 / col_w) + 0.3) * self.LINE_H + 1.5
        per_col = total / 2 + self.LINE_H
        room = pdf.page_break_trigger - pdf.y
        full = pdf.page_break_trigger - pdf.t_margin
        if per_col > room and per_col < 0.8 * full:
            pdf.add_page()
        self.ensure_space(4 * self.LINE_H)
        with pdf.text_columns(ncols=2, gutter=gutter, text_align="LEFT",
                              line_height=self.LINE_H / (self.BODY_PT * 0.3528),
                              balance=True) as cols:
            first = True
            for inner in b["blocks"]:
                if inner["type"] == "heading":
                    pdf.set_font(pdf.fam, "B", self.BODY_PT + 0.5)
                    pdf.set_text_color(*BLUE)
                    with cols.paragraph(text_align="LEFT",
                                        top_margin=0 if first else 1.5,
                                        bottom_margin=0.8) as p:
                        p.write(pdf.t(inner["text"]))
                    pdf.set_text_color(0, 0, 0)
                elif inner["type"] == "paragraph":
                    self.body_font()
                    with cols.paragraph(bottom_margin=1.5) as p:
                        p.write(pdf.t(hyphenate(inner["text"])))
                first = False
        self.body_font()
        pdf.ln(self.PARA_GAP)

    def titlepage(self, b: dict):
        pdf = self.pdf
        if pdf.page != 0 and pdf.y <= pdf.t_margin + 0.5:
            pdf.no_header_pages.add(pdf.page)
        else:
            pdf.no_header_pages.add(pdf.page + 1)
            pdf.add_page()
        # decoration: a band of "polder" strips
        pdf.set_fill_color(*GREEN)
        pdf.rect(0, 0, pdf.w, 60, style="F")
        pdf.set_fill_color(*BLUE)
        for k in range(5):
            pdf.rect(0, 62 + k * 3.2, pdf.w, 1.1, style="F")
        pdf.set_y(105)
        heads = [x for x in b["blocks"] if x["type"] == "heading"]
        paras = [x for x in b["blocks"] if x["type"] == "paragraph"]
        for h in heads:
            if h["level"] == 1:
                pdf.set_font(pdf.fam, "B", 28)
                pdf.set_text_color(*BLUE)
                pdf.multi_cell(0, 13, pdf.t(h["text"]), align="L",
                               new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(3)
            else:
                pdf.set_font(pdf.fam, "", 15)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(0, 8, pdf.t(h["text"]), align="L",
                               new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        if paras:
            pdf.set_y(200)
            pdf.set_font(pdf.fam, "B", 18)
            pdf.multi_cell(0, 9, pdf.t(paras[0]["text"]), align="L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(4)
            pdf.set_font(pdf.fam, "", 11)
            for p in paras[1:]:
                pdf.multi_cell(0, 6, pdf.t(p["text"]), align="L",
                               new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.add_page()

    def toc(self, levels: list[int]):
        pdf = self.pdf
        line_h = 5.4
        if pdf.y > pdf.page_break_trigger - 40:
            pdf.add_page()
        elif pdf.y > pdf.t_margin + 0.5:
            pdf.ln(6)
        # simulate the layout of render() below to reserve the right page count
        pages, y = 1, pdf.y + 10 + 4
        for lvl in levels:
            h = line_h + (0.8 if lvl == 0 else 0)
            if y + h > pdf.page_break_trigger:
                pages += 1
                y = pdf.t_margin
            y += h
        fam = pdf.fam

        def render(pdf_, outline):
            pdf_.set_x(pdf_.l_margin)
            pdf_.set_font(fam, "B", 16)
            pdf_.set_text_color(*BLUE)
            pdf_.cell(0, 10, "Inhoud", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf_.set_text_color(0, 0, 0)
            pdf_.ln(4)
            for sec in outline:
                lvl = sec.level
                if pdf_.y + line_h + (0.8 if lvl == 0 else 0) > pdf_.page_break_trigger:
                    pdf_.add_page()
                pdf_.set_font(fam, "B" if lvl == 0 else "", 10 if lvl == 0 else 9.5)
                if lvl == 0:
                    pdf_.ln(0.8)
                x = pdf_.l_margin + 7 * lvl
                pdf_.set_x(x)
                num = str(sec.page_number)
                w_num = 12
                w_name = pdf_.w - pdf_.r_margin - x - w_num
                link = pdf_.add_link(page=sec.page_number)
                name = sec.name
                while pdf_.get_string_width(name) > w_name - 4 and len(name) > 4:
                    name = name[:-2]
                pdf_.cell(w_name, line_h, name, link=link)
                pdf_.cell(w_num, line_h, num, align="R", link=link,
                          new_x=XPos.LMARGIN, new_y=YPos.NEXT)

        pdf.insert_toc_placeholder(render, pages=pages)

    def pagebreak(self):
        pdf = self.pdf
        if pdf.y > pdf.t_margin + 0.5:
            pdf.add_page()


def _toc_levels(blocks: list[dict], levels: int) -> list[int]:
    return [b["level"] - 1 for b in blocks
            if b["type"] == "heading" and b["level"] <= levels
            and b.get("part") == "body"]


def build_pdf(md_path, pdf_path, *, repeat: int = 1, font: str = "auto") -> int:
    """Render ``md_path`` to ``pdf_path``; returns the number of pages.

    ``repeat`` repeats the body chapters (everything after ``::: toc``);
    ``font`` is "auto" (DejaVuSans if installed, else Helvetica), "dejavu"
    or "core".
    """
    blocks = parse_markup(md_path, repeat=repeat)
    fontmode = _resolve_font(font)
    pdf = _PlanPDF(fontmode)
    pdf.set_margins(25, 22, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title("Informatiebeleidsplan 2025-2028 gemeente Veenendrecht")
    pdf.set_author("Gemeente Veenendrecht")
    pdf.set_subject("Informatiebeleidsplan 2025-2028")
    pdf.set_keywords("informatiebeleid, digitalisering, gemeente Veenendrecht")
    pdf.set_creator("examples/build_example.py")
    pdf.set_lang("nl-NL")
    # the alias reserves the width of the total page count in the footer
    pdf.alias_nb_pages("{nb}" if repeat < 20 else "{nbp#}")
    toc_levels = 2 if repeat == 1 else 1
    r = _Renderer(pdf, toc_levels)
    for b in blocks:
        typ = b["type"]
        if pdf.page == 0 and typ != "titlepage":
            pdf.add_page()
        if typ == "titlepage":
            r.titlepage(b)
        elif typ == "heading":
            r.heading(b)
        elif typ == "paragraph":
            r.paragraph(b)
        elif typ == "bullets":
            r.bullets(b)
        elif typ == "table":
            r.table(b)
        elif typ == "columns":
            r.columns(b)
        elif typ == "pagebreak":
            r.pagebreak()
        elif typ == "toc":
            r.toc(_toc_levels(blocks, toc_levels))
        else:  # pragma: no cover
            raise ValueError(f"unknown block type {typ}")
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(pdf_path))
    return pdf.pages_count


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--md", default=str(DEFAULT_MD))
    ap.add_argument("--out", default=str(DEFAULT_PDF))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--font", default="auto", choices=["auto", "dejavu", "core"])
    args = ap.parse_args(argv)
    n = build_pdf(args.md, args.out, repeat=args.repeat, font=args.font)
    print(f"{args.out}: {n} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
