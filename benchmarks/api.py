"""HTTP API latency: filtered /api/events requests over a store of 100,000 real-world events.

What it measures
    The time of one GET /api/events request, end to end through FastAPI's TestClient with the
    response cache off (routing, parameter parsing, `sitrep.store.query.events`: the count and the page
    query on SQLite, JSON encoding), for each kind of filter a user applies: event type,
    country, date range, bbox, near, actor (id and name), place, text, a sort on
    fatalities, a deep offset, and several filters together. Each kind runs --runs
    times with varying values after one warm-up; p50 and p95 are reported per kind and
    over all requests.

Data
    A synthetic store: 100,000 rows inserted straight into the `clusters` table (the
    real-world events of `sitrep.store.schema`), with 300 canonical actors and 40
    canonical places. Types follow ACLED's taxonomy, dates spread over 2018–2025, points
    scatter around places in ten countries, about a third of the events have fatalities.
    The file is built in a temp dir (about 10 s) unless --db names an existing one.

How to run
    make bench-api
    .venv/bin/python benchmarks/api.py [--events 100000] [--runs 30] [--db FILE] [--json]

Target
    p95 < 100 ms for every kind on a laptop-class machine (2 cores here).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import insert

warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.store import Store  # noqa: E402
from sitrep.store import schema as S  # noqa: E402

TYPES = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Air/drone strike", "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Suicide bomb"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Arrests", "Disrupted weapons use", "Change to group/activity", "Agreement"],
}
WEIGHTS = [30, 30, 12, 10, 5, 13]
COUNTRIES = {"SY": (35.0, 38.5), "IQ": (33.3, 44.0), "SO": (2.5, 45.3), "YE": (15.4, 44.2), "AF": (34.5, 69.2),
             "ML": (14.0, -4.0), "NG": (10.5, 8.0), "UA": (48.5, 35.0), "SD": (15.6, 32.5), "MM": (19.7, 96.1)}
WORDS = ("checkpoint convoy village market mosque patrol base road bridge camp district outskirts farmland "
         "militants soldiers police fighters drone rocket bomb ambush raid clashes protesters").split()


def build(path: str, n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    store = Store.open(path)
    now = dt.datetime(2025, 6, 1).isoformat()
    actors = [{"id": f"actor:group-{i}", "name": f"Group {i} {rng.choice(['Brigade', 'Front', 'Army', 'Forces'])}",
               "type": "ARMED_GROUP", "aliases": [f"G{i}"], "first_seen": now, "updated_at": now} for i in range(300)]
    places = []
    for i in range(40):
        cc = list(COUNTRIES)[i % len(COUNTRIES)]
        lat, lon = COUNTRIES[cc]
        places.append({"id": f"geonames:{900000 + i}", "geonameid": 900000 + i, "name": f"Town {i}",
                       "lat": lat + rng.uniform(-2, 2), "lon": lon + rng.uniform(-2, 2), "country_code": cc,
                       "admin1": f"Province {i % 7}", "feature_code": "PPL", "precision": "city",
                       "first_seen": now, "updated_at": now})
    start = dt.date(2018, 1, 1)
    rows = []
    for i in range(n):
        etype = rng.choices(list(TYPES), WEIGHTS)[0]
        p = rng.choice(places)
        d = start + dt.timedelta(days=rng.randrange(8 * 365))
        a1, a2 = rng.choice(actors), rng.choice(actors)
        fat = rng.choice([None, None, 0, 1, 2, 3, 5, 12, rng.randrange(100)])
        rows.append({
            "id": f"evt-{i:012x}", "event_type": etype, "sub_event_type": rng.choice(TYPES[etype]),
            "date_start": d.isoformat(), "date_end": d.isoformat(), "date_precision": "day",
            "location_name": p["name"], "geonameid": p["geonameid"], "place_id": p["id"],
            "lat": p["lat"] + rng.uniform(-0.2, 0.2), "lon": p["lon"] + rng.uniform(-0.2, 0.2),
            "country_code": p["country_code"], "admin1": p["admin1"], "location_precision": "city",
            "actor1_id": a1["id"], "actor1_name": a1["name"], "actor2_id": a2["id"], "actor2_name": a2["name"],
            "assoc_actors": [], "fatalities": fat, "fatalities_low": fat, "fatalities_high": fat,
            "injured": None, "injured_low": None, "injured_high": None, "arrested": None, "arrested_low": None,
            "arrested_high": None, "mentions": rng.randint(1, 4), "sources": rng.randint(1, 3),
            "documents": [f"doc-{rng.randrange(n):08d}"], "confidence": round(rng.uniform(0.5, 0.95), 2),
            "notes": f"{d} in {p['name']}: {' '.join(rng.sample(WORDS, 6))}.",
            "first_seen": now, "updated_at": now, "version": 1, "summary_hash": f"{i:x}"})
    with store.engine.begin() as c:
        c.execute(insert(S.canonical_entities), actors)
        c.execute(insert(S.canonical_places), places)
        for k in range(0, len(rows), 5000):
            c.execute(insert(S.clusters), rows[k:k + 5000])
    store.close()
    return {"actors": actors, "places": places}


def cases(rng: random.Random, actors: list[dict], places: list[dict]) -> dict[str, callable]:
    def date_range():
        a = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365))
        return {"date_from": a.isoformat(), "date_to": (a + dt.timedelta(days=rng.choice([7, 30, 90]))).isoformat()}

    def bbox():
        lat, lon = rng.choice(list(COUNTRIES.values()))
        return {"bbox": f"{lon - 1.5},{lat - 1.5},{lon + 1.5},{lat + 1.5}"}

    return {
        "no filter": lambda: {},
        "type": lambda: {"type": rng.choice(list(TYPES))},
        "country": lambda: {"country": rng.choice(list(COUNTRIES))},
        "date range": date_range,
        "bbox": bbox,
        "near": lambda: {"near": "{},{},50".format(*COUNTRIES[rng.choice(list(COUNTRIES))])},
        "actor id": lambda: {"actor": rng.choice(actors)["id"]},
        "actor name": lambda: {"actor": rng.choice(actors)["name"]},
        "place": lambda: {"place": rng.choice(places)["id"]},
        "text": lambda: {"q": rng.choice(WORDS)},
        "sort -fatalities": lambda: {"sort": "-fatalities"},
        "deep offset": lambda: {"offset": rng.randrange(50_000, 99_000)},
        "type+country+dates": lambda: {"type": rng.choice(list(TYPES)), "country": rng.choice(list(COUNTRIES)),
                                       **date_range()},
    }


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--db", help="an existing store to query (default: build a synthetic one)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            path = args.db
            store = Store.open(path)
            with store.engine.connect() as c:
                from sqlalchemy import select
                actors = [dict(r) for r in c.execute(select(S.canonical_entities)).mappings()]
                places = [dict(r) for r in c.execute(select(S.canonical_places)).mappings()]
            store.close()
            built = 0.0
        else:
            path = str(Path(tmp) / "bench.db")
            t0 = time.perf_counter()
            made = build(path, args.events)
            built = time.perf_counter() - t0
            actors, places = made["actors"], made["places"]
        store = Store.open(path)
        client = TestClient(create_app(store, cache=False))   # the queries themselves, not the response cache
        results: dict[str, list[float]] = {}
        for name, make in cases(rng, actors, places).items():
            client.get("/api/events", params=make())          # warm-up
            times = []
            for _ in range(args.runs):
                params = make()
                t0 = time.perf_counter()
                r = client.get("/api/events", params=params)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (name, params, r.text)
            results[name] = times
        total = client.get("/api/events", params={"limit": 1}).json()["total"]
        store.close()
    everything = [t for ts in results.values() for t in ts]
    report = {"events": total, "build_seconds": round(built, 1), "runs_per_kind": args.runs,
              "kinds": {k: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 95), 1)}
                        for k, v in results.items()},
              "all": {"p50_ms": round(statistics.median(everything), 1), "p95_ms": round(pct(everything, 95), 1)}}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"/api/events over {total:,} events (synthetic store built in {built:.1f} s), "
          f"{args.runs} requests per kind, limit 50")
    print(f"{'filter':<22}{'p50 ms':>9}{'p95 ms':>9}")
    for k, v in report["kinds"].items():
        flag = "" if v["p95_ms"] < 100 else "  (over 100 ms)"
        print(f"{k:<22}{v['p50_ms']:>9.1f}{v['p95_ms']:>9.1f}{flag}")
    print(f"{'all requests':<22}{report['all']['p50_ms']:>9.1f}{report['all']['p95_ms']:>9.1f}")


if __name__ == "__main__":
    main()
