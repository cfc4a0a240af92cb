"""End-to-end `docscan analyze`: start-up, extraction, classification, scoring and rendering,
against plain pdftotext on the same file, in one run; plus classification throughput.

    python benchmarks/bench_analyze.py

Each document is analysed in a fresh process (as an advisor runs it), so
start-up (imports, model load) is real.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from common import EXAMPLE, ROOT, best_of, page_count, pdftotext, plan_pdf

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from docscan import api
from docscan.classify import load_classifier
load_classifier()
t1 = time.perf_counter()
analysis, html = api.analyze_to_report(sys.argv[1], sys.argv[2])
t2 = time.perf_counter()
print(json.dumps({"startup": t1 - t0, "total_in_process": t2 - t0, "passages": len(analysis.passages), **analysis.timings}))
"""


def run_child(pdf: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, pdf, os.path.join(tmp, "r.html")], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t
    d = json.loads(out.stdout.strip().splitlines()[-1])
    d["wall"] = wall
    return d


def main() -> None:
    docs = [("example plan", EXAMPLE), ("100-page plan", plan_pdf(100)), ("100-page text", plan_pdf(100, tables=False))]
    run_child(EXAMPLE)  # warm the OS file cache
    print(f"{'document':<15}{'pages':>6}{'start-up':>9}{'extract':>9}{'classify':>9}{'score':>7}{'render':>8}{'wall':>7}{'pdftotext':>10}{'ratio':>7}")
    for name, pdf in docs:
        runs = [run_child(pdf) for _ in range(3)]
        d = min(runs, key=lambda r: r["wall"])
        t_ptt = best_of(lambda pdf=pdf: pdftotext(pdf), 3)
        print(
            f"{name:<15}{page_count(pdf):>6}{d['startup']:>9.2f}{d['extract']:>9.2f}{d['classify']:>9.2f}{d['score']:>7.2f}"
            f"{d['render']:>8.2f}{d['wall']:>7.2f}{t_ptt:>10.3f}{d['wall'] / t_ptt:>7.1f}"
        )
        print(f"{'':<15}{d['passages']:>6} passages classified at {d['passages'] / d['classify']:.0f} passages/s (with evidence terms)")

    # classification throughput on many passages, one process, model loaded
    sys.path.insert(0, ROOT)
    from docscan import corpus
    from docscan.classify import load_classifier

    texts = [e.text for e in corpus.load(os.path.join(ROOT, "corpus"))]
    clf = load_classifier()
    clf.predict(texts[:50])
    tokens = sum(len(t.split()) for t in texts)
    for label, explain in (("first pass, cold word cache", False), ("second pass, warm", False), ("second pass, warm", True)):
        t = time.perf_counter()
        clf.predict(texts, explain=explain)
        dt = time.perf_counter() - t
        print(
            f"classify {len(texts)} corpus passages ({tokens / len(texts):.0f} words each), evidence={'on' if explain else 'off'}, "
            f"{label}: {len(texts) / dt:.0f} passages/s, {tokens / dt / 1000:.0f}k words/s"
        )


if __name__ == "__main__":
    main()
