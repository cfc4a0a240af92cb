"""The small typed records that flow between docscan's stages.

``Passage`` is born in :mod:`docscan.extract` and never mutated later;
``Prediction`` is made by :mod:`docscan.classify`; ``DocumentScore`` by
:mod:`docscan.score`. All are plain frozen dataclasses with ``to_dict``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

THEMES: tuple[str, ...] = (
    "strategie",
    "leiderschap",
    "delen",
    "draagvlak",
    "experimenteren",
    "realisatie",
)
MATURITY_LEVELS: tuple[str, ...] = ("1.0", "2.0", "3.0")
MATURITY_CLASSES: tuple[str, ...] = MATURITY_LEVELS + ("none",)

PASSAGE_KINDS: tuple[str, ...] = ("paragraph", "list_item", "table", "heading")


@dataclass(frozen=True, slots=True)
class Passage:
    """One unit of text: a paragraph, a list item with its lead-in, a table or a heading."""

    id: str
    page: int  # 1-based page where the passage starts
    heading: tuple[str, ...]  # heading path, outermost first
    kind: str  # one of PASSAGE_KINDS
    text: str
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in pt

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "page": self.page,
            "heading": list(self.heading),
            "kind": self.kind,
            "text": self.text,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Passage:
        bbox = d.get("bbox")
        return cls(
            id=str(d["id"]),
            page=int(d.get("page") or 0),
            heading=tuple(d.get("heading") or ()),
            kind=str(d.get("kind") or "paragraph"),
            text=str(d["text"]),
            bbox=tuple(bbox) if bbox else None,
        )


@dataclass(frozen=True, slots=True)
class Document:
    """The result of extracting one PDF."""

    path: str
    sha256: str
    pages: int
    passages: tuple[Passage, ...]
    language: str | None = None  # ISO code from the language check, if run
    ocr_pages: tuple[int, ...] = ()  # 1-based pages whose text came from OCR
    warnings: tuple[str, ...] = ()
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model says about one passage."""

    passage_id: str
    themes: dict[str, float]  # label -> calibrated probability
    predicted_themes: tuple[str, ...]
    maturity: dict[str, float]  # "1.0", "2.0", "3.0", "none" -> probability
    predicted_maturity: str | None
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "id": self.passage_id,
            "themes": {k: round(v, 4) for k, v in self.themes.items()},
            "predicted_themes": list(self.predicted_themes),
            "maturity": {k: round(v, 4) for k, v in self.maturity.items()},
            "predicted_maturity": self.predicted_maturity,
            "evidence": {k: list(v) for k, v in self.evidence.items()},
        }


def as_dict(obj) -> dict:
    """``dataclasses.asdict`` for any of the records above."""
    return asdict(obj)


# ---------------------------------------------------------------- scoring

VERDICTS: tuple[str, ...] = ("present", "weak", "missing")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage that supports a theme (or shows a maturity level)."""

    passage_id: str
    page: int
    heading: tuple[str, ...]
    kind: str
    text: str
    probability: float
    terms: tuple[str, ...] = ()  # words/phrases that drove the prediction, to highlight


@dataclass(frozen=True, slots=True)
class ThemeScore:
    theme: str
    verdict: str  # one of VERDICTS
    score: float  # 0-100
    uncertain: bool  # the score lies near a verdict boundary
    reason: str  # one Dutch sentence explaining the verdict
    evidence: tuple[Evidence, ...]  # ranked by probability, highest first
    pages: tuple[int, ...]  # pages with evidence, ascending
    sections: int  # distinct top-level sections with evidence
    spread: float  # 0-1: share of the document's pages between the first and the last evidence page
    near_misses: int  # passages just below the threshold


@dataclass(frozen=True, slots=True)
class MaturityProfile:
    counts: dict[str, int]  # "1.0" / "2.0" / "3.0" -> passages taking that stance
    shares: dict[str, float]  # same keys, shares summing to 1 (all 0 when no stance)
    stance_passages: int
    phase: str  # e.g. "tussen 1.0 en 2.0", or "geen uitspraak" when no stance
    examples: dict[str, tuple[Evidence, ...]]  # up to three per level


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    version: str
    trained_at: str
    corpus_size: int
    corpus_sha256: str
    thresholds: dict[str, float]
    cv_macro_f1_themes: float
    cv_macro_f1_maturity: float
    cv_per_label: dict[str, dict[str, float]]  # label -> precision/recall/f1/support


@dataclass(frozen=True, slots=True)
class DocumentScore:
    """Everything the report shows about one document."""

    path: str
    name: str  # file name shown in the report
    sha256: str
    pages: int
    title: str | None
    language: str | None
    warnings: tuple[str, ...]
    passages: int  # number of classified passages (headings excluded)
    themes: tuple[ThemeScore, ...]  # in THEMES order
    maturity: MaturityProfile
    context: dict[str, dict[str, int]]  # tag group -> tag -> passages mentioning it
    page_map: dict[str, tuple[int, ...]]  # theme -> evidence pages (for the document map)
    model: ModelInfo
    docscan_version: str
    created: str  # ISO 8601 timestamp
    settings: dict[str, float]  # the [score] configuration used for the verdicts

    def theme(self, name: str) -> ThemeScore:
        return next(t for t in self.themes if t.theme == name)
