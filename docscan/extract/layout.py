"""Layout analysis: from positioned segments to ordered passages.

The steps, each a plain function on :class:`~docscan.extract.pages.Segment`
lists so they can be tested on their own:

1. :func:`merge_fragments` joins pieces of one line (bold words, kerning);
2. :func:`running_lines` finds headers, footers and page numbers as lines that
   repeat across pages (digits masked), not by cropping a fixed margin;
3. :func:`reading_order` detects a column gutter per page and orders the
   text column by column, full-width parts in between;
4. :func:`build_passages` groups lines into headings, paragraphs (by line
   spacing and indentation), list items (kept with their lead-in) and
   tables, re-joins hyphenated words and splits over-long paragraphs on
   sentence boundaries.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from ..text import join_hyphenated, split_sentences, word_count
from ..types import Passage
from .pages import SPLIT_GAP, PageText, Segment

# ---------------------------------------------------------------- 1. fragments


def merge_fragments(segs: list[Segment], cuts: Sequence[float] = ()) -> list[Segment]:
    """Join consecutive segments that continue the same line (never across a vertical rule in ``cuts``)."""
    out: list[Segment] = []
    for s in segs:
        if out:
            p = out[-1]
            same_line = abs(p.top - s.top) < 0.35 * max(p.height, s.height, 1) or (
                abs(p.bottom - s.bottom) < 0.25 * max(p.height, s.height, 1)
            )
            gap = s.x0 - p.x1
            unit = max(p.size, s.size, 4.0)
            ruled = any(p.x1 - 1 <= x <= s.x0 + 1 for x in cuts)
            if same_line and -0.5 * unit < gap < SPLIT_GAP * unit and not ruled and not _is_bullet(s.text):
                if p.space_after is None:
                    sep = "" if gap < 0.15 * unit or p.text.endswith(("-", "/")) else " "
                else:  # the text layer knows where words end
                    sep = " " if p.space_after else ""
                out[-1] = Segment(
                    p.text + sep + s.text,
                    min(p.x0, s.x0),
                    min(p.top, s.top),
                    max(p.x1, s.x1),
                    max(p.bottom, s.bottom),
                    p.size if len(p.text) >= len(s.text) else s.size,
                    p.bold and s.bold,
                    p.page,
                    s.space_after,
                )
                continue
        out.append(s)
    return out


# ---------------------------------------------------------- 2. running lines

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[\W_]*((pagina|page|blz\.?|p\.)\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(van|of|/|-)\s*\d{1,4})?[\W_]*$", re.I
)
EDGE_ZONE = 0.14  # share of page height at top and bottom where running lines live


def _edge_key(s: Segment) -> str:
    return _DIGITS.sub("#", s.text.lower()).strip()


def running_lines(pages: list[PageText], body: float | None = None) -> set[tuple[int, int]]:
    """Return ``(page_number, segment_index)`` of headers, footers and page numbers.

    A line in the top or bottom zone is running when the same text (digits
    masked, so "Pagina 3 van 20" matches "Pagina 4 van 20") occurs in the
    same zone on at least 40% of the pages with text, and at least twice.
    Lone page numbers in those zones go too once the document has two pages.
    Text larger than running text (``body`` size) only counts when it repeats
    verbatim: "Hoofdstuk 3" on top of a page is a heading, not a header.
    """
    text_pages = [p for p in pages if p.segments]
    n = len(text_pages)
    drop: set[tuple[int, int]] = set()
    if n < 2:
        return drop
    counts: Counter = Counter()
    candidates: list[tuple[int, int, tuple[str, str]]] = []
    for p in text_pages:
        seen = set()
        for i, s in enumerate(p.segments):
            if s.bottom <= p.height * EDGE_ZONE:
                zone = "top"
            elif s.top >= p.height * (1 - EDGE_ZONE):
                zone = "bottom"
            else:
                continue
            big = body is not None and s.size > body * 1.1
            key = (zone, s.text.lower() if big else _edge_key(s))
            candidates.append((p.number, i, key))
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    need = max(2, int(0.4 * n + 0.999))
    for pageno, i, key in candidates:
        if counts[key] >= need or _PAGE_NUMBER.match(key[1].replace("#", "1")):
            drop.add((pageno, i))
    return drop


# ------------------------------------------------------------ 3. reading order


@dataclass(slots=True)
class Item:
    """An element of the reading flow: a text line, or a whole table."""

    seg: Segment
    kind: str = "line"  # "line" or "table"
    rows: list[list[str]] | None = None


def find_gutters(segs: list[Segment]) -> list[tuple[float, float]]:
    """Find vertical gaps that split the page into columns (two, three or more).

    A gutter is an x-range that no narrow segment crosses (full-width titles
    may), with text ending just left of it and starting just right of it, the
    two sides overlapping vertically.
    """
    if len(segs) < 6:
        return []
    left_edge = min(s.x0 for s in segs)
    right_edge = max(s.x1 for s in segs)
    span = right_edge - left_edge
    if span <= 40:
        return []
    narrow = [s for s in segs if s.width < 0.62 * span]
    if len(narrow) < 6:
        return []
    n = int(span) + 2
    cover = [0] * n
    for s in narrow:
        a = max(0, int(s.x0 - left_edge))
        b = min(n - 1, int(s.x1 - left_edge) + 1)
        for x in range(a, b):
            cover[x] += 1
    allowed = max(1, len(narrow) // 50)
    gutters: list[tuple[float, float]] = []
    lo, hi = int(0.12 * span), int(0.88 * span)
    x = lo
    while x < hi:
        if cover[x] <= allowed:
            start = x
            while x < n and cover[x] <= allowed:
                x += 1
            g0, g1 = left_edge + start, left_edge + x - 1
            if g1 - g0 >= 3 and _columns_meet(narrow, g0, g1):
                gutters.append((g0, g1))
        x += 1
    return gutters


def _columns_meet(narrow: list[Segment], g0: float, g1: float) -> bool:
    """Is there real text on both sides of the gap, side by side?"""
    lset = [s for s in narrow if g0 - 40 <= s.x1 <= g0 + 1]
    rset = [s for s in narrow if g1 - 1 <= s.x0 <= g1 + 40]
    if len(lset) < 3 or len(rset) < 3:
        return False
    overlap = min(max(s.bottom for s in lset), max(s.bottom for s in rset)) - max(
        min(s.top for s in lset), min(s.top for s in rset)
    )
    return overlap >= 3 * median(s.height for s in lset + rset)


def reading_order(page: PageText, segs: list[Segment]) -> list[Segment]:
    """Order the page's segments for reading: column by column, top to bottom.

    Segments that cross a gutter (titles, full-width paragraphs) close the
    current band of columns; the text of each band is read column by column.
    """
    segs = sorted(segs, key=lambda s: (round(s.top, 0), s.x0))
    gutters = find_gutters(segs)
    if not gutters:
        return segs
    bounds = [g[1] for g in gutters]  # a segment starting right of gutter k is in column k + 1
    out: list[Segment] = []
    columns: list[list[Segment]] = [[] for _ in range(len(gutters) + 1)]
    line_h = median(s.height for s in segs) or 10.0

    def flush():
        for col in columns:
            out.extend(sorted(col, key=lambda s: s.top))
            col.clear()

    for s in segs:
        crosses = any(s.x0 < g0 - 1 and s.x1 > g1 + 1 for g0, g1 in gutters)
        if crosses:
            flush()
            out.append(s)
            continue
        col = sum(1 for b in bounds if s.x0 >= b - 1)
        later = [c for c in columns[col + 1 :] if c]
        if later and columns[col] and s.top > max(c[-1].bottom for c in later) + 1.5 * line_h \
                and s.top - columns[col][-1].bottom > 1.2 * line_h:
            # text in an earlier column, well below the later columns after a clear
            # gap, starts a new band (a short paragraph under the columns)
            flush()
        columns[col].append(s)
    flush()
    return out


# ------------------------------------------------------------ 4. passages

_BULLET = re.compile(r"^\s*([•●○◦▪■□‣∙·►✓✔➢➤]\s*|[\-–—*>]\s+|\(?[0-9]{1,2}[.)]\s+|\(?[a-z][.)]\s+)")
_HEADING_NUM = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_SENT_FINAL = (".", "!", "?", ":", ";", '"', "”", "’")


def _is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


@dataclass
class _Block:
    kind: str  # paragraph | list_item | heading | table
    lines: list[Segment] = field(default_factory=list)
    text: str = ""
    level: int = 0
    rows: list[list[str]] | None = None


def body_style(pages: list[PageText]) -> tuple[float, bool]:
    """The font size of running text (the size carrying the most characters),
    and whether running text is bold (then bold is no heading signal)."""
    weight: Counter = Counter()
    bold = total = 0
    for p in pages:
        for s in p.segments:
            n = len(s.text)
            weight[round(s.size)] += n
            total += n
            bold += n if s.bold else 0
    size = float(weight.most_common(1)[0][0]) if weight else 10.0
    return size, total > 0 and bold > 0.5 * total


def numbered_levels(segs: list[Segment], body: float) -> dict[tuple[int, bool], int]:
    """The level that numbered headings ("3", "3.2") of each style (rounded size, bold) have.

    An unnumbered heading in the same style ("Voorwoord", "Bijlage 1") is at
    the same level as the numbered chapters beside it, whatever the cover
    page's larger title lines are.
    """
    votes: dict[tuple[int, bool], Counter] = defaultdict(Counter)
    for s in segs:
        m = _HEADING_NUM.match(s.text)
        if m and (s.size >= body * 1.12 or s.bold) and 0 < word_count(s.text) <= 18:
            votes[(round(s.size), s.bold)][min(6, m.group(1).count(".") + 1)] += 1
    return {style: c.most_common(1)[0][0] for style, c in votes.items()}


def _heading_level(seg: Segment, body: float, sizes: list[float], styles: dict[tuple[int, bool], int] | None = None) -> int:
    """0 = not a heading; 1 = top level, larger numbers go deeper.

    ``styles`` (from :func:`numbered_levels`) places unnumbered headings at
    the level of numbered headings of the same style; one larger than every
    numbered chapter (a cover title) is top level too.
    """
    text = seg.text
    words = word_count(text)
    if words == 0 or words > 18 or len(text) > 140:
        return 0
    if text.endswith((".", ",", ";")) and not _HEADING_NUM.match(text):
        return 0
    bigger = seg.size >= body * 1.12
    if not bigger and not seg.bold:
        return 0
    if not any(ch.isalpha() for ch in text):
        return 0
    m = _HEADING_NUM.match(text)
    if m and (bigger or seg.bold):
        return min(6, m.group(1).count(".") + 1)
    if styles:
        style = (round(seg.size), seg.bold)
        if style in styles:
            return styles[style]
        top = [size for (size, _bold), level in styles.items() if level == 1]
        if top and seg.size > max(top):
            return 1
    if bigger:
        # rank among the larger sizes seen in the document
        ranked = [s for s in sizes if s >= body * 1.12]
        return 1 + ranked.index(round(seg.size)) if round(seg.size) in ranked else 1
    return len([s for s in sizes if s >= body * 1.12]) + 1  # bold at body size: lowest level


def build_passages(
    flow: list[Item],
    body: float,
    *,
    body_bold: bool = False,
    max_words: int = 150,
    target_words: int = 110,
    id_prefix: str = "p",
) -> list[Passage]:
    """Turn an ordered flow of lines and tables into passages."""
    sizes = sorted({round(it.seg.size) for it in flow if it.kind == "line"}, reverse=True)
    styles = numbered_levels([it.seg for it in flow if it.kind == "line"], body)
    blocks: list[_Block] = []
    cur: _Block | None = None
    prev: Segment | None = None
    pitch = _line_pitch(flow)
    if body_bold:  # bold carries no meaning when running text is bold
        flow = [Item(_unbold(it.seg), it.kind, it.rows) if it.kind == "line" else it for it in flow]

    for it in flow:
        s = it.seg
        if it.kind == "table":
            cur = None
            blocks.append(_Block("table", [s], rows=it.rows))
            prev = None
            continue
        level = _heading_level(s, body, sizes, styles)
        if not level and cur and cur.kind == "heading" and prev and _heading_goes_on(prev, s):
            level = cur.level  # "2025-2028" under a title line: no letters, but the same heading
        if level:
            # consecutive heading lines of the same style form one heading
            if cur and cur.kind == "heading" and prev and prev.page == s.page and abs(prev.size - s.size) < 0.6 \
                    and s.top - prev.bottom < 0.9 * s.height and not _HEADING_NUM.match(s.text):
                cur.lines.append(s)
            else:
                cur = _Block("heading", [s], level=level)
                blocks.append(cur)
            prev = s
            continue
        if _is_bullet(s.text):
            cur = _Block("list_item", [s])
            blocks.append(cur)
            prev = s
            continue
        if cur is not None and cur.kind in ("paragraph", "list_item") and prev is not None and _continues(prev, s, cur, pitch, body):
            cur.lines.append(s)
        else:
            cur = _Block("paragraph", [s])
            blocks.append(cur)
        prev = s

    for b in blocks:
        if b.kind != "table":
            b.text = _join_lines(b.lines)
    return _to_passages(blocks, max_words=max_words, target_words=target_words, id_prefix=id_prefix)


def _heading_goes_on(prev: Segment, s: Segment) -> bool:
    """A line right below a heading line, in its style, that is too plain to be a heading alone (a year span)."""
    return (
        prev.page == s.page and abs(prev.size - s.size) < 0.6 and prev.bold == s.bold
        and 0 <= s.top - prev.bottom < 0.9 * s.height and len(s.text) <= 40 and not s.text.endswith((".", ",", ";"))
    )


def _unbold(s: Segment) -> Segment:
    return Segment(s.text, s.x0, s.top, s.x1, s.bottom, s.size, False, s.page, s.space_after)


def _line_pitch(flow: list[Item]) -> float:
    """Typical distance between baselines of consecutive body lines."""
    gaps = []
    prev = None
    for it in flow:
        s = it.seg
        if it.kind == "line" and prev is not None and s.page == prev.page and 0 < s.top - prev.top < 3 * s.height:
            gaps.append(round(s.top - prev.top, 1))
        prev = s if it.kind == "line" else None
    return Counter(gaps).most_common(1)[0][0] if gaps else 0.0


def _continues(prev: Segment, s: Segment, block: _Block, pitch: float, body: float) -> bool:
    """Does line ``s`` continue the block whose last line is ``prev``?

    Breaks come from layout: a change of font, a vertical gap larger than the
    block's own line pitch, a first-line indent, or a short line ending a
    sentence.
    """
    if abs(prev.size - s.size) > 0.8 or (prev.bold != s.bold and word_count(s.text) < 12):
        return False
    first = block.lines[0]
    if s.page != prev.page or s.top < prev.top - 1:
        # across a page or column break: continue only mid-sentence
        return not prev.text.endswith(_SENT_FINAL) and s.text[:1].islower()
    gap = s.top - prev.top
    size = max(s.size, 1.0)
    a, b = (block.lines[-2], block.lines[-1]) if len(block.lines) >= 2 else (None, None)
    if a is not None and a.page == b.page and 0 < b.top - a.top < 3 * size:
        if gap > (b.top - a.top) + 0.25 * size:  # wider than the block's own line pitch
            return False
    elif gap > max(1.75 * size, (pitch + 0.25 * size) if pitch and pitch < 1.75 * size else 0):
        return False
    ends_sentence = prev.text.endswith(_SENT_FINAL)
    if block.kind == "list_item":
        # continuation lines of a bullet are indented past the bullet sign
        return s.x0 > first.x0 + 0.5 * size or not ends_sentence
    right = max(ln.x1 for ln in block.lines)
    if ends_sentence and prev.x1 < max(right, s.x1) - 2.5 * size:
        return False  # a short last line closes the paragraph
    if ends_sentence and s.x0 > min(ln.x0 for ln in block.lines) + 1.2 * size:
        return False  # first-line indent opens a new paragraph
    return True


def _join_lines(lines: list[Segment]) -> str:
    text = ""
    for s in lines:
        t = s.text
        if not text:
            text = t
        elif text.endswith("-") and len(text) > 1 and text[-2].isalnum() and t[:1].isalnum():
            text = join_hyphenated(text, t)
        else:
            text = text + " " + t
    return re.sub(r"\s+", " ", text).strip()


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text, count=1).strip()


def _split_long(text: str, max_words: int, target: int) -> list[str]:
    if word_count(text) <= max_words:
        return [text]
    chunks: list[str] = []
    cur: list[str] = []
    n = 0
    for sent in split_sentences(text):
        w = word_count(sent)
        if cur and n + w > target:
            chunks.append(" ".join(cur))
            cur, n = [], 0
        cur.append(sent)
        n += w
    if cur:
        if chunks and n < target / 4:
            chunks[-1] += " " + " ".join(cur)
        else:
            chunks.append(" ".join(cur))
    return chunks


def _to_passages(blocks: list[_Block], *, max_words: int, target_words: int, id_prefix: str) -> list[Passage]:
    out: list[Passage] = []
    path: list[tuple[int, str]] = []
    lead_in: str | None = None
    pending_para: tuple[_Block, str] | None = None  # a paragraph ending in ':' waiting for its list

    def emit(kind: str, text: str, block: _Block):
        s0 = block.lines[0]
        x0 = min(s.x0 for s in block.lines)
        x1 = max(s.x1 for s in block.lines)
        bottom = max(s.bottom for s in block.lines if s.page == s0.page)
        out.append(
            Passage(
                id=f"{id_prefix}{len(out) + 1:04d}",
                page=s0.page,
                heading=tuple(t for _, t in path),
                kind=kind,
                text=text,
                bbox=(x0, s0.top, x1, bottom),
            )
        )

    def flush_pending():
        nonlocal pending_para
        if pending_para:
            blk, txt = pending_para
            for chunk in _split_long(txt, max_words, target_words):
                emit("paragraph", chunk, blk)
            pending_para = None

    for b in blocks:
        if b.kind == "heading":
            flush_pending()
            lead_in = None
            while path and path[-1][0] >= b.level:
                path.pop()
            emit("heading", b.text, b)
            path.append((b.level, b.text))
            continue
        if b.kind == "table":
            flush_pending()
            lead_in = None
            text = "\n".join(" | ".join(c for c in row) for row in (b.rows or []))
            if text.strip():
                emit("table", text, b)
            continue
        if b.kind == "list_item":
            if pending_para:
                blk, txt = pending_para
                sents = split_sentences(txt)
                lead_in = sents[-1] if sents else txt
                rest = " ".join(sents[:-1])
                if rest:
                    for chunk in _split_long(rest, max_words, target_words):
                        emit("paragraph", chunk, blk)
                pending_para = None
            item = _strip_bullet(b.text)
            text = f"{lead_in} {item}" if lead_in else item
            emit("list_item", text, b)
            continue
        # paragraph
        flush_pending()
        lead_in = None
        if b.text.rstrip().endswith(":"):
            pending_para = (b, b.text)
        else:
            for chunk in _split_long(b.text, max_words, target_words):
                emit("paragraph", chunk, b)
    flush_pending()
    return out


_TOC_NUMBERS = re.compile(r"^(\d{1,3}\s+)*\d{1,3}$|\.{4,}\s*\d{1,3}$|…{2,}\s*\d{1,3}$")
_TOC_TITLE = re.compile(r"^(inhoud|inhoudsopgave|inhoudstafel|contents|table of contents)$", re.I)


def strip_table_of_contents(segs: list[Segment]) -> list[Segment]:
    """Drop a table of contents: a page with a column of page numbers (or dot
    leaders). Text above an "Inhoud" title on that page stays."""
    nums = [s for s in segs if _TOC_NUMBERS.search(s.text)]
    if len(nums) < 5 or len(nums) < 0.2 * len(segs):
        return segs
    # page numbers of a contents list stand at the right; line numbers (transcripts, minutes) at the left
    left, right = min(s.x0 for s in segs), max(s.x1 for s in segs)
    if median((s.x0 + s.x1) / 2 for s in nums) < left + 0.6 * (right - left):
        return segs
    ordered = sorted(segs, key=lambda s: (round(s.top), s.x0))
    title = next((k for k, s in enumerate(ordered) if _TOC_TITLE.match(s.text.strip(" :"))), None)
    return ordered[:title] if title is not None else []


def merge_page_flows(pages: list[PageText], drop: set[tuple[int, int]], tables: dict[int, list]) -> list[Item]:
    """The document's reading flow: per page, running lines dropped, tables of
    contents skipped, tables cut out, columns ordered."""
    flow: list[Item] = []
    for p in pages:
        kept = [s for i, s in enumerate(p.segments) if (p.number, i) not in drop]
        kept = strip_table_of_contents(kept)
        page_tables = tables.get(p.number, [])
        items_tables: list[Item] = []
        if page_tables:
            rest = []
            for s in kept:
                cx, cy = (s.x0 + s.x1) / 2, (s.top + s.bottom) / 2
                if not any(t.x0 - 1 <= cx <= t.x1 + 1 and t.top - 1 <= cy <= t.bottom + 1 for t in page_tables):
                    rest.append(s)
            kept = rest
            for t in page_tables:
                seg = Segment("", t.x0, t.top, t.x1, t.bottom, 0.0, False, p.number)
                items_tables.append(Item(seg, "table", t.rows))
        ordered = reading_order(p, kept)
        if items_tables:
            # insert each table before the first line that starts below it
            merged: list[Item] = []
            pending = sorted(items_tables, key=lambda it: it.seg.top)
            for s in ordered:
                while pending and pending[0].seg.top <= s.top:
                    merged.append(pending.pop(0))
                merged.append(Item(s))
            merged.extend(pending)
            flow.extend(merged)
        else:
            flow.extend(Item(s) for s in ordered)
    return flow


def group_by_page(items: list[Item]) -> dict[int, list[Item]]:
    out: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        out[it.seg.page].append(it)
    return out
