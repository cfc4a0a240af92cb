"""The orchestration of ``docscan batch``.

1. Expand the inputs (:mod:`.inputs`) and hash every file (SHA-256 of its bytes).
2. Skip a document whose content hash, model version and settings hash
   (:func:`docscan.config.settings_hash`) are stored in the database and
   whose two report files exist under ``DIR`` (unless ``force``);
   the same content met twice in one batch is analysed once.
3. Send the rest to the executor (:mod:`.executors`); for each finished
   document, in this process: write its HTML and JSON report atomically
   (temporary file and rename), *then* commit all its rows in one transaction.
   A failed document is recorded in ``errors`` with its message and the batch
   goes on (``fail_fast`` stops at the first).
4. Close the run row and write ``DIR/index.html`` (:mod:`.overview`).

Why this survives SIGKILL at any moment: a document counts as done only when
its rows are committed, which happens after its files are complete; a re-run
redoes anything not committed (overwriting its files atomically), the unique
key on (sha256, model) plus delete-and-insert in one transaction prevents
duplicate rows, and the temporary files of an interrupted write are removed at
the start of the next run (a lock on ``DIR`` keeps two batches from sharing it).
"""
from __future__ import annotations

import dataclasses
import os
import re
import time
import unicodedata
from collections.abc import Callable, Sequence

from ..config import load_config, settings_hash
from ..errors import BusyError, DocscanError, InputFileError
from ..extract import file_sha256
from ..io import atomic_writer
from .db import ResultsDB, default_url
from .executors import EXECUTORS, default_jobs, make_executor
from .inputs import InputDoc, collect_inputs
from .worker import Task

Progress = Callable[[int, int], None]

REPORTS_SUBDIR = "reports"
INDEX_NAME = "index.html"
LOCK_NAME = ".docscan-batch.lock"
# the temporary files of docscan.io.atomic_writer: ".<name>.<random>.tmp"
_TEMP_RE = re.compile(r"^\..+\.(html|json)\.[A-Za-z0-9_]+\.tmp$")


@dataclasses.dataclass
class ItemResult:
    """What happened to one input document in this run."""

    path: str
    name: str
    municipality: str | None = None
    year: int | None = None
    doctype: str | None = None
    sha256: str | None = None
    status: str = "pending"  # analysed, skipped, duplicate, failed, not_run
    document_id: int | None = None
    html_path: str | None = None
    json_path: str | None = None
    error: str | None = None
    error_type: str | None = None
    exit_code: int | None = None  # of a failure: docscan's exit code for this kind of problem
    seconds: float = 0.0
    duplicate_of: str | None = None


@dataclasses.dataclass
class BatchResult:
    run_id: int
    out_dir: str
    db_url: str  # password hidden
    index_path: str
    executor: str
    jobs: int
    items: list[ItemResult]
    seconds: float
    stopped: bool = False  # stopped early by fail_fast
    status: str = "running"  # finished, stopped (--fail-fast) or interrupted (Ctrl-C, a lost cluster, ...)
    workers: dict[str, int] = dataclasses.field(default_factory=dict)  # "host:pid" -> peak RSS bytes
    # seconds: prepare (inputs, hashes, lookups), start (executor start to first result),
    # analyse (executor start to last result), store (report files and rows, in this process), overview
    timings: dict[str, float] = dataclasses.field(default_factory=dict)

    def _n(self, *status: str) -> int:
        return sum(1 for i in self.items if i.status in status)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def analysed(self) -> int:
        return self._n("analysed")

    @property
    def skipped(self) -> int:
        return self._n("skipped", "duplicate")

    @property
    def duplicates(self) -> int:
        """Files whose content is another input's (counted in ``skipped``)."""
        return self._n("duplicate")

    @property
    def failed(self) -> int:
        return self._n("failed")

    @property
    def not_run(self) -> int:
        return self._n("not_run")

    @property
    def failures(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "failed"]


def report_paths(out_dir: str, path: str, sha256: str) -> tuple[str, str]:
    """``DIR/reports/<name>-<hash>.html`` and ``.json``: stable across runs, unique per content."""
    stem = os.path.splitext(os.path.basename(path))[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-_")[:80] or "document"
    base = os.path.join(out_dir, REPORTS_SUBDIR, f"{safe}-{sha256[:10]}")
    return base + ".html", base + ".json"


def remove_partial_files(out_dir: str) -> list[str]:
    """Delete the temporary files an interrupted atomic write left under ``out_dir``."""
    removed = []
    for d in (out_dir, os.path.join(out_dir, REPORTS_SUBDIR)):
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for name in names:
            if _TEMP_RE.match(name):
                try:
                    os.unlink(os.path.join(d, name))
                    removed.append(os.path.join(d, name))
                except FileNotFoundError:
                    pass
    return removed


class _DirLock:
    """An exclusive lock on the output folder (released by the OS even on SIGKILL)."""

    def __init__(self, out_dir: str):
        self.path = os.path.join(out_dir, LOCK_NAME)
        self.fd: int | None = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on Unix
            return self
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputFileError(
                f"{os.path.dirname(self.path)}: cannot write in the output folder ({exc.strerror}); choose another --out"
            ) from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise BusyError(
                f"{os.path.dirname(self.path)}: another docscan batch is writing to this folder; "
                "wait for it to finish or choose another --out"
            ) from None
        return self

    def __exit__(self, *_):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        return False


def _item(doc: InputDoc) -> ItemResult:
    return ItemResult(path=doc.path, name=doc.name, municipality=doc.municipality, year=doc.year, doctype=doc.doctype)


def run_batch(
    inputs: Sequence[str | os.PathLike],
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
) -> BatchResult:
    """See :func:`docscan.api.run_batch`."""
    from .. import model as model_dir
    from .overview import write_overview

    t0 = time.perf_counter()
    if executor not in EXECUTORS:
        raise DocscanError(f"unknown executor '{executor}'; use one of {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise DocscanError("a scheduler address needs the Dask executor; add --executor dask")
    if jobs is not None and jobs < 1:
        raise DocscanError(f"--jobs must be at least 1, not {jobs}")
    cfg = config or load_config()
    docs = collect_inputs(inputs)
    model_path = model_dir.resolve(model)
    meta = model_dir.read_meta(model_path)
    out_dir = os.path.abspath(os.fspath(out_dir))
    try:
        os.makedirs(os.path.join(out_dir, REPORTS_SUBDIR), exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"{out_dir}: cannot create the output folder ({exc.strerror}); choose another --out") from None
    jobs = jobs or default_jobs()
    url = db_url or default_url(out_dir)
    report = progress or (lambda done, total: None)

    with _DirLock(out_dir):
        remove_partial_files(out_dir)
        db = ResultsDB.open(url)
        try:
            # workers on other machines resolve the model by name (their own models/ folder)
            worker_model = model if (executor == "dask" and scheduler) else model_path
            return _run(db, docs, inputs, out_dir, cfg, worker_model, meta, jobs, executor, scheduler, force, fail_fast, report, t0, write_overview)
        finally:
            db.close()


def _run(db, docs, inputs, out_dir, cfg, model_path, meta, jobs, executor, scheduler, force, fail_fast, report, t0, write_overview):
    import json

    model_name, model_version = str(meta["name"]), str(meta["version"])
    settings = settings_hash(cfg)
    run_id = db.start_run(
        model_name=model_name,
        model_version=model_version,
        out_dir=out_dir,
        executor=executor,
        jobs=jobs,
        force=bool(force),
        fail_fast=bool(fail_fast),
        inputs=json.dumps([os.fspath(i) for i in inputs], ensure_ascii=False),
    )
    items = [_item(d) for d in docs]
    total = len(items)
    done = 0
    stopped = False
    workers: dict[str, int] = {}
    result = BatchResult(run_id, out_dir, db.display, os.path.join(out_dir, INDEX_NAME), executor, jobs, items, 0.0)
    timings = result.timings

    def fail(it: ItemResult, error_type: str, message: str, exit_code: int = 1) -> None:
        it.status, it.error_type, it.error, it.exit_code = "failed", error_type, message, exit_code
        db.record_error(
            run_id,
            path=it.path,
            name=it.name,
            sha256=it.sha256,
            municipality=it.municipality,
            year=it.year,
            doctype=it.doctype,
            error_type=error_type,
            message=message,
            exit_code=exit_code,
        )

    status = "interrupted"
    try:
        # 1. hash
        for it in items:
            try:
                it.sha256 = file_sha256(it.path)
            except FileNotFoundError:
                fail(it, "InputFileError", f"{it.path}: file not found; check the path and try again", 3)
            except OSError as exc:
                fail(it, "InputFileError", f"{it.path}: cannot read the file ({exc.strerror}); check its permissions", 3)
            if it.status == "failed":
                done += 1
                report(done, total)
                if fail_fast:
                    stopped = True
                    break
        # 2. skip what is stored
        stored = db.find((i.sha256 for i in items if i.sha256), model_name, model_version)
        first: dict[str, ItemResult] = {}
        todo: list[ItemResult] = []
        seen: list[int] = []  # stored documents found again: current at their path
        for it in items:
            if it.status != "pending" or stopped:
                continue
            if it.sha256 in first:
                it.status, it.duplicate_of = "duplicate", first[it.sha256].path
                continue
            first[it.sha256] = it
            it.html_path, it.json_path = report_paths(out_dir, it.path, it.sha256)
            row = stored.get(it.sha256)
            same = row is not None and row.get("settings_hash") == settings
            if same and not force and os.path.isfile(it.html_path) and os.path.isfile(it.json_path):
                it.status, it.document_id = "skipped", row["id"]
                changes = {
                    k: v
                    for k, v in {
                        "path": it.path,
                        "name": it.name,
                        "html_path": it.html_path,
                        "json_path": it.json_path,
                        "municipality": it.municipality if it.municipality is not None else row["municipality"],
                        "year": it.year if it.year is not None else row["year"],
                        "doctype": it.doctype if it.doctype is not None else row["doctype"],
                    }.items()
                    if row[k] != v
                }
                db.update_document(row["id"], **changes)
                seen.append(row["id"])
            else:
                todo.append(it)
        db.mark_seen(seen, run_id)
        done += sum(1 for i in items if i.status in ("skipped", "duplicate"))
        report(done, total)

        timings["prepare"] = time.perf_counter() - t0
        # 3. analyse the rest
        if todo and not stopped:
            t_ex = time.perf_counter()
            timings["store"] = 0.0
            by_path = {it.path: it for it in todo}
            # largest files first: the long documents do not end up alone at the tail of the batch
            tasks = [
                Task(it.sha256, it.path, model_path, cfg, int(cfg.get("report", {}).get("max_evidence", 6)))
                for it in sorted(todo, key=_size, reverse=True)
            ]
            ex = make_executor(executor, min(jobs, len(tasks)) if executor == "local" else jobs, model_path, scheduler)
            try:
                for task, outcome in ex.imap_unordered(tasks):
                    it = by_path[task.path]
                    it.seconds = float(outcome.get("seconds") or 0.0)
                    if outcome.get("pid") is not None:
                        key = f"{outcome.get('host', '')}:{outcome['pid']}"
                        workers[key] = max(workers.get(key, 0), int(outcome.get("peak_rss") or 0))
                    if "start" not in timings:
                        timings["start"] = time.perf_counter() - t_ex
                        # when the workers could take documents: the first result less its own analysis
                        timings["ready"] = max(0.0, timings["start"] - it.seconds)
                    if outcome["ok"] and (outcome.get("model_name"), outcome.get("model_version")) != (model_name, model_version):
                        outcome = {
                            "ok": False,
                            "error_type": "ModelError",
                            "exit_code": 7,
                            "message": f"{it.path}: the worker used model {outcome.get('model_name')} "
                            f"{outcome.get('model_version')}, not {model_name} {model_version}; install the same model on every worker",
                        }
                    if outcome["ok"]:
                        t_st = time.perf_counter()
                        _store(db, it, outcome, run_id, model_name, model_version, settings, out_dir)
                        timings["store"] += time.perf_counter() - t_st
                    else:
                        fail(it, outcome["error_type"], outcome["message"], int(outcome.get("exit_code") or 1))
                    done += 1
                    report(done, total)
                    if fail_fast and it.status == "failed":
                        stopped = True
                        break
            except BaseException:
                ex.close(kill=True)
                raise
            timings["analyse"] = time.perf_counter() - t_ex
            ex.close(kill=stopped)  # an interrupt while the workers exit kills them instead
        # 4. duplicates share the result of their first copy (the rest becomes "not_run" below)
        for it in items:
            if it.status == "duplicate":
                orig = next(i for i in items if i.path == it.duplicate_of)
                if orig.status == "failed":
                    fail(
                        it,
                        orig.error_type or "Error",
                        f"{it.path}: same content as {orig.path}, which failed: {orig.error}",
                        orig.exit_code or 1,
                    )
                elif orig.status in ("analysed", "skipped"):
                    it.document_id, it.html_path, it.json_path = orig.document_id, orig.html_path, orig.json_path
        status = "stopped" if stopped else "finished"
    finally:
        for it in items:
            if it.status in ("pending", "duplicate") and it.document_id is None:
                it.status = "not_run"
        result.seconds = time.perf_counter() - t0
        result.stopped = stopped
        result.status = status
        result.workers = workers
        try:
            db.finish_run(
                run_id,
                status=status,
                total=total,
                analysed=result.analysed,
                skipped=result.skipped,
                failed=result.failed,
                seconds=round(result.seconds, 3),
            )
            t_ov = time.perf_counter()
            write_overview(db, result, model_name, model_version)
            timings["overview"] = time.perf_counter() - t_ov
        except Exception:  # do not hide the original error of an interrupted run
            if status != "interrupted":
                raise
    result.seconds = time.perf_counter() - t0
    return result


def _size(it: ItemResult) -> int:
    try:
        return os.path.getsize(it.path)
    except OSError:
        return 0


def _store(
    db: ResultsDB, it: ItemResult, outcome: dict, run_id: int, model_name: str, model_version: str, settings: str, out_dir: str
) -> None:
    """Report files first (atomically), then all rows in one transaction."""
    from .db import now

    sha = outcome.get("sha256") or it.sha256
    if sha != it.sha256:  # the file changed since it was hashed: store what was analysed
        it.sha256 = sha
        it.html_path, it.json_path = report_paths(out_dir, it.path, sha)
    with atomic_writer(it.html_path) as fh:
        fh.write(outcome["html"])
    with atomic_writer(it.json_path) as fh:
        fh.write(outcome["json"])
    rows = outcome["rows"]
    doc = dict(
        rows["document"],
        sha256=sha,
        model_name=model_name,
        model_version=model_version,
        settings_hash=settings,
        path=it.path,
        name=it.name,
        municipality=it.municipality,
        year=it.year,
        doctype=it.doctype,
        html_path=it.html_path,
        json_path=it.json_path,
        run_id=run_id,
        seen_run_id=run_id,
        created_at=now(),
        seconds=round(float(outcome.get("seconds") or 0.0), 3),
    )
    it.document_id = db.store(doc, rows, replace=True)
    it.status = "analysed"
