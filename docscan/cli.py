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
from .errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_UNEXPECTED, DocscanError

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
            raise DocscanClickError("interrupted; work already written is kept", EXIT_INTERRUPTED) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # the last line of defence against tracebacks
            if os.environ.get("DOCSCAN_DEBUG"):
                raise
            if isinstance(exc, OSError) and exc.filename is not None:
                # a file system refusing a read or write (permissions, read-only, disk full): the user can act on it
                raise DocscanClickError(
                    f"{exc.filename}: {exc.strerror or exc}; check the path, its permissions and the free disk space",
                    EXIT_INPUT,
                ) from None
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

    Exit codes: 0 ok, 1 unexpected failure, 2 bad usage or --config file, 3 file or folder missing,
    unreadable or unwritable, 4 not a PDF / empty / corrupt, 5 encrypted (password needed or wrong),
    6 no text layer and no OCR, 7 model problem, 8 invalid corpus or JSONL input, 9 batch finished
    with failed documents, 10 results database problem, 11 output folder in use by another batch,
    12 Dask scheduler unreachable, 130 interrupted (Ctrl-C).
    """


@main.command("extract")
@click.argument("pdf", type=click.Path(dir_okay=True, readable=False, path_type=str))
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

    api.check_outputs(pdf, ("-o", output))
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


@main.command("analyze")
@click.argument("pdf", type=click.Path(dir_okay=True, readable=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="HTML report path (default: reports/<name>.html).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=str), help="Also write the findings as JSON (documented schema).")
@click.option("--model", help="Model directory or name (default: the shipped model).")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--ocr", type=OCR_CHOICES, default=None, help="OCR for image-only pages (default: auto).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML file overriding defaults.toml.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings; print only the report path.")
@handle_errors
def analyze_cli(pdf, output, json_path, model, password, ocr, config_path, quiet):
    """Analyse a policy plan PDF and write the HTML gap report; prints the report path."""
    from . import api

    with ProgressBar("Analysing", quiet) as bar:
        analysis, html = api.analyze_to_report(
            pdf, output, json_path, model=model, password=password, ocr=ocr, config=_load_cfg(config_path), progress=bar.update
        )
    if not quiet:
        for w in analysis.document.warnings:
            warn(w)
        for t in analysis.score.themes:
            mark = " (onzeker)" if t.uncertain else ""
            click.echo(f"{t.theme:<15} {t.verdict:<8} {t.score:5.1f}{mark}", err=True)
        click.echo(f"maturity phase: {analysis.score.maturity.phase}", err=True)
    click.echo(html)


# ---------------------------------------------------------------- corpus


@main.group("corpus")
def corpus_group():
    """Check, summarise, import and export the labelled corpus."""


@corpus_group.command("validate")
@click.argument("path", default="corpus", type=click.Path(path_type=str))
@handle_errors
def corpus_validate_cli(path):
    """Check every line of a corpus folder or JSONL file (labels, types, duplicates, conflicts)."""
    from . import api
    from .errors import CorpusError

    examples, problems = api.validate_corpus(path)
    for p in problems:
        click.echo(str(p))
    if problems:
        raise CorpusError(f"{len(problems)} problem(s) in {path}; fix the lines listed above")
    click.echo(f"{path}: {len(examples)} passages, no problems")


@corpus_group.command("stats")
@click.argument("path", default="corpus", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@handle_errors
def corpus_stats_cli(path, as_json):
    """Counts per label, label co-occurrence and imbalance warnings."""
    from . import api

    st = api.corpus_stats(path)
    if as_json:
        click.echo(json.dumps(st.to_dict(), indent=2, ensure_ascii=False))
        return
    d = st.to_dict()
    click.echo(f"passages: {d['total']}   no theme: {d['no_theme']} ({d['no_theme_share']:.0%})   hard negatives: {d['hard_negatives']}")
    click.echo(f"words per passage: min {d['words']['min']}, median {d['words']['median']}, max {d['words']['max']}")
    click.echo("themes:   " + "  ".join(f"{k} {v}" for k, v in d["themes"].items()))
    click.echo("maturity: " + "  ".join(f"{k} {v}" for k, v in d["maturity"].items()))
    top = list(d["co_occurrence"].items())[:6]
    if top:
        click.echo("most frequent theme pairs: " + ", ".join(f"{k} {v}" for k, v in top))
    click.echo("files: " + ", ".join(f"{k} {v}" for k, v in d["files"].items()))
    for w in d["warnings"]:
        warn(w)


# ---------------------------------------------------------------- models


@main.command("train")
@click.option("--corpus", "corpus_path", default="corpus", show_default=True, type=click.Path(path_type=str), help="Corpus folder or JSONL file.")
@click.option("--out", type=click.Path(path_type=str), help="Model directory to write (default: models/<default model name>).")
@click.option("--family", "families", multiple=True, type=click.Choice(["sklearn", "spacy"]), help="Model families to compare (default: both).")
@click.option("--folds", default=5, show_default=True, type=int, help="Cross-validation folds (at least 2).")
@click.option("--seed", default=0, show_default=True, help="Random seed (training is deterministic).")
@click.option("--limit", type=int, help="Train on a deterministic subset of this many passages (for quick trials).")
@click.option("-q", "--quiet", is_flag=True, help="Only print the result table.")
@handle_errors
def train_cli(corpus_path, out, families, folds, seed, limit, quiet):
    """Train the theme and maturity classifiers, compare families by cross-validation, save the best."""
    from . import api

    log = None if quiet else (lambda m: click.echo(m, err=True))
    res = api.train_model(corpus_path, out, families=families or ("sklearn", "spacy"), folds=folds, seed=seed, limit=limit, log=log)
    m = res.meta
    cv = m["cv"]
    click.echo(f"model: {res.path} ({m['backend']}, {m['corpus']['passages']} passages, {m['training_seconds']} s)")
    prev_n = res.previous["corpus"]["passages"] if res.previous else None
    if prev_n is not None:
        click.echo(f"new passages since the previous model: {m['corpus']['passages'] - prev_n:+d} (was {prev_n})")
    click.echo(f"{'label':<15}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}{'F1 before':>11}{'change':>8}")
    for label, row in cv["per_label"].items():
        before = res.changes.get(label, {}).get("before")
        b = f"{before:.3f}" if before is not None else "-"
        d = f"{row['f1'] - before:+.3f}" if before is not None else ""
        click.echo(f"{label:<15}{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}{row['support']:>9}{b:>11}{d:>8}")
    click.echo(f"cross-validated macro-F1: themes {cv['themes_macro_f1']:.3f}, maturity {cv['maturity_macro_f1']:.3f}")
    for fam, r in cv["families"].items():
        click.echo(f"  family {fam}: themes {r['themes_macro_f1']:.3f}, maturity {r['maturity_macro_f1']:.3f} ({r['seconds']} s)")
    if m.get("heldout"):
        h = m["heldout"]
        click.echo(f"held-out split ({h['passages']} passages): themes {h['themes_macro_f1']:.3f}, maturity {h['maturity_macro_f1']:.3f}")


@main.command("classify")
@click.argument("input", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False, path_type=str), help="Output JSONL ('-' for standard output).")
@click.option("--model", help="Model directory or name (default: the shipped model).")
@click.option("--no-evidence", is_flag=True, help="Skip the evidence terms (faster).")
@handle_errors
def classify_cli(input, output, model, no_evidence):
    """Classify passages: INPUT is JSONL with {"id", "text"} per line ('-' for standard input)."""
    from . import api
    from .io import write_jsonl

    items = api.read_passages_from(input)
    preds = api.classify_texts(items, model, explain=not no_evidence)
    rows = [p.to_dict() for p in preds]
    if output == "-":
        out = click.get_text_stream("stdout")
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        write_jsonl(output, rows)


@main.command("evaluate")
@click.argument("data", type=click.Path(path_type=str))
@click.option("--model", help="Model directory or name (default: the shipped model).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=str), help="Also write the evaluation as an HTML page.")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@handle_errors
def evaluate_cli(data, model, html_path, as_json):
    """Precision, recall, F1 and support per label, averages and the maturity confusion matrix on labelled DATA."""
    from . import api

    res = api.evaluate(data, model)
    if html_path:
        from .report import write_evaluation

        write_evaluation(res, html_path)
    if as_json:
        click.echo(json.dumps(res, indent=2, ensure_ascii=False))
        return
    click.echo(f"model {res['model']['name']} {res['model']['version']} on {data} ({res['data']['passages']} passages)")
    click.echo(f"{'label':<15}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
    for label, row in res["per_label"].items():
        click.echo(f"{label:<15}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}{row['support']:>9}")
    click.echo(f"themes   macro: P {res['themes_macro_precision']:.3f} R {res['themes_macro_recall']:.3f} F1 {res['themes_macro_f1']:.3f}")
    click.echo(f"themes   micro: P {res['themes_micro_precision']:.3f} R {res['themes_micro_recall']:.3f} F1 {res['themes_micro_f1']:.3f}")
    click.echo(f"maturity macro-F1 (1.0/2.0/3.0): {res['maturity_macro_f1']:.3f}   with none: {res['maturity_macro_f1_with_none']:.3f}")
    click.echo("maturity confusion (rows true, columns predicted):")
    click.echo(f"{'':>8}" + "".join(f"{c:>7}" for c in ("1.0", "2.0", "3.0", "none")))
    for c, row in zip(("1.0", "2.0", "3.0", "none"), res["maturity_confusion"]):
        click.echo(f"{c:>8}" + "".join(f"{v:>7}" for v in row))
    if html_path:
        click.echo(f"HTML written to {html_path}")


# ---------------------------------------------------------------- labelling, import, export (issue 6)

FORMAT_CHOICES = click.Choice(["prodigy", "doccano", "labelstudio"])


@main.command("label")
@click.argument("file", type=click.Path(dir_okay=False, readable=False, path_type=str))
@click.option("--corpus", "corpus_file", type=click.Path(dir_okay=False, path_type=str),
              help="Corpus file the answers are appended to (default: corpus/labelled/<file stem>.jsonl).")
@click.option("--model", help="Model directory or name that ranks and pre-labels the passages (default: the shipped model).")
@click.option("--user", help="Name stored as labelled_by (default: $DOCSCAN_USER or the login name).")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--ocr", type=OCR_CHOICES, default=None, help="OCR for image-only pages (default: auto).")
@handle_errors
def label_cli(file, corpus_file, model, user, password, ocr):
    """Label the passages of FILE (a PDF or a passages JSONL) in the terminal, most informative first.

    Keys: 1-6 (or s l d v e r) toggle a theme, 7 8 9 0 set maturity 1.0/2.0/3.0/none (m cycles),
    Enter or a accept, k skip, u undo the last answer, ? show a label's definition, q quit.
    Every answer is saved at once; a new session on the same file resumes where you stopped.
    """
    from . import api
    from .label_tui import run

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("docscan label is interactive: run it in a terminal (the library API is docscan.label.LabelSession)")
    with ProgressBar("Reading", False) as bar:
        session = api.label_session(file, corpus_file, model=model, user=user, password=password, ocr=ocr, progress=bar.update)
    try:
        if session.current is None and session.pending is None:
            click.echo(f"Nothing to label: the {session.already_done} passages of {session.document} are already "
                       f"in the corpus or skipped ({session.corpus}).")
            return
        run(session)
    finally:
        session.close()
    click.echo(f"{session.accepted} accepted, {session.skipped} skipped; {session.corpus} now holds {session.corpus_size()} "
               f"passages, {session.remaining} left to label.")
    click.echo("Next: docscan corpus validate, then docscan train (it shows F1 per label before and after).")


@corpus_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, readable=False, path_type=str))
@click.option("--format", "fmt", required=True, type=FORMAT_CHOICES, help="The tool that wrote FILE.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Corpus file to write (default: corpus/<file stem>.jsonl).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@handle_errors
def corpus_import_cli(file, fmt, output, force):
    """Turn a Prodigy, doccano or Label Studio export into a corpus JSONL file."""
    from . import api

    result, out, overlap = api.import_corpus(file, fmt, output, force=force)
    extra = []
    if result.skipped:
        extra.append(f"{result.skipped} unanswered, rejected or cancelled task(s) left out")
    if result.merged:
        extra.append(f"{result.merged} identical duplicate(s) merged")
    click.echo(f"{len(result.examples)} passages written to {out}" + (f" ({'; '.join(extra)})" if extra else ""))
    if overlap:
        warn(f"{overlap} imported passage(s) have the same text as passages already in the corpus folder; "
             "'docscan corpus validate' will list them: keep one of each")


@corpus_group.command("export")
@click.argument("path", default="corpus", type=click.Path(path_type=str))
@click.option("--format", "fmt", required=True, type=FORMAT_CHOICES, help="The annotation tool to write for.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=str), help="File to write.")
@handle_errors
def corpus_export_cli(path, fmt, output):
    """Write a corpus folder or file (default: corpus) for Prodigy, doccano or Label Studio."""
    from . import api

    n = api.export_corpus(path, fmt, output)
    click.echo(f"{n} passages written to {output} ({fmt})")
    if fmt == "labelstudio":
        from .interchange import labelstudio_config

        click.echo("Label Studio labelling interface for these tasks (Settings > Labeling Interface > Code):", err=True)
        click.echo(labelstudio_config(), err=True, nl=False)


# ---------------------------------------------------------------- batch


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(readable=False, path_type=str))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str), help="Folder for the reports, index.html and (by default) results.sqlite.")
@click.option("--db", "db_url", help="Results database URL (default: sqlite:///OUT/results.sqlite; postgresql+psycopg://... works).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the number of cores).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="Local process pool or a Dask cluster.")
@click.option("--scheduler", help="Dask scheduler address (tcp://host:8786); default: a local cluster of --jobs workers.")
@click.option("--force", is_flag=True, help="Analyse again documents whose results are stored already.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first document that fails.")
@click.option("--model", help="Model directory or name (default: the shipped model).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML file overriding defaults.toml.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; print only the overview path.")
@handle_errors
def batch_cli(inputs, out_dir, db_url, jobs, executor, scheduler, force, fail_fast, model, config_path, quiet):
    """Analyse many PDFs: INPUTS are PDF files, folders (recursive) and manifest CSVs
    (path, municipality, year, doctype). Writes a report per document, OUT/index.html
    and the results database; prints the overview path. Exit code 9 when some documents failed."""
    from . import api
    from .errors import BatchFailures

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    with ProgressBar("Batch", quiet) as bar:
        result = api.run_batch(
            inputs, out_dir, db_url=db_url, jobs=jobs, executor=executor, scheduler=scheduler, force=force,
            fail_fast=fail_fast, model=model, config=_load_cfg(config_path), progress=bar.update,
        )
    if not quiet:
        click.echo(
            f"{result.total} documents: {result.analysed} analysed, {result.skipped - result.duplicates} already stored, "
            + (f"{result.duplicates} with the same content as another file, " if result.duplicates else "")
            + f"{result.failed} failed" + (f", {result.not_run} not run (--fail-fast)" if result.not_run else "")
            + f" in {result.seconds:.1f} s; database {result.db_url}",
            err=True,
        )
        for item in result.failures:
            click.echo(f"  failed: {item.error}", err=True)
    click.echo(result.index_path)
    if result.failed:
        raise BatchFailures(
            f"{result.failed} of {result.total} documents failed; they are listed in {result.index_path} "
            "and in the database (errors table)"
        )


@main.group("results")
def results_group():
    """Read the results database that docscan batch writes."""


@results_group.command("export")
@click.option("--db", "db_url", help="Results database URL.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=str), help="A batch folder: use its results.sqlite.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="File to write (default: standard output).")
@click.option("--superseded", is_flag=True, help="Also the earlier results of files whose content changed (current = false).")
@handle_errors
def results_export_cli(db_url, out_dir, fmt, output, superseded):
    """Export the stored scores: one row per document (CSV) or the full records (JSON)."""
    from . import api
    from .batch.db import default_url
    from .io import atomic_writer

    if bool(db_url) == bool(out_dir):
        raise click.UsageError("give either --db URL or --out DIR")
    text = api.export_results(db_url or default_url(out_dir), fmt, superseded=superseded)
    if output and output != "-":
        with atomic_writer(output) as fh:
            fh.write(text)
    else:
        click.get_text_stream("stdout").write(text)


if __name__ == "__main__":  # pragma: no cover
    main()
