"""Queries that stay fast at a million events (schema 7): keyset pages (`after`/`next`), full-text
search for `q` (SQLite FTS5 trigrams), and the indexed event–actor table for `actor`; each gives
what the plain reading of the filter gives, on the examples."""
from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from conftest import copy_store
from sitrep.api import create_app
from sitrep.store import Store
from sitrep.store import query as Q
from sitrep.store.schema import SCHEMA_VERSION


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    with Store.open(copy_store(examples_db, tmp_path_factory.mktemp("q"))) as s:
        yield s


def _all(store, **kw) -> list[dict]:
    return Q.events(store, limit=1000, **kw)["items"]


@pytest.mark.parametrize("sort", ["-date", "date", "-fatalities", "fatalities", "-sources", "confidence",
                                  "-updated_at"])
def test_keyset_pages_walk_the_same_order_as_one_page(store, sort):
    want = [e["id"] for e in _all(store, sort=sort)]
    got, after = [], None
    for _ in range(100):
        page = Q.events(store, sort=sort, limit=4, after=after)
        assert page["total"] == len(want)
        got += [e["id"] for e in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert got == want and len(want) > 8


def test_a_cursor_with_filters_and_an_offset(store):
    want = [e["id"] for e in _all(store, country="IQ")]
    first = Q.events(store, country="IQ", limit=2)
    assert [e["id"] for e in first["items"]] == want[:2]
    second = Q.events(store, country="IQ", limit=2, offset=1, after=first["next"])
    assert [e["id"] for e in second["items"]] == want[3:5]
    near = Q.events(store, near="36.38,42.45,60", limit=1)
    rest = Q.events(store, near="36.38,42.45,60", limit=1000, after=near["next"])
    assert [e["id"] for e in near["items"] + rest["items"]] == [e["id"] for e in _all(store, near="36.38,42.45,60")]
    assert rest["next"] is None


def test_the_api_pages_by_cursor_and_refuses_a_forged_one(store):
    client = TestClient(create_app(store, cache=False))
    one = client.get("/api/events", params={"limit": 5}).json()
    two = client.get("/api/events", params={"limit": 5, "after": one["next"]}).json()
    assert [e["id"] for e in one["items"] + two["items"]] == [e["id"] for e in _all(store)][:10]
    for bad in ("not-a-cursor", "W10", "x" * 2000, Q.make_cursor("-date", 3, "evt")):
        r = client.get("/api/events", params={"after": bad})
        assert r.status_code == 422 and "after" in r.json()["detail"], (bad, r.text)
    r = client.get("/api/events", params={"after": one["next"], "sort": "fatalities"})
    assert r.status_code == 422 and "sort" in r.json()["detail"]
    spec = client.get("/openapi.json").json()["paths"]["/api/events"]["get"]
    assert "after" in [p["name"] for p in spec["parameters"]]
    schema = spec["responses"]["200"]["content"]["application/json"]["schema"]
    ref = schema["$ref"].split("/")[-1]
    assert "next" in client.get("/openapi.json").json()["components"]["schemas"][ref]["properties"]


def _literal(store, q: str) -> list[str]:
    """Events whose notes, place or actor names hold `q`, case aside: the filter's plain meaning."""
    q = q.lower()
    return [e["id"] for e in _all(store) if any(q in (v or "").lower() for v in (
        e["notes"], (e["location"] or {}).get("name"), (e["actor1"] or {}).get("name"),
        (e["actor2"] or {}).get("name")))]


def test_text_search_finds_what_the_literal_substring_finds(store):
    notes = " ".join(e["notes"] for e in _all(store))
    probes = {"Tal Afar", "tal afar", "ISLAMIC STATE", "Syria", "al-", "bomb", "ki", "a", '"quoted', "%", "_x",
              "zzqx", "Mosul)", "OR", "NEAR(a b)", "killed*"}
    probes |= {notes[i:i + n] for i, n in ((37, 3), (120, 5), (400, 9), (900, 4), (1500, 12))}
    for q in sorted(probes):
        assert [e["id"] for e in _all(store, text=q)] == _literal(store, q), q


def test_actor_filter_reads_the_event_actor_table(store):
    evs = _all(store)
    ids = {a for e in evs for a in ([(e["actor1"] or {}).get("id"), (e["actor2"] or {}).get("id")]
                                    + [x["id"] for x in e["assoc_actors"]]) if a}
    assert len(ids) > 5
    for a in sorted(ids):
        want = [e["id"] for e in evs if a in {(e["actor1"] or {}).get("id"), (e["actor2"] or {}).get("id")}
                | {x["id"] for x in e["assoc_actors"]}]
        assert [e["id"] for e in _all(store, actor=a)] == want, a
    assert _all(store, actor="islamic state") and _all(store, actor="no such group at all") == []


def test_forgetting_a_report_updates_the_actor_table_and_the_search(examples_db, tmp_path):
    with Store.open(copy_store(examples_db, tmp_path)) as s:
        hit = _all(s, actor="actor:isis")
        doc = hit[0]["documents"][0]
        before = {e["id"] for e in _all(s, text="Islamic")}
        s.forget(doc)
        after = {e["id"] for e in _all(s, text="Islamic")}
        assert after == set(_literal(s, "Islamic")) and after <= before | after
        for e in _all(s, actor="actor:isis"):
            assert doc not in e["documents"]
        with s.engine.connect() as c:
            orphans = c.exec_driver_sql("select count(*) from cluster_actors a left join clusters c "
                                        "on c.id = a.cluster_id where c.id is null").scalar()
        assert orphans == 0


def test_a_version_6_store_gets_search_and_the_actor_table(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s:
        want_text, want_actor = _literal(s, "Afar"), [e["id"] for e in _all(s, actor="actor:isis")]
    con = sqlite3.connect(path)
    for t in ("clusters_search_ai", "clusters_search_ad", "clusters_search_au"):
        con.execute(f"drop trigger {t}")
    con.execute("drop table clusters_search")
    con.execute("delete from cluster_actors")
    con.execute("drop index ix_clusters_date_id")
    con.execute("update meta set value = '6' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert [e["id"] for e in _all(s, text="Afar")] == want_text and want_text
        assert [e["id"] for e in _all(s, actor="actor:isis")] == want_actor and want_actor
