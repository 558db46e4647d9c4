"""Cross-article events: the merge rule, and the store's clusters on the real examples."""
from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace

import pytest

from conftest import EXAMPLES, SHARED, copy_store
from sitrep import batch
from sitrep.resolve import events as R
from sitrep.store import Store
from sitrep.store import query as Q
from sitrep.store.schema import SCHEMA_VERSION

TAL_AFAR = ["15_wire_tal_afar_convoy_bomb.txt", "16_monitor_tal_afar_ied_patrol.txt",
            "17_release_ninewa_tal_afar_statement.txt"]


# ------------------------------------------------------------------------------ the rule, alone
def mention(**kw) -> R.Mention:
    base = dict(id="m1", doc_id="a", source_key="a", seq="1", event_type="Explosions/Remote violence",
                sub_event_type="Remote explosive/landmine/IED", date_start="2025-04-08", date_end="2025-04-08",
                date_precision="day", lat=36.379, lon=42.448, place_precision="city", geonameid=90393,
                place_name="Tall Afar", country_code="IQ", actor2="forces:IQ", fatalities=3, confidence=0.8)
    base.update(kw)
    return R.Mention(**base)


def test_two_reports_of_one_event_are_compatible_and_score_above_the_threshold():
    a, b = mention(), mention(id="m2", doc_id="b", source_key="b", seq="2", fatalities=4)
    assert R.compatible(a, b) and R.score(a, b) >= R.rules().threshold


@pytest.mark.parametrize("change, why", [
    (dict(doc_id="a"), "same article"),
    (dict(date_start="2025-04-09", date_end="2025-04-09"), "a day apart"),
    (dict(lat=36.322, lon=41.864, geonameid=448149, place_name="Sinjar"), "another town, 52 km away"),
    (dict(country_code="SY", lat=None, lon=None, geonameid=None), "another country"),
    (dict(event_type="Protests", sub_event_type="Peaceful protest"), "incompatible types"),
    (dict(actor1="actor:al-shabaab", actor2="actor:sna"), "different actors"),
])
def test_different_events_are_never_compatible(change, why):
    a = mention()
    b = mention(**{"id": "m2", "doc_id": "b", "source_key": "b", "seq": "2", **change})
    assert not R.compatible(a, b), why


def test_compatible_types_merge_only_with_more_evidence():
    a = mention()
    b = mention(id="m2", doc_id="b", source_key="b", event_type="Battles", sub_event_type="Armed clash")
    assert R.compatible(a, b) and R.score(a, b) < R.score(a, replace(b, event_type=a.event_type,
                                                                     sub_event_type=a.sub_event_type))


def test_a_vague_date_does_not_merge_on_place_and_type_alone():
    a = mention(actor2=None)
    b = mention(id="m2", doc_id="b", source_key="b", date_start="2025-01-01", date_end="2025-12-31",
                date_precision="year", actor2=None, fatalities=None)
    assert R.compatible(a, b) and R.score(a, b) < R.rules().threshold


def test_a_date_known_only_from_publication_covers_the_days_before():
    assert R.match_window("2025-04-10", "2025-04-10", "published") == ("2025-04-08", "2025-04-10")
    assert R.match_window("2025-04-10", "2025-04-10", "text") == ("2025-04-10", "2025-04-10")
    assert R.match_window(None, None, "unknown") == (None, None)


def test_complete_linkage_keeps_a_chain_of_near_misses_apart():
    # a province-level report fits both towns; the second town still does not join the first town's event
    town = mention()
    province = mention(id="m2", doc_id="b", source_key="b", seq="2", lat=36.2, lon=42.6, place_precision="admin1",
                       geonameid=99237, place_name="Nineveh")
    other_town = mention(id="m3", doc_id="c", source_key="c", seq="3", lat=36.322, lon=41.864, geonameid=448149,
                         place_name="Sinjar")
    groups = R.cluster([town, province, other_town])
    assert [sorted(m.id for m in g) for g in groups if "m3" in {m.id for m in g}] == [["m3"]]


def test_summary_counts_are_conservative_and_confidence_rises_with_independent_sources():
    a = mention(confidence=0.6)
    b = mention(id="m2", doc_id="b", source_key="b", seq="2", fatalities=4, confidence=0.6)
    repost = mention(id="m3", doc_id="c", source_key="a", seq="3", fatalities=5, confidence=0.6)
    s = R.summarize([a, b, repost])
    assert (s["fatalities"], s["fatalities_low"], s["fatalities_high"]) == (3, 3, 5)
    assert s["sources"] == 2 and s["mentions"] == 3
    assert R.summarize([a])["confidence"] < R.summarize([a, repost])["confidence"] + 1e-9 <= s["confidence"]
    assert R.summarize([a, repost])["confidence"] == R.summarize([a])["confidence"]   # a repost adds nothing
    assert "3 to 5 fatalities" in s["notes"]


# ------------------------------------------------------------------------------ the store, on the examples
@pytest.fixture(scope="module")
def built(examples_db):
    return examples_db


@pytest.fixture
def store(built, tmp_path):
    with Store.open(copy_store(built, tmp_path)) as s:
        yield s


def _cluster_of(store, doc_id: str, sub: str = "Remote explosive/landmine/IED") -> dict:
    page = Q.events(store, doc_id=doc_id, sub_types=[sub], limit=10)
    assert page["total"] == 1, page
    return page["items"][0]


def _snapshot(store) -> dict:
    with store.engine.connect() as c:
        return {r[0]: r[1:] for r in c.exec_driver_sql("select id, version, summary_hash, documents from clusters")}


def test_a_story_told_by_three_articles_is_one_event_with_three_sources(store):
    ev = _cluster_of(store, TAL_AFAR[0])
    assert sorted(ev["documents"]) == TAL_AFAR and ev["sources"] == 3
    assert ev["date"]["start"] == "2025-04-08" and ev["location"]["geonameid"] == 90393
    c = ev["counts"]
    assert (c["fatalities"], c["fatalities_low"], c["fatalities_high"]) == (3, 3, 4)   # ACLED: the lowest
    full = Q.event(store, ev["id"])
    assert sorted(r["doc_id"] for r in full["reports"]) == TAL_AFAR
    assert all(r["mention"]["evidence"] for r in full["reports"])
    one = Q.events(store, doc_id=TAL_AFAR[1])["items"][0]
    assert one["confidence"] > 0.95 and ev["notes"].startswith("2025-04-08 in Tall")


def test_a_day_later_or_another_town_stays_another_event(store):
    story = _cluster_of(store, TAL_AFAR[0])
    next_day = _cluster_of(store, "18_wire_tal_afar_second_bomb.txt")
    sinjar = _cluster_of(store, "19_wire_sinjar_bomb.txt")
    assert len({story["id"], next_day["id"], sinjar["id"]}) == 3
    assert next_day["documents"] == ["18_wire_tal_afar_second_bomb.txt"] and next_day["date"]["start"] == "2025-04-09"
    assert sinjar["documents"] == ["19_wire_sinjar_bomb.txt"] and sinjar["date"]["start"] == "2025-04-08"


def test_near_duplicate_articles_count_as_one_source(store):
    ev = _cluster_of(store, "08_wire_hasakah_ambush.txt")
    assert ev["documents"] == ["08_wire_hasakah_ambush.txt", "09_repost_hasakah_ambush.txt"]
    assert ev["mentions"] == 2 and ev["sources"] == 1


def test_one_entity_and_one_place_across_articles(store):
    isis = Q.entity(store, "actor:isis")
    assert isis["documents"] >= 10 and "ISIS" in isis["aliases"] and "Islamic State" in isis["aliases"]
    assert any(e["role"] in ("actor1", "actor2") for e in isis["events"])
    place = Q.place(store, "geonames:90393")
    assert place["documents"] >= 4 and {e["date"]["start"] for e in place["events"]} >= {"2025-04-08", "2025-04-09"}
    # unnamed sources are each article's own, never one "officials" across the corpus
    officials = Q.entities(store, q="officials", limit=100)["items"]
    assert officials and all(e["id"].startswith("local:") and e["documents"] == 1 for e in officials)


def test_reingest_is_a_no_op(store, pipeline):
    before = _snapshot(store)
    s = batch.ingest([str(EXAMPLES)], store, pipeline)
    assert s.stored == 0 and s.skipped_duplicates == 21
    assert _snapshot(store) == before


def test_event_ids_derive_from_content(built, pipeline, tmp_path):
    with Store.open(str(tmp_path / "again.db")) as again:
        batch.ingest([str(EXAMPLES)], again, pipeline)
        ids = set(_snapshot(again))
    with Store.open(built) as first:
        assert ids == set(_snapshot(first))


def test_forget_recomputes_and_dissolves(store):
    ev = _cluster_of(store, TAL_AFAR[0])
    assert store.forget(TAL_AFAR[1]) is not None
    after = Q.event(store, ev["id"])
    assert after["sources"] == 2 and after["counts"]["fatalities_high"] == 3 and after["version"] > ev["version"]
    assert after["updated_at"] > ev["updated_at"] and after["first_seen"] == ev["first_seen"]
    assert Q.document(store, TAL_AFAR[1]) is None
    store.forget(TAL_AFAR[0])
    store.forget(TAL_AFAR[2])
    assert Q.event(store, ev["id"]) is None
    assert ev["id"] in {r["id"] for r in Q.removed_since(store, ev["updated_at"])}
    assert store.forget("no-such-document") is None


def test_forget_keeps_near_duplicates_together(store):
    ev = _cluster_of(store, "08_wire_hasakah_ambush.txt")
    store.forget("08_wire_hasakah_ambush.txt")
    after = Q.event(store, ev["id"])
    assert after["documents"] == ["09_repost_hasakah_ambush.txt"] and after["sources"] == 1
    assert store.document("09_repost_hasakah_ambush.txt")["near_duplicate_of"] is None


def test_forgetting_every_mention_of_an_entity_removes_it(store):
    docs = Q.entity(store, "actor:al-shabaab")
    assert docs is not None
    with store.engine.connect() as c:
        ids = [r[0] for r in c.exec_driver_sql(
            "select distinct doc_id from entities where canonical_id = 'actor:al-shabaab'")]
    for d in ids:
        store.forget(d)
    assert Q.entity(store, "actor:al-shabaab") is None


def test_a_version_3_store_is_rebuilt_with_the_same_events(built, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(built, path)
    with Store.open(str(path)) as s:
        before = {k: v[2] for k, v in _snapshot(s).items()}
    con = sqlite3.connect(path)
    for t in ("clusters", "cluster_removals", "canonical_entities", "canonical_places"):
        con.execute(f"drop table {t}")
    for (name,) in con.execute("select name from sqlite_master where type = 'index' and name like 'ix_%' and ("
                               "name like '%canonical_id' or name like '%cluster_id' or name like '%source_key' or "
                               "name like 'ix_events_grid%' or name in ('ix_events_match', 'ix_events_admin1', "
                               "'ix_events_geonameid', 'ix_entities_canonical_doc'))").fetchall():
        con.execute(f"drop index {name}")
    migrations = __import__("sitrep.store.schema", fromlist=["x"]).MIGRATIONS
    for table, ddl in (m for v in (4, 6) for m in migrations[v] if m[0] != "sql"):
        con.execute(f"alter table {table} drop column {ddl.split()[0]}")
    con.execute("update meta set value = '3' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(str(path)) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert {k: v[2] for k, v in _snapshot(s).items()} == before


def test_no_two_seed_events_are_merged(pipeline, tmp_path):
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text())
    for tag, date_of in (("gold dates", lambda g: g["published_for_dated_run"]), ("one date", lambda g: "2021-12-13")):
        src = tmp_path / f"{tag.replace(' ', '_')}.jsonl"
        src.write_text("".join(json.dumps({"id": g["file"], "text": (SHARED / "seeds" / g["file"]).read_text(),
                                           "published": date_of(g)}) + "\n" for g in gold["documents"]))
        with Store.open(str(tmp_path / f"{tag.replace(' ', '_')}.db")) as s:
            batch.ingest([str(src)], s, pipeline)
            page = Q.events(s, limit=1000)
            assert page["total"] >= 10
            assert all(len(e["documents"]) == 1 for e in page["items"]), tag
