"""Cross-article deduplication: pairwise merge precision and recall, and the time per 10k mentions.

Two parts.

1. **Text, end to end.** Invents known events (roadside bombs, air strikes, clashes) in real
   Iraqi and Syrian towns, and hard negatives beside them (the same kind of event in the
   same town a day later, or the same day in the nearest other town). Each event is told by
   one to four reports written from different templates (paraphrased), with the date given
   differently (absolute, weekday, "yesterday", or only by the publication date: re-dated),
   the place spelt differently or given only as the province (re-placed), and figures
   that disagree. All reports go through the real pipeline into a SQLite store; then every
   pair of reports is scored: the same event in truth, and in the store (their main
   mentions share a real-world event). Prints precision and recall (aim ≥ 0.95 / ≥ 0.90).
2. **Speed.** 10,000 structured mentions (2,500 events over a year and 40 places, four
   reports each, re-dated and re-placed the same way) written into a store and clustered in
   ingest order by the store's own code (`clusters.cluster_documents`, --batch documents per
   transaction; 1 is what `Store.save` does when it clusters its document at once; with --ingest,
   what `sitrep ingest` does: each document stored in its own transaction, then one clustering
   pass, `Store.cluster_pending`, per --batch stored documents); prints the time per 10k mentions
   (wall clock, and per CPU second of this process, which a loaded machine disturbs less), and
   the pairwise precision/recall of the rule on that set too. --dump writes the assignments.

    .venv/bin/python benchmarks/dedup.py [--events 120] [--mentions 10000] [--batch 100] [--ingest] [--seed 7]
    .venv/bin/python benchmarks/dedup.py --skip-text --ingest --batch 200   # the path `sitrep ingest` takes
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# town: (spellings, province phrase, country, (lat, lon)) — coordinates only for the speed part
TOWNS = {
    "Tal Afar": (["Tal Afar", "Tal Afar", "Tall Afar"], "Nineveh province", "Iraq", (36.379, 42.448)),
    "Sinjar": (["Sinjar"], "Nineveh province", "Iraq", (36.322, 41.864)),
    "Baiji": (["Baiji", "Bayji"], "Salahuddin province", "Iraq", (34.929, 43.493)),
    "Tikrit": (["Tikrit"], "Salahuddin province", "Iraq", (34.616, 43.679)),
    "Samarra": (["Samarra"], "Salahuddin province", "Iraq", (34.196, 43.886)),
    "Hawija": (["Hawija", "Hawijah"], "Kirkuk province", "Iraq", (35.327, 43.771)),
    "Ramadi": (["Ramadi"], "Anbar province", "Iraq", (33.426, 43.299)),
    "Fallujah": (["Fallujah", "Falluja"], "Anbar province", "Iraq", (33.349, 43.784)),
    "Haditha": (["Haditha"], "Anbar province", "Iraq", (34.139, 42.378)),
    "Rutba": (["Rutba", "Rutbah"], "Anbar province", "Iraq", (33.038, 40.285)),
    "Baqubah": (["Baqubah", "Baquba"], "Diyala province", "Iraq", (33.746, 44.643)),
    "Raqqa": (["Raqqa", "Raqqah"], "Raqqa province", "Syria", (35.953, 39.009)),
    "Tabqa": (["Tabqa"], "Raqqa province", "Syria", (35.837, 38.548)),
    "Hasakah": (["Hasakah", "al-Hasakah", "Hasaka"], "Hasakah province", "Syria", (36.502, 40.748)),
    "Qamishli": (["Qamishli"], "Hasakah province", "Syria", (37.052, 41.231)),
    "Shaddadi": (["al-Shaddadi", "Shaddadi"], "Hasakah province", "Syria", (36.058, 40.730)),
    "Deir ez-Zor": (["Deir ez-Zor", "Dayr az-Zawr", "Deir Ezzor"], "Deir ez-Zor province", "Syria", (35.336, 40.141)),
    "Mayadin": (["al-Mayadin", "Mayadin"], "Deir ez-Zor province", "Syria", (35.021, 40.452)),
    "Bukamal": (["al-Bukamal", "Abu Kamal", "Albu Kamal"], "Deir ez-Zor province", "Syria", (34.453, 40.918)),
    "Manbij": (["Manbij"], "Aleppo province", "Syria", (36.528, 37.955)),
}
NUM = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

# kind → templates; {place} a place phrase, {when} a date phrase (may be empty), {n}/{N} numbers
KINDS = {
    "ied": {
        "country_forces": {"Iraq": "Iraqi soldiers", "Syria": "SDF fighters"},
        "templates": [
            "A roadside bomb killed {n} {victims} {place}{when}, security officials said.",
            "{N} {victims} died{when} when an improvised explosive device detonated beneath their vehicle {place}, "
            "according to local sources.",
            "An explosive device targeted a patrol {place}{when}. {N} {victims} were killed in the explosion.",
            "{N} {victims} were killed{when} after a bomb planted by the roadside struck their convoy {place}, "
            "a military source said.",
        ],
    },
    "airstrike": {
        "country_forces": {"Iraq": "Islamic State militants", "Syria": "Islamic State militants"},
        "templates": [
            "A coalition air strike killed {n} {victims} {place}{when}, the coalition said.",
            "Coalition aircraft struck an Islamic State hideout {place}{when}, killing {n} militants.",
            "{N} {victims} were killed in an air strike {place}{when}, officials said.",
        ],
    },
    "clash": {
        "country_forces": {"Iraq": "soldiers", "Syria": "SDF fighters"},
        "templates": [
            "Islamic State militants attacked a checkpoint {place}{when}, killing {n} {victims}, officials said.",
            "Clashes broke out between Islamic State fighters and {victims} {place}{when}, leaving {n} dead.",
            "{N} {victims} were killed{when} when Islamic State gunmen stormed an army post {place}.",
        ],
    },
}
SOURCES = ["Example Wire", "Northern Example Times", "Frontline Monitor", "Levant Daily Example",
           "Euphrates Example Bulletin", "Horn Example Report"]


def _near_town(town: str) -> str:
    lat, lon = TOWNS[town][3]
    return min((t for t in TOWNS if t != town and TOWNS[t][2] == TOWNS[town][2]),
               key=lambda t: (TOWNS[t][3][0] - lat) ** 2 + (TOWNS[t][3][1] - lon) ** 2)


def invent_events(n: int, rnd: random.Random) -> list[dict]:
    """Known events, a fifth of them with a twin a day later in the same town or the same day nearby."""
    out: list[dict] = []
    start = dt.date(2025, 1, 6)
    while len(out) < n:
        ev = {"kind": rnd.choice(list(KINDS)), "town": rnd.choice(list(TOWNS)),
              "date": start + dt.timedelta(days=rnd.randrange(300)), "dead": rnd.randint(2, 9)}
        ev["id"] = f"E{len(out):04d}"
        out.append(ev)
        if rnd.random() < 0.35 and len(out) < n:
            twin = dict(ev, id=f"E{len(out):04d}", dead=rnd.randint(2, 9))
            if rnd.random() < 0.5:
                twin["date"] = ev["date"] + dt.timedelta(days=1)
            else:
                twin["town"] = _near_town(ev["town"])
            out.append(twin)
    return out


def _when(date: dt.date, published: dt.date, rnd: random.Random) -> str:
    lag = (published - date).days
    choices = [f" on {date:%B} {date.day}", f" on {date.day} {date:%B}"]
    if 1 <= lag <= 5:
        choices.append(f" on {date:%A}")
    if lag == 1:
        choices.append(" yesterday")
    if lag == 0:
        choices.append("")                       # re-dated: only the publication date tells
    return rnd.choice(choices)


def write_reports(events: list[dict], rnd: random.Random) -> list[dict]:
    docs = []
    for ev in events:
        kind = KINDS[ev["kind"]]
        spellings, province, country, _ = TOWNS[ev["town"]]
        templates = rnd.sample(kind["templates"], k=min(len(kind["templates"]), rnd.randint(1, 4)))
        for k, tpl in enumerate(templates):
            published = ev["date"] + dt.timedelta(days=rnd.choice([0, 1, 1, 2]))
            if rnd.random() < 0.15:
                place = f"in {province}"          # re-placed: only the province
            else:
                place = f"{rnd.choice(['near', 'outside', 'near', 'in'])} {rnd.choice(spellings)}"
            dead = max(1, ev["dead"] + rnd.choice([0, 0, 0, 1, -1]))
            victims = kind["country_forces"][country]
            body = tpl.format(n=NUM[dead] if dead < len(NUM) else dead, N=(NUM[dead] if dead < len(NUM) else str(dead)).capitalize(),
                              victims=victims, place=place, when=_when(ev["date"], published, rnd))
            body = body[0].upper() + body[1:]
            title = f"{ev['kind'].title()} report {ev['id']}-{k}"
            text = f"{title}\n\n{body} The {country} authorities gave no further details.\n"
            docs.append({"id": f"{ev['id']}-{k}", "text": text, "published": published.isoformat(),
                         "source": rnd.choice(SOURCES), "truth": ev["id"], "kind": ev["kind"]})
    return docs


def pairwise(truth: dict[str, str], predicted: dict[str, set[str]]) -> tuple[float, float, int, int, int]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(truth), 2):
        same = truth[a] == truth[b]
        merged = bool(predicted.get(a, set()) & predicted.get(b, set()))
        tp += same and merged
        fp += merged and not same
        fn += same and not merged
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


MAIN = {"ied": "Remote explosive/landmine/IED", "airstrike": "Air/drone strike", "clash": "Armed clash"}


def text_part(n_events: int, seed: int) -> None:
    from sqlalchemy import select

    from sitrep import batch
    from sitrep.pipeline import Pipeline
    from sitrep.store import Store
    from sitrep.store import schema as S

    rnd = random.Random(seed)
    events = invent_events(n_events, rnd)
    docs = write_reports(events, rnd)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "reports.jsonl"
        src.write_text("".join(json.dumps({k: d[k] for k in ("id", "text", "published", "source")}) + "\n"
                               for d in docs))
        with Store.open(str(Path(tmp) / "dedup.db")) as store:
            pipe = Pipeline()
            t0 = time.perf_counter()
            with Progress() as bar:
                task = bar.add_task("ingesting reports", total=len(docs))
                summary = batch.ingest([str(src)], store, pipe, progress=lambda _: bar.advance(task))
            secs = time.perf_counter() - t0
            with store.engine.connect() as c:
                rows = c.execute(select(S.events.c.doc_id, S.events.c.sub_event_type, S.events.c.event_type,
                                        S.events.c.cluster_id).where(S.events.c.cluster_id.is_not(None))).all()
    main: dict[str, set[str]] = {}
    for doc_id, _sub, etype, cid in rows:
        if etype in ("Battles", "Explosions/Remote violence"):
            main.setdefault(doc_id, set()).add(cid)
    truth = {d["id"]: d["truth"] for d in docs}
    found = sum(1 for d in docs if d["id"] in main)
    p, r, tp, fp, fn = pairwise(truth, main)
    twins = sum(1 for a, b in zip(events, events[1:]) if a["kind"] == b["kind"] and a["id"] != b["id"]
                and (a["town"] == b["town"] or a["date"] == b["date"]))
    print(f"text: {len(events)} events ({twins} beside a near twin), {len(docs)} reports, stored {summary.stored}, "
          f"{found} with a violent event found, {secs:.1f} s through the pipeline")
    print(f"text: pairwise merge precision {p:.3f}  recall {r:.3f}  (TP {tp}, FP {fp}, FN {fn})")


def speed_part(n_mentions: int, seed: int, dump: str | None = None, batch: int = 100, ingest: bool = False) -> None:
    from sqlalchemy import insert

    from sitrep.resolve import events as R
    from sitrep.store import Store
    from sitrep.store import clusters as X
    from sitrep.store import grid as G
    from sitrep.store import schema as S

    rnd = random.Random(seed)
    towns = list(TOWNS.items())
    places = []
    for name, (_, _province, country, (lat, lon)) in towns:   # 40 places: each town and a point 30 km east
        places.append((name, lat, lon, country))
        places.append((name + " east", lat, lon + 0.34, country))
    n_events = n_mentions // 4
    docs, events, truth = [], [], {}
    for e in range(n_events):
        name, lat, lon, country = rnd.choice(places)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(365))
        kind = rnd.choice(list(MAIN.values()))
        etype = "Battles" if kind == "Armed clash" else "Explosions/Remote violence"
        for k in range(4):
            doc_id = f"s{e:05d}-{k}"
            truth[doc_id] = e
            coarse = rnd.random() < 0.15
            from_text = rnd.random() < 0.8
            pub = day + dt.timedelta(days=rnd.choice([0, 1, 2]))
            start = day if from_text else pub
            ms, me = R.match_window(start.isoformat(), start.isoformat(), "text" if from_text else "published")
            docs.append({"id": doc_id, "content_hash": doc_id, "text": "", "words": 0,
                         "ingested_at": f"2025-01-01T00:00:00.{len(docs):06d}", "source_key": doc_id})
            events.append({"id": "ev-" + doc_id, "doc_id": doc_id, "event_type": etype, "sub_event_type": kind,
                           "modality": "asserted", "trigger_text": "x", "trigger_start": 0, "trigger_end": 1,
                           "date_start": start.isoformat(), "date_end": start.isoformat(), "date_precision": "day",
                           "location_name": name, "geonameid": None if coarse else hash(name) % 10**6,
                           "lat": lat + (0.5 if coarse else 0), "lon": lon, "fatalities": rnd.randint(1, 9),
                           "confidence": 0.7, "country_code": country[:2].upper(),
                           "location_precision": "admin1" if coarse else "city",
                           "place_id": None, "match_start": ms, "match_end": me,
                           "grid": G.key(etype, ms, me, lat + (0.5 if coarse else 0), lon,
                                         "admin1" if coarse else "city"),
                           "grid2": G.key2(etype, ms, me, lat + (0.5 if coarse else 0), lon,
                                           "admin1" if coarse else "city"),
                           "data": {"date": {"source": "text" if from_text else "published",
                                             "start": start.isoformat(), "end": start.isoformat()},
                                    "evidence": [], "trigger": {"text": "x"}, "assoc_actors": []}})
    store_secs = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(str(Path(tmp) / "speed.db")) as store:
            if not ingest:
                with store.engine.begin() as c:
                    c.execute(insert(S.documents), docs)
                    c.execute(insert(S.events), events)
            secs = cpu = 0.0
            with Progress() as bar:
                task = bar.add_task("clustering mentions", total=len(docs))
                for i in range(0, len(docs), batch):
                    chunk = docs[i:i + batch]
                    if ingest:     # each document in its own transaction (untimed), then one pass
                        t0 = time.perf_counter()
                        for d, ev in zip(chunk, events[i:i + batch]):
                            with store.engine.begin() as c:
                                c.execute(insert(S.documents), [d])
                                c.execute(insert(S.events), [ev])
                        store_secs += time.perf_counter() - t0
                    t0, cpu0 = time.perf_counter(), time.process_time()
                    if ingest:     # the pass `sitrep ingest` runs after every `batch` stored documents
                        store.cluster_pending([d["id"] for d in chunk])
                    else:          # one transaction per batch of documents, as a bulk load
                        with store.engine.begin() as c:
                            X.cluster_documents(c, [d["id"] for d in chunk], X.now())
                    secs += time.perf_counter() - t0
                    cpu += time.process_time() - cpu0
                    bar.advance(task, len(chunk))
            with store.engine.connect() as c:
                rows = c.exec_driver_sql("select doc_id, cluster_id from events").all()
    predicted = {d: {cid} for d, cid in rows}
    if dump:
        Path(dump).write_text(json.dumps(dict(sorted(rows)), indent=0) + "\n")
    p, r, tp, fp, fn = pairwise({k: str(v) for k, v in truth.items()}, predicted)
    how = (f"in passes over {batch} documents stored one per transaction, as `sitrep ingest` does; storing "
           f"them took {store_secs:.1f} s more" if ingest else f"{batch} documents per transaction")
    print(f"speed: {len(events):,} mentions of {n_events:,} events clustered ({how}) "
          f"in {secs:.1f} s = "
          f"{secs * 10_000 / len(events):.1f} s per 10k mentions ({len(events) / secs:,.0f} mentions/s; "
          f"{len(events) / cpu:,.0f} per CPU second of this process)")
    print(f"speed set: pairwise merge precision {p:.3f}  recall {r:.3f}  (TP {tp}, FP {fp}, FN {fn})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=120, help="known events for the text part")
    ap.add_argument("--mentions", type=int, default=10_000, help="mentions for the speed part")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-text", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--batch", type=int, default=100,
                    help="documents clustered per transaction in the speed part (1: one at a time, as `ingest` does)")
    ap.add_argument("--ingest", action="store_true",
                    help="as `sitrep ingest` does: documents stored one per transaction, clustered in passes over "
                         "--batch of them (`Store.cluster_pending`; ingest's own passes are over "
                         "sitrep.batch.CLUSTER_EVERY = 200)")
    ap.add_argument("--dump", help="write the speed set's assignments (document id → cluster id) to this JSON file")
    a = ap.parse_args()
    if not a.skip_text:
        text_part(a.events, a.seed)
    if not a.skip_speed:
        speed_part(a.mentions, a.seed, a.dump, a.batch, a.ingest)


if __name__ == "__main__":
    main()
