"""Passage features for the classifier: hashed TF-IDF over lemma n-grams and
character n-grams, computed with spaCy's Dutch tokenizer and the lookup
lemma table, in plain NumPy/SciPy.

Why not scikit-learn's vectorizers? Speed and a safe, small model: features
are hashed (nothing to store but the IDF weights) and computed per distinct
word once per process (lemma, character n-grams), so a passage costs a few
dictionary look-ups per token. The same code builds training and prediction
features, so they cannot drift apart.
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

WORD_BITS = 18
CHAR_BITS = 18
CHAR_NGRAMS = (3, 5)


def _h(s: str, bits: int) -> int:
    return zlib.crc32(s.encode("utf-8")) & ((1 << bits) - 1)


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("nl").tokenizer


@dataclass(frozen=True, eq=False)
class Featurizer:
    """Stateless feature hashing; its parameters are stored in the model's meta.json."""

    word_bits: int = WORD_BITS
    char_bits: int = CHAR_BITS
    char_min: int = CHAR_NGRAMS[0]
    char_max: int = CHAR_NGRAMS[1]

    @property
    def n_word(self) -> int:
        return 1 << self.word_bits

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + (1 << self.char_bits)

    def params(self) -> dict:
        return {"word_bits": self.word_bits, "char_bits": self.char_bits, "char_ngrams": [self.char_min, self.char_max]}

    @classmethod
    def from_params(cls, p: dict) -> "Featurizer":
        return cls(p["word_bits"], p["char_bits"], p["char_ngrams"][0], p["char_ngrams"][1])

    # -------------------------------------------------------------- per word (cached)
    def word(self, lower: str) -> tuple[str, int, np.ndarray]:
        """(lemma, hashed lemma index, hashed char n-gram indices) of a lower-cased word."""
        hit = self._cache.get(lower)
        if hit is None:
            hit = self._cache[lower] = self._word(lower)
        return hit

    @functools.cached_property
    def _cache(self) -> dict:
        return {}

    @functools.cached_property
    def _by_hash(self) -> dict:
        return {}

    def _word(self, lower: str) -> tuple[str, int, np.ndarray]:
        from .nlp import lemma_of

        lemma = lemma_of(lower)
        padded = f" {lower} "
        grams = {
            padded[i : i + n]
            for n in range(self.char_min, self.char_max + 1)
            for i in range(len(padded) - n + 1)
        }
        base = self.n_word
        chars = np.fromiter((base + _h(g, self.char_bits) for g in grams), dtype=np.int64, count=len(grams))
        return lemma, _h("w " + lemma, self.word_bits), chars

    def tokens(self, text: str) -> list[tuple[str, str, int, np.ndarray]]:
        """(surface, lemma, lemma index, char indices) for the word tokens of ``text``."""
        doc = _tokenizer()(text)
        out = []
        for t in doc:
            if t.is_alpha:
                lemma, wi, ci = self.word(t.lower_)
                out.append((t.text, lemma, wi, ci))
        return out

    def counts(self, texts: Sequence[str]):
        """Sparse count matrix (documents x features) of lemma 1-2-grams and char n-grams.

        Tokens come from spaCy's tokenizer as arrays of (lower-case string id,
        is-alpha) flags, so no Token objects are made; each distinct word is
        analysed once per process.
        """
        from scipy.sparse import csr_matrix
        from spacy.attrs import IS_ALPHA, LOWER

        tok = _tokenizer()
        strings = tok.vocab.strings
        by_hash = self._by_hash
        bits = self.word_bits
        indptr = [0]
        chunks: list[np.ndarray] = []
        for doc in tok.pipe(texts, batch_size=1000):
            arr = doc.to_array([LOWER, IS_ALPHA])
            idx: list[int] = []
            extra: list[np.ndarray] = []
            prev = None
            for h, alpha in arr.tolist():
                if not alpha:
                    prev = None
                    continue
                info = by_hash.get(h)
                if info is None:
                    info = by_hash[h] = self.word(strings[h])
                lemma, wi, ci = info
                idx.append(wi)
                if prev is not None:
                    idx.append(_h(f"b {prev} {lemma}", bits))
                prev = lemma
                extra.append(ci)
            arr = np.concatenate([np.asarray(idx, dtype=np.int64)] + extra) if extra else np.zeros(0, np.int64)
            chunks.append(arr)
            indptr.append(indptr[-1] + len(arr))
        indices = np.concatenate(chunks) if chunks else np.zeros(0, np.int64)
        data = np.ones(len(indices), dtype=np.float64)
        m = csr_matrix((data, indices, np.asarray(indptr)), shape=(len(texts), self.n_features))
        m.sum_duplicates()
        return m


def idf(counts) -> np.ndarray:
    """Smoothed inverse document frequency (as scikit-learn's TfidfTransformer)."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1 + n) / (1 + df)) + 1.0


def tfidf(counts, idf_: np.ndarray, n_word: int):
    """Sublinear TF times IDF, L2-normalised separately for the word and the char block."""
    from scipy.sparse import csr_matrix

    X = counts.copy()
    X.data = (1.0 + np.log(X.data)) * idf_[X.indices]
    is_char = X.indices >= n_word
    sq = X.data**2
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    wnorm = np.sqrt(np.bincount(rows[~is_char], weights=sq[~is_char], minlength=X.shape[0]))
    cnorm = np.sqrt(np.bincount(rows[is_char], weights=sq[is_char], minlength=X.shape[0]))
    norm = np.where(is_char, cnorm[rows], wnorm[rows])
    norm[norm == 0] = 1.0
    X.data = X.data / norm
    return csr_matrix(X)
