"""The database rows of one analysed document, built in the worker.

Kept apart from :mod:`docscan.batch.db` so that a worker (a pool process or a
Dask worker on another machine) builds its rows without importing SQLAlchemy
or a database driver: the batch process alone talks to the database.
"""
from __future__ import annotations

import json

from ..types import MATURITY_LEVELS, THEMES

# column suffix of each maturity level (count_l1, share_l1, m_l1, ...)
LEVEL_COLS = {"1.0": "l1", "2.0": "l2", "3.0": "l3", "none": "none"}


def rows_from_analysis(analysis) -> dict:
    """The child rows of one :class:`docscan.api.Analysis` (without ``document_id``),
    plus the document fields that come from the analysis. Runs in the worker."""
    doc = analysis.document
    score = analysis.score
    passage_rows = [
        {
            "passage_id": p.id,
            "ordinal": i,
            "page": int(p.page),
            "kind": p.kind,
            "heading": json.dumps(list(p.heading), ensure_ascii=False),
            "text": p.text,
        }
        for i, p in enumerate(doc.passages)
    ]
    pred_rows = []
    for pr in analysis.predictions:
        row = {"passage_id": pr.passage_id}
        for t in THEMES:
            row[f"p_{t}"] = round(float(pr.themes.get(t, 0.0)), 6)
        row["predicted_themes"] = ",".join(t for t in THEMES if t in pr.predicted_themes)
        for level, col in LEVEL_COLS.items():
            row[f"m_{col}"] = round(float(pr.maturity.get(level, 0.0)), 6)
        row["predicted_maturity"] = pr.predicted_maturity
        row["evidence"] = json.dumps({k: list(v) for k, v in pr.evidence.items()}, ensure_ascii=False)
        pred_rows.append(row)
    theme_rows = [
        {
            "theme": t.theme,
            "verdict": t.verdict,
            "score": round(float(t.score), 3),
            "uncertain": bool(t.uncertain),
            "reason": t.reason,
            "evidence_count": len(t.evidence),
            "evidence_ids": json.dumps([e.passage_id for e in t.evidence]),
            "pages": json.dumps(sorted({int(p) for p in t.pages})),
            "sections": int(t.sections),
            "spread": round(float(t.spread), 4),
            "near_misses": int(t.near_misses),
        }
        for t in score.themes
    ]
    mp = score.maturity
    mat = {"phase": mp.phase, "stance_passages": int(mp.stance_passages)}
    for lvl in MATURITY_LEVELS:
        mat[f"count_{LEVEL_COLS[lvl]}"] = int(mp.counts.get(lvl, 0))
        mat[f"share_{LEVEL_COLS[lvl]}"] = round(float(mp.shares.get(lvl, 0.0)), 4)
    document = {
        "title": score.title,
        "pages": int(score.pages),
        "language": score.language,
        "passages": int(score.passages),
        "warnings": json.dumps(list(score.warnings), ensure_ascii=False),
        "maturity_phase": mp.phase,
        "docscan_version": score.docscan_version,
    }
    return {"document": document, "passages": passage_rows, "predictions": pred_rows, "themes": theme_rows, "maturity": mat}
