"""The Dutch word list shared by de-hyphenation (extract) and compound splitting (nlp).

Built from packages, not guessed: the word forms of spacy-lookups-data's
Dutch lemma table, plus wordfreq's Dutch frequency list (which also gives a
Zipf frequency used to rank compound splits). Loaded lazily, once per
process (about 0.25 s); the dictionaries are used as they come, no copy.
"""
from __future__ import annotations

import functools
import math

WORDFREQ_LIST = "large_nl.msgpack.gz"  # wordfreq's "best" Dutch list


def wordfreq_path(name: str = WORDFREQ_LIST) -> str:
    """The path of a word list in the installed wordfreq package, found without importing it."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("wordfreq is not installed; pip install docscan's dependencies")
    return os.path.join(next(iter(spec.submodule_search_locations)), "data", name)


@functools.lru_cache(maxsize=1)
def _zipf() -> dict[str, float]:
    """Word -> Zipf frequency, read straight from wordfreq's data file.

    ``import wordfreq`` pulls in langcodes, ftfy and regex (0.1 s of every
    start) for what is one gzipped msgpack file in its "cBpack" format: a
    header, then one list of words per centibel of frequency, the list at
    index i holding the words of frequency 10 ** (-i / 100). A word's Zipf
    value is then 9 - i / 100 (computed as wordfreq computes it, so
    thresholds such as 3.6 give the same answer to the last bit). ``tests/test_nlp.py`` checks the result
    against ``wordfreq.zipf_frequency``.
    """
    import gzip

    import msgpack

    with gzip.open(wordfreq_path(), "rb") as fh:
        data = msgpack.load(fh, raw=False)
    header = data[0]
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{wordfreq_path()}: not a wordfreq cBpack file (header {header!r})")
    out: dict[str, float] = {}
    for i, bucket in enumerate(data[1:]):
        zipf = math.log10(10.0 ** (-i / 100.0)) + 9  # computed as wordfreq does, to the last bit
        for word in bucket:
            out[word] = zipf
    return out


@functools.lru_cache(maxsize=1)
def _hyphenated() -> frozenset[str]:
    """Words spelt with a hyphen (e-mail, auto-ongeluk) from the lemma index of spacy-lookups-data."""
    import os

    import spacy_lookups_data
    import srsly

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
        return w in _hyphenated() or w in _zipf()
    return w in _zipf() or w in _lemmas()


def zipf(word: str) -> float:
    """Zipf frequency (0-8) of a word in Dutch; 0 when unknown to wordfreq."""
    return _zipf().get(word.lower(), 0.0)
