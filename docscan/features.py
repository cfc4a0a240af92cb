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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WORD_BITS = 18
CHAR_BITS = 18
CHAR_NGRAMS = (3, 5)


def _h(s: str, bits: int) -> int:
    return zlib.crc32(s.encode("utf-8")) & ((1 << bits) - 1)


_K1, _K2, _K3 = 0x9E3779B1, 0x85EBCA6B, 0x27D4EB2F
_U64 = (1 << 64) - 1


def bigram_index(h_prev: int, h_next: int, bits: int) -> int:
    """Bucket of a lemma bigram, from the two lemmas' 32-bit hashes (64-bit arithmetic, as in NumPy)."""
    return (((h_prev * _K1 + h_next * _K2 + _K3) & _U64) >> 11) & ((1 << bits) - 1)


_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def char_ngram_hashes(words: Sequence[str], n_min: int, n_max: int, bits: int) -> list[np.ndarray]:
    """Hashed character n-grams of `` word `` for many words at once (FNV-1a over code points).

    Vectorised over all words and positions: a few NumPy operations per n
    instead of one hash call per n-gram.
    """
    padded = [f" {w} " for w in words]
    lens = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    width = int(lens.max()) if len(padded) else 0
    codes = np.zeros((len(padded), width), dtype=np.uint64)
    for i, p in enumerate(padded):
        codes[i, : len(p)] = np.frombuffer(p.encode("utf-32-le"), dtype=np.uint32)
    mask = np.uint64((1 << bits) - 1)
    per_n = []
    with np.errstate(over="ignore"):
        for n in range(n_min, n_max + 1):
            if width < n:
                per_n.append(None)
                continue
            h = np.full((len(padded), width - n + 1), _FNV_OFFSET ^ np.uint64(n), dtype=np.uint64)
            for k in range(n):
                h = (h ^ codes[:, k : width - n + 1 + k]) * _FNV_PRIME
            per_n.append(((h ^ (h >> np.uint64(29))) & mask).astype(np.int64))
    out = []
    for i, length in enumerate(lens.tolist()):
        parts = [m[i, : length - n + 1] for n, m in zip(range(n_min, n_max + 1), per_n) if m is not None and length >= n]
        out.append(np.concatenate(parts) if parts else np.zeros(0, np.int64))
    return out


# A worker that reads thousands of documents meets hundreds of thousands of distinct words; each
# costs about 1 KB (its analysis here and its lexeme in the tokenizer's vocabulary). Past this
# many, both are dropped and rebuilt as words come (the tokenizer in 0.3 s): memory stays bounded.
MAX_CACHED_WORDS = 50_000


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
    def from_params(cls, p: dict) -> Featurizer:
        """The featurizer that :meth:`params` describes; ValueError when ``p`` is not such a description."""
        try:
            word_bits, char_bits = p["word_bits"], p["char_bits"]
            char_min, char_max = p["char_ngrams"]
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"incomplete feature parameters ({type(exc).__name__}: {exc})") from None
        values = (word_bits, char_bits, char_min, char_max)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values) or not (
            1 <= word_bits <= 30 and 1 <= char_bits <= 30 and 1 <= char_min <= char_max
        ):
            raise ValueError(f"invalid feature parameters {p}")
        return cls(word_bits, char_bits, char_min, char_max)

    # -------------------------------------------------------------- per word (cached)
    def word(self, lower: str) -> tuple[str, int, np.ndarray, int]:
        """(lemma, hashed lemma index, hashed char n-gram indices, lemma's 32-bit hash) of a lower-cased word."""
        hit = self._cache.get(lower)
        if hit is None:
            self._add([lower])
            hit = self._cache[lower]
        return hit

    @functools.cached_property
    def _cache(self) -> dict:
        return {}

    @functools.cached_property
    def _by_hash(self) -> dict:
        return {}

    def _add(self, words: Sequence[str]) -> None:
        """Analyse new words in one go: lemma look-up and vectorised n-gram hashing."""
        from .nlp import lemma_of

        chars = char_ngram_hashes(words, self.char_min, self.char_max, self.char_bits)
        base = self.n_word
        wmask = (1 << self.word_bits) - 1
        for w, ci in zip(words, chars):
            lemma = lemma_of(w)
            h32 = zlib.crc32(("w " + lemma).encode("utf-8"))
            self._cache[w] = (lemma, h32 & wmask, ci + base, h32)

    def _trim(self) -> None:
        """Start afresh once :data:`MAX_CACHED_WORDS` words are cached (results do not change)."""
        if len(self._cache) > MAX_CACHED_WORDS:
            self._cache.clear()
            self._by_hash.clear()
            _tokenizer.cache_clear()

    def tokens(self, text: str) -> list[tuple[str, str, int, np.ndarray, int]]:
        """(surface, lemma, lemma index, char indices, lemma hash) for the word tokens of ``text``."""
        self._trim()
        doc = _tokenizer()(text)
        words = [t for t in doc if t.is_alpha]
        new = list({t.lower_ for t in words if t.lower_ not in self._cache})
        if new:
            self._add(new)
        return [(t.text, *self._cache[t.lower_]) for t in words]

    def counts(self, texts: Sequence[str]):
        """Sparse count matrix (documents x features) of lemma 1-2-grams and char n-grams.

        Tokens come from spaCy's tokenizer as arrays of (lower-case string id,
        is-alpha) flags, so no Token objects are made; the words of a batch
        not seen before in this process are analysed together.
        """
        from scipy.sparse import csr_matrix
        from spacy.attrs import IS_ALPHA, LOWER

        self._trim()
        tok = _tokenizer()
        strings = tok.vocab.strings
        by_hash = self._by_hash
        bits = self.word_bits
        arrays = [doc.to_array([LOWER, IS_ALPHA]) for doc in tok.pipe(texts, batch_size=1000)]
        new = {h for arr in arrays if len(arr) for h in arr[arr[:, 1] == 1, 0].tolist() if h not in by_hash}
        if new:
            new = list(new)
            words = [strings[h] for h in new]
            todo = [w for w in dict.fromkeys(words) if w not in self._cache]
            if todo:
                self._add(todo)
            for h, w in zip(new, words):
                by_hash[h] = self._cache[w]
        indptr = [0]
        chunks: list[np.ndarray] = []
        for arr in arrays:
            idx: list[int] = []
            extra: list[np.ndarray] = []
            prev = None
            for h, alpha in arr.tolist():
                if not alpha:
                    prev = None
                    continue
                _lemma, wi, ci, h32 = by_hash[h]
                idx.append(wi)
                if prev is not None:
                    idx.append(bigram_index(prev, h32, bits))
                prev = h32
                extra.append(ci)
            flat = np.concatenate([np.asarray(idx, dtype=np.int64)] + extra) if extra else np.zeros(0, np.int64)
            chunks.append(flat)
            indptr.append(indptr[-1] + len(flat))
        indices = np.concatenate(chunks) if chunks else np.zeros(0, np.int64)
        m = csr_matrix((np.ones(len(indices)), indices, np.asarray(indptr)), shape=(len(texts), self.n_features))
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
