"""Models: training, determinism, safe loading, the classify interface, the shipped model."""
from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import ROOT

from docscan import cli, corpus
from docscan.classify import load_classifier
from docscan.errors import EXIT_CORPUS, EXIT_MODEL, CorpusError, ModelError
from docscan.train import SklearnFamily, make_data, train

SHIPPED = ROOT / "models" / "docscan-nl"


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A model trained on a 400-passage subset (3 folds, sklearn only): fast enough for tests."""
    out = tmp_path_factory.mktemp("models") / "small"
    res = train(str(ROOT / "corpus"), str(out), families=("sklearn",), folds=3, limit=400, heldout="")
    return out, res


# ------------------------------------------------------------ the shipped model


def test_shipped_model_was_trained_on_the_current_corpus():
    meta = json.loads((SHIPPED / "meta.json").read_text())
    files = corpus.corpus_files(str(ROOT / "corpus"))
    assert meta["corpus"]["sha256"] == corpus.corpus_hash(files), (
        "the corpus changed but models/docscan-nl was not retrained: run `docscan train`"
    )
    assert meta["corpus"]["subset"] is False


def test_shipped_model_meets_the_quality_targets_and_documents_them():
    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert meta["cv"]["folds"] == 5
    assert meta["cv"]["themes_macro_f1"] >= 0.80
    assert meta["cv"]["maturity_macro_f1"] >= 0.75
    assert set(meta["cv"]["families"]) == {"sklearn", "spacy"}  # two families compared
    assert meta["heldout"]["passages"] >= 250
    for label in ("strategie", "leiderschap", "delen", "draagvlak", "experimenteren", "realisatie", "1.0", "2.0", "3.0"):
        assert set(meta["cv"]["per_label"][label]) == {"precision", "recall", "f1", "support"}
        assert 0.05 <= meta["thresholds"].get(label, 0.5) <= 0.95
    card = (SHIPPED / "MODEL_CARD.md").read_text()
    assert "Intended use" in card and "Limits" in card and f"{meta['cv']['themes_macro_f1']:.3f}" in card
    assert meta["training_seconds"] < 180


def test_shipped_model_behaves_on_clear_cases():
    clf = load_classifier()
    texts = [
        "De gemeentesecretaris is de aanjager van de digitale transformatie en neemt persoonlijk het voortouw.",
        "We starten klein met een pilot: een multidisciplinair team onderzoekt een half jaar hoe data eenzaamheid helpt signaleren.",
        "Inwoners worden via de website en de gemeentelijke nieuwsbrief geïnformeerd over de werkzaamheden.",
        "De strategie voor afvalinzameling wordt in 2026 herzien.",
        "Het college deelt de mening van de raad over de hoogte van de precariobelasting.",
    ]
    preds = clf.predict(texts)
    assert "leiderschap" in preds[0].predicted_themes
    assert "experimenteren" in preds[1].predicted_themes
    assert preds[2].predicted_maturity == "1.0"
    assert preds[3].predicted_themes == () and preds[4].predicted_themes == ()
    # evidence terms come from the passage itself
    for p, t in zip(preds, texts):
        for terms in p.evidence.values():
            assert terms and all(term in t for term in terms)


# ------------------------------------------------------------ training


def test_training_is_deterministic(small_model, tmp_path):
    out1, res1 = small_model
    out2 = tmp_path / "again"
    res2 = train(str(ROOT / "corpus"), str(out2), families=("sklearn",), folds=3, limit=400, heldout="")
    with np.load(out1 / "model.npz") as a, np.load(out2 / "model.npz") as b:
        for k in a.files:
            assert np.array_equal(a[k], b[k]), k
    assert res1.meta["cv"]["per_label"] == res2.meta["cv"]["per_label"]
    assert res1.meta["thresholds"] == res2.meta["thresholds"]


def test_linear_model_reproduces_scikit_learn_calibrated_probabilities():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    from docscan.features import idf, tfidf

    examples = corpus.load(str(ROOT / "corpus"))[:300]
    d = make_data(examples)
    fam = SklearnFamily()
    model = fam.fit(d)
    X = tfidf(model.featurizer.counts(d.texts), idf(model.featurizer.counts(d.texts)), model.featurizer.n_word)
    lr = LogisticRegression(C=fam.C, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=0)
    ref = CalibratedClassifierCV(lr, method="sigmoid", cv=3, ensemble=False).fit(X, d.Y[:, 0]).predict_proba(X)[:, 1]
    ours, _ = model.predict_proba(d.texts)
    assert np.allclose(ours[:, 0], ref, atol=1e-4)


def test_train_reports_change_against_previous_model(small_model, tmp_path):
    out = tmp_path / "m"
    train(str(ROOT / "corpus"), str(out), families=("sklearn",), folds=3, limit=300, heldout="")
    r = CliRunner().invoke(cli.main, ["train", "--corpus", str(ROOT / "corpus"), "--out", str(out), "--family", "sklearn",
                                      "--folds", "3", "--limit", "400", "-q"])
    assert r.exit_code == 0, r.output
    assert "new passages since the previous model: +100 (was 300)" in r.output
    header = next(line for line in r.output.splitlines() if line.startswith("label"))
    assert "F1 before" in header and "change" in header
    row = next(line for line in r.output.splitlines() if line.startswith("strategie"))
    assert len(row.split()) == 7  # label P R F1 support before change


def test_a_model_trained_into_a_new_folder_is_compared_with_the_default_model(small_model):
    _, res = small_model
    shipped = json.loads((SHIPPED / "meta.json").read_text())
    assert res.previous["name"] == shipped["name"] and res.previous["corpus"]["passages"] == shipped["corpus"]["passages"]
    assert res.changes["strategie"]["before"] == shipped["cv"]["per_label"]["strategie"]["f1"]


# ------------------------------------------------------------ safe loading


def copy_model(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_loading_refuses_pickled_arrays(small_model, tmp_path):
    bad = copy_model(small_model[0], tmp_path / "bad")
    with np.load(bad / "model.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["idf"] = np.array([{"evil": "object"}], dtype=object)
    np.savez(bad / "model.npz", **arrays)  # an object array needs pickle to load
    with pytest.raises(ModelError, match="cannot be loaded safely"):
        load_classifier(str(bad))


def test_loading_checks_meta(small_model, tmp_path):
    bad = copy_model(small_model[0], tmp_path / "meta")
    meta = json.loads((bad / "meta.json").read_text())
    meta["labels"]["themes"] = ["strategie"]
    (bad / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="labels do not match"):
        load_classifier(str(bad))
    r = CliRunner().invoke(cli.main, ["classify", "-", "--model", str(tmp_path / "nothing")], input='{"id": "a", "text": "x"}\n')
    assert r.exit_code == EXIT_MODEL and r.output.startswith("Error: model '")


def test_version_mismatch_warns(small_model, tmp_path):
    other = copy_model(small_model[0], tmp_path / "old")
    meta = json.loads((other / "meta.json").read_text())
    meta["library_versions"]["scikit-learn"] = "0.24.2"
    (other / "meta.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match="trained with scikit-learn 0.24.2"):
        clf = load_classifier(str(other))
    assert clf.warnings


# ------------------------------------------------------------ classify interface


def test_classify_cli_interface_is_stable(small_model, tmp_path):
    model = str(small_model[0])
    inp = '{"id": "p1", "text": "De CIO neemt het voortouw bij de digitale transformatie."}\n{"id": "p2", "text": "De begroting sluit."}\n'
    r = CliRunner().invoke(cli.main, ["classify", "-", "--model", model], input=inp)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["p1", "p2"]
    for row in rows:
        assert set(row) == {"id", "themes", "predicted_themes", "maturity", "predicted_maturity", "evidence"}
        assert set(row["themes"]) == {"strategie", "leiderschap", "delen", "draagvlak", "experimenteren", "realisatie"}
        assert set(row["maturity"]) == {"1.0", "2.0", "3.0", "none"}
        assert abs(sum(row["maturity"].values()) - 1) < 1e-3
        assert row["predicted_maturity"] in (None, "1.0", "2.0", "3.0")
        assert set(row["evidence"]) <= set(row["predicted_themes"]) | {row["predicted_maturity"]}
    out = tmp_path / "out.jsonl"
    src = tmp_path / "in.jsonl"
    src.write_text(inp)
    r = CliRunner().invoke(cli.main, ["classify", str(src), "-o", str(out), "--model", model])
    assert r.exit_code == 0 and [json.loads(x) for x in out.read_text().splitlines()] == rows


def test_classify_rejects_malformed_input_with_line_number(small_model):
    r = CliRunner().invoke(cli.main, ["classify", "-", "--model", str(small_model[0])], input='{"id": 1, "text": "a"}\nnot json\n')
    assert r.exit_code == EXIT_CORPUS
    assert r.output == "Error: <stdin>:2: not valid JSON (Expecting value); one JSON object per line is expected\n"


def test_evaluate_cli(small_model, tmp_path):
    data = ROOT / "corpus" / "heldout" / "heldout.jsonl"
    r = CliRunner().invoke(cli.main, ["evaluate", str(data), "--model", str(small_model[0])])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1].split() == ["label", "precision", "recall", "F1", "support"]
    assert any(line.startswith("themes   macro:") for line in lines)
    assert "maturity confusion (rows true, columns predicted):" in lines
    r = CliRunner().invoke(cli.main, ["evaluate", str(data), "--model", str(small_model[0]), "--json"])
    res = json.loads(r.output)
    assert len(res["maturity_confusion"]) == 4 and res["data"]["passages"] >= 250


def test_word_caches_stay_bounded_and_trimming_does_not_change_features(monkeypatch):
    from docscan import features

    texts = [
        "De gemeente deelt gegevens met ketenpartners in de regio en werkt samen aan open data.",
        "Wij starten een pilot met inwoners om de digitale dienstverlening te verbeteren.",
        "Het college stelt het informatiebeleidsplan vast en de raad wordt geïnformeerd.",
    ]
    expected = features.Featurizer().counts(texts).toarray()
    monkeypatch.setattr(features, "MAX_CACHED_WORDS", 10)
    fz = features.Featurizer()
    first = fz.counts(texts)
    assert len(fz._cache) > 10  # one batch fills the cache past the limit ...
    tokenizer = features._tokenizer()
    again = fz.counts(texts[::-1])
    assert len(fz._cache) <= 40 and features._tokenizer() is not tokenizer  # ... the next one starts afresh
    assert (first.toarray() == expected).all() and (again.toarray() == expected[::-1]).all()
    assert [t[1] for t in fz.tokens(texts[0])][:3] == ["de", "gemeente", "delen"]


# ------------------------------------------------------------ damaged models and empty data


def test_a_truncated_model_npz_is_a_model_error(tmp_path):
    bad = copy_model(SHIPPED, tmp_path / "truncated")
    with open(bad / "model.npz", "r+b") as fh:
        fh.truncate(5000)
    with pytest.raises(ModelError, match=r"model\.npz is damaged or cannot be loaded safely \(BadZipFile") as info:
        load_classifier(str(bad))
    assert str(info.value).startswith(f"{bad}: ") and str(info.value).endswith("; retrain the model")
    r = CliRunner().invoke(cli.main, ["classify", "-", "--model", str(bad)], input='{"id": "a", "text": "De strategie."}\n')
    assert r.exit_code == EXIT_MODEL and r.output.startswith(f"Error: {bad}: model.npz is damaged"), r.output


@pytest.mark.parametrize(("damage", "problem"), [
    (lambda m: m["thresholds"].update(strategie="hoog"), "meta.json threshold 'strategie' is \"hoog\", not a number from 0 to 1"),
    (lambda m: m["thresholds"].update(stance=None), "meta.json threshold 'stance' is null"),
    (lambda m: m["thresholds"].pop("delen"), "meta.json has no threshold for delen"),
    (lambda m: m.update(thresholds=[0.5] * 6), "meta.json field 'thresholds' is not an object"),
    (lambda m: m.update(library_versions="1.0"), "meta.json field 'library_versions' is not an object"),
    (lambda m: m.update(meta_version="een"), "meta.json has an invalid meta_version"),
    (lambda m: m["features"].update(word_bits="18"), "meta.json has no valid 'features'"),
    (lambda m: m.pop("features"), "meta.json has no valid 'features'"),
])
def test_a_damaged_meta_json_is_a_model_error(tmp_path, damage, problem):
    bad = copy_model(SHIPPED, tmp_path / "damaged")
    meta = json.loads((bad / "meta.json").read_text())
    damage(meta)
    (bad / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError) as info:
        load_classifier(str(bad))
    assert str(info.value).startswith(f"{bad}: {problem}") and str(info.value).endswith("; retrain the model")
    r = CliRunner().invoke(cli.main, ["classify", "-", "--model", str(bad)], input='{"id": "a", "text": "De strategie."}\n')
    assert r.exit_code == EXIT_MODEL, r.output


def test_a_meta_json_that_is_not_an_object_is_a_model_error(tmp_path):
    bad = copy_model(SHIPPED, tmp_path / "list")
    (bad / "meta.json").write_text("[1, 2, 3]\n")
    with pytest.raises(ModelError, match=r"meta\.json is not a JSON object; retrain the model"):
        load_classifier(str(bad))


@pytest.mark.parametrize("content", ["", "\n  \n\n"])
def test_evaluating_a_file_without_passages_is_a_corpus_error(tmp_path, content):
    data = tmp_path / "empty.jsonl"
    data.write_text(content)
    r = CliRunner().invoke(cli.main, ["evaluate", str(data), "--model", str(SHIPPED)])
    assert r.exit_code == EXIT_CORPUS, r.output
    assert r.output == f"Error: {data}: no passages; give a JSONL file with at least one labelled passage (one JSON object per line)\n"
    with pytest.raises(CorpusError, match="^" + re.escape(f"{data}: no passages; ")):
        make_data([], str(data))
