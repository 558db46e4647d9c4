"""HTTP API latency: filtered /api/events requests over a store of real-world events (up to a million).

What it measures
    The time of one GET /api/events request, end to end through FastAPI's TestClient with the
    response cache off (routing, parameter parsing, `sitrep.store.query.events`: the count, up to
    `query.COUNT_CAP` matches, and the page query on SQLite, JSON encoding), for each kind of filter a
    user applies: event type,
    country, date range, bbox, near, actor (id and name), place, text, a sort on
    fatalities, a deep offset, and several filters together. Each kind runs --runs
    times with varying values after one warm-up; p50 and p95 are reported per kind and
    over all requests. "deep page (after)" asks for the page after a cursor half to all the
    way down the results (keyset paging); "deep offset" skips that many events instead.

Data
    A synthetic store: --events rows written straight into the `clusters` table (the
    real-world events of `sitrep.store.schema`) and their actors into `cluster_actors`
    (as the store's refresh writes them; the full-text index fills itself), with 300
    canonical actors and 40 canonical places. Types follow ACLED's taxonomy, dates spread
    over 2018–2025, points scatter around places in ten countries, about a third of the
    events have fatalities. Built in a temp dir unless --db names an existing store; on
    PostgreSQL too when its server binaries are installed (a throwaway server, as the
    tests start one; --no-postgres skips it).

How to run
    make bench-api                     # a million events (EVENTS=100000 for fewer)
    .venv/bin/python benchmarks/api.py [--events 1000000] [--runs 30] [--db FILE] [--no-postgres | --no-sqlite] [--json]

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

from rich.progress import Progress
from sqlalchemy import func, insert, select

warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.store import Store  # noqa: E402
from sitrep.store import clusters as X  # noqa: E402
from sitrep.store import query as Q  # noqa: E402
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


def build(path: str, n: int, seed: int = 7, progress=None) -> dict:
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
    with store.engine.begin() as c:
        c.execute(insert(S.canonical_entities), actors)
        c.execute(insert(S.canonical_places), places)
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
        if len(rows) == 20_000 or i == n - 1:
            with store.engine.begin() as c:
                c.execute(insert(S.clusters), rows)
                X.write_actors(c, rows, fresh=True)
            if progress:
                progress(len(rows))
            rows = []
    store.analyze()        # as `sitrep ingest` does after storing
    store.close()
    return {"actors": actors, "places": places}


def cursors(path: str, n: int, rng: random.Random, k: int = 40) -> list[str]:
    """`next` cursors of pages half to all the way down the default order (made once, not timed)."""
    store = Store.open(path)
    out = []
    with store.engine.connect() as c:
        for _ in range(k):
            off = rng.randrange(n // 2, max(n // 2 + 1, n - 60))
            ev_id, day = c.execute(select(S.clusters.c.id, S.clusters.c.date_start).order_by(*Q._order("-date"))
                                   .limit(1).offset(off)).one()
            out.append(Q.make_cursor("-date", day, ev_id))
    store.close()
    return out


def cases(rng: random.Random, actors: list[dict], places: list[dict], n: int, deep: list[str]) -> dict[str, callable]:
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
        "deep page (after)": lambda: {"after": rng.choice(deep)},
        "deep offset": lambda: {"offset": rng.randrange(n // 2, max(n // 2 + 1, n - 60))},
        "type+country+dates": lambda: {"type": rng.choice(list(TYPES)), "country": rng.choice(list(COUNTRIES)),
                                       **date_range()},
    }


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def measure(path: str, runs: int, n: int, actors: list[dict], places: list[dict]) -> tuple[dict, int]:
    rng = random.Random(11)
    deep = cursors(path, n, rng)
    store = Store.open(path)
    client = TestClient(create_app(store, cache=False))   # the queries themselves, not the response cache
    results: dict[str, list[float]] = {}
    for name, make in cases(rng, actors, places, n, deep).items():
        client.get("/api/events", params=make())          # warm-up
        times = []
        for _ in range(runs):
            params = make()
            t0 = time.perf_counter()
            r = client.get("/api/events", params=params)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (name, params, r.text)
        results[name] = times
    with store.engine.connect() as c:     # the API counts up to query.COUNT_CAP: the store's own count
        total = c.execute(select(func.count()).select_from(S.clusters)).scalar_one()
    store.close()
    return results, total


def report(results: dict[str, list[float]]) -> dict:
    everything = [t for ts in results.values() for t in ts]
    return {"kinds": {k: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(pct(v, 95), 1)}
                      for k, v in results.items()},
            "all": {"p50_ms": round(statistics.median(everything), 1), "p95_ms": round(pct(everything, 95), 1)}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--db", help="a store (file or URL) to query instead of a temporary one; a file that does "
                                 "not exist yet is built there and kept")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (a throwaway server)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.db and "://" not in args.db and not Path(args.db).exists()
        given = args.db and not keep
        targets = [("given", args.db)] if given else [] if args.no_sqlite else [
            ("sqlite", args.db or str(Path(tmp) / "bench.db"))]
        if args.no_sqlite and args.no_postgres:
            ap.error("--no-sqlite and --no-postgres leave nothing to measure")
        pg = None
        if not given and not args.no_postgres:
            from pgserver import throwaway_postgres
            pg = throwaway_postgres()
            url = pg.__enter__()
            if url:
                targets.append(("postgresql", url))
        try:
            for name, path in targets:
                t0 = time.perf_counter()
                if given:
                    store = Store.open(path)
                    with store.engine.connect() as c:
                        actors = [dict(r) for r in c.execute(select(S.canonical_entities)).mappings()]
                        places = [dict(r) for r in c.execute(select(S.canonical_places)).mappings()]
                        n = c.execute(select(func.count()).select_from(S.clusters)).scalar_one()
                    store.close()
                else:
                    with Progress(transient=True) as bar:
                        task = bar.add_task(f"building {args.events:,} events on {name}", total=args.events)
                        made = build(path, args.events, progress=lambda k, t=task: bar.advance(t, k))
                    actors, places, n = made["actors"], made["places"], args.events
                built = time.perf_counter() - t0
                results, total = measure(path, args.runs, n, actors, places)
                out[name] = {"events": total, "build_seconds": round(built, 1), "runs_per_kind": args.runs,
                             **report(results)}
        finally:
            if pg is not None:
                pg.__exit__(None, None, None)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, rep in out.items():
        print(f"{name}: /api/events over {rep['events']:,} events (built in {rep['build_seconds']:.0f} s), "
              f"{args.runs} requests per kind, limit 50")
        print(f"{'filter':<22}{'p50 ms':>9}{'p95 ms':>9}")
        for k, v in rep["kinds"].items():
            flag = "" if v["p95_ms"] < 100 else "  (over 100 ms)"
            print(f"{k:<22}{v['p50_ms']:>9.1f}{v['p95_ms']:>9.1f}{flag}")
        print(f"{'all requests':<22}{rep['all']['p50_ms']:>9.1f}{rep['all']['p95_ms']:>9.1f}")
    if "postgresql" not in out and not given and not args.no_postgres:
        print("postgresql: not measured (no PostgreSQL server binaries: apt-get install postgresql)")


if __name__ == "__main__":
    main()
