"""Stage 2: the Dutch NLP pipeline, compounds and the language check.

One spaCy pipeline per process, built from ``spacy.blank("nl")`` with a
sentencizer and the lookup lemmatiser of spacy-lookups-data: nothing to
download. Dutch writes compounds as one word (``informatiebeleidsplan``),
so :func:`split_compound` and the token extension ``._.parts`` expose their
parts to matching and to the classifier.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable

from . import lexicon

_WORD = re.compile(r"^[a-zà-ÿ]+$")
MIN_PART = 3
LINKERS = ("s", "e", "en")  # tussenklanken: beleid-s-plan, pann-en-koek
# Affixes that happen to be words too; never a part of their own (dienst|ver|lening).
AFFIXES = frozenset(
    "ver ing ingen inge heid heden lijk lijke baar bare tie ties ten der ont her aar ster schap schappen "
    "isch ische loos loze zaam zame achtig erig tje tjes ling lingen eren eerd atie aties iteit".split()
)


@functools.lru_cache(maxsize=1)
def get_nlp():
    """The process-wide Dutch pipeline (built on first use, about 0.5 s)."""
    import spacy
    from spacy.tokens import Token

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    if not Token.has_extension("parts"):
        Token.set_extension("parts", getter=lambda tok: split_compound(tok.lower_))
    return nlp


def load_resources() -> None:
    """Load every table the analysis uses, once per process (about 0.6 s).

    The featurizer's tokenizer, the lemma table, the word lists and the
    Dutch marker words. py3langid is not among them: it is loaded only for
    text that :func:`looks_dutch` does not recognise.
    """
    from . import features

    features._tokenizer()
    lemma_table()
    lexicon.is_word("beleid")
    lexicon.is_word("e-mail")


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@functools.lru_cache(maxsize=200_000)
def _part_ok(part: str) -> bool:
    """A compound part is a known, reasonably frequent word that is not a function word.

    Three-letter parts must be common (``wet`` in ``omgevingswet``); this keeps
    suffixes such as ``-ten``, ``-ingen``, ``-tie`` from passing as words.
    """
    n = len(part)
    if n < MIN_PART or part in AFFIXES or part in _stop_words() or not lexicon.is_word(part):
        return False
    z = lexicon.zipf(part)
    return z >= (3.6 if n == 3 else 3.0 if n == 4 else 2.5)


@functools.lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a Dutch compound into its parts, or return ``(word,)``.

    ``informatiebeleidsplan`` -> ``("informatie", "beleid", "plan")``;
    ``digitaliseringsstrategie`` -> ``("digitalisering", "strategie")``.
    Parts must be known Dutch words of some frequency; linking ``s``/``e``/
    ``en`` between parts is dropped. Among possible splits the one whose
    rarest part is most frequent wins, so ``beleid`` is not cut into
    ``be`` + ``leid``.
    """
    w = word.lower()
    if len(w) < 2 * MIN_PART + 1 or not _WORD.match(w):
        return (w,)
    best = _split(w, 0)
    return best[1] if best else (w,)


def _split(w: str, depth: int) -> tuple[float, tuple[str, ...]] | None:
    """Best split of ``w`` into >= 2 parts as (score, parts), or None."""
    if depth > 3:
        return None
    best: tuple[float, tuple[str, ...]] | None = None
    for i in range(MIN_PART, len(w) - MIN_PART + 1):
        head, tail = w[:i], w[i:]
        heads = []
        if _part_ok(head):
            heads.append((head, tail))
        for link in LINKERS:
            if head.endswith(link) and _part_ok(head[: -len(link)]) and len(tail) >= MIN_PART:
                heads.append((head[: -len(link)], tail))
        for h, t in heads:
            tails: list[tuple[float, tuple[str, ...]]] = []
            if _part_ok(t):
                sub = _split(t, depth + 1)  # a known tail may split further (beleidsplan)
                tails.append((lexicon.zipf(t), (t,)))
                if sub:
                    tails.append(sub)
            else:
                sub = _split(t, depth + 1)
                if sub:
                    tails.append(sub)
            for tscore, tparts in tails:
                parts = (h,) + tparts
                score = min(lexicon.zipf(h), tscore) - 0.4 * len(parts)
                if best is None or score > best[0]:
                    best = (score, parts)
    return best


@functools.lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """The Dutch lookup lemma table of spacy-lookups-data (the one the pipeline's lemmatiser uses)."""
    import spacy_lookups_data
    import srsly

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "nl_lemma_lookup.json.gz")
    return srsly.read_gzip_json(path)


def lemma_of(word: str) -> str:
    """Lemma of one word form by table look-up (``werkten`` -> ``werken``)."""
    table = lemma_table()
    return table.get(word) or table.get(word.lower()) or word.lower()


def lemmas(doc) -> list[str]:
    """Lower-cased lemmas of the word tokens of a spaCy ``Doc``."""
    return [(t.lemma_ or t.lower_).lower() for t in doc if t.is_alpha]


def feature_text(doc) -> str:
    """Lemmas plus the parts of compounds, as one string for n-gram features."""
    out: list[str] = []
    for t in doc:
        if not t.is_alpha:
            continue
        lemma = (t.lemma_ or t.lower_).lower()
        out.append(lemma)
        if len(lemma) >= 2 * MIN_PART + 1:
            parts = split_compound(lemma)
            if len(parts) > 1:
                out.extend(parts)
    return " ".join(out)


def feature_texts(texts: Iterable[str], batch_size: int = 256) -> list[str]:
    """:func:`feature_text` for many texts, through one ``nlp.pipe`` call."""
    nlp = get_nlp()
    return [feature_text(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


# ------------------------------------------------------------ language check


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)  # an .npz file, no pickle


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability of the language of ``text`` (py3langid)."""
    if not text.strip():
        return "", 0.0
    lang, prob = _identifier().classify(text[:20000])
    return lang, float(prob)


# Dutch function words that are not function words in English, German, French or Afrikaans:
# spaCy's Dutch stop words minus those of ``en``, ``de``, ``fr`` and ``af`` (letters only). Written
# out because importing those four language packages takes 2 s; tests/test_nlp.py checks the list
# against spaCy's.
DUTCH_MARKERS = frozenset(
    (
        "aangaande aangezien achterna afgelopen aldus alhoewel allebei alleen altijd ander anderzijds behalve "
        "ben beneden bent bepaald beter betere betreffende bij bijna bijvoorbeeld binnen binnenin boven "
        "bovenal bovendien bovenstaand buiten daarheen daarin daarna daarnet daarom daarop dan deze dezelfde "
        "dezen dien dikwijls doen doet door doorgaand doorgaans dus echter eens eerder eerst eerste eersten "
        "effe elk elke enige enkel enkele enz erdoor eveneens evenwel ff gauw ge gedurende geen gegeven gehad "
        "geheel gekund geleden gelijk gemogen geven geweest gewoon gewoonweg gij hadden hare heb hebben hebt "
        "heeft hele hen hierbeneden hierboven hierin hij hoe hoewel hun idd ieder iemand iets ik ikke ikzelf "
        "indien inmiddels inz inzake jezelf jij jijzelf jouw jouwe juist jullie klaar kon konden krachtens "
        "kunnen kunt later liet liever mede meer meesten men mezelf mij mijn mijzelf min minder misschien "
        "mocht moest moesten moet moeten mogelijk mogen naar nabij nadat net niet niets nog nogal nooit nr nu "
        "omdat omhoog omlaag omstreeks omtrent omver onder ondertussen ongeveer onszelf ooit ook opdat "
        "opnieuw opzij overigens pp precies prof publ reeds rond rondom sedert sinds sindsdien slechts "
        "sommige spoedig steeds tamelijk tegen tenzij ter terwijl thans tijdens toch toen tot totdat tussen u "
        "uitgezonderd uw uwe uwen vaak vanaf vandaan vanuit vanwege veel veeleer verder verre vervolgens vgl "
        "volgens voor vooraf vooral vooralsnog voorbij voordat voordien voorheen voorop voort voorts vooruit "
        "vrij vroeg waar waarom wanneer want weer weg wegens weinig weinige wel weldra welk welke welken werd "
        "wezen wiens wier wij wil wilde wordt zal ze zeer zei zeker zekere zelf zelfde zelfs zich zichzelf "
        "zij zijn zijnde zijne zo zoals zodra zonder zou zouden zoveel zowat zulk zulke zulks zullen zult"
    ).split()
)

_LETTERS = re.compile(r"[^\W\d_]+")
DUTCH_MARKER_SHARE = 0.06  # Dutch policy text: median 0.13; English, German, French, Frisian samples: under 0.01
DUTCH_MIN_WORDS = 40


def looks_dutch(text: str) -> bool:
    """A fast, conservative test: True when the text is clearly Dutch.

    At least 6% of the words are Dutch-only function words. Dutch documents
    pass in well under a millisecond, so the language identifier (0.5 s to
    load) is only needed for text that might not be Dutch; False means "ask
    py3langid", not "not Dutch".
    """
    words = _LETTERS.findall(text.lower())
    if len(words) < DUTCH_MIN_WORDS:
        return False
    return sum(1 for w in words if w in DUTCH_MARKERS) >= DUTCH_MARKER_SHARE * len(words)


LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "fy": "Frisian", "af": "Afrikaans"}


def language_warning(texts: Iterable[str], min_chars: int = 200) -> tuple[str, str | None]:
    """Detect the document language from its passages.

    Returns ``(code, warning)``; ``warning`` is None for Dutch (or text too
    short to judge) and a one-line message otherwise.
    """
    sample = []
    size = 0
    for t in texts:
        sample.append(t)
        size += len(t)
        if size > 8000:
            break
    text = "\n".join(sample)
    if len(text) < min_chars:
        return "", None
    if looks_dutch(text):
        return "nl", None
    lang, prob = detect_language(text)
    if lang in ("nl", "af") or prob < 0.5:  # Afrikaans: Dutch with odd spelling is often taken for it
        return "nl" if lang == "af" else lang, None
    name = LANGUAGE_NAMES.get(lang, lang)
    return lang, (
        f"the document appears to be in {name} ({lang}, p={prob:.2f}), not Dutch; "
        "docscan's models are trained on Dutch text, so results will be unreliable"
    )
