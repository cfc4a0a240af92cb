"""Stage 3: passages to predictions with a trained model.

``load_classifier()`` opens a model directory once per process (safely, see
:mod:`docscan.model`); ``Classifier.predict`` returns one
:class:`~docscan.types.Prediction` per passage: calibrated probabilities per
theme and maturity class, the labels past their tuned thresholds, and the
terms that drove each predicted label (for highlighting evidence).
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import model as model_dir
from .errors import ModelError
from .types import MATURITY_CLASSES, MATURITY_LEVELS, THEMES, Prediction

WORD_TOKEN = r"(?u)\b\w\w+\b"


# ---------------------------------------------------------------- backends


@dataclass
class SklearnModel:
    """Word n-grams over lemmas and compound parts, character n-grams over the raw
    text, and one calibrated logistic regression per theme plus a multinomial
    one for maturity. Only scikit-learn objects: stored with skops."""

    word_vec: object
    char_vec: object
    themes: list  # one calibrated binary classifier per theme, THEMES order
    maturity: object  # calibrated classifier over MATURITY_CLASSES (indices)

    backend = "sklearn"

    def features(self, texts: Sequence[str], feats: Sequence[str]):
        from scipy.sparse import hstack

        return hstack([self.word_vec.transform(feats), self.char_vec.transform(texts)]).tocsr()

    def predict_proba(self, texts: Sequence[str], feats: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        X = self.features(texts, feats)
        themes = np.column_stack([clf.predict_proba(X)[:, 1] for clf in self.themes]) if len(texts) else np.zeros((0, 6))
        mat = _full_proba(self.maturity, X) if len(texts) else np.zeros((0, 4))
        return themes, mat

    def to_state(self) -> dict:
        return {"word_vec": self.word_vec, "char_vec": self.char_vec, "themes": self.themes, "maturity": self.maturity}

    # ------------------------------------------------------------ explanations
    @functools.cached_property
    def _coefs(self) -> dict[str, np.ndarray]:
        """Average coefficient vector per label over the calibration folds."""
        out = {}
        for label, clf in zip(THEMES, self.themes):
            out[label] = _mean_coef(clf, 1)
        for k, label in enumerate(MATURITY_CLASSES):
            out[label] = _mean_coef(self.maturity, k)
        return out

    @functools.cached_property
    def _vocab(self) -> tuple[dict[str, int], dict[str, int], int]:
        return self.word_vec.vocabulary_, self.char_vec.vocabulary_, len(self.word_vec.vocabulary_)

    def explain(self, text: str, doc, row, label: str, top: int = 5) -> list[str]:
        """Surface words and phrases of ``text`` that pushed ``label`` up most."""
        coef = self._coefs[label]
        contrib = {int(j): float(v) * float(coef[j]) for j, v in zip(row.indices, row.data)}
        wvocab, cvocab, offset = self._vocab
        scores: list[float] = []
        tokens = [t for t in doc if t.is_alpha]
        lemmas = [(t.lemma_ or t.lower_).lower() for t in tokens]
        for i, tok in enumerate(tokens):
            s = contrib.get(wvocab.get(lemmas[i], -1), 0.0)
            from .nlp import split_compound

            parts = split_compound(lemmas[i]) if len(lemmas[i]) >= 7 else ()
            if len(parts) > 1:
                s += sum(contrib.get(wvocab.get(p, -1), 0.0) for p in parts)
            if i + 1 < len(tokens):
                s += 0.5 * contrib.get(wvocab.get(f"{lemmas[i]} {lemmas[i + 1]}", -1), 0.0)
            if i > 0:
                s += 0.5 * contrib.get(wvocab.get(f"{lemmas[i - 1]} {lemmas[i]}", -1), 0.0)
            padded = f" {tok.lower_} "
            lo, hi = self.char_vec.ngram_range
            cs = 0.0
            for n in range(lo, hi + 1):
                for k in range(len(padded) - n + 1):
                    j = cvocab.get(padded[k : k + n])
                    if j is not None:
                        cs += contrib.get(offset + j, 0.0)
            scores.append(s + cs)
        return _top_terms(tokens, scores, top)


def _mean_coef(clf, k: int) -> np.ndarray:
    """Coefficients of class ``k`` averaged over a CalibratedClassifierCV's folds."""
    vecs = []
    for cc in getattr(clf, "calibrated_classifiers_", [clf]):
        est = getattr(cc, "estimator", cc)
        coef = est.coef_
        if coef.shape[0] == 1:  # binary: one row for the positive class
            vecs.append(coef[0] if k == 1 else -coef[0])
        else:
            vecs.append(coef[k])
    return np.mean(vecs, axis=0)


def _full_proba(clf, X) -> np.ndarray:
    """predict_proba over all MATURITY_CLASSES even if a class was absent in training."""
    p = clf.predict_proba(X)
    out = np.zeros((X.shape[0], len(MATURITY_CLASSES)))
    for j, c in enumerate(clf.classes_):
        out[:, int(c)] = p[:, j]
    return out


def _top_terms(tokens, scores: list[float], top: int) -> list[str]:
    if not scores:
        return []
    best = max(scores)
    if best <= 0:
        return []
    keep = [s >= 0.25 * best and s > 0 for s in scores]
    phrases: list[tuple[float, str]] = []
    i = 0
    while i < len(tokens):
        if not keep[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and keep[j + 1] and tokens[j + 1].i == tokens[j].i + 1 and j - i < 2:
            j += 1
        text = tokens[i].doc[tokens[i].i : tokens[j].i + 1].text
        phrases.append((sum(scores[i : j + 1]), text))
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

    def __init__(self, nlp):
        self.nlp = nlp

    def predict_proba(self, texts: Sequence[str], feats: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        themes = np.zeros((len(feats), len(THEMES)))
        mat = np.zeros((len(feats), len(MATURITY_CLASSES)))
        for i, doc in enumerate(self.nlp.pipe(feats, batch_size=256)):
            themes[i] = [doc.cats.get(t, 0.0) for t in THEMES]
            mat[i] = [doc.cats.get(f"m{c}", 0.0) for c in MATURITY_CLASSES]
        return themes, mat

    def explain(self, text: str, doc, row, label: str, top: int = 5) -> list[str]:
        """Occlusion: the words whose removal lowers the label's score most."""
        key = label if label in THEMES else f"m{label}"
        from .nlp import feature_text

        tokens = [t for t in doc if t.is_alpha]
        if not tokens:
            return []
        base = self.nlp(feature_text(doc)).cats.get(key, 0.0)
        variants = []
        for t in tokens:
            words = [w for w in tokens if w.i != t.i]
            variants.append(" ".join((w.lemma_ or w.lower_).lower() for w in words))
        scores = [base - d.cats.get(key, 0.0) for d in self.nlp.pipe(variants)]
        return _top_terms(tokens, scores, top)


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

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list]:
        """Theme and maturity probabilities for raw texts (and their spaCy docs)."""
        from . import nlp

        docs = list(nlp.get_nlp().pipe(texts, batch_size=512))
        feats = [nlp.feature_text(d) for d in docs]
        t, m = self.model.predict_proba(list(texts), feats)
        return t, m, docs

    def decide(self, theme_p: np.ndarray, mat_p: np.ndarray) -> tuple[list[tuple[str, ...]], list[str | None]]:
        thr = np.array([self.thresholds[t] for t in THEMES])
        themes = [tuple(t for t, on in zip(THEMES, row >= thr) if on) for row in theme_p]
        levels = []
        for row in mat_p:
            k = int(np.argmax(row[:3]))
            levels.append(MATURITY_LEVELS[k] if row[k] >= self.stance_threshold and row[k] >= row[3] * 0.5 else None)
        return themes, levels

    def predict(self, texts: Sequence[str], ids: Sequence[str] | None = None, *, explain: bool = True) -> list[Prediction]:
        ids = list(ids) if ids is not None else [str(i) for i in range(len(texts))]
        theme_p, mat_p, docs = self.probabilities(texts)
        themes, levels = self.decide(theme_p, mat_p)
        rows = None
        if explain and isinstance(self.model, SklearnModel):
            from . import nlp

            need = [i for i in range(len(texts)) if themes[i] or levels[i]]
            X = self.model.features([texts[i] for i in need], [nlp.feature_text(docs[i]) for i in need]) if need else None
            rows = {i: X[k] for k, i in enumerate(need)}
        out = []
        for i, pid in enumerate(ids):
            evidence: dict[str, list[str]] = {}
            if explain:
                for label in list(themes[i]) + ([levels[i]] if levels[i] else []):
                    row = rows[i] if rows is not None else None
                    evidence[label] = self.model.explain(texts[i], docs[i], row, label)
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


def load_backend(path: str, meta: dict):
    if meta["backend"] == "sklearn":
        state = model_dir.safe_load_skops(os.path.join(path, "model.skops"))
        try:
            return SklearnModel(state["word_vec"], state["char_vec"], list(state["themes"]), state["maturity"])
        except (KeyError, TypeError):
            raise ModelError(f"{path}: model.skops does not hold a docscan model; retrain the model") from None
    if meta["backend"] == "spacy":
        import spacy

        try:
            return SpacyModel(spacy.load(os.path.join(path, "spacy")))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: the spaCy pipeline cannot be loaded ({exc}); retrain the model") from None
    raise ModelError(f"{path}: unknown model backend '{meta['backend']}'")


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Classifier:
    md = model_dir.open_model(path)
    backend = load_backend(md.path, md.meta)
    thr = md.meta["thresholds"]
    return Classifier(md.path, md.meta, backend, {t: float(thr[t]) for t in THEMES}, float(thr.get("stance", 0.5)), md.warnings)


def load_classifier(model: str | os.PathLike | None = None) -> Classifier:
    """The classifier of a model directory (default: the shipped model), loaded once per process."""
    return _load(model_dir.resolve(model))


_SPACE = re.compile(r"\s+")
