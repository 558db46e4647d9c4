"""Places benchmark: sitrep's places against the human `Location` annotations of us-gov-press.

Corpus: `../shared/corpus/us-gov-press/docs.jsonl` (45 CENTCOM and State Department
releases, re3d annotations), read from beside the repository; nothing of it is copied here.

What counts
    * recall: gold `Location` spans that *name* a place — confidence ≥ 0.5 and at least
      one capitalised word that is not a leading "The" ("Mosul", "northern Syria",
      "Tabqa Dam, Syria"; not "the camp" or "fighting positions") — found when any of
      our places overlaps them;
    * precision: our places (those not inside an organisation's name, and not adjectival:
      re3d files "U.S. forces" or "Iraqi" under nationality, not Location; they are counted
      apart) that overlap any gold `Location` span, named or not ("the city of Raqqa" counts);
    * F1 of the two. Misses (gold not found) and false positives are listed.
    * The annotators stopped before the end of several releases (the boilerplate lists of
      coalition members carry no annotation of any kind). "annotated" precision counts only
      our places that start before the document's last gold annotation of any type; the
      plain precision counts all. Both are printed.
Speed and size
    gazetteer build seconds (a fresh build into a temp file), load seconds and RSS after
    loading, then places/s and ms per article for the places stage alone (recognition
    component + resolution, spaCy's own parse excluded) and end to end.

Run: `make bench-places` or `.venv/bin/python benchmarks/places.py [--no-build] [--json]`.
It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "us-gov-press" / "docs.jsonl"
_NAMED = re.compile(r"\b[A-Z]")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def is_named(text: str) -> bool:
    t = re.sub(r"^(the|The)\s+", "", text)
    return bool(_NAMED.search(t))


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-build", action="store_true", help="skip timing a fresh gazetteer build")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    a = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmarks/places.py: {CORPUS} not found (the shared corpus sits beside the repository)")
    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]

    from sitrep.resolve import gazetteer as gz

    figures: dict = {"documents": len(docs)}
    if not a.no_build:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            gz.build(Path(tmp) / "g.sqlite")
            figures["gazetteer_build_s"] = round(time.perf_counter() - t, 1)
            figures["gazetteer_build_peak_rss_mb"] = round(rss_mb())
    rss0 = rss_mb()
    t = time.perf_counter()
    g = gz.Gazetteer.open()
    figures["gazetteer_load_s"] = round(time.perf_counter() - t, 3)
    figures["gazetteer_file_mb"] = round(g.path.stat().st_size / 1e6, 1)
    figures["gazetteer_load_rss_mb"] = round(rss_mb() - rss0 if a.no_build else rss_mb(), 1)

    from sitrep.extract.places import extract_places
    from sitrep.nlp import load, load_model

    bare = load_model()
    nlp = load()
    texts = [d["text"] for d in docs]
    list(nlp.pipe(texts[:5]))  # warm-up
    t = time.perf_counter()
    parsed = list(bare.pipe(texts))
    bare_s = time.perf_counter() - t
    t = time.perf_counter()
    full = list(nlp.pipe(texts))
    full_s = time.perf_counter() - t
    comp = nlp.get_pipe("sitrep_places")
    t = time.perf_counter()
    for d in parsed:
        comp(d)
    recog_s = time.perf_counter() - t
    t = time.perf_counter()
    predicted = [extract_places(d, g) for d in full]
    resolve_s = time.perf_counter() - t

    tp_pred = fp = found = gold_n = 0
    tp_ann = fp_ann = 0
    misses, false_pos = [], []
    n_places = n_adjectival = 0
    for d, places in zip(docs, predicted):
        gold_all = [(e["start"], e["end"], e["text"]) for e in d["gold_entities"] if e["type"] == "Location"]
        gold = [x for x, e in zip(gold_all, [e for e in d["gold_entities"] if e["type"] == "Location"])
                if e.get("confidence", 1) >= 0.5 and is_named(x[2])]
        ours = [(p.start, p.end, p.text, p.geonameid) for p in places if not p.in_name and not p.adjectival]
        n_places += len(ours)
        n_adjectival += sum(p.adjectival for p in places)
        last_gold = max((e["end"] for e in d["gold_entities"]), default=0)
        for o in ours:
            hit = any(overlaps(o, g_) for g_ in gold_all)
            if o[0] < last_gold:
                tp_ann += hit
                fp_ann += not hit
            if hit:
                tp_pred += 1
            else:
                fp += 1
                around = d["text"][max(0, o[0] - 40):o[1] + 25].replace("\n", " ")
                false_pos.append(f"{d['id'][:8]} {o[2]!r} ({o[3]})  …{around}…")
        for g_ in gold:
            gold_n += 1
            if any(overlaps(o, g_) for o in ours):
                found += 1
            else:
                around = d["text"][max(0, g_[0] - 40):g_[1] + 25].replace("\n", " ")
                misses.append(f"{d['id'][:8]} {g_[2]!r}  …{around}…")
    p = tp_pred / max(1, tp_pred + fp)
    pa = tp_ann / max(1, tp_ann + fp_ann)
    r = found / max(1, gold_n)
    f1 = 2 * p * r / max(1e-9, p + r)
    f1a = 2 * pa * r / max(1e-9, pa + r)
    words = sum(len(t.split()) for t in texts)
    figures.update({
        "gold_named_locations": gold_n, "predicted_places": n_places, "adjectival_places": n_adjectival,
        "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
        "precision_annotated": round(pa, 3), "f1_annotated": round(f1a, 3),
        "places_stage_ms_per_article": round(1000 * (recog_s + resolve_s) / len(docs), 2),
        "places_per_second": round(n_places / max(1e-9, recog_s + resolve_s)),
        "spacy_ms_per_article": round(1000 * bare_s / len(docs), 1),
        "with_places_ms_per_article": round(1000 * (full_s + resolve_s) / len(docs), 1),
        "words": words, "peak_rss_mb": round(rss_mb()),
    })
    if a.json:
        print(json.dumps({**figures, "misses": misses, "false_positives": false_pos}, indent=1))
        return
    print(f"Misses ({len(misses)}):")
    for m in misses:
        print("  " + m)
    print(f"False positives ({len(false_pos)}):")
    for m in false_pos:
        print("  " + m)
    print()
    for k, v in figures.items():
        print(f"{k:32} {v}")


if __name__ == "__main__":
    main()
