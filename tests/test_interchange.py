"""Corpus import/export for Prodigy, doccano and Label Studio: round trips, samples, errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from docscan import cli, corpus, interchange
from docscan.errors import EXIT_CORPUS, CorpusError

DATA = Path(__file__).parent / "data"
FORMATS = interchange.FORMATS
EXT = {"prodigy": "jsonl", "doccano": "jsonl", "labelstudio": "json"}


def rows_of(path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Edge cases: no theme and no stance, several themes, nested meta, unicode, quotes, no meta."""
    rows = [
        {"id": "t-1", "text": "De gemeente kiest één digitale koers voor de hele organisatie.", "themes": ["strategie"],
         "maturity": "2.0", "source": "informatiebeleidsplan", "meta": {"municipality": "Heuvelland", "page": 3}},
        {"id": "t-2", "text": "Artikel 2 van de verordening blijft ongewijzigd.", "themes": [], "maturity": None,
         "source": "raadsvoorstel", "meta": {"hard_negative": True}},
        {"id": "t-3", "text": "Samen met ketenpartners bouwen we een \"wijkdatalab\" – café’s, scholen én zorg doen mee.",
         "themes": ["delen", "experimenteren", "realisatie"], "maturity": "3.0", "source": "labelled:plan.pdf",
         "meta": {"document": "plan.pdf", "model_suggestion": {"themes": {"delen": 0.41}, "predicted_maturity": None}}},
        {"id": "t-4", "text": "Wij informeren inwoners via de website.", "themes": [], "maturity": "1.0", "source": "begroting"},
    ]
    path = tmp_path / "corpus" / "small.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------ round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_lossless(small_corpus, tmp_path, fmt):
    original = corpus.load([str(small_corpus)])
    out = tmp_path / f"export.{EXT[fmt]}"
    assert interchange.write(original, fmt, out) == 4
    back = interchange.read(out, fmt)
    assert back.skipped == 0 and back.merged == 0
    assert [e.to_dict() for e in back.examples] == [e.to_dict() for e in original]


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_a_real_corpus_file_through_the_cli(tmp_path, fmt):
    src = tmp_path / "src"
    src.mkdir()
    lines = (ROOT / "corpus" / "beleidsplannen.jsonl").read_text(encoding="utf-8").splitlines()[:150]
    (src / "beleidsplannen.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    exported = tmp_path / f"tool.{EXT[fmt]}"
    r = runner.invoke(cli.main, ["corpus", "export", str(src), "--format", fmt, "-o", str(exported)])
    assert r.exit_code == 0, r.output
    assert f"150 passages written to {exported} ({fmt})" in r.output
    out = tmp_path / "imported" / "beleidsplannen.jsonl"
    r = runner.invoke(cli.main, ["corpus", "import", str(exported), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"150 passages written to {out}")
    assert rows_of(out) == [json.loads(line) for line in lines]
    r = runner.invoke(cli.main, ["corpus", "validate", str(out)])
    assert r.exit_code == 0 and "no problems" in r.output


def test_export_shapes_match_the_tools(small_corpus, tmp_path):
    ex = corpus.load([str(small_corpus)])
    p = interchange.to_prodigy(ex[2])
    assert p["answer"] == "accept" and p["accept"] == ["delen", "experimenteren", "realisatie", "maturity:3.0"]
    assert {o["id"] for o in p["options"]} == {*corpus.THEMES, "maturity:1.0", "maturity:2.0", "maturity:3.0"}
    assert p["meta"]["id"] == "t-3" and p["meta"]["source"] == "labelled:plan.pdf"
    assert interchange.to_doccano(ex[1]) == {
        "text": ex[1].text, "label": [], "meta": {"id": "t-2", "source": "raadsvoorstel", "corpus_meta": {"hard_negative": True}}}
    ls = interchange.to_labelstudio(ex[0], 1)
    assert ls["data"]["text"] == ex[0].text
    assert [(r["from_name"], r["value"]["choices"]) for r in ls["annotations"][0]["result"]] == [
        ("themes", ["strategie"]), ("maturity", ["2.0"])]
    assert interchange.to_labelstudio(ex[1], 2)["annotations"][0]["result"] == [
        {"from_name": "maturity", "to_name": "text", "type": "choices", "value": {"choices": ["none"]}}]
    config = interchange.labelstudio_config()
    assert '<Choices name="themes" toName="text" choice="multiple">' in config and '<Choice value="none"/>' in config


def test_export_refuses_an_invalid_corpus(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "themes": ["strategy"], "maturity": null, "source": "s"}\n')
    r = CliRunner().invoke(cli.main, ["corpus", "export", str(bad), "--format", "doccano", "-o", str(tmp_path / "o.jsonl")])
    assert r.exit_code == EXIT_CORPUS
    assert f"{bad}:1: unknown theme 'strategy'" in r.output
    assert not (tmp_path / "o.jsonl").exists()


# ------------------------------------------------------------ samples as the tools write them


def test_prodigy_sample(tmp_path):
    res = interchange.read(DATA / "prodigy_textcat.jsonl", "prodigy")
    assert res.skipped == 2  # one "ignore", one "reject"
    got = [(e.themes, e.maturity) for e in res.examples]
    assert got == [(("strategie",), None), (("draagvlak",), "2.0"), ((), None), (("experimenteren",), "3.0")]
    first = res.examples[0]
    assert first.id == f"prodigy-textcat-{corpus.text_hash(first.text)}"
    assert first.source == "prodigy:prodigy_textcat.jsonl"
    assert first.meta == {"tool": "prodigy", "annotator": "docscan-2026-01-01_08-00-00-anouk", "source": "ibp-heuvelland.pdf", "page": 4}


def test_doccano_sample():
    res = interchange.read(DATA / "doccano_textclf.jsonl", "doccano")
    assert [(e.themes, e.maturity) for e in res.examples] == [
        (("leiderschap",), None), (("delen",), "2.0"), ((), "1.0"), ((), None)]
    assert res.examples[1].meta == {"tool": "doccano", "tool_id": 42}
    assert res.examples[1].source == "doccano:doccano_textclf.jsonl"


def test_labelstudio_sample():
    res = interchange.read(DATA / "labelstudio_export.json", "labelstudio")
    assert res.skipped == 2  # a cancelled annotation, a task nobody annotated
    assert [(e.themes, e.maturity) for e in res.examples] == [(("strategie", "realisatie"), None), ((), "3.0")]
    assert res.examples[0].meta == {"tool": "labelstudio", "tool_id": 101, "annotator": 3,
                                    "document": "i-visie-lindeveen.pdf", "page": 21}


@pytest.mark.parametrize("sample, fmt", [("prodigy_textcat.jsonl", "prodigy"), ("doccano_textclf.jsonl", "doccano"),
                                         ("labelstudio_export.json", "labelstudio")])
def test_imported_samples_validate_and_survive_a_second_round_trip(tmp_path, sample, fmt):
    out = tmp_path / "corpus" / "imported.jsonl"
    r = CliRunner().invoke(cli.main, ["corpus", "import", str(DATA / sample), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    examples, problems = corpus.validate([str(out)])
    assert problems == [] and examples
    again = tmp_path / f"again.{EXT[fmt]}"
    interchange.write(examples, fmt, again)
    assert [e.to_dict() for e in interchange.read(again, fmt).examples] == [e.to_dict() for e in examples]


# ------------------------------------------------------------ errors name the line


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_prodigy_errors_name_the_line(tmp_path):
    ok = {"text": "Een passage.", "accept": ["delen"], "answer": "accept"}
    f = _jsonl(tmp_path / "p.jsonl", [ok, {**ok, "text": "Twee."}, {**ok, "text": "Drie.", "accept": ["strategy"]}])
    with pytest.raises(CorpusError) as e:
        interchange.read(f, "prodigy")
    assert str(e.value).startswith(f"{f}:3: label 'strategy' is not in the codebook (known: strategie, leiderschap,")
    f = _jsonl(tmp_path / "p.jsonl", [ok, {**ok, "text": "Twee.", "accept": ["maturity:1.0", "maturity:3.0"]}])
    with pytest.raises(CorpusError, match=r"p\.jsonl:2: more than one maturity level \(1\.0, 3\.0\)"):
        interchange.read(f, "prodigy")
    f = _jsonl(tmp_path / "p.jsonl", [ok, "{broken"])
    with pytest.raises(CorpusError, match=r"p\.jsonl:2: not valid JSON"):
        interchange.read(f, "prodigy")
    f = _jsonl(tmp_path / "p.jsonl", [{"text": "Binair.", "label": "delen", "answer": "accept"}])
    with pytest.raises(CorpusError, match=r"p\.jsonl:1: no 'accept' list .*binary textcat"):
        interchange.read(f, "prodigy")
    f = _jsonl(tmp_path / "p.jsonl", [ok, {**ok, "accept": ["draagvlak"]}])
    with pytest.raises(CorpusError, match=r"p\.jsonl:2: same text as .*p\.jsonl:1 with different labels"):
        interchange.read(f, "prodigy")


def test_doccano_errors_name_the_line(tmp_path):
    f = _jsonl(tmp_path / "d.jsonl", [{"id": 1, "text": "Een.", "label": ["delen"]}, {"id": 2, "text": "Twee.", "label": [[0, 4, "delen"]]}])
    with pytest.raises(CorpusError, match=r"d\.jsonl:2: span annotation \[0, 4, \"delen\"\] does not map"):
        interchange.read(f, "doccano")
    f = _jsonl(tmp_path / "d.jsonl", [{"id": 1, "text": "Een.", "label": ["maturity:4.0"]}])
    with pytest.raises(CorpusError, match=r"d\.jsonl:1: label 'maturity:4.0' is not in the codebook"):
        interchange.read(f, "doccano")
    f = _jsonl(tmp_path / "d.jsonl", [{"id": 1, "text": "  ", "label": []}])
    with pytest.raises(CorpusError, match=r"d\.jsonl:1: no passage text"):
        interchange.read(f, "doccano")
    f = _jsonl(tmp_path / "d.jsonl", [{"id": 1, "text": "Een.", "labels_missing": []}])
    with pytest.raises(CorpusError, match=r"d\.jsonl:1: no 'label' list"):
        interchange.read(f, "doccano")


def test_labelstudio_errors_name_the_task(tmp_path):
    def task(choices, from_name="themes", type_="choices", tid=7):
        return {"id": tid, "data": {"text": f"Passage {tid}."},
                "annotations": [{"result": [{"from_name": from_name, "to_name": "text", "type": type_, "value": {"choices": choices}}]}]}

    f = tmp_path / "ls.json"
    f.write_text(json.dumps([task(["delen"], tid=1), task(["Innovatie"], tid=9)]))
    with pytest.raises(CorpusError) as e:
        interchange.read(f, "labelstudio")
    assert str(e.value).startswith(f"{f}: task 2 (id 9): label 'Innovatie' is not in the codebook")
    f.write_text(json.dumps([task(["delen"], type_="labels")]))
    with pytest.raises(CorpusError, match=r"task 1 \(id 7\): a result of type 'labels' does not map"):
        interchange.read(f, "labelstudio")
    f.write_text(json.dumps([task(["1.0", "2.0"], from_name="maturity")]))
    with pytest.raises(CorpusError, match=r"task 1 \(id 7\): more than one maturity level"):
        interchange.read(f, "labelstudio")
    f.write_text('[{"id": 1,\n "data": }]')
    with pytest.raises(CorpusError, match=r"ls\.json:2: not valid JSON"):
        interchange.read(f, "labelstudio")
    f.write_text(json.dumps({"text": "JSON-MIN, not the export"}))
    with pytest.raises(CorpusError, match="not a Label Studio JSON export"):
        interchange.read(f, "labelstudio")


def test_import_cli_errors_and_overwrite_protection(tmp_path):
    runner = CliRunner()
    f = _jsonl(tmp_path / "d.jsonl", [{"id": 1, "text": "Een.", "label": ["delen"]}, {"id": 2, "text": "Twee.", "label": ["onzin"]}])
    out = tmp_path / "corpus" / "d.jsonl"
    r = runner.invoke(cli.main, ["corpus", "import", str(f), "--format", "doccano", "-o", str(out)])
    assert r.exit_code == EXIT_CORPUS
    assert r.output.startswith(f"Error: {f}:2: label 'onzin' is not in the codebook") and len(r.output.splitlines()) == 1
    assert not out.exists()
    good = _jsonl(tmp_path / "g.jsonl", [{"id": 1, "text": "Een.", "label": ["delen"]}])
    assert runner.invoke(cli.main, ["corpus", "import", str(good), "--format", "doccano", "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    r = runner.invoke(cli.main, ["corpus", "import", str(good), "--format", "doccano", "-o", str(out)])
    assert r.exit_code == EXIT_CORPUS and "already exists" in r.output and out.read_bytes() == before
    r = runner.invoke(cli.main, ["corpus", "import", str(good), "--format", "doccano", "-o", str(out), "--force"])
    assert r.exit_code == 0


def test_import_warns_about_texts_already_in_the_corpus(small_corpus, tmp_path):
    exported = tmp_path / "p.jsonl"
    interchange.write(corpus.load([str(small_corpus)]), "prodigy", exported)
    out = small_corpus.parent / "again.jsonl"
    r = CliRunner().invoke(cli.main, ["corpus", "import", str(exported), "--format", "prodigy", "-o", str(out)])
    assert r.exit_code == 0
    assert "Warning: 4 imported passage(s) have the same text as passages already in the corpus folder" in r.output


def test_identical_duplicates_are_merged(tmp_path):
    row = {"text": "Een passage over kennisdeling.", "accept": ["delen"], "answer": "accept", "_annotator_id": "a"}
    f = _jsonl(tmp_path / "p.jsonl", [row, {**row, "_annotator_id": "b"}])
    res = interchange.read(f, "prodigy")
    assert len(res.examples) == 1 and res.merged == 1
