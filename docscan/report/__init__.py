"""The report stage: a :class:`~docscan.types.DocumentScore` as a self-contained HTML
gap report (Dutch) and as machine-readable JSON.

- :func:`render_html` returns one HTML document with inline CSS and inline SVG,
  no script and no external resources (a Content-Security-Policy forbids them).
- :func:`to_json` returns the findings as a plain ``dict`` following the JSON
  Schema in ``report.schema.json`` (documented in ``SCHEMA.md``).
- :func:`write_report` writes both atomically.

Nothing here prints or exits; a score that breaks the contract of
:mod:`docscan.types` (an unknown theme or verdict, a non-finite number)
raises ``ValueError``.
"""
from __future__ import annotations

import json
import os
from importlib import resources

from ..io import atomic_write_all, atomic_writer
from ..types import MATURITY_LEVELS, THEMES, DocumentScore, Evidence
from .render import THEME_LABELS, build_context, check_score, environment, evaluation_context, highlight, ordered_themes

__all__ = [
    "SCHEMA_VERSION",
    "highlight",
    "json_schema",
    "render_evaluation",
    "render_html",
    "to_json",
    "write_evaluation",
    "write_report",
]

SCHEMA_VERSION = 1


def render_html(score: DocumentScore, *, max_evidence: int = 6) -> str:
    """The HTML gap report for ``score``; at most ``max_evidence`` passages are shown per theme."""
    context = build_context(score, max_evidence=max_evidence)
    return environment().get_template("report.html.j2").render(**context)


def _evidence(e: Evidence) -> dict:
    return {
        "passage_id": str(e.passage_id),
        "page": int(e.page),
        "heading": [str(h) for h in e.heading],
        "kind": str(e.kind),
        "text": str(e.text),
        "probability": round(float(e.probability), 4),
        "terms": [str(t) for t in e.terms],
    }


def to_json(score: DocumentScore) -> dict:
    """The findings as a JSON-ready ``dict`` (schema version :data:`SCHEMA_VERSION`)."""
    check_score(score)
    themes = ordered_themes(score)
    mp = score.maturity
    model = score.model
    return {
        "schema_version": SCHEMA_VERSION,
        "docscan_version": str(score.docscan_version),
        "created": str(score.created),
        "document": {
            "name": str(score.name),
            "path": str(score.path),
            "sha256": str(score.sha256),
            "title": None if score.title is None else str(score.title),
            "pages": int(score.pages),
            "passages": int(score.passages),
            "language": None if score.language is None else str(score.language),
            "warnings": [str(w) for w in score.warnings],
        },
        "summary": {
            "present": [t.theme for t in themes if t.verdict == "present"],
            "weak": [t.theme for t in themes if t.verdict == "weak"],
            "missing": [t.theme for t in themes if t.verdict == "missing"],
            "uncertain": [t.theme for t in themes if t.uncertain],
            "maturity_phase": str(mp.phase),
        },
        "themes": [
            {
                "theme": t.theme,
                "label": THEME_LABELS[t.theme],
                "verdict": t.verdict,
                "score": round(float(t.score), 1),
                "uncertain": bool(t.uncertain),
                "reason": str(t.reason),
                "pages": sorted({int(p) for p in t.pages}),
                "sections": int(t.sections),
                "spread": round(float(t.spread), 4),
                "near_misses": int(t.near_misses),
                "evidence": [_evidence(e) for e in sorted(t.evidence, key=lambda e: -float(e.probability))],
            }
            for t in themes
        ],
        "maturity": {
            "counts": {lvl: int(mp.counts.get(lvl, 0)) for lvl in MATURITY_LEVELS},
            "shares": {lvl: round(float(mp.shares.get(lvl, 0.0)), 4) for lvl in MATURITY_LEVELS},
            "stance_passages": int(mp.stance_passages),
            "phase": str(mp.phase),
            "examples": {lvl: [_evidence(e) for e in mp.examples.get(lvl, ())] for lvl in MATURITY_LEVELS},
        },
        "context": {str(g): {str(tag): int(n) for tag, n in tags.items()} for g, tags in score.context.items()},
        "page_map": {
            th: sorted({int(p) for p in score.page_map.get(th, ())}) for th in THEMES if th in score.page_map
        },
        "model": {
            "name": str(model.name),
            "version": str(model.version),
            "trained_at": str(model.trained_at),
            "corpus_size": int(model.corpus_size),
            "corpus_sha256": str(model.corpus_sha256),
            "thresholds": {str(k): round(float(v), 4) for k, v in model.thresholds.items()},
            "cv_macro_f1_themes": round(float(model.cv_macro_f1_themes), 4),
            "cv_macro_f1_maturity": round(float(model.cv_macro_f1_maturity), 4),
            "cv_per_label": {
                str(label): {str(k): round(float(v), 4) for k, v in metrics.items()}
                for label, metrics in model.cv_per_label.items()
            },
        },
        "settings": {str(k): v for k, v in score.settings.items()},
    }


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) that :func:`to_json` output follows."""
    with resources.files(__name__).joinpath("report.schema.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def write_report(
    score: DocumentScore,
    html_path: str | os.PathLike,
    json_path: str | os.PathLike | None = None,
    *,
    max_evidence: int = 6,
) -> None:
    """Write the HTML report (and the JSON findings when ``json_path`` is given), atomically.

    Both documents are rendered and written to temporary files before either
    replaces an old file, so a failure (a read-only folder for the JSON, a
    full disk) leaves existing files untouched. ``max_evidence`` is passed to
    :func:`render_html` (the ``[report] max_evidence`` setting).
    """
    files = [(html_path, render_html(score, max_evidence=max_evidence))]
    if json_path is not None:
        files.append((json_path, json.dumps(to_json(score), ensure_ascii=False, indent=2, allow_nan=False) + "\n"))
    atomic_write_all(files)  # both complete before either replaces an old file


def render_evaluation(result: dict) -> str:
    """A small self-contained HTML page for the result of :func:`docscan.api.evaluate`."""
    from .. import __version__

    return environment().get_template("evaluation.html.j2").render(**evaluation_context(result, __version__))


def write_evaluation(result: dict, html_path: str | os.PathLike) -> None:
    """Atomically write :func:`render_evaluation` to ``html_path``."""
    html = render_evaluation(result)
    with atomic_writer(html_path) as fh:
        fh.write(html)
