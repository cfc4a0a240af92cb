"""Warm docscan once, then fork warm workers.

Importing this module loads everything a worker needs for its first
document: the libraries (spaCy, NumPy, SciPy, PDFium, Jinja2), the
tokenizer, lemma table and word lists, and the model named in
``DOCSCAN_PRELOAD_MODEL`` (default: the shipped model); then it analyses a
three-page warm-up document so every code path is initialised. That takes
about 1.4 s.

- The local pool (``docscan batch --jobs N``) names this module as the
  preload of multiprocessing's fork server
  (:func:`docscan.batch.executors.start_fork_server`). The
  server imports it once and forks each worker from itself, so a worker is
  ready in milliseconds whatever N is, and the N workers share the loaded
  tables copy-on-write instead of holding N copies.
- On a Dask cluster start the workers with
  ``dask worker tcp://scheduler:8786 --preload docscan.batch.preload`` so each
  worker is warm before its first task (:func:`dask_setup` is Dask's hook).

Nothing here may fail the importer: an error is kept in :data:`ERROR` and
the worker loads what it needs on first use, which reports any problem per
document.
"""
from __future__ import annotations

import os

from . import worker

ERROR: str | None = None


def _warm() -> None:
    global ERROR
    worker.one_thread_per_library()
    try:
        worker.warm(os.environ.get(worker.MODEL_VAR) or None)
    except Exception as exc:  # noqa: BLE001 - see the module docstring
        ERROR = f"{type(exc).__name__}: {exc}"


_warm()


def dask_setup(worker=None) -> None:  # Dask's preload hook; the import did the work
    """Dask calls this after importing the module as a worker preload."""
