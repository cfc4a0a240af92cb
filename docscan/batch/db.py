"""The results database of ``docscan batch`` (SQLAlchemy 2 Core).

Tables: ``runs``, ``documents`` (one row per content hash and model:
path, municipality, year, doctype, report paths), ``passages``,
``predictions``, ``theme_scores``, ``maturity`` and ``errors`` (failed files
per run), plus ``schema_version``. An SQLite file by default; any SQLAlchemy
URL works, PostgreSQL is tested.

A document's rows are written in one transaction (:meth:`ResultsDB.store`),
and ``documents`` has a unique key on (sha256, model_name, model_version), so
a re-run after a crash never duplicates a row: a document is either fully in
the database or not at all.

A database written by a newer docscan (a higher :data:`SCHEMA_VERSION`) is
refused with a :class:`~docscan.errors.DatabaseError` instead of being
misread or damaged.
"""
from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from ..errors import DatabaseError
from ..types import MATURITY_LEVELS, THEMES
from .rows import LEVEL_COLS

#: Version of the table layout below; bump it (and add a migration) on every change.
SCHEMA_VERSION = 3
DEFAULT_DB_NAME = "results.sqlite"

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("docscan_version", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("status", String(16), nullable=False),  # running, finished, stopped (fail-fast), interrupted, killed
    Column("docscan_version", String(40), nullable=False),
    Column("model_name", String(200), nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("out_dir", Text, nullable=False),
    Column("executor", String(16), nullable=False),
    Column("jobs", Integer),
    Column("force", Boolean, nullable=False),
    Column("fail_fast", Boolean, nullable=False),
    Column("inputs", Text, nullable=False),  # JSON list of the INPUT arguments
    Column("total", Integer),
    Column("analysed", Integer),
    Column("skipped", Integer),
    Column("failed", Integer),
    Column("seconds", Float),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("model_name", String(200), nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("municipality", String(200)),
    Column("year", Integer),
    Column("doctype", String(200)),
    Column("title", Text),
    Column("pages", Integer, nullable=False),
    Column("language", String(16)),
    Column("passages", Integer, nullable=False),  # classified passages (headings excluded)
    Column("warnings", Text, nullable=False),  # JSON list
    Column("maturity_phase", String(64), nullable=False),
    Column("html_path", Text, nullable=False),
    Column("json_path", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("docscan_version", String(40), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("seconds", Float),  # analysis time in the worker
    Column("settings_hash", String(64)),  # docscan.config.settings_hash of the run (NULL: stored by schema 1)
    # the last run that found this content at ``path`` (analysed or skipped; NULL: not seen since schema 2).
    # Per path, the document with the latest one is current: an earlier content of a file that changed is not.
    Column("seen_run_id", Integer),
    UniqueConstraint("sha256", "model_name", "model_version", name="uq_documents_content_model"),
)

passages = Table(
    "passages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("passage_id", String(64), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("page", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("heading", Text, nullable=False),  # JSON list, outermost first
    Column("text", Text, nullable=False),
    UniqueConstraint("document_id", "passage_id", name="uq_passages_document_passage"),
)

predictions = Table(
    "predictions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("passage_id", String(64), nullable=False),
    *[Column(f"p_{t}", Float, nullable=False) for t in THEMES],
    Column("predicted_themes", Text, nullable=False),  # comma-separated, in THEMES order
    *[Column(f"m_{c}", Float, nullable=False) for c in LEVEL_COLS.values()],
    Column("predicted_maturity", String(8)),
    Column("evidence", Text, nullable=False),  # JSON: label -> terms
    UniqueConstraint("document_id", "passage_id", name="uq_predictions_document_passage"),
)

theme_scores = Table(
    "theme_scores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("theme", String(32), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("uncertain", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence_count", Integer, nullable=False),
    Column("evidence_ids", Text, nullable=False),  # JSON list of passage ids, strongest first
    Column("pages", Text, nullable=False),  # JSON list
    Column("sections", Integer, nullable=False),
    Column("spread", Float, nullable=False),
    Column("near_misses", Integer, nullable=False),
    UniqueConstraint("document_id", "theme", name="uq_theme_scores_document_theme"),
)

maturity = Table(
    "maturity",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("phase", String(64), nullable=False),
    Column("stance_passages", Integer, nullable=False),
    *[Column(f"count_{LEVEL_COLS[lvl]}", Integer, nullable=False) for lvl in MATURITY_LEVELS],
    *[Column(f"share_{LEVEL_COLS[lvl]}", Float, nullable=False) for lvl in MATURITY_LEVELS],
)

errors = Table(
    "errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64)),
    Column("municipality", String(200)),
    Column("year", Integer),
    Column("doctype", String(200)),
    Column("error_type", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("exit_code", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
)

Index("ix_documents_sha256", documents.c.sha256)
Index("ix_passages_document", passages.c.document_id)
Index("ix_predictions_document", predictions.c.document_id)
Index("ix_theme_scores_document", theme_scores.c.document_id)
Index("ix_errors_run", errors.c.run_id)

CHILD_TABLES = (passages, predictions, theme_scores, maturity)
DOCSCAN_TABLES = ("runs", "documents", "passages", "predictions", "theme_scores", "maturity", "errors")

# Migrations from version N to N + 1: functions taking a Connection.
def _add_settings_hash(conn) -> None:
    """1 -> 2: documents.settings_hash (old rows keep NULL, so they are analysed again once)."""
    conn.execute(text("ALTER TABLE documents ADD COLUMN settings_hash VARCHAR(64)"))


def _add_seen_run_id(conn) -> None:
    """2 -> 3: documents.seen_run_id (old rows keep NULL and count as seen in the run that stored them)."""
    conn.execute(text("ALTER TABLE documents ADD COLUMN seen_run_id INTEGER"))


#: upgrade steps: MIGRATIONS[v] turns schema version v into v + 1
MIGRATIONS: dict[int, object] = {1: _add_settings_hash, 2: _add_seen_run_id}


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def default_url(out_dir: str | os.PathLike) -> str:
    """The default database of a batch: ``sqlite:///DIR/results.sqlite`` (absolute path)."""
    return "sqlite:///" + os.path.abspath(os.path.join(os.fspath(out_dir), DEFAULT_DB_NAME))


def masked(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):
        return str(url)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


class ResultsDB:
    """An open results database. Every method raises :class:`DatabaseError` on trouble."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url
        self.display = masked(url)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> ResultsDB:
        """Connect, check the schema version, and (with ``create``) create missing tables."""
        display = masked(url)
        try:
            parsed = make_url(url)
        except (sa_exc.ArgumentError, ValueError):
            raise DatabaseError(
                f"{url}: not a database URL; use e.g. sqlite:///results.sqlite or postgresql+psycopg://user@host/db"
            ) from None
        kwargs: dict = {}
        if parsed.get_backend_name() == "sqlite":
            db_file = parsed.database
            if db_file and db_file != ":memory:":
                if not create and not os.path.exists(db_file):
                    raise DatabaseError(f"{db_file}: no results database there; run 'docscan batch' first or check --db/--out")
                if create:
                    folder = os.path.dirname(os.path.abspath(db_file))
                    try:
                        os.makedirs(folder, exist_ok=True)
                    except OSError as exc:
                        raise DatabaseError(f"{folder}: cannot create the database's folder ({exc.strerror}); check --db") from None
            kwargs["connect_args"] = {"timeout": 60}
        try:
            engine = create_engine(parsed, **kwargs)
        except (ImportError, sa_exc.NoSuchModuleError, sa_exc.ArgumentError) as exc:
            hint = "pip install 'psycopg[binary]'" if parsed.get_backend_name() == "postgresql" else "install its driver"
            raise DatabaseError(f"{display}: the database driver is not available ({_first_line(exc)}); {hint}") from None
        if engine.dialect.name == "sqlite":

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

        db = cls(engine, url)
        try:
            db._prepare(create)
        except DatabaseError:
            engine.dispose()
            raise
        except sa_exc.SQLAlchemyError as exc:
            engine.dispose()
            raise DatabaseError(
                f"{display}: cannot use the results database ({_first_line(exc)}); check the URL and that the server runs"
            ) from None
        return db

    def _prepare(self, create: bool) -> None:
        with self.engine.begin() as conn:
            names = set(inspect(conn).get_table_names())
            if "schema_version" in names:
                row = conn.execute(select(schema_version.c.version, schema_version.c.docscan_version)).first()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise DatabaseError(
                        f"{self.display}: written by a newer docscan ({row[1]}, results schema version {version}; "
                        f"this docscan reads up to version {SCHEMA_VERSION}); upgrade docscan or use another --db"
                    )
                if version < SCHEMA_VERSION:
                    if not create:
                        raise DatabaseError(
                            f"{self.display}: results schema version {version} is older than {SCHEMA_VERSION}; "
                            "run 'docscan batch' once to upgrade it"
                        )
                    self._migrate(conn, version)
                elif create:
                    metadata.create_all(conn, checkfirst=True)
                return
            if names & set(DOCSCAN_TABLES):
                raise DatabaseError(
                    f"{self.display}: has tables named like docscan's but no schema_version table; "
                    "it is not a docscan results database, use another --db"
                )
            if not create:
                raise DatabaseError(f"{self.display}: not a docscan results database (no tables); run 'docscan batch' first")
            metadata.create_all(conn, checkfirst=True)
            self._set_version(conn)

    def _migrate(self, conn, version: int) -> None:
        for v in range(version, SCHEMA_VERSION):
            step = MIGRATIONS.get(v)
            if step is None:
                raise DatabaseError(f"{self.display}: no upgrade from results schema version {v}; use another --db")
            step(conn)  # type: ignore[operator]
        metadata.create_all(conn, checkfirst=True)
        self._set_version(conn)

    @staticmethod
    def _set_version(conn) -> None:
        from .. import __version__

        conn.execute(delete(schema_version))
        conn.execute(insert(schema_version).values(id=1, version=SCHEMA_VERSION, docscan_version=__version__, updated_at=now()))

    def close(self) -> None:
        self.engine.dispose()

    def _fail(self, exc: Exception, doing: str) -> DatabaseError:
        return DatabaseError(f"{self.display}: {doing} failed ({_first_line(exc)}); the documents stored so far are kept")

    # ------------------------------------------------------------ runs

    def start_run(self, **fields) -> int:
        from .. import __version__

        values = dict(started_at=now(), status="running", docscan_version=__version__, **fields)
        try:
            with self.engine.begin() as conn:
                # the caller holds the output folder's lock: a run there that is still "running" was killed
                conn.execute(
                    update(runs).where((runs.c.status == "running") & (runs.c.out_dir == values["out_dir"])).values(status="killed")
                )
                return int(conn.execute(insert(runs).values(**values)).inserted_primary_key[0])
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "starting the run") from None

    def finish_run(self, run_id: int, **fields) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=now(), **fields))
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "closing the run") from None

    def record_error(self, run_id: int, **fields) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(errors).values(run_id=run_id, created_at=now(), **fields))
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "recording a failed document") from None

    # ------------------------------------------------------------ documents

    def find(self, shas: Iterable[str], model_name: str, model_version: str) -> dict[str, dict]:
        """Stored documents for these content hashes and this model: sha256 -> row."""
        shas = sorted(set(shas))
        out: dict[str, dict] = {}
        try:
            with self.engine.connect() as conn:
                for i in range(0, len(shas), 500):
                    q = select(documents).where(
                        documents.c.sha256.in_(shas[i : i + 500]),
                        documents.c.model_name == model_name,
                        documents.c.model_version == model_version,
                    )
                    for row in conn.execute(q).mappings():
                        out[row["sha256"]] = dict(row)
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "looking up stored documents") from None
        return out

    def update_document(self, doc_id: int, **fields) -> None:
        if not fields:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(update(documents).where(documents.c.id == doc_id).values(**fields))
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "updating a document's metadata") from None

    def mark_seen(self, doc_ids: list[int], run_id: int) -> None:
        """Record that run ``run_id`` found these stored documents again (one transaction)."""
        if not doc_ids:
            return
        try:
            with self.engine.begin() as conn:
                for i in range(0, len(doc_ids), 500):
                    chunk = doc_ids[i : i + 500]
                    conn.execute(update(documents).where(documents.c.id.in_(chunk)).values(seen_run_id=run_id))
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "recording the documents found again") from None

    def store(self, doc: dict, rows: dict, *, replace: bool) -> int | None:
        """Insert one document with its passages, predictions, theme scores and maturity
        in a single transaction; return its id.

        With ``replace``, an existing row for the same content and model (and its
        children) is deleted first, in the same transaction. Without it, a row that
        is already there (stored by a concurrent run) wins and ``None`` is returned.
        """
        key = (documents.c.sha256 == doc["sha256"]) & (documents.c.model_name == doc["model_name"]) & (
            documents.c.model_version == doc["model_version"]
        )
        try:
            with self.engine.begin() as conn:
                old = conn.execute(select(documents.c.id).where(key)).scalars().all()
                if old and not replace:
                    return None
                for doc_id in old:
                    for table in CHILD_TABLES:
                        conn.execute(delete(table).where(table.c.document_id == doc_id))
                    conn.execute(delete(documents).where(documents.c.id == doc_id))
                doc_id = int(conn.execute(insert(documents).values(**doc)).inserted_primary_key[0])
                for table, name in ((passages, "passages"), (predictions, "predictions"), (theme_scores, "themes")):
                    items = [{**r, "document_id": doc_id} for r in rows[name]]
                    if items:
                        conn.execute(insert(table), items)
                conn.execute(insert(maturity).values(document_id=doc_id, **rows["maturity"]))
                return doc_id
        except sa_exc.IntegrityError as exc:
            if replace:
                raise self._fail(exc, f"storing {doc['name']}") from None
            return None  # a concurrent run stored the same document first
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, f"storing {doc['name']}") from None

    def theme_rows(self, doc_ids: Iterable[int]) -> dict[int, dict[str, dict]]:
        """document id -> theme -> theme score row."""
        ids = sorted(set(doc_ids))
        out: dict[int, dict[str, dict]] = {}
        try:
            with self.engine.connect() as conn:
                for i in range(0, len(ids), 500):
                    q = select(theme_scores).where(theme_scores.c.document_id.in_(ids[i : i + 500]))
                    for row in conn.execute(q).mappings():
                        out.setdefault(row["document_id"], {})[row["theme"]] = dict(row)
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "reading theme scores") from None
        return out

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and diagnostics)."""
        with self.engine.connect() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (runs, documents, passages, predictions, theme_scores, maturity, errors)
            }

    # ------------------------------------------------------------ export

    def export(self, *, superseded: bool = False) -> dict:
        """The current stored documents with their scores and maturity, and the failures of the latest run.

        A document is current when no other stored document was seen later at
        the same path (see ``documents.seen_run_id``): after a file changes,
        its earlier content is superseded. With ``superseded`` those rows are
        included too. Every row gets ``current`` (True/False).
        """
        try:
            with self.engine.connect() as conn:
                docs = [dict(r) for r in conn.execute(select(documents).order_by(documents.c.path, documents.c.id)).mappings()]
                latest: dict[str, tuple[int, int]] = {}
                for d in docs:
                    seen = (d["seen_run_id"] or d["run_id"], d["id"])
                    latest[d["path"]] = max(latest.get(d["path"], seen), seen)
                for d in docs:
                    d["current"] = latest[d["path"]] == (d["seen_run_id"] or d["run_id"], d["id"])
                if not superseded:
                    docs = [d for d in docs if d["current"]]
                themes: dict[int, dict[str, dict]] = {}
                for r in conn.execute(select(theme_scores)).mappings():
                    themes.setdefault(r["document_id"], {})[r["theme"]] = dict(r)
                mats = {r["document_id"]: dict(r) for r in conn.execute(select(maturity)).mappings()}
                last = conn.execute(select(func.max(runs.c.id))).scalar()
                fails = []
                if last is not None:
                    fails = [
                        dict(r)
                        for r in conn.execute(select(errors).where(errors.c.run_id == last).order_by(errors.c.path)).mappings()
                    ]
        except sa_exc.SQLAlchemyError as exc:
            raise self._fail(exc, "reading the results") from None
        return {"documents": docs, "themes": themes, "maturity": mats, "failures": fails, "run_id": last}
