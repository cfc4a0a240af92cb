"""OCR of image-only pages with Tesseract (Dutch), when it is installed.

Each page is rendered with PDFium and read by the ``tesseract`` command in
TSV mode; its words come back as positioned segments, so OCR text goes
through the same layout analysis as a text layer.
"""
from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess

from ..text import normalize
from .pages import Segment

OCR_DPI = 300
INSTALL_HINT = "install Tesseract with Dutch data (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-nld)"


@functools.lru_cache(maxsize=1)
def tesseract_status() -> tuple[str | None, str]:
    """Return ``(path, problem)``: the tesseract binary and '' or why OCR cannot run."""
    exe = shutil.which("tesseract")
    if not exe:
        return None, "Tesseract is not installed"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None, "Tesseract does not run"
    langs = set(out.stdout.split()) | set(out.stderr.split())
    if "nld" not in langs:
        return None, "Tesseract has no Dutch language data (nld)"
    return exe, ""


def ocr_page(pdf, index: int, *, dpi: int = OCR_DPI, timeout: float = 300) -> list[Segment]:
    """OCR page ``index`` (0-based) of an open pypdfium2 document into segments."""
    exe, problem = tesseract_status()
    if not exe:
        raise RuntimeError(problem)
    page = pdf[index]
    try:
        _width, _height = page.get_size()
        scale = dpi / 72.0
        image = page.render(scale=scale, grayscale=True).to_pil()
    finally:
        page.close()
    png = io.BytesIO()
    image.save(png, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # 2 cores: do not oversubscribe
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", "nld", "--psm", "3", "--dpi", str(dpi), "tsv"],
        input=png.getvalue(),
        capture_output=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "tesseract failed")
    return _tsv_to_segments(proc.stdout.decode("utf-8", "replace"), scale, index + 1)


def _tsv_to_segments(tsv: str, scale: float, pageno: int) -> list[Segment]:
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, int, str]]] = {}
    order: list[tuple[int, int, int]] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1
        if not word or conf < 0:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        if key not in lines:
            lines[key] = []
            order.append(key)
        lines[key].append((int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), word))
    segs = []
    for key in order:
        words = lines[key]
        x0 = min(w[0] for w in words) / scale
        top = min(w[1] for w in words) / scale
        x1 = max(w[0] + w[2] for w in words) / scale
        bottom = max(w[1] + w[3] for w in words) / scale
        text = normalize(" ".join(w[4] for w in words))
        if text:
            # x-height based estimate: a line box is about 1.2 times the font size
            segs.append(Segment(text, x0, top, x1, bottom, round((bottom - top) / 1.2), False, pageno))
    return segs
