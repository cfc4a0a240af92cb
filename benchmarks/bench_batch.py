#!/usr/bin/env python3
"""Benchmark of ``docscan batch`` (issue 5).

Generates 20 plans of 20-60 pages from the example markup (each with its own
municipality name, so every file has its own content hash), then measures:

- documents per minute with the local process pool, ``--jobs 1`` and ``--jobs 2``
  (target: at least 1.7x);
- the Dask LocalCluster executor (2 workers, 1 thread each) against the pool
  with 2 jobs (target: within 15%);
- a second run over the same folder (target: under 5% of the first, all skipped);
- peak memory per worker process (psutil, sampled every 50 ms; and the
  workers' own ru_maxrss).

Usage: ``python benchmarks/bench_batch.py [--docs 20] [--keep DIR]``. Wall
times include starting the workers and writing reports, database rows and
the overview: what a user waits for.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

TOWNS = [
    "Aldermeer", "Boekhoven", "Crayenburg", "Dalwijk", "Eemsloot", "Frankendaal", "Gaasterveen", "Holtwerd",
    "IJsselrade", "Jonkersdam", "Kempenwaard", "Lindewaard", "Molenbroek", "Noordeloo", "Oosterzand", "Polderwijk",
    "Quakenbrug", "Rietveen", "Stavenisse", "Terwolde", "Uitdam", "Vlietkamp", "Westerlee", "Zandhove",
]


def make_plans(folder: Path, n: int) -> list[Path]:
    """``n`` plans, alternately 24 and 45 pages (the example once or twice), distinct content."""
    from build_example import DEFAULT_MD, build_pdf

    folder.mkdir(parents=True, exist_ok=True)
    md = DEFAULT_MD.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        town = TOWNS[i % len(TOWNS)] + ("" if i < len(TOWNS) else str(i))
        pdf = folder / f"ibp-{town.lower()}.pdf"
        if not pdf.exists():
            src = folder / f".{town}.md"
            src.write_text(md.replace("Veenendrecht", town), encoding="utf-8")
            build_pdf(src, pdf, repeat=1 + i % 2)
            src.unlink()
        out.append(pdf)
    return out


class MemorySampler:
    """Peak RSS of every descendant process (the workers), sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            for p in self.me.children(recursive=True):
                try:
                    rss = p.memory_info().rss
                    name = " ".join(p.cmdline()[1:3])[:60]
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                if rss > self.peaks.get(p.pid, ("", 0))[1]:
                    self.peaks[p.pid] = (name, rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()


def run(label: str, plans_dir: Path, out: Path, **kwargs) -> dict:
    from docscan import api

    with MemorySampler() as mem:
        t = time.perf_counter()
        res = api.run_batch([plans_dir], out, **kwargs)
        wall = time.perf_counter() - t
    assert res.failed == 0, [i.error for i in res.failures]
    # worker processes: the pool's workers, or Dask's worker processes (not the nannies/scheduler)
    worker_rss = sorted(res.workers.values(), reverse=True)
    tm = res.timings
    steady = None
    if res.analysed > 1 and tm.get("analyse", 0) > tm.get("start", 0):
        steady = 60.0 * (res.analysed - 1) / (tm["analyse"] - tm["start"])
    return {
        "label": label,
        "start": tm.get("start"),
        "steady": steady,
        "wall": wall,
        "analysed": res.analysed,
        "skipped": res.skipped,
        "docs_per_min": 60.0 * res.total / wall,
        "worker_peak_mb": [round(v / 2**20) for v in worker_rss],
        "sampled_peak_mb": max((v for _, v in mem.peaks.values()), default=0) / 2**20,
        "result": res,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--plans", type=Path, default=ROOT / "benchmarks" / "out" / "batch-plans", help="where the generated PDFs are kept between runs")
    ap.add_argument("--keep", type=Path, help="keep the batch output folders here")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    plans = make_plans(args.plans, args.docs)
    for stale in set(args.plans.glob("*.pdf")) - set(plans):
        stale.unlink()
    import pypdfium2

    pages = []
    for p in plans:
        doc = pypdfium2.PdfDocument(str(p))
        pages.append(len(doc))
        doc.close()
    print(f"{len(plans)} plans, {min(pages)}-{max(pages)} pages ({sum(pages)} in all), generated/checked in {time.perf_counter() - t:.1f} s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    work = args.keep or Path(tempfile.mkdtemp(prefix="docscan-bench-"))
    try:
        rows = []
        rows.append(run("local --jobs 1", args.plans, work / "jobs1", jobs=1))
        rows.append(run("local --jobs 2", args.plans, work / "jobs2", jobs=2))
        rows.append(run("dask LocalCluster 2x1", args.plans, work / "dask", executor="dask", jobs=2))
        rows.append(run("second run (--jobs 2)", args.plans, work / "jobs2", jobs=2))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{'run':<24}{'wall s':>8}{'analysed':>9}{'skipped':>8}{'docs/min':>10}{'start s':>9}{'steady/min':>11}  worker peak RSS MB")
    for r in rows:
        start = f"{r['start']:.2f}" if r["start"] is not None else "-"
        steady = f"{r['steady']:.1f}" if r["steady"] is not None else "-"
        print(
            f"{r['label']:<24}{r['wall']:>8.2f}{r['analysed']:>9}{r['skipped']:>8}{r['docs_per_min']:>10.1f}{start:>9}{steady:>11}"
            f"  {', '.join(map(str, r['worker_peak_mb'])) or '-'} (psutil max {r['sampled_peak_mb']:.0f})"
        )
    print("start s: from starting the executor to the first finished document (worker start-up, model load);")
    print("steady/min: documents per minute after that first one.")
    j1, j2, dk, again = rows
    speedup = j2["docs_per_min"] / j1["docs_per_min"]
    steady_speedup = j2["steady"] / j1["steady"]
    dask_ratio = dk["wall"] / j2["wall"]
    dask_steady = j2["steady"] / dk["steady"]
    second = again["wall"] / j2["wall"]

    def verdict(ok):
        return "ok" if ok else "MISSED"

    print()
    print(f"speed-up --jobs 2 / --jobs 1, wall:      {speedup:.2f}x  (target >= 1.7x) {verdict(speedup >= 1.7)}")
    print(f"speed-up --jobs 2 / --jobs 1, steady:    {steady_speedup:.2f}x  (target >= 1.7x) {verdict(steady_speedup >= 1.7)}")
    print(f"Dask LocalCluster / pool time, wall:     {dask_ratio:.2f}   (target <= 1.15) {verdict(dask_ratio <= 1.15)}")
    print(f"Dask LocalCluster / pool time, steady:   {dask_steady:.2f}   (target <= 1.15) {verdict(dask_steady <= 1.15)}")
    print(
        f"second run / first run (--jobs 2):       {100 * second:.1f}%  (target < 5%, all skipped) "
        f"{verdict(second < 0.05 and again['skipped'] == len(plans))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
