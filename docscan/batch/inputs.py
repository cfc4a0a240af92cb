"""The inputs of a batch: PDF files, folders (searched recursively) and manifest CSVs.

A manifest is a CSV file (comma, semicolon or tab separated, UTF-8 with or
without BOM) with a header row. The column ``path`` is required; the optional
columns ``municipality``, ``year`` and ``doctype`` describe the document
(Dutch headers ``pad``/``bestand``, ``gemeente``, ``jaar`` and
``soort``/``type`` work too). Relative paths are relative to the manifest's
folder; a path may also name a folder, whose PDFs then all get that row's
metadata.

A file named on the command line or in a manifest is taken whatever its
extension (a broken one becomes a recorded failure); in folders only
``*.pdf`` files are taken. The same file reached twice is listed once, with
the metadata of both merged.
"""
from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Iterable, Sequence

from ..errors import InputFileError

COLUMN_ALIASES = {
    "path": "path",
    "pad": "path",
    "bestand": "path",
    "file": "path",
    "municipality": "municipality",
    "gemeente": "municipality",
    "year": "year",
    "jaar": "year",
    "doctype": "doctype",
    "soort": "doctype",
    "type": "doctype",
}
MANIFEST_EXTENSIONS = (".csv",)


@dataclasses.dataclass(frozen=True)
class InputDoc:
    """One document of a batch."""

    path: str  # absolute path
    municipality: str | None = None
    year: int | None = None
    doctype: str | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


def _pdfs_in(folder: str) -> list[str]:
    """The PDFs under ``folder``, recursively, in name order; hidden files and folders are skipped.

    Linked folders are followed (a share mounted into the tree), each real
    folder once, so a link back up the tree cannot loop.
    """
    found = []
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) not in seen)
        for f in sorted(files):
            if f.lower().endswith(".pdf") and not f.startswith("."):
                found.append(os.path.join(root, f))
    return found


def _parse_year(value: str, where: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)  # "2024" or "2024.0" as a spreadsheet may write it
        if not number.is_integer():
            raise ValueError(value)
        year = int(number)
    except (ValueError, OverflowError):
        raise InputFileError(f"{where}: year '{value}' is not a number; write a year like 2024 or leave it empty") from None
    if not 1800 <= year <= 2200:
        raise InputFileError(f"{where}: year {year} is out of range; write a year like 2024 or leave it empty")
    return year


def read_manifest(path: str) -> list[InputDoc]:
    """The documents listed in a manifest CSV; raises :class:`InputFileError` naming the line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found; check the path and try again") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: the manifest is not UTF-8 text; save it as CSV UTF-8") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the manifest ({exc.strerror}); check its permissions") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputFileError(f"{path}: the manifest is empty; it needs a header row with a 'path' column")
    try:  # only the delimiter is sniffed (from the header); quoting is always Excel's
        delimiter = csv.Sniffer().sniff(lines[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)
    columns = [COLUMN_ALIASES.get(h.strip().lower()) for h in header]
    if "path" not in columns:
        raise InputFileError(
            f"{path}:1: the manifest has no 'path' column (found: {', '.join(h.strip() for h in header)}); "
            "add a header row with path and optionally municipality, year, doctype"
        )
    base = os.path.dirname(os.path.abspath(path))
    docs: list[InputDoc] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {}
        for col, cell in zip(columns, cells):
            if col and col not in row:
                row[col] = cell.strip()
        where = f"{path}:{n}"
        target = row.get("path", "")
        if not target:
            raise InputFileError(f"{where}: the path is empty; name a PDF file or folder")
        target = os.path.normpath(os.path.join(base, os.path.expanduser(target)))
        meta = {
            "municipality": row.get("municipality") or None,
            "year": _parse_year(row.get("year", ""), where),
            "doctype": row.get("doctype") or None,
        }
        if os.path.isdir(target):
            docs.extend(InputDoc(os.path.abspath(p), **meta) for p in _pdfs_in(target))
        else:  # a missing file becomes a recorded failure, not a reason to stop the batch
            docs.append(InputDoc(os.path.abspath(target), **meta))
    return docs


def _merge(a: InputDoc, b: InputDoc) -> InputDoc:
    return InputDoc(
        a.path,
        municipality=a.municipality or b.municipality,
        year=a.year if a.year is not None else b.year,
        doctype=a.doctype or b.doctype,
    )


def collect_inputs(args: Sequence[str | os.PathLike]) -> list[InputDoc]:
    """Expand the INPUT arguments of ``docscan batch`` into a list of documents.

    Raises :class:`InputFileError` for an argument that does not exist, a bad
    manifest, or when no document is found at all.
    """
    found: list[InputDoc] = []
    for arg in args:
        arg = os.fspath(arg)
        if os.path.isdir(arg):
            found.extend(InputDoc(os.path.abspath(p)) for p in _pdfs_in(arg))
        elif os.path.isfile(arg) and arg.lower().endswith(MANIFEST_EXTENSIONS):
            found.extend(read_manifest(arg))
        elif os.path.exists(arg):
            found.append(InputDoc(os.path.abspath(arg)))
        else:
            raise InputFileError(f"{arg}: file or folder not found; check the path and try again")
    return dedupe(found) if found else _none_found(args)


def _none_found(args: Iterable) -> list[InputDoc]:
    raise InputFileError(
        f"{', '.join(os.fspath(a) for a in args)}: no PDF files found; name PDF files, folders with PDFs or a manifest CSV"
    )


def dedupe(docs: Iterable[InputDoc]) -> list[InputDoc]:
    """One entry per real file, in first-seen order, metadata merged."""
    by_key: dict[str, InputDoc] = {}
    for d in docs:
        key = os.path.realpath(d.path)
        by_key[key] = _merge(by_key[key], d) if key in by_key else d
    return list(by_key.values())
