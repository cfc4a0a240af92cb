"""``DIR/index.html``: the overview of a batch, self-contained like the report.

A table of documents by themes with the verdicts as coloured cells and text,
sortable and filterable by one small inline script (allowed by its SHA-256
hash in the Content-Security-Policy; nothing else may run or load), the
counts of present/weak/missing per theme, a trend per municipality where
years are known (inline SVG), and the failed files with their errors.

The page is rendered with the report's one Jinja2 environment
(:func:`docscan.report.render.environment`, autoescaping); the geometry of
the trend charts is computed here, so the template only places numbers and
escaped text. The script reads only attributes and text and never builds
markup, so the table works (unsorted, unfiltered) without it too.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import os
import urllib.parse
from collections import Counter, defaultdict

from markupsafe import Markup

from ..io import atomic_writer
from ..report.render import THEME_LABELS, VERDICT_LABELS, environment, nl_date, nl_num
from ..report.style import PALETTE
from ..types import THEMES, VERDICTS

TEMPLATE = "overview.html.j2"
SCRIPT = "overview.js.j2"
STATUS_LABELS = {
    "analysed": "geanalyseerd",
    "skipped": "al in de database",
    "duplicate": "zelfde inhoud als een ander bestand",
    "not_run": "niet verwerkt in deze run; het resultaat van een eerdere run",
}
SHORT_THEME_LABELS = {
    "strategie": "Strategie",
    "leiderschap": "Leiderschap",
    "delen": "Delen",
    "draagvlak": "Draagvlak",
    "experimenteren": "Experimenteren",
    "realisatie": "Realisatie",
}


def script() -> tuple[Markup, str]:
    """The inline script and its CSP source expression (``'sha256-...'``)."""
    text = environment().get_template(SCRIPT).render()
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def _href(path: str | None, out_dir: str) -> str | None:
    if not path:
        return None
    rel = os.path.relpath(path, out_dir).replace(os.sep, "/")
    return urllib.parse.quote(rel)


def _trend(name: str, points: list[dict]) -> dict:
    """An inline SVG line chart of the mean theme score per year of one municipality."""
    width, height, left, right, top, bottom = 560, 210, 64, 56, 22, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    years = [p["year"] for p in points]
    lo, hi = min(years), max(years)
    span = max(1, hi - lo)
    marks = []
    for p in points:
        x = left + plot_w * (p["year"] - lo) / span
        y = top + plot_h * (1 - p["mean"] / 100.0)
        marks.append({**p, "x": round(x, 1), "y": round(y, 1), "mean_text": nl_num(p["mean"])})
    grid = [{"v": v, "y": round(top + plot_h * (1 - v / 100.0), 1)} for v in (0, 25, 50, 75, 100)]
    return {
        "name": name,
        "id": "trend-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10],
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "top": top,
        "bottom_y": top + plot_h,
        "grid": grid,
        "path": " ".join(f"{'M' if i == 0 else 'L'}{m['x']} {m['y']}" for i, m in enumerate(marks)),
        "points": marks,
        "first": points[0],
        "last": points[-1],
    }


def build_context(result, documents: dict[str, dict], themes: dict[int, dict[str, dict]], model_name: str, model_version: str) -> dict:
    """Everything the overview template needs, as plain data.

    ``result`` is the :class:`~docscan.batch.run.BatchResult`; ``documents`` maps a
    content hash to its stored document row; ``themes`` a document id to its
    theme score rows.
    """
    out_dir = result.out_dir
    rows = []
    for it in result.items:
        if it.status not in STATUS_LABELS or not it.sha256 or it.sha256 not in documents:
            continue
        doc = documents[it.sha256]
        ts = themes.get(doc["id"], {})
        cells = []
        for t in THEMES:
            r = ts.get(t)
            if r is None:
                cells.append({"theme": t, "verdict": "none", "label": "\u2013", "score": "", "sort": -1, "uncertain": False})
                continue
            cells.append(
                {
                    "theme": t,
                    "verdict": r["verdict"],
                    "label": VERDICT_LABELS.get(r["verdict"], r["verdict"]),
                    "score": nl_num(r["score"]),
                    "sort": round(float(r["score"]), 3),
                    "uncertain": bool(r["uncertain"]),
                }
            )
        municipality = it.municipality if it.municipality is not None else doc.get("municipality")
        year = it.year if it.year is not None else doc.get("year")
        doctype = it.doctype if it.doctype is not None else doc.get("doctype")
        title = doc.get("title")
        search = " ".join(str(v) for v in (it.name, municipality, year, doctype, title) if v)
        rows.append(
            {
                "name": it.name,
                "path": it.path,
                "title": title,
                "href": _href(it.html_path or doc.get("html_path"), out_dir),
                "municipality": municipality or "",
                "year": year if year is not None else "",
                "doctype": doctype or "",
                "pages": doc.get("pages"),
                "phase": doc.get("maturity_phase") or "",
                "status": it.status,
                "status_label": STATUS_LABELS[it.status],
                "cells": cells,
                "verdicts": " ".join(sorted({c["verdict"] for c in cells})),
                "search": search.lower(),
                "unique": it.status != "duplicate",
                "mean": sum(float(ts[t]["score"]) for t in THEMES if t in ts) / max(1, len(ts)),
            }
        )
    unique = [r for r in rows if r["unique"]]
    counts = []
    for i, t in enumerate(THEMES):
        n = {v: sum(1 for r in unique if r["cells"][i]["verdict"] == v) for v in VERDICTS}
        total = max(1, sum(n.values()))
        counts.append(
            {
                "theme": t,
                "label": THEME_LABELS[t],
                "n": n,
                "bars": [{"verdict": v, "w": round(100.0 * n[v] / total, 2), "n": n[v]} for v in VERDICTS],
            }
        )
    # one trend per municipality, whatever its spelling's case or spacing ("Utrecht", "utrecht ")
    by_town: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    spellings: dict[str, Counter] = defaultdict(Counter)
    for r in unique:
        if r["municipality"] and r["year"] != "":
            key = " ".join(r["municipality"].split()).casefold()
            by_town[key][int(r["year"])].append(r)
            spellings[key][" ".join(r["municipality"].split())] += 1
    trends = []
    for key in sorted(by_town):
        years = by_town[key]
        town = spellings[key].most_common(1)[0][0]
        if len(years) < 2:
            continue
        points = []
        for y in sorted(years):
            docs = years[y]
            per = {v: sum(1 for d in docs for c in d["cells"] if c["verdict"] == v) / len(docs) for v in VERDICTS}
            points.append(
                {
                    "year": y,
                    "mean": sum(d["mean"] for d in docs) / len(docs),
                    "docs": len(docs),
                    "present": nl_num(per["present"], 0 if float(per["present"]).is_integer() else 1),
                    "weak": nl_num(per["weak"], 0 if float(per["weak"]).is_integer() else 1),
                    "missing": nl_num(per["missing"], 0 if float(per["missing"]).is_integer() else 1),
                    "names": ", ".join(d["name"] for d in docs),
                }
            )
        trends.append(_trend(town, points))
    failures = [
        {"name": it.name, "path": it.path, "error": it.error or "", "type": it.error_type or "", "municipality": it.municipality or ""}
        for it in result.items
        if it.status == "failed"
    ]
    code, script_hash = script()
    created = _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    return {
        "c": PALETTE,
        "themes": [{"key": t, "label": THEME_LABELS[t], "short": SHORT_THEME_LABELS[t]} for t in THEMES],
        "verdicts": [{"key": v, "label": VERDICT_LABELS[v]} for v in VERDICTS],
        "rows": rows,
        "counts": counts,
        "trends": trends,
        "failures": failures,
        "summary": {
            "total": result.total,
            "shown": len(rows),
            "analysed": result.analysed,
            "skipped": result.skipped,
            "failed": result.failed,
            "not_run": result.not_run,
            "stopped": result.stopped,
            "interrupted": result.status in ("interrupted", "running"),
        },
        "run_id": result.run_id,
        "model": {"name": model_name, "version": model_version},
        "created": created,
        "created_text": nl_date(created),
        "script": code,
        "csp": f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {script_hash}",
    }


def render_overview(context: dict) -> str:
    return environment().get_template(TEMPLATE).render(**context)


def write_overview(db, result, model_name: str, model_version: str) -> str:
    """Read the batch's documents from ``db`` and write ``index.html`` atomically; return its path."""
    shas = [i.sha256 for i in result.items if i.sha256]
    documents = db.find(shas, model_name, model_version)
    themes = db.theme_rows(d["id"] for d in documents.values())
    html = render_overview(build_context(result, documents, themes, model_name, model_version))
    with atomic_writer(result.index_path) as fh:
        fh.write(html)
    return result.index_path
