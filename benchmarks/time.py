"""Time stage: accuracy on the battery, and milliseconds per article.

What it measures
    1. accuracy: every row of tests/data/time_battery.csv (expressions we wrote, including the
       seed articles' ones with and without their publication dates) through
       `sitrep.resolve.time.normalize`; a row counts as right when start, end and precision
       all match exactly (and `resolved`; for "drop" rows: when no timex comes out). Rows are
       also counted per group (seed / own).
    2. speed: the bundled examples (read with sitrep's own readers) plus
       ../shared/corpus/us-gov-press/docs.jsonl are parsed once with the real spaCy pipeline
       (not timed); then `extract_timexes(doc, published)` — finding spans, merging ranges,
       the tense look-up and the resolution — runs over all parsed docs. The first pass starts
       with empty caches (cold, includes dateparser's one-off start-up if it is needed); later
       passes are warm for repeated expressions within a run but the per-doc caches are fresh.
       ms/article = pass time / number of articles. The us-gov-press records carry no
       publication date, so a second timing gives every article a date (2020-01-15) to
       exercise the relative rules too.

How to run
    python benchmarks/time.py [--repeat 5] [--json]

It prints figures; it asserts nothing about speed. It exits non-zero only when the corpus
cannot be read.
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sitrep.extract.timexes import extract_timexes  # noqa: E402
from sitrep.ingest import prepare  # noqa: E402
from sitrep.ingest.readers import RawRecord, read_path  # noqa: E402
from sitrep.model import Failure  # noqa: E402
from sitrep.resolve import time as rtime  # noqa: E402

BATTERY = ROOT / "tests" / "data" / "time_battery.csv"
EXAMPLES = ROOT / "examples"
GOV = ROOT.parent / "shared" / "corpus" / "us-gov-press" / "docs.jsonl"


def battery() -> dict:
    lines = [ln for ln in BATTERY.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(lines))
    groups: dict[str, list[int]] = {}
    wrong = []
    for row in rows:
        r = rtime.normalize(row["text"], row["published"] or None, future_tense=row["tense"] == "future")
        if row["resolved"] == "drop":
            ok = r is None
        else:
            ok = r is not None and (
                (r.start.isoformat() if r.start else "") == row["start"]
                and (r.end.isoformat() if r.end else "") == row["end"]
                and (r.precision or "") == row["precision"]
                and str(int(r.resolved)) == row["resolved"])
        g = "seed" if row["note"].startswith("seed") else "own"
        groups.setdefault(g, [0, 0])
        groups[g][0] += ok
        groups[g][1] += 1
        if not ok:
            wrong.append((row["text"], row["published"], r))
    right = sum(v[0] for v in groups.values())
    return {"rows": len(rows), "right": right, "accuracy": right / len(rows),
            "groups": {g: {"right": a, "rows": n} for g, (a, n) in groups.items()},
            "wrong": [f"{t!r} @ {p or '-'}: {r}" for t, p, r in wrong]}


def corpus() -> list:
    docs = []
    for path in sorted(EXAMPLES.iterdir()):
        if path.name == "README.md":
            continue
        for rec in read_path(str(path)):
            if not isinstance(rec, Failure):
                docs.append(prepare(rec))
    for line in GOV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            docs.append(prepare(RawRecord(f"{GOV.name}:{r['id']}", r["text"],
                                          {k: r.get(k) for k in ("id", "published", "title", "url", "source")})))
    return docs


def timing(parsed, repeat: int, force_pub: str | None = None) -> dict:
    passes = []
    n_timexes = 0
    for k in range(repeat):
        if k == 0:
            rtime.cache_clear()
        t0 = time.perf_counter()
        n = 0
        for src, doc in parsed:
            n += len(extract_timexes(doc, force_pub or src.published))
        passes.append(time.perf_counter() - t0)
        n_timexes = n
    per = [p * 1000 / len(parsed) for p in passes]
    return {"articles": len(parsed), "timexes": n_timexes, "cold_ms_per_article": round(per[0], 3),
            "warm_ms_per_article": round(statistics.median(per[1:]) if len(per) > 1 else per[0], 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    acc = battery()
    from sitrep import nlp as nlp_mod

    nlp = nlp_mod.load()
    docs = corpus()
    if not docs:
        print("no documents read", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    parsed = list(zip(docs, nlp.pipe([d.text for d in docs], batch_size=32)))
    spacy_ms = (time.perf_counter() - t0) * 1000 / len(docs)
    as_given = timing(parsed, max(1, args.repeat))
    dated = timing(parsed, max(1, args.repeat), force_pub="2020-01-15")
    out = {"battery": acc, "speed": {"as_given": as_given, "all_dated": dated,
                                     "spacy_parse_ms_per_article": round(spacy_ms, 2)}}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"battery: {acc['right']}/{acc['rows']} exact (start+end+precision) = {acc['accuracy']:.1%}  "
          + "  ".join(f"{g}: {v['right']}/{v['rows']}" for g, v in acc["groups"].items()))
    for w in acc["wrong"]:
        print(f"  wrong: {w}")
    for name, s in (("as given", as_given), ("every article dated 2020-01-15", dated)):
        print(f"time stage ({name}): {s['articles']} articles, {s['timexes']} timexes, "
              f"cold {s['cold_ms_per_article']:.3f} ms/article, warm {s['warm_ms_per_article']:.3f} ms/article")
    print(f"(for scale: spaCy parsing alone {spacy_ms:.2f} ms/article, not included above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
