"""The Dutch word list shared by de-hyphenation (extract) and compound splitting (nlp).

Built from packages, not guessed: the word forms and lemmas of
spacy-lookups-data's Dutch lemma tables, plus wordfreq's Dutch frequency list
(which also gives a Zipf frequency used to rank compound splits). Loaded
lazily, once per process (about 0.3 s).
"""
from __future__ import annotations

import functools
import math
import os


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, float]]:
    import srsly
    import spacy_lookups_data

    data = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data")
    lookup = srsly.read_gzip_json(os.path.join(data, "nl_lemma_lookup.json.gz"))
    words: set[str] = set(lookup)
    words.update(lookup.values())
    index = srsly.read_gzip_json(os.path.join(data, "nl_lemma_index.json.gz"))
    for forms in index.values():
        words.update(forms)
    freq: dict[str, float] = {}
    try:
        import wordfreq

        freq = wordfreq.get_frequency_dict("nl")
        words.update(freq)
    except Exception:  # pragma: no cover - wordfreq is a hard dependency
        pass
    return frozenset(w.lower() for w in words), freq


def is_word(word: str) -> bool:
    """True when ``word`` (any case) is a known Dutch word form."""
    return word.lower() in _tables()[0]


def zipf(word: str) -> float:
    """Zipf frequency (0-8) of a word in Dutch; 0 when unknown to wordfreq."""
    f = _tables()[1].get(word.lower())
    return math.log10(f) + 9 if f else 0.0
