"""Typed errors of docscan and their exit codes.

Library code raises these; only :mod:`docscan.cli` turns them into a one-line
message and an exit code. The codes are documented in the README.
"""
from __future__ import annotations

# Exit codes (also listed in README.md, "Exit codes").
EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2  # click's own code for bad options
EXIT_INPUT = 3  # file missing or unreadable
EXIT_NOT_PDF = 4  # not a PDF, empty, corrupt
EXIT_ENCRYPTED = 5  # password needed or wrong
EXIT_NO_TEXT = 6  # no text layer and OCR not possible
EXIT_MODEL = 7  # model missing, incompatible or unsafe
EXIT_CORPUS = 8  # corpus or input JSONL invalid
EXIT_PARTIAL = 9  # batch finished but some documents failed
EXIT_DATABASE = 10  # results database problem
EXIT_BUSY = 11  # the output folder is in use by another docscan batch
EXIT_CLUSTER = 12  # the Dask scheduler cannot be reached
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class DocscanError(Exception):
    """Base class: ``str(err)`` is a complete, one-line, user-facing message."""

    exit_code = EXIT_UNEXPECTED


class InputFileError(DocscanError):
    """The input file does not exist or cannot be read."""

    exit_code = EXIT_INPUT


class NotAPDFError(DocscanError):
    """The file is not a PDF, or it is empty."""

    exit_code = EXIT_NOT_PDF


class CorruptPDFError(DocscanError):
    """The file claims to be a PDF but cannot be parsed, even after repair."""

    exit_code = EXIT_NOT_PDF


class EncryptedPDFError(DocscanError):
    """The PDF needs a password, or the given password is wrong.

    ``problem`` is the message without the advice, for callers that advise
    otherwise (a batch has no ``--password``).
    """

    exit_code = EXIT_ENCRYPTED

    def __init__(self, problem: str, advice: str = "pass its password with --password"):
        super().__init__(f"{problem}; {advice}")
        self.problem = problem


class NoTextError(DocscanError):
    """The PDF has no text layer and OCR is not possible or not allowed."""

    exit_code = EXIT_NO_TEXT


class UsageError(DocscanError):
    """Options that contradict each other or the input, e.g. an output path that is the input file."""

    exit_code = EXIT_USAGE


class ConfigError(DocscanError):
    """A ``--config`` file is not valid TOML, or names an unknown or ill-typed setting."""

    exit_code = EXIT_USAGE


class ModelError(DocscanError):
    """A model directory is missing, incomplete, incompatible or unsafe."""

    exit_code = EXIT_MODEL


class CorpusError(DocscanError):
    """A corpus or passages file is invalid; ``problems`` lists every finding."""

    exit_code = EXIT_CORPUS

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class DatabaseError(DocscanError):
    """The results database cannot be used (e.g. written by a newer docscan)."""

    exit_code = EXIT_DATABASE


class BusyError(DocscanError):
    """Another ``docscan batch`` holds the lock on the output folder."""

    exit_code = EXIT_BUSY


class ClusterError(DocscanError):
    """The Dask scheduler cannot be reached, or a local cluster cannot start."""

    exit_code = EXIT_CLUSTER


class BatchFailures(DocscanError):
    """A batch completed, but some documents failed."""

    exit_code = EXIT_PARTIAL
