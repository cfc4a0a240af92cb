"""Scoring rules, on synthetic predictions (exact) and on real documents with the shipped model."""
from __future__ import annotations

import pytest
from conftest import DUTCH, require_shared

from docscan.config import load_config
from docscan.score import context_tags, maturity_profile, phase_of, score_theme
from docscan.types import MATURITY_CLASSES, THEMES, Passage, Prediction

SETTINGS = load_config()["score"]


def passage(i, page, section, text="De gemeente werkt aan haar digitale koers."):
    return Passage(f"p{i}", page, (section,), "paragraph", text)


def pred(i, p_theme=0.0, theme="strategie", maturity=None):
    themes = dict.fromkeys(THEMES, 0.0)
    themes[theme] = p_theme
    mat = dict.fromkeys(MATURITY_CLASSES, 0.0)
    mat[maturity or "none"] = 1.0
    return Prediction(f"p{i}", themes, (theme,) if p_theme >= 0.5 else (), mat, maturity)


def run(probs_and_sections, pages=20):
    ps = [passage(i, page, sec) for i, (_, page, sec) in enumerate(probs_and_sections)]
    pr = [pred(i, p) for i, (p, _, _) in enumerate(probs_and_sections)]
    return score_theme("strategie", ps, pr, 0.5, SETTINGS, pages)


def test_one_lucky_passage_is_weak_not_present():
    t = run([(0.99, 3, "1 Visie")] + [(0.01, 5, "2 Rest")] * 20)
    assert t.verdict == "weak" and "één passage" in t.reason


def test_several_confident_passages_in_one_section_are_not_enough():
    t = run([(0.95, 3, "1 Visie"), (0.9, 3, "1 Visie"), (0.92, 4, "1 Visie"), (0.9, 4, "1 Visie")])
    assert t.verdict == "weak" and t.sections == 1


def test_spread_confident_evidence_is_present():
    t = run([(0.95, 3, "1 Visie"), (0.9, 8, "3 Dienstverlening"), (0.92, 15, "6 Uitvoering"), (0.1, 16, "6 Uitvoering")])
    assert t.verdict == "present"
    assert t.pages == (3, 8, 15) and t.sections == 3 and t.spread == pytest.approx(13 / 20)
    assert [e.page for e in t.evidence] == [3, 15, 8]  # ranked by confidence


def test_clearly_present_theme_is_not_uncertain_but_borderline_one_is():
    strong = run([(0.95, p, f"{p} H") for p in (2, 5, 8, 11, 14, 17)])
    assert strong.verdict == "present" and not strong.uncertain and strong.score > 85
    border = run([(0.6, 2, "1 A"), (0.55, 9, "2 B"), (0.52, 14, "3 C")])
    assert border.uncertain


def test_missing_and_near_misses():
    assert run([(0.01, 1, "A")] * 10).verdict == "missing"
    t = run([(0.4, 1, "A"), (0.45, 5, "B")])  # two near misses below 0.5, within the 0.15 margin
    assert t.verdict == "weak" and t.uncertain and t.near_misses == 2
    t = run([(0.4, 1, "A")])
    assert t.verdict == "missing" and t.uncertain


def test_maturity_phase_boundaries():
    assert phase_of({"1.0": 0.8, "2.0": 0.2, "3.0": 0.0}, 10) == "1.0"
    assert phase_of({"1.0": 0.6, "2.0": 0.4, "3.0": 0.0}, 10) == "tussen 1.0 en 2.0"
    assert phase_of({"1.0": 0.1, "2.0": 0.8, "3.0": 0.1}, 10) == "2.0"
    assert phase_of({"1.0": 0.0, "2.0": 0.5, "3.0": 0.5}, 10) == "tussen 2.0 en 3.0"
    assert phase_of({"1.0": 0.0, "2.0": 0.0, "3.0": 1.0}, 10) == "3.0"
    assert phase_of({"1.0": 1.0, "2.0": 0.0, "3.0": 0.0}, 2).startswith("te weinig")


def test_maturity_profile_counts_and_examples():
    ps = [passage(i, i + 1, "A") for i in range(5)]
    pr = [pred(0, maturity="1.0"), pred(1, maturity="1.0"), pred(2, maturity="2.0"), pred(3), pred(4, maturity="3.0")]
    m = maturity_profile(ps, pr)
    assert m.counts == {"1.0": 2, "2.0": 1, "3.0": 1} and m.stance_passages == 4
    assert m.shares["1.0"] == 0.5 and len(m.examples["1.0"]) == 2


def test_context_tags_match_lemmas_and_compound_parts():
    ps = [
        Passage("a", 1, (), "paragraph", "Wij verhuizen de applicaties naar de cloud en letten op de AVG."),
        Passage("b", 1, (), "paragraph", "De cloudstrategie en het informatiebeveiligingsbeleid worden herzien."),
        Passage("c", 1, (), "paragraph", "In het sociaal domein werken wij met de Wmo en de Jeugdwet."),
    ]
    tags = context_tags(ps)
    assert tags["technologie"]["cloud"] == 2
    assert tags["veiligheid"]["privacy"] == 1 and tags["veiligheid"]["informatieveiligheid"] == 1
    assert tags["domein"]["sociaal domein"] == 1 and tags["domein"]["jeugdzorg"] == 1


# ------------------------------------------------------------ real documents, shipped model


@pytest.fixture(scope="module")
def example_analysis(example_pdf):
    from docscan.api import analyze

    return analyze(example_pdf)


def test_example_plan_verdicts_match_what_it_was_written_to_show(example_analysis):
    s = example_analysis.score
    v = {t.theme: t.verdict for t in s.themes}
    assert v["strategie"] == "present" and v["realisatie"] == "present"
    assert v["experimenteren"] == "missing"
    assert v["leiderschap"] != "present" and v["delen"] != "present"
    assert s.maturity.phase in ("1.0", "tussen 1.0 en 2.0")
    assert s.maturity.counts["1.0"] > s.maturity.counts["3.0"]
    assert s.context["domein"]["dienstverlening"] > 0 and s.context["veiligheid"]["privacy"] > 0


def test_council_decision_list_is_missing_on_nearly_everything():
    from docscan.api import analyze

    s = analyze(require_shared(DUTCH / "denhelder-besluitenlijst-raadsvergadering-29-juni-2015.pdf")).score
    verdicts = [t.verdict for t in s.themes]
    assert verdicts.count("present") == 0
    assert verdicts.count("missing") >= 5


def test_generated_non_policy_document_scores_missing(tmp_path):
    from conftest import require_font

    require_font()
    import pdfgen

    from docscan.api import analyze

    paras = [
        "Het bomenbeleid beschrijft hoe de gemeente haar bomen beheert, snoeit en vervangt.",
        "Bij de kap van een monumentale boom is een omgevingsvergunning nodig; de aanvraag wordt binnen acht weken behandeld.",
        "De boomveiligheidscontrole vindt eens per drie jaar plaats volgens de VTA-methode.",
        "Voor iedere gekapte boom wordt in hetzelfde stadsdeel een nieuwe boom geplant.",
    ]
    pdf = tmp_path / "bomen.pdf"
    pdfgen.simple_pdf(str(pdf), [paras, paras[::-1], paras[1:] + paras[:1]])
    s = analyze(pdf).score
    assert all(t.verdict == "missing" for t in s.themes), [(t.theme, t.verdict) for t in s.themes]


def test_a_title_over_every_passage_is_not_a_chapter():
    """The same plan with and without a cover title heading every passage gets the same verdicts."""
    from docscan import model
    from docscan.score import score_document, shared_heading_depth
    from docscan.types import Document

    meta = {**model.read_meta(model.resolve(None)), "thresholds": dict.fromkeys(THEMES, 0.5)}
    chapters = [("1 Visie", 0.95), ("2 Dienstverlening", 0.9), ("3 Uitvoering", 0.92), ("3 Uitvoering", 0.1)]

    def verdicts(title):
        ps = [Passage(f"p{i}", i + 2, ((title,) if title else ()) + (ch,), "paragraph", "Wij kiezen een digitale koers voor iedereen.") for i, (ch, _) in enumerate(chapters)]
        pr = [pred(i, p) for i, (_, p) in enumerate(chapters)]
        doc = Document("plan.pdf", "0" * 64, 10, tuple(ps))
        s = score_document(doc, ps, pr, meta, SETTINGS)
        t = next(t for t in s.themes if t.theme == "strategie")
        return t.verdict, t.sections, t.score

    assert verdicts(None) == verdicts("Informatiebeleidsplan 2025-2028") == ("present", 3, verdicts(None)[2])
    assert shared_heading_depth([passage(1, 1, "A"), passage(2, 2, "A")]) == 1
    assert shared_heading_depth([passage(1, 1, "A"), passage(2, 2, "B")]) == 0


def test_a_passage_of_a_few_words_is_never_evidence():
    ps = [Passage("p0", 1, ("1 Agenda",), "paragraph", "Vaststelling agenda."),
          Passage("p1", 2, ("2 Besluiten",), "paragraph", "De raad stelt de digitale strategie vast.")]
    pr = [pred(0, 0.9), pred(1, 0.9)]
    t = score_theme("strategie", ps, pr, 0.5, SETTINGS, 5)
    assert [e.passage_id for e in t.evidence] == ["p1"]
    assert {e.passage_id for e in score_theme("strategie", ps, pr, 0.5, {**SETTINGS, "min_evidence_words": 0}, 5).evidence} == {"p0", "p1"}
