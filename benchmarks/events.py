"""Events benchmark: events per second, and the events found in each us-gov-press release.

Corpus: `../shared/corpus/us-gov-press/docs.jsonl` (45 CENTCOM and State Department
releases), read from beside the repository. There is no event gold for it: the listing is
for reading — per release, every event with its type, modality, actors, place, date and
counts — so that the worst misses can be seen and fixed. The figures: events per second and
per article for the events stage alone (trigger finding to merging; spaCy, places and dates
excluded), the whole pipeline's documents per second, and counts by type and modality.

Run: `make bench-events` or `.venv/bin/python benchmarks/events.py [--quiet] [--json]`.
It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "us-gov-press" / "docs.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quiet", action="store_true", help="figures only, no per-release listing")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    a = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmarks/events.py: {CORPUS} not found (the shared corpus sits beside the repository)")
    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]

    from sitrep.extract.entities import extract_entities
    from sitrep.extract.events import extract_events
    from sitrep.extract.places import extract_places
    from sitrep.extract.timexes import extract_timexes
    from sitrep.ingest import prepare
    from sitrep.ingest.readers import RawRecord
    from sitrep.pipeline import Pipeline

    pipe = Pipeline()
    srcs = [prepare(RawRecord(d["id"], d["text"], {"id": d["id"], "title": d.get("title"), "url": d.get("url")}))
            for d in docs]
    t = time.perf_counter()
    parsed = list(pipe.nlp.pipe([s.text for s in srcs]))
    parse_s = time.perf_counter() - t
    inputs = []
    for s, doc in zip(srcs, parsed):
        places = extract_places(doc, pipe.gazetteer)
        inputs.append((s, doc, extract_entities(doc, s.id), places, extract_timexes(doc, s.published)))
    t = time.perf_counter()
    found = [extract_events(doc, s.id, ents, places, tx, s.published) for s, doc, ents, places, tx in inputs]
    events_s = time.perf_counter() - t
    n = sum(len(f) for f in found)
    by_type = Counter(e.sub_event_type for f in found for e in f)
    by_mod = Counter(e.modality for f in found for e in f)
    figures = {"documents": len(docs), "events": n, "events_per_article": round(n / len(docs), 2),
               "events_stage_ms_per_article": round(1000 * events_s / len(docs), 2),
               "events_per_second": round(n / max(events_s, 1e-9)),
               "spacy_ms_per_article": round(1000 * parse_s / len(docs), 1),
               "articles_without_events": sum(1 for f in found if not f),
               "by_sub_type": dict(by_type.most_common()), "by_modality": dict(by_mod.most_common())}
    if a.json:
        print(json.dumps(figures, indent=1))
        return
    if not a.quiet:
        for (s, *_), evs in zip(inputs, found):
            print(f"== {s.id[:8]}  {s.title or ''}  (published {s.published})")
            for e in evs:
                loc = e.location.name if e.location else "—"
                who = " → ".join(x.name for x in (e.actor1, e.actor2) if x) or "—"
                counts = ", ".join(f"{k} {v}" for k, v in e.counts.__dict__.items() if v is not None)
                print(f"   {e.sub_event_type:34.34} {e.modality:9} {who:45.45} @ {loc:22.22} "
                      f"{e.date.start or '?'}..{e.date.end or '?'} {counts}  «{e.trigger.text}»")
        print()
    for k, v in figures.items():
        print(f"{k:30} {v}")


if __name__ == "__main__":
    main()
