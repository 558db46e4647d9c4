"""Entities benchmark: sitrep's people, organisations and places against the human re3d annotations of us-gov-press.

Corpus: `../shared/corpus/us-gov-press/docs.jsonl` (45 CENTCOM and State Department
releases; fields `text` and `gold_entities` with start/end/type/text/confidence), read
from beside the repository; nothing of it is copied here.

What counts (overlap match, per class)
    * Person       ← our PERSON entity mentions
    * Person+roles ← the same, plus the spans of those people's roles: re3d marks role phrases
      ("the CJTF-OIR spokesperson", "commander of U.S. Central Command", "Navy Capt.") as Person
    * Organisation ← our ORG, ARMED_GROUP and MILITARY_UNIT entity mentions
    * Location     ← our places (those not inside an organisation's name), as in benchmarks/places.py
    * recall ("named"): gold spans of the class that *name* something — at least one capitalised
      word other than a leading "The", and not a bare pronoun ("We", "He", "Our") — found when one
      of our mentions of the class overlaps them. The annotators also marked pronouns and common
      nouns ("we", "the victims", "journalists"), which no name extractor is meant to find:
      recall over *all* gold spans of the class is printed too.
    * precision: our mentions of the class that overlap a gold span of the same class. The
      annotators stopped before the end of several releases (the lists of coalition members at
      the end carry no annotation of any kind): "annotated" precision counts only our mentions
      that start before the document's last gold annotation; plain precision counts all.
      "any type" precision counts an overlap with a gold span of any class as right (a
      country acting — "the United States said" — is an Organisation to re3d and a place to us).
    * F1 of named recall with each precision. Misses and false positives are listed.
Speed
    ms per article of sitrep's entity stages alone — the `sitrep_actors` component on
    parsed Docs, and entities + quotes + claims extraction — next to spaCy's own parse.

Run: `.venv/bin/python benchmarks/entities.py [--json] [--quiet]`. It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "us-gov-press" / "docs.jsonl"
CLASSES = ("Person", "Person+roles", "Organisation", "Location")
OURS = {"PERSON": "Person", "ORG": "Organisation", "ARMED_GROUP": "Organisation", "MILITARY_UNIT": "Organisation"}
_PRONOUNS = {"i", "me", "my", "we", "us", "our", "ours", "he", "him", "his", "she", "her", "hers", "they", "them",
             "their", "theirs", "you", "your", "it", "its"}


def is_named(text: str) -> bool:
    t = re.sub(r"^(the|The)\s+", "", text.strip())
    if t.casefold() in _PRONOUNS:
        return False
    return bool(re.search(r"\b[A-Z]", t))


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--quiet", action="store_true", help="leave out the lists of misses and false positives")
    a = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"benchmarks/entities.py: {CORPUS} not found (the shared corpus sits beside the repository)")
    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]

    from sitrep.extract.claims import extract_claims
    from sitrep.extract.entities import extract_entities
    from sitrep.extract.places import extract_places
    from sitrep.extract.quotes import extract_quotes
    from sitrep.extract.timexes import extract_timexes
    from sitrep.nlp import load_model
    from sitrep.pipeline import Pipeline

    pipe = Pipeline()
    extractions = [pipe.extract(d["text"], id=d["id"]) for d in docs]

    # speed: the entity stages alone, on Docs spaCy has already parsed
    texts = [d["text"] for d in docs]
    bare = load_model()
    t = time.perf_counter()
    list(bare.pipe(texts))
    spacy_s = time.perf_counter() - t
    parsed = list(pipe.nlp.pipe(texts))
    comp = pipe.nlp.get_pipe("sitrep_actors")
    t = time.perf_counter()
    for doc in parsed:
        comp(doc)
    comp_s = time.perf_counter() - t
    places = [extract_places(doc, pipe.gazetteer) for doc in parsed]
    timexes = [extract_timexes(doc, None) for doc in parsed]
    t = time.perf_counter()
    for doc, d, pl, tx in zip(parsed, docs, places, timexes):
        ents = extract_entities(doc, d["id"], pl, d["text"])
        quotes = extract_quotes(doc, d["id"], ents, d["text"])
        extract_claims(doc, ents, quotes, tx, None, d["text"])
    stages_s = time.perf_counter() - t

    figures: dict = {"documents": len(docs)}
    lists: dict = {"misses": {c: [] for c in CLASSES}, "false_positives": {c: [] for c in CLASSES}}
    for cls in CLASSES:
        tp = fp = tp_ann = fp_ann = any_tp = found = gold_named = found_all = gold_all_n = 0
        for d, ext in zip(docs, extractions):
            text = d["text"]
            gold_cls = "Person" if cls == "Person+roles" else cls
            gold_all = [(g["start"], g["end"], g["text"]) for g in d["gold_entities"] if g["type"] == gold_cls]
            gold_any = [(g["start"], g["end"]) for g in d["gold_entities"]]
            last_gold = max((g["end"] for g in d["gold_entities"]), default=0)
            if cls == "Location":
                ours = [(p.start, p.end, p.text) for p in ext.places if not p.in_name]
            else:
                ours = [(m.start, m.end, m.text) for e in ext.entities if OURS.get(e.type) == gold_cls for m in e.mentions]
            if cls == "Person+roles":            # re3d marks role phrases ("the CJTF-OIR spokesperson") as Person
                ours += [(r.start, r.end, r.title) for e in ext.entities if e.type == "PERSON" for r in e.roles
                         if r.start is not None and not any(overlaps((r.start, r.end), o) for o in ours)]
            for o in ours:
                hit = any(overlaps(o, g) for g in gold_all)
                any_tp += hit or any(overlaps(o, g) for g in gold_any)
                tp += hit
                fp += not hit
                if o[0] < last_gold:
                    tp_ann += hit
                    fp_ann += not hit
                if not hit:
                    around = text[max(0, o[0] - 40):o[1] + 25].replace("\n", " ")
                    lists["false_positives"][cls].append(f"{d['id'][:8]} {o[2]!r}  …{around}…")
            for g in gold_all:
                hit = any(overlaps(o, g) for o in ours)
                gold_all_n += 1
                found_all += hit
                if is_named(g[2]):
                    gold_named += 1
                    found += hit
                    if not hit:
                        around = text[max(0, g[0] - 40):g[1] + 25].replace("\n", " ")
                        lists["misses"][cls].append(f"{d['id'][:8]} {g[2]!r}  …{around}…")
        p = tp / max(1, tp + fp)
        pa = tp_ann / max(1, tp_ann + fp_ann)
        pany = any_tp / max(1, tp + fp)
        r = found / max(1, gold_named)
        figures[cls] = {
            "gold_named": gold_named, "gold_all": gold_all_n, "predicted": tp + fp,
            "precision": round(p, 3), "precision_annotated": round(pa, 3), "precision_any_type": round(pany, 3),
            "recall_named": round(r, 3), "recall_all": round(found_all / max(1, gold_all_n), 3),
            "f1": round(f1(p, r), 3), "f1_annotated": round(f1(pa, r), 3),
        }
    figures["spacy_ms_per_article"] = round(1000 * spacy_s / len(docs), 1)
    figures["actors_component_ms_per_article"] = round(1000 * comp_s / len(docs), 2)
    figures["entities_quotes_claims_ms_per_article"] = round(1000 * stages_s / len(docs), 2)
    figures["quotes"] = sum(len(e.quotes) for e in extractions)
    figures["claims"] = sum(len(e.claims) for e in extractions)
    figures["kb_entities"] = sum(1 for e in extractions for x in e.entities if (x.kb_id or "").startswith("actor:"))
    if a.json:
        print(json.dumps({**figures, **({} if a.quiet else lists)}, indent=1, ensure_ascii=False))
        return
    if not a.quiet:
        for cls in CLASSES:
            print(f"{cls} misses ({len(lists['misses'][cls])}):")
            for m in lists["misses"][cls]:
                print("  " + m)
            print(f"{cls} false positives ({len(lists['false_positives'][cls])}):")
            for m in lists["false_positives"][cls]:
                print("  " + m)
        print()
    print(f"{'class':14} {'gold':>5} {'ours':>5} {'P':>6} {'P ann':>6} {'P any':>6} {'R':>6} {'R all':>6} {'F1':>6} {'F1 ann':>6}")
    for cls in CLASSES:
        f = figures[cls]
        print(f"{cls:14} {f['gold_named']:5} {f['predicted']:5} {f['precision']:6.3f} {f['precision_annotated']:6.3f} "
              f"{f['precision_any_type']:6.3f} {f['recall_named']:6.3f} {f['recall_all']:6.3f} {f['f1']:6.3f} {f['f1_annotated']:6.3f}")
    for k in ("documents", "spacy_ms_per_article", "actors_component_ms_per_article",
              "entities_quotes_claims_ms_per_article", "quotes", "claims", "kb_entities"):
        print(f"{k:40} {figures[k]}")


if __name__ == "__main__":
    main()
