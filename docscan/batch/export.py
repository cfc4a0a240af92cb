"""``docscan results export``: the stored scores as CSV or JSON text."""
from __future__ import annotations

import csv
import io
import json

from ..errors import DocscanError
from ..types import MATURITY_LEVELS, THEMES
from .db import LEVEL_COLS, SCHEMA_VERSION, ResultsDB

FORMATS = ("csv", "json")
DOC_FIELDS = (
    "path",
    "name",
    "sha256",
    "municipality",
    "year",
    "doctype",
    "title",
    "pages",
    "passages",
    "language",
    "model_name",
    "model_version",
    "run_id",
    "created_at",
    "current",
    "html_path",
    "json_path",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _records(data: dict) -> list[dict]:
    out = []
    for d in data["documents"]:
        themes = data["themes"].get(d["id"], {})
        mat = data["maturity"].get(d["id"], {})
        rec = {k: d[k] for k in DOC_FIELDS}
        rec["warnings"] = json.loads(d["warnings"] or "[]")
        rec["themes"] = {
            t: {
                "verdict": themes[t]["verdict"],
                "score": round(float(themes[t]["score"]), 1),
                "uncertain": bool(themes[t]["uncertain"]),
                "evidence": int(themes[t]["evidence_count"]),
                "pages": json.loads(themes[t]["pages"]),
            }
            for t in THEMES
            if t in themes
        }
        rec["maturity"] = {
            "phase": mat.get("phase", d["maturity_phase"]),
            "stance_passages": mat.get("stance_passages", 0),
            "shares": {lvl: mat.get(f"share_{LEVEL_COLS[lvl]}", 0.0) for lvl in MATURITY_LEVELS},
            "counts": {lvl: mat.get(f"count_{LEVEL_COLS[lvl]}", 0) for lvl in MATURITY_LEVELS},
        }
        out.append(rec)
    return out


def export_text(db_url: str, fmt: str, *, superseded: bool = False) -> str:
    """The stored results as CSV or JSON text: one record per current document.

    A file whose content changed between runs has one current document (its
    latest content); ``superseded`` adds the earlier ones, marked
    ``current: false``.
    """
    if fmt not in FORMATS:
        raise DocscanError(f"unknown export format '{fmt}'; use one of {', '.join(FORMATS)}")
    db = ResultsDB.open(db_url, create=False)
    try:
        data = db.export(superseded=superseded)
    finally:
        db.close()
    records = _records(data)
    if fmt == "json":
        failures = [
            {k: f[k] for k in ("path", "name", "sha256", "municipality", "year", "doctype", "error_type", "message", "exit_code", "run_id")}
            for f in data["failures"]
        ]
        payload = {"schema_version": SCHEMA_VERSION, "documents": records, "failures": failures}
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    header = [k for k in DOC_FIELDS if k not in ("html_path", "json_path")]
    header += [f"{t}_{part}" for t in THEMES for part in ("verdict", "score")]
    header += ["maturity_phase"] + [f"maturity_{lvl}" for lvl in MATURITY_LEVELS] + ["html_path"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in records:
        row = [r[k] for k in DOC_FIELDS if k not in ("html_path", "json_path")]
        for t in THEMES:
            th = r["themes"].get(t)
            row += [th["verdict"], th["score"]] if th else ["", ""]
        row += [r["maturity"]["phase"]] + [r["maturity"]["shares"][lvl] for lvl in MATURITY_LEVELS] + [r["html_path"]]
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()
