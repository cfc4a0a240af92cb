"""Corpus validation and statistics (docscan corpus validate / stats)."""
import json

from click.testing import CliRunner
from conftest import ROOT

from docscan import cli, corpus
from docscan.errors import EXIT_CORPUS, EXIT_INPUT


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return path


def good(i, text, themes=(), maturity=None):
    return {"id": f"t-{i}", "text": text, "themes": list(themes), "maturity": maturity, "source": "test"}


def test_the_shipped_corpus_is_valid_and_meets_the_guidelines():
    examples, problems = corpus.validate(str(ROOT / "corpus"))
    assert problems == []
    st = corpus.stats(examples)
    assert st.total >= 1500
    assert all(n >= 120 for n in st.themes.values()), st.themes
    assert all(st.maturity[m] >= 150 for m in ("1.0", "2.0", "3.0")), st.maturity
    assert st.no_theme / st.total >= 0.40
    assert st.warnings == []
    assert st.hard_negatives >= 200


def test_heldout_split_is_separate_and_valid():
    files = sorted((ROOT / "corpus" / "heldout").glob("*.jsonl"))
    assert files
    held, problems = corpus.validate([str(f) for f in files])
    assert problems == [] and len(held) >= 250
    train_keys = {corpus.text_key(e.text) for e in corpus.load(str(ROOT / "corpus"))}
    assert not any(corpus.text_key(e.text) in train_keys for e in held)
    assert not any(str(f).endswith(tuple(corpus.corpus_files(str(ROOT / "corpus")))) for f in files)


def test_validate_reports_every_problem_with_file_and_line(tmp_path):
    f = write(tmp_path / "a.jsonl", [
        good(1, "Een goede regel over de digitale strategie.", ["strategie"], "2.0"),
        "{not json",
        good(3, "Onbekend label.", ["strategy"]),
        {**good(4, "Maturity als getal."), "maturity": 2.0},
        good(5, "   "),
        {**good(6, "Themes geen lijst."), "themes": "strategie"},
        good(1, "Dubbele id met andere tekst."),
        good(8, "Een goede regel over de digitale strategie.", ["strategie"], "2.0"),
        good(9, "Een goede regel over de digitale strategie!", ["delen"], None),
        {"id": "t-10", "text": "Zonder source", "themes": [], "maturity": None},
        {**good(11, "Extra veld."), "label": "x"},
    ])
    _, problems = corpus.validate([str(f)])
    msgs = [str(p) for p in problems]
    name = str(f)
    assert f"{name}:2: not valid JSON (Expecting property name enclosed in double quotes at column 2)" in msgs
    assert any(m.startswith(f"{name}:3: unknown theme 'strategy'") for m in msgs)
    assert f'{name}:4: unknown maturity 2.0 (write it as a string) (known: "1.0", "2.0", "3.0" or null)' in msgs
    assert f"{name}:5: 'text' is empty" in msgs
    assert f"{name}:6: 'themes' must be a list of strings" in msgs
    assert f"{name}:7: duplicate id 't-1' (first at {name}:1)" in msgs
    assert f"{name}:8: duplicate text (first at {name}:1)" in msgs
    assert any(m.startswith(f"{name}:9: same text as {name}:1 with conflicting labels") for m in msgs)
    assert f"{name}:10: missing field 'source'" in msgs
    assert any(m.startswith(f"{name}:11: unknown field 'label'") for m in msgs)


def test_validate_cli_exit_codes(tmp_path):
    runner = CliRunner()
    ok = write(tmp_path / "ok.jsonl", [good(1, "Tekst een."), good(2, "Tekst twee.", ["delen"], "3.0")])
    r = runner.invoke(cli.main, ["corpus", "validate", str(ok)])
    assert r.exit_code == 0 and r.output == f"{ok}: 2 passages, no problems\n"
    bad = write(tmp_path / "bad.jsonl", [good(1, "Tekst een.", ["onzin"])])
    r = runner.invoke(cli.main, ["corpus", "validate", str(bad)])
    assert r.exit_code == EXIT_CORPUS
    assert r.output.splitlines()[0].startswith(f"{bad}:1: unknown theme 'onzin'")
    assert r.output.splitlines()[-1] == f"Error: 1 problem(s) in {bad}; fix the lines listed above"


def test_stats_cli(tmp_path):
    f = write(tmp_path / "c.jsonl", [good(1, "A b c.", ["delen", "strategie"], "2.0"), good(2, "D e f."), good(3, "G h.", ["delen"])])
    r = CliRunner().invoke(cli.main, ["corpus", "stats", str(f), "--json"])
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert d["total"] == 3 and d["themes"]["delen"] == 2 and d["no_theme"] == 1
    assert d["co_occurrence"] == {"delen+strategie": 1}
    assert any("theme 'delen' has 2 positives" in w for w in d["warnings"])
    r = CliRunner().invoke(cli.main, ["corpus", "stats", str(f)])
    assert "passages: 3   no theme: 1 (33%)" in r.output
    assert "Warning: theme 'strategie' has 1 positives (at least 120 wanted)" in r.stderr


def test_missing_corpus_folder(tmp_path):
    r = CliRunner().invoke(cli.main, ["corpus", "stats", str(tmp_path / "none")])
    assert r.exit_code == EXIT_INPUT  # a missing file or folder is exit 3 for every command
    assert r.output == f"Error: {tmp_path / 'none'}: corpus not found; pass a folder of .jsonl files or one .jsonl file\n"


def test_lines_that_are_not_utf8_are_reported_with_their_true_number_and_reading_goes_on(tmp_path):
    rows = [json.dumps(good(i, f"Passage nummer {i} over de digitale strategie van de gemeente.")).encode() for i in range(1, 201)]
    early = list(rows)
    early[4] = early[4].replace(b"Passage", b"P\xe9ssage")  # within the decoder's first chunk
    late = list(rows)
    late[80] = late[80].replace(b"Passage", b"P\xe9ssage")  # past it
    late[120] = b"{not json"
    (tmp_path / "early.jsonl").write_bytes(b"\n".join(early) + b"\n")
    (tmp_path / "late.jsonl").write_bytes(b"\r\n".join(late) + b"\r\n")
    col = len('{"id": "t-5", "text": "P') + 1
    examples, problems = corpus.validate([str(tmp_path / "early.jsonl")])
    assert [str(p) for p in problems] == [f"{tmp_path / 'early.jsonl'}:5: not valid UTF-8 (byte 0xe9 at column {col})"]
    assert len(examples) == 199
    examples, problems = corpus.validate([str(tmp_path / "late.jsonl")])
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'late.jsonl'}:81: not valid UTF-8 (byte 0xe9 at column {col + 1})",
        f"{tmp_path / 'late.jsonl'}:121: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
    ]
    assert len(examples) == 198 and examples[-1].line == 200
    r = CliRunner().invoke(cli.main, ["corpus", "validate", str(tmp_path / "early.jsonl")])
    assert r.exit_code == EXIT_CORPUS, r.output
    assert r.output.splitlines()[0] == f"{tmp_path / 'early.jsonl'}:5: not valid UTF-8 (byte 0xe9 at column {col})"


def test_line_ends_and_bom_are_handled_as_before(tmp_path):
    f = tmp_path / "ends.jsonl"
    a, b = (json.dumps(good(i, f"Tekst {i}.")).encode() for i in (1, 2))
    f.write_bytes(b"\xef\xbb\xbf" + a + b"\r\n\r\n" + b + b"\r" + b"\xc3\xa9\xff\n")
    examples, problems = corpus.validate([str(f)])
    assert [ex.line for ex in examples] == [3]
    assert [str(p) for p in problems] == [
        f"{f}:1: not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) at column 1)",
        f"{f}:4: not valid UTF-8 (byte 0xff at column 2)",
    ]
