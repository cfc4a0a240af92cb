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
