"""Turn a :class:`~docscan.types.DocumentScore` into the data the templates show.

All geometry of the inline SVG charts is computed here, so the templates only
place numbers and escaped text. Nothing in this module builds HTML from text:
the one function that returns markup, :func:`highlight`, escapes every piece
of the input before wrapping matches in ``<mark>``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Callable, Iterable

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..types import MATURITY_LEVELS, THEMES, VERDICTS, DocumentScore, Evidence
from .advice import MATURITY_ADVICE, advice_for
from .style import PALETTE

THEME_LABELS: dict[str, str] = {
    "strategie": "Digitale strategie",
    "leiderschap": "Digitaal leiderschap",
    "delen": "Delen van kennis en informatie",
    "draagvlak": "Draagvlak voor digitale middelen",
    "experimenteren": "Pilots en experimenten",
    "realisatie": "Van plan naar uitvoering",
}
THEME_GROUPS: dict[str, str] = {
    "strategie": "De vier D's",
    "leiderschap": "De vier D's",
    "delen": "De vier D's",
    "draagvlak": "De vier D's",
    "experimenteren": "Think Big, Act Small",
    "realisatie": "Think Big, Act Small",
}
THEME_DESCRIPTIONS: dict[str, str] = {
    "strategie": "Een integrale koers voor de hele organisatie: dienstverlening, bedrijfsvoering "
    "en informatievoorziening samen, met de digitale mogelijkheden die de gemeente wil benutten.",
    "leiderschap": "Een aanjager op directie- of bestuursniveau met een digitale visie, die de "
    "verandering draagt en de organisatie meekrijgt.",
    "delen": "Kennis en informatie stromen tussen I&A en de vakafdelingen en tussen ervaren en "
    "nieuwe medewerkers, bijvoorbeeld in multidisciplinaire teams.",
    "draagvlak": "Medewerkers en inwoners worden meegenomen: communicatie, verandermanagement, "
    "digitale vaardigheden en digitale inclusie.",
    "experimenteren": "Kleine, concrete pilots rond een maatschappelijke vraag, met ruimte en "
    "budget om te experimenteren en kennis van buiten.",
    "realisatie": "Het plan regelt zijn eigen uitvoering: projecten, eigenaren, planning, "
    "budget, indicatoren en voortgangsrapportage.",
}
VERDICT_LABELS: dict[str, str] = {"present": "aanwezig", "weak": "zwak", "missing": "ontbreekt"}
KIND_LABELS: dict[str, str] = {
    "paragraph": "alinea",
    "list_item": "opsomming",
    "table": "tabel",
    "heading": "kop",
}
LEVEL_LABELS: dict[str, str] = {"1.0": "1.0 zenden", "2.0": "2.0 gesprek", "3.0": "3.0 netwerk"}
LEVEL_DESCRIPTIONS: dict[str, str] = {
    "1.0": "De gemeente besluit en informeert; inwoners ontvangen.",
    "2.0": "Tweerichtingsverkeer: in gesprek met inwoners, klantgericht, samenwerking.",
    "3.0": "De gemeente als partner in een netwerk rond maatschappelijke opgaven.",
}
CONTEXT_GROUP_LABELS: dict[str, str] = {
    "domain": "Domeinen",
    "domains": "Domeinen",
    "domein": "Domeinen",
    "domeinen": "Domeinen",
    "technology": "Technologische krachten",
    "technologie": "Technologische krachten",
    "forces": "Technologische krachten",
    "security": "Veiligheid en privacy",
    "veiligheid": "Veiligheid en privacy",
}
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
MAX_MAP_COLUMNS = 60


# ------------------------------------------------------------------ helpers


def slug(name: str) -> str:
    """A safe fragment for ``id`` attributes: ``[a-z0-9-]`` only."""
    s = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return s or "x"


def nl_num(value: float, digits: int = 0) -> str:
    """Dutch number formatting: decimal comma, no thousands separator."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if digits <= 0:
        return str(math.floor(float(value) + 0.5))
    return f"{float(value):.{digits}f}".replace(".", ",")


def nl_setting(value) -> str:
    """A configuration value as a Dutch reader expects it (3 rather than 3.0, 0,15)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return str(int(value))
        return f"{value:g}".replace(".", ",")
    return str(value)


def pct(share: float) -> str:
    """A share or probability as a whole percentage; never claims 100% or 0% for values in between."""
    share = float(share)
    if 0.995 <= share < 1.0:
        return ">99%"
    if 0.0 < share < 0.005:
        return "<1%"
    return f"{math.floor(100 * share + 0.5)}%"


def nl_date(iso: str, with_time: bool = True) -> str:
    """``2025-03-14T10:30:00+01:00`` -> ``14 maart 2025, 10:30``; unparseable input is shown as is."""
    try:
        d = _dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if with_time and (d.hour or d.minute or "T" in str(iso)):
        text += f", {d.hour:02d}:{d.minute:02d}"
    return text


def page_ranges(pages: Iterable[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3-5, 9"`` (with an en dash)."""
    ps = sorted({int(p) for p in pages})
    if not ps:
        return ""
    out, start, prev = [], ps[0], ps[0]
    for p in ps[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        out.append(str(start) if start == prev else f"{start}\u2013{prev}")
        if p is not None:
            start = prev = p
    return ", ".join(out)


@functools.lru_cache(maxsize=256)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    parts = []
    for term in sorted({t.strip() for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))[:64]:
        body = r"\s+".join(re.escape(w) for w in term.split())
        if len(term) >= 4:
            parts.append(rf"\w*{body}\w*")  # a term inside a word marks the whole word
        else:
            parts.append(rf"(?<!\w){body}(?!\w)")  # short terms only as whole words
    if not parts:
        return None
    return re.compile("(" + "|".join(parts) + ")", re.IGNORECASE)


def highlight(text: str, terms: Iterable[str] = ()) -> Markup:
    """Escape ``text`` and wrap every occurrence of one of ``terms`` (case-insensitive) in ``<mark>``.

    The raw text is split on the terms and every piece is escaped on its own;
    no markup is ever built from unescaped input.
    """
    text = str(text)
    pattern = _term_pattern(tuple(str(t) for t in terms))
    if pattern is None:
        return Markup(escape(text))
    pieces = pattern.split(text)
    out = []
    for i, piece in enumerate(pieces):
        if not piece:
            continue
        if i % 2:
            out.append(Markup("<mark>{}</mark>").format(piece))
        else:
            out.append(escape(piece))
    return Markup("").join(out)


# --------------------------------------------------------------- validation


def _finite(value, what: str, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(value, bool):
        raise ValueError(f"report: {what} is not a number: {value!r}")
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"report: {what} is not a number: {value!r}") from None
    if not math.isfinite(f):
        raise ValueError(f"report: {what} is not a finite number: {value!r}")
    if (lo is not None and f < lo) or (hi is not None and f > hi):
        raise ValueError(f"report: {what} is {value!r}, outside {lo:g}..{hi:g}")
    return f


def check_score(score: DocumentScore) -> None:
    """Raise ``ValueError`` when ``score`` breaks the contract the report relies on.

    The report would otherwise draw nonsense or write JSON that does not
    follow its schema; failing early names the field at fault.
    """
    seen = set()
    for t in score.themes:
        if t.theme not in THEMES:
            raise ValueError(f"report: unknown theme {t.theme!r} (expected one of {', '.join(THEMES)})")
        if t.theme in seen:
            raise ValueError(f"report: theme {t.theme!r} appears twice")
        seen.add(t.theme)
        if t.verdict not in VERDICTS:
            raise ValueError(f"report: theme {t.theme!r} has unknown verdict {t.verdict!r}")
        _finite(t.score, f"score of {t.theme}", 0, 100)
        _finite(t.spread, f"spread of {t.theme}", 0, 1)
        for e in t.evidence:
            _finite(e.probability, f"probability of passage {e.passage_id}", 0, 1)
    for level, share in score.maturity.shares.items():
        _finite(share, f"maturity share {level}", 0, 1)
    for examples in score.maturity.examples.values():
        for e in examples:
            _finite(e.probability, f"probability of passage {e.passage_id}", 0, 1)
    for key, value in score.settings.items():
        _finite(value, f"setting {key}")
    for label, value in score.model.thresholds.items():
        _finite(value, f"threshold of {label}", 0, 1)
    _finite(score.model.cv_macro_f1_themes, "cv_macro_f1_themes", 0, 1)
    _finite(score.model.cv_macro_f1_maturity, "cv_macro_f1_maturity", 0, 1)
    for label, metrics in score.model.cv_per_label.items():
        for k, v in metrics.items():
            _finite(v, f"cv_per_label {label}.{k}")


# --------------------------------------------------------------- view model


def ordered_themes(score: DocumentScore):
    return sorted(score.themes, key=lambda t: THEMES.index(t.theme))


def _evidence_view(e: Evidence) -> dict:
    return {
        "id": e.passage_id,
        "page": e.page,
        "heading": " \u203a ".join(h for h in e.heading if h),
        "kind": KIND_LABELS.get(e.kind, e.kind),
        "confidence": pct(e.probability),
        "text": e.text,
        "terms": tuple(e.terms),
    }


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def overall_sentence(score: DocumentScore) -> str:
    """One Dutch sentence (two at most) that sums up the verdicts."""
    themes = ordered_themes(score)
    n = len(themes)
    if n == 0:
        return "Er zijn geen thema's beoordeeld."
    by = {v: [THEME_LABELS[t.theme].lower() for t in themes if t.verdict == v] for v in VERDICTS}
    p, w, m = len(by["present"]), len(by["weak"]), len(by["missing"])
    if p == n:
        return f"Het plan dekt alle {n} thema's van het kader voldoende."
    head = f"Het plan dekt geen van de {n} thema's voldoende" if p == 0 else f"Het plan dekt {p} van de {n} thema's voldoende"
    rest = []
    if w:
        rest.append(f"{w} {'is' if w == 1 else 'zijn'} zwak")
    if m:
        rest.append(f"{m} {'ontbreekt' if m == 1 else 'ontbreken'}")
    sentence = head + "; " + " en ".join(rest) + "."
    if m:
        sentence += f" Het meest dringend: {_join(by['missing'])}."
    else:
        sentence += f" Te versterken: {_join(by['weak'])}."
    return sentence


def dominant_level(score: DocumentScore) -> str:
    mp = score.maturity
    if mp.stance_passages <= 0 or not any(mp.shares.get(l, 0) for l in MATURITY_LEVELS):
        return "none"
    return max(MATURITY_LEVELS, key=lambda l: (mp.shares.get(l, 0.0), -MATURITY_LEVELS.index(l)))


def _summary_chart(themes, settings) -> dict:
    label_w, bar_x, bar_w, row_h, top = 244, 252, 310, 34, 34
    rows = []
    for i, t in enumerate(themes):
        y = top + i * row_h
        score = max(0.0, min(100.0, float(t.score)))
        rows.append(
            {
                "y": y,
                "mid": y + 14,
                "w": round(score / 100 * bar_w, 1),
                "label": THEME_LABELS[t.theme],
                "verdict": t.verdict,
                "verdict_label": VERDICT_LABELS[t.verdict],
                "score": nl_num(t.score),
                "uncertain": t.uncertain,
            }
        )
    height = top + len(themes) * row_h + 6
    pms = settings.get("present_min_score")
    band = settings.get("uncertainty_band")
    boundary = None
    if pms is not None:
        pms = max(0.0, min(100.0, float(pms)))
        x = bar_x + pms / 100 * bar_w
        boundary = {"x": round(x, 1), "value": nl_setting(settings["present_min_score"])}
        if band:
            lo = max(0.0, pms - float(band))
            hi = min(100.0, pms + float(band))
            boundary["band_x"] = round(bar_x + lo / 100 * bar_w, 1)
            boundary["band_w"] = round((hi - lo) / 100 * bar_w, 1)
    ticks = [{"x": round(bar_x + v / 100 * bar_w, 1), "v": v} for v in (0, 25, 50, 75, 100)]
    return {
        "width": 760,
        "height": height,
        "label_w": label_w,
        "bar_x": bar_x,
        "bar_w": bar_w,
        "top": top,
        "bottom": height - 6,
        "rows": rows,
        "ticks": ticks,
        "boundary": boundary,
        "verdict_x": bar_x + bar_w + 14,
    }


def _maturity_chart(score: DocumentScore) -> dict:
    mp = score.maturity
    width, bar_h, y = 760, 40, 8
    segments, x = [], 0.0
    total = sum(max(0.0, float(mp.shares.get(l, 0.0))) for l in MATURITY_LEVELS)
    for level in MATURITY_LEVELS:
        share = max(0.0, float(mp.shares.get(level, 0.0)))
        share = share / total if total > 0 else 0.0
        w = share * width
        segments.append(
            {
                "level": level,
                "colour": "m" + level.replace(".", ""),
                "x": round(x, 1),
                "w": round(w, 1),
                "cx": round(x + w / 2, 1),
                "show_label": share >= 0.08,
                "pct": pct(share),
                "count": int(mp.counts.get(level, 0)),
                "label": LEVEL_LABELS[level],
            }
        )
        x += w
    legend = []
    for i, s in enumerate(segments):
        legend.append({**s, "lx": i * 250, "ly": y + bar_h + 22})
    return {
        "width": width,
        "height": y + bar_h + 34,
        "y": y,
        "bar_h": bar_h,
        "segments": segments,
        "legend": legend,
        "empty": total <= 0,
    }


def _nice(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``n``."""
    base = 1
    while True:
        for m in (1, 2, 5):
            if base * m >= n:
                return base * m
        base *= 10


def _map_chart(score: DocumentScore, themes) -> dict:
    max_page = max([score.pages] + [p for ps in score.page_map.values() for p in ps] + [1])
    per_col = _nice(math.ceil(max_page / MAX_MAP_COLUMNS))
    cols = math.ceil(max_page / per_col)
    label_w, grid_x, grid_w, row_h, top = 244, 252, 500, 26, 26
    cell_w = min(30.0, grid_w / cols)
    rows = []
    for i, t in enumerate(themes):
        counts = [0] * cols
        for p in score.page_map.get(t.theme, ()):
            if p >= 1:
                counts[min(cols - 1, (int(p) - 1) // per_col)] += 1
        y = top + i * row_h
        cells = []
        for c in range(cols):
            first = c * per_col + 1
            last = min(max_page, first + per_col - 1)
            cells.append(
                {
                    "x": round(grid_x + c * cell_w, 2),
                    "hit": counts[c] > 0,
                    "count": counts[c],
                    "pages": str(first) if first == last else f"{first}\u2013{last}",
                }
            )
        pages = sorted({int(p) for p in score.page_map.get(t.theme, ()) if p >= 1})
        rows.append(
            {
                "y": y,
                "mid": y + 12,
                "label": THEME_LABELS[t.theme],
                "cells": cells,
                "pages_text": page_ranges(pages) or "geen",
                "n_pages": len(pages),
                "verdict_label": VERDICT_LABELS[t.verdict],
            }
        )
    step = 1 if cols <= 20 else 5 if cols <= 40 else 10
    col_labels = []
    for c in range(cols):
        if c == 0 or (c + 1) % step == 0:
            # label the first column by page 1, the others by the last page they cover: 5, 10, 50, 100
            text = "1" if c == 0 else str((c + 1) * per_col)
            col_labels.append({"x": round(grid_x + c * cell_w + cell_w / 2, 2), "text": text})
    return {
        "width": 760,
        "height": top + len(themes) * row_h + 4,
        "label_w": label_w,
        "cell_w": round(cell_w - 2, 2) if cell_w > 4 else round(cell_w, 2),
        "cell_h": 18,
        "rows": rows,
        "col_labels": col_labels,
        "per_col": per_col,
        "cols": cols,
        "max_page": max_page,
    }


def _rules(settings: dict) -> list[dict]:
    s = {k: nl_setting(v) for k, v in settings.items()}
    rules = []
    if {"present_min_passages", "present_min_locations", "present_min_score"} <= s.keys():
        rules.append(
            {
                "term": "Aanwezig",
                "text": f"minstens {s['present_min_passages']} passages die als bewijs tellen, verspreid "
                f"over minstens {s['present_min_locations']} verschillende hoofdstukken (het hoogste kopniveau waarop de passages "
                "verschillen; een titel boven het hele document telt niet als hoofdstuk), "
                f"en een themascore van minstens {s['present_min_score']} (op een schaal van 0 tot 100).",
            }
        )
    if {"weak_min_near_misses", "near_miss_margin"} <= s.keys():
        rules.append(
            {
                "term": "Zwak",
                "text": "niet genoeg voor aanwezig, maar wel minstens één passage die als bewijs telt, "
                f"of minstens {s['weak_min_near_misses']} bijna-treffers: passages waarvan de kans "
                f"hoogstens {s['near_miss_margin']} onder de drempel van het thema ligt.",
            }
        )
    rules.append({"term": "Ontbreekt", "text": "geen passage die als bewijs telt en te weinig bijna-treffers."})
    if "min_evidence_words" in s:
        rules.append(
            {
                "term": "Korte passages",
                "text": f"een passage van minder dan {s['min_evidence_words']} woorden telt niet als bewijs of bijna-treffer.",
            }
        )
    if "uncertainty_band" in s:
        rules.append(
            {
                "term": "Onzeker",
                "text": "het oordeel ligt dicht bij een grens: de themascore ligt binnen "
                f"{s['uncertainty_band']} punten van de minimumscore, of er is net genoeg of net te weinig "
                "bewijs. Een kleine wijziging in de tekst kan het oordeel dan doen omslaan; lees de passages zelf.",
            }
        )
    return rules


def _per_label(model) -> list[dict]:
    labels = list(model.cv_per_label)
    order = {name: i for i, name in enumerate(THEMES + MATURITY_LEVELS + ("none",))}
    labels.sort(key=lambda l: (order.get(l, len(order)), l))
    extra = [l for l in model.thresholds if l not in model.cv_per_label]
    rows = []
    for label in labels + sorted(extra, key=lambda l: (order.get(l, len(order)), l)):
        m = model.cv_per_label.get(label, {})
        thr = model.thresholds.get(label)
        rows.append(
            {
                "label": THEME_LABELS.get(label) or LEVEL_LABELS.get(label) or ("geen houding" if label == "none" else label),
                "key": label,
                "precision": nl_num(m["precision"], 2) if "precision" in m else "\u2013",
                "recall": nl_num(m["recall"], 2) if "recall" in m else "\u2013",
                "f1": nl_num(m["f1"], 2) if "f1" in m else "\u2013",
                "support": nl_num(m["support"]) if "support" in m else "\u2013",
                "threshold": nl_num(thr, 2) if thr is not None else "\u2013",
            }
        )
    return rows


def _context(score: DocumentScore) -> list[dict]:
    known = ["domain", "domains", "domein", "domeinen", "technology", "technologie", "forces", "security", "veiligheid"]
    groups = sorted(score.context.items(), key=lambda kv: (known.index(kv[0]) if kv[0] in known else len(known), kv[0]))
    out = []
    for key, tags in groups:
        items = sorted(((str(tag), int(n)) for tag, n in tags.items()), key=lambda kv: (-kv[1], kv[0]))
        top = max([n for _, n in items] + [1])
        out.append(
            {
                "id": "context-" + slug(key),
                "label": CONTEXT_GROUP_LABELS.get(key, str(key).capitalize()),
                "tags": [{"tag": t, "count": n, "w": round(100 * n / top)} for t, n in items],
            }
        )
    return out


LANGUAGES_NL = {"en": "Engels", "de": "Duits", "fr": "Frans", "fy": "Fries", "af": "Afrikaans", "es": "Spaans", "it": "Italiaans"}
# docscan's warnings (English on the command line, in the JSON) as the Dutch report says them
_WARNINGS_NL: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(r"the document appears to be in .* \((?P<lang>[a-z]+), p=[0-9.]+\), not Dutch"),
        lambda m: f"Het document lijkt in het {LANGUAGES_NL.get(m['lang'], m['lang'])} geschreven, niet in het Nederlands. "
        "De modellen zijn op Nederlandse tekst getraind: de oordelen in dit rapport zeggen over dit document weinig.",
    ),
    (
        re.compile(r"the PDF was damaged and has been repaired with ghostscript"),
        lambda m: "De PDF was beschadigd en is met Ghostscript hersteld; controleer of de tekst compleet is.",
    ),
    (
        re.compile(r"page (?P<page>\d+): OCR failed \((?P<why>.*)\)$"),
        lambda m: f"Pagina {m['page']}: tekstherkenning (OCR) is mislukt ({m['why']}); die pagina telt niet mee.",
    ),
    (
        re.compile(r"(?P<n>\d+) page\(s\) are scanned images and were skipped"),
        lambda m: f"{m['n']} pagina('s) zijn gescande afbeeldingen zonder tekst en zijn overgeslagen; "
        "installeer Tesseract met Nederlands of gebruik --ocr auto om ze mee te nemen.",
    ),
    (
        re.compile(r"model trained with (?P<lib>\S+) (?P<was>\S+), running (?P<now>\S+);"),
        lambda m: f"Het model is getraind met {m['lib']} {m['was']}, deze installatie heeft {m['now']}; "
        "train het model opnieuw als de uitkomsten vreemd lijken.",
    ),
]


def dutch_warning(warning: str) -> str:
    """The Dutch text of one of docscan's warnings for the report; an unknown warning is shown as it is."""
    for pattern, say in _WARNINGS_NL:
        m = pattern.search(warning)
        if m:
            return say(m)
    return warning


def build_context(score: DocumentScore, max_evidence: int = 6) -> dict:
    """Everything the template needs, as plain data."""
    check_score(score)
    themes = ordered_themes(score)
    theme_views = []
    for t in themes:
        ranked = sorted(t.evidence, key=lambda e: -float(e.probability))
        shown = ranked[: max(0, max_evidence)]
        theme_views.append(
            {
                "key": t.theme,
                "id": "thema-" + slug(t.theme),
                "label": THEME_LABELS[t.theme],
                "group": THEME_GROUPS[t.theme],
                "description": THEME_DESCRIPTIONS[t.theme],
                "verdict": t.verdict,
                "verdict_label": VERDICT_LABELS[t.verdict],
                "score": nl_num(t.score),
                "uncertain": t.uncertain,
                "reason": t.reason,
                "pages_text": page_ranges(t.pages),
                "n_pages": len(set(t.pages)),
                "sections": t.sections,
                "spread": pct(max(0.0, min(1.0, float(t.spread)))),
                "near_misses": t.near_misses,
                "n_evidence": len(t.evidence),
                "evidence": [_evidence_view(e) for e in shown],
                "more": len(ranked) - len(shown),
                "advice": advice_for(t.theme, t.verdict),
            }
        )
    mp = score.maturity
    level = dominant_level(score)
    maturity_levels = []
    for lvl in MATURITY_LEVELS:
        share = float(mp.shares.get(lvl, 0.0))
        maturity_levels.append(
            {
                "level": lvl,
                "id": "niveau-" + slug(lvl),
                "label": LEVEL_LABELS[lvl],
                "description": LEVEL_DESCRIPTIONS[lvl],
                "count": int(mp.counts.get(lvl, 0)),
                "pct": pct(share),
                "examples": [_evidence_view(e) for e in sorted(mp.examples.get(lvl, ()), key=lambda e: -float(e.probability))],
            }
        )
    gaps = [v for v in theme_views if v["advice"]]
    return {
        "c": PALETTE,
        "doc": {
            "name": score.name,
            "title": score.title,
            "pages": score.pages,
            "passages": score.passages,
            "language": score.language,
            "sha256": score.sha256,
        },
        "warnings": [dutch_warning(w) for w in score.warnings],
        "created": score.created,
        "created_text": nl_date(score.created),
        "version": score.docscan_version,
        "overall": overall_sentence(score),
        "themes": theme_views,
        "gaps": gaps,
        "summary_chart": _summary_chart(themes, score.settings),
        "maturity": {
            "phase": mp.phase,
            "stance_passages": mp.stance_passages,
            "levels": maturity_levels,
            "chart": _maturity_chart(score),
            "advice": MATURITY_ADVICE[level],
            "dominant": level,
        },
        "map": _map_chart(score, themes),
        "context": _context(score),
        "rules": _rules(score.settings),
        "settings": [{"key": k, "value": nl_setting(v)} for k, v in score.settings.items()],
        "model": {
            "name": score.model.name,
            "version": score.model.version,
            "trained_at": score.model.trained_at,
            "trained_text": nl_date(score.model.trained_at, with_time=False),
            "corpus_size": score.model.corpus_size,
            "corpus_sha256": score.model.corpus_sha256,
            "f1_themes": nl_num(score.model.cv_macro_f1_themes, 2),
            "f1_maturity": nl_num(score.model.cv_macro_f1_maturity, 2),
            "per_label": _per_label(score.model),
        },
        "counts": {v: sum(1 for t in themes if t.verdict == v) for v in VERDICTS},
    }


def evaluation_context(result: dict, version: str) -> dict:
    """The template data for the evaluation page of ``docscan evaluate --html``."""
    import os

    def num(v, digits=3):
        return nl_num(v, digits) if isinstance(v, (int, float)) and not isinstance(v, bool) else "\u2013"

    def label(key):
        return THEME_LABELS.get(key) or LEVEL_LABELS.get(key) or ("geen houding" if key == "none" else str(key))

    averages = []
    for key, name in (
        ("themes_macro", "Thema's, macro"),
        ("themes_micro", "Thema's, micro"),
    ):
        if any(f"{key}_{m}" in result for m in ("precision", "recall", "f1")):
            averages.append({"label": name, "precision": num(result.get(f"{key}_precision")),
                             "recall": num(result.get(f"{key}_recall")), "f1": num(result.get(f"{key}_f1"))})
    for key, name in (("maturity_macro_f1", "Volwassenheid 1.0/2.0/3.0, macro"),
                      ("maturity_macro_f1_with_none", "Volwassenheid met 'geen', macro")):
        if key in result:
            averages.append({"label": name, "precision": "\u2013", "recall": "\u2013", "f1": num(result[key])})
    per_label = [
        {"label": label(k), "precision": num(m.get("precision")), "recall": num(m.get("recall")),
         "f1": num(m.get("f1")), "support": num(m.get("support"), 0)}
        for k, m in (result.get("per_label") or {}).items()
    ]
    confusion = None
    matrix = result.get("maturity_confusion")
    if matrix:
        classes = list(MATURITY_LEVELS + ("none",))[: len(matrix)]
        confusion = {
            "classes": [label(c) for c in classes],
            "rows": [{"label": label(c), "cells": [str(v) for v in row]} for c, row in zip(classes, matrix)],
        }
    model = result.get("model") or {}
    data = result.get("data") or {}
    return {
        "c": PALETTE,
        "model": {"name": str(model.get("name", "model")), "version": str(model.get("version", ""))},
        "data": {"name": os.path.basename(os.path.normpath(str(data.get("path", "")))) or "\u2013",
                 "passages": data.get("passages", "\u2013")},
        "averages": averages,
        "per_label": per_label,
        "confusion": confusion,
        "version": version,
    }


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment of the report: package templates, autoescape, strict."""
    env = Environment(
        loader=PackageLoader("docscan.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["highlight"] = highlight
    env.filters["nl_num"] = nl_num
    return env
