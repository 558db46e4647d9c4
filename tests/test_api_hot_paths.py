"""The API's hot paths made cheap (issue 12, item 10) give what the plain reading gives: an
entity's events from the event-actor table, a document's dict encoded by orjson, JSON columns
read by orjson, the counting indexes of schema 10, the memo's fresh values."""
from __future__ import annotations

import json
import math
import sqlite3

import pytest
from sqlalchemy import insert, select

from conftest import copy_store
from sitrep.api.cache import Memo
from sitrep.store import Store, _json_loads
from sitrep.store import query as Q
from sitrep.store import schema as S
from sitrep.store.schema import SCHEMA_VERSION

NEW_INDEXES = ("ix_entities_canonical_doc", "ix_entities_canonical_type", "ix_clusters_date_type")


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    with Store.open(copy_store(examples_db, tmp_path_factory.mktemp("hot"))) as s:
        yield s


def test_an_entity_lists_every_event_it_is_in_with_its_role(store):
    events = Q.events(store, limit=1000)["items"]
    with store.engine.connect() as c:
        ids = list(c.execute(select(S.canonical_entities.c.id)).scalars())
    checked = 0
    for eid in ids:
        want = {}
        for e in events:
            if (e["actor1"] or {}).get("id") == eid:
                want[e["id"]] = "actor1"
            elif (e["actor2"] or {}).get("id") == eid:
                want[e["id"]] = "actor2"
            elif any(a.get("id") == eid for a in e["assoc_actors"]):
                want[e["id"]] = "assoc"
        order = sorted(want, key=lambda i: (next(e for e in events if e["id"] == i)["date"]["start"] or "", i))
        got = Q.entity(store, eid)
        assert [(e["id"], e["role"]) for e in got["events"]] == [(i, want[i]) for i in order], eid
        assert got["events_total"] == len(want)
        checked += bool(want)
    assert checked > 5
    assert any(r == "assoc" for eid in ids for r in [e["role"] for e in Q.entity(store, eid)["events"]])


def test_a_document_reads_as_its_extraction(store):
    with store.engine.connect() as c:
        doc_ids = list(c.execute(select(S.documents.c.id)).scalars())
    assert doc_ids
    for doc_id in doc_ids:
        got = Q.document(store, doc_id)
        want = json.loads(json.dumps(store.extraction(doc_id).to_dict()))
        want_places = want.pop("places")
        assert {k: got[k] for k in want} == want, doc_id
        assert [{k: p[k] for k in wp} for p, wp in zip(got["places"], want_places, strict=True)] == want_places
        assert set(got) - set(want) == {"places", "event_ids", "entity_ids"}


@pytest.mark.parametrize("text", ['{"a": [1, 2.5, null, "\\u00e9"]}', "[NaN, Infinity, -Infinity]", '"\\ud800x"',
                                  "123456789012345678901234567890", "[9223372036854775807, -9223372036854775808]",
                                  "[1e400, 0.1, 1.0]", '{"a": 1, "a": 2}'])
def test_json_columns_read_exactly_as_the_json_module_reads_them(text):
    got, want = _json_loads(text), json.loads(text)
    assert repr(got) == repr(want)
    assert type(got) is type(want)


def test_a_store_reads_back_what_the_json_module_wrote(tmp_path):
    aliases = ["\ud800 lone", 12345678901234567890123, math.inf, "ordinary", 1.5]
    with Store.open(str(tmp_path / "j.db")) as s:
        with s.engine.begin() as c:
            c.execute(insert(S.canonical_entities).values(id="t:1", name="n", type="ORG", aliases=aliases,
                                                          first_seen="2024-01-01", updated_at="2024-01-01"))
        with s.engine.connect() as c:
            got = c.execute(select(S.canonical_entities.c.aliases)).scalar_one()
    assert repr(got) == repr(aliases)


def test_a_version_8_store_gets_the_counting_indexes(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s:
        want = Q.entity_counts(s), Q.timeline(s), s.stats()["top_entities"]
    con = sqlite3.connect(path)
    for name in NEW_INDEXES:
        con.execute(f"drop index {name}")
    con.execute("update meta set value = '8' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert (Q.entity_counts(s), Q.timeline(s), s.stats()["top_entities"]) == want
    con = sqlite3.connect(path)
    have = {r[0] for r in con.execute("select name from sqlite_master where type = 'index'")}
    assert set(NEW_INDEXES) <= have
    plan = " ".join(str(r) for r in con.execute(
        "explain query plan select canonical_id, count(distinct doc_id) from entities "
        "where canonical_id is not null group by canonical_id"))
    assert "COVERING INDEX ix_entities_canonical_doc" in plan
    con.close()


def test_the_memo_gives_a_fresh_value_only():
    version = [1]
    memo = Memo(lambda: version[0])
    assert memo.fresh("k") is None
    assert memo.get("k", lambda: {"n": 1}) == {"n": 1}
    assert memo.fresh("k") == {"n": 1}
    version[0] = 2
    assert memo.fresh("k") is None
    assert memo.get("k", lambda: {"n": 2}) == {"n": 2} and memo.fresh("k") == {"n": 2}
    assert Memo(lambda: None).fresh("k") is None


def test_entity_lists_count_a_few_entities_themselves(store):
    full = Q.entity_counts(store)
    calls = []

    def kept():
        calls.append(1)
        return full

    few_words = [w for w in ("isis", "islamic", "army", "police") if 0 < Q.entities(store, q=w)["total"] <= Q.FEW]
    assert few_words
    for q in few_words + [None]:
        for sort in ("-documents", "mentions", "-events", "name"):
            want = Q.entities(store, q=q, sort=sort, limit=20, counts=full)
            before = len(calls)
            assert Q.entities(store, q=q, sort=sort, limit=20, counts=kept) == want == \
                Q.entities(store, q=q, sort=sort, limit=20)
            many = Q.entities(store, q=q)["total"] > Q.FEW and sort != "name"
            assert len(calls) - before == (1 if many else 0), (q, sort)


TABLES = [(S.documents, "id", ()), (S.entity_mentions, "doc_id", ("id",)), (S.entity_roles, "doc_id", ("id",)),
          (S.entities, "doc_id", ("id",)), (S.places, "doc_id", ("id",)), (S.timexes, "doc_id", ("id",)),
          (S.events, "doc_id", ("trigger_start", "id")), (S.quotes, "doc_id", ("id",)), (S.claims, "doc_id", ("id",))]


@pytest.mark.parametrize("table,column,order", TABLES, ids=lambda x: getattr(x, "name", None) or str(x))
def test_raw_rows_read_as_sqlalchemy_reads_them(store, table, column, order):
    """Rows read by fixed SQL text (the document and event hot paths) equal SQLAlchemy's rows,
    value for value and type for type (JSON decoded, booleans as bool), for every document."""
    from sitrep.store.raw import rows_where

    with store.engine.connect() as c:
        doc_ids = list(c.execute(select(S.documents.c.id)).scalars())
        seen = 0
        for doc_id in doc_ids + ["no-such-doc", "x' OR '1'='1"]:
            want = [dict(r) for r in c.execute(select(table).where(table.c[column] == doc_id)
                                               .order_by(*(table.c[n] for n in order))).mappings().all()]
            got = rows_where(c, table, column, doc_id, order)
            assert got == want, (table.name, doc_id)
            assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in want]
            seen += len(got)
    assert seen, table.name


def test_event_rows_by_id_read_as_sqlalchemy_reads_them(store):
    with store.engine.connect() as c:
        ids = list(c.execute(select(S.clusters.c.id)).scalars())
        want = {r["id"]: dict(r) for r in c.execute(select(S.clusters)).mappings().all()}
        got = Q._rows_by_id(c, ids + ["evt-none"])
    assert got == want and len(got) == len(ids)
    assert all([type(v) for v in got[i].values()] == [type(v) for v in want[i].values()] for i in ids)
