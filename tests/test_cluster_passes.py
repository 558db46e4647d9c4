"""`sitrep ingest` clusters in passes: each document is stored in its own transaction, and its
events get their real-world events in a pass over every stored document still without them
(`Store.cluster_pending`), after every `cluster_every` stored documents and at the end.

Passes of any size give what clustering each document as it is stored gives, and a run killed
(SIGKILL) after storing documents but before their pass leaves them stored: the next run's
pass completes them, and the store is as if the first run had not been killed."""
from __future__ import annotations

import multiprocessing
import os
import signal

import pytest

from conftest import EXAMPLES
from sitrep import batch
from sitrep.store import Store


def picture(path: str) -> dict:
    """What the passes decide (ids derive from content; times and row ids do not)."""
    with Store.open(path) as store, store.engine.connect() as c:
        def rows(sql):
            return sorted(tuple(r) for r in c.exec_driver_sql(sql))
        return {
            "documents": rows("select id, source_key from documents"),
            "events": rows("select id, modality, cluster_id from events"),
            "clusters": rows("select id, event_type, date_start, mentions, sources, documents, summary_hash "
                             "from clusters"),
            "cluster_actors": rows("select cluster_id, entity_id, role from cluster_actors"),
            "canonical_entities": rows("select id, name from canonical_entities"),
        }


def unclustered(path: str) -> int:
    with Store.open(path) as store, store.engine.connect() as c:
        return c.exec_driver_sql("select count(*) from events where cluster_id is null "
                                 "and modality in ('asserted', 'claimed')").scalar()


def test_a_pass_after_every_document_gives_what_one_pass_at_the_end_gives(examples_db, pipeline, tmp_path):
    path = str(tmp_path / "every.db")
    with Store.open(path) as store:
        summary = batch.ingest([str(EXAMPLES)], store, pipeline, cluster_every=1)
    assert summary.stored == 21 and not summary.failures, summary.as_dict()
    want = picture(examples_db)                # built with the default passes (one, for 21 documents)
    assert picture(path) == want
    assert len(want["clusters"]) < sum(1 for _, mod, _ in want["events"] if mod in ("asserted", "claimed"))
    assert unclustered(path) == 0


def _ingest_and_die(path: str, pipeline, after: int) -> None:
    """Ingest examples/ and kill this process (SIGKILL, nothing cleaned up) right after the
    `after`-th document is stored, before any clustering pass."""
    stored = 0

    def progress(what: str) -> None:
        nonlocal stored
        stored += what == "stored"
        if stored == after:
            os.kill(os.getpid(), signal.SIGKILL)

    with Store.open(path) as store:
        batch.ingest([str(EXAMPLES)], store, pipeline, progress=progress, cluster_every=1000)


def _killed_run(tmp_path, pipeline, n: int) -> str:
    """A store whose ingest was killed (SIGKILL) after storing `n` documents, before its pass."""
    path = str(tmp_path / "killed.db")
    Store.open(path).close()
    child = multiprocessing.get_context("fork").Process(target=_ingest_and_die, args=(path, pipeline, n))
    child.start()
    child.join(timeout=600)
    assert child.exitcode == -signal.SIGKILL
    return path


@pytest.mark.parametrize("every", [200, 2])    # the next run's first pass at its end, or after 2 of its own
def test_a_run_killed_before_its_pass_is_completed_by_the_next(examples_db, pipeline, tmp_path, every):
    path = _killed_run(tmp_path, pipeline, 12)
    with Store.open(path) as store:
        assert store.stats()["documents"] == 12 and store.stats()["real_world_events"] == 0
    assert unclustered(path) > 0              # stored, but without their real-world events

    with Store.open(path) as store:            # the next run: the rest stored, all of it clustered
        summary = batch.ingest([str(EXAMPLES)], store, pipeline, cluster_every=every)
    assert summary.stored == 9 and summary.skipped_duplicates == 12 and not summary.failures
    assert unclustered(path) == 0
    assert picture(path) == picture(examples_db)


def test_a_run_with_nothing_new_still_completes_what_a_killed_run_left(examples_db, pipeline, tmp_path):
    path = _killed_run(tmp_path, pipeline, 21)
    assert unclustered(path) > 0
    with Store.open(path) as store:
        summary = batch.ingest([str(EXAMPLES)], store, pipeline)
        assert summary.stored == 0 and summary.skipped_duplicates == 21
    assert picture(path) == picture(examples_db)
