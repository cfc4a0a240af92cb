"""Shared helpers of the benchmarks: test documents and timing."""
from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "benchmarks", "out")
EXAMPLE = os.path.join(ROOT, "examples", "informatiebeleidsplan-veenendrecht.pdf")
sys.path.insert(0, os.path.join(ROOT, "examples"))


def plan_pdf(pages_target: int = 100, tables: bool = True) -> str:
    """The example plan with its body repeated to about ``pages_target`` pages (cached in benchmarks/out/).

    ``tables=False`` drops the ruled tables: a plain text PDF of the same prose.
    """
    from build_example import build_pdf

    os.makedirs(OUT, exist_ok=True)
    md = os.path.join(ROOT, "examples", "informatiebeleidsplan-veenendrecht.md")
    if not tables:
        with open(md, encoding="utf-8") as fh:
            lines = [ln for ln in fh if not ln.lstrip().startswith("|")]
        md = os.path.join(OUT, "plan-prose.md")
        with open(md, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
    repeat = max(1, round(pages_target / (21 if tables else 17)))
    path = os.path.join(OUT, f"plan-{'tables' if tables else 'prose'}-x{repeat}.pdf")
    if not os.path.exists(path):
        build_pdf(md, path, repeat=repeat)
    return path


def page_count(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def pdftotext(path: str) -> None:
    subprocess.run(["pdftotext", "-q", path, os.devnull], check=True)


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of a fresh child process running ``cmd``, in MB."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024
