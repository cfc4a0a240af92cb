"""The HTML report in a real browser: headless Chromium through Playwright.

One browser per module. Skips without Chromium or Playwright, fails under
CI=true (see conftest.require).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, ROOT, require, require_tool
from factories import make_score
from test_report import SECTIONS, hostile_score

from docscan.report import write_report

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

pytestmark = pytest.mark.browser

SHOTS = ROOT / "reports" / "screenshots"
CHARTS = ("#grafiek-samenvatting svg", "#grafiek-volwassenheid svg", "#grafiek-documentkaart svg")


@pytest.fixture(scope="module")
def browser():
    require(sync_playwright is not None, "Playwright for Python (pip install playwright)")
    require_tool("chromium", "chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    good, bad = d / "report.html", d / "hostile.html"
    write_report(make_score(), good)
    write_report(hostile_score(), bad)
    return good, bad


class Watched:
    """A page with its console errors, page errors, requests and dialogs recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def close(self):
        self.page.close()


@pytest.fixture
def good(browser, report_files):
    w = Watched(browser, report_files[0])
    yield w
    w.close()


def _visible_box(page, selector):
    loc = page.locator(selector)
    assert loc.count() >= 1, selector
    first = loc.first
    assert first.is_visible(), f"{selector} is not visible"
    box = first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 20, (selector, box)
    return box


def test_loads_without_errors_or_network(good):
    page = good.page
    assert page.title().startswith("Gap-rapport")
    page.wait_for_timeout(200)
    assert good.errors == []
    assert good.requests == [good.url]


def test_sections_and_charts_visible(good):
    for section in SECTIONS:
        _visible_box(good.page, f"#{section}")
        assert good.page.locator(f"#{section} h2").is_visible()
    for chart in CHARTS:
        _visible_box(good.page, chart)
    # bars are drawn: the strategie bar has a real width
    widths = good.page.eval_on_selector_all(
        "#grafiek-samenvatting rect[height='20']", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert len(widths) == 6 and max(widths) > 100


def test_injected_report_runs_nothing(browser, report_files):
    w = Watched(browser, report_files[1])
    try:
        page = w.page
        page.wait_for_timeout(300)
        assert w.dialogs == []
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.evaluate("() => document.scripts.length") == 0
        assert page.evaluate("() => document.images.length") == 0
        assert w.requests == [w.url]
        assert w.errors == []
        assert "<script>alert(1)</script>" in page.inner_text("h1")
    finally:
        w.close()


def test_keyboard_reaches_table_of_contents(good):
    page = good.page
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.getAttribute('href')"))
        if len(seen) == 1:  # the skip link slides into view when focused
            assert page.evaluate("() => document.activeElement.getBoundingClientRect().top") >= 0
    assert seen[0] == "#samenvatting"  # the skip link comes first
    assert seen[1:] == [f"#{s}" for s in SECTIONS]
    # the focused link has a visible focus ring
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] != "none" and style[1] != "0px"
    # following a link with Enter moves to its section
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#context"
    assert page.evaluate("() => document.getElementById('context').getBoundingClientRect().top") < 50


def test_print_keeps_charts_visible(good):
    page = good.page
    page.emulate_media(media="print")
    try:
        for chart in CHARTS:
            _visible_box(page, chart)
        assert not page.locator("nav.toc").is_visible()
        assert page.evaluate(
            "() => getComputedStyle(document.getElementById('per-thema')).breakBefore"
        ) == "page"
    finally:
        page.emulate_media(media="screen")


def test_screenshot_and_pdf(good):
    SHOTS.mkdir(parents=True, exist_ok=True)
    png, pdf = SHOTS / "report.png", SHOTS / "report.pdf"
    good.page.screenshot(path=str(png), full_page=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    good.page.pdf(path=str(pdf), print_background=True, prefer_css_page_size=True)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        assert len(doc) >= 5  # a page break before every main section
        width, height = doc[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        first = doc[0].get_textpage().get_text_range()
        assert "Samenvatting" in first and "Digitale strategie" in first
    finally:
        doc.close()
