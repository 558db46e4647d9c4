"""Attribution benchmark: what finding who said what costs per article, and what it finds.

Corpus: `../shared/corpus/polnear-dev/input.jsonl` (84 news articles), read from beside the
repository, nothing of it copied here; with `--examples`, the bundled `examples/` instead.
The quality figures on that corpus come from `../shared/tools/score_attribution.py`; this
benchmark measures speed and counts:

    * spaCy's parse (the nlp pipeline, sitrep's own components included) per article;
    * the attribution stage alone on parsed Docs: quotes (direct and reported speech, speaker
      resolution) and linking quotes to events, per article;
    * quotes per article, by kind (speech, belief, intention, evidence) and direct/reported.

Run: `.venv/bin/python benchmarks/attribution.py [--examples] [--limit N] [--json]`.
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
CORPUS = ROOT.parent / "shared" / "corpus" / "polnear-dev" / "input.jsonl"
EXAMPLES = ROOT / "examples"


def _texts(examples: bool, limit: int | None) -> list[tuple[str, str]]:
    if examples:
        docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))]
    else:
        if not CORPUS.exists():
            sys.exit(f"benchmarks/attribution.py: {CORPUS} not found (the shared corpus sits beside the "
                     "repository); try --examples")
        docs = [(d["id"], d["text"]) for d in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines()) if d]
    return docs[:limit] if limit else docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="example: .venv/bin/python benchmarks/attribution.py --limit 20")
    ap.add_argument("--examples", action="store_true", help="use the bundled examples/ instead of PolNeAR dev")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    a = ap.parse_args()

    from sitrep.extract.entities import extract_entities
    from sitrep.extract.events import extract_events
    from sitrep.extract.places import extract_places
    from sitrep.extract.quote_events import link_quotes
    from sitrep.extract.quotes import extract_quotes
    from sitrep.extract.timexes import extract_timexes
    from sitrep.ingest import prepare
    from sitrep.ingest.readers import RawRecord
    from sitrep.pipeline import Pipeline

    pipe = Pipeline()
    srcs = [prepare(RawRecord(i, t, {"id": i})) for i, t in _texts(a.examples, a.limit)]
    print(f"[attribution] {len(srcs)} articles", file=sys.stderr)
    t = time.perf_counter()
    parsed = list(pipe.nlp.pipe(s.text for s in srcs))
    parse_s = time.perf_counter() - t
    before = []
    for s, doc in zip(srcs, parsed):
        places = extract_places(doc, pipe.gazetteer)
        ents = extract_entities(doc, s.id, places, s.text, skip=[(b.start, b.end) for b in s.byline])
        tx = extract_timexes(doc, s.published)
        before.append((ents, extract_events(doc, s.id, ents, places, tx, s.published)))
    kinds: Counter = Counter()
    t = time.perf_counter()
    for s, doc, (ents, events) in zip(srcs, parsed, before):
        quotes = extract_quotes(doc, s.id, ents, s.text)
        link_quotes(doc, events, quotes, ents)
        for q in quotes:
            kinds[q.kind] += 1
            kinds["direct" if q.direct else "reported"] += 1
    stage_s = time.perf_counter() - t
    n = max(1, len(srcs))
    figures = {
        "articles": len(srcs),
        "parse_ms_per_article": round(1000 * parse_s / n, 1),
        "attribution_ms_per_article": round(1000 * stage_s / n, 2),
        "quotes_per_article": round(sum(kinds[k] for k in ("direct", "reported")) / n, 2),
        "quotes": dict(kinds),
    }
    if a.json:
        print(json.dumps(figures))
        return
    print(f"articles: {figures['articles']}")
    print(f"spaCy parse (sitrep's nlp pipeline): {figures['parse_ms_per_article']} ms/article")
    print(f"attribution stage (quotes + links to events): {figures['attribution_ms_per_article']} ms/article "
          f"({100 * stage_s / max(parse_s, 1e-9):.1f}% of the parse)")
    print(f"quotes per article: {figures['quotes_per_article']}  " +
          "  ".join(f"{k}={v}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
