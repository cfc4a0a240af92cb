"""docscan analyze end to end: CLI, output paths, JSON, escaping of PDF text, bad input."""
from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import require_font

from docscan import cli
from docscan.errors import EXIT_NOT_PDF


def test_analyze_writes_default_report_path_and_prints_it(example_pdf, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli.main, ["analyze", str(example_pdf), "-q", "--json", "out/plan.json"])
    assert r.exit_code == 0, r.output
    assert r.stdout == "reports/informatiebeleidsplan-veenendrecht.html\n"
    html = (tmp_path / "reports" / "informatiebeleidsplan-veenendrecht.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and 'lang="nl"' in html
    data = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert data["schema_version"] == 1
    assert {t["theme"] for t in data["themes"]} == {"strategie", "leiderschap", "delen", "draagvlak", "experimenteren", "realisatie"}


def test_analyze_prints_verdicts_to_stderr(example_pdf, tmp_path):
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli.main, ["analyze", str(example_pdf), "-o", str(out)])
    assert r.exit_code == 0
    assert r.stdout == f"{out}\n"
    assert "experimenteren  missing" in r.stderr and "maturity phase:" in r.stderr


def test_text_from_the_pdf_is_escaped_in_the_report(tmp_path):
    require_font()
    import pdfgen

    evil = [
        "De gemeente <script>alert(1)</script> kiest voor een organisatiebrede digitale strategie met een heldere koers.",
        'Een aanjager "><img src=x onerror=alert(1)> op directieniveau draagt de digitale transformatie uit.',
    ]
    pdf = tmp_path / "evil.pdf"
    pdfgen.simple_pdf(str(pdf), [evil, evil[::-1]])
    out = tmp_path / "evil.html"
    r = CliRunner().invoke(cli.main, ["analyze", str(pdf), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "<script" not in html.lower() or "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;" in html


def test_analyze_bad_input_writes_nothing(tmp_path):
    f = tmp_path / "plan.pdf"
    f.write_text("geen pdf")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli.main, ["analyze", str(f), "-o", str(out)])
    assert r.exit_code == EXIT_NOT_PDF
    assert r.output.startswith(f"Error: {f}: not a PDF")
    assert not out.exists()
