"""The ``docscan`` command line: parse options, call :mod:`docscan.api`, print.

No logic lives here. Library errors (:mod:`docscan.errors`) become a one-line
``Error: ...`` message and their documented exit code.
"""
from __future__ import annotations

import functools
import json
import os
import sys

import click

from . import __version__
from .errors import EXIT_UNEXPECTED, DocscanError

OCR_CHOICES = click.Choice(["auto", "always", "never"])


class DocscanClickError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def handle_errors(func):
    """Turn library errors into clean one-line messages with their exit codes."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DocscanError as exc:
            raise DocscanClickError(str(exc), exc.exit_code) from None
        except BrokenPipeError:  # output piped into `head` and closed: not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
            return None
        except KeyboardInterrupt:
            raise DocscanClickError("interrupted; work already written is kept", 130) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("DOCSCAN_DEBUG"):
                raise
            raise DocscanClickError(
                f"unexpected failure: {type(exc).__name__}: {exc} (set DOCSCAN_DEBUG=1 for details and please report it)",
                EXIT_UNEXPECTED,
            ) from None

    return wrapper


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


class ProgressBar:
    """A rich progress bar on stderr; silent with --quiet or when stderr is not a terminal."""

    def __init__(self, label: str, quiet: bool = False):
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self._progress = None
        self._task = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(self.label, total=None)
        return self

    def update(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)
        return False


def _load_cfg(config_path):
    from .config import load_config

    return load_config(config_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docscan")
def main():
    """docscan: check Dutch municipal policy plans against the digital transformation framework.

    Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, 3 input file missing or unreadable,
    4 not a PDF / empty / corrupt, 5 encrypted (password needed or wrong), 6 no text layer and no OCR,
    7 model problem, 8 invalid corpus or JSONL input, 9 batch finished with failed documents,
    10 results database problem.
    """


@main.command("extract")
@click.argument("pdf", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write passages here (JSONL); default: standard output.")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--ocr", type=OCR_CHOICES, default=None, help="OCR for image-only pages (default: auto = when Tesseract is installed).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML file overriding defaults.toml.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings.")
@handle_errors
def extract_cli(pdf, output, password, ocr, config_path, quiet):
    """Extract the passages of PDF as JSON Lines (id, page, heading, kind, text, bbox)."""
    from . import api
    from .io import write_jsonl

    with ProgressBar("Extracting", quiet) as bar:
        doc = api.extract_document(pdf, password=password, ocr=ocr, config=_load_cfg(config_path), progress=bar.update)
    rows = api.passages_to_rows(doc)
    if output and output != "-":
        write_jsonl(output, rows)
    else:
        out = click.get_text_stream("stdout")
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if not quiet:
        for w in doc.warnings:
            warn(w)
        if output and output != "-":
            click.echo(f"{len(rows)} passages from {doc.pages} pages written to {output}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
