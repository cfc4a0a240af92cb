"""Stage 4: from passage predictions to a document verdict per theme.

The rules are explicit and configurable (``[score]`` in ``defaults.toml``)
and the report's method section prints them:

* **evidence**: a passage of at least ``min_evidence_words`` words whose
  probability for the theme reaches the model's tuned threshold; a **near
  miss** lies within ``near_miss_margin`` below it;
* **score** (0-100): ``100 * (1 - exp(-S / 2.5))`` with ``S`` the summed
  probability of the evidence plus a quarter of the near misses'; evidence
  from a single section counts for three quarters, so one lucky cluster
  cannot carry a theme;
* **present**: at least ``present_min_passages`` evidence passages, in at
  least ``present_min_locations`` chapters (headings of the first level on
  which the passages differ, so a title over the whole document is not a
  chapter; pages for passages without one), and a score of at least
  ``present_min_score``;
* **weak**: some evidence, or at least ``weak_min_near_misses`` near misses;
* **missing**: neither;
* **uncertain**: the verdict would change with one passage more or less,
  or the score lies within ``uncertainty_band`` points of the present line.

Context tags (domain, technology forces, security) come from a small
lexicon matched on words, lemmas and compound parts.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections import Counter
from collections.abc import Sequence

from .types import (
    MATURITY_LEVELS,
    THEMES,
    Document,
    DocumentScore,
    Evidence,
    MaturityProfile,
    ModelInfo,
    Passage,
    Prediction,
    ThemeScore,
)

SCORE_SCALE = 2.5
NEAR_MISS_WEIGHT = 0.25
SINGLE_LOCATION_FACTOR = 0.75

THEME_NAMES = {
    "strategie": "digitale strategie",
    "leiderschap": "digitaal leiderschap",
    "delen": "delen van kennis en informatie",
    "draagvlak": "draagvlak voor digitale middelen",
    "experimenteren": "pilots en experimenten",
    "realisatie": "van plan naar uitvoering",
}

# Context lexicon: group -> tag -> terms. A one-word term matches a word, its
# lemma, or (from five letters on) a part of a compound; terms with a space
# match the text.
CONTEXT_LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "domein": {
        "dienstverlening": ("dienstverlening", "klantcontact", "loket", "kcc", "klantreis", "digid", "mijnoverheid",
                            "e-dienstverlening", "webformulier", "aanvraag"),
        "bedrijfsvoering": ("bedrijfsvoering", "hrm", "personeel", "inkoop", "facilitair", "financiën", "huisvesting"),
        "informatievoorziening": ("informatievoorziening", "i&a", "informatiebeleid", "informatiemanagement", "applicatie",
                                  "architectuur", "gemma", "common ground", "zaaksysteem", "archief", "e-depot"),
        "sociaal domein": ("sociaal domein", "wmo", "participatiewet", "schuldhulp", "armoede", "bijstand"),
        "jeugdzorg": ("jeugdzorg", "jeugdwet", "jeugdhulp"),
        "omgevingswet": ("omgevingswet", "omgevingsplan", "omgevingsvisie", "dso", "vergunning"),
        "duurzaamheid": ("duurzaam", "duurzaamheid", "energietransitie", "klimaat", "klimaatadaptatie"),
    },
    "technologie": {
        "cloud": ("cloud", "saas", "clouddienst"),
        "mobiel": ("mobiel", "app", "apps", "smartphone", "tablet"),
        "sociale media": ("sociale media", "facebook", "twitter", "linkedin", "instagram", "whatsapp"),
        "data en informatie": ("data", "dataset", "datagedreven", "open data", "dashboard", "algoritme", "algoritmes",
                               "kunstmatige intelligentie", "ai", "informatiegestuurd"),
    },
    "veiligheid": {
        "informatieveiligheid": ("informatiebeveiliging", "informatieveiligheid", "bio", "ensia", "cyber",
                                 "cybersecurity", "beveiliging"),
        "privacy": ("privacy", "avg", "persoonsgegevens", "dpia", "gegevensbescherming"),
    },
}

_WORD = re.compile(r"[\w&-]+", re.UNICODE)


def context_tags(passages: Sequence[Passage]) -> dict[str, dict[str, int]]:
    """Per group and tag, the number of passages that mention it."""
    from .nlp import lemma_of, split_compound

    single: dict[str, list[tuple[str, str]]] = {}
    multi: list[tuple[str, str, str]] = []
    for group, tags in CONTEXT_LEXICON.items():
        for tag, terms in tags.items():
            for term in terms:
                if " " in term:
                    multi.append((group, tag, term))
                else:
                    single.setdefault(term, []).append((group, tag))
    long_terms = [t for t in single if len(t) >= 5]
    counts: dict[str, Counter] = {g: Counter() for g in CONTEXT_LEXICON}
    for p in passages:
        lower = p.text.lower()
        found: set[tuple[str, str]] = set()
        for w in _WORD.findall(lower):
            keys = {w, lemma_of(w)}
            if len(w) >= 8 and any(t in w for t in long_terms):
                keys.update(split_compound(w))
            for k in keys:
                for gt in single.get(k, ()):
                    found.add(gt)
        for group, tag, term in multi:
            if term in lower:
                found.add((group, tag))
        for group, tag in found:
            counts[group][tag] += 1
    return {g: {t: counts[g][t] for t in CONTEXT_LEXICON[g] if counts[g][t]} for g in CONTEXT_LEXICON}


def _evidence(p: Passage, prob: float, terms: Sequence[str]) -> Evidence:
    return Evidence(p.id, p.page, p.heading, p.kind, p.text, round(float(prob), 4), tuple(terms))


def shared_heading_depth(passages: Sequence[Passage]) -> int:
    """How many leading heading levels every headed passage shares (a title over the whole document).

    A plan whose cover title heads every passage would otherwise count as a
    single chapter, so one bold title line could turn "present" into "weak".
    """
    paths = [p.heading for p in passages if p.heading]
    if not paths:
        return 0
    depth = 0
    for level in zip(*paths):
        if len(set(level)) != 1:
            break
        depth += 1
    return depth


def _location(p: Passage, skip: int = 0) -> str:
    """The chapter of a passage: its first heading below the ``skip`` levels all passages share, else its page."""
    return p.heading[skip] if len(p.heading) > skip else f"p{p.page}"


def score_theme(
    theme: str,
    passages: Sequence[Passage],
    preds: Sequence[Prediction],
    threshold: float,
    settings: dict,
    pages: int,
    skip_headings: int = 0,
) -> ThemeScore:
    margin = float(settings["near_miss_margin"])
    min_words = int(settings.get("min_evidence_words", 0))
    ev, near = [], []
    for p, pr in zip(passages, preds):
        if min_words and len(p.text.split()) < min_words:
            continue
        prob = pr.themes[theme]
        if prob >= threshold:
            ev.append(_evidence(p, prob, pr.evidence.get(theme, ())))
        elif prob >= threshold - margin:
            near.append((p, prob))
    ev.sort(key=lambda e: (-e.probability, e.page))
    by_id = {p.id: p for p in passages}
    locations = {_location(by_id[e.passage_id], skip_headings) for e in ev}
    s = sum(e.probability for e in ev) + NEAR_MISS_WEIGHT * sum(prob for _, prob in near)
    score = 100.0 * (1.0 - math.exp(-s / SCORE_SCALE))
    if len(locations) <= 1:
        score *= SINGLE_LOCATION_FACTOR
    score = round(score, 1)
    n = len(ev)
    n_min = int(settings["present_min_passages"])
    loc_min = int(settings["present_min_locations"])
    s_min = float(settings["present_min_score"])
    band = float(settings["uncertainty_band"])
    if n >= n_min and len(locations) >= loc_min and score >= s_min:
        verdict = "present"
        uncertain = n == n_min or (len(locations) == loc_min and n <= n_min + 1) or score < s_min + band
    elif n >= 1 or len(near) >= int(settings["weak_min_near_misses"]):
        verdict = "weak"
        uncertain = n == 0 or (n >= n_min - 1 and score >= s_min - band)
    else:
        verdict = "missing"
        uncertain = len(near) >= 1
    ev_pages = tuple(sorted({e.page for e in ev}))
    spread = (ev_pages[-1] - ev_pages[0] + 1) / pages if len(ev_pages) >= 2 and pages else 0.0
    return ThemeScore(
        theme=theme,
        verdict=verdict,
        score=score,
        uncertain=bool(uncertain),
        reason=_reason(theme, verdict, n, len(locations), len(near), ev_pages, uncertain),
        evidence=tuple(ev),
        pages=ev_pages,
        sections=len(locations),
        spread=round(spread, 3),
        near_misses=len(near),
    )


def _pages_text(pages: Sequence[int]) -> str:
    if not pages:
        return ""
    if len(pages) == 1:
        return f"p. {pages[0]}"
    if len(pages) <= 4:
        return "p. " + ", ".join(map(str, pages[:-1])) + f" en {pages[-1]}"
    return f"p. {pages[0]} tot en met {pages[-1]}"


def _reason(theme, verdict, n, locs, near, pages, uncertain) -> str:
    name = THEME_NAMES[theme]
    sure = " Dit oordeel ligt dicht bij een grens." if uncertain else ""
    if verdict == "present":
        return (
            f"Het plan besteedt duidelijk aandacht aan {name}: {n} passages in {locs} "
            f"{'hoofdstukken' if locs != 1 else 'hoofdstuk'} ({_pages_text(pages)}).{sure}"
        )
    if verdict == "weak":
        if n == 0:
            return f"Over {name} zijn alleen {near} passages gevonden die er in de buurt komen, geen duidelijke.{sure}"
        what = "één passage" if n == 1 else f"{n} passages"
        where = "in één hoofdstuk" if locs == 1 else f"in {locs} hoofdstukken"
        return f"{name[0].upper() + name[1:]} komt beperkt aan bod: {what} {where} ({_pages_text(pages)}).{sure}"
    extra = f" ({near} passage{'s' if near != 1 else ''} komt in de buurt)" if near else ""
    return f"Het plan zegt niets herkenbaars over {name}{extra}.{sure}"


def maturity_profile(passages: Sequence[Passage], preds: Sequence[Prediction], max_examples: int = 3) -> MaturityProfile:
    counts = Counter(pr.predicted_maturity for pr in preds if pr.predicted_maturity)
    total = sum(counts.values())
    shares = {m: (counts[m] / total if total else 0.0) for m in MATURITY_LEVELS}
    examples = {}
    for m in MATURITY_LEVELS:
        ranked = sorted(
            ((p, pr) for p, pr in zip(passages, preds) if pr.predicted_maturity == m), key=lambda x: -x[1].maturity[m]
        )[:max_examples]
        examples[m] = tuple(_evidence(p, pr.maturity[m], pr.evidence.get(m, ())) for p, pr in ranked)
    return MaturityProfile(
        counts={m: counts[m] for m in MATURITY_LEVELS},
        shares={m: round(v, 4) for m, v in shares.items()},
        stance_passages=total,
        phase=phase_of(shares, total),
        examples=examples,
    )


def phase_of(shares: dict[str, float], total: int) -> str:
    """The summary phase from the weighted mean level (1.0 = 1, 2.0 = 2, 3.0 = 3)."""
    if total < 3:
        return "te weinig uitspraken om een fase te bepalen"
    mean = sum(float(m) * s for m, s in shares.items())
    if mean < 1.25:
        return "1.0"
    if mean < 1.75:
        return "tussen 1.0 en 2.0"
    if mean < 2.25:
        return "2.0"
    if mean < 2.75:
        return "tussen 2.0 en 3.0"
    return "3.0"


def model_info(meta: dict) -> ModelInfo:
    cv = meta["cv"]
    return ModelInfo(
        name=meta["name"],
        version=meta["version"],
        trained_at=meta["trained_at"],
        corpus_size=int(meta["corpus"]["passages"]),
        corpus_sha256=meta["corpus"]["sha256"],
        thresholds={k: float(v) for k, v in meta["thresholds"].items()},
        cv_macro_f1_themes=float(cv["themes_macro_f1"]),
        cv_macro_f1_maturity=float(cv["maturity_macro_f1"]),
        cv_per_label=cv["per_label"],
    )


def score_document(
    doc: Document,
    passages: Sequence[Passage],
    preds: Sequence[Prediction],
    meta: dict,
    settings: dict,
    *,
    created: str | None = None,
) -> DocumentScore:
    """The verdicts, maturity profile and context of one document.

    ``passages`` and ``preds`` are aligned: the classified passages (no headings).
    """
    from . import __version__

    skip = shared_heading_depth(passages)  # a title over every passage is not a chapter
    themes = tuple(score_theme(t, passages, preds, float(meta["thresholds"][t]), settings, doc.pages, skip) for t in THEMES)
    return DocumentScore(
        path=doc.path,
        name=os.path.basename(doc.path),
        sha256=doc.sha256,
        pages=doc.pages,
        title=doc.title,
        language=doc.language,
        warnings=doc.warnings,
        passages=len(passages),
        themes=themes,
        maturity=maturity_profile(passages, preds),
        context=context_tags(passages),
        page_map={t.theme: t.pages for t in themes},
        model=model_info(meta),
        docscan_version=__version__,
        created=created or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        settings={k: float(v) for k, v in settings.items()},
    )
