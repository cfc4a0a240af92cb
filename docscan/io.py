"""Writing files so that a crash never leaves half a file or loses old data."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import TextIO


def is_special_file(path: str) -> bool:
    """``path`` exists and is not a regular file: /dev/null, /dev/stdout, a named pipe, a terminal."""
    import stat

    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _temp_beside(path: str) -> tuple[int, str, str]:
    """``(fd, temporary file, target)``: a new hidden file in the target's folder (made if missing).

    The target is ``path`` with a symbolic link followed, so the link survives
    the rename. Errors name ``path``.
    """
    target = os.path.realpath(path) if os.path.islink(path) else path
    directory = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, path) from None
    return fd, tmp, target


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[TextIO]:
    """Write to a temporary file beside ``path``, then rename it into place.

    Readers see the old file or the complete new one, never a partial one;
    on an exception the old file is left untouched. A file-system error
    (read-only, permission, disk full) is raised as an ``OSError`` that names
    ``path``, not the temporary file.

    A symbolic link is followed, so the file it points to is replaced and the
    link stays. A target that is not a regular file (``-o /dev/null``, a named
    pipe) is written directly: renaming over it would replace the device with
    a plain file.
    """
    path = os.fspath(path)
    if is_special_file(path):
        with open(path, mode, encoding=encoding if "b" not in mode else None) as fh:
            yield fh
        return
    fd, tmp, path = _temp_beside(path)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None and exc.filename in (None, tmp):
            raise OSError(exc.errno, exc.strerror, path) from None  # e.g. the disk filled up while writing
        raise


def atomic_write_all(files: list[tuple[str | os.PathLike, str]]) -> None:
    """Write several text files so that either all are replaced or none is.

    Every file is written to its temporary file and synced first; only when
    all of them are complete are they renamed into place. A failure on the
    way (a read-only folder, a full disk) leaves every old file untouched.
    """
    direct = [(os.fspath(p), text) for p, text in files if is_special_file(os.fspath(p))]  # /dev/null and the like
    files = [(p, text) for p, text in files if not is_special_file(os.fspath(p))]
    done: list[tuple[str, str]] = []  # (temporary file, target)
    try:
        for path, text in files:
            fd, tmp, path = _temp_beside(os.fspath(path))
            done.append((tmp, path))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o666 & ~_umask())
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, path) from None
    except BaseException:
        for tmp, _ in done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    for tmp, path in done:
        os.replace(tmp, path)
    for path, text in direct:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when two paths name the same file (also through links), whether or not it exists yet."""
    a, b = os.fspath(a), os.fspath(b)
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl(path: str | os.PathLike, rows: Iterable[dict]) -> int:
    """Atomically write ``rows`` as JSON Lines; return the number of rows."""
    n = 0
    with atomic_writer(path) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def append_jsonl(path: str | os.PathLike, row: dict) -> None:
    """Append one row and flush it to disk at once (append-only saves)."""
    line = json.dumps(row, ensure_ascii=False) + "\n"
    fd = os.open(os.fspath(path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def open_text(path: str):
    """Open a UTF-8 text file for reading; a missing or unreadable file is an InputFileError."""
    from .errors import InputFileError

    try:
        return open(path, encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found; check the path and try again") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})") from None


def json_lines(lines: Iterable[str], source: str, *, hint: str = "", column: bool = False) -> Iterator[tuple[int, object]]:
    """``(line number, parsed value)`` for the non-blank lines of a JSON Lines stream.

    Invalid JSON or undecodable bytes raise a CorpusError naming ``source`` and the line.
    """
    from .errors import CorpusError

    n = 0
    try:
        for n, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                yield n, json.loads(raw)
            except json.JSONDecodeError as exc:
                detail = f"{exc.msg} at column {exc.colno}" if column else exc.msg
                raise CorpusError(f"{source}:{n}: not valid JSON ({detail}){hint}") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{source}:{n + 1}: not UTF-8 text") from None
