"""Stage 3: passages to predictions with a trained model.

``load_classifier()`` opens a model directory once per process (safely, see
:mod:`docscan.model`); ``Classifier.predict`` returns one
:class:`~docscan.types.Prediction` per passage: calibrated probabilities per
theme and maturity class, the labels past their tuned thresholds, and the
terms that drove each predicted label (for highlighting evidence).
"""
from __future__ import annotations

import functools
import json
import os
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import model as model_dir
from .errors import ModelError
from .features import Featurizer, bigram_index, tfidf
from .types import MATURITY_CLASSES, MATURITY_LEVELS, THEMES, Prediction

EMPTY = "leeg"  # stands in for a passage without words (spaCy's n-gram layer needs a token)


# ---------------------------------------------------------------- backends


def _sigmoid(d: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """Platt scaling as scikit-learn's _SigmoidCalibration: 1 / (1 + exp(a * d + b))."""
    z = np.clip(ab[:, 0] * d + ab[:, 1], -500, 500)
    return 1.0 / (1.0 + np.exp(z))


@dataclass
class LinearModel:
    """Hashed TF-IDF features (:mod:`docscan.features`) and sigmoid-calibrated
    logistic regressions: one per theme, one per maturity class (normalised).

    Stored as plain NumPy arrays in ``model.npz`` and loaded with
    ``allow_pickle=False``: loading can never execute code.
    """

    featurizer: Featurizer
    idf: np.ndarray  # n_features
    theme_coef: np.ndarray  # 6 x n_features
    theme_intercept: np.ndarray  # 6
    theme_sigmoid: np.ndarray  # 6 x 2 (a, b)
    mat_coef: np.ndarray  # 4 x n_features
    mat_intercept: np.ndarray  # 4
    mat_sigmoid: np.ndarray  # 4 x 2

    backend = "sklearn"
    ARRAYS = ("idf", "theme_coef", "theme_intercept", "theme_sigmoid", "mat_coef", "mat_intercept", "mat_sigmoid")

    def features(self, texts: Sequence[str]):
        return tfidf(self.featurizer.counts(texts), self.idf, self.featurizer.n_word)

    def predict_proba(self, texts: Sequence[str], feats: Sequence[str] | None = None, X=None) -> tuple[np.ndarray, np.ndarray]:
        if X is None:
            X = self.features(texts)
        themes = _sigmoid(np.asarray(X @ self.theme_coef.T) + self.theme_intercept, self.theme_sigmoid)
        mat = _sigmoid(np.asarray(X @ self.mat_coef.T) + self.mat_intercept, self.mat_sigmoid)
        total = mat.sum(axis=1, keepdims=True)
        mat = np.where(total > 0, mat / np.where(total > 0, total, 1), 1.0 / mat.shape[1])
        return themes, mat

    def save(self, path: str) -> None:
        np.savez_compressed(path, **{k: getattr(self, k) for k in self.ARRAYS})

    @classmethod
    def load(cls, path: str, featurizer: Featurizer) -> LinearModel:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in cls.ARRAYS}
        n = featurizer.n_features
        if arrays["idf"].shape != (n,) or arrays["theme_coef"].shape != (len(THEMES), n) or arrays["mat_coef"].shape != (
            len(MATURITY_CLASSES),
            n,
        ):
            raise ModelError(f"{path}: array shapes do not match meta.json; retrain the model")
        return cls(featurizer, **arrays)

    def explain(self, text: str, row, label: str, top: int = 5, toks=None) -> list[str]:
        """Surface words and phrases of ``text`` that pushed ``label`` up most.

        A word's share is the sum of (TF-IDF value x coefficient) over its
        features: its lemma, half of each lemma bigram it is in, and its
        character n-grams.
        """
        toks = toks if toks is not None else self.featurizer.tokens(text)
        if not toks:
            return []
        coef = self.theme_coef[THEMES.index(label)] if label in THEMES else self.mat_coef[MATURITY_CLASSES.index(label)]
        fz = self.featurizer
        feat, owner, weight = [], [], []
        for i, (_surface, _lemma, wi, ci, h32) in enumerate(toks):
            feat.append(wi)
            owner.append(i)
            weight.append(1.0)
            feat.extend(ci.tolist())
            owner.extend([i] * len(ci))
            weight.extend([1.0] * len(ci))
            if i + 1 < len(toks):
                b = bigram_index(h32, toks[i + 1][4], fz.word_bits)
                feat += [b, b]
                owner += [i, i + 1]
                weight += [0.5, 0.5]
        feat_a = np.asarray(feat, dtype=np.int64)
        pos = np.searchsorted(row.indices, feat_a)
        pos_c = np.minimum(pos, len(row.indices) - 1)
        hit = (pos < len(row.indices)) & (row.indices[pos_c] == feat_a)
        contrib = np.where(hit, row.data[pos_c] * coef[feat_a] * np.asarray(weight), 0.0)
        scores = np.bincount(np.asarray(owner), weights=contrib, minlength=len(toks))
        return _top_terms(text, [t[0] for t in toks], scores.tolist(), top)


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _top_terms(text: str, words: list[str], scores: list[float], top: int) -> list[str]:
    """The highest-scoring words, adjacent ones joined into phrases as they stand in ``text``."""
    if not scores or max(scores) <= 0:
        return []
    best = max(scores)
    stop = _stop_words()
    keep = [s >= 0.25 * best and w.lower() not in stop and len(w) > 1 for s, w in zip(scores, words)]
    # character offsets of each word in the text, in order
    spans, pos = [], 0
    for w in words:
        k = text.find(w, pos)
        if k < 0:
            k = pos
        spans.append((k, k + len(w)))
        pos = k + len(w)
    phrases: list[tuple[float, str]] = []
    i = 0
    while i < len(words):
        if not keep[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and keep[j + 1] and j - i < 2 and text[spans[j][1] : spans[j + 1][0]].strip() == "":
            j += 1
        phrases.append((sum(scores[i : j + 1]), text[spans[i][0] : spans[j][1]]))
        i = j + 1
    phrases.sort(key=lambda p: -p[0])
    seen, out = set(), []
    for _, p in phrases:
        if p.lower() not in seen:
            seen.add(p.lower())
            out.append(p)
        if len(out) == top:
            break
    return out


class SpacyModel:
    """A spaCy pipeline with ``textcat_multilabel`` (themes) and ``textcat``
    (maturity), trained from scratch on lemma-and-compound text."""

    backend = "spacy"

    def __init__(self, themes_nlp, maturity_nlp):
        self.themes_nlp = themes_nlp
        self.maturity_nlp = maturity_nlp

    def predict_proba(self, texts: Sequence[str], feats: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        feats = feats if feats is not None else lemma_texts(texts)
        themes = np.zeros((len(feats), len(THEMES)))
        mat = np.zeros((len(feats), len(MATURITY_CLASSES)))
        feats = [f or EMPTY for f in feats]
        for i, doc in enumerate(self.themes_nlp.pipe(feats, batch_size=256)):
            themes[i] = [doc.cats.get(t, 0.0) for t in THEMES]
        for i, doc in enumerate(self.maturity_nlp.pipe(feats, batch_size=256)):
            mat[i] = [doc.cats.get(f"m{c}", 0.0) for c in MATURITY_CLASSES]
        return themes, mat

    def _score(self, key: str, texts: list[str]) -> list[float]:
        nlp = self.themes_nlp if key in THEMES else self.maturity_nlp
        return [d.cats.get(key, 0.0) for d in nlp.pipe([t or EMPTY for t in texts])]

    def explain(self, text: str, row, label: str, top: int = 5) -> list[str]:
        """Occlusion: the words whose removal lowers the label's score most."""
        key = label if label in THEMES else f"m{label}"
        toks = Featurizer().tokens(text)
        if not toks:
            return []
        lemmas = [t[1] for t in toks]
        base = self._score(key, [" ".join(lemmas)])[0]
        variants = [" ".join(lemmas[:i] + lemmas[i + 1 :]) for i in range(len(lemmas))]
        scores = [base - v for v in self._score(key, variants)]
        return _top_terms(text, [t[0] for t in toks], scores, top)


# ---------------------------------------------------------------- the classifier


@dataclass
class Classifier:
    """A loaded model with its thresholds; makes :class:`Prediction` objects."""

    path: str
    meta: dict
    model: object  # SklearnModel or SpacyModel
    thresholds: dict[str, float]
    stance_threshold: float
    warnings: list[str]

    @property
    def name(self) -> str:
        return self.meta["name"]

    def decide(self, theme_p: np.ndarray, mat_p: np.ndarray) -> tuple[list[tuple[str, ...]], list[str | None]]:
        thr = np.array([self.thresholds[t] for t in THEMES])
        themes = [tuple(t for t, on in zip(THEMES, row >= thr) if on) for row in theme_p]
        k = np.argmax(mat_p[:, :3], axis=1)
        pk = mat_p[np.arange(len(k)), k]
        on = (pk >= self.stance_threshold) & (pk >= 0.5 * mat_p[:, 3])
        levels = [MATURITY_LEVELS[int(j)] if o else None for j, o in zip(k, on)]
        return themes, levels

    def predict(self, texts: Sequence[str], ids: Sequence[str] | None = None, *, explain: bool = True) -> list[Prediction]:
        texts = list(texts)
        ids = list(ids) if ids is not None else [str(i) for i in range(len(texts))]
        X = None
        if isinstance(self.model, LinearModel):
            X = self.model.features(texts)
            theme_p, mat_p = self.model.predict_proba(texts, X=X)
        else:
            theme_p, mat_p = self.model.predict_proba(texts)
        themes, levels = self.decide(theme_p, mat_p)
        out = []
        for i, pid in enumerate(ids):
            evidence: dict[str, list[str]] = {}
            labels = list(themes[i]) + ([levels[i]] if levels[i] else [])
            if explain and labels:
                row = X[i] if X is not None else None
                toks = self.model.featurizer.tokens(texts[i]) if X is not None else None
                for label in labels:
                    evidence[label] = self.model.explain(texts[i], row, label, toks=toks) if toks is not None else \
                        self.model.explain(texts[i], row, label)
            out.append(
                Prediction(
                    passage_id=pid,
                    themes={t: float(p) for t, p in zip(THEMES, theme_p[i])},
                    predicted_themes=themes[i],
                    maturity={c: float(p) for c, p in zip(MATURITY_CLASSES, mat_p[i])},
                    predicted_maturity=levels[i],
                    evidence=evidence,
                )
            )
        return out


# what reading a damaged, truncated or unsafe model.npz can raise (pickled arrays: ValueError)
NPZ_ERRORS = (OSError, EOFError, KeyError, ValueError, TypeError, zipfile.BadZipFile, zlib.error)


def load_backend(path: str, meta: dict):
    """The model of directory ``path``; anything damaged in it is a :class:`ModelError` naming ``path``."""
    if meta["backend"] == "sklearn":
        try:
            featurizer = Featurizer.from_params(meta["features"])
        except (KeyError, ValueError) as exc:
            raise ModelError(f"{path}: meta.json has no valid 'features' ({exc}); retrain the model") from None
        try:
            return LinearModel.load(os.path.join(path, "model.npz"), featurizer)
        except NPZ_ERRORS as exc:
            raise ModelError(
                f"{path}: model.npz is damaged or cannot be loaded safely ({type(exc).__name__}: {exc}); retrain the model"
            ) from None
    if meta["backend"] == "spacy":
        import spacy

        try:
            return SpacyModel(spacy.load(os.path.join(path, "spacy", "themes")), spacy.load(os.path.join(path, "spacy", "maturity")))
        except Exception as exc:  # noqa: BLE001 - a damaged pipeline can fail in many ways inside spaCy and thinc
            raise ModelError(f"{path}: the spaCy pipeline cannot be loaded ({type(exc).__name__}: {exc}); retrain the model") from None
    raise ModelError(f"{path}: unknown model backend {json.dumps(meta['backend'])}; retrain the model")


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Classifier:
    md = model_dir.open_model(path)
    backend = load_backend(md.path, md.meta)
    thr = md.meta["thresholds"]
    return Classifier(md.path, md.meta, backend, {t: float(thr[t]) for t in THEMES}, float(thr.get("stance", 0.5)), md.warnings)


def load_classifier(model: str | os.PathLike | None = None) -> Classifier:
    """The classifier of a model directory (default: the shipped model), loaded once per process."""
    return _load(model_dir.resolve(model))




def lemma_texts(texts: Sequence[str]) -> list[str]:
    """Passages as space-separated lemmas (the input of the spaCy family)."""
    fz = Featurizer()
    return [" ".join(t[1] for t in fz.tokens(text)) or EMPTY for text in texts]
