"""The work on one document, done in a worker process: analyse, render, build rows.

Workers never touch the output folder or the database: :func:`work` returns
the rendered HTML and JSON and the database rows as plain data, and the batch
process writes them (files first, atomically, then one transaction). So a
Dask worker on another machine needs no shared file system: with ``data``
the PDF's bytes travel with the task.

Each process loads the model once (:func:`docscan.classify.load_classifier`
is cached per process); :func:`warm` also loads the tokenizer, lemma table
and word lists so the first document is not slower than the others. With
the local pool that happens once, in the fork server, and every worker
starts from a copy (:mod:`docscan.batch.preload`).
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
MODEL_VAR = "DOCSCAN_PRELOAD_MODEL"  # the model docscan.batch.preload loads


@dataclasses.dataclass(frozen=True)
class Task:
    sha256: str
    path: str  # the document's path as the batch sees it
    model: str | None  # model directory or name (None: the default model)
    config: dict
    max_evidence: int = 6


# three pages of the example plan (prose, a two-column page, a ruled table): analysing them once
# imports and initialises every code path a document takes (PDFium, the model, Jinja2 templates,
# the featurizer's cache of common words), so the first real document is not slower than the rest
WARMUP_PDF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "warmup.pdf")
_warmed: set = set()  # the models this process has warmed up with


def one_thread_per_library() -> None:
    """Numeric libraries use one thread each (the pool is the parallelism); before NumPy is imported."""
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")


def warm(model: str | None) -> None:
    """Load the NLP tables and the model in this process by analysing the warm-up document, once."""
    from .. import nlp
    from ..config import load_config

    if model in _warmed:
        return
    nlp.load_resources()
    out = work(Task("", WARMUP_PDF, model, load_config()))
    if not out["ok"]:
        raise RuntimeError(f"the warm-up document failed: {out['message']}")
    _warmed.add(model)


def _watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Exit when the batch process is gone (e.g. killed with SIGKILL): no orphaned workers."""
    start_ppid = os.getppid()

    def loop():
        while True:
            time.sleep(interval)
            gone = os.getppid() != start_ppid
            if not gone:
                try:
                    os.kill(parent_pid, 0)
                except ProcessLookupError:
                    gone = True
                except PermissionError:  # pragma: no cover - pid reused by another user
                    gone = True
            if gone:
                os._exit(0)

    threading.Thread(target=loop, name="docscan-parent-watch", daemon=True).start()


def init_local_worker(parent_pid: int, model: str | None) -> None:
    """Initializer of the local process pool: one thread per library, parent watch, warm model."""
    one_thread_per_library()
    _watch_parent(parent_pid)
    try:
        warm(model)
    except Exception:  # noqa: BLE001 - a broken model is reported per document by work(), not as a dead pool
        pass


def _peak_rss() -> int:
    """Peak resident memory of this process in bytes."""
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # kilobytes on Linux
    except (ImportError, OSError):  # pragma: no cover - not on Linux
        return 0


def work(task: Task, data: bytes | None = None) -> dict:
    """Analyse one document; never raises for a document problem.

    Returns ``{"ok": True, "html", "json", "rows", "sha256", ...}`` or
    ``{"ok": False, "error_type", "message", "exit_code", ...}``, both with
    ``pid``, ``seconds`` and ``peak_rss`` of the worker.
    """
    import json
    import socket
    import tempfile

    from .. import api
    from ..errors import DocscanError, EncryptedPDFError
    from ..report import render_html, to_json
    from .rows import rows_from_analysis

    t0 = time.perf_counter()
    tmpdir = None
    path = task.path
    try:
        if data is not None:
            tmpdir = tempfile.mkdtemp(prefix="docscan-batch-")
            path = os.path.join(tmpdir, os.path.basename(task.path) or "document.pdf")
            with open(path, "wb") as fh:
                fh.write(data)
        analysis = api.analyze(path, model=task.model, config=task.config)
        if path != task.path:
            doc = dataclasses.replace(analysis.document, path=task.path)
            score = dataclasses.replace(analysis.score, path=task.path)
            analysis = dataclasses.replace(analysis, document=doc, score=score)
        score = analysis.score
        html = render_html(score, max_evidence=task.max_evidence)
        payload = json.dumps(to_json(score), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        out = {
            "ok": True,
            "sha256": analysis.document.sha256,
            "html": html,
            "json": payload,
            "rows": rows_from_analysis(analysis),
            "timings": dict(analysis.timings),
            "model_name": score.model.name,
            "model_version": score.model.version,
        }
    except DocscanError as exc:
        message = str(exc)
        if isinstance(exc, EncryptedPDFError):  # a batch has no --password: the file needs its own run
            message = f"{exc.problem}; analyse it on its own with 'docscan analyze FILE --password ...'"
        out = {"ok": False, "error_type": type(exc).__name__, "message": message, "exit_code": exc.exit_code}
    except MemoryError:
        out = {
            "ok": False,
            "error_type": "MemoryError",
            "message": f"{task.path}: out of memory while analysing it; run with fewer --jobs or split the file",
            "exit_code": 1,
        }
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        out = {
            "ok": False,
            "error_type": type(exc).__name__,
            "message": f"{task.path}: unexpected failure: {type(exc).__name__}: {exc} (please report it)",
            "exit_code": 1,
        }
    finally:
        if tmpdir is not None:
            import shutil

            shutil.rmtree(tmpdir, ignore_errors=True)
    if not out["ok"] and path != task.path:
        out["message"] = out["message"].replace(path, task.path)
    out.update(pid=os.getpid(), host=socket.gethostname(), seconds=time.perf_counter() - t0, peak_rss=_peak_rss())
    return out
