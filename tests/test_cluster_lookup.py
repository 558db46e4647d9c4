"""The indexed candidate lookup (`sitrep.store.grid`) gives the same real-world events as the rule
applied to every cluster whose type and dates could fit (the store's lookup before version 6).

The reference below is that older lookup, kept here: every cluster with a member of a compatible
type whose date window overlaps the mention's (within `max_window_days`), all its members read,
and `best_cluster` choosing, one document after the other in ingest order.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import sqlite3
import sys
from collections import defaultdict

import pytest
from sqlalchemy import insert, select, update

from conftest import ROOT, copy_store
from sitrep.resolve import events as R
from sitrep.resolve import identity
from sitrep.store import Store
from sitrep.store import clusters as X
from sitrep.store import grid as G
from sitrep.store import schema as S


def _reference_assignments(store: Store) -> dict[str, str]:
    """Event id → real-world event, by the exhaustive lookup, over the store's documents in ingest order."""
    e = S.events.c
    with store.engine.begin() as c:
        docs = list(c.execute(select(S.documents.c.id).order_by(S.documents.c.ingested_at, S.documents.c.id)).scalars())
        c.execute(update(S.events).values(cluster_id=None))
        out = {}
        for doc_id in docs:
            mine = X.load_mentions(c, e.doc_id == doc_id, e.modality.in_(sorted(R.rules().clustered_modalities)))
            for m in sorted(mine, key=lambda x: (x.seq, x.id)):
                cid = R.best_cluster(m, _reference_candidates(c, m)) if m.dated else None
                cid = cid or identity.event_id(m.id)
                c.execute(update(S.events).where(e.id == m.id).values(cluster_id=cid))
                out[m.id] = cid
        c.rollback()
    return out


def _reference_candidates(c, m: R.Mention) -> dict[str, list[R.Mention]]:
    r = R.rules()
    types = sorted({m.event_type} | {t for pair in r.compatible_types if m.event_type in pair for t in pair})
    floor = R.days_before(m.date_start, r.max_window_days)
    e = S.events.c
    ids = list(c.execute(select(e.cluster_id).where(
        e.cluster_id.is_not(None), e.event_type.in_(types), e.match_start <= m.date_end, e.match_start >= floor,
        e.match_end >= m.date_start).distinct()).scalars())
    groups: dict[str, list[R.Mention]] = defaultdict(list)
    for x in X.load_mentions(c, e.cluster_id.in_(ids)) if ids else []:
        groups[x.cluster_id].append(x)
    return groups


def _stored_assignments(store: Store) -> dict[str, str]:
    with store.engine.connect() as c:
        return {r[0]: r[1] for r in c.exec_driver_sql("select id, cluster_id from events where cluster_id is not null")}


def test_the_examples_get_the_same_events_as_the_exhaustive_lookup(examples_db, tmp_path):
    with Store.open(copy_store(examples_db, tmp_path)) as store:
        stored = _stored_assignments(store)
        assert len(stored) >= 20 and len(set(stored.values())) < len(stored)   # some reports do merge
        assert _reference_assignments(store) == stored


def _benchmark():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import dedup
    finally:
        sys.path.pop(0)
    return dedup


@pytest.fixture(scope="module")
def speed_set(tmp_path_factory):
    """The dedup benchmark's structured mentions (1,200 of them), written into a store unclustered."""
    bench = _benchmark()
    path = str(tmp_path_factory.mktemp("speed") / "speed.db")
    rnd = random.Random(7)
    places = [(n, lat, lon + dlon, cc) for n, (_, _, cc, (lat, lon)) in bench.TOWNS.items() for dlon in (0, 0.34)]
    docs, events = [], []
    for k in range(300):
        name, lat, lon, country = rnd.choice(places)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(120))
        kind = rnd.choice(list(bench.MAIN.values()))
        etype = "Battles" if kind == "Armed clash" else "Explosions/Remote violence"
        for j in range(4):
            doc_id = f"s{k:05d}-{j}"
            coarse, from_text = rnd.random() < 0.15, rnd.random() < 0.8
            start = (day if from_text else day + dt.timedelta(days=rnd.choice([0, 1, 2]))).isoformat()
            ms, me = R.match_window(start, start, "text" if from_text else "published")
            plat, prec = lat + (0.5 if coarse else 0), "admin1" if coarse else "city"
            docs.append({"id": doc_id, "content_hash": doc_id, "text": "", "words": 0, "source_key": doc_id,
                         "ingested_at": f"2025-01-01T00:00:00.{len(docs):06d}"})
            events.append({"id": "ev-" + doc_id, "doc_id": doc_id, "event_type": etype, "sub_event_type": kind,
                           "modality": "asserted", "trigger_text": "x", "trigger_start": 0, "trigger_end": 1,
                           "date_start": start, "date_end": start, "date_precision": "day", "location_name": name,
                           "geonameid": None if coarse else hash(name) % 10**6, "lat": plat, "lon": lon,
                           "fatalities": rnd.randint(1, 9), "confidence": 0.7, "country_code": country[:2].upper(),
                           "admin1": rnd.choice([None, "Province A", "Province B"]) if coarse else None,
                           "location_precision": prec, "match_start": ms, "match_end": me,
                           "grid": G.key(etype, ms, me, plat, lon, prec), "grid2": G.key2(etype, ms, me, plat, lon, prec),
                           "data": {"date": {"source": "text" if from_text else "published", "start": start,
                                             "end": start}, "evidence": [], "trigger": {"text": "x"},
                                    "assoc_actors": []}})
    with Store.open(path) as store, store.engine.begin() as c:
        c.execute(insert(S.documents), docs)
        c.execute(insert(S.events), events)
    return path, [d["id"] for d in docs]


@pytest.mark.parametrize("batch", [1, 50])
def test_the_benchmark_set_gets_the_same_events_one_by_one_and_in_batches(speed_set, batch, tmp_path):
    path, doc_ids = speed_set
    copy = str(tmp_path / "s.db")
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with Store.open(copy) as store:
        for i in range(0, len(doc_ids), batch):
            with store.engine.begin() as c:
                X.cluster_documents(c, doc_ids[i:i + batch], X.now())
        stored = _stored_assignments(store)
        assert len(stored) == len(doc_ids) and 300 <= len(set(stored.values())) < 900
        assert _reference_assignments(store) == stored
        with store.engine.connect() as c:     # every touched event has its row, with all its reports
            sizes = dict(c.exec_driver_sql("select id, mentions from clusters").all())
        counts: dict[str, int] = defaultdict(int)
        for cid in stored.values():
            counts[cid] += 1
        assert sizes == dict(counts)


def test_a_bounded_working_set_gets_the_same_events(speed_set, tmp_path, monkeypatch):
    """Candidates read two clusters at a time and judged as they come, the batch's cache of members
    dropped after every document: the same events as the exhaustive lookup, mentions without a
    place (each fits many clusters) included."""
    path, doc_ids = speed_set
    copy = str(tmp_path / "s.db")
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    con = sqlite3.connect(copy)
    rows = con.execute("select id, event_type, match_start, match_end, location_precision from events "
                       "order by id").fetchall()
    for ev_id, etype, ms, me, prec in rows[::5]:          # every fifth report says no place
        con.execute("update events set lat = null, lon = null, geonameid = null, admin1 = null, grid = ?, grid2 = ? "
                    "where id = ?", (G.key(etype, ms, me, None, None, prec), G.key2(etype, ms, me, None, None, prec),
                                     ev_id))
    con.commit()
    con.close()
    monkeypatch.setattr(X, "CACHED_MENTIONS", 0)
    monkeypatch.setattr(X, "_GROUPS_READ", 2)
    with Store.open(copy) as store:
        for i in range(0, len(doc_ids), 50):
            with store.engine.begin() as c:
                X.cluster_documents(c, doc_ids[i:i + 50], X.now())
        stored = _stored_assignments(store)
        with store.engine.connect() as c:      # the lookup did read such a mention's candidates in several parts
            m = X.load_mentions(c, S.events.c.lat.is_(None))[-1]
            assert len(list(X.candidate_groups(c, m))) > 3 * X._GROUPS_READ
        assert _reference_assignments(store) == stored


def _reference_best(m: R.Mention, clusters: dict[str, list[R.Mention]]) -> str | None:
    """`best_cluster` as it was written before `R.Choice`: every cluster scored, then sorted."""
    r = R.rules()
    scored = []
    for cid, members in sorted(clusters.items(), key=lambda kv: min(x.seq for x in kv[1])):
        if members and all(R.compatible(m, x) for x in members):
            sc = max(R.score(m, x) for x in members)
            if sc >= r.threshold:
                scored.append((sc, cid))
    if not scored:
        return None
    scored.sort(key=lambda t: -t[0])
    if len(scored) > 1 and scored[0][0] - scored[1][0] < r.ambiguity_margin:
        return None
    return scored[0][1]


def test_a_choice_made_one_cluster_at_a_time_is_best_clusters():
    """Random clusters (near ties, ambiguous pairs, places unknown): `R.Choice` offered them one at a
    time, in any order with their order as the tie-break, decides as scoring them all at once does."""
    rnd = random.Random(5)
    kinds = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
             ("Explosions/Remote violence", "Shelling/artillery/missile attack")]

    def mention(i: int) -> R.Mention:
        etype, sub = rnd.choice(kinds[:2] if rnd.random() < 0.8 else kinds)
        day = f"2025-03-{rnd.randint(10, 11):02d}"
        placed = rnd.random() < 0.7
        return R.Mention(id=f"m{i}", doc_id=f"d{i}", source_key=f"d{i}", seq=f"{i:06d}", event_type=etype,
                         sub_event_type=sub, date_start=day, date_end=day, date_precision="day", date_from_text=True,
                         lat=36.0 + rnd.random() * 0.1 if placed else None, lon=40.0 if placed else None,
                         place_precision="city" if placed else None, country_code="SY",
                         fatalities=rnd.choice([None, 2, 3, 10]))
    decided = several = 0
    for trial in range(1000):
        clusters = {f"c{trial}-{k}": [mention(trial * 100 + k * 10 + j) for j in range(rnd.randint(1, 2))]
                    for k in range(rnd.randint(1, 6))}
        m = mention(trial * 100 + 99)
        want = _reference_best(m, clusters)
        assert R.best_cluster(m, clusters) == want
        order = {cid: i for i, cid in enumerate(clusters)}
        choice = R.Choice(m)
        for cid in rnd.sample(list(clusters), len(clusters)):
            choice.offer(cid, clusters[cid], order[cid])
        got = choice.result()
        assert (got[0] if got else None) == want
        assert got is None or got[1] is clusters[want]
        decided += want is not None
        several += len(choice.top) > 1
    assert decided > 20 and several > 20     # choices made, and between clusters that both fit


def test_a_version_5_store_gets_its_lookup_keys(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s, s.engine.connect() as c:
        keys = dict(c.exec_driver_sql("select id, grid from events").all())
    assert keys and all(v is not None for v in keys.values())
    con = sqlite3.connect(path)
    con.execute("update events set grid = null, grid2 = null")
    con.execute("update meta set value = '5' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(path) as s, s.engine.connect() as c:
        assert dict(c.exec_driver_sql("select id, grid from events").all()) == keys
        assert c.exec_driver_sql("select count(*) from events where grid2 is null").scalar() == 0


def test_the_lookup_covers_every_place_the_rule_accepts():
    """Far from the mention's cell, at the cell edges, across the date line: every place within the
    distance limit has a key the lookup asks for."""
    rnd = random.Random(3)
    precisions = ["point", "city", "admin2", "region", "admin1", None]
    for _ in range(3000):
        lat, lon = rnd.uniform(-80, 80), rnd.choice([rnd.uniform(-180, 180), 179.9, -179.95])
        m = R.Mention(id="m", doc_id="a", source_key="a", seq="", event_type="Battles", sub_event_type="Armed clash",
                      date_start="2025-03-10", date_end="2025-03-10", lat=lat, lon=lon,
                      place_precision=rnd.choice(precisions), country_code="XX")
        px = rnd.choice(precisions)
        km = rnd.uniform(0, 220)
        bearing = rnd.uniform(0, 360)
        dlat = km / G.KM_PER_DEG * math.cos(math.radians(bearing))
        xlat = lat + dlat
        xlon = (lon + km / G.KM_PER_DEG * math.sin(math.radians(bearing))
                / max(0.01, math.cos(math.radians(xlat))) + 180) % 360 - 180
        x = R.Mention(id="x", doc_id="b", source_key="b", seq="", event_type="Explosions/Remote violence",
                      sub_event_type="Air/drone strike", date_start="2025-03-09", date_end="2025-03-11",
                      lat=xlat, lon=xlon, place_precision=px, country_code="XX")
        if not R.compatible(m, x):
            continue
        keys = G.candidate_keys(m)
        if keys is None:
            continue
        k, k2 = G.key(x.event_type, x.date_start, x.date_end, x.lat, x.lon, px), \
            G.key2(x.event_type, x.date_start, x.date_end, x.lat, x.lon, px)
        assert any(str(k) in ks.split(",") or str(k2) in ks2.split(",") for _, ks, ks2 in keys), (m, x)
