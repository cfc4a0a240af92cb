"""Extraction speed: docscan against plain pdftotext and plain pdfplumber, same files, same run.

    python benchmarks/bench_extract.py [--repeat 5]

Prints pages per second and the ratios, the speed-up of two processes over
one (two documents at once), and peak memory on the 100-page document.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from common import EXAMPLE, best_of, page_count, pdftotext, peak_rss_mb, plan_pdf


def docscan_extract(path: str) -> int:
    from docscan.extract import extract

    return len(extract(path, ocr="never").passages)


def pdfplumber_text(path: str) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    big = plan_pdf(100, tables=False)
    docs = [("example plan", EXAMPLE), ("100-page text", big), ("100-page tables", plan_pdf(100))]
    docscan_extract(EXAMPLE)  # warm imports and the word list
    print(f"{'document':<16}{'pages':>6}{'docscan p/s':>13}{'pdftotext p/s':>15}{'pdfplumber p/s':>16}{'docscan/pdftotext':>19}{'docscan/pdfplumber':>20}")
    for name, path in docs:
        n = page_count(path)
        t_doc = best_of(lambda path=path: docscan_extract(path), args.repeat)
        t_ptt = best_of(lambda path=path: pdftotext(path), args.repeat)
        t_plb = best_of(lambda path=path: pdfplumber_text(path), 1)
        print(f"{name:<16}{n:>6}{n / t_doc:>13.0f}{n / t_ptt:>15.0f}{n / t_plb:>16.1f}{t_ptt / t_doc:>19.2f}{t_plb / t_doc:>20.1f}")

    # two processes, one document each, against the same two documents one after the other
    n = page_count(big)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(docscan_extract, [EXAMPLE, EXAMPLE]))  # start and warm the workers
        t = time.perf_counter()
        list(pool.map(docscan_extract, [big, big]))
        par = time.perf_counter() - t
    t = time.perf_counter()
    docscan_extract(big)
    docscan_extract(big)
    seq = time.perf_counter() - t
    print(f"2 processes, 2 x {n} pages: {2 * n / par:.0f} p/s vs {2 * n / seq:.0f} p/s in one process: speed-up {seq / par:.2f}x")
    code = f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); from bench_extract import docscan_extract; docscan_extract({big!r})"
    print(f"peak memory, docscan extract of the {n}-page plan: {peak_rss_mb([sys.executable, '-c', code]):.0f} MB (whole process)")
    print(f"peak memory, pdftotext on the same file: {peak_rss_mb(['pdftotext', '-q', big, os.devnull]):.0f} MB")


if __name__ == "__main__":
    main()
