"""Training: two model families compared by cross-validation, thresholds tuned,
the winner fitted on the whole corpus and written as a model directory.

Families:

* ``sklearn``: TF-IDF word 1-2-grams over lemmas and compound parts plus
  character 3-5-grams (inside word boundaries, which also catch Dutch
  compounds), one sigmoid-calibrated logistic regression per theme, and a
  calibrated multinomial one for maturity (1.0 / 2.0 / 3.0 / none);
* ``spacy``: spaCy ``textcat_multilabel`` (themes) and ``textcat``
  (maturity) with the bag-of-words architecture, trained from scratch.

Everything is seeded, so training the same corpus twice gives the same model.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import corpus as corpus_mod
from .classify import EMPTY, LinearModel, SpacyModel, lemma_texts
from .errors import CorpusError
from .features import Featurizer, idf, tfidf
from .io import atomic_writer
from .model import META_VERSION, library_versions
from .types import MATURITY_CLASSES, MATURITY_LEVELS, THEMES

Log = Callable[[str], None]
THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)


@dataclass
class Data:
    texts: list[str]
    feats: list[str]
    Y: np.ndarray  # n x 6 binary theme matrix
    y: np.ndarray  # n maturity class indices into MATURITY_CLASSES

    def subset(self, idx) -> Data:
        return Data([self.texts[i] for i in idx], [self.feats[i] for i in idx], self.Y[idx], self.y[idx])


def make_data(examples: Sequence[corpus_mod.Example]) -> Data:
    texts = [ex.text for ex in examples]
    Y = np.array([[t in ex.themes for t in THEMES] for ex in examples], dtype=int).reshape(len(examples), len(THEMES))
    y = np.array([MATURITY_CLASSES.index(ex.maturity or "none") for ex in examples], dtype=int)
    return Data(texts, lemma_texts(texts), Y, y)


# ---------------------------------------------------------------- families


@dataclass
class SklearnFamily:
    name = "sklearn"
    C: float = 4.0
    random_state: int = 0

    def fit(self, d: Data) -> LinearModel:
        fz = Featurizer()
        counts = fz.counts(d.texts)
        idf_ = idf(counts)
        X = tfidf(counts, idf_, fz.n_word)
        themes = [self._binary(X, d.Y[:, j]) for j in range(len(THEMES))]
        # maturity: one calibrated one-vs-rest regression per class, normalised at prediction time
        if len(set(d.y.tolist())) < len(MATURITY_CLASSES):
            raise CorpusError("every maturity class (1.0, 2.0, 3.0, none) needs examples to train")
        mats = [self._binary(X, (d.y == k).astype(int)) for k in range(len(MATURITY_CLASSES))]
        f32 = np.float32
        return LinearModel(
            fz,
            idf_.astype(f32),
            np.array([m[0] for m in themes], dtype=f32),
            np.array([m[1] for m in themes]),
            np.array([m[2] for m in themes]),
            np.array([m[0] for m in mats], dtype=f32),
            np.array([m[1] for m in mats]),
            np.array([m[2] for m in mats]),
        )

    def _binary(self, X, y) -> tuple[np.ndarray, float, tuple[float, float]]:
        """A balanced logistic regression with Platt scaling fitted on 3-fold predictions."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=self.random_state)
        inner = CalibratedClassifierCV(lr, method="sigmoid", cv=3, ensemble=False).fit(X, y).calibrated_classifiers_[0]
        cal = inner.calibrators[0]
        return inner.estimator.coef_[0], float(inner.estimator.intercept_[0]), (float(cal.a_), float(cal.b_))


@dataclass
class SpacyFamily:
    name = "spacy"
    epochs: int = 8
    dropout: float = 0.2
    random_state: int = 0

    def fit(self, d: Data) -> SpacyModel:
        themes = self._fit_one(d, "textcat_multilabel", [{t: float(v) for t, v in zip(THEMES, row)} for row in d.Y])
        maturity = self._fit_one(
            d, "textcat", [{f"m{c}": float(i == k) for i, c in enumerate(MATURITY_CLASSES)} for k in d.y]
        )
        return SpacyModel(themes, maturity)

    def _fit_one(self, d: Data, component: str, cats: list[dict]):
        import random

        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(self.random_state)
        nlp = spacy.blank("nl")
        bow = {"@architectures": "spacy.TextCatBOW.v3", "ngram_size": 2, "no_output_layer": False, "length": 262144,
               "exclusive_classes": component == "textcat"}
        nlp.add_pipe(component, config={"model": bow})
        examples = [Example.from_dict(nlp.make_doc(feat or EMPTY), {"cats": c}) for feat, c in zip(d.feats, cats)]
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(self.random_state)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=16):
                nlp.update(batch, drop=self.dropout, sgd=optimizer)
        return nlp


FAMILIES = {"sklearn": SklearnFamily, "spacy": SpacyFamily}


# ---------------------------------------------------------------- metrics


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold on ``p`` that maximises F1 for binary labels ``y``."""
    from sklearn.metrics import f1_score

    best, best_t = -1.0, 0.5
    for t in THRESHOLD_GRID:
        f = f1_score(y, p >= t, zero_division=0)
        if f > best + 1e-9:
            best, best_t = f, float(t)
    return best_t


def decide_maturity(mat_p: np.ndarray, stance: float) -> np.ndarray:
    """Class indices: the most probable level if it clears ``stance``, else none (3)."""
    k = np.argmax(mat_p[:, :3], axis=1)
    pk = mat_p[np.arange(len(k)), k]
    return np.where((pk >= stance) & (pk >= 0.5 * mat_p[:, 3]), k, 3)


def best_stance(y: np.ndarray, mat_p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    best, best_t = -1.0, 0.5
    for t in THRESHOLD_GRID:
        f = f1_score(y, decide_maturity(mat_p, t), labels=[0, 1, 2], average="macro", zero_division=0)
        if f > best + 1e-9:
            best, best_t = f, float(t)
    return best_t


def metrics(Y: np.ndarray, theme_pred: np.ndarray, y: np.ndarray, mat_pred: np.ndarray) -> dict:
    """Per-label precision/recall/F1/support, macro and micro averages, confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    per = {}
    p, r, f, s = precision_recall_fscore_support(Y, theme_pred, zero_division=0)
    for j, t in enumerate(THEMES):
        per[t] = {"precision": round(float(p[j]), 3), "recall": round(float(r[j]), 3), "f1": round(float(f[j]), 3), "support": int(s[j])}
    mp, mr, mf, _ = precision_recall_fscore_support(Y, theme_pred, average="macro", zero_division=0)
    ip, ir, iff, _ = precision_recall_fscore_support(Y, theme_pred, average="micro", zero_division=0)
    p2, r2, f2, s2 = precision_recall_fscore_support(y, mat_pred, labels=[0, 1, 2, 3], zero_division=0)
    for k, c in enumerate(MATURITY_CLASSES):
        per[c] = {"precision": round(float(p2[k]), 3), "recall": round(float(r2[k]), 3), "f1": round(float(f2[k]), 3), "support": int(s2[k])}
    return {
        "themes_macro_f1": round(float(mf), 3),
        "themes_macro_precision": round(float(mp), 3),
        "themes_macro_recall": round(float(mr), 3),
        "themes_micro_f1": round(float(iff), 3),
        "themes_micro_precision": round(float(ip), 3),
        "themes_micro_recall": round(float(ir), 3),
        "maturity_macro_f1": round(float(np.mean(f2[:3])), 3),  # over the three levels; "none" is the negative class
        "maturity_macro_f1_with_none": round(float(np.mean(f2)), 3),
        "maturity_confusion": confusion_matrix(y, mat_pred, labels=[0, 1, 2, 3]).tolist(),
        "per_label": per,
    }


@dataclass
class CVResult:
    family: str
    theme_p: np.ndarray
    mat_p: np.ndarray
    thresholds: dict[str, float]
    stance: float
    metrics: dict
    seconds: float


def _fold(family, d: Data, tr, te):
    m = family.fit(d.subset(tr))
    return m.predict_proba([d.texts[i] for i in te], [d.feats[i] for i in te])


def cross_validate(family, d: Data, folds: int = 5, seed: int = 0, log: Log | None = None, n_jobs: int | None = None) -> CVResult:
    """Out-of-fold probabilities, thresholds and honest metrics.

    Thresholds are tuned on the out-of-fold predictions; the reported
    metrics use *cross-fitted* thresholds (for fold k, tuned on the other
    folds only), so tuning does not flatter the figures.
    """
    from sklearn.model_selection import KFold

    t0 = time.perf_counter()
    n = len(d.texts)
    theme_p = np.zeros((n, len(THEMES)))
    mat_p = np.zeros((n, len(MATURITY_CLASSES)))
    splits = list(KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)))
    from joblib import Parallel, delayed

    # folds run in parallel worker processes (one per core); each fold is seeded, so the
    # result does not depend on the number of workers
    results = Parallel(n_jobs=n_jobs)(delayed(_fold)(family, d, tr, te) for tr, te in splits)
    for (_tr, te), (tp, mp) in zip(splits, results):
        theme_p[te], mat_p[te] = tp, mp
    if log:
        log(f"  {family.name}: {folds} folds done")
    theme_pred = np.zeros_like(d.Y)
    mat_pred = np.zeros_like(d.y)
    for tr, te in splits:
        for j in range(len(THEMES)):
            t = best_threshold(d.Y[tr, j], theme_p[tr, j])
            theme_pred[te, j] = theme_p[te, j] >= t
        mat_pred[te] = decide_maturity(mat_p[te], best_stance(d.y[tr], mat_p[tr]))
    thresholds = {t: best_threshold(d.Y[:, j], theme_p[:, j]) for j, t in enumerate(THEMES)}
    return CVResult(
        family.name,
        theme_p,
        mat_p,
        thresholds,
        best_stance(d.y, mat_p),
        metrics(d.Y, theme_pred, d.y, mat_pred),
        time.perf_counter() - t0,
    )


def evaluate_model(model, thresholds: dict[str, float], stance: float, d: Data) -> dict:
    tp, mp = model.predict_proba(d.texts, d.feats)
    pred = np.column_stack([tp[:, j] >= thresholds[t] for j, t in enumerate(THEMES)]).astype(int)
    return metrics(d.Y, pred, d.y, decide_maturity(mp, stance))


# ---------------------------------------------------------------- train


@dataclass
class TrainResult:
    path: str
    meta: dict
    previous: dict | None  # the meta.json of the model that was replaced, if any
    changes: dict = field(default_factory=dict)  # label -> {"before": f1, "after": f1}


def train(
    corpus: str = "corpus",
    out: str | None = None,
    *,
    name: str | None = None,
    families: Sequence[str] = ("sklearn", "spacy"),
    folds: int = 5,
    seed: int = 0,
    heldout: str | None = None,
    limit: int | None = None,
    log: Log | None = None,
    n_jobs: int | None = None,
) -> TrainResult:
    """Train, compare and save a model; return its meta and the change against the previous one.

    ``heldout`` (default ``<corpus>/heldout/``) is evaluated but never used for
    fitting or tuning. ``limit`` trains on a deterministic subset (for tests).
    ``n_jobs``: parallel cross-validation folds (default: the number of cores).
    """
    n_jobs = n_jobs or os.cpu_count() or 1
    from .config import load_config, project_root

    t_start = time.perf_counter()
    say = log or (lambda _m: None)
    files = corpus_mod.corpus_files(corpus)
    examples = corpus_mod.load(files)
    if limit:
        rng = np.random.RandomState(seed)
        examples = [examples[i] for i in sorted(rng.permutation(len(examples))[:limit])]
    if len(examples) < 5 * folds:
        raise CorpusError(f"{corpus}: only {len(examples)} passages; at least {5 * folds} are needed to train")
    name = name or (os.path.basename(os.path.normpath(out)) if out else load_config()["model"]["default"])
    out = out or os.path.join(project_root(), "models", name)
    say(f"{len(examples)} passages from {len(files)} files; computing lemma features")
    data = make_data(examples)

    results = []
    for fam_name in families:
        fam = FAMILIES[fam_name](random_state=seed)
        say(f"cross-validating {fam_name} ({folds} folds)")
        results.append((fam, cross_validate(fam, data, folds, seed, say, n_jobs=n_jobs)))
    score = lambda r: r.metrics["themes_macro_f1"] + r.metrics["maturity_macro_f1"]  # noqa: E731
    fam, best = max(results, key=lambda fr: score(fr[1]))
    say(f"best family: {best.family}; fitting on all {len(examples)} passages")
    final = fam.fit(data)

    heldout_metrics = None
    heldout_path = heldout if heldout is not None else os.path.join(corpus, "heldout") if os.path.isdir(corpus) else None
    heldout_n = 0
    if heldout_path and os.path.exists(heldout_path):
        hfiles = [heldout_path] if os.path.isfile(heldout_path) else sorted(
            os.path.join(heldout_path, f) for f in os.listdir(heldout_path) if f.endswith(".jsonl")
        )
        if hfiles:
            hex_ = corpus_mod.load(hfiles)
            heldout_n = len(hex_)
            heldout_metrics = evaluate_model(final, best.thresholds, best.stance, make_data(hex_))
            say(f"held-out test split: {heldout_n} passages evaluated")

    previous = None
    if os.path.isfile(os.path.join(out, "meta.json")):
        with open(os.path.join(out, "meta.json"), encoding="utf-8") as fh:
            previous = json.load(fh)
    meta = {
        "meta_version": META_VERSION,
        "name": name,
        "version": _dt.datetime.now(_dt.timezone.utc).strftime("%Y.%m.%d.%H%M"),
        "trained_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "backend": best.family,
        "labels": {"themes": list(THEMES), "maturity": list(MATURITY_CLASSES)},
        "thresholds": dict(best.thresholds, stance=best.stance),
        "corpus": {
            "files": [os.path.basename(f) for f in files],
            "sha256": corpus_mod.corpus_hash(files),
            "passages": len(examples),
            "subset": bool(limit),
        },
        "seed": seed,
        "cv": {
            "folds": folds,
            "selection": "highest themes macro-F1 + maturity macro-F1 (levels), 5-fold, cross-fitted thresholds",
            "families": {
                r.family: {
                    "themes_macro_f1": r.metrics["themes_macro_f1"],
                    "maturity_macro_f1": r.metrics["maturity_macro_f1"],
                    "seconds": round(r.seconds, 1),
                }
                for _, r in results
            },
            **best.metrics,
        },
        "heldout": {"passages": heldout_n, **heldout_metrics} if heldout_metrics else None,
        "library_versions": library_versions(),
        "training_seconds": round(time.perf_counter() - t_start, 1),
    }
    meta = save(final, meta, out)
    changes = {}
    if previous and previous.get("cv", {}).get("per_label"):
        for label, row in meta["cv"]["per_label"].items():
            before = previous["cv"]["per_label"].get(label, {}).get("f1")
            changes[label] = {"before": before, "after": row["f1"]}
    say(f"model written to {out}")
    return TrainResult(out, meta, previous, changes)


def save(model, meta: dict, out: str) -> dict:
    """Write the model directory atomically: build it beside ``out``, then swap it in."""
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(out)}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    if isinstance(model, LinearModel):
        model.save(os.path.join(tmp, "model.npz"))
        meta = dict(meta, features=model.featurizer.params(), format="model.npz: NumPy arrays only, loaded with allow_pickle=False")
    else:
        model.themes_nlp.to_disk(os.path.join(tmp, "spacy", "themes"))
        model.maturity_nlp.to_disk(os.path.join(tmp, "spacy", "maturity"))
    with atomic_writer(os.path.join(tmp, "meta.json")) as fh:
        json.dump(meta, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    with atomic_writer(os.path.join(tmp, "MODEL_CARD.md")) as fh:
        fh.write(model_card(meta))
    old = None
    if os.path.exists(out):
        old = os.path.join(parent, f".{os.path.basename(out)}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old:
        shutil.rmtree(old, ignore_errors=True)
    return meta


def model_card(meta: dict) -> str:
    cv = meta["cv"]
    rows = "\n".join(
        f"| {label} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} |"
        + (f" {meta['thresholds'][label]:.3f} |" if label in meta["thresholds"] else " |")
        for label, m in cv["per_label"].items()
    )
    fams = ", ".join(f"{k}: themes {v['themes_macro_f1']:.3f} / maturity {v['maturity_macro_f1']:.3f}" for k, v in cv["families"].items())
    held = meta.get("heldout")
    held_txt = (
        f"On the separately written held-out split ({held['passages']} passages, other authors' voice and "
        f"municipalities, never used for tuning): themes macro-F1 **{held['themes_macro_f1']:.3f}**, maturity "
        f"macro-F1 **{held['maturity_macro_f1']:.3f}**."
        if held
        else "No held-out split was evaluated."
    )
    return f"""# Model card: {meta['name']} ({meta['version']})

**What it does.** Classifies passages of Dutch municipal policy documents:
six themes (multi-label: {', '.join(THEMES)}) and the maturity stance
({', '.join(MATURITY_LEVELS)} or none), as defined in the docscan codebook.
Backend: `{meta['backend']}`. Trained {meta['trained_at']} on
{meta['corpus']['passages']} passages (corpus SHA-256 `{meta['corpus']['sha256'][:16]}...`).

**Intended use.** Evidence finding for advisors and auditors reading
information policy plans; every verdict in a docscan report shows the
passages behind it. Not for automated decisions about municipalities.

**Quality ({cv['folds']}-fold cross-validation, thresholds cross-fitted).**
Themes macro-F1 **{cv['themes_macro_f1']:.3f}** (micro {cv['themes_micro_f1']:.3f});
maturity macro-F1 over the three levels **{cv['maturity_macro_f1']:.3f}**
({cv['maturity_macro_f1_with_none']:.3f} including "none").
Families compared: {fams}.
{held_txt}

| label | precision | recall | F1 | support | threshold |
|---|---|---|---|---|---|
{rows}

Maturity confusion matrix (rows true, columns predicted; 1.0, 2.0, 3.0, none):
`{cv['maturity_confusion']}`

**Limits.** The corpus is written by the docscan team in the registers of
Dutch municipalities; real documents use other habits, so expect lower
figures on them (compare the held-out split). Passages are judged one at a
time: a theme argued over several paragraphs may score lower per passage.
Only Dutch text is supported.

**Libraries.** {', '.join(f'{k} {v}' for k, v in meta['library_versions'].items())}.
"""
