"""The Dutch NLP module: pipeline, lemmas, compounds, language check."""
import pytest

from docscan import nlp


def test_pipeline_is_built_once_and_segments_and_lemmatises():
    a = nlp.get_nlp()
    assert nlp.get_nlp() is a
    assert a.pipe_names == ["sentencizer", "lemmatizer"]
    doc = a("De gemeenten werkten samen. Inwoners worden geïnformeerd via websites.")
    assert [s.text for s in doc.sents] == ["De gemeenten werkten samen.", "Inwoners worden geïnformeerd via websites."]
    lemmas = nlp.lemmas(doc)
    assert "werken" in lemmas and "inwoner" in lemmas and "informeren" in lemmas and "website" in lemmas


@pytest.mark.parametrize(
    "word, parts",
    [
        ("informatiebeleidsplan", ("informatie", "beleid", "plan")),
        ("digitaliseringsstrategie", ("digitalisering", "strategie")),
        ("informatiebeveiligingsbeleid", ("informatie", "beveiliging", "beleid")),
        ("omgevingswet", ("omgeving", "wet")),
        ("ketenpartners", ("keten", "partners")),
        ("uitvoeringsagenda", ("uitvoering", "agenda")),
        ("samenwerkingsverbanden", ("samenwerking", "verbanden")),
        ("dienstverlening", ("dienst", "verlening")),
    ],
)
def test_compounds_are_split_into_known_parts(word, parts):
    assert nlp.split_compound(word) == parts


@pytest.mark.parametrize("word", ["organisatie", "gemeenten", "voorzieningen", "verandering", "medewerkers", "beleid"])
def test_ordinary_words_are_not_cut_into_affixes(word):
    assert nlp.split_compound(word) == (word,)


def test_compound_parts_are_visible_on_tokens_and_in_features():
    doc = nlp.get_nlp()("Het informatiebeleidsplan is vastgesteld.")
    tok = doc[1]
    assert tok._.parts == ("informatie", "beleid", "plan")
    feats = nlp.feature_text(doc).split()
    assert {"informatiebeleidsplan", "informatie", "beleid", "plan"} <= set(feats)


def test_language_check_warns_for_english_and_not_for_dutch():
    dutch = ["De gemeente werkt aan een nieuwe digitale strategie voor inwoners en ondernemers in de regio."] * 4
    english = ["The municipality is working on a new digital strategy for residents and businesses in the region."] * 4
    assert nlp.language_warning(dutch) == ("nl", None)
    lang, warning = nlp.language_warning(english)
    assert lang == "en" and "English" in warning and "not Dutch" in warning
    # too little text to judge: no warning
    assert nlp.language_warning(["Hello"]) == ("", None)


def test_clear_dutch_is_recognised_without_the_language_identifier():
    import json
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts = [json.loads(line)["text"] for line in (corpus / "heldout" / "heldout.jsonl").open(encoding="utf-8")]
    samples = ["\n".join(texts[i : i + 10]) for i in range(0, len(texts) - 10, 10)]
    assert sum(nlp.looks_dutch(s) for s in samples) == len(samples)
    english = "The municipality is working on a new digital strategy for residents and businesses in the region, " * 6
    german = "Die Gemeinde arbeitet mit den Bürgern an einer neuen digitalen Strategie für die Region und ihre Betriebe. " * 6
    frisian = (
        "De gemeente wol mei de ynwenners gearwurkje oan in digitale tsjinstferliening. It kolleezje hat besletten "
        "om de plannen foar de kommende jierren út te wurkjen. Wy wolle dat elkenien meidwaan kin. " * 3
    )
    assert not any(nlp.looks_dutch(t) for t in (english, german, frisian))
    assert not nlp.looks_dutch("Wij werken niet voor ons zelf.")  # too short to be sure: ask py3langid


def test_analysing_a_dutch_document_does_not_load_the_language_identifier(example_pdf):
    import subprocess
    import sys

    code = (
        "import sys; from docscan import api, nlp; api.analyze(sys.argv[1]); "
        "print(nlp._identifier.cache_info().currsize, 'wordfreq' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(example_pdf)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]  # neither py3langid nor the wordfreq package (0.1 s) is loaded


def test_word_frequencies_are_read_from_wordfreqs_file_exactly_as_wordfreq_reads_them():
    import math

    import wordfreq

    from docscan import lexicon

    ours = lexicon._zipf()
    theirs = wordfreq.get_frequency_dict("nl")
    assert ours.keys() == theirs.keys() and len(ours) > 300_000
    assert all(ours[w] == math.log10(f) + 9 for w, f in theirs.items())  # bit for bit: thresholds such as 3.6 hold
    assert lexicon.zipf("beleid") == wordfreq.zipf_frequency("beleid", "nl") > 4
    assert lexicon.zipf("Gemeente") == lexicon.zipf("gemeente") and lexicon.zipf("xqzvw") == 0.0


def test_dutch_marker_words_are_spacys_dutch_stop_words_unique_to_dutch():
    from spacy.lang.af.stop_words import STOP_WORDS as af
    from spacy.lang.de.stop_words import STOP_WORDS as de
    from spacy.lang.en.stop_words import STOP_WORDS as en
    from spacy.lang.fr.stop_words import STOP_WORDS as fr
    from spacy.lang.nl.stop_words import STOP_WORDS as nl_words

    assert {w for w in nl_words - en - de - fr - af if w.isalpha()} == nlp.DUTCH_MARKERS
