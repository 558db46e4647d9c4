"""Ingest into a real SQLite store: idempotent, duplicates handled, nothing half-written."""
from __future__ import annotations

import json
import sqlite3

from conftest import EXAMPLES
from sitrep import batch
from sitrep.store import Store
from sitrep.store.schema import SCHEMA_VERSION

TABLES = ("documents", "entities", "entity_mentions", "places", "timexes", "doc_bands", "doc_signatures", "failures")


def counts(db_path):
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_examples_are_stored_with_their_items(pipeline, db_path):
    with Store.open(db_path) as store:
        s = batch.ingest([str(EXAMPLES)], store, pipeline)
        assert s.failures == []
        assert s.read == s.stored == 21
        ext = store.extraction("01_wire_deir_ez_zor_airstrike.txt")
        doc = store.document("01_wire_deir_ez_zor_airstrike.txt")
    assert ext.published == "2025-03-04" and ext.published_source == "text"
    # every stored span indexes the stored (cleaned) text
    for ent in ext.entities:
        assert ent.id.startswith("ent-")
        for m in ent.mentions:
            assert doc["text"][m.start:m.end] == m.text
    for item in ext.places + ext.timexes:
        assert doc["text"][item.start:item.end] == item.text
    assert any(p.geonameid == 170794 for p in ext.places)   # the Deir ez-Zor of its dateline
    assert any(t.resolved and t.start_date for t in ext.timexes)   # "on Monday" of a dated article


def test_reingest_changes_nothing(pipeline, db_path):
    with Store.open(db_path) as store:
        batch.ingest([str(EXAMPLES)], store, pipeline)
    before = counts(db_path)
    con = sqlite3.connect(db_path)
    stamps = con.execute("select id, ingested_at from documents order by id").fetchall()
    con.close()
    with Store.open(db_path) as store:
        s = batch.ingest([str(EXAMPLES)], store, pipeline)
    assert s.stored == 0 and s.skipped_duplicates == 21 and s.failures == []
    assert counts(db_path) == before
    con = sqlite3.connect(db_path)
    assert con.execute("select id, ingested_at from documents order by id").fetchall() == stamps
    con.close()


def test_same_text_twice_is_stored_once(pipeline, db_path, tmp_path):
    text = "Security forces arrested 12 suspects in Fallujah on Tuesday, police said."
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [{"text": text}, {"text": text + "\n"}, {"id": "other", "text": text}]))
    with Store.open(db_path) as store:
        s = batch.ingest([str(f)], store, pipeline)
    assert s.stored == 1 and s.skipped_duplicates == 2
    assert counts(db_path)["documents"] == 1


def test_near_duplicate_is_kept_and_linked(pipeline, db_path):
    with Store.open(db_path) as store:
        s = batch.ingest([str(EXAMPLES)], store, pipeline)
        repost = store.document("09_repost_hasakah_ambush.txt")
        linked = [d for d in (store.document(i) for i in store.find_documents("", limit=100)) if d["near_duplicate_of"]]
    assert repost["near_duplicate_of"] == "08_wire_hasakah_ambush.txt"
    assert 0.6 <= repost["near_duplicate_score"] < 1.0
    # the other stories share places, actors and phrasing, but are not copies
    assert [d["id"] for d in linked] == ["09_repost_hasakah_ambush.txt"]
    assert s.near_duplicates == 1


def test_near_duplicate_found_across_runs(pipeline, db_path):
    with Store.open(db_path) as store:
        batch.ingest([str(EXAMPLES / "08_wire_hasakah_ambush.txt")], store, pipeline)
    with Store.open(db_path) as store:
        batch.ingest([str(EXAMPLES / "09_repost_hasakah_ambush.txt")], store, pipeline)
        assert store.document("09_repost_hasakah_ambush.txt")["near_duplicate_of"] == "08_wire_hasakah_ambush.txt"


def test_bad_inputs_are_recorded_and_the_batch_goes_on(pipeline, db_path, tmp_path):
    (tmp_path / "good.txt").write_text("Gunmen attacked a checkpoint in Tikrit on Monday.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (tmp_path / "latin1.txt").write_bytes("près de Raqqa".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "huge.txt").write_text("x " * 6000, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text('{"id": "j1", "text": "A drone strike hit Baiji."}\n{broken\n', encoding="utf-8")
    with Store.open(db_path) as store:
        s = batch.ingest([str(tmp_path)], store, pipeline, max_bytes=10_000)
        failures = store.failures()
    assert s.stored == 2
    reasons = {origin.rsplit("/", 1)[1]: reason for origin, reason in failures}
    assert set(reasons) == {"binary.txt", "latin1.txt", "empty.txt", "huge.txt", "feed.jsonl:2"}
    assert "binary" in reasons["binary.txt"] and "UTF-8" in reasons["latin1.txt"]
    assert "empty" in reasons["empty.txt"] and "too large" in reasons["huge.txt"]
    assert "broken JSON" in reasons["feed.jsonl:2"]
    # the same failures again are not recorded twice
    with Store.open(db_path) as store:
        batch.ingest([str(tmp_path)], store, pipeline, max_bytes=10_000)
        assert len(store.failures()) == 5


def test_a_document_that_fails_to_store_leaves_nothing_behind(pipeline, db_path, tmp_path):
    (tmp_path / "a.txt").write_text("Clashes broke out in Hawija on Sunday, officials said.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A roadside bomb exploded near Kirkuk, police said.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Protesters gathered in Basra on Friday.", encoding="utf-8")
    with Store.open(db_path) as store:
        pass
    # a real constraint in the database refuses one place, after the document row went in
    con = sqlite3.connect(db_path)
    con.execute("create trigger no_kirkuk before insert on places when new.text = 'Kirkuk' "
                "begin select raise(abort, 'no Kirkuk today'); end")
    con.commit()
    con.close()
    with Store.open(db_path) as store:
        s = batch.ingest([str(tmp_path)], store, pipeline)
        assert s.stored == 2
        assert store.document("b.txt") is None
        assert any(o.endswith("b.txt") and "no Kirkuk today" in r for o, r in store.failures())
    con = sqlite3.connect(db_path)
    for table in ("entities", "entity_mentions", "places", "timexes", "doc_bands", "doc_signatures"):
        assert con.execute(f"select count(*) from {table} where doc_id = 'b.txt'").fetchone()[0] == 0, table
    con.close()


def test_same_id_with_different_text_is_refused(pipeline, db_path, tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text(json.dumps({"id": "x", "text": "First version about Mosul."}) + "\n"
                 + json.dumps({"id": "x", "text": "A wholly different text about Basra."}) + "\n")
    with Store.open(db_path) as store:
        s = batch.ingest([str(f)], store, pipeline)
        assert s.stored == 1
        assert "already stored" in s.failures[0].reason and s.failures[0].origin.endswith(":2")
        assert "Mosul" in store.document("x")["text"]


def test_sqlite_is_in_wal_mode_with_a_schema_version(db_path):
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    con = sqlite3.connect(db_path)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert con.execute("select value from meta where key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.close()


def test_stats(pipeline, db_path):
    with Store.open(db_path) as store:
        batch.ingest([str(EXAMPLES)], store, pipeline)
        st = store.stats()
    assert st["documents"] == 21 and st["near_duplicates"] == 1
    assert st["entities"] > 50 and st["places"] > 50 and st["timexes"] > 10
    assert st["events"] >= 21   # every example reports at least one incident
    assert st["published_from"] == {"text": 13, "metadata": 5, "none": 3}


def test_an_older_store_is_brought_up_to_date(db_path):
    with Store.open(db_path):
        pass
    con = sqlite3.connect(db_path)
    for table, column in (("places", "relation"), ("places", "phrase_start"), ("places", "phrase_end"),
                          ("places", "in_name"), ("timexes", "future"), ("timexes", "month"), ("timexes", "day"),
                          ("entities", "actor_type"), ("entities", "acled_actor"), ("entities", "inter"),
                          ("entities", "country"), ("documents", "author"), ("documents", "outlet"),
                          ("documents", "byline")):
        con.execute(f"alter table {table} drop column {column}")
    con.execute("update meta set value = '1' where key = 'schema_version'")
    con.commit()
    con.close()
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    con = sqlite3.connect(db_path)
    assert "in_name" in [r[1] for r in con.execute("pragma table_info(places)")]
    assert "inter" in [r[1] for r in con.execute("pragma table_info(entities)")]
    assert {"author", "outlet", "byline"} <= {r[1] for r in con.execute("pragma table_info(documents)")}
    con.close()
