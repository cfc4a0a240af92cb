"""Corpus import and export for annotation tools: Prodigy, doccano, Label Studio.

Every format carries both annotations of the codebook: the themes as
labels/options, and the maturity as a label too (``maturity:1.0``,
``maturity:2.0``, ``maturity:3.0``; no maturity label means ``null``). The
corpus fields that the tools have no place for (``id``, ``source`` and
``meta``) travel in the field each tool keeps untouched, so an export
imports back without loss:

* **Prodigy** (JSONL, ``choice`` view / textcat with options)::

    {"text": ..., "options": [{"id": "strategie", "text": "strategie"}, ...,
     {"id": "maturity:1.0", "text": "maturity 1.0"}, ...],
     "accept": ["strategie", "maturity:2.0"], "answer": "accept",
     "meta": {"id": ..., "source": ..., "corpus_meta": {...}}}

  Tasks answered ``reject`` or ``ignore``, and tasks without an answer, are
  not imported (they are counted).
* **doccano** (JSONL, text classification)::

    {"text": ..., "label": ["strategie", "maturity:2.0"], "meta": {"id": ..., "source": ..., "corpus_meta": {...}}}

  doccano cannot tell "labelled with nothing" from "not labelled": export
  only the examples you confirmed.
* **Label Studio** (the JSON export: a list of tasks)::

    [{"id": 1, "data": {"text": ..., "docscan": {"id": ..., "source": ..., "corpus_meta": {...}}},
      "annotations": [{"result": [
        {"from_name": "themes", "to_name": "text", "type": "choices", "value": {"choices": ["strategie"]}},
        {"from_name": "maturity", "to_name": "text", "type": "choices", "value": {"choices": ["2.0"]}}]}]}]

  Themes are one ``Choices`` control (multiple), maturity another (single:
  1.0, 2.0, 3.0, none); :func:`labelstudio_config` is the matching labelling
  configuration. The last annotation that was not cancelled counts; tasks
  without one are not imported.

Passages that come from a tool without docscan's fields get the id
``<file stem>-<text hash>``, the source ``<format>:<file name>`` and the
tool's own metadata (task id, annotator, extra fields) in ``meta``.

Anything that does not map onto the codebook's labels (an unknown label, two
maturity levels, span annotations, a missing text) raises
:class:`~docscan.errors.CorpusError` naming the line (JSONL) or the task
(Label Studio). Outputs are written atomically.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from . import corpus as corpus_mod
from .corpus import Example
from .errors import CorpusError, InputFileError
from .io import atomic_writer, json_lines, open_text, write_jsonl
from .types import MATURITY_LEVELS, THEMES

FORMATS = ("prodigy", "doccano", "labelstudio")
PREFIX = "maturity:"
LS_THEMES = "themes"
LS_MATURITY = "maturity"
LS_NONE = "none"
KNOWN = ", ".join(THEMES) + "; maturity as " + ", ".join(PREFIX + m for m in MATURITY_LEVELS)


@dataclass
class ImportResult:
    examples: list[Example]
    skipped: int = 0  # unanswered, rejected, ignored or cancelled tasks
    merged: int = 0  # identical duplicates (same text, same labels) folded into one
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- labels


def _carrier(ex: Example) -> dict:
    c = {"id": ex.id, "source": ex.source}
    if ex.meta:
        c["corpus_meta"] = ex.meta
    return c


def _labels(ex: Example) -> list[str]:
    return list(ex.themes) + ([PREFIX + ex.maturity] if ex.maturity else [])


def map_labels(labels, where: str) -> tuple[tuple[str, ...], str | None]:
    """Tool labels to (themes, maturity). Theme names and ``maturity:<level>`` are accepted
    (case and surrounding spaces ignored); anything else is an error naming ``where``."""
    if not isinstance(labels, list):
        raise CorpusError(f"{where}: the labels must be a list, not {type(labels).__name__}")
    themes: list[str] = []
    levels: list[str] = []
    for raw in labels:
        if isinstance(raw, list):
            raise CorpusError(f"{where}: span annotation {json.dumps(raw, ensure_ascii=False)} does not map onto "
                              "passage labels; export a text classification project")
        if not isinstance(raw, str):
            raise CorpusError(f"{where}: label {json.dumps(raw, ensure_ascii=False)} is not a string")
        lab = raw.strip().lower()
        if lab in THEMES:
            if lab not in themes:
                themes.append(lab)
            continue
        m = re.fullmatch(r"maturity[:\s_-]*(\S+)", lab)
        level = m.group(1) if m else None
        if level in ("1", "2", "3"):
            level += ".0"
        if level in MATURITY_LEVELS:
            if level not in levels:
                levels.append(level)
            continue
        if level in (LS_NONE, "null"):
            continue
        raise CorpusError(f"{where}: label '{raw}' is not in the codebook (known: {KNOWN})")
    if len(levels) > 1:
        raise CorpusError(f"{where}: more than one maturity level ({', '.join(levels)}); a passage has one or none")
    return tuple(t for t in THEMES if t in themes), (levels[0] if levels else None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "import"


class _Builder:
    """Collects imported examples: ids, sources, duplicate and conflict checks, schema validation."""

    def __init__(self, path: str, fmt: str):
        self.path = path
        self.fmt = fmt
        self.prefix = _slug(os.path.splitext(os.path.basename(path))[0])
        self.result = ImportResult([])
        self.by_key: dict[str, tuple[Example, str]] = {}
        self.by_id: dict[str, tuple[Example, str]] = {}

    def add(self, where: str, text, themes, maturity, carrier, tool_meta: dict) -> None:
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{where}: no passage text (a non-empty string 'text' is needed)")
        text = text.strip()
        carrier = carrier if isinstance(carrier, dict) else {}
        ident = carrier.get("id")
        if not (isinstance(ident, str) and ident.strip()):
            ident = f"{self.prefix}-{corpus_mod.text_hash(text)}"
        source = carrier.get("source")
        if not isinstance(source, str):
            source = f"{self.fmt}:{os.path.basename(self.path)}"
        if carrier:  # written by docscan: the corpus meta travels as it was (absent = none)
            meta = carrier.get("corpus_meta", {})
            if not isinstance(meta, dict):
                raise CorpusError(f"{where}: 'corpus_meta' must be an object")
        else:
            meta = {k: v for k, v in tool_meta.items() if v not in (None, "", [], {})}
        row = {"id": ident, "text": text, "themes": list(themes), "maturity": maturity, "source": source}
        if meta:
            row["meta"] = meta
        ex, problems = corpus_mod.parse_line(json.dumps(row, ensure_ascii=False), self.path, 0)
        if problems:
            raise CorpusError(f"{where}: {problems[0].message}")
        key = corpus_mod.text_key(text)
        if key in self.by_key:
            first, first_where = self.by_key[key]
            if set(first.themes) != set(ex.themes) or first.maturity != ex.maturity:
                raise CorpusError(
                    f"{where}: same text as {first_where} with different labels "
                    f"({_labels(ex) or 'none'} vs {_labels(first) or 'none'}); resolve the disagreement in the tool first"
                )
            self.result.merged += 1
            return
        if ex.id in self.by_id:
            raise CorpusError(f"{where}: id '{ex.id}' is already used by {self.by_id[ex.id][1]} for another text")
        self.by_key[key] = (ex, where)
        self.by_id[ex.id] = (ex, where)
        self.result.examples.append(ex)


# ---------------------------------------------------------------- reading


def _jsonl(path: str):
    with open_text(path) as fh:
        for n, obj in json_lines(fh, path, column=True):
            if not isinstance(obj, dict):
                raise CorpusError(f"{path}:{n}: a line must be a JSON object")
            yield f"{path}:{n}", obj


def read_prodigy(path: str) -> ImportResult:
    b = _Builder(path, "prodigy")
    for where, task in _jsonl(path):
        answer = task.get("answer")
        if answer in ("reject", "ignore") or (answer is None and "accept" not in task):
            b.result.skipped += 1
            continue
        if answer != "accept" and answer is not None:
            raise CorpusError(f"{where}: unknown answer {json.dumps(answer)} (Prodigy writes accept, reject or ignore)")
        if "accept" not in task:
            hint = " (binary textcat with one 'label' per task is not supported; use a choice recipe with options)" if "label" in task else ""
            raise CorpusError(f"{where}: no 'accept' list of chosen options{hint}")
        if task.get("spans"):
            raise CorpusError(f"{where}: span annotations do not map onto passage labels")
        themes, maturity = map_labels(task["accept"], where)
        meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
        carrier = meta if ("id" in meta and "source" in meta) else {}
        tool = {"tool": "prodigy", "annotator": task.get("_annotator_id") or task.get("_session_id")}
        if not carrier:
            tool.update(meta)
        b.add(where, task.get("text"), themes, maturity, carrier, tool)
    return b.result


def read_doccano(path: str) -> ImportResult:
    b = _Builder(path, "doccano")
    for where, task in _jsonl(path):
        if "label" in task:
            labels = task["label"]
        elif "labels" in task:
            labels = task["labels"]
        else:
            raise CorpusError(f"{where}: no 'label' list (doccano text classification export)")
        themes, maturity = map_labels(labels, where)
        meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
        carrier = meta if ("id" in meta and "source" in meta) else {}
        tool = {"tool": "doccano", "tool_id": task.get("id")}
        if not carrier:
            tool.update(meta)
            tool.update({k: v for k, v in task.items() if k not in ("id", "text", "label", "labels", "meta", "Comments")})
        b.add(where, task.get("text"), themes, maturity, carrier, tool)
    return b.result


def read_labelstudio(path: str) -> ImportResult:
    try:
        with open(path, encoding="utf-8") as fh:
            tasks = json.load(fh)
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found; check the path and try again") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(tasks, list):
        raise CorpusError(f"{path}: not a Label Studio JSON export (a list of tasks with 'data' and 'annotations' is expected)")
    b = _Builder(path, "labelstudio")
    for i, task in enumerate(tasks, start=1):
        where = f"{path}: task {i}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise CorpusError(f"{where}: not a task (an object with 'data' is expected)")
        if task.get("id") is not None:
            where += f" (id {task['id']})"
        data = task["data"]
        anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if not anns:
            b.result.skipped += 1
            continue
        ann = anns[-1]
        labels: list = []
        for r in ann.get("result") or []:
            if not isinstance(r, dict) or r.get("type") != "choices":
                kind = r.get("type") if isinstance(r, dict) else type(r).__name__
                raise CorpusError(f"{where}: a result of type '{kind}' does not map onto the codebook's labels (choices expected)")
            choices = (r.get("value") or {}).get("choices")
            if not isinstance(choices, list):
                raise CorpusError(f"{where}: a choices result without a 'choices' list")
            control = str(r.get("from_name", "")).lower()
            for c in choices:
                bare = c.strip().lower() if isinstance(c, str) else None
                if bare is not None and not bare.startswith("maturity") and (control == LS_MATURITY or bare in (*MATURITY_LEVELS, LS_NONE)):
                    labels.append(PREFIX + bare)
                else:
                    labels.append(c)
        themes, maturity = map_labels(labels, where)
        carrier = data.get("docscan") if isinstance(data.get("docscan"), dict) else {}
        tool = {"tool": "labelstudio", "tool_id": task.get("id"), "annotator": ann.get("completed_by")}
        if not carrier:
            tool.update({k: v for k, v in data.items() if k != "text"})
        b.add(where, data.get("text"), themes, maturity, carrier, tool)
    return b.result


READERS = {"prodigy": read_prodigy, "doccano": read_doccano, "labelstudio": read_labelstudio}


def read(path: str | os.PathLike, fmt: str) -> ImportResult:
    if fmt not in READERS:
        raise CorpusError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    return READERS[fmt](os.fspath(path))


# ---------------------------------------------------------------- writing


def to_prodigy(ex: Example) -> dict:
    options = [{"id": t, "text": t} for t in THEMES] + [{"id": PREFIX + m, "text": f"maturity {m}"} for m in MATURITY_LEVELS]
    return {
        "text": ex.text,
        "options": options,
        "accept": _labels(ex),
        "answer": "accept",
        "meta": _carrier(ex),
        "config": {"choice_style": "multiple"},
        "_view_id": "choice",
    }


def to_doccano(ex: Example) -> dict:
    return {"text": ex.text, "label": _labels(ex), "meta": _carrier(ex)}


def to_labelstudio(ex: Example, n: int) -> dict:
    result = []
    if ex.themes:
        result.append({"from_name": LS_THEMES, "to_name": "text", "type": "choices", "value": {"choices": list(ex.themes)}})
    result.append({"from_name": LS_MATURITY, "to_name": "text", "type": "choices", "value": {"choices": [ex.maturity or LS_NONE]}})
    return {"id": n, "data": {"text": ex.text, "docscan": _carrier(ex)}, "annotations": [{"result": result}], "predictions": []}


def labelstudio_config() -> str:
    """The Label Studio labelling configuration matching :func:`to_labelstudio`."""
    themes = "\n".join(f'    <Choice value="{t}"/>' for t in THEMES)
    levels = "\n".join(f'    <Choice value="{m}"/>' for m in (*MATURITY_LEVELS, LS_NONE))
    return f"""<View>
  <Text name="text" value="$text"/>
  <Header value="Themes"/>
  <Choices name="{LS_THEMES}" toName="text" choice="multiple">
{themes}
  </Choices>
  <Header value="Maturity"/>
  <Choices name="{LS_MATURITY}" toName="text" choice="single" required="true">
{levels}
  </Choices>
</View>
"""


def write(examples: list[Example], fmt: str, out: str | os.PathLike) -> int:
    """Write ``examples`` in ``fmt`` atomically; return the number written."""
    if fmt == "prodigy":
        return write_jsonl(out, (to_prodigy(ex) for ex in examples))
    if fmt == "doccano":
        return write_jsonl(out, (to_doccano(ex) for ex in examples))
    if fmt == "labelstudio":
        with atomic_writer(out) as fh:
            json.dump([to_labelstudio(ex, n) for n, ex in enumerate(examples, start=1)], fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        return len(examples)
    raise CorpusError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
