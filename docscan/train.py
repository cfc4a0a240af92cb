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
from .errors import ConfigError, CorpusError, DocscanError, ModelError
from .features import Featurizer, idf, tfidf
from .io import atomic_writer
from .model import META_VERSION, library_versions
from .types import MATURITY_CLASSES, MATURITY_LEVELS, THEMES

Log = Callable[[str], None]
THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)
CALIBRATION_FOLDS = 3  # the sklearn family's Platt scaling is fitted on stratified 3-fold predictions


@dataclass
class Data:
    texts: list[str]
    feats: list[str]
    Y: np.ndarray  # n x 6 binary theme matrix
    y: np.ndarray  # n maturity class indices into MATURITY_CLASSES

    def subset(self, idx) -> Data:
        return Data([self.texts[i] for i in idx], [self.feats[i] for i in idx], self.Y[idx], self.y[idx])


def make_data(examples: Sequence[corpus_mod.Example], source: str | None = None) -> Data:
    """Texts, lemma features and label arrays of ``examples``; :class:`CorpusError` when there are none.

    ``source`` (the file or folder the examples come from) names it in the error.
    """
    if not examples:
        where = f"{source}: no passages" if source else "no passages in the data"
        raise CorpusError(f"{where}; give a JSONL file with at least one labelled passage (one JSON object per line)")
    texts = [ex.text for ex in examples]
    Y = np.array([[t in ex.themes for t in THEMES] for ex in examples], dtype=int).reshape(len(examples), len(THEMES))
    y = np.array([MATURITY_CLASSES.index(ex.maturity or "none") for ex in examples], dtype=int)
    return Data(texts, lemma_texts(texts), Y, y)


# ---------------------------------------------------------------- families


@dataclass
class SklearnFamily:
    name = "sklearn"
    min_per_class = CALIBRATION_FOLDS  # examples of each label and of its absence, in every training set
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
        inner = CalibratedClassifierCV(lr, method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=False).fit(X, y).calibrated_classifiers_[0]
        cal = inner.calibrators[0]
        return inner.estimator.coef_[0], float(inner.estimator.intercept_[0]), (float(cal.a_), float(cal.b_))


@dataclass
class SpacyFamily:
    name = "spacy"
    min_per_class = 1
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


def cv_splits(n: int, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) index arrays of the cross-validation (shuffled, seeded, not stratified)."""
    from sklearn.model_selection import KFold

    return list(KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)))


def _fold(family, d: Data, tr, te):
    m = family.fit(d.subset(tr))
    return m.predict_proba([d.texts[i] for i in te], [d.feats[i] for i in te])


def cross_validate(family, d: Data, folds: int = 5, seed: int = 0, log: Log | None = None, n_jobs: int | None = None) -> CVResult:
    """Out-of-fold probabilities, thresholds and honest metrics.

    Thresholds are tuned on the out-of-fold predictions; the reported
    metrics use *cross-fitted* thresholds (for fold k, tuned on the other
    folds only), so tuning does not flatter the figures.
    """
    t0 = time.perf_counter()
    n = len(d.texts)
    theme_p = np.zeros((n, len(THEMES)))
    mat_p = np.zeros((n, len(MATURITY_CLASSES)))
    splits = cv_splits(n, folds, seed)
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


# ---------------------------------------------------------------- checks before training


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_options(families: Sequence[str], folds: int, limit: int | None) -> None:
    """Refuse option values that would fail late, or silently mean something else (ConfigError)."""
    unknown = [f for f in families if f not in FAMILIES]
    if not families or unknown:
        raise ConfigError(
            f"unknown model family {', '.join(map(repr, unknown))}; use {' or '.join(FAMILIES)}" if unknown
            else f"no model family to train; use {' or '.join(FAMILIES)}"
        )
    if not _is_int(folds) or folds < 2:
        raise ConfigError(f"--folds must be a whole number of at least 2, not {folds!r}; use 2 or more folds")
    if limit is not None and (not _is_int(limit) or limit < 1):
        raise ConfigError(
            f"--limit must be a positive number of passages, not {limit!r}; leave it out to train on the whole corpus"
        )


def check_out(out: str) -> None:
    """Refuse to replace anything but an empty folder or a docscan model folder (one with ``meta.json``).

    Writing a model replaces the whole folder ``out``; this keeps it from
    wiping a corpus, notes or an ordinary file given by mistake as ``--out``.
    """
    if not os.path.lexists(out):
        return
    if not os.path.isdir(out):
        raise ModelError(f"{out}: already exists and is not a folder; choose a new --out or remove it yourself")
    if os.path.isfile(os.path.join(out, "meta.json")) or not os.listdir(out):
        return
    raise ModelError(
        f"{out}: already exists and is not a docscan model folder (it has no meta.json); "
        "choose a new --out or remove the folder yourself"
    )


def _label_sets(d: Data) -> list[tuple[str, str, np.ndarray]]:
    """(passages with the label, passages without it, binary vector) for every theme and maturity class."""
    out = [(f"passages with theme '{t}'", f"passages without theme '{t}'", d.Y[:, j]) for j, t in enumerate(THEMES)]
    for k, c in enumerate(MATURITY_CLASSES):
        has = "passages without a maturity level" if c == "none" else f"passages of maturity {c}"
        lacks = "passages with a maturity level" if c == "none" else f"passages not of maturity {c}"
        out.append((has, lacks, (d.y == k).astype(int)))
    return out


def check_label_counts(
    d: Data, folds: int, seed: int, need: int, *, corpus: str, limit: int | None = None, available: int | None = None
) -> None:
    """Before cross-validating: every label, and its absence, must have at least ``folds`` passages, and
    at least ``need`` (the families' ``min_per_class``) in every training fold and in the whole data.

    ``available`` is the size of the corpus before ``limit``; it decides whether
    raising ``--limit`` can help. Raises :class:`CorpusError` naming the first
    label that falls short.
    """
    n = len(d.texts)
    splits = cv_splits(n, folds, seed)
    limited = limit is not None and available is not None and n < available
    where = f"the corpus (limited to {n} passages)" if limited else "the corpus"
    more = "raise --limit" if limited else "add passages to the corpus"
    for with_label, without_label, v in _label_sets(d):
        for what, mask in ((with_label, v == 1), (without_label, v == 0)):
            total = int(mask.sum())
            if total < max(folds, need):
                if folds >= need:
                    why = f"{folds}-fold cross-validation needs at least {folds} of each"
                    todo = f"{more} or lower --folds" if folds > max(2, need) and total >= max(2, need) else more
                else:
                    why = f"training needs at least {need} of each (the calibration inside every fold)"
                    todo = more
                raise CorpusError(f"{corpus}: {where} has only {total} {what}; {why}: {todo}")
            least = min(int(mask[tr].sum()) for tr, _ in splits)
            if least < need:
                raise CorpusError(
                    f"{corpus}: {where} has only {total} {what}, and one of the {folds} cross-validation training "
                    f"folds gets only {least} of them (training needs at least {need} in each): {more}"
                )


def read_previous(out: str) -> dict | None:
    """The meta.json of the model at ``out`` that training replaces, if it is readable (for the comparison)."""
    try:
        with open(os.path.join(out, "meta.json"), encoding="utf-8") as fh:
            prev = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(prev, dict) or not isinstance(prev.get("corpus"), dict) or not _is_int(prev["corpus"].get("passages")):
        return None
    return prev


def _default_model_meta(out: str) -> dict | None:
    """The meta.json of the default model, when ``out`` is another folder (None if there is none)."""
    from . import model as model_dir

    try:
        default = model_dir.resolve(None)
    except DocscanError:
        return None
    if os.path.realpath(default) == os.path.realpath(out):
        return None
    return read_previous(default)


def load_heldout(corpus: str, heldout: str | None) -> tuple[str, list[corpus_mod.Example]] | None:
    """The held-out split (default ``<corpus>/heldout/``) as (path, examples), or None if there is none."""
    path = heldout if heldout is not None else os.path.join(corpus, "heldout") if os.path.isdir(corpus) else None
    if not path or not os.path.exists(path):
        return None
    files = [path] if os.path.isfile(path) else sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".jsonl"))
    return (path, corpus_mod.load(files)) if files else None


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
    check_options(families, folds, limit)
    name = name or (os.path.basename(os.path.normpath(out)) if out else load_config()["model"]["default"])
    out = out or os.path.join(project_root(), "models", name)
    check_out(out)
    files = corpus_mod.corpus_files(corpus)
    examples = corpus_mod.load(files)
    available = len(examples)
    if limit is not None:
        rng = np.random.RandomState(seed)
        examples = [examples[i] for i in sorted(rng.permutation(len(examples))[:limit])]
    if len(examples) < 5 * folds:
        todo = "raise --limit or lower --folds" if limit is not None and limit < available else "add passages or lower --folds"
        raise CorpusError(f"{corpus}: only {len(examples)} passages; at least {5 * folds} are needed to train with {folds} folds; {todo}")
    say(f"{len(examples)} passages from {len(files)} files; computing lemma features")
    data = make_data(examples, corpus)
    need = max(FAMILIES[f].min_per_class for f in families)
    check_label_counts(data, folds, seed, need, corpus=corpus, limit=limit, available=available)
    held = load_heldout(corpus, heldout)
    held_data = make_data(held[1], held[0]) if held else None

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
    heldout_n = 0
    if held_data is not None:
        heldout_n = len(held_data.texts)
        heldout_metrics = evaluate_model(final, best.thresholds, best.stance, held_data)
        say(f"held-out test split: {heldout_n} passages evaluated")

    previous = read_previous(out) or _default_model_meta(out)  # a new --out is compared with the model in use
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
    changes = compare(previous, meta["cv"]["per_label"])
    say(f"model written to {out}")
    return TrainResult(out, meta, previous, changes)


def compare(previous: dict | None, per_label: dict) -> dict:
    """label -> {"before": the previous model's F1 (None if unknown), "after": the new F1}; {} without a previous model."""
    cv = previous.get("cv") if previous else None
    rows = cv.get("per_label") if isinstance(cv, dict) else None
    if not isinstance(rows, dict) or not rows:
        return {}
    out = {}
    for label, row in per_label.items():
        was = rows.get(label)
        f1 = was.get("f1") if isinstance(was, dict) else None
        out[label] = {"before": f1 if isinstance(f1, (int, float)) else None, "after": row["f1"]}
    return out


def save(model, meta: dict, out: str) -> dict:
    """Write the model directory atomically: build it beside ``out``, then swap it in.

    Only an empty folder or an earlier model is ever replaced (see :func:`check_out`).
    """
    check_out(out)
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
