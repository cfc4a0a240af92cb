"""Labelling passages of real documents with active learning (``docscan label``).

This is the library behind the terminal labeller; it does no terminal I/O
(:mod:`docscan.label_tui` draws the screen and reads the keys). A
:class:`LabelSession` takes a PDF (or a passages JSONL written by
``docscan extract``) and a corpus file, and offers the passages one at a time:

* **What is offered.** Paragraphs, list items and tables (headings are
  context, not passages; fragments under :data:`MIN_WORDS` words such as
  dates or page numbers are left out). A passage is not offered when its
  normalised text (:func:`docscan.corpus.text_hash`) is already in the
  corpus folder (``*.jsonl``, ``labelled/*.jsonl`` and ``heldout/*.jsonl``:
  a held-out test passage must never leak into training), was skipped
  before, or occurs earlier in the same document. The corpus folder is the
  parent of ``labelled/`` for the default corpus file, else the folder of
  the corpus file.
* **Active learning: most informative first.** Passages are ranked by the
  model's uncertainty (:func:`uncertainty`): the summed binary entropy of
  the six calibrated theme probabilities plus the entropy of the four-way
  maturity distribution (1.0 / 2.0 / 3.0 / none), in bits (0 = the model is
  sure about every label; at most 6 + 2 = 8). Ties keep document order. The
  ranking is computed once per session; retrain (``docscan train``) and
  start a new session to re-rank with the improved model.
* **Pre-selection.** The model's predicted labels (past its tuned
  thresholds) are selected when a passage appears; the trainer corrects them.

Nothing is lost, the corpus file is append-only
-----------------------------------------------
The corpus file (default ``corpus/labelled/<pdf-stem>.jsonl``) only ever
grows by :func:`docscan.io.append_jsonl` (one write, flushed and fsynced per
line) and every line in it is a final, valid corpus line: it is never
rewritten, truncated or replaced, and it never holds tombstones.

"Undo the last answer" is possible because the most recent answer is kept
*pending*: it is written at once, atomically, to a small sidecar
``<corpus>.pending`` (so it is on disk), and shown on screen as "last
answer"; the next answer (accept or skip), quitting, or Ctrl-C *commits* it
(appends it to the corpus file, or to ``<corpus>.skipped`` for a skip) and
the new answer becomes pending. Undo simply deletes the pending sidecar and
puts the passage back on screen with the labels it had. So, at every moment:

* every answer given is on disk, either as a corpus line or in the pending
  sidecar; a crash or ``kill -9`` loses at most the passage on screen;
* the corpus file lags the answers by at most one (the undoable one);
* a new session on the same corpus file restores the pending answer (still
  undoable) and commits it with the next answer; the commit is idempotent
  (an answer whose text is already in the corpus is not written twice).

Skips go to ``<corpus>.skipped``: append-only JSON lines (text hash, passage
id, document, page, who, when) so a skipped passage is not offered again.
The skipped file is also the session lock: two sessions cannot write the
same corpus file at once. Neither sidecar ends in ``.jsonl``, so training
(``corpus/*.jsonl``, ``corpus/labelled/*.jsonl``) never reads them.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import glob
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import corpus as corpus_mod
from .errors import CorpusError
from .io import append_jsonl, atomic_writer, json_lines, open_text
from .types import MATURITY_CLASSES, MATURITY_LEVELS, THEMES, Passage, Prediction

LABEL_KINDS = ("paragraph", "list_item", "table")  # headings are context, not passages
MIN_WORDS = 3  # shorter fragments (dates, page numbers, "Bijlage 2") are not offered
PENDING_SUFFIX = ".pending"
SKIPPED_SUFFIX = ".skipped"
CORPUS_GLOBS = ("*.jsonl", os.path.join("labelled", "*.jsonl"), os.path.join("heldout", "*.jsonl"))


# ---------------------------------------------------------------- ranking


def _h2(p: float) -> float:
    """Binary entropy in bits."""
    p = min(max(float(p), 1e-12), 1 - 1e-12)
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def uncertainty(pred: Prediction) -> float:
    """How unsure the model is about a passage, in bits.

    The summed binary entropy of the six theme probabilities (each theme is
    an independent yes/no decision) plus the entropy of the maturity
    distribution over 1.0 / 2.0 / 3.0 / none. 0 means sure about every label;
    a passage whose themes are all near 0.5 and whose maturity is a coin toss
    scores highest (at most 8).
    """
    themes = sum(_h2(pred.themes.get(t, 0.0)) for t in THEMES)
    probs = [max(float(pred.maturity.get(c, 0.0)), 0.0) for c in MATURITY_CLASSES]
    total = sum(probs) or 1.0
    mat = -sum((p / total) * math.log2(p / total) for p in probs if p > 0)
    return themes + mat


def rank(predictions: Sequence[Prediction]) -> list[int]:
    """Indices of ``predictions``, most informative (most uncertain) first; ties keep input order."""
    scores = [uncertainty(p) for p in predictions]
    return sorted(range(len(scores)), key=lambda i: (-round(scores[i], 9), i))


# ---------------------------------------------------------------- input


def read_passages_file(path: str) -> list[Passage]:
    """Passages from a JSONL file as ``docscan extract`` writes it (``id`` and ``text`` at least)."""
    out = []
    with open_text(path) as fh:
        for n, obj in json_lines(fh, path, hint="; one passage object per line is expected"):
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise CorpusError(f"{path}:{n}: each line needs a string field 'text' (as written by 'docscan extract')")
            obj.setdefault("id", f"l{n:04d}")
            try:
                out.append(Passage.from_dict(obj))
            except (TypeError, ValueError) as exc:
                raise CorpusError(f"{path}:{n}: not a passage ({exc})") from None
    return out


def labelable(passages: Sequence[Passage]) -> list[Passage]:
    """The passages worth labelling: no headings, no fragments under MIN_WORDS words."""
    return [p for p in passages if p.kind in LABEL_KINDS and len(p.text.split()) >= MIN_WORDS]


def default_corpus_path(source: str | os.PathLike, corpus_dir: str = "corpus") -> str:
    stem = os.path.splitext(os.path.basename(os.fspath(source)))[0]
    return os.path.join(corpus_dir, "labelled", f"{stem}.jsonl")


def corpus_root_of(corpus_file: str) -> str:
    """The corpus folder a corpus file belongs to: ``corpus/`` for ``corpus/labelled/x.jsonl``, else its folder."""
    parent = os.path.dirname(os.path.abspath(corpus_file))
    return os.path.dirname(parent) if os.path.basename(parent) == "labelled" else parent


def known_hashes(root: str, extra: Sequence[str] = (), exclude: Sequence[str] = ()) -> set[str]:
    """Text hashes of every passage in the corpus folder ``root`` (``*.jsonl``, ``labelled/*.jsonl``
    and ``heldout/*.jsonl``) and in ``extra`` files, leaving out the files in ``exclude``.

    Tolerant: unreadable lines are ignored here (``docscan corpus validate`` reports them).
    """
    files = set()
    if root and os.path.isdir(root):
        for pattern in CORPUS_GLOBS:
            files |= set(glob.glob(os.path.join(root, pattern)))
    files |= {f for f in extra if os.path.isfile(f)}
    skip = {os.path.abspath(f) for f in exclude}
    files = {f for f in files if os.path.abspath(f) not in skip}
    out: set[str] = set()
    for f in sorted(files):
        with contextlib.suppress(OSError, UnicodeDecodeError), open(f, encoding="utf-8") as fh:
            for raw in fh:
                with contextlib.suppress(ValueError):
                    obj = json.loads(raw)
                    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                        out.add(corpus_mod.text_hash(obj["text"]))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "doc"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _default_user() -> str:
    env = os.environ.get("DOCSCAN_USER")
    if env:
        return env
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "unknown"


def _prediction_from_dict(d: dict) -> Prediction:
    return Prediction(
        passage_id=str(d.get("id", "")),
        themes={k: float(v) for k, v in d.get("themes", {}).items()},
        predicted_themes=tuple(d.get("predicted_themes", ())),
        maturity={k: float(v) for k, v in d.get("maturity", {}).items()},
        predicted_maturity=d.get("predicted_maturity"),
    )


# ---------------------------------------------------------------- the session


@dataclass
class Item:
    """A passage on offer, the model's view of it and the trainer's current selection."""

    passage: Passage
    prediction: Prediction
    uncertainty: float
    hash: str
    themes: set[str] = field(default_factory=set)
    maturity: str | None = None

    def to_dict(self) -> dict:
        return {
            "passage": self.passage.to_dict(),
            "prediction": self.prediction.to_dict(),
            "uncertainty": self.uncertainty,
            "hash": self.hash,
            "themes": [t for t in THEMES if t in self.themes],
            "maturity": self.maturity,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Item:
        return cls(
            Passage.from_dict(d["passage"]),
            _prediction_from_dict(d["prediction"]),
            float(d["uncertainty"]),
            d["hash"],
            set(d.get("themes", ())),
            d.get("maturity"),
        )


@dataclass
class Answer:
    """An answer: ``action`` is "accept" (``record`` is the corpus line) or "skip" (``record`` is the skip line)."""

    action: str
    item: Item
    record: dict

    def to_dict(self) -> dict:
        return {"action": self.action, "record": self.record, "item": self.item.to_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> Answer:
        if d.get("action") not in ("accept", "skip") or not isinstance(d.get("record"), dict):
            raise ValueError("not a pending answer")
        return cls(d["action"], Item.from_dict(d["item"]), d["record"])


class LabelSession:
    """One labelling session on one document and one corpus file (see the module docstring).

    ``source`` is a PDF or a passages ``.jsonl``; pass ``passages`` to label
    passages you already have (``source`` then only names the document).
    ``classifier`` defaults to :func:`docscan.classify.load_classifier` of
    ``model``. Use it as a context manager, or call :meth:`close` at the end
    (it commits the pending answer and releases the lock).
    """

    def __init__(
        self,
        source: str | os.PathLike,
        corpus: str | os.PathLike | None = None,
        *,
        model: str | None = None,
        user: str | None = None,
        classifier=None,
        passages: Sequence[Passage] | None = None,
        corpus_root: str | None = None,
        password: str | None = None,
        ocr: str | None = None,
        config: dict | None = None,
        progress: Callable[[int, int], None] | None = None,
        clock: Callable[[], str] = _now,
    ):
        self.source = os.fspath(source)
        self.document = os.path.basename(self.source)
        self.corpus = os.fspath(corpus) if corpus else default_corpus_path(self.source)
        self.corpus_root = corpus_root or corpus_root_of(self.corpus)
        self.user = user or _default_user()
        self.clock = clock
        self.warnings: list[str] = []
        self.pending: Answer | None = None
        self.accepted = 0  # committed or pending answers of this session
        self.skipped = 0
        self.restored = False  # a pending answer of an interrupted session was restored
        self._lock_fd: int | None = None

        # the passages first: a bad input must fail before any file is created
        if passages is None:
            passages = self._read_source(password, ocr, config, progress)
        self.total = len(passages)
        candidates = labelable(passages)

        if classifier is None:
            from .classify import load_classifier

            classifier = load_classifier(model)
            self.warnings += list(getattr(classifier, "warnings", []) or [])
        self.classifier = classifier
        meta = getattr(classifier, "meta", {}) or {}
        self.model_name = f"{meta.get('name', '?')} {meta.get('version', '')}".strip()

        self._check_corpus_tail()
        self._lock()
        try:
            self.skipped_hashes = self._read_skipped()
            seen = known_hashes(self.corpus_root, [self.corpus])
            self.pending = self._restore_pending(seen)
            if self.pending is not None:
                seen.add(self.pending.item.hash)
            offer: list[Passage] = []
            hashes: list[str] = []
            for p in candidates:
                h = corpus_mod.text_hash(p.text)
                if h in seen or h in self.skipped_hashes:
                    continue
                seen.add(h)  # the same text twice in one document is offered once
                offer.append(p)
                hashes.append(h)
            self.already_done = len(candidates) - len(offer)
            preds = classifier.predict([p.text for p in offer], [p.id for p in offer], explain=False) if offer else []
            self.queue: list[Item] = []
            for i in rank(preds):
                pred = preds[i]
                self.queue.append(
                    Item(offer[i], pred, uncertainty(pred), hashes[i], set(pred.predicted_themes), pred.predicted_maturity)
                )
            self.offered = len(self.queue)
        except BaseException:
            self._unlock()
            raise

    # ------------------------------------------------------------ files

    @property
    def pending_path(self) -> str:
        return self.corpus + PENDING_SUFFIX

    @property
    def skipped_path(self) -> str:
        return self.corpus + SKIPPED_SUFFIX

    def _read_source(self, password, ocr, config, progress) -> list[Passage]:
        if self.source.lower().endswith((".jsonl", ".json")):
            return read_passages_file(self.source)
        from .api import extract_document

        doc = extract_document(self.source, password=password, ocr=ocr, config=config, progress=progress)
        self.warnings += list(doc.warnings)
        return list(doc.passages)

    def _check_corpus_tail(self) -> None:
        """Refuse to append after a half-written last line (it would merge two lines into one invalid one)."""
        try:
            with open(self.corpus, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise CorpusError(f"{self.corpus}: cannot be read ({exc.strerror})") from None
        if data and not data.endswith(b"\n"):
            n = data.count(b"\n") + 1
            raise CorpusError(
                f"{self.corpus}:{n}: the last line is incomplete (an interrupted write?); "
                "remove that line, then run 'docscan label' again"
            )

    def _lock(self) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(self.corpus)), exist_ok=True)
        fd = os.open(self.skipped_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise CorpusError(
                f"{self.corpus}: another 'docscan label' session is writing to this file; "
                "finish that one first or pass another --corpus"
            ) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _read_skipped(self) -> set[str]:
        out = set()
        with open(self.skipped_path, encoding="utf-8", errors="replace") as fh:
            for raw in fh:
                with contextlib.suppress(ValueError):
                    obj = json.loads(raw)
                    if isinstance(obj, dict) and isinstance(obj.get("hash"), str):
                        out.add(obj["hash"])
        return out

    def _restore_pending(self, seen: set[str]) -> Answer | None:
        try:
            with open(self.pending_path, encoding="utf-8") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return None
        try:
            ans = Answer.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError):
            raise CorpusError(
                f"{self.pending_path}: the pending answer of an earlier session cannot be read; "
                "delete this file to continue (it holds at most one answer)"
            ) from None
        if ans.item.hash in seen or ans.item.hash in self.skipped_hashes:
            # committed before the crash, only the clean-up was missed
            os.unlink(self.pending_path)
            return None
        self.restored = True
        return ans

    def _write_pending(self, ans: Answer) -> None:
        with atomic_writer(self.pending_path) as fh:
            json.dump(ans.to_dict(), fh, ensure_ascii=False)
            fh.write("\n")

    def _commit(self) -> None:
        """Write the pending answer to its final place, then drop the sidecar."""
        ans = self.pending
        if ans is None:
            return
        if ans.action == "accept":
            append_jsonl(self.corpus, ans.record)
        else:
            line = (json.dumps(ans.record, ensure_ascii=False) + "\n").encode("utf-8")
            os.write(self._lock_fd, line)
            os.fsync(self._lock_fd)
            self.skipped_hashes.add(ans.item.hash)
        self.pending = None

    def _drop_pending_file(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.pending_path)

    # ------------------------------------------------------------ state

    @property
    def current(self) -> Item | None:
        """The passage on screen (None when everything is answered)."""
        return self.queue[0] if self.queue else None

    @property
    def remaining(self) -> int:
        return len(self.queue)

    def _item(self) -> Item:
        if not self.queue:
            raise IndexError("no passage left to label")
        return self.queue[0]

    def toggle(self, theme: str | int) -> bool:
        """Toggle a theme (name or 1-based number) of the current passage; return whether it is now selected."""
        item = self._item()
        name = THEMES[theme - 1] if isinstance(theme, int) else theme
        if name not in THEMES:
            raise ValueError(f"unknown theme {theme!r}")
        item.themes.symmetric_difference_update({name})
        return name in item.themes

    def set_maturity(self, level: str | None) -> None:
        if level not in (*MATURITY_LEVELS, None):
            raise ValueError(f"unknown maturity {level!r}")
        self._item().maturity = level

    def cycle_maturity(self) -> str | None:
        """none -> 1.0 -> 2.0 -> 3.0 -> none."""
        item = self._item()
        order = (None, *MATURITY_LEVELS)
        item.maturity = order[(order.index(item.maturity) + 1) % len(order)]
        return item.maturity

    # ------------------------------------------------------------ answers

    def suggestion(self, item: Item) -> dict:
        p = item.prediction
        return {
            "model": self.model_name,
            "themes": {t: round(p.themes.get(t, 0.0), 3) for t in THEMES},
            "maturity": {c: round(p.maturity.get(c, 0.0), 3) for c in MATURITY_CLASSES},
            "predicted_themes": list(p.predicted_themes),
            "predicted_maturity": p.predicted_maturity,
            "uncertainty": round(item.uncertainty, 3),
        }

    def record_for(self, item: Item) -> dict:
        """The corpus line for the current selection of ``item``."""
        p = item.passage
        row = {
            "id": f"{_slug(os.path.splitext(self.document)[0])}-{item.hash[:12]}",
            "text": p.text.strip(),
            "themes": [t for t in THEMES if t in item.themes],
            "maturity": item.maturity,
            "source": f"labelled:{self.document}",
            "meta": {
                "document": self.document,
                "page": p.page,
                "heading": list(p.heading),
                "passage": p.id,
                "labelled_by": self.user,
                "labelled_at": self.clock(),
                "model_suggestion": self.suggestion(item),
            },
        }
        _ex, problems = corpus_mod.parse_line(json.dumps(row, ensure_ascii=False), self.corpus, 0)
        if problems:  # cannot happen with the labels above; never write an invalid line
            raise CorpusError(f"{self.corpus}: refusing to write an invalid corpus line: {problems[0].message}")
        return row

    def _answer(self, ans: Answer) -> Answer:
        self._commit()  # the previous answer is final now
        self._write_pending(ans)  # the new one is on disk, still undoable
        self.pending = ans
        self.queue.pop(0)
        return ans

    def accept(self) -> Answer:
        """Answer the current passage with its current selection."""
        item = self._item()
        ans = self._answer(Answer("accept", item, self.record_for(item)))
        self.accepted += 1
        return ans

    def skip(self) -> Answer:
        """Do not label the current passage; it is not offered again."""
        item = self._item()
        rec = {
            "hash": item.hash,
            "passage": item.passage.id,
            "document": self.document,
            "page": item.passage.page,
            "text": item.passage.text[:80],
            "skipped_by": self.user,
            "skipped_at": self.clock(),
        }
        ans = self._answer(Answer("skip", item, rec))
        self.skipped += 1
        return ans

    def undo(self) -> Item | None:
        """Take back the last answer (not yet in the corpus): its passage is on screen again, labels as answered."""
        ans = self.pending
        if ans is None:
            return None
        self._drop_pending_file()
        self.pending = None
        if ans.action == "accept":
            self.accepted = max(0, self.accepted - 1)
        else:
            self.skipped = max(0, self.skipped - 1)
        self.queue.insert(0, ans.item)  # the item still holds the selection it was answered with
        return ans.item

    def close(self) -> None:
        """Commit the pending answer and release the corpus file."""
        if self._lock_fd is None:
            return
        try:
            self._commit()
            self._drop_pending_file()
        finally:
            self._unlock()

    def abandon(self) -> None:
        """Release the corpus file without committing: what a crash leaves behind (for tests)."""
        self._unlock()

    def __enter__(self) -> LabelSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ summary

    def corpus_size(self) -> int:
        try:
            with open(self.corpus, encoding="utf-8", errors="replace") as fh:
                return sum(1 for line in fh if line.strip())
        except FileNotFoundError:
            return 0
