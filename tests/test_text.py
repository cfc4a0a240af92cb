"""Unit tests of the text clean-up: normalisation, de-hyphenation, sentences."""
import pytest

from docscan.text import join_hyphenated, keep_hyphen, normalize, split_sentences


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("het informatie-", "beleid", "het informatiebeleid"),
        ("de digitaliserings-", "strategie", "de digitaliseringsstrategie"),
        ("het gegevens-", "management", "het gegevensmanagement"),
        ("de dienstverle-", "ning", "de dienstverlening"),
        ("per e-", "mail", "per e-mail"),
        ("de I&A-", "afdeling", "de I&A-afdeling"),
        ("in Noord-", "Holland", "in Noord-Holland"),
        ("een DigiD-", "aanvraag", "een DigiD-aanvraag"),
        ("een auto-", "ongeluk", "een auto-ongeluk"),
        ("periode 2025-", "2028", "periode 2025-2028"),
        ("de AVG-", "plicht", "de AVG-plicht"),
    ],
)
def test_join_hyphenated_uses_the_dutch_word_list(left, right, expected):
    assert join_hyphenated(left, right) == expected


def test_keep_hyphen_decides_on_the_lexicon_not_on_position():
    # "zaak" + "gericht" is a compound that the word list knows only joined
    assert keep_hyphen("zaak", "gericht") is False
    assert keep_hyphen("zee", "egel") is True  # klinkerbotsing


def test_normalize_ligatures_cid_and_odd_unicode_keep_diacritics():
    raw = "\ufb01nanci\u00eble (cid:12)co\u00f6rdinatie\u00ad idee\u0308n\u200b\u00a0 plan\ufffd \uf0b7 punt"
    assert normalize(raw) == "financiële coördinatie ideën plan • punt"


def test_normalize_keeps_plain_ascii_and_strips_controls():
    assert normalize("  a\x00b\x07c  d ") == "abc d"
    assert normalize("") == ""


def test_split_sentences_respects_dutch_abbreviations():
    text = "Dit geldt o.a. voor art. 5 van de wet. Mr. Jansen is het eens. Klaar? Ja!"
    assert split_sentences(text) == [
        "Dit geldt o.a. voor art. 5 van de wet.",
        "Mr. Jansen is het eens.",
        "Klaar?",
        "Ja!",
    ]
