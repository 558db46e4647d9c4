"""The same store on PostgreSQL: a throwaway server started by the test (Debian's PostgreSQL)."""
from __future__ import annotations

import sys

import pytest

from conftest import EXAMPLES, ROOT
from sitrep import batch
from sitrep.store import Store
from sitrep.store import query as Q
from sitrep.store.schema import SCHEMA_VERSION

sys.path.insert(0, str(ROOT / "benchmarks"))
import pgserver  # noqa: E402   (the throwaway server, shared with the benchmarks)


@pytest.fixture(scope="module")
def pg_url():
    reason = pgserver.missing()
    if reason:
        pytest.skip(reason)
    with pgserver.throwaway_postgres() as url:
        yield url


def test_the_examples_give_the_same_events_on_postgresql_and_sqlite(pg_url, pipeline, tmp_path):
    with Store.open(pg_url) as pg, Store.open(str(tmp_path / "lite.db")) as lite:
        assert pg.engine.dialect.name == "postgresql" and pg.schema_version() == SCHEMA_VERSION
        for s in (pg, lite):
            assert batch.ingest([str(EXAMPLES)], s, pipeline).stored == 21

        def picture(s):
            page = Q.events(s, limit=1000)
            return sorted((e["id"], tuple(e["documents"]), e["counts"]["fatalities"], e["sources"])
                          for e in page["items"])

        assert picture(pg) == picture(lite)
        tal_afar = Q.events(pg, place="geonames:90393", date_from="2025-04-08", date_to="2025-04-08",
                            sub_types=["Remote explosive/landmine/IED"])
        assert tal_afar["total"] == 1 and tal_afar["items"][0]["sources"] == 3
        assert Q.entity(pg, "actor:isis")["documents"] == Q.entity(lite, "actor:isis")["documents"]
        assert [r["count"] for r in Q.timeline(pg, interval="month")] == \
            [r["count"] for r in Q.timeline(lite, interval="month")]
        pg.forget("16_monitor_tal_afar_ied_patrol.txt")
        assert Q.event(pg, tal_afar["items"][0]["id"])["sources"] == 2
        assert batch.ingest([str(EXAMPLES)], pg, pipeline).stored == 1     # only the forgotten one comes back


def test_search_actors_and_keyset_pages_on_postgresql(pg_url, pipeline, examples_db):
    """Full-text search (tsvector + GIN), the event–actor table and keyset pages give on PostgreSQL
    what they give on SQLite, for whole words and word starts."""
    with Store.open(pg_url) as pg, Store.open(examples_db) as lite:
        batch.ingest([str(EXAMPLES)], pg, pipeline)
        with pg.engine.connect() as c:
            plan = "\n".join(r[0] for r in c.exec_driver_sql(
                "explain select id from clusters where search @@ to_tsquery('simple', 'afar:*')"))
        assert "clusters" in plan

        def ids(s, **kw):
            return [e["id"] for e in Q.events(s, limit=1000, **kw)["items"]]

        for q in ("Tal Afar", "islamic state", "Islam", "bomb", "Syria", "Mosul", "qqqzx"):
            assert ids(pg, text=q) == ids(lite, text=q), q
        assert ids(pg, text="Afar")
        for actor in ("actor:isis", "islamic state", "al-shabaab"):
            assert ids(pg, actor=actor) == ids(lite, actor=actor), actor
        got, after = [], None
        while True:
            page = Q.events(pg, sort="-fatalities", limit=3, after=after)
            got += [e["id"] for e in page["items"]]
            after = page["next"]
            if after is None:
                break
        assert got == ids(lite, sort="-fatalities")
        # the default order (newest first, undated last) is one index on PostgreSQL: a page stops early
        with pg.engine.connect() as c:
            c.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(r[0] for r in c.exec_driver_sql(
                "explain select id from clusters order by date_start desc nulls last, id limit 50"))
        assert "ix_clusters_date_order" in plan and "Sort" not in plan.split("Index")[0]
        assert ids(pg) == ids(lite)


def test_the_dask_engine_into_postgresql_stores_what_the_local_engine_stores(pg_url, pipeline, examples_db):
    pytest.importorskip("distributed")
    from sitrep.engine import dask as D
    from test_engine_dask import picture

    with Store.open(pg_url) as pg:
        with pg.engine.begin() as c:
            c.exec_driver_sql("truncate documents, clusters, cluster_removals, canonical_entities, canonical_places, "
                              "failures cascade")
        summary = D.ingest([str(EXAMPLES)], pg, workers=2)
        assert summary.stored == 21 and not summary.failures, summary.as_dict()
        got = picture(pg)
    with Store.open(examples_db) as lite:
        want = picture(lite)
    assert got == want


def test_watch_state_and_alerts_on_postgresql(pg_url, pipeline, tmp_path):
    """A watch round, its state, a second round that adds nothing, and an alert's delivery log, on PostgreSQL."""
    from sitrep.store import watch as W
    from sitrep.watch import alerts as A
    from sitrep.watch import rounds
    from sitrep.watch.fetch import Fetcher
    from sitrep.watch.sources import read
    from watch_server import Site

    with Site() as site, Store.open(pg_url) as store, Fetcher(delay=0, retries=0, timeout=2) as f:
        (tmp_path / "s.txt").write_text(f"{site.base}/atom.xml source=Wire\n{site.base}/report.pdf\n")
        srcs = read(tmp_path / "s.txt")
        W.add_alert(store, "all", A.check_filters(store, {"country": "IQ"}), f"jsonl:{tmp_path}/a.jsonl")
        first = rounds.run_round(store, srcs, f, lambda: pipeline)
        second = rounds.run_round(store, srcs, f, lambda: pipeline)
        d = A.Deliverer()
        sent = A.run(store, d)["all"]["delivered"]
        assert A.run(store, d)["all"]["delivered"] == 0
        d.close()
        st = W.status(store)
    assert first.stored == 3 and first.sources_failed == 1 and second.stored == 0 and second.new_items == 0
    by = {s["url"].removeprefix(site.base): s for s in st["sources"]}
    assert by["/atom.xml"]["stored"] == 3 and by["/atom.xml"]["kind"] == "feed"
    assert "neither a feed" in by["/report.pdf"]["last_error"] and by["/report.pdf"]["errors"] == 2
    assert sent >= 1 and len(open(tmp_path / "a.jsonl").readlines()) == sent


def _other_database(pg_url: str, name: str) -> str:
    """A fresh database of its own on the throwaway server (the other tests share `sitrep`)."""
    from sqlalchemy import create_engine

    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return pg_url.rsplit("/", 1)[0] + "/" + name


def test_actor_pages_on_postgresql_by_either_query_shape(pg_url, tmp_path, monkeypatch):
    """An actor's events on PostgreSQL, for actors with few events (looked up by id, then sorted)
    and with many (the order's index walked, each event tested against a hash of the actor's
    events): the same events, totals and keyset pages as SQLite, by id and by name, alone and with
    other filters; the plan has the chosen shape."""
    from sqlalchemy import select

    from api import build
    from sitrep.store import filters as F
    from sitrep.store import schema as S

    url = _other_database(pg_url, "actors")
    made = build(url, 3000)                      # 300 actors, about 20 events each (actor1 or actor2)
    build(str(tmp_path / "lite.db"), 3000)       # the same events (the same seed) on SQLite
    monkeypatch.setattr(F, "_FEW_EVENTS", 18)     # so that each shape occurs among these actors
    monkeypatch.setattr(F, "_HASHED_EVENTS", 24)
    with Store.open(url) as pg, Store.open(str(tmp_path / "lite.db")) as lite:
        with pg.engine.connect() as c:
            sizes = {a["id"]: F.actor_event_count(c, a["id"], 10_000) for a in made["actors"][:40]}
        shapes = {"few": [a for a in made["actors"][:40] if sizes[a["id"]] <= 18][:3],
                  "more": [a for a in made["actors"][:40] if 18 < sizes[a["id"]] <= 24][:3],
                  "many": [a for a in made["actors"][:40] if sizes[a["id"]] > 24][:3]}
        assert all(shapes.values()), sizes

        def plan(actor: str, **kw) -> str:
            with pg.engine.connect() as c:
                q = select(S.clusters.c.id).where(*F.conditions(c, actor=actor, sort="-date", **kw)).order_by(
                    *Q._order("-date")).limit(51)
                sql = str(q.compile(dialect=c.dialect, compile_kwargs={"literal_binds": True}))
                return "\n".join(r[0] for r in c.exec_driver_sql("EXPLAIN " + sql))

        for shape, a in [(k, a) for k, v in shapes.items() for a in v]:
            shown = plan(a["id"])
            if shape == "few":      # the actor's events as one array (an InitPlan), looked up by id
                assert "InitPlan" in shown and "ANY" in shown and "Join" not in shown, shown
            elif shape == "more":   # each event tested against a hash table of the actor's events
                assert "hashed SubPlan" in shown and "Join" not in shown, shown
                # not with another filter: the planner weighs that filter's index against the actor's
                assert "SubPlan" not in plan(a["id"], country="SY"), plan(a["id"], country="SY")
            else:                   # the planner's own join with the event–actor table
                assert "SubPlan" not in shown and "InitPlan" not in shown and ("Join" in shown or "Loop" in shown), shown
            for who in (a["id"], a["name"]):
                for kw in ({}, {"sort": "-fatalities"}, {"country": "SY"}, {"types": ["Battles"], "date_from": "2021-01-01"}):
                    want = Q.events(lite, actor=who, limit=1000, **kw)
                    got = Q.events(pg, actor=who, limit=1000, **kw)
                    assert [e["id"] for e in got["items"]] == [e["id"] for e in want["items"]], (who, kw)
                    assert got["total"] == want["total"] == len(want["items"]), (who, kw)
                    pages, after = [], None        # keyset pages of 7 give the same events in order
                    while True:
                        page = Q.events(pg, actor=who, limit=7, after=after, **kw)
                        pages += [e["id"] for e in page["items"]]
                        after = page["next"]
                        if after is None:
                            break
                    assert pages == [e["id"] for e in want["items"]], (who, kw)
            capped = Q.events(pg, actor=a["id"], limit=3, count_cap=5)
            assert capped["total"] == 5 and capped["total_exact"] is False
        assert Q.events(pg, actor="no such group at all")["total"] == 0
        assert Q.events(pg, actor="G1")["total"] == Q.events(lite, actor="G1")["total"] > 0   # aliases too
