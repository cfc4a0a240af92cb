"""The Dutch word list shared by de-hyphenation (extract) and compound splitting (nlp).

Built from packages, not guessed: the word forms of spacy-lookups-data's
Dutch lemma table, plus wordfreq's Dutch frequency list (which also gives a
Zipf frequency used to rank compound splits). Loaded lazily, once per
process (about 0.3 s); the dictionaries are used as they come, no copy.
"""
from __future__ import annotations

import functools
import math


@functools.lru_cache(maxsize=1)
def _freq() -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict("nl")


@functools.lru_cache(maxsize=1)
def _hyphenated() -> frozenset[str]:
    """Words spelt with a hyphen (e-mail, auto-ongeluk) from the lemma index of spacy-lookups-data."""
    import os

    import srsly
    import spacy_lookups_data

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "nl_lemma_index.json.gz")
    index = srsly.read_gzip_json(path)
    return frozenset(w.lower() for forms in index.values() for w in forms if "-" in w)


def _lemmas() -> dict[str, str]:
    from .nlp import lemma_table  # the same table the lemmatiser uses, loaded once

    return lemma_table()


def is_word(word: str) -> bool:
    """True when ``word`` (any case) is a known Dutch word form."""
    w = word.lower()
    if "-" in w:
        return w in _hyphenated() or w in _freq()
    return w in _freq() or w in _lemmas()


def zipf(word: str) -> float:
    """Zipf frequency (0-8) of a word in Dutch; 0 when unknown to wordfreq."""
    f = _freq().get(word.lower())
    return math.log10(f) + 9 if f else 0.0
