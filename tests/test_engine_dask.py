"""`--engine dask`: a 2-worker LocalCluster on examples/ stores the same documents, events, real-world
events and entities as the local engine, into SQLite (here) and PostgreSQL (tests/test_postgres.py);
JSON Lines files split into line ranges read as the whole file does."""
from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES
from sitrep.engine import dask as D
from sitrep.engine import parts as P
from sitrep.ingest import documents
from sitrep.model import Failure
from sitrep.store import Store

pytest.importorskip("distributed")


def picture(store: Store) -> dict:
    """Everything the two engines must agree on (ids derive from content; times and row ids do not)."""
    with store.engine.connect() as c:
        def rows(sql):
            return sorted(tuple(r) for r in c.exec_driver_sql(sql))
        return {
            "documents": rows("select id, content_hash, origin, published, near_duplicate_of, source_key from documents"),
            "events": rows("select id, doc_id, event_type, sub_event_type, modality, date_start, geonameid, "
                           "fatalities, cluster_id, actor1_id, actor2_id from events"),
            "clusters": rows("select id, event_type, sub_event_type, date_start, date_end, place_id, actor1_id, "
                             "actor2_id, fatalities, mentions, sources, confidence, summary_hash from clusters"),
            "cluster_actors": rows("select cluster_id, entity_id, role from cluster_actors"),
            "entities": rows("select id, doc_id, canonical, type, canonical_id from entities"),
            "canonical_entities": rows("select id, name, type from canonical_entities"),
            "canonical_places": rows("select id, name from canonical_places"),
            "failures": rows("select origin, reason from failures"),
        }


def test_dask_engine_stores_what_the_local_engine_stores(examples_db, tmp_path):
    with Store.open(str(tmp_path / "dask.db")) as s:
        summary = D.ingest([str(EXAMPLES)], s, workers=2, batch_size=7)
        assert summary.stored == 21 and not summary.failures, summary.as_dict()
        got = picture(s)
        again = D.ingest([str(EXAMPLES)], s, workers=2)        # idempotent
        assert again.stored == 0 and again.skipped_duplicates == 21
    with Store.open(examples_db) as local:
        want = picture(local)
    assert got == want
    assert len(got["clusters"]) < len(got["events"])


def test_a_big_json_lines_file_is_split_and_read_as_when_whole(tmp_path, monkeypatch):
    src = tmp_path / "feed.jsonl"
    lines = []
    for i in range(23):
        if i == 5:
            lines.append("{not json")
        elif i == 9:
            lines.append("")
        else:
            lines.append(json.dumps({"id": f"d{i}", "text": f"Report {i}: gunmen attacked a checkpoint near Mosul.",
                                     "published": "2025-03-0" + str(1 + i % 9)}))
    src.write_bytes(("\n".join(lines)).encode())              # no newline at the end
    monkeypatch.setattr(P, "SPLIT_BYTES", 10)
    parts = list(P.plan([str(src)], lines_per_part=4))
    assert len(parts) == 6 and all(len(p.items) == 1 for p in parts)
    split = [x for p in parts for x in P.read(p)]

    def key(x):
        return (x.origin, x.reason) if isinstance(x, Failure) else (x.origin, x.id, x.text, x.published)

    assert [key(x) for x in split] == [key(x) for x in documents([str(src)])]
    assert any(isinstance(x, Failure) and x.origin.endswith("feed.jsonl:6") for x in split)


def test_stdin_and_missing_files_fail_by_name(tmp_path):
    got = list(P.plan(["-", str(tmp_path / "nope.jsonl")]))
    assert [(f.origin, "cannot be read by Dask" in f.reason or "no such file" in f.reason) for f in got] == \
        [("<stdin>", True), (str(tmp_path / "nope.jsonl"), True)]


def test_the_command_line_runs_the_dask_engine(tmp_path):
    import os
    import subprocess
    import sys

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "Gunmen attacked a police checkpoint in Kirkuk on Monday, "
                                "killing two officers.", "published": "2025-02-04"}) + "\n{broken\n", encoding="utf-8")
    env = {**os.environ, "COLUMNS": "250"}

    def sitrep(*args):
        return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True, timeout=600,
                              env=env)

    r = sitrep("ingest", str(feed), "--db", str(tmp_path / "s.db"), "--engine", "dask", "--workers", "1", "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    summary = json.loads(r.stdout)
    assert summary["stored"] == 1 and summary["failed"] == 1
    assert summary["failures"][0]["origin"].endswith("feed.jsonl:2")
    assert "Dask cluster ready" in r.stderr
    r = sitrep("ingest", str(feed), "--db", str(tmp_path / "s.db"), "--scheduler", "tcp://127.0.0.1:1")
    assert r.returncode == 2 and "--engine dask" in r.stderr
    assert "--engine" in sitrep("ingest", "--help").stdout


def test_storing_processes_replaced_every_few_documents_store_the_same(examples_db, tmp_path):
    """Batches of 3 to storing processes replaced every 5 documents: the same store as one process."""
    with Store.open(str(tmp_path / "recycled.db")) as s:
        summary = D.ingest([str(EXAMPLES)], s, workers=2, batch_size=3, recycle=5)
        assert summary.stored == 21 and not summary.failures, summary.as_dict()
        assert summary.storing_peak_rss_kb > 0
        got = picture(s)
    with Store.open(examples_db) as local:
        assert got == picture(local)


class _KillsTheReader:
    """Unpickling this ends the process that reads it: a storing process dying with a batch."""
    def __reduce__(self):
        import os
        return (os._exit, (3,))


def test_a_storing_process_that_dies_fails_its_batch_by_name_and_the_next_one_goes_on(pipeline, tmp_path):
    from sitrep.batch import Summary
    from sitrep.engine import storing
    from sitrep.ingest import dedup, prepare
    from sitrep.ingest.readers import RawRecord

    docs = [prepare(RawRecord(f"feed.jsonl:{d}", f"Gunmen attacked a checkpoint near Mosul on {d} March 2025, "
                                                 f"killing {d} soldiers.")) for d in (3, 4)]
    (a, ea), (b, eb) = list(pipeline.process(docs))
    events: list[str] = []
    summary = Summary()
    with Store.open(str(tmp_path / "s.db")) as s:
        storing.store_in_children([(a, ea, _KillsTheReader()), (b, eb, dedup.signature(b.text))], s, summary,
                                  progress=events.append, batch_size=1)
        assert [f.origin for f in summary.failures] == ["feed.jsonl:3"]
        assert "storing process died (exit code 3)" in summary.failures[0].reason
        assert summary.stored == 1 and events == ["failed", "stored"]
        assert s.has_id(b.id) and not s.has_id(a.id)
        with s.engine.connect() as c:
            assert [r[0] for r in c.exec_driver_sql("select origin from failures")] == ["feed.jsonl:3"]
