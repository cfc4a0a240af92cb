"""The labelled corpus: schema, loading, validation, statistics and hashing.

A corpus is a set of JSON Lines files (see ``corpus/README.md``). Every
problem is reported with its file and line number.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

from .errors import CorpusError, InputFileError
from .types import MATURITY_LEVELS, THEMES

REQUIRED = ("id", "text", "themes", "maturity", "source")
ALLOWED = set(REQUIRED) | {"meta"}
MIN_POSITIVES = 120  # per theme, asked for by the corpus guidelines
MIN_MATURITY = 150
MIN_NO_THEME_SHARE = 0.40


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    themes: tuple[str, ...]
    maturity: str | None
    source: str
    meta: dict = field(default_factory=dict)
    file: str = ""
    line: int = 0

    def to_dict(self) -> dict:
        d = {"id": self.id, "text": self.text, "themes": list(self.themes), "maturity": self.maturity, "source": self.source}
        if self.meta:
            d["meta"] = self.meta
        return d


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def text_key(text: str) -> str:
    """Normalised text for duplicate detection: NFKC, lower case, single spaces, no punctuation at the ends."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"\s+", " ", t).strip()
    return t.strip(" .,;:!?\"'")


def text_hash(text: str) -> str:
    return hashlib.sha256(text_key(text).encode("utf-8")).hexdigest()[:16]


def corpus_files(path: str | os.PathLike) -> list[str]:
    """The training files of a corpus: ``*.jsonl`` in the folder and in ``labelled/``.

    ``heldout/`` is never included: it is the test split.
    """
    path = os.fspath(path)
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise InputFileError(f"{path}: corpus not found; pass a folder of .jsonl files or one .jsonl file")
    files = sorted(glob.glob(os.path.join(path, "*.jsonl"))) + sorted(glob.glob(os.path.join(path, "labelled", "*.jsonl")))
    if not files:
        raise CorpusError(f"{path}: no .jsonl files in the corpus folder")
    return files


def parse_line(raw: str, file: str, lineno: int) -> tuple[Example | None, list[Problem]]:
    """Parse and check one corpus line."""
    probs: list[Problem] = []

    def bad(msg):
        probs.append(Problem(file, lineno, msg))

    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        bad(f"not valid JSON ({exc.msg} at column {exc.colno})")
        return None, probs
    if not isinstance(obj, dict):
        bad("a line must be a JSON object")
        return None, probs
    for key in REQUIRED:
        if key not in obj:
            bad(f"missing field '{key}'")
    for key in obj:
        if key not in ALLOWED:
            bad(f"unknown field '{key}' (allowed: {', '.join(sorted(ALLOWED))})")
    ident = obj.get("id")
    if "id" in obj and (not isinstance(ident, str) or not ident.strip()):
        bad("'id' must be a non-empty string")
    text = obj.get("text")
    if "text" in obj and not isinstance(text, str):
        bad("'text' must be a string")
    elif isinstance(text, str) and not text.strip():
        bad("'text' is empty")
    themes = obj.get("themes")
    if "themes" in obj:
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            bad("'themes' must be a list of strings")
            themes = None
        else:
            for t in themes:
                if t not in THEMES:
                    bad(f"unknown theme '{t}' (known: {', '.join(THEMES)})")
            if len(set(themes)) != len(themes):
                bad("'themes' lists a label twice")
    maturity = obj.get("maturity")
    if "maturity" in obj and maturity is not None and maturity not in MATURITY_LEVELS:
        hint = " (write it as a string)" if isinstance(maturity, (int, float)) else ""
        bad(f"unknown maturity {json.dumps(maturity)}{hint} (known: \"1.0\", \"2.0\", \"3.0\" or null)")
    source = obj.get("source")
    if "source" in obj and not isinstance(source, str):
        bad("'source' must be a string")
    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        bad("'meta' must be an object")
    if probs:
        return None, probs
    return (
        Example(ident, text.strip(), tuple(themes), maturity, source, meta, file, lineno),
        probs,
    )


def _lines(fh) -> Iterator[bytes]:
    """The lines of a binary file without their ends, split as text mode would (``\\n``, ``\\r\\n`` or ``\\r``)."""
    for chunk in fh:
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        elif chunk.endswith((b"\n", b"\r")):
            chunk = chunk[:-1]
        yield from chunk.split(b"\r")


def decode_line(raw: bytes) -> tuple[str | None, str | None]:
    """``(text, None)`` for a UTF-8 line, ``(None, problem)`` naming the first bad byte and its column."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        column = len(raw[: exc.start].decode("utf-8")) + 1
        return None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})"


def read_file(file: str) -> tuple[list[Example], list[Problem]]:
    """The examples of one corpus file and the problems of its lines.

    The file is read in binary and each line decoded on its own, so a line
    that is not UTF-8 is reported with its true number and the lines after
    it are still checked.
    """
    examples, problems = [], []
    try:
        fh = open(file, "rb")  # noqa: SIM115 - a file that cannot be opened is a problem, not an error
    except OSError as exc:
        return [], [Problem(file, 0, f"cannot be read ({exc.strerror})")]
    with fh:
        try:
            for lineno, raw_bytes in enumerate(_lines(fh), start=1):
                raw, bad = decode_line(raw_bytes)
                if bad:
                    problems.append(Problem(file, lineno, bad))
                    continue
                if not raw.strip():
                    continue
                ex, probs = parse_line(raw, file, lineno)
                problems.extend(probs)
                if ex:
                    examples.append(ex)
        except OSError as exc:
            problems.append(Problem(file, 0, f"cannot be read ({exc.strerror})"))
    return examples, problems


def cross_checks(examples: list[Example]) -> list[Problem]:
    """Duplicate ids, duplicate texts, and the same text with different labels."""
    problems: list[Problem] = []
    ids: dict[str, Example] = {}
    texts: dict[str, Example] = {}
    for ex in examples:
        if ex.id in ids:
            first = ids[ex.id]
            problems.append(Problem(ex.file, ex.line, f"duplicate id '{ex.id}' (first at {first.file}:{first.line})"))
        else:
            ids[ex.id] = ex
        key = text_key(ex.text)
        if key in texts:
            first = texts[key]
            if set(first.themes) != set(ex.themes) or first.maturity != ex.maturity:
                problems.append(
                    Problem(
                        ex.file,
                        ex.line,
                        f"same text as {first.file}:{first.line} with conflicting labels "
                        f"({sorted(ex.themes)}/{ex.maturity} vs {sorted(first.themes)}/{first.maturity})",
                    )
                )
            else:
                problems.append(Problem(ex.file, ex.line, f"duplicate text (first at {first.file}:{first.line})"))
        else:
            texts[key] = ex
    return problems


def validate(path: str | os.PathLike | list[str]) -> tuple[list[Example], list[Problem]]:
    """Read every file of a corpus and return (examples, problems)."""
    files = path if isinstance(path, list) else corpus_files(path)
    examples: list[Example] = []
    problems: list[Problem] = []
    for f in files:
        ex, pr = read_file(f)
        examples.extend(ex)
        problems.extend(pr)
    problems.extend(cross_checks(examples))
    return examples, problems


def load(path: str | os.PathLike | list[str]) -> list[Example]:
    """Load a corpus; raise :class:`CorpusError` listing every problem if it is invalid."""
    examples, problems = validate(path)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run 'docscan corpus validate')" if len(problems) > 1 else ""
        raise CorpusError(f"invalid corpus: {first}{more}", problems)
    return examples


def corpus_hash(files: list[str]) -> str:
    """SHA-256 over the training files' names and contents (order independent of the file system)."""
    h = hashlib.sha256()
    for f in sorted(files, key=os.path.basename):
        h.update(os.path.basename(f).encode())
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


@dataclass
class Stats:
    total: int
    themes: dict[str, int]
    maturity: dict[str, int]
    no_theme: int
    co_occurrence: dict[tuple[str, str], int]
    sources: dict[str, int]
    hard_negatives: int
    files: dict[str, int]
    words: dict[str, int]  # min / median / max words per passage
    warnings: list[str]

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "themes": self.themes,
            "maturity": self.maturity,
            "no_theme": self.no_theme,
            "no_theme_share": round(self.no_theme / self.total, 3) if self.total else 0,
            "co_occurrence": {f"{a}+{b}": n for (a, b), n in self.co_occurrence.items()},
            "sources": self.sources,
            "hard_negatives": self.hard_negatives,
            "files": self.files,
            "words": self.words,
            "warnings": self.warnings,
        }


def stats(examples: list[Example]) -> Stats:
    themes = Counter(t for ex in examples for t in ex.themes)
    maturity = Counter(ex.maturity or "null" for ex in examples)
    co = Counter()
    for ex in examples:
        for a, b in combinations(sorted(ex.themes), 2):
            co[(a, b)] += 1
    n = len(examples)
    no_theme = sum(1 for ex in examples if not ex.themes)
    lengths = sorted(len(ex.text.split()) for ex in examples) or [0]
    warnings = []
    for t in THEMES:
        if themes[t] < MIN_POSITIVES:
            warnings.append(f"theme '{t}' has {themes[t]} positives (at least {MIN_POSITIVES} wanted)")
    for m in MATURITY_LEVELS:
        if maturity[m] < MIN_MATURITY:
            warnings.append(f"maturity {m} has {maturity[m]} passages (at least {MIN_MATURITY} wanted)")
    if n and no_theme / n < MIN_NO_THEME_SHARE:
        warnings.append(f"only {no_theme / n:.0%} of passages have no theme (at least {MIN_NO_THEME_SHARE:.0%} wanted)")
    counts = [themes[t] for t in THEMES if themes[t]]
    if counts and max(counts) > 3 * min(counts):
        warnings.append(f"theme imbalance: the largest label has {max(counts) / min(counts):.1f}x the positives of the smallest")
    return Stats(
        total=n,
        themes={t: themes[t] for t in THEMES},
        maturity={m: maturity[m] for m in (*MATURITY_LEVELS, "null")},
        no_theme=no_theme,
        co_occurrence=dict(sorted(co.items(), key=lambda kv: -kv[1])),
        sources=dict(Counter(ex.source for ex in examples).most_common()),
        hard_negatives=sum(1 for ex in examples if ex.meta.get("hard_negative")),
        files=dict(Counter(os.path.basename(ex.file) for ex in examples)),
        words={"min": lengths[0], "median": lengths[len(lengths) // 2], "max": lengths[-1]},
        warnings=warnings,
    )
