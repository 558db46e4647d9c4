"""Scale-out figures in one run: Dask extraction throughput with 1 and 2 workers (and the ratio),
the peak memory of the ingesting (client) process at two corpus sizes, and clustering speed.

1. **Throughput.** --docs synthetic articles (`benchmarks/synthetic.py`) in one JSON Lines file,
   split into line ranges, extracted by a LocalCluster of 1 and then 2 worker processes
   (`sitrep.engine.dask.run`; the clock starts once the workers have loaded their pipelines and
   stops at the last result). Prints documents/s for each and the ratio (aim: >= 1.7 on 2 cores).
2. **Memory.** For each size in --rss, a fresh process runs `sitrep ingest --engine dask --workers 2`
   on that many synthetic articles into a new SQLite store and reports its own peak RSS
   (`ru_maxrss`; the workers are other processes) and that of the largest of its storing processes
   (`sitrep.engine.storing`: replaced every 2,000 documents). Flat means memory does not grow with
   the corpus.
3. **Clustering.** The dedup benchmark's speed part (`benchmarks/dedup.py`): --mentions structured
   mentions clustered by the store's code as `sitrep ingest` does (stored one per transaction,
   clustered in passes over 200), mentions/s.

    .venv/bin/python benchmarks/scale.py [--docs 400] [--rss 5000,25000] [--mentions 10000]

Extraction dominates: on this 2-core machine 25,000 articles take the better part of an hour;
--rss 1000,5000 gives the memory figure sooner.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def write_feed(path: Path, n: int) -> None:
    from synthetic import articles

    with open(path, "w", encoding="utf-8") as fh:
        for a in articles(n):
            fh.write(json.dumps(a) + "\n")


def throughput(n: int, workers: int, feed: Path) -> float:
    from sitrep.engine import dask as D
    from sitrep.model import Failure

    started: list[float] = []
    done = 0
    for item in D.run([str(feed)], workers=workers, on_start=lambda _: started.append(time.perf_counter())):
        done += not isinstance(item, Failure) and not isinstance(item[1], Failure)
    secs = time.perf_counter() - started[0]
    print(f"extraction, {workers} Dask worker{'s' if workers > 1 else ''}: {done:,} of {n:,} documents in "
          f"{secs:.1f} s = {done / secs:.2f} documents/s", flush=True)
    return done / secs


def rss_child(n: int, tmp: Path) -> None:
    """Run in a fresh process: ingest n synthetic articles with the Dask engine; print the peak RSS."""
    from sitrep.engine import dask as D
    from sitrep.store import Store

    feed = tmp / f"feed-{n}.jsonl"
    write_feed(feed, n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with Store.open(str(tmp / f"rss-{n}.db")) as store:
        summary = D.ingest([str(feed)], store, workers=2)
    print(json.dumps({"documents": n, "stored": summary.stored, "failed": len(summary.failures),
                      "seconds": round(time.perf_counter() - t0, 1), "peak_rss_mb": round(
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "rss_before_mb": round(base / 1024, 1),
                      "storing_peak_rss_mb": round(summary.storing_peak_rss_kb / 1024, 1)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=400, help="articles for the throughput part (0: skip it)")
    ap.add_argument("--rss", default="5000,25000", help="corpus sizes for the memory part ('' skips it)")
    ap.add_argument("--mentions", type=int, default=10_000, help="mentions for the clustering part (0: skip it)")
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.rss_child:
        rss_child(a.rss_child, Path(a.tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if a.docs:
            feed = tmp / "feed.jsonl"
            write_feed(feed, a.docs)
            one = throughput(a.docs, 1, feed)
            two = throughput(a.docs, 2, feed)
            print(f"extraction speed-up, 2 workers over 1: {two / one:.2f}x (aim >= 1.7)", flush=True)
        peaks = []
        for n in [int(x) for x in a.rss.split(",") if x.strip()]:
            out = subprocess.run([sys.executable, __file__, "--rss-child", str(n), "--tmp", str(tmp)],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                print(f"ingest of {n:,} documents failed:\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            peaks.append(r["peak_rss_mb"])
            print(f"ingest --engine dask --workers 2 of {n:,} documents: stored {r['stored']:,} in {r['seconds']:.0f} s, "
                  f"peak RSS of the main process {r['peak_rss_mb']:.0f} MB, of the largest storing process "
                  f"{r['storing_peak_rss_mb']:.0f} MB", flush=True)
        if len(peaks) > 1:
            print(f"peak RSS, largest over smallest corpus: {peaks[-1] / peaks[0]:.2f}x (flat is 1.0)")
        if a.mentions:
            import dedup
            from sitrep.batch import CLUSTER_EVERY

            dedup.speed_part(a.mentions, 7, batch=CLUSTER_EVERY, ingest=True)   # the path `sitrep ingest` takes


if __name__ == "__main__":
    main()
