"""The command line: exact messages and exit codes (sqlite-utils style)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROBUST, require_shared

from docscan import cli
from docscan.errors import EXIT_ENCRYPTED, EXIT_INPUT, EXIT_NOT_PDF


@pytest.fixture
def runner():
    return CliRunner()


def all_commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, prefix + (name,))


def test_every_command_has_help_text(runner):
    for path, cmd in all_commands(cli.main):
        assert cmd.help, f"docscan {' '.join(path)} has no help text"
        result = runner.invoke(cli.main, list(path) + ["--help"])
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_version(runner):
    result = runner.invoke(cli.main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("docscan, version ")


def test_extract_to_stdout_and_file(runner, layout_pdf, tmp_path):
    result = runner.invoke(cli.main, ["extract", str(layout_pdf[0])])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["kind"] == "heading" and rows[0]["page"] == 1
    out = tmp_path / "p.jsonl"
    result = runner.invoke(cli.main, ["extract", str(layout_pdf[0]), "-o", str(out), "-q"])
    assert result.exit_code == 0 and result.output == ""
    assert [json.loads(line) for line in out.read_text().splitlines()] == rows


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["nope.pdf"], EXIT_INPUT, "Error: nope.pdf: file not found; check the path and try again\n"),
        (["empty.pdf"], EXIT_NOT_PDF, "Error: {d}/empty.pdf: the file is empty (0 bytes); export or download the PDF again\n"),
        (["password-example.pdf"], EXIT_ENCRYPTED, "Error: {d}/password-example.pdf: the PDF is encrypted; pass its password with --password\n"),
        (["encrypted-file.pdf", "--password", "qwerty"], EXIT_ENCRYPTED,
         "Error: {d}/encrypted-file.pdf: the password is wrong; check it and pass it with --password\n"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code(runner, args, code, message, tmp_path):
    require_shared(ROBUST / "empty.pdf")
    first = args[0] if args[0] == "nope.pdf" else str(ROBUST / args[0])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.main, ["extract", first, *args[1:], "-o", str(out)])
    assert result.exit_code == code
    assert result.output == message.format(d=ROBUST)
    assert not out.exists()  # nothing written half
    assert "Traceback" not in result.output


def test_failed_extract_keeps_an_existing_output_file(runner, tmp_path):
    out = tmp_path / "passages.jsonl"
    out.write_text("old data\n")
    result = runner.invoke(cli.main, ["extract", str(tmp_path / "missing.pdf"), "-o", str(out)])
    assert result.exit_code == EXIT_INPUT
    assert out.read_text() == "old data\n"


def test_not_a_pdf(runner, tmp_path):
    f = tmp_path / "notes.pdf"
    f.write_text("hello")
    result = runner.invoke(cli.main, ["extract", str(f)])
    assert result.exit_code == EXIT_NOT_PDF
    assert result.output == f"Error: {f}: not a PDF (no %PDF header); docscan reads PDF files only, convert the document to PDF first\n"


def test_english_document_warns(runner, tmp_path):
    from conftest import require_font

    require_font()
    import pdfgen

    pdf = tmp_path / "en.pdf"
    pdfgen.simple_pdf(str(pdf), [["The municipality is working on a new digital strategy for residents and "
                                  "businesses in the region, with better online services for everyone."] * 3] * 2)
    result = runner.invoke(cli.main, ["extract", str(pdf), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert "Warning: the document appears to be in English (en" in result.stderr


def test_no_progress_bar_when_not_a_terminal(runner, layout_pdf, tmp_path):
    result = runner.invoke(cli.main, ["extract", str(layout_pdf[0]), "-o", str(tmp_path / "o.jsonl")])
    assert "Extracting" not in result.output


def test_progress_bar_on_a_terminal_and_quiet_silences_it(big_pdf_100, tmp_path):
    import sys

    import pexpect

    exe = [sys.executable, "-m", "docscan.cli", "extract", str(big_pdf_100), "-o", str(tmp_path / "o.jsonl")]
    child = pexpect.spawn(exe[0], exe[1:], env={"TERM": "xterm", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}, timeout=60, encoding="utf-8")
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    assert "Extracting" in out and "/100" in out  # rich's count column: done/total
    child = pexpect.spawn(exe[0], exe[1:] + ["-q"], env={"TERM": "xterm", "PATH": "/usr/bin:/bin"}, timeout=60, encoding="utf-8")
    out = child.read()
    child.close()
    assert child.exitstatus == 0 and out.strip() == ""


# ------------------------------------------------------------------ outputs that would destroy data


def test_an_output_path_that_is_the_input_or_the_other_output_is_refused(runner, layout_pdf, tmp_path):
    import shutil

    pdf = tmp_path / "plan.pdf"
    shutil.copy(layout_pdf[0], pdf)
    before = pdf.read_bytes()
    link = tmp_path / "link.pdf"
    link.symlink_to(pdf)
    cases = [
        (["analyze", str(pdf), "-q", "-o", str(pdf)], f"Error: {pdf}: -o names the input file itself, which would be overwritten; choose another -o\n"),
        (["analyze", str(pdf), "-q", "-o", str(link)], f"Error: {link}: -o names the input file itself, which would be overwritten; choose another -o\n"),
        (["analyze", str(pdf), "-q", "--json", str(pdf)], f"Error: {pdf}: --json names the input file itself, which would be overwritten; choose another --json\n"),
        (["analyze", str(pdf), "-q", "-o", str(tmp_path / "r.out"), "--json", str(tmp_path / "." / "r.out")],
         f"Error: {tmp_path / '.' / 'r.out'}: -o and --json name the same file; give each its own path\n"),
        (["extract", str(pdf), "-o", str(pdf)], f"Error: {pdf}: -o names the input file itself, which would be overwritten; choose another -o\n"),
    ]
    for args, message in cases:
        result = runner.invoke(cli.main, args)
        assert (result.exit_code, result.output) == (2, message), args
    assert pdf.read_bytes() == before and not (tmp_path / "r.out").exists()


def test_a_report_pair_is_replaced_together_or_not_at_all(runner, layout_pdf, tmp_path):
    html, json_out = tmp_path / "r.html", tmp_path / "r.json"
    html.write_text("old report")
    (tmp_path / "blocker").write_text("a file, so no folder can be made here")
    result = runner.invoke(cli.main, ["analyze", str(layout_pdf[0]), "-q", "-o", str(html), "--json", str(tmp_path / "blocker" / "r.json")])
    assert result.exit_code == EXIT_INPUT
    assert result.output.startswith(f"Error: {tmp_path / 'blocker' / 'r.json'}: ")
    assert html.read_text() == "old report"  # the HTML was ready too, but is not put in place without its JSON
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    result = runner.invoke(cli.main, ["analyze", str(layout_pdf[0]), "-q", "-o", str(html), "--json", str(json_out)])
    assert result.exit_code == 0 and html.read_text().startswith("<!DOCTYPE html>") and json.loads(json_out.read_text())


# ------------------------------------------------------------------ --config files


@pytest.mark.parametrize(
    "toml, message",
    [
        ("x =", "not valid TOML (Invalid value (at line 1, column 4))"),
        ('[score]\npresent_min_score = "abc"', "[score] present_min_score must be a whole number, not 'abc'"),
        ("[score]\npresent_min_scor = 40",
         "unknown setting 'present_min_scor' in [score]; the settings there are min_evidence_words, present_min_passages, present_min_locations, "
         "present_min_score, weak_min_near_misses, near_miss_margin, uncertainty_band"),
        ("[scroe]\npresent_min_score = 40", "unknown table [scroe]; the tables are [extract], [model], [score], [report]"),
        ("score = 40", "'score' must be a table: write [score] and its settings below it"),
        ('[extract]\nocr = "sometimes"', "[extract] ocr must be one of auto, always, never, not 'sometimes'"),
        ("[score]\nnear_miss_margin = 1.5", "[score] near_miss_margin is out of range: 1.5"),
        ("[extract]\ntarget_words = 500", "[extract] target_words (500) must not exceed max_words (150)"),
    ],
)
def test_a_bad_config_file_is_a_usage_error_that_names_the_setting(runner, layout_pdf, tmp_path, toml, message):
    cfg = tmp_path / "docscan.toml"
    cfg.write_text(toml + "\n")
    for command in (["extract", str(layout_pdf[0]), "-q"], ["analyze", str(layout_pdf[0]), "-q", "-o", str(tmp_path / "r.html")]):
        result = runner.invoke(cli.main, [*command, "--config", str(cfg)])
        assert (result.exit_code, result.output) == (2, f"Error: {cfg}: {message}\n"), command
    assert not (tmp_path / "r.html").exists()


def test_a_good_config_file_changes_the_rules(layout_pdf, tmp_path):
    from docscan.config import load_config

    cfg = tmp_path / "docscan.toml"
    cfg.write_text("[score]\npresent_min_score = 60\nnear_miss_margin = 0.2\n[extract]\nocr = \"never\"\n")
    loaded = load_config(cfg)
    assert (loaded["score"]["present_min_score"], loaded["score"]["near_miss_margin"], loaded["extract"]["ocr"]) == (60, 0.2, "never")
    assert loaded["score"]["present_min_passages"] == load_config()["score"]["present_min_passages"]  # the rest: defaults


@pytest.mark.parametrize(
    "args",
    [["classify", "{m}.jsonl"], ["evaluate", "{m}.jsonl"], ["corpus", "validate", "{m}"], ["corpus", "stats", "{m}"],
     ["train", "--corpus", "{m}"], ["analyze", "{m}.pdf"], ["batch", "{m}.pdf", "--out", "{t}/o"]],
)
def test_a_missing_input_is_exit_3_for_every_command(runner, tmp_path, args):
    missing = tmp_path / "missing"
    result = runner.invoke(cli.main, [a.format(m=missing, t=tmp_path) for a in args])
    assert result.exit_code == EXIT_INPUT, result.output
    assert result.output.startswith(f"Error: {missing}") and result.output.count("\n") == 1


def test_writing_to_a_pipe_or_through_a_link_keeps_the_pipe_and_the_link(runner, layout_pdf, tmp_path):
    """-o /dev/null must not replace the device with a file (as a rename would, for root); a named pipe stands in for it."""
    import os
    import stat
    import threading

    from docscan.io import atomic_write_all, atomic_writer

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    result = runner.invoke(cli.main, ["extract", str(layout_pdf[0]), "-q", "-o", str(fifo)])
    reader.join(timeout=30)
    assert result.exit_code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and json.loads(got[0].splitlines()[0])["id"]

    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    with atomic_writer(link) as fh:
        fh.write("new")
    assert link.is_symlink() and real.read_text() == "new"
    atomic_write_all([(link, "newer"), (tmp_path / "other.json", "{}")])
    assert link.is_symlink() and real.read_text() == "newer"


def test_an_os_error_without_a_file_name_is_an_unexpected_failure_not_a_traceback(runner, layout_pdf, monkeypatch):
    import errno

    from docscan import api

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(api, "extract_document", broken)
    result = runner.invoke(cli.main, ["extract", str(layout_pdf[0]), "-q"])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert result.output.startswith("Error: unexpected failure: OSError: [Errno 5] Input/output error")


def test_train_options_are_checked_by_the_library_with_a_one_line_message(runner, tmp_path):
    result = runner.invoke(cli.main, ["train", "--folds", "1", "--out", str(tmp_path / "m")])
    assert (result.exit_code, result.output) == (2, "Error: --folds must be a whole number of at least 2, not 1; use 2 or more folds\n")
