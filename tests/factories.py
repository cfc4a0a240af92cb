"""Realistic :class:`~docscan.types.DocumentScore` objects for tests that need no model.

``make_score()`` returns a fixed, deterministic score for an invented plan of
the invented municipality Lindewaard: strategie and delen present, leiderschap,
draagvlak and realisatie weak, experimenteren missing; a maturity profile
between 1.0 and 2.0; context tags; model provenance. Every keyword argument
replaces the field of the same name (``dataclasses.replace``).
"""
from __future__ import annotations

import dataclasses
import hashlib

from docscan.types import DocumentScore, Evidence, MaturityProfile, ModelInfo, ThemeScore

SETTINGS = {
    "present_min_passages": 3,
    "present_min_locations": 2,
    "present_min_score": 50,
    "weak_min_near_misses": 2,
    "near_miss_margin": 0.15,
    "uncertainty_band": 10,
}

_counter = iter(range(1, 10_000))


def make_evidence(text: str, page: int = 1, heading=("1 Inleiding",), probability: float = 0.8, terms=(), **kw) -> Evidence:
    fields = {
        "passage_id": kw.pop("passage_id", f"p{page:03d}-{next(_counter):04d}"),
        "page": page,
        "heading": tuple(heading),
        "kind": kw.pop("kind", "paragraph"),
        "text": text,
        "probability": probability,
        "terms": tuple(terms),
    }
    fields.update(kw)
    return Evidence(**fields)


def make_theme(theme: str, verdict: str, score: float, evidence=(), reason: str = "", **kw) -> ThemeScore:
    evidence = tuple(sorted(evidence, key=lambda e: -e.probability))
    pages = tuple(sorted({e.page for e in evidence}))
    fields = {
        "theme": theme,
        "verdict": verdict,
        "score": score,
        "uncertain": False,
        "reason": reason or f"Oordeel voor {theme}: {verdict}.",
        "evidence": evidence,
        "pages": pages,
        "sections": len({e.heading[:1] for e in evidence}),
        "spread": 0.0,
        "near_misses": 0,
    }
    fields.update(kw)
    return ThemeScore(**fields)


def _themes() -> tuple[ThemeScore, ...]:
    E = make_evidence
    return (
        make_theme(
            "strategie", "present", 78.0,
            (
                E("Lindewaard wil in 2028 een gemeente zijn waar inwoners en ondernemers hun zaken digitaal "
                  "regelen wanneer het hun uitkomt, en waar medewerkers met betrouwbare informatie werken. Deze "
                  "ambitie geldt voor dienstverlening, bedrijfsvoering en informatievoorziening samen.",
                  4, ("1 Inleiding", "1.2 Onze ambitie"), 0.93,
                  ("ambitie", "dienstverlening", "bedrijfsvoering", "informatievoorziening"), passage_id="p004-01"),
                E("Het informatiebeleidsplan is geen ICT-plan, maar de digitale agenda van de hele organisatie. "
                  "Iedere directie vertaalt de koers naar haar eigen jaarplan.",
                  5, ("1 Inleiding", "1.3 Uitgangspunten"), 0.88, ("digitale agenda", "koers", "hele organisatie"),
                  passage_id="p005-02"),
                E("Maatschappelijke opgaven zoals de energietransitie en de zorg voor ouderen zijn het vertrekpunt; "
                  "technologie zetten we in waar die aantoonbaar bijdraagt aan die opgaven.",
                  11, ("3 Opgaven",), 0.81, ("maatschappelijke opgaven", "vertrekpunt", "technologie"),
                  passage_id="p011-01"),
                E("Voor de lange termijn kiezen we voor gegevens die één keer worden vastgelegd en overal in de "
                  "organisatie opnieuw te gebruiken zijn.",
                  27, ("6 Informatievoorziening",), 0.64, ("lange termijn",), passage_id="p027-03"),
            ),
            reason="Vier passages op pagina 4 tot 27 beschrijven een koers voor de hele organisatie.",
            spread=0.62, near_misses=1, sections=3,
        ),
        make_theme(
            "leiderschap", "weak", 34.0,
            (
                E("De portefeuillehouder digitalisering is bestuurlijk opdrachtgever van dit plan en bespreekt de "
                  "voortgang twee keer per jaar met het college.",
                  7, ("2 Organisatie", "2.1 Sturing"), 0.71,
                  ("portefeuillehouder digitalisering", "bestuurlijk opdrachtgever"), passage_id="p007-02"),
            ),
            reason="Eén passage noemt een bestuurlijk opdrachtgever; wie de verandering in de organisatie trekt, blijft open.",
            spread=0.05, near_misses=2,
        ),
        make_theme(
            "delen", "present", 58.0,
            (
                E("Bij elke nieuwe opgave stellen we een multidisciplinair team samen met medewerkers van de "
                  "vakafdeling en informatieadviseurs, zodat kennis van het vak en van informatie elkaar versterken.",
                  12, ("3 Opgaven", "3.2 Werkwijze"), 0.86, ("multidisciplinair team", "informatieadviseurs", "kennis"),
                  passage_id="p012-04"),
                E("Elk kwartaal organiseren we een kennissessie waarin teams laten zien wat ze met data hebben "
                  "gedaan en wat ze ervan hebben geleerd.",
                  14, ("3 Opgaven", "3.2 Werkwijze"), 0.77, ("kennissessie", "geleerd"), passage_id="p014-01",
                  kind="list_item"),
                E("Informatieadviseurs schuiven aan bij het werkoverleg van het sociaal domein, zodat vragen vroeg "
                  "op tafel komen.",
                  30, ("7 Organisatie van I&A",), 0.59, ("informatieadviseurs", "werkoverleg"), passage_id="p030-02"),
            ),
            reason="Drie passages op drie pagina's beschrijven kennisdeling tussen I&A en de vakafdelingen.",
            uncertain=True, spread=0.48, near_misses=0, sections=2,
        ),
        make_theme(
            "draagvlak", "weak", 44.0,
            (
                E("Inwoners die minder digitaal vaardig zijn, kunnen terecht bij het Informatiepunt Digitale "
                  "Overheid in de bibliotheek, waar vrijwilligers helpen met aanvragen.",
                  18, ("4 Dienstverlening", "4.3 Iedereen doet mee"), 0.74,
                  ("digitaal vaardig", "Informatiepunt Digitale Overheid"), passage_id="p018-01"),
                E("We willen medewerkers de komende jaren trainen in het werken met het nieuwe zaaksysteem.",
                  18, ("4 Dienstverlening", "4.3 Iedereen doet mee"), 0.52, ("trainen",), passage_id="p018-03"),
            ),
            reason="Twee passages, beide op pagina 18: te weinig spreiding voor aanwezig.",
            uncertain=True, spread=0.08, near_misses=1,
        ),
        make_theme(
            "experimenteren", "missing", 6.0, (),
            reason="Geen passage over pilots of experimenten; één passage komt in de buurt.",
            near_misses=1,
        ),
        make_theme(
            "realisatie", "weak", 27.0,
            (
                E("Jaarlijks stellen we een uitvoeringsplan op met de projecten die het komende jaar starten.",
                  33, ("8 Uitvoering",), 0.55, ("uitvoeringsplan", "projecten"), passage_id="p033-01"),
            ),
            reason="Eén passage noemt een jaarlijks uitvoeringsplan, zonder eigenaren, mijlpalen of indicatoren.",
            spread=0.05, near_misses=1,
        ),
    )


def _maturity() -> MaturityProfile:
    E = make_evidence
    counts = {"1.0": 11, "2.0": 8, "3.0": 3}
    total = sum(counts.values())
    return MaturityProfile(
        counts=counts,
        shares={k: v / total for k, v in counts.items()},
        stance_passages=total,
        phase="tussen 1.0 en 2.0",
        examples={
            "1.0": (
                E("De gemeente informeert inwoners via de website en de huis-aan-huiskrant over wijzigingen in de "
                  "dienstverlening.", 9, ("4 Dienstverlening",), 0.84, ("informeert",), passage_id="p009-02"),
                E("Aanvraagformulieren voor vergunningen staan als pdf op de website en worden per post of e-mail "
                  "ingediend.", 20, ("4 Dienstverlening", "4.4 Vergunningen"), 0.70, ("aanvraagformulieren",),
                  passage_id="p020-01"),
            ),
            "2.0": (
                E("Samen met inwoners brengen we de klantreis van de aanvraag voor bijzondere bijstand in kaart en "
                  "passen we de dienst aan op hun ervaringen.", 16, ("4 Dienstverlening", "4.2 Klantreizen"), 0.80,
                  ("samen met inwoners", "klantreis"), passage_id="p016-01"),
            ),
            "3.0": (
                E("In de regionale energiecoalitie werken we met woningcorporaties, de netbeheerder en "
                  "bewonersinitiatieven aan één gedeeld beeld van het energieverbruik per wijk.", 23,
                  ("5 Samenwerking",), 0.66, ("energiecoalitie", "bewonersinitiatieven"), passage_id="p023-02"),
            ),
        },
    )


def _model() -> ModelInfo:
    per_label = {
        "strategie": (0.81, 0.76, 0.78, 212),
        "leiderschap": (0.77, 0.69, 0.73, 131),
        "delen": (0.74, 0.71, 0.72, 158),
        "draagvlak": (0.79, 0.74, 0.76, 187),
        "experimenteren": (0.86, 0.80, 0.83, 119),
        "realisatie": (0.75, 0.72, 0.73, 176),
        "1.0": (0.71, 0.68, 0.69, 240),
        "2.0": (0.66, 0.70, 0.68, 265),
        "3.0": (0.72, 0.63, 0.67, 151),
        "none": (0.90, 0.92, 0.91, 1184),
    }
    return ModelInfo(
        name="docscan-nl",
        version="1.0.0",
        trained_at="2025-02-20T09:12:00+00:00",
        corpus_size=1840,
        corpus_sha256=hashlib.sha256(b"lindewaard corpus").hexdigest(),
        thresholds={"strategie": 0.42, "leiderschap": 0.47, "delen": 0.45, "draagvlak": 0.4,
                    "experimenteren": 0.5, "realisatie": 0.44},
        cv_macro_f1_themes=0.7583,
        cv_macro_f1_maturity=0.7375,
        cv_per_label={k: {"precision": p, "recall": r, "f1": f, "support": s} for k, (p, r, f, s) in per_label.items()},
    )


def make_score(**overrides) -> DocumentScore:
    themes = overrides.get("themes") or _themes()
    score = DocumentScore(
        path="/data/plannen/informatiebeleidsplan-lindewaard-2025-2028.pdf",
        name="informatiebeleidsplan-lindewaard-2025-2028.pdf",
        sha256=hashlib.sha256(b"lindewaard plan").hexdigest(),
        pages=38,
        title="Informatiebeleidsplan 2025-2028: samen digitaal vooruit",
        language="nl",
        warnings=(),
        passages=214,
        themes=themes,
        maturity=_maturity(),
        context={
            "domain": {"dienstverlening": 41, "bedrijfsvoering": 23, "informatievoorziening": 37,
                       "sociaal domein": 12, "Omgevingswet": 9, "duurzaamheid": 5},
            "technology": {"data": 28, "cloud": 7, "mobiel": 4, "sociale media": 2},
            "security": {"informatieveiligheid": 14, "privacy/AVG": 11, "BIO": 6},
        },
        page_map={t.theme: t.pages for t in themes},
        model=_model(),
        docscan_version="0.1.0",
        created="2025-03-14T10:30:00+01:00",
        settings=dict(SETTINGS),
    )
    return dataclasses.replace(score, **overrides)


def replace_theme(doc: DocumentScore, theme: str, /, **changes) -> DocumentScore:
    """``doc`` with the fields ``changes`` replaced in one theme (``score=`` is the theme's score)."""
    themes = tuple(dataclasses.replace(t, **changes) if t.theme == theme else t for t in doc.themes)
    return dataclasses.replace(doc, themes=themes, page_map={t.theme: t.pages for t in themes})
