"""Text clean-up shared by the stages: Unicode normalisation, de-hyphenation
and a light Dutch sentence splitter.

Pure functions on strings; no PDF or spaCy objects here.
"""
from __future__ import annotations

import re
import unicodedata

from . import lexicon

_CID = re.compile(r"\(cid:\d+\)")
# Private-use code points that Symbol/Wingdings fonts use for bullets.
_PUA_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf076": "•", "\uf0d8": "•", "\uf0fc": "•", "\uf02d": "-"}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_DROP = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + [0x7F, 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFFFD, 0xFFFE]
)
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})


_PUA = re.compile("[\ue000-\uf8ff]")


def normalize(text: str) -> str:
    """Normalise extracted text without harming Dutch diacritics.

    NFKC composes combining diaeresis/acute (``e`` + U+0308 -> ``ë``) and
    unfolds ligatures (``ﬁ`` -> ``fi``); ``(cid:N)`` glyph codes, control and
    private-use characters, soft hyphens and replacement characters go;
    odd spaces become one space.
    """
    if not text:
        return ""
    if "(cid:" in text:
        text = _CID.sub("", text)
    if not text.isascii():
        for pua, bullet in _PUA_BULLETS.items():
            if pua in text:
                text = text.replace(pua, bullet)
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
        text = _PUA.sub("", text)
    text = text.translate(_DROP)
    return _SPACES.sub(" ", text).strip()


_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
_WORD_TAIL = re.compile(r"([\w&]+)-$")
_WORD_HEAD = re.compile(r"^(\w+)")


def join_hyphenated(left: str, right: str) -> str:
    """Join two lines where ``left`` ends in a hyphen.

    A line-break hyphen goes (``informatie-`` + ``beleid`` ->
    ``informatiebeleid``); a real hyphen stays (``e-`` + ``mail``,
    ``I&A-`` + ``afdeling``, ``Noord-`` + ``Holland``, ``auto-`` +
    ``ongeluk``). The decision uses the Dutch word list of
    :mod:`docscan.lexicon`.
    """
    m_left = _WORD_TAIL.search(left)
    m_right = _WORD_HEAD.match(right)
    if not m_left or not m_right:
        return left + right if left.endswith("-") else left + " " + right
    a, b = m_left.group(1), m_right.group(1)
    keep = left + right  # hyphen kept
    drop = left[:-1] + right
    if keep_hyphen(a, b):
        return keep
    return drop


def keep_hyphen(a: str, b: str) -> bool:
    """Decide whether ``a-`` at a line end followed by ``b`` is a real hyphen."""
    if not a[-1:].isalpha() or not b[:1].isalpha():
        return True  # 2025-2028, A4-formaat, I&A-afdeling
    if b[0].isupper() or any(ch.isupper() or ch.isdigit() for ch in a[1:]) or len(a) == 1:
        return True  # Noord-Holland, DigiD-aanvraag, ICT-, e-mail
    if a.isupper():
        return True  # AVG-, BIO-
    hyph, joined = f"{a}-{b}".lower(), f"{a}{b}".lower()
    if lexicon.is_word(hyph):
        return True
    if lexicon.is_word(joined):
        return False
    if a[-1].lower() in _VOWELS and b[0].lower() in _VOWELS:
        return True  # klinkerbotsing: zee-egel, auto-ongeluk, info-avond
    return False  # a compound broken at the line end: informatie-beleidsplan


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "bijv", "bv", "o.a", "oa", "d.w.z", "dwz", "m.b.t", "mbt", "t.a.v", "tav", "i.v.m", "ivm",
    "art", "nr", "nrs", "blz", "p", "pag", "e.d", "enz", "etc", "ca", "incl", "excl", "max",
    "min", "mr", "mw", "dhr", "drs", "dr", "ir", "ing", "prof", "jl", "vs", "z.s.m", "zgn",
    "resp", "evt", "m.i.v", "t.o.v", "tov", "i.c.m", "icm", "o.b.v", "obv", "e.a", "a.s", "vnl",
    "m.n", "mln", "mld", "mrd", "st", "jan", "feb", "mrt", "apr", "jun", "jul", "aug",
    "sep", "sept", "okt", "nov", "dec", "lid", "hfst", "par", "fig", "tab", "gem", "afd",
}
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÀ-Ý0-9•])")


def split_sentences(text: str) -> list[str]:
    """Split Dutch prose into sentences (fast, regex based, abbreviation aware)."""
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        chunk = text[start : m.start()].rstrip()
        last = chunk.rsplit(" ", 1)[-1].rstrip(".!?\"'”’)").lower()
        if chunk.endswith(".") and (last in _ABBREV or len(last) == 1 or re.fullmatch(r"\d+", last)):
            continue  # "art. 5", "mr. De Vries", "3. Doelen"
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def word_count(text: str) -> int:
    return len(text.split())
