"""Checks that `docscan train` makes before it trains: the output folder, --limit, --folds and label counts.

None of these tests trains a model: every check fires before cross-validation.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT

from docscan import cli, corpus
from docscan.errors import EXIT_MODEL, ConfigError, CorpusError, ModelError
from docscan.train import check_label_counts, check_out, make_data, save, train

SHIPPED = ROOT / "models" / "docscan-nl"


def tiny_corpus(folder, n=60):
    """The first ``n`` passages of the shipped corpus as a one-file corpus folder."""
    folder.mkdir()
    rows = [json.dumps(ex.to_dict(), ensure_ascii=False) for ex in corpus.load(str(ROOT / "corpus"))[:n]]
    (folder / "part.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def snapshot(path):
    """Names and contents of everything under ``path`` (or of the file ``path``)."""
    if path.is_file():
        return path.read_bytes()
    return {str(p.relative_to(path)): p.read_bytes() if p.is_file() else None for p in sorted(path.rglob("*"))}


# ------------------------------------------------------------ --out


def test_train_refuses_to_replace_a_folder_or_file_that_is_not_a_model(tmp_path):
    corp = tiny_corpus(tmp_path / "corpus")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "notes.txt").write_text("mijn aantekeningen\n")
    (notes / "extra.jsonl").write_text("{}\n")
    plain = tmp_path / "model.txt"
    plain.write_text("not a model\n")
    for out in (notes, plain, corp):
        before = snapshot(out)
        r = CliRunner().invoke(cli.main, ["train", "--corpus", str(corp), "--out", str(out), "--family", "sklearn",
                                          "--folds", "2", "-q"])
        assert r.exit_code == EXIT_MODEL, r.output
        assert r.output.startswith(f"Error: {out}: already exists and is not ")
        assert "choose a new --out or remove" in r.output and len(r.output.splitlines()) == 1
        assert snapshot(out) == before  # nothing touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "model.txt", "notes"]  # no temporary folders left


def test_save_itself_refuses_to_replace_what_is_not_a_model(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("x\n")
    with pytest.raises(ModelError, match="is not a docscan model folder"):
        save(None, {}, str(tmp_path / "notes"))  # refused before the model is looked at
    assert (tmp_path / "notes" / "notes.txt").read_text() == "x\n"


def test_an_empty_folder_a_model_folder_and_a_new_path_may_be_written(tmp_path):
    (tmp_path / "empty").mkdir()
    shutil.copytree(SHIPPED, tmp_path / "model")
    for out in ("new", "empty", "model"):
        check_out(str(tmp_path / out))


# ------------------------------------------------------------ --limit and --folds


@pytest.mark.parametrize(("limit", "folds", "match"), [
    (-5, 2, "--limit must be a positive number of passages, not -5"),
    (0, 2, "--limit must be a positive number of passages, not 0"),
    (None, 1, "--folds must be a whole number of at least 2, not 1"),
    (None, 0, "--folds must be a whole number of at least 2, not 0"),
])
def test_limit_and_folds_are_checked(tmp_path, limit, folds, match):
    corp = tiny_corpus(tmp_path / "corpus")
    with pytest.raises(ConfigError, match=match):
        train(str(corp), str(tmp_path / "m"), families=("sklearn",), folds=folds, limit=limit, heldout="", n_jobs=1)
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("limit", [15, 30, 100])
def test_a_small_limit_is_a_corpus_error_not_a_crash_in_scikit_learn(tmp_path, limit):
    with pytest.raises(CorpusError) as info:
        train(str(ROOT / "corpus"), str(tmp_path / "m"), families=("sklearn",), folds=3, limit=limit, heldout="", n_jobs=1)
    msg = str(info.value)
    assert msg.startswith(f"{ROOT / 'corpus'}: the corpus (limited to {limit} passages) has only ")
    assert msg.endswith(": raise --limit") and "\n" not in msg
    assert not (tmp_path / "m").exists()


def test_label_counts_name_the_label_and_what_to_do():
    examples = corpus.load(str(ROOT / "corpus"))
    d = make_data(examples)
    check_label_counts(d, 5, 0, 3, corpus="c")  # the whole corpus passes with the shipped model's 5 folds
    three = [i for i, ex in enumerate(examples) if ex.maturity == "3.0"]
    others = [i for i, ex in enumerate(examples) if ex.maturity != "3.0"]
    few = d.subset(sorted(others[:600] + three[:4]))
    msg = ("c: the corpus (limited to 604 passages) has only 4 passages of maturity 3.0; "
           "5-fold cross-validation needs at least 5 of each: raise --limit or lower --folds")
    with pytest.raises(CorpusError, match=re.escape(msg)):
        check_label_counts(few, 5, 0, 3, corpus="c", limit=604, available=len(examples))
    with pytest.raises(CorpusError, match=re.escape("c: the corpus has only 4 passages of maturity 3.0; ")):
        check_label_counts(few, 5, 0, 3, corpus="c")  # no --limit: "add passages to the corpus"
    few = d.subset(sorted(others[:600] + three[:2]))
    with pytest.raises(CorpusError, match=r"has only 2 passages of maturity 3.0; 5-fold .* raise --limit$"):
        check_label_counts(few, 5, 0, 3, corpus="c", limit=602, available=len(examples))  # fewer folds would not help
