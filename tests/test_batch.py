"""docscan batch: inputs, the results database, skipping, failures, kill-and-resume,
PostgreSQL, Dask, export and the overview page.

The documents are small generated plans (two or three pages, fpdf2), so a
batch takes a few seconds; most of that is starting the worker processes.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CHROMIUM_ARGS, ROOT, require, require_font

from docscan import api, cli
from docscan.batch import executors
from docscan.batch.db import SCHEMA_VERSION, ResultsDB, default_url
from docscan.batch.inputs import collect_inputs, read_manifest
from docscan.batch.worker import Task
from docscan.errors import EXIT_DATABASE, EXIT_INPUT, EXIT_PARTIAL, DatabaseError, InputFileError

pytestmark = pytest.mark.timeout(300)

# ------------------------------------------------------------------ documents

SENTENCES = {
    "strategie": [
        "De digitale strategie van de gemeente verbindt dienstverlening, bedrijfsvoering en informatievoorziening tot één koers voor de hele organisatie.",
        "Onze visie op digitalisering is integraal: iedere directie vertaalt de digitale agenda naar haar eigen jaarplan.",
        "Voor de lange termijn kiezen wij voor gegevens die één keer worden vastgelegd en overal worden hergebruikt.",
    ],
    "leiderschap": [
        "De gemeentesecretaris is de aanjager van de digitale transformatie en draagt de verandering in de directie.",
        "Het college stelt een Chief Information Officer aan die de digitale visie uitdraagt en de organisatie meekrijgt.",
    ],
    "delen": [
        "Medewerkers van I&A en de vakafdelingen werken samen in multidisciplinaire teams en delen hun kennis.",
        "Ervaren collega's dragen hun kennis over aan nieuwe medewerkers via een intern kennisplatform.",
    ],
    "draagvlak": [
        "Wij investeren in digitale vaardigheden van medewerkers en bieden trainingen aan iedereen die dat wil.",
        "Inwoners die minder digitaal vaardig zijn krijgen hulp in de bibliotheek; niemand mag buiten de boot vallen.",
    ],
    "experimenteren": [
        "In een kleine pilot testen wij samen met inwoners een chatbot voor vragen over afval, met een eigen budget om te experimenteren.",
        "We beginnen klein met experimenten in een proeftuin en leren snel van wat werkt en wat niet.",
    ],
    "realisatie": [
        "Elk project heeft een eigenaar, een planning, een begroting en indicatoren; de raad ontvangt twee keer per jaar een voortgangsrapportage.",
        "De uitvoeringsagenda noemt per kwartaal de projecten, de verantwoordelijke teamleider en het budget.",
    ],
}
FILLER = (
    "De gemeente werkt aan een betrouwbare en toegankelijke dienstverlening voor inwoners en ondernemers. "
    "Het college informeert de raad over de voortgang van de plannen."
)


def plan_pdf(path: Path, themes: tuple[str, ...], title: str = "Informatiebeleidsplan", pages: int = 2) -> Path:
    """A small plan with paragraphs about ``themes`` spread over ``pages`` pages."""
    import pdfgen

    per_page = []
    for n in range(pages):
        paras = [f"{n + 1} {title}" if n else title, FILLER]
        for t in themes:
            bank = SENTENCES[t]
            paras.append(bank[n % len(bank)] + " " + bank[(n + 1) % len(bank)])
        paras.append(f"Deze alinea {n + 1} gaat over de organisatie van het werk in {path.stem}.")
        per_page.append(paras)
    pdfgen.simple_pdf(str(path), per_page)
    return path


GOOD = {
    "alpha.pdf": ("strategie", "realisatie", "delen"),
    "beta.pdf": ("draagvlak", "experimenteren"),
    "gamma.pdf": ("leiderschap", "strategie", "draagvlak", "realisatie"),
}


def encrypted_pdf(path: Path) -> Path:
    import pdfgen

    pdf = pdfgen._pdf()
    pdf.add_page()
    pdf.set_font("dv", "", 10)
    pdf.text(50, 50, "Vertrouwelijk plan")
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """Three good plans (one in a subfolder) and three broken files."""
    require_font()
    d = tmp_path_factory.mktemp("plans")
    (d / "sub").mkdir()
    for name, themes in GOOD.items():
        plan_pdf((d / "sub" / name) if name == "gamma.pdf" else (d / name), themes)
    (d / "sub" / "empty.pdf").write_bytes(b"")
    (d / "corrupt.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)  # a PDF name, not PDF content
    encrypted_pdf(d / "sub" / "locked.pdf")
    (d / "notes.txt").write_text("not a PDF, and not in a folder scan")
    return d


@pytest.fixture(scope="module")
def good_dir(corpus_dir, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("good")
    for name in GOOD:
        src = corpus_dir / name if (corpus_dir / name).exists() else corpus_dir / "sub" / name
        shutil.copy(src, d / name)
    return d


def invoke(*args):
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def db_counts(out: Path) -> dict:
    db = ResultsDB.open(default_url(out), create=False)
    try:
        return db.counts()
    finally:
        db.close()


def sqlite_rows(out: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(out / "results.sqlite")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def leftovers(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*") if p.name.endswith(".tmp") or (p.name.startswith(".") and p.name != ".docscan-batch.lock")]


# ------------------------------------------------------------------ inputs


def test_inputs_folders_files_and_manifest(corpus_dir, tmp_path):
    docs = collect_inputs([corpus_dir])
    names = [d.name for d in docs]
    assert names == ["alpha.pdf", "beta.pdf", "corrupt.pdf", "empty.pdf", "gamma.pdf", "locked.pdf"]  # recursive, PDFs only
    # a file named explicitly is taken whatever its extension; the same file twice is listed once
    docs = collect_inputs([corpus_dir / "notes.txt", corpus_dir / "alpha.pdf", corpus_dir])
    assert [d.name for d in docs][:2] == ["notes.txt", "alpha.pdf"] and len(docs) == 7

    manifest = tmp_path / "lijst.csv"
    manifest.write_text(
        "\ufeffPad;Gemeente;Jaar;Soort\n"
        f"{corpus_dir / 'alpha.pdf'};Lindewaard;2021;IBP\n"
        f"{os.path.relpath(corpus_dir / 'sub', tmp_path)};Veenendrecht;2024.0;I-visie\n"
        "\n"
        "ontbreekt.pdf;Nergenshuizen;;\n",
        encoding="utf-8",
    )
    docs = read_manifest(str(manifest))
    by_name = {d.name: d for d in docs}
    assert by_name["alpha.pdf"].municipality == "Lindewaard" and by_name["alpha.pdf"].year == 2021
    assert by_name["gamma.pdf"].municipality == "Veenendrecht" and by_name["gamma.pdf"].year == 2024  # a folder row
    assert by_name["gamma.pdf"].doctype == "I-visie"
    assert by_name["ontbreekt.pdf"].path == str(tmp_path / "ontbreekt.pdf") and by_name["ontbreekt.pdf"].year is None
    # folder + manifest: one entry per file, metadata merged
    merged = {d.name: d for d in collect_inputs([corpus_dir, manifest])}
    assert merged["alpha.pdf"].municipality == "Lindewaard" and len(merged) == 7


def test_linked_folders_are_followed_once_and_cannot_loop(corpus_dir, tmp_path):
    top = tmp_path / "plans"
    top.mkdir()
    shutil.copy(corpus_dir / "alpha.pdf", top / "alpha.pdf")
    (top / "share").symlink_to(corpus_dir / "sub")  # a share linked into the tree
    (top / "loop").symlink_to(top)  # a link back up
    (top / "again").symlink_to(corpus_dir / "sub")  # the same share twice
    names = sorted(d.name for d in collect_inputs([top]))
    assert names == ["alpha.pdf", "empty.pdf", "gamma.pdf", "locked.pdf"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("path,year\na.pdf,twintig\n", "{m}:2: year 'twintig' is not a number"),
        ("path,year\na.pdf,99999\n", "{m}:2: year 99999 is out of range"),
        ("file_name,year\na.pdf,2020\n", "{m}:1: the manifest has no 'path' column"),
        ("path,municipality\n,Lindewaard\n", "{m}:2: the path is empty"),
        ("", "{m}: the manifest is empty"),
    ],
)
def test_bad_manifest_names_the_line(tmp_path, content, message):
    m = tmp_path / "m.csv"
    m.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        collect_inputs([m])
    assert str(err.value).startswith(message.format(m=m))


def test_missing_input_and_empty_folder_are_usage_errors(tmp_path):
    with pytest.raises(InputFileError, match="nope: file or folder not found"):
        collect_inputs([tmp_path / "nope"])
    (tmp_path / "leeg").mkdir()
    result = invoke("batch", tmp_path / "leeg", "--out", tmp_path / "out")
    assert result.exit_code == EXIT_INPUT and "no PDF files found" in result.output


# ------------------------------------------------------------------ a batch, again, and forced


@pytest.fixture(scope="module")
def first_run(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    seen = []
    result = api.run_batch([corpus_dir], out, jobs=2, progress=lambda d, t: seen.append((d, t)))
    return out, result, seen


def test_batch_writes_reports_rows_and_records_failures(first_run):
    out, result, seen = first_run
    assert (result.total, result.analysed, result.skipped, result.failed) == (6, 3, 0, 3)
    assert seen[-1] == (6, 6) and all(t == 6 for _, t in seen)
    errors = {i.name: i for i in result.failures}
    assert errors["empty.pdf"].error_type == "NotAPDFError" and "the file is empty" in errors["empty.pdf"].error
    assert errors["locked.pdf"].error_type == "EncryptedPDFError" and "encrypted" in errors["locked.pdf"].error
    assert errors["corrupt.pdf"].error_type in ("CorruptPDFError", "NotAPDFError")
    counts = db_counts(out)
    assert counts["documents"] == 3 and counts["theme_scores"] == 18 and counts["maturity"] == 3
    assert counts["errors"] == 3 and counts["runs"] == 1 and counts["passages"] >= counts["predictions"] > 0
    for it in result.items:
        if it.status == "analysed":
            assert json.loads(Path(it.json_path).read_text())["document"]["sha256"] == it.sha256
            assert Path(it.html_path).read_text().startswith("<!DOCTYPE html>")
    # the stored failures name the file and its problem
    rows = sqlite_rows(out, "select name, error_type, exit_code from errors order by name")
    assert [r[0] for r in rows] == ["corrupt.pdf", "empty.pdf", "locked.pdf"]
    assert {r[0]: r[2] for r in rows}["locked.pdf"] == 5
    assert leftovers(out) == []
    # the stages' times, as the benchmark reads them: workers ready before the first result came in
    tm = result.timings
    assert tm["prepare"] > 0 and 0 < tm["ready"] < tm["start"] <= tm["analyse"] < result.seconds


def test_overview_lists_documents_counts_and_failures(first_run):
    out, result, _ = first_run
    html = (out / "index.html").read_text()
    for name in GOOD:
        assert f">{name}</a>" in html
    for it in result.failures:
        assert it.name in html
    assert "the file is empty (0 bytes)" in html
    assert re.search(r'<tr data-theme="strategie">\s*<th scope="row">Digitale strategie</th>', html)
    # every link points to a report that exists
    for href in re.findall(r'<a href="([^"]+)"', html):
        assert (out / href).is_file(), href


def test_second_run_skips_everything_stored_and_force_redoes_it(first_run, corpus_dir):
    out, _, _ = first_run
    before = db_counts(out)
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "reports").iterdir()}
    result = invoke("batch", corpus_dir, "--out", out, "--jobs", "1")
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "6 documents: 0 analysed, 3 already stored, 3 failed" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 3 of 6 documents failed;")
    assert result.stdout == f"{out / 'index.html'}\n"
    after = db_counts(out)
    assert {k: v for k, v in after.items() if k not in ("runs", "errors")} == {
        k: v for k, v in before.items() if k not in ("runs", "errors")
    }
    assert after["runs"] == before["runs"] + 1 and after["errors"] == before["errors"] + 3
    assert {p: p.stat().st_mtime_ns for p in (out / "reports").iterdir()} == mtimes

    # a deleted report is rewritten on the next run; --force redoes all, without duplicate rows
    victim = next((out / "reports").glob("beta-*.html"))
    victim.unlink()
    again = api.run_batch([corpus_dir], out, jobs=1)
    assert again.analysed == 1 and victim.exists()
    forced = api.run_batch([corpus_dir / "alpha.pdf", corpus_dir / "beta.pdf"], out, jobs=2, force=True)
    assert forced.analysed == 2 and forced.failed == 0
    final = db_counts(out)
    assert final["documents"] == 3 and final["passages"] == before["passages"] and final["theme_scores"] == 18
    assert sqlite_rows(out, "select count(*), count(distinct sha256) from documents") == [(3, 3)]


def test_fail_fast_stops_at_the_first_failure(corpus_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("alpha.pdf", "beta.pdf"):
        shutil.copy(corpus_dir / name, src / name)
    # the largest file is analysed first (not the first by name): the corrupt one, so the others are not run
    size = max(p.stat().st_size for p in src.iterdir())
    (src / "z-corrupt.pdf").write_bytes((corpus_dir / "corrupt.pdf").read_bytes() * (size // 2000 + 2))
    out = tmp_path / "out"
    result = invoke("batch", src, "--out", out, "--jobs", "1", "--fail-fast")
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "1 failed" in result.stderr and "not run (--fail-fast)" in result.stderr
    counts = db_counts(out)
    assert counts["errors"] == 1 and counts["documents"] < 2
    html = (out / "index.html").read_text()
    assert "Gestopt bij de eerste fout" in html and "z-corrupt.pdf" in html
    assert sqlite_rows(out, "select status from runs") == [("stopped",)]


def test_missing_file_in_manifest_is_a_recorded_failure(good_dir, tmp_path):
    m = tmp_path / "m.csv"
    m.write_text(f"path,municipality\n{good_dir / 'alpha.pdf'},Lindewaard\nweg.pdf,Lindewaard\n", encoding="utf-8")
    result = api.run_batch([m], tmp_path / "out", jobs=1)
    assert (result.analysed, result.failed) == (1, 1)
    assert result.failures[0].error == f"{tmp_path / 'weg.pdf'}: file not found; check the path and try again"


# ------------------------------------------------------------------ schema version guard


def test_changed_settings_are_analysed_again_and_the_same_settings_skipped(good_dir, tmp_path):
    out = tmp_path / "out"
    assert api.run_batch([good_dir], out, jobs=1).analysed == 3
    stricter = tmp_path / "stricter.toml"
    stricter.write_text("[score]\npresent_min_passages = 6\n", encoding="utf-8")
    again = invoke("batch", good_dir, "--out", out, "--config", stricter, "--jobs", "1")
    assert again.exit_code == 0 and "3 documents: 3 analysed, 0 already stored" in again.stderr
    hashes = sqlite_rows(out, "select distinct settings_hash from documents")
    assert len(hashes) == 1 and len(hashes[0][0]) == 64
    same = invoke("batch", good_dir, "--out", out, "--config", stricter, "--jobs", "1")
    assert "3 documents: 0 analysed, 3 already stored" in same.stderr
    assert sqlite_rows(out, "select count(*) from documents") == [(3,)]


def test_schema_1_database_is_upgraded_and_its_documents_analysed_once_more(good_dir, tmp_path):
    out = tmp_path / "out"
    assert api.run_batch([good_dir], out, jobs=1).analysed == 3
    con = sqlite3.connect(out / "results.sqlite")  # make it what docscan 0.1 with schema 1 wrote
    con.execute("alter table documents drop column seen_run_id")
    con.execute("alter table documents drop column settings_hash")
    con.execute("update schema_version set version = 1")
    con.commit()
    con.close()
    result = invoke("results", "export", "--out", out)  # reading does not change the file
    assert result.exit_code == EXIT_DATABASE and f"schema version 1 is older than {SCHEMA_VERSION}; run 'docscan batch' once" in result.output
    first = api.run_batch([good_dir], out, jobs=1)
    assert (first.analysed, first.skipped) == (3, 0)  # no settings hash stored: results are made again
    assert sqlite_rows(out, "select version from schema_version") == [(SCHEMA_VERSION,)]
    assert sqlite_rows(out, "select count(*), count(settings_hash), count(seen_run_id) from documents") == [(3, 3, 3)]
    assert api.run_batch([good_dir], out, jobs=1).skipped == 3


def test_newer_database_is_refused(good_dir, tmp_path):
    out = tmp_path / "out"
    assert api.run_batch([good_dir / "alpha.pdf"], out, jobs=1).analysed == 1
    con = sqlite3.connect(out / "results.sqlite")
    con.execute("update schema_version set version = ?, docscan_version = '9.0.0'", (SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    result = invoke("batch", good_dir, "--out", out, "-q")
    assert result.exit_code == EXIT_DATABASE
    assert result.output == (
        f"Error: sqlite:///{out / 'results.sqlite'}: written by a newer docscan (9.0.0, results schema version "
        f"{SCHEMA_VERSION + 1}; this docscan reads up to version {SCHEMA_VERSION}); upgrade docscan or use another --db\n"
    )
    result = invoke("results", "export", "--out", out)
    assert result.exit_code == EXIT_DATABASE and "written by a newer docscan" in result.output


def test_foreign_or_missing_database_gives_a_clear_error(tmp_path, good_dir):
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("create table documents (x int)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a docscan results database"):
        ResultsDB.open(f"sqlite:///{foreign}")
    result = invoke("results", "export", "--db", f"sqlite:///{tmp_path / 'nothing.sqlite'}")
    assert result.exit_code == EXIT_DATABASE and "no results database there" in result.output
    assert not (tmp_path / "nothing.sqlite").exists()
    result = invoke("batch", good_dir, "--out", tmp_path / "o", "--db", "nonsense://")
    assert result.exit_code == EXIT_DATABASE
    result = invoke("results", "export", "--db", "x", "--out", tmp_path)
    assert result.exit_code == 2 and "either --db URL or --out DIR" in result.output
    result = invoke("batch", good_dir, "--out", tmp_path / "o", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "--scheduler needs --executor dask" in result.output


# ------------------------------------------------------------------ export


def test_export_csv_and_json(first_run, tmp_path):
    out, _result, _ = first_run
    res = invoke("results", "export", "--out", out, "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert sorted(r["name"] for r in rows) == sorted(GOOD)
    assert {"strategie_verdict", "strategie_score", "realisatie_verdict", "maturity_phase", "sha256"} <= set(rows[0])
    stored = dict(sqlite_rows(out, "select d.name || '/' || t.theme, t.verdict from theme_scores t join documents d on d.id = t.document_id"))
    for r in rows:
        assert r["strategie_verdict"] == stored[f"{r['name']}/strategie"]
        assert r["strategie_verdict"] in ("present", "weak", "missing") and 0 <= float(r["strategie_score"]) <= 100

    target = tmp_path / "export.json"
    res = invoke("results", "export", "--db", default_url(out), "--format", "json", "-o", target)
    assert res.exit_code == 0 and res.stdout == ""
    data = json.loads(target.read_text())
    assert data["schema_version"] == SCHEMA_VERSION and len(data["documents"]) == 3
    doc = data["documents"][0]
    assert set(doc["themes"]) == {"strategie", "leiderschap", "delen", "draagvlak", "experimenteren", "realisatie"}
    assert set(doc["maturity"]["shares"]) == {"1.0", "2.0", "3.0"}
    assert {f["name"] for f in data["failures"]} <= {"corrupt.pdf", "empty.pdf", "locked.pdf"}


def test_csv_export_defuses_spreadsheet_formulas(good_dir, tmp_path):
    m = tmp_path / "m.csv"
    m.write_text(f'path,municipality\n{good_dir / "beta.pdf"},"=HYPERLINK(""http://x"")"\n', encoding="utf-8")
    out = tmp_path / "out"
    api.run_batch([m], out, jobs=1)
    text = api.export_results(default_url(out), "csv")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["municipality"] == "'=HYPERLINK(\"http://x\")"


# ------------------------------------------------------------------ overview escaping


def test_overview_escapes_everything_and_allows_only_its_own_script(good_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    hostile = src / 'plan"<img src=x onerror=alert(1)>.pdf'
    shutil.copy(good_dir / "alpha.pdf", hostile)
    (src / "<b>kapot<i>.pdf").write_bytes(b"")
    m = tmp_path / "m.csv"
    with open(m, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "municipality", "year", "doctype"])
        w.writerow([str(hostile), "<script>alert('gemeente')</script>", "2020", "</td><td>&amp;"])
        w.writerow([str(src / "<b>kapot<i>.pdf"), "Lindewaard", "", ""])
    out = tmp_path / "out"
    result = api.run_batch([m], out, jobs=1)
    assert (result.analysed, result.failed) == (1, 1)
    html = (out / "index.html").read_text()
    assert "<img" not in html and "<b>" not in html and "alert('gemeente')</script>" not in html
    assert "&lt;script&gt;alert(&#39;gemeente&#39;)&lt;/script&gt;" in html
    assert "&lt;/td&gt;&lt;td&gt;&amp;amp;" in html
    assert "&lt;b&gt;kapot&lt;i&gt;.pdf" in html
    # exactly one script, allowed by its hash; nothing else may load
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and html.count("<script") == 1
    import base64
    import hashlib
    from html import unescape

    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))

    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert csp == f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


# ------------------------------------------------------------------ kill and resume


def _docscan(*args) -> list[str]:
    return [sys.executable, "-m", "docscan.cli", *map(str, args)]


def test_sigkill_mid_run_then_rerun_finishes_without_duplicates(corpus_dir, tmp_path):
    import psutil

    src = tmp_path / "in"
    src.mkdir()
    names = []
    for i, themes in enumerate([("strategie",), ("delen", "draagvlak"), ("realisatie",), ("experimenteren", "strategie"), ("leiderschap",)]):
        names.append(f"plan{i}.pdf")
        plan_pdf(src / names[-1], themes, pages=3)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_docscan("batch", src, "--out", out, "--jobs", "1"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if list((out / "reports").glob("*.html")) if (out / "reports").exists() else []:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be killed: " + proc.stderr.read().decode()
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # the workers notice that their batch is gone and exit
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], alive
    first = sqlite_rows(out, "select count(*) from documents")[0][0] if (out / "results.sqlite").exists() else 0
    assert first < len(names)

    rerun = subprocess.run(_docscan("batch", src, "--out", out, "--jobs", "2", "-q"), env=env, capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout == f"{out / 'index.html'}\n"
    # every document exactly once, every child row once, nothing half-written left
    assert sqlite_rows(out, "select count(*), count(distinct sha256) from documents") == [(5, 5)]
    assert sorted(r[0] for r in sqlite_rows(out, "select name from documents")) == names
    assert sqlite_rows(out, "select count(*) = count(distinct document_id || '/' || passage_id) from passages") == [(1,)]
    assert sqlite_rows(out, "select count(*) = count(distinct document_id || '/' || passage_id) from predictions") == [(1,)]
    assert sqlite_rows(out, "select count(*), count(distinct document_id) from theme_scores") == [(30, 5)]
    assert sqlite_rows(out, "select count(*) from maturity") == [(5,)]
    assert sqlite_rows(out, "select count(*) from passages where document_id not in (select id from documents)") == [(0,)]
    assert leftovers(out) == []
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert len(reports) == 10
    for p in (out / "reports").glob("*.json"):
        assert json.loads(p.read_text())["document"]["name"] in names  # complete JSON
    for p in (out / "reports").glob("*.html"):
        assert p.read_text().rstrip().endswith("</html>")
    # the killed run is marked as such by the next one (which holds the folder's lock)
    assert sqlite_rows(out, "select status from runs order by id") == [("killed",), ("finished",)]


def _interrupt(args: list, out: Path, when) -> subprocess.CompletedProcess:
    """Run ``docscan batch`` in its own process group and send SIGINT to the whole group, as a terminal's
    Ctrl-C does (the workers and the fork server get it too), once ``when(batch)`` is true (``batch``: its psutil.Process)."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        _docscan("batch", *args, "--out", out), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        batch = psutil.Process(proc.pid)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None and not when(batch):
            time.sleep(0.01)
        assert proc.poll() is None, "the batch finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _fork_server_started(batch) -> bool:
    """The batch process has started its fork server (which then preloads docscan for about 1.4 s)."""
    import psutil

    try:
        return any("forkserver" in " ".join(p.cmdline()) for p in batch.children(recursive=True))
    except psutil.Error:  # a child came and went while we looked
        return False


@pytest.mark.parametrize("moment", ["while the workers start", "mid-run"])
def test_ctrl_c_prints_one_line_and_the_overview_says_the_run_was_interrupted(good_dir, tmp_path, moment):
    src = tmp_path / "in"
    src.mkdir()
    for name in GOOD:
        shutil.copy(good_dir / name, src / name)
    for i in range(6):
        plan_pdf(src / f"extra{i}.pdf", ("strategie", "delen"), pages=3)
    out = tmp_path / "out"
    if moment == "mid-run":
        when = lambda batch: (out / "reports").exists() and len(list((out / "reports").glob("*.json"))) >= 2  # noqa: E731
    else:
        # SIGINT lands while the fork server preloads docscan (no worker forked yet), a moment after its start
        # (during the few milliseconds of the start itself, the batch process ignores SIGINT too)
        seen: list[float] = []

        def when(batch) -> bool:
            if not seen and _fork_server_started(batch):
                seen.append(time.monotonic())
            return bool(seen) and time.monotonic() - seen[0] > 0.1
    res = _interrupt([src, "--jobs", "2"], out, when)
    assert res.returncode == 130, res.stderr
    assert res.stderr == "Error: interrupted; work already written is kept\n"  # no traceback from any worker
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Deze run is onderbroken" in page and "elk bestand is verwerkt" not in page
    assert sqlite_rows(out, "select status from runs") == [("interrupted",)]
    done = sqlite_rows(out, "select count(*) from documents")[0][0]
    analysed = int(re.search(r"<dt>Geanalyseerd</dt><dd>(\d+)</dd>", page).group(1))
    # every document is counted once; one stored at the very moment of the interrupt may count as not run
    assert f"<dt>Niet verwerkt</dt><dd>{9 - analysed}</dd>" in page and done - 1 <= analysed <= done
    again = invoke("batch", src, "--out", out, "-q")
    assert again.exit_code == 0, again.output
    assert sqlite_rows(out, "select count(*), count(distinct sha256) from documents") == [(9, 9)]


def test_ctrl_c_while_a_dask_cluster_starts_prints_one_line(good_dir, tmp_path):
    seen: list[float] = []

    def starting(batch) -> bool:
        # the fork server is up and this process imports distributed and starts the scheduler and nannies
        if not seen and _fork_server_started(batch):
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] > 0.4

    res = _interrupt([good_dir, "--executor", "dask", "--jobs", "2"], tmp_path / "out", starting)
    assert res.returncode == 130, res.stderr
    assert res.stderr == "Error: interrupted; work already written is kept\n"


def test_a_failed_cluster_start_keeps_the_earlier_results_in_the_overview(good_dir, tmp_path):
    out = tmp_path / "out"
    assert invoke("batch", good_dir, "--out", out, "-q").exit_code == 0
    res = invoke("batch", good_dir, "--out", out, "--force", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert res.exit_code == 12 and res.output.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Deze run is onderbroken" in page and "<dt>Niet verwerkt</dt><dd>3</dd>" in page
    # the documents not run this time still show their stored results, marked as earlier ones
    assert page.count("niet verwerkt in deze run; het resultaat van een eerdere run") == 3
    assert sqlite_rows(out, "select status from runs order by id") == [("finished",), ("interrupted",)]


def test_a_busy_output_folder_is_exit_11(good_dir, tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".docscan-batch.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running batch holds it
        res = invoke("batch", good_dir, "--out", out)
    assert res.exit_code == 11
    assert res.output == f"Error: {out}: another docscan batch is writing to this folder; wait for it to finish or choose another --out\n"


def test_file_system_errors_are_one_line_and_exit_3(good_dir, tmp_path):
    out = tmp_path / "out"
    (tmp_path / "afile").write_text("x")
    res = invoke("batch", good_dir, "--out", out, "--db", f"sqlite:///{tmp_path / 'afile' / 'r.sqlite'}")
    assert res.exit_code == EXIT_DATABASE and res.output.startswith(f"Error: {tmp_path / 'afile'}: cannot create the database's folder")
    assert invoke("batch", good_dir, "--out", out, "-q").exit_code == 0
    # a report that cannot be written (here: its name is taken by a folder): the path and the problem, exit 3
    res = invoke("results", "export", "--out", out, "-o", tmp_path / "afile" / "x.csv")
    assert res.exit_code == EXIT_INPUT
    assert re.fullmatch(rf"Error: {re.escape(str(tmp_path / 'afile' / 'x.csv'))}: (Not a directory|File exists); check the path, its permissions and the free disk space\n", res.output)


def test_a_changed_file_has_one_current_result(good_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(good_dir / "alpha.pdf", src / "plan.pdf")
    out = tmp_path / "out"

    def exported(*extra):
        res = invoke("results", "export", "--out", out, "--format", "json", *extra)
        return [(Path(d["path"]).name, d["sha256"], d["current"]) for d in json.loads(res.output)["documents"]]

    assert invoke("batch", src, "--out", out, "-q").exit_code == 0
    old = exported()[0][1]
    shutil.copy(good_dir / "beta.pdf", src / "plan.pdf")  # the file changes
    assert invoke("batch", src, "--out", out, "-q").exit_code == 0
    new = exported()[0][1]
    assert new != old and exported() == [("plan.pdf", new, True)]
    assert sorted(exported("--superseded")) == sorted([("plan.pdf", old, False), ("plan.pdf", new, True)])
    shutil.copy(good_dir / "alpha.pdf", src / "plan.pdf")  # and back: the stored result is current again
    res = invoke("batch", src, "--out", out)
    assert res.exit_code == 0 and "1 already stored" in res.output
    assert exported() == [("plan.pdf", old, True)]
    rows = list(csv.DictReader(io.StringIO(invoke("results", "export", "--out", out, "--superseded").output)))
    assert sorted(r["current"] for r in rows) == ["False", "True"]


def test_copies_of_a_failed_file_share_its_exit_code(corpus_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(corpus_dir / "sub" / "locked.pdf", src / "a.pdf")
    shutil.copy(corpus_dir / "sub" / "locked.pdf", src / "b.pdf")
    res = invoke("batch", src, "--out", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == EXIT_PARTIAL
    rows = sqlite_rows(tmp_path / "out", "select name, error_type, exit_code, message from errors order by name")
    assert [r[:3] for r in rows] == [("a.pdf", "EncryptedPDFError", 5), ("b.pdf", "EncryptedPDFError", 5)]
    # a batch has no --password: the message says how to analyse the file
    assert rows[0][3].endswith("the PDF is encrypted; analyse it on its own with 'docscan analyze FILE --password ...'")


# ------------------------------------------------------------------ worker crash isolation


def crash_on_marker(task: Task, data=None):
    """A worker function that dies like a segfaulting PDF library on files named *crash*."""
    if "crash" in os.path.basename(task.path):
        os._exit(139)
    return {"ok": True, "path": task.path, "pid": os.getpid(), "seconds": 0.0, "peak_rss": 0}


def test_a_dying_worker_fails_only_its_own_document(tmp_path):
    tasks = [Task(f"{i:064d}", str(tmp_path / n), "", {}) for i, n in enumerate(["a.pdf", "crash.pdf", "b.pdf", "c.pdf", "d.pdf"])]
    ex = executors.LocalExecutor(2, None, fn=crash_on_marker)
    try:
        results = {os.path.basename(t.path): o for t, o in ex.imap_unordered(tasks)}
    finally:
        ex.close()
    assert sorted(results) == ["a.pdf", "b.pdf", "c.pdf", "crash.pdf", "d.pdf"]
    assert [n for n, o in results.items() if not o["ok"]] == ["crash.pdf"]
    assert results["crash.pdf"]["error_type"] == "WorkerDied" and "worker process died" in results["crash.pdf"]["message"]


PROBE = r"""
import json, multiprocessing, os, signal, sys
from docscan import model
from docscan.batch import executors
from docscan.batch.worker import Task


def probe(task):
    inherited = "docscan.batch.preload" in sys.modules  # imported by the fork server, before the fork
    from docscan.batch import preload, worker

    loaded = [m for m in ("spacy", "sqlalchemy", "pypdfium2", "jinja2") if m in sys.modules]
    return {"ok": True, "pid": os.getpid(), "ppid": os.getppid(), "error": preload.ERROR, "inherited": inherited,
            "warmed": sorted(map(str, worker._warmed)), "loaded": loaded, "seconds": 0.0, "peak_rss": 0,
            "ignores_ctrl_c": signal.getsignal(signal.SIGINT) == signal.SIG_IGN}


if __name__ == "__main__":
    path = str(model.resolve(None))
    ex = executors.LocalExecutor(2, path, fn=probe)
    try:
        out = [o for _, o in ex.imap_unordered([Task(f"{i:064d}", f"{i}.pdf", path, {}) for i in range(6)])]
    finally:
        ex.close()
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    print(json.dumps({"outcomes": out, "server": server, "me": os.getpid(), "model": path, "spacy_here": "spacy" in sys.modules,
                      "ctrl_c_here": signal.getsignal(signal.SIGINT) is signal.default_int_handler}))
"""


def test_pool_workers_are_forked_warm_from_a_preloading_fork_server(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    outcomes = data["outcomes"]
    assert len(outcomes) == 6 and len({o["pid"] for o in outcomes}) <= 2
    for o in outcomes:
        assert o["ppid"] == data["server"] != data["me"]  # forked by the server, not by the batch process
        assert o["inherited"] and o["error"] is None
        assert o["warmed"] == [data["model"]]  # the model and the warm-up document were done before the fork
        assert o["loaded"] == ["spacy", "pypdfium2", "jinja2"]  # no SQLAlchemy: workers never touch the database
        assert o["ignores_ctrl_c"]  # inherited from the server: the batch process alone handles Ctrl-C
    assert data["spacy_here"] is False  # the batch process itself stays light
    assert data["ctrl_c_here"]  # and gets its Ctrl-C handler back after starting the server


# ------------------------------------------------------------------ Dask


def _verdicts(out_dir: Path, db_url: str | None = None) -> dict:
    db = ResultsDB.open(db_url or default_url(out_dir), create=False)
    try:
        data = db.export()
    finally:
        db.close()
    return {
        d["sha256"]: (d["pages"], d["passages"], d["maturity_phase"], {t: (r["verdict"], round(r["score"], 3)) for t, r in data["themes"][d["id"]].items()})
        for d in data["documents"]
    }


def _preloaded():
    import os
    import sys

    if "docscan.batch.preload" not in sys.modules:  # not loaded when the worker started
        return "not preloaded", []
    from docscan.batch import preload, worker

    return preload.ERROR, [os.path.basename(str(m or "docscan-nl")) for m in worker._warmed]


def test_dask_cluster_gives_the_same_results_as_the_process_pool(good_dir, first_run, tmp_path):
    from distributed import Client, LocalCluster

    local_out, _, _ = first_run
    expected = _verdicts(local_out)
    # started as the README says for a real cluster: dask worker ... --preload docscan.batch.preload
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, preload=["docscan.batch.preload"]
    ) as cluster:
        with Client(cluster) as client:
            warm = client.run(_preloaded)
        assert list(warm.values()) == [(None, ["docscan-nl"])] * 2  # warm before the first task
        out = tmp_path / "dask"
        result = api.run_batch([good_dir], out, executor="dask", scheduler=cluster.scheduler_address)
        assert (result.analysed, result.failed) == (3, 0)
        assert len({k.split(":")[1] for k in result.workers}) == 2  # both workers did work... or at least ran
        assert {(Path(i.path).name, i.status) for i in result.items} == {(n, "analysed") for n in GOOD}
    got = _verdicts(out)
    assert got == {sha: v for sha, v in expected.items() if sha in got} and len(got) == 3
    # reports carry the document's own path, not the worker's temporary copy
    for it in result.items:
        assert json.loads(Path(it.json_path).read_text())["document"]["path"] == it.path
    # without --scheduler: a LocalCluster of --jobs workers, started and stopped by docscan
    res = invoke("batch", good_dir, "--out", tmp_path / "dask2", "--executor", "dask", "--jobs", "2", "--force")
    assert res.exit_code == 0, res.output
    assert _verdicts(tmp_path / "dask2") == got


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def pg_url():
    base = os.environ.get("DOCSCAN_TEST_POSTGRES")
    require(bool(base), "a PostgreSQL server (DOCSCAN_TEST_POSTGRES)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"docscan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_results_database(good_dir, corpus_dir, pg_url, tmp_path, first_run):
    out = tmp_path / "out"
    inputs = [good_dir, corpus_dir / "sub" / "empty.pdf"]
    result = invoke("batch", *inputs, "--out", out, "--db", pg_url, "--jobs", "2")
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert not (out / "results.sqlite").exists()
    db = ResultsDB.open(pg_url, create=False)
    try:
        counts = db.counts()
    finally:
        db.close()
    assert counts["documents"] == 3 and counts["theme_scores"] == 18 and counts["errors"] == 1
    assert _verdicts(out, pg_url) == _verdicts(first_run[0])
    again = api.run_batch(inputs, out, db_url=pg_url, jobs=1)
    assert (again.analysed, again.skipped) == (0, 3)
    forced = api.run_batch([good_dir], out, db_url=pg_url, jobs=2, force=True)
    assert forced.analysed == 3
    db = ResultsDB.open(pg_url, create=False)
    try:
        assert db.counts()["documents"] == 3 and db.counts()["passages"] == counts["passages"]
    finally:
        db.close()
    rows = list(csv.DictReader(io.StringIO(api.export_results(pg_url, "csv"))))
    assert sorted(r["name"] for r in rows) == sorted(GOOD)
    # the schema guard works on PostgreSQL too
    from sqlalchemy import create_engine, text

    eng = create_engine(pg_url)
    with eng.begin() as conn:
        conn.execute(text("update schema_version set version = :v"), {"v": SCHEMA_VERSION + 1})
    eng.dispose()
    with pytest.raises(DatabaseError, match="written by a newer docscan"):
        ResultsDB.open(pg_url)


def test_unreachable_postgresql_is_a_database_error(tmp_path, good_dir):
    result = invoke("batch", good_dir, "--out", tmp_path, "--db", "postgresql+psycopg://docscan:secret@127.0.0.1:1/none")
    assert result.exit_code == EXIT_DATABASE
    assert "secret" not in result.output and "cannot use the results database" in result.output


# ------------------------------------------------------------------ the overview in a browser



@pytest.fixture(scope="module")
def trend_batch(good_dir, corpus_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("trend")
    m = d / "manifest.csv"
    m.write_text(
        "path,municipality,year,doctype\n"
        f"{good_dir / 'alpha.pdf'},Lindewaard,2019,IBP\n"
        f"{good_dir / 'beta.pdf'},Lindewaard,2023,I-visie\n"
        f"{good_dir / 'gamma.pdf'},Veenendrecht,2022,IBP\n"
        f"{corpus_dir / 'sub' / 'empty.pdf'},Veenendrecht,2020,IBP\n",
        encoding="utf-8",
    )
    out = d / "out"
    result = api.run_batch([m], out, jobs=2)
    assert (result.analysed, result.failed) == (3, 1)
    return out, _verdicts(out)


@pytest.mark.browser
def test_overview_sorts_and_filters_in_a_browser(trend_batch):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        sync_playwright = None
    require(sync_playwright is not None, "Playwright for Python (pip install playwright)")
    require(shutil.which("chromium") is not None, "chromium (chromium)")
    out, verdicts = trend_batch
    url = (out / "index.html").resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            errors, requests = [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url, wait_until="load")

            def names():
                return page.eval_on_selector_all(
                    "#documenten tbody tr:not([hidden]) td.doc a", "els => els.map(e => e.textContent)"
                )

            # the script ran under the CSP: the filter controls are shown
            assert page.locator("#filters").is_visible()
            assert page.inner_text("#filter-aantal") == "3 van 3 documenten"
            assert names() == ["alpha.pdf", "beta.pdf", "gamma.pdf"]

            page.click("#documenten th:nth-child(1) button")
            assert page.get_attribute("#documenten th:nth-child(1)", "aria-sort") == "ascending"
            assert names() == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
            page.click("#documenten th:nth-child(1) button")
            assert page.get_attribute("#documenten th:nth-child(1)", "aria-sort") == "descending"
            assert names() == ["gamma.pdf", "beta.pdf", "alpha.pdf"]
            page.click("#documenten th:nth-child(3) button")  # year, ascending
            assert names() == ["alpha.pdf", "gamma.pdf", "beta.pdf"]
            # a theme column sorts by score, highest first
            page.click("#documenten th:nth-child(6) button")
            scores = page.eval_on_selector_all(
                "#documenten tbody tr td:nth-child(6)", "els => els.map(e => parseFloat(e.dataset.sort))"
            )
            assert scores == sorted(scores, reverse=True)
            assert page.get_attribute("#documenten th:nth-child(1)", "aria-sort") is None

            page.fill("#filter-tekst", "lindewaard")
            assert sorted(names()) == ["alpha.pdf", "beta.pdf"]
            assert page.inner_text("#filter-aantal") == "2 van 3 documenten"
            page.fill("#filter-tekst", "i-visie")
            assert names() == ["beta.pdf"]
            page.fill("#filter-tekst", "")
            by_name = {Path(path).name: verdicts[sha] for path, sha in sqlite_rows(out, "select path, sha256 from documents")}
            for theme in ("strategie", "experimenteren"):
                for verdict in ("present", "weak", "missing"):
                    page.select_option("#filter-thema", theme)
                    page.select_option("#filter-oordeel", verdict)
                    expected = sorted(n for n, v in by_name.items() if v[3][theme][0] == verdict)
                    assert sorted(names()) == expected, (theme, verdict)
            page.select_option("#filter-thema", "")
            page.select_option("#filter-oordeel", "")
            assert len(names()) == 3

            # the trend of Lindewaard (2019, 2023) is drawn; Veenendrecht has one year with results
            trends = page.locator("figure.trend")
            assert trends.count() == 1 and "Lindewaard" in trends.first.inner_text()
            assert page.locator("figure.trend circle").count() == 2
            box = page.locator("figure.trend svg").bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100
            assert "empty.pdf" in page.inner_text("#mislukt")

            SHOTS = ROOT / "reports" / "screenshots"
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
            page.wait_for_timeout(100)
            assert errors == []
            assert requests == [url]
        finally:
            browser.close()


def test_a_municipality_has_one_trend_whatever_the_case_or_spacing_of_its_name(tmp_path):
    from docscan.batch.overview import build_context
    from docscan.batch.run import BatchResult, ItemResult
    from docscan.types import THEMES

    spellings = [("Utrecht", 2019, 40.0), ("utrecht ", 2021, 60.0), ("UTRECHT", 2023, 80.0), ("Zeist", 2020, 50.0)]
    items, docs, themes = [], {}, {}
    for i, (town, year, score) in enumerate(spellings):
        sha = f"{i:064d}"
        items.append(ItemResult(path=str(tmp_path / f"{i}.pdf"), name=f"{i}.pdf", municipality=town, year=year, sha256=sha, status="analysed"))
        docs[sha] = {"id": i, "municipality": town, "year": year, "doctype": None, "title": None, "html_path": None, "pages": 3, "maturity_phase": "2.0"}
        themes[i] = {t: {"verdict": "present", "score": score, "uncertain": False} for t in THEMES}
    result = BatchResult(1, str(tmp_path), "sqlite://", str(tmp_path / "index.html"), "local", 1, items, 1.0, status="finished")
    ctx = build_context(result, docs, themes, "docscan-nl", "1")
    assert [(t["name"], [p["year"] for p in t["points"]]) for t in ctx["trends"]] == [("Utrecht", [2019, 2021, 2023])]
    assert [p["mean"] for p in ctx["trends"][0]["points"]] == [40.0, 60.0, 80.0]


def test_copies_in_one_batch_are_counted_as_copies_not_as_stored(good_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(good_dir / "alpha.pdf", src / "a.pdf")
    shutil.copy(good_dir / "alpha.pdf", src / "b.pdf")
    res = invoke("batch", src, "--out", tmp_path / "out", "--jobs", "1")
    assert res.exit_code == 0
    assert "2 documents: 1 analysed, 0 already stored, 1 with the same content as another file, 0 failed in " in res.output
