"""The library API: one plain function per CLI command.

Each function returns data and prints nothing; errors are raised as
:mod:`docscan.errors` types. :mod:`docscan.cli` only parses options, calls one
of these and prints the result.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

from .config import load_config
from .types import Document

Progress = Callable[[int, int], None]


def extract_document(
    path: str | os.PathLike,
    *,
    password: str | None = None,
    ocr: str | None = None,
    config: dict | None = None,
    progress: Progress | None = None,
    check_language: bool = True,
) -> Document:
    """Extract the passages of a PDF and check that it is Dutch.

    A document that is not Dutch gets a warning in ``Document.warnings``
    (the models are trained on Dutch), not an error.
    """
    from . import extract as _extract

    cfg = (config or load_config())["extract"]
    doc = _extract.extract(
        path,
        password=password,
        ocr=ocr or cfg["ocr"],
        max_words=int(cfg["max_words"]),
        target_words=int(cfg["target_words"]),
        progress=progress,
    )
    if not check_language:
        return doc
    from . import nlp

    lang, warning = nlp.language_warning(p.text for p in doc.passages if p.kind != "heading")
    warnings = doc.warnings + ((warning,) if warning else ())
    return dataclasses.replace(doc, language=lang or None, warnings=warnings)


def passages_to_rows(doc: Document) -> list[dict]:
    return [p.to_dict() for p in doc.passages]


# ---------------------------------------------------------------- corpus, models


def validate_corpus(path: str = "corpus"):
    """(examples, problems) of a corpus folder or file; see :mod:`docscan.corpus`."""
    from . import corpus

    return corpus.validate(path)


def corpus_stats(path: str = "corpus"):
    from . import corpus

    return corpus.stats(corpus.load(corpus.corpus_files(path)))


def train_model(corpus: str = "corpus", out: str | None = None, **kwargs):
    """Train and save a model directory; see :func:`docscan.train.train`."""
    from .train import train

    return train(corpus, out, **kwargs)


def read_passages(lines, source: str = "<input>") -> list[tuple[str, str]]:
    """Parse classify input: JSON Lines with ``id`` and ``text``. Raises CorpusError naming the line."""
    from .errors import CorpusError
    from .io import json_lines

    out = []
    for n, obj in json_lines(lines, source, hint="; one JSON object per line is expected"):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise CorpusError(f"{source}:{n}: each line needs a string field 'text' (and an 'id')")
        out.append((str(obj.get("id", n)), obj["text"]))
    return out


def read_passages_from(path: str) -> list[tuple[str, str]]:
    """:func:`read_passages` of a file, or of standard input when ``path`` is ``-``."""
    import sys

    from .io import open_text

    if path == "-":
        return read_passages(sys.stdin, "<stdin>")
    with open_text(path) as fh:
        return read_passages(fh, path)


def classify_texts(items: list[tuple[str, str]], model: str | None = None, *, explain: bool = True):
    """Predictions for ``(id, text)`` pairs with the given (default: shipped) model."""
    from .classify import load_classifier

    clf = load_classifier(model)
    return clf.predict([t for _, t in items], [i for i, _ in items], explain=explain)


def evaluate(data: str, model: str | None = None) -> dict:
    """Per-label precision/recall/F1/support, averages and the maturity confusion matrix
    of a model on a labelled JSONL file (or folder)."""
    from . import corpus
    from .classify import load_classifier
    from .train import evaluate_model, make_data

    files = corpus.corpus_files(data)  # a folder or one file; InputFileError when neither
    examples = corpus.load(files)
    clf = load_classifier(model)
    result = evaluate_model(clf.model, clf.thresholds, clf.stance_threshold, make_data(examples, source=data))
    result["model"] = {"name": clf.meta["name"], "version": clf.meta["version"], "path": clf.path}
    result["data"] = {"path": data, "passages": len(examples)}
    return result


# ---------------------------------------------------------------- analyze


@dataclasses.dataclass
class Analysis:
    document: Document
    passages: list  # the classified passages (headings excluded), aligned with predictions
    predictions: list
    score: object  # DocumentScore
    timings: dict[str, float]  # seconds per stage: extract, classify, score


CLASSIFIED_KINDS = ("paragraph", "list_item", "table")


def analyze(
    path: str | os.PathLike,
    *,
    model: str | None = None,
    password: str | None = None,
    ocr: str | None = None,
    config: dict | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Extract, classify and score one PDF (no files written)."""
    import time

    from .classify import load_classifier
    from .score import score_document

    cfg = config or load_config()
    t0 = time.perf_counter()
    clf = load_classifier(model)
    t1 = time.perf_counter()
    warm = _warm_up_in_background()  # tokenizer, lemma table, word lists load while PDFium reads
    doc = extract_document(path, password=password, ocr=ocr, config=cfg, progress=progress)
    warm.join()
    t2 = time.perf_counter()
    passages = [p for p in doc.passages if p.kind in CLASSIFIED_KINDS]
    preds = clf.predict([p.text for p in passages], [p.id for p in passages])
    t3 = time.perf_counter()
    if clf.warnings:
        doc = dataclasses.replace(doc, warnings=doc.warnings + tuple(clf.warnings))
    score = score_document(doc, passages, preds, clf.meta, cfg["score"])
    t4 = time.perf_counter()
    return Analysis(doc, passages, preds, score, {"model_load": t1 - t0, "extract": t2 - t1, "classify": t3 - t2, "score": t4 - t3})


def _warm_up_in_background():
    """Load the NLP resources in a thread; PDF reading (C code) runs beside it."""
    import threading

    def work():
        from . import nlp

        try:
            nlp.load_resources()
        except Exception:  # noqa: BLE001 - the foreground loads them again and reports errors
            pass

    t = threading.Thread(target=work, name="docscan-warm-up", daemon=True)
    t.start()
    return t


def check_outputs(source: str | os.PathLike, *outputs: tuple[str, str | os.PathLike | None]) -> None:
    """Refuse output paths that would overwrite the input or each other (before any work is done).

    ``outputs`` are ``(option, path)`` pairs such as ``("-o", "report.html")``;
    ``None`` and ``-`` (standard output) are skipped.
    """
    from .errors import UsageError
    from .io import is_special_file, same_file

    seen: list[tuple[str, str]] = []
    for option, path in outputs:
        if path is None or os.fspath(path) == "-" or is_special_file(os.fspath(path)):  # /dev/null may take both
            continue
        if same_file(path, source):
            raise UsageError(f"{path}: {option} names the input file itself, which would be overwritten; choose another {option}")
        for other_option, other in seen:
            if same_file(path, other):
                raise UsageError(f"{path}: {other_option} and {option} name the same file; give each its own path")
        seen.append((option, os.fspath(path)))


def default_report_path(pdf: str | os.PathLike, reports_dir: str = "reports") -> str:
    stem = os.path.splitext(os.path.basename(os.fspath(pdf)))[0]
    return os.path.join(reports_dir, f"{stem}.html")


def analyze_to_report(
    path: str | os.PathLike,
    html_path: str | None = None,
    json_path: str | None = None,
    **kwargs,
) -> tuple[Analysis, str]:
    """:func:`analyze` and write the HTML (and optionally JSON) report; return the analysis and the HTML path."""
    import time

    from .report import write_report

    html_path = html_path or default_report_path(path)
    check_outputs(path, ("-o", html_path), ("--json", json_path))
    analysis = analyze(path, **kwargs)
    t = time.perf_counter()
    write_report(analysis.score, html_path, json_path)
    analysis.timings["render"] = time.perf_counter() - t
    return analysis, html_path


# ---------------------------------------------------------------- labelling, import and export


def label_session(
    source: str | os.PathLike,
    corpus: str | None = None,
    *,
    model: str | None = None,
    user: str | None = None,
    password: str | None = None,
    ocr: str | None = None,
    config: dict | None = None,
    progress: Progress | None = None,
):
    """A :class:`docscan.label.LabelSession` on a PDF or passages JSONL (default corpus: corpus/labelled/<stem>.jsonl)."""
    from .label import LabelSession

    return LabelSession(source, corpus, model=model, user=user, password=password, ocr=ocr, config=config, progress=progress)


def default_import_path(path: str | os.PathLike, corpus_dir: str = "corpus") -> str:
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return os.path.join(corpus_dir, f"{stem}.jsonl")


def import_corpus(path: str | os.PathLike, fmt: str, out: str | None = None, *, force: bool = False):
    """Convert an annotation tool's export (``prodigy``, ``doccano``, ``labelstudio``) into a corpus file.

    Returns ``(ImportResult, out_path, overlap)`` where ``overlap`` counts imported texts that
    already occur elsewhere in the output's corpus folder. Refuses to replace an existing file
    unless ``force``; the file is written atomically.
    """
    from . import corpus as corpus_mod
    from . import interchange
    from .errors import CorpusError
    from .io import write_jsonl
    from .label import corpus_root_of, known_hashes

    out = out or default_import_path(path)
    result = interchange.read(path, fmt)
    if os.path.exists(out) and not force:
        raise CorpusError(f"{out}: already exists; choose another -o or pass --force to replace it")
    existing = known_hashes(corpus_root_of(out), exclude=[out])
    overlap = sum(1 for ex in result.examples if corpus_mod.text_hash(ex.text) in existing)
    write_jsonl(out, (ex.to_dict() for ex in result.examples))
    return result, out, overlap


def export_corpus(corpus: str | os.PathLike, fmt: str, out: str | os.PathLike) -> int:
    """Write a (valid) corpus folder or file in an annotation tool's format; return the number of passages."""
    from . import corpus as corpus_mod
    from . import interchange

    if fmt not in interchange.FORMATS:
        from .errors import CorpusError

        raise CorpusError(f"unknown format '{fmt}' (known: {', '.join(interchange.FORMATS)})")
    examples = corpus_mod.load(corpus_mod.corpus_files(corpus))
    return interchange.write(examples, fmt, out)


# ---------------------------------------------------------------- batch


def run_batch(
    inputs,
    out_dir: str | os.PathLike,
    *,
    db_url: str | None = None,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    fail_fast: bool = False,
    model: str | None = None,
    config: dict | None = None,
    progress: Progress | None = None,
):
    """Analyse many PDFs: per-document HTML and JSON reports under ``out_dir``, all
    results in a database (default ``out_dir/results.sqlite``), and ``out_dir/index.html``.

    ``inputs`` are PDF files, folders (searched recursively) and manifest CSVs
    (``path`` and optional ``municipality``, ``year``, ``doctype``). Documents
    whose content hash and model version are stored already are skipped unless
    ``force``. Failed documents are recorded and the batch goes on (``fail_fast``
    stops at the first). ``executor`` is ``"local"`` (``jobs`` worker processes,
    default: the number of cores) or ``"dask"`` (``scheduler`` ``tcp://host:8786``,
    or a LocalCluster of ``jobs`` workers). Returns a
    :class:`docscan.batch.run.BatchResult`; does not raise for failed documents
    (check ``result.failed``).
    """
    from .batch.run import run_batch as _run_batch

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    return _run_batch(
        list(inputs),
        out_dir,
        db_url=db_url,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        force=force,
        fail_fast=fail_fast,
        model=model,
        config=config,
        progress=progress,
    )


EXPORT_FORMATS = ("csv", "json")


def export_results(db_url: str, fmt: str = "csv", *, superseded: bool = False) -> str:
    """The scores stored in a results database as CSV (one row per document) or JSON text.

    CSV columns: document facts, then ``<theme>_verdict`` and ``<theme>_score`` for
    every theme, then the maturity phase and shares. JSON: ``{"schema_version",
    "documents": [...], "failures": [...]}`` where failures are those of the latest run.
    Only the current content of each path is exported unless ``superseded``
    (then earlier contents of changed files come too, with ``current`` false).
    """
    from .batch.export import export_text

    return export_text(db_url, fmt, superseded=superseded)
