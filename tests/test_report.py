"""The report stage: escaping, self-containment, JSON schema, gold file, advice, accessibility."""
from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import math
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import make_evidence, make_score, replace_theme
from markupsafe import escape

from docscan.report import SCHEMA_VERSION, json_schema, render_html, to_json, write_report
from docscan.report.advice import ADVICE, MATURITY_ADVICE
from docscan.report.render import environment, highlight, page_ranges
from docscan.report.style import GRAPHIC_PAIRS, PALETTE, TEXT_PAIRS, contrast_ratio
from docscan.types import THEMES, MaturityProfile

GOLD = Path(__file__).parent / "gold" / "report.html"
SECTIONS = ("samenvatting", "per-thema", "advies", "volwassenheid", "documentkaart", "context", "methode")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
URL = "https://evil.example/x.png"
PAYLOAD = f"{SCRIPT} {IMG} {URL}"


# ------------------------------------------------------------------ helpers


class Page(HTMLParser):
    """Collects tags with attributes, text, headings and ids of an HTML document."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.styles: list[str] = []
        self._stack: list[str] = []
        self._heading: list[str] | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._stack.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading[1:]).split())))
            self._heading = None
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "style":
            self.styles.append(data)
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if "id" in a]


def validate(instance, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    """A small, strict validator for the JSON Schema subset ``report.schema.json`` uses.

    Unknown keywords are an error, so the schema cannot silently use a feature
    this validator does not check.
    """
    root = root or schema
    known = {
        "$schema", "$id", "title", "description", "$comment", "$defs", "$ref", "type", "properties",
        "required", "additionalProperties", "items", "enum", "const", "minimum", "maximum", "propertyNames",
    }
    unknown = set(schema) - known
    if unknown:
        raise AssertionError(f"validator does not support {sorted(unknown)} at {path}")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return validate(instance, root["$defs"][ref.split("/")[-1]], root, path)
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        checks = {
            "object": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
        }
        if not any(checks[t](instance) for t in types):
            return [f"{path}: expected {'/'.join(types)}, got {type(instance).__name__} {instance!r:.60}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(instance, (int, float)) and instance < schema["minimum"]:
        errors.append(f"{path}: {instance} < {schema['minimum']}")
    if "maximum" in schema and isinstance(instance, (int, float)) and instance > schema["maximum"]:
        errors.append(f"{path}: {instance} > {schema['maximum']}")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in instance:
                errors.append(f"{path}: missing {key!r}")
        for key, value in instance.items():
            if "propertyNames" in schema:
                errors += validate(key, schema["propertyNames"], root, f"{path}[{key!r}]")
            if key in props:
                errors += validate(value, props[key], root, f"{path}.{key}")
            else:
                extra = schema.get("additionalProperties", True)
                if extra is False:
                    errors.append(f"{path}: unexpected property {key!r}")
                elif isinstance(extra, dict):
                    errors += validate(value, extra, root, f"{path}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], root, f"{path}[{i}]")
    return errors


def hostile_score():
    """A score whose every free-text field carries script and markup."""
    ev = make_evidence(
        f"Wij willen een digitale koers. {PAYLOAD} </style></title>]]> en verder",
        page=3,
        heading=(f"Hoofdstuk {SCRIPT}", IMG),
        probability=0.9,
        terms=("koers", SCRIPT, "<img", "onerror", ".*", "("),
        passage_id=IMG,
    )
    score = make_score(
        name=f"plan{SCRIPT}{IMG}.pdf",
        title=f"Plan {SCRIPT} {IMG}",
        warnings=(f"Taal onbekend {SCRIPT}", IMG),
        context={f"domain{SCRIPT}": {IMG: 3, "dienstverlening": 2}},
    )
    score = replace_theme(score, "strategie", evidence=(ev,), reason=f"Reden {SCRIPT} {IMG}")
    mp = dataclasses.replace(score.maturity, phase=f"fase {SCRIPT}", examples={"1.0": (ev,)})
    model = dataclasses.replace(score.model, name=f"model{SCRIPT}", version=IMG)
    return dataclasses.replace(score, maturity=mp, model=model)


def scrub(text: str, score) -> str:
    """Remove what changes between runs or machines: dates, versions, hashes, paths."""
    text = re.sub(r'<time datetime="[^"]*">[^<]*</time>', '<time datetime="DATE">DATE</time>', text)
    text = re.sub(r'<span class="version">[^<]*</span>', '<span class="version">VERSION</span>', text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "SHA256", text)
    return text.replace(str(escape(score.path)), "PATH").replace(score.path, "PATH")


@pytest.fixture(scope="module")
def score():
    return make_score()


@pytest.fixture(scope="module")
def report(score):
    return render_html(score)


@pytest.fixture(scope="module")
def page(report):
    return Page(report)


# -------------------------------------------------------------- structure


def test_report_is_one_dutch_document_with_all_sections(report, page):
    assert report.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "nl"}) in page.tags
    ids = page.ids()
    for section in SECTIONS:
        assert section in ids
    assert sum(1 for t, _ in page.tags if t == "html") == 1
    assert len(ids) == len(set(ids)), "duplicate id"
    for _tag, attrs in page.tags:
        if attrs.get("href", "").startswith("#"):
            assert attrs["href"][1:] in ids, attrs["href"]


def test_csp_meta_comes_before_any_content(report, page):
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert [m["content"] for m in metas] == [CSP]
    assert report.index("Content-Security-Policy") < report.index("<style")
    assert report.index("Content-Security-Policy") < report.index("<title")


def test_headings_in_order(page):
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    for prev, cur in itertools.pairwise(levels):
        assert cur <= prev + 1, f"heading jumps from h{prev} to h{cur}: {page.headings}"
    h2 = [text for level, text in page.headings if level == 2]
    assert h2 == ["Samenvatting", "Per thema", "Advies", "Volwassenheid", "Documentkaart", "Context", "Methode"]


def test_themes_in_framework_order_four_ds_first(score, page):
    shuffled = dataclasses.replace(score, themes=tuple(reversed(score.themes)))
    headings = [text for level, text in Page(render_html(shuffled)).headings if level == 3]
    labels = ["Digitale strategie", "Digitaal leiderschap", "Delen van kennis", "Draagvlak voor",
              "Pilots en experimenten", "Van plan naar uitvoering"]
    found = [next(i for i, h in enumerate(headings) if h.startswith(lab)) for lab in labels]
    assert found == sorted(found)


def test_every_chart_is_an_accessible_image_with_a_data_table(report, page):
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len(svgs) == 3
    ids = set(page.ids())
    for attrs in svgs:
        assert attrs["role"] == "img"
        for ref in attrs["aria-labelledby"].split():
            assert ref in ids
    assert report.count("<title id=") == 3 and report.count("<desc id=") == 3
    # every figure is followed by its data table
    for figure in re.findall(r"</figure>\s*<(\w+)", report):
        assert figure == "table"


def test_keyboard_and_focus_basics(report, page):
    first_link = next(a for t, a in page.tags if t == "a")
    assert first_link["href"] == "#samenvatting" and "skip" in first_link["class"]
    toc = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', report, re.S).group(1)
    assert [f"#{s}" for s in SECTIONS] == re.findall(r'href="([^"]+)"', toc)
    assert "a:focus-visible" in report and "outline: 3px solid" in report
    assert not any("tabindex" in a and a["tabindex"].startswith("-") for _, a in page.tags if _ == "a")


def test_print_styles(report):
    css = report[report.index("<style>") : report.index("</style>")]
    assert "@page { size: A4;" in css
    assert "@media print" in css
    assert "print-color-adjust: exact" in css
    assert "break-before: page" in css


# --------------------------------------------------------------- escaping


def test_injected_markup_is_shown_as_text_and_never_runs():
    score = hostile_score()
    out = render_html(score)
    page = Page(out)
    assert "<script" not in out.lower()
    assert "</style></title>" not in out
    for tag, attrs in page.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed", "link", "base", "form"), tag
        for name in attrs:
            assert not name.lower().startswith("on"), f"event handler attribute {name} on <{tag}>"
    text = "".join(page.text)
    for needle in (SCRIPT, IMG, URL, "</style></title>]]>"):
        assert needle in text, needle
    # the title element holds the payload as escaped text too
    title = re.search(r"<title>(.*?)</title>", out, re.S).group(1)
    assert "&lt;script&gt;" in title and "<" not in title
    # highlighting a term that is itself markup still escapes it
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in out
    assert "<mark>&lt;img</mark>" in out


def test_no_remote_resources(report):
    for source in (report, render_html(hostile_score())):
        page = Page(source)
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                value = value or ""
                assert "://" not in value and not value.startswith("//"), (tag, name, value)
                if name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
                    assert value.startswith("#"), (tag, name, value)
        css = "".join(page.styles)
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
        # any URL left in the raw source is escaped text, inside an element's content
        for m in re.finditer(r"https?://", source):
            before = source[: m.start()]
            assert before.rfind(">") > before.rfind("<"), source[m.start() - 80 : m.end()]
    assert "http://" not in report and "https://" not in report


def test_highlight_escapes_every_piece_and_marks_terms():
    assert str(highlight("De Pilot start; pilots volgen.", ["pilot"])) == (
        "De <mark>Pilot</mark> start; <mark>pilots</mark> volgen."
    )
    assert str(highlight("a <b> & c", [])) == "a &lt;b&gt; &amp; c"
    assert str(highlight("<b>KPI</b> en kpi's", ["KPI"])) == "&lt;b&gt;<mark>KPI</mark>&lt;/b&gt; en <mark>kpi</mark>&#39;s"
    # short terms only as whole words; longer terms mark the whole word
    assert str(highlight("ai en domein", ["ai"])) == "<mark>ai</mark> en domein"
    assert str(highlight("informatiebeleidsplan", ["beleid"])) == "<mark>informatiebeleidsplan</mark>"
    # regex characters and phrases with other whitespace
    assert str(highlight("a (x) b", ["(x)"])) == "a <mark>(x)</mark> b"
    assert str(highlight("stip  op de\nhorizon!", ["stip op de horizon"])) == "<mark>stip  op de\nhorizon</mark>!"
    assert str(highlight("niets", ["", "  "])) == "niets"


def test_environment_autoescapes_and_is_strict():
    from jinja2 import StrictUndefined

    env = environment()
    assert env.autoescape is True
    assert env.undefined is StrictUndefined
    assert environment() is env


# -------------------------------------------------------------------- JSON


def test_json_validates_against_shipped_schema_and_round_trips(score):
    schema = json_schema()
    for s in (score, hostile_score(), make_score(themes=tuple(
        dataclasses.replace(t, verdict="missing", evidence=(), pages=(), score=0.0) for t in score.themes
    ))):
        data = to_json(s)
        assert data["schema_version"] == SCHEMA_VERSION == 1
        assert validate(data, schema) == []
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        assert json.loads(text) == data


def test_json_content(score):
    data = to_json(score)
    assert [t["theme"] for t in data["themes"]] == list(THEMES)
    assert data["summary"] == {
        "present": ["strategie", "delen"],
        "weak": ["leiderschap", "draagvlak", "realisatie"],
        "missing": ["experimenteren"],
        "uncertain": ["delen", "draagvlak"],
        "maturity_phase": "tussen 1.0 en 2.0",
    }
    probs = [e["probability"] for e in data["themes"][0]["evidence"]]
    assert probs == sorted(probs, reverse=True)
    assert data["document"]["path"] == score.path
    # JSON carries the raw text, not HTML
    assert to_json(hostile_score())["document"]["title"] == f"Plan {SCRIPT} {IMG}"


def test_validator_is_not_vacuous(score):
    schema = json_schema()
    good = to_json(score)

    def broken(change):
        data = json.loads(json.dumps(good))
        change(data)
        return validate(data, schema)

    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d.pop("model"))
    assert broken(lambda d: d.update(schema_version=2))
    assert broken(lambda d: d["themes"][0].update(verdict="maybe"))
    assert broken(lambda d: d["themes"][0].update(score="78"))
    assert broken(lambda d: d["themes"][0]["evidence"][0].update(probability=1.5))
    assert broken(lambda d: d["maturity"]["counts"].update({"4.0": 1}))
    assert broken(lambda d: d["page_map"].update(onbekend=[1]))
    assert broken(lambda d: d["summary"]["weak"].append(True))


def test_schema_is_documented():
    doc = (Path(__file__).parent.parent / "docscan" / "report" / "SCHEMA.md").read_text(encoding="utf-8")
    schema = json_schema()

    def names(s, out):
        for key, sub in s.get("properties", {}).items():
            out.add(key)
            names(sub, out)
        return out

    fields = names(schema, set())
    for d in schema["$defs"].values():
        names(d, fields)
    for field in fields - {"1.0", "2.0", "3.0"}:
        assert f"`{field}`" in doc, f"SCHEMA.md does not document {field}"


def test_bad_scores_are_rejected_with_a_clear_error(score):
    with pytest.raises(ValueError, match="score of strategie"):
        render_html(replace_theme(score, "strategie", score=float("nan")))
    with pytest.raises(ValueError, match="unknown verdict"):
        to_json(replace_theme(score, "delen", verdict="half"))
    with pytest.raises(ValueError, match="unknown theme"):
        to_json(replace_theme(score, "delen", theme="onbekend"))


# ------------------------------------------------------------------- gold


def test_gold_file(score, report):
    got = scrub(report, score)
    if os.environ.get("DOCSCAN_REGEN_GOLD"):
        GOLD.parent.mkdir(parents=True, exist_ok=True)
        GOLD.write_text(got, encoding="utf-8")
    assert GOLD.exists(), "no gold file: run with DOCSCAN_REGEN_GOLD=1"
    want = GOLD.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "gold", "now"))[:60])
        pytest.fail(f"report differs from {GOLD} (regenerate with DOCSCAN_REGEN_GOLD=1 if intended):\n{diff}")


def test_gold_file_has_no_timestamps_versions_or_hashes(score):
    gold = GOLD.read_text(encoding="utf-8")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", gold)
    assert not re.search(r"\b\d{1,2}:\d{2}\b", gold)
    assert not re.search(r"[0-9a-f]{64}", gold)
    assert score.path not in gold


def test_scrub_removes_what_changes_between_runs(score, report):
    other = dataclasses.replace(score, created="2031-12-01T08:05:00+00:00", docscan_version="9.9.9",
                                sha256="f" * 64)
    assert scrub(render_html(other), other) == scrub(report, score)


# ------------------------------------------------------------------ advice


def test_advice_for_every_gap_and_only_for_gaps(score, report):
    ids = set(Page(report).ids())
    for t in score.themes:
        if t.verdict in ("weak", "missing"):
            assert f"advies-{t.theme}" in ids
            block = report[report.index(f'id="advies-{t.theme}"') :]
            assert str(escape(ADVICE[t.theme][t.verdict])) in block
        else:
            assert f"advies-{t.theme}" not in ids
    assert "advies-volwassenheid" in ids
    assert str(escape(MATURITY_ADVICE["1.0"]["title"])) in report


def test_all_present_gets_no_theme_advice(score):
    themes = tuple(dataclasses.replace(t, verdict="present", score=80.0) for t in score.themes)
    out = render_html(make_score(themes=themes))
    assert not any(f'id="advies-{t}"' in out for t in THEMES)
    assert "Het plan dekt alle 6 thema&#39;s van het kader voldoende." in out


def test_advice_texts_are_substantial():
    assert set(ADVICE) == set(THEMES)
    for theme, entry in ADVICE.items():
        assert 3 <= len(entry["actions"]) <= 5, theme
        assert len(entry["title"].split()) <= 10
        for variant in ("weak", "missing"):
            words = " ".join([entry["title"], entry["why"], entry[variant], *entry["actions"]]).split()
            assert len(words) >= 120, (theme, variant, len(words))
        assert entry["weak"] != entry["missing"]
    tbas = " ".join(ADVICE["experimenteren"]["actions"]) + ADVICE["experimenteren"]["why"]
    for word in ("pilot", "multidisciplinair", "budget", "extern", "maatschappelijke vraag"):
        assert word in tbas.lower()
    real = " ".join(ADVICE["realisatie"]["actions"]).lower()
    for word in ("uitvoeringsagenda", "eigenaar", "mijlpalen", "kpi", "rapporteer"):
        assert word in real
    assert set(MATURITY_ADVICE) == {"1.0", "2.0", "3.0", "none"}
    for entry in MATURITY_ADVICE.values():
        assert 3 <= len(entry["actions"]) <= 5


# --------------------------------------------------------- colour contrast


def test_text_contrast_meets_wcag_aa():
    for fg, bg, where in TEXT_PAIRS:
        ratio = contrast_ratio(PALETTE[fg], PALETTE[bg])
        assert ratio >= 4.5, f"{where}: {fg} on {bg} is {ratio:.2f}:1"
    for fg, bg, where in GRAPHIC_PAIRS:
        ratio = contrast_ratio(PALETTE[fg], PALETTE[bg])
        assert ratio >= 3.0, f"{where}: {fg} on {bg} is {ratio:.2f}:1"
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_report_uses_only_palette_colours(report):
    used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", report)}
    assert used and used <= {c.lower() for c in PALETTE.values()}
    assert not re.search(r"#[0-9a-fA-F]{3}\b(?![0-9a-fA-F])", report.split("</style>")[0].split("<style>")[1])
    assert not re.search(r"\brgba?\(|\bhsla?\(", report)


# ------------------------------------------------------------- content


def test_evidence_ranked_by_confidence_and_truncated(score):
    evs = tuple(make_evidence(f"Passage nummer {i} over de koers.", page=i + 1, probability=p, terms=("koers",))
                for i, p in enumerate([0.5, 0.9, 0.7, 0.95, 0.6, 0.8, 0.55, 0.65]))
    s = replace_theme(score, "strategie", evidence=evs)
    out = render_html(s, max_evidence=3)
    block = out[out.index('id="thema-strategie"') : out.index('id="thema-leiderschap"')]
    shown = [int(n) for n in re.findall(r"Passage nummer (\d)", block)]
    assert shown == [3, 1, 5]
    assert "En nog 5 passages" in block
    assert "zekerheid 95%" in block


def test_summary_shows_verdict_as_text_reason_and_phase(score, report):
    summary = report[report.index('id="samenvatting"') : report.index('id="per-thema"')]
    for t in score.themes:
        assert str(escape(t.reason)) in summary
    for label in ("aanwezig", "zwak", "ontbreekt", "onzeker"):
        assert f">{label}<" in summary
    assert "tussen 1.0 en 2.0" in summary
    assert "Het plan dekt 2 van de 6 thema&#39;s voldoende; 3 zijn zwak en 1 ontbreekt." in summary


def test_methode_renders_rules_and_provenance(score, report):
    method = report[report.index('id="methode"') :]
    for key in score.settings:
        assert f"<code>{key}</code>" in method
    assert "minstens 3 passages" in method and "minstens 2 verschillende hoofdstukken" in method
    assert "0,15 onder de drempel" in method and "binnen 10 punten" in method
    assert score.sha256 in method and score.model.corpus_sha256 in method
    assert "docscan-nl 1.0.0" in method and "20 februari 2025" in method
    assert "0,76" in method and "0,74" in method  # macro-F1 themes and maturity
    assert method.count("<tr>") >= len(score.model.cv_per_label) + len(score.settings)


def test_warnings_shown(score):
    out = render_html(dataclasses.replace(score, warnings=("De tekst lijkt niet Nederlands (en).",)))
    assert out.count("De tekst lijkt niet Nederlands (en).") == 2  # summary notice and Methode


def test_long_document_map_uses_page_ranges(score):
    pages = tuple(range(1, 301, 7))
    s = replace_theme(dataclasses.replace(score, pages=300), "strategie", pages=pages)
    s = dataclasses.replace(s, page_map={**s.page_map, "strategie": pages})
    out = render_html(s)
    grid = out[out.index('id="grafiek-documentkaart"') : out.index("</figure>", out.index('id="grafiek-documentkaart"'))]
    assert grid.count("<rect") == 6 * 60
    assert "een blok van 5 pagina" in out


def test_no_stance_and_empty_context(score):
    mp = MaturityProfile(counts={"1.0": 0, "2.0": 0, "3.0": 0}, shares={"1.0": 0.0, "2.0": 0.0, "3.0": 0.0},
                         stance_passages=0, phase="geen uitspraak", examples={})
    out = render_html(dataclasses.replace(score, maturity=mp, context={}))
    assert "geen uitspraak" in out
    assert str(escape(MATURITY_ADVICE["none"]["title"])) in out
    assert "Geen contextonderwerpen gevonden." in out
    assert validate(to_json(dataclasses.replace(score, maturity=mp, context={})), json_schema()) == []


def test_page_ranges():
    assert page_ranges([9, 3, 4, 5, 5]) == "3\u20135, 9"
    assert page_ranges([]) == ""
    assert page_ranges([1]) == "1"


# ------------------------------------------------------------------ files


def test_write_report_is_atomic(score, tmp_path):
    html_path, json_path = tmp_path / "out" / "r.html", tmp_path / "out" / "r.json"
    write_report(score, html_path, json_path)
    assert html_path.read_text(encoding="utf-8") == render_html(score)
    assert json.loads(json_path.read_text(encoding="utf-8")) == to_json(score)
    before = html_path.read_bytes()
    with pytest.raises(ValueError):
        write_report(replace_theme(score, "delen", score=float("inf")), html_path, json_path)
    assert html_path.read_bytes() == before
    assert sorted(p.name for p in html_path.parent.iterdir()) == ["r.html", "r.json"]
    write_report(score, tmp_path / "only.html")
    assert not (tmp_path / "only.json").exists()


# ------------------------------------------------------------- evaluation


def test_evaluation_page(tmp_path):
    from docscan.report import render_evaluation, write_evaluation

    result = {
        "themes_macro_f1": 0.9, "themes_macro_precision": 0.92, "themes_macro_recall": 0.88,
        "maturity_macro_f1": 0.8,
        "maturity_confusion": [[5, 1, 0, 0], [0, 4, 1, 0], [0, 0, 3, 1], [1, 0, 0, 20]],
        "per_label": {"strategie": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 10},
                      "none": {"precision": 0.95, "recall": 0.97, "f1": 0.96, "support": 21}},
        "model": {"name": f"m{SCRIPT}", "version": IMG, "path": "/secret/models/m"},
        "data": {"path": "/home/someone/corpus/heldout.jsonl", "passages": 36},
    }
    out = render_evaluation(result)
    page = Page(out)
    assert f'content="{CSP}"' in out and "<script" not in out.lower()
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert "Digitale strategie" in out and "0,850" in out and "geen houding" in out
    assert "heldout.jsonl" in out and "/home/someone" not in out and "/secret" not in out
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    write_evaluation(result, tmp_path / "eval.html")
    assert (tmp_path / "eval.html").read_text(encoding="utf-8") == out
    assert "<table" in render_evaluation({})  # tolerant of a sparse result


def test_warnings_in_the_dutch_report_are_dutch():
    from docscan import model, nlp
    from docscan.report.render import dutch_warning

    english = ["The municipality is working on a new digital strategy for residents and businesses in the region."] * 4
    _, lang_warning = nlp.language_warning(english)
    versions = model.check_versions({"library_versions": {"numpy": "0.1.0"}})
    produced = [lang_warning, *versions, "page 3: OCR failed (timeout)", "the PDF was damaged and has been repaired with ghostscript; check the result",
                "2 page(s) are scanned images and were skipped (Tesseract is not installed)"]
    dutch = [dutch_warning(w) for w in produced]
    assert dutch[0].startswith("Het document lijkt in het Engels geschreven, niet in het Nederlands.")
    assert dutch[1].startswith("Het model is getraind met numpy 0.1.0, deze installatie heeft ")
    assert dutch[2:] == [
        "Pagina 3: tekstherkenning (OCR) is mislukt (timeout); die pagina telt niet mee.",
        "De PDF was beschadigd en is met Ghostscript hersteld; controleer of de tekst compleet is.",
        "2 pagina('s) zijn gescande afbeeldingen zonder tekst en zijn overgeslagen; installeer Tesseract met Nederlands "
        "of gebruik --ocr auto om ze mee te nemen.",
    ]
    assert dutch_warning("iets anders") == "iets anders"
