"""Shared fixtures: paths to the real PDFs, generated PDFs, and system-component checks.

Tests that need a system component (Tesseract, Ghostscript, Chromium,
PostgreSQL, pdftotext) skip with a reason on a machine that lacks it, but
fail under ``CI=true``: CI installs them all, so every test really runs there.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_PDFS = (ROOT.parent / "shared" / "pdfs").resolve()
ROBUST = SHARED_PDFS / "robustness"
DUTCH = SHARED_PDFS / "dutch"
EXAMPLE_PDF = ROOT / "examples" / "informatiebeleidsplan-veenendrecht.pdf"

sys.path.insert(0, str(Path(__file__).parent))

# Headless Chromium without its background traffic (this machine has no network to offer it).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(ok: bool, what: str) -> None:
    """Skip (or, under CI=true, fail) when a system component is missing."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def require_tool(name: str, package: str | None = None) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} ({package or name})")
    return path


def require_shared(path: Path) -> Path:
    require(path.exists(), f"the shared test PDF {path.name} (../shared/pdfs)")
    return path


def require_font() -> None:
    from pdfgen import DEJAVU

    require(os.path.exists(DEJAVU), "the DejaVu font (fonts-dejavu-core)")


@pytest.fixture(scope="session")
def layout_pdf(tmp_path_factory):
    require_font()
    import pdfgen

    path = tmp_path_factory.mktemp("pdf") / "layout.pdf"
    truth = pdfgen.layout_pdf(str(path))
    return path, truth


@pytest.fixture(scope="session")
def layout_doc(layout_pdf):
    from docscan.extract import extract

    return extract(layout_pdf[0])


@pytest.fixture(scope="session")
def big_pdf_100(tmp_path_factory):
    require_font()
    import pdfgen

    path = tmp_path_factory.mktemp("pdf") / "big100.pdf"
    pdfgen.big_pdf(str(path), 100)
    return path


@pytest.fixture(scope="session")
def example_pdf():
    assert EXAMPLE_PDF.exists(), "the bundled example plan is missing; run `make example`"
    return EXAMPLE_PDF
