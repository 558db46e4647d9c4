"""Event location benchmark: does the event at a marked verb get the marked place?

Corpus: `../shared/corpus/event-location/dev.jsonl` (9,199 news sentences, MIT), read from
beside the repository; each marks an event verb and the place(s) where that event happened,
or none. For every sentence the full sitrep pipeline runs (parse, places, events). The
verb's location is the `location` of our event whose trigger is that verb; where our
trigger lexicon has no event at that verb, the same linking rule
(`sitrep.extract.event_place.location`: the trigger's clause, else its sentence) is applied to
the verb directly, so the figure measures place linking, not trigger coverage (which is
printed apart).

Correct: no place marked and none given, or the place given overlaps a marked one.
814 sentences mark a place with an empty or one-character span (an annotation slip: the
offsets point nowhere); they are left out and counted apart.

Run: `make bench-events` or `.venv/bin/python benchmarks/event_location.py [--limit N] [--json]`.
It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "event-location" / "dev.jsonl"


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--misses", type=int, default=25, help="how many misses to list")
    ap.add_argument("--max-cost", type=float, default=None, help="linking cut-off (default: the package's)")
    a = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmarks/event_location.py: {CORPUS} not found (the shared corpus sits beside the repository)")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:a.limit] if a.limit else rows

    from sitrep.extract.event_place import location
    from sitrep.extract.events import extract_events
    from sitrep.extract.places import extract_places
    from sitrep.pipeline import Pipeline

    pipe = Pipeline()
    tally = {"all": [0, 0], "accept": [0, 0], "with_place": [0, 0], "without_place": [0, 0]}
    fired = broken = 0
    misses = []
    t0 = time.perf_counter()
    texts = [r["text"] for r in rows]
    with Progress(transient=True) as bar:
        task = bar.add_task("sentences", total=len(rows))
        for r, doc in zip(rows, pipe.nlp.pipe(texts, batch_size=64)):
            bar.advance(task)
            places = extract_places(doc, pipe.gazetteer)
            verb = (r["verbs"][0]["start"], r["verbs"][0]["end"])
            gold = [(x["start"], x["end"]) for x in r["locations"]]
            if any(e - s < 2 or not r["text"][s:e].strip() for s, e in gold):
                broken += 1
                continue
            evs = extract_events(doc, "bench", [], places, [], None)
            ev = next((e for e in evs if overlaps((e.trigger.start, e.trigger.end), verb)), None)
            if ev is not None:
                fired += 1
                got = (ev.location.start, ev.location.end) if ev.location else None
            else:
                span = doc.char_span(*verb, alignment_mode="expand")
                p = location(span.root, places, None, a.max_cost) if span is not None else None
                got = (p.start, p.end) if p else None
            ok = (not gold and got is None) or (got is not None and any(overlaps(got, g) for g in gold))
            for key in ("all", "accept" if r.get("answer") == "accept" else None,
                        "with_place" if gold else "without_place"):
                if key:
                    tally[key][0] += ok
                    tally[key][1] += 1
            if not ok and len(misses) < a.misses:
                t = r["text"]
                misses.append(f"verb {t[verb[0]:verb[1]]!r} gold {[t[s:e] for s, e in gold]} got "
                              f"{t[got[0]:got[1]] if got else None!r}  …{t[:140]}…")
    seconds = time.perf_counter() - t0
    figures = {k: round(v[0] / max(1, v[1]), 3) for k, v in tally.items()}
    figures.update({f"n_{k}": v[1] for k, v in tally.items()})
    figures["event_fired_at_verb"] = round(fired / max(1, tally["all"][1]), 3)
    figures["left_out_broken_spans"] = broken
    figures["sentences_per_second"] = round(len(rows) / seconds, 1)
    if a.json:
        print(json.dumps({**figures, "misses": misses}, indent=1))
        return
    print(f"Misses (first {len(misses)}):")
    for m in misses:
        print("  " + m)
    print()
    print(f"share correct, all sentences           {figures['all']:.3f}  (n={figures['n_all']})")
    print(f"share correct, answer=accept           {figures['accept']:.3f}  (n={figures['n_accept']})")
    print(f"share correct, a place marked          {figures['with_place']:.3f}  (n={figures['n_with_place']})")
    print(f"share correct, no place marked         {figures['without_place']:.3f}  (n={figures['n_without_place']})")
    print(f"our lexicon fired an event at the verb {figures['event_fired_at_verb']:.3f}")
    print(f"left out (place span empty)            {broken}")
    print(f"sentences per second                   {figures['sentences_per_second']}")


if __name__ == "__main__":
    main()
