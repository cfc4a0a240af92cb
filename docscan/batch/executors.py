"""Where the per-document work runs: a local process pool or a Dask distributed cluster.

Both executors offer the same small interface::

    with make_executor("local", jobs=2, model=path) as ex:
        for task, outcome in ex.imap_unordered(tasks):
            ...

``outcome`` is the dict returned by :func:`docscan.batch.worker.work`; a
worker that dies (a crash in a PDF library, the out-of-memory killer) becomes
a failure outcome for the document it was working on, and the batch goes on.
At most ``window`` tasks are in flight, so a large batch does not queue
everything at once and a stop (``--fail-fast``, Ctrl-C) loses little work.
"""
from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import ClusterError, DocscanError
from .worker import MODEL_VAR, THREAD_VARS, Task, init_local_worker, work

EXECUTORS = ("local", "dask")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _failure(task: Task, error_type: str, message: str) -> dict:
    return {"ok": False, "error_type": error_type, "message": message, "exit_code": 1, "pid": None, "seconds": 0.0, "peak_rss": 0}


@contextlib.contextmanager
def _environ(values: dict[str, str]):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def start_fork_server(ctx, model: str | None, also: Sequence[str] = ()) -> bool:
    """Start the fork server of ``ctx`` preloading :mod:`docscan.batch.preload`; False if one already runs.

    The server starts in the background (this returns at once), loads docscan
    and the model once, and forks every worker from itself: workers are ready
    in milliseconds and share the loaded tables copy-on-write. It inherits
    the environment of this moment: one thread per numeric library and the
    model to load. ``also`` names more modules to preload (``distributed``
    for Dask's workers). A server that already runs (started earlier in this
    process) is left alone; its workers then warm up on their own.

    The server and its workers ignore Ctrl-C (SIGINT, which a terminal sends
    to the whole process group): the batch process handles it and stops
    them, so an interrupted batch prints one line, not a traceback from
    every worker. An ignored signal stays ignored across ``exec``, so this
    holds from the server's first instruction, during the preload too.
    """
    import signal
    import threading
    from multiprocessing import forkserver

    server = forkserver._forkserver  # the one server behind every forkserver context
    if getattr(server, "_forkserver_pid", None) is not None:
        return False
    ctx.set_forkserver_preload(["__main__", *also, "docscan.batch.preload"])
    env = {var: os.environ.get(var, "1") for var in THREAD_VARS}
    if model:
        env[MODEL_VAR] = os.fspath(model)
    # ignored here for the few milliseconds of the server's start, so that it inherits "ignored"
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        with _environ(env):
            forkserver.ensure_running()
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, old)
    return True


def stop_fork_server() -> None:
    """SIGKILL the fork server and every process it forked, then forget it (the next pool starts a new one).

    Used when a batch is interrupted or stopped: a worker that the server
    has yet to fork (the server may still be preloading) or that is half-way
    through its start is not in the pool's list, and left alone it would
    print a traceback once this process's semaphores are gone. The server is
    stopped (SIGSTOP) first, so it forks nothing more while its children are
    found and killed, and then killed itself. Children are found
    in ``/proc`` (Linux); elsewhere only the server is stopped.
    """
    import signal
    from multiprocessing import forkserver

    server = forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    try:
        # stopped, it forks no more, and its children stay its children (a killed server's are handed to init)
        os.kill(pid, signal.SIGSTOP)
    except OSError:  # already gone
        pass
    if os.path.isdir("/proc"):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                if ppid == pid:
                    os.kill(int(entry), signal.SIGKILL)
            except (OSError, ValueError, IndexError):  # gone meanwhile
                continue
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # already gone
        pass
    stop = getattr(server, "_stop", None)  # reaps the server and resets multiprocessing's record of it
    if stop is not None:
        try:
            stop()
        except OSError:  # pragma: no cover - already reaped
            pass


class LocalExecutor:
    """A pool of worker processes on this machine (``--jobs N``), each loading the model once."""

    name = "local"

    def __init__(self, jobs: int, model: str | None, *, fn=work):
        self.jobs = max(1, int(jobs))
        self.model = model
        self.fn = fn
        self.window = 2 * self.jobs
        methods = multiprocessing.get_all_start_methods()
        # forkserver: workers do not inherit the batch process's threads (progress bar) or open connections
        self._ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._ctx.get_start_method() == "forkserver":
            start_fork_server(self._ctx, self.model)
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=self._ctx,
            initializer=init_local_worker,
            initargs=(os.getpid(), self.model),
        )

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        self.close(kill=exc_type is not None)
        return False

    def imap_unordered(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict]]:
        pending = collections.deque(tasks)
        suspects: collections.deque[Task] = collections.deque()  # in flight when a worker died
        running: dict = {}
        if self._pool is None and pending:
            self._pool = self._new_pool()
        while pending or suspects or running:
            # after a crash, the suspects run one at a time so the culprit is known
            if suspects and not running:
                t = suspects.popleft()
                running[self._pool.submit(self.fn, t)] = (t, True)
            while not suspects and pending and len(running) < self.window:
                t = pending.popleft()
                running[self._pool.submit(self.fn, t)] = (t, False)
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                task, alone = running.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        yield task, _failure(
                            task,
                            "WorkerDied",
                            f"{task.path}: the worker process died while analysing this file (a crash in a PDF "
                            "library or out of memory); check the file or run it alone with 'docscan analyze'",
                        )
                    else:
                        suspects.append(task)
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
                    outcome = _failure(task, type(exc).__name__, f"{task.path}: the worker failed: {exc}")
                yield task, outcome
            if broken:
                for task, _alone in running.values():
                    suspects.append(task)
                running.clear()
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = self._new_pool()

    def close(self, kill: bool = False) -> None:
        """Stop the pool: let the workers finish and exit, or (``kill``) SIGKILL them and the fork server.

        A graceful close that is itself interrupted (Ctrl-C while the workers
        exit) falls back to killing, so no worker or pool thread is left
        behind to keep the process from exiting.
        """
        pool = self._pool
        if pool is None:
            return
        try:
            if kill:
                self._kill(pool)
            else:
                try:
                    pool.shutdown(wait=True)
                except BaseException:
                    self._kill(pool)
                    raise
        finally:
            self._pool = None

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            try:
                p.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass
        if self._ctx.get_start_method() == "forkserver":
            stop_fork_server()
        for p in procs:
            p.join(timeout=5)


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold Ctrl-C (SIGINT) back until the block is done, then deliver it.

    A Dask LocalCluster cut short half-way through its start leaves nannies,
    worker processes and exit handlers in states that each print a
    traceback. Starting one takes a second or two, so an interrupt waits
    until the cluster is up and is then handled like any other: the cluster
    is closed and the batch ends with one line. Python runs signal handlers
    in the main thread, so this works from there only (elsewhere nothing is
    deferred).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if received:
            raise KeyboardInterrupt


class DaskExecutor:
    """The same work on a Dask distributed cluster.

    With ``scheduler`` (``tcp://host:8786``) an existing cluster is used; without
    it a :class:`distributed.LocalCluster` of ``jobs`` single-threaded worker
    processes is started and stopped. With a scheduler the PDF's bytes travel
    with each task (scattered to a worker first), so the workers need docscan
    and the same model, but no shared file system; a LocalCluster reads the
    files itself.
    """

    name = "dask"

    def __init__(self, jobs: int, model: str | None, scheduler: str | None = None, *, fn=work):
        self.model = model
        self.fn = fn
        self.cluster = None
        self.client = None
        # a LocalCluster shares this machine's files: send paths; a remote cluster gets the bytes
        self.send_bytes = bool(scheduler)
        try:
            with _ctrl_c_deferred():  # Ctrl-C during the start is handled once the cluster is up
                self._start(jobs, model, scheduler)
        except BaseException:
            self.close()
            raise
        threads = sum(self.client.nthreads().values()) or max(1, int(jobs))
        self.window = max(2, 2 * threads)
        self._futures: list = []

    def _start(self, jobs: int, model: str | None, scheduler: str | None) -> None:
        fork_server = not scheduler and "forkserver" in multiprocessing.get_all_start_methods()
        if fork_server:
            # the nannies fork their workers from the warm fork server, as the local pool does; it starts
            # loading now, while this process imports distributed (0.5 s) and starts the scheduler
            start_fork_server(multiprocessing.get_context("forkserver"), model, also=("distributed",))
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency of docscan
            raise DocscanError("the Dask executor needs the 'distributed' package; pip install distributed") from None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="10s", set_as_default=False)
            else:
                settings = {
                    # no statistical profiler in the workers: it samples the task thread every 10 ms
                    "distributed.worker.profile.enabled": False,
                    # send the window's tasks to the workers at once, so a worker never waits for the
                    # scheduler (in this process, beside the writing of results) between two documents
                    "distributed.scheduler.worker-saturation": float("inf"),
                    # slower monitoring (no dashboard is shown): an idle cluster of 2 workers then takes 2%
                    # of a core instead of 10%, which on a small machine comes out of the documents' time
                    "distributed.admin.system-monitor.interval": "2s",
                    "distributed.admin.tick.interval": "500ms",
                    "distributed.worker.memory.monitor-interval": "1s",
                }
                if fork_server:
                    settings["distributed.worker.multiprocessing-method"] = "forkserver"
                with dask.config.set(settings):
                    self.cluster = LocalCluster(
                        n_workers=max(1, int(jobs)),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            where = scheduler or "a local cluster"
            raise ClusterError(
                f"cannot reach the Dask scheduler at {where} ({exc}); start it with 'dask scheduler' and workers "
                "with 'dask worker ADDRESS', or leave out --scheduler for a local cluster"
            ) from None

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
        return False

    def _submit(self, task: Task):
        if not self.send_bytes:
            fut = self.client.submit(self.fn, task, pure=False, key=f"docscan-{task.sha256[:16]}-{os.urandom(4).hex()}")
            return (fut, None), None
        try:
            with open(task.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            return None, _failure(task, "InputFileError", f"{task.path}: cannot read the file ({exc.strerror}); check it")
        data_future = self.client.scatter(data, hash=False)
        fut = self.client.submit(self.fn, task, data_future, pure=False, key=f"docscan-{task.sha256[:16]}-{os.urandom(4).hex()}")
        return (fut, data_future), None

    def imap_unordered(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict]]:
        from distributed import as_completed

        pending = collections.deque(tasks)
        running: dict = {}
        ac = as_completed(loop=self.client.loop)

        def fill():
            failures = []
            while pending and len(running) < self.window:
                t = pending.popleft()
                handle, failed = self._submit(t)
                if failed is not None:
                    failures.append((t, failed))
                    continue
                running[handle[0]] = (t, handle[1])
                ac.add(handle[0])
            return failures

        yield from fill()
        while running:
            fut = next(ac)
            task, data_future = running.pop(fut)
            try:
                outcome = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connection, ...
                outcome = _failure(
                    task,
                    type(exc).__name__,
                    f"{task.path}: the Dask worker failed while analysing this file ({type(exc).__name__}: {exc})",
                )
            finally:
                fut.release()
                if data_future is not None:
                    data_future.release()
            yield task, outcome
            yield from fill()

    def close(self, kill: bool = False) -> None:
        try:
            if self.client is not None:
                self.client.close()
                self.client = None
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster = None


def make_executor(kind: str, jobs: int | None, model: str | None, scheduler: str | None = None):
    jobs = jobs or default_jobs()
    if kind == "local":
        return LocalExecutor(jobs, model)
    if kind == "dask":
        return DaskExecutor(jobs, model, scheduler)
    raise DocscanError(f"unknown executor '{kind}'; use one of {', '.join(EXECUTORS)}")
