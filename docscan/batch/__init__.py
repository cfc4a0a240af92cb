"""The batch stage: many documents at once, into a results database and an overview page.

- :mod:`.inputs`: files, folders (recursively) and manifest CSVs to a list of documents;
- :mod:`.worker`: the per-document work done in a worker process (analyse, render);
- :mod:`.rows`: the database rows of one analysis, built in the worker without SQLAlchemy;
- :mod:`.preload`: warms a process (imports, NLP tables, model, a warm-up document);
  the fork server of the local pool preloads it, Dask workers can (``--preload``);
- :mod:`.executors`: a local process pool or a Dask distributed cluster;
- :mod:`.db`: the results database (SQLAlchemy; SQLite by default, PostgreSQL works);
- :mod:`.run`: the orchestration: skip what is stored, isolate failures, write
  each document's reports atomically and commit its rows in one transaction;
- :mod:`.overview`: ``index.html``, the self-contained overview of a batch.

The library entry points are :func:`docscan.api.run_batch` and
:func:`docscan.api.export_results`.
"""
