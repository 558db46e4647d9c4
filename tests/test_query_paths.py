"""Event pages at a million events (schema 9): the total is counted up to a cap (`total_exact` says
when more match), and on SQLite a page is taken one of two ways, by how many events match: from the
rows the filters' indexes find (few), or by walking the date index and checking each row (many).
Both ways, and the plain reading of each filter, give the same events in the same order; long events
and radii are found whole; an older store gets the new indexes."""
from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from conftest import copy_store
from sitrep.api import create_app
from sitrep.resolve.gazetteer import distance_km
from sitrep.store import Store
from sitrep.store import clusters as X
from sitrep.store import query as Q
from sitrep.store import schema as S
from sitrep.store.schema import SCHEMA_VERSION


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    with Store.open(copy_store(examples_db, tmp_path_factory.mktemp("paths"))) as s:
        yield s


def _walk(store, limit: int, cap: int | None, **kw) -> tuple[list[str], list[dict]]:
    """Every matching id, page after page by cursor, and the pages themselves."""
    ids, pages, after = [], [], None
    for _ in range(500):
        page = Q.events(store, limit=limit, after=after, count_cap=cap, **kw)
        pages.append(page)
        ids += [e["id"] for e in page["items"]]
        after = page["next"]
        if after is None:
            return ids, pages
    raise AssertionError("no last page")


FILTERS = [{}, {"types": ["Battles"]}, {"country": "IQ"}, {"date_from": "2024-01-01", "date_to": "2024-12-31"},
           {"date_from": "2020-01-01"}, {"date_to": "2024-06-30"}, {"bbox": "38,30,48,38"},
           {"near": "36.38,42.45,60"}, {"actor": "actor:isis"}, {"actor": "islamic state"}, {"place": "Syria"},
           {"text": "killed"}, {"text": "Tal Afar"}, {"text": "ki"}, {"types": ["Battles"], "country": "IQ",
                                                                         "date_from": "2020-01-01"}]


@pytest.mark.parametrize("kw", FILTERS, ids=lambda kw: ",".join(kw) or "none")
@pytest.mark.parametrize("sort", ["-date", "date", "-fatalities"])
def test_the_indexed_rows_and_the_walk_give_the_same_pages(store, kw, sort, monkeypatch):
    exact, _ = _walk(store, 1000, None, sort=sort, **kw)        # one page, counted exactly
    assert exact, kw
    few, pages = _walk(store, 3, Q.COUNT_CAP, sort=sort, **kw)   # few match: from the rows found
    assert few == exact and pages[0]["total"] == len(exact) and pages[0]["total_exact"]
    monkeypatch.setattr(Q, "WALK_FROM", 1)                       # … by walking the date index over them
    assert _walk(store, 3, Q.COUNT_CAP, sort=sort, **kw)[0] == exact
    monkeypatch.setattr(Q, "WALK_SCAN", 4)                       # … a walk too short: sorting them after all
    assert _walk(store, 3, Q.COUNT_CAP, sort=sort, **kw)[0] == exact
    many, pages = _walk(store, 3, 1, sort=sort, **kw)           # "more than 1": walking the order
    assert many == exact
    if len(exact) > 1:
        assert pages[0]["total"] == 1 and pages[0]["total_exact"] is False
    deep = Q.events(store, sort=sort, limit=2, offset=min(3, len(exact) - 1), count_cap=1, **kw)
    assert [e["id"] for e in deep["items"]] == exact[min(3, len(exact) - 1):][:2]


def _synthetic(path: str, n: int = 600, seed: int = 3) -> list[dict]:
    """Events at random points near 33N 44E and random dates, some of them months long."""
    rng = random.Random(seed)
    now = "2025-01-01T00:00:00"
    rows = []
    for i in range(n):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
        end = start + dt.timedelta(days=rng.choice([0, 0, 0, 2, 30, 300]))
        lat, lon = 33 + rng.uniform(-1.5, 1.5), 44 + rng.uniform(-1.5, 1.5)
        rows.append({"id": f"evt-{i:06d}", "event_type": "Battles", "sub_event_type": "Armed clash",
                     "date_start": start.isoformat(), "date_end": None if i % 7 == 0 else end.isoformat(),
                     "date_precision": "day", "location_name": f"Point {i}", "lat": lat, "lon": lon,
                     "country_code": "IQ", "assoc_actors": [], "mentions": 1, "sources": 1,
                     "documents": [f"doc-{i}"], "first_seen": now, "updated_at": now, "version": 1,
                     "summary_hash": str(i), "actor1_id": None, "actor2_id": None,
                     "notes": f"clash number {i}"})
    with Store.open(path) as s:
        with s.engine.begin() as c:
            c.execute(insert(S.clusters), rows)
            X.write_actors(c, rows, fresh=True)
    return rows


def test_radii_and_long_events_are_found_whole(tmp_path):
    path = str(tmp_path / "synthetic.db")
    rows = _synthetic(path)
    with Store.open(path) as s:
        for lat, lon, km in ((33.0, 44.0, 25), (33.4, 43.7, 60), (32.0, 45.0, 120), (33.0, 44.0, 0.5)):
            want = {r["id"] for r in rows if distance_km((lat, lon), (r["lat"], r["lon"])) <= km}
            for cap in (Q.COUNT_CAP, 1):
                got, _ = _walk(s, 50, cap, near=f"{lat},{lon},{km}")
                assert set(got) == want and len(got) == len(want), (lat, lon, km, cap)
        for f, t in (("2023-06-01", "2023-06-07"), ("2024-03-01", "2024-03-01"), ("2022-01-01", "2023-01-05")):
            want = {r["id"] for r in rows if r["date_start"] <= t and (r["date_end"] or r["date_start"]) >= f}
            assert any(r["date_start"] < f for r in rows if r["id"] in want) or f < "2023-01-01"
            for cap in (Q.COUNT_CAP, 1):
                got, _ = _walk(s, 50, cap, date_from=f, date_to=t)
                assert set(got) == want and len(got) == len(want), (f, t, cap)
        with s.engine.connect() as c:
            assert Q.longest_span(c) == 300


def test_the_api_says_when_the_total_is_a_lower_bound(store, monkeypatch):
    client = TestClient(create_app(store, cache=False))
    page = client.get("/api/events", params={"limit": 2}).json()
    assert page["total_exact"] is True and page["total"] > 2
    monkeypatch.setattr(Q, "COUNT_CAP", 2)
    capped = client.get("/api/events", params={"limit": 2}).json()
    assert capped["total"] == 2 and capped["total_exact"] is False and capped["next"]
    assert [e["id"] for e in capped["items"]] == [e["id"] for e in page["items"]]
    spec = client.get("/openapi.json").json()["components"]["schemas"]["EventPage"]["properties"]
    assert "total_exact" in spec and "total" in spec


def test_a_version_8_store_gets_the_new_indexes(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s:
        want = [e["id"] for e in Q.events(s, limit=1000, date_from="2024-01-01", date_to="2024-12-31")["items"]]
    con = sqlite3.connect(path)
    for ix in ("ix_clusters_span", "ix_clusters_type_dates", "ix_clusters_country_dates"):
        con.execute(f"drop index {ix}")
    con.execute("update meta set value = '8' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.schema_version() == SCHEMA_VERSION == 11
        with s.engine.connect() as c:
            names = set(c.exec_driver_sql("select name from sqlite_master where type = 'index'").scalars())
            plan = " ".join(r[-1] for r in c.exec_driver_sql(f"explain query plan select max({S.SPAN_SQL}) "
                                                               "from clusters"))
        assert {"ix_clusters_span", "ix_clusters_type_dates", "ix_clusters_country_dates"} <= names
        assert "ix_clusters_span" in plan
        assert [e["id"] for e in Q.events(s, limit=1000, date_from="2024-01-01", date_to="2024-12-31")["items"]] \
            == want and want


def test_a_kept_compiled_query_takes_each_requests_values(store):
    """Pages compiled once per query shape (SQLite) give what compiling every time gives: other
    values, lists of other lengths (IN), cursors and offsets of the same shape."""
    asks = [{"types": ["Battles"]}, {"types": ["Riots", "Battles", "Protests"]}, {"types": ["Protests"]},
            {"types": ["Battles", "Explosions/Remote violence"], "country": "IQ"},
            {"types": ["Violence against civilians"], "country": "SY"}, {"text": "killed", "types": ["Battles"]},
            {"text": "Mosul", "types": ["Battles", "Riots"]}]
    for sort in ("-date", "date"):
        for kw in asks:
            for offset in (0, 1):
                Q._COMPILED.clear()
                fresh = Q.events(store, sort=sort, limit=3, offset=offset, **kw)
                for other in asks:                       # the kept statements of other values first
                    Q.events(store, sort=sort, limit=3, offset=1 - offset, **other)
                assert Q.events(store, sort=sort, limit=3, offset=offset, **kw) == fresh, (sort, kw, offset)
                if fresh["next"]:
                    after = Q.events(store, sort=sort, limit=3, after=fresh["next"], **kw)
                    Q._COMPILED.clear()
                    assert Q.events(store, sort=sort, limit=3, after=fresh["next"], **kw) == after
    assert Q._COMPILED    # (they were kept)
