"""Shared fixtures: one real spaCy pipeline per test session, paths to the bundled examples; the
primary event of a sentence (`primary`)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def primary(pipeline, text: str):
    """The asserted event of `text` the pipeline is most confident of (the one the ACLED-notes scorer reads)."""
    evs = [e for e in pipeline.extract(text, "2022-05-20", id="t").events if e.modality == "asserted"]
    assert evs, text
    return max(evs, key=lambda e: e.confidence or 0)


@pytest.fixture(scope="session")
def pipeline():
    from sitrep.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def examples_db(pipeline, tmp_path_factory) -> str:
    """A store built once per test session from examples/ by the real pipeline; modules that
    change a store copy it (`examples_copy`), the others may open it as it is."""
    from sitrep import batch
    from sitrep.store import Store

    path = str(tmp_path_factory.mktemp("examples") / "examples.db")
    with Store.open(path) as store:
        summary = batch.ingest([str(EXAMPLES)], store, pipeline)
    assert summary.stored == 21 and not summary.failures, summary.as_dict()
    return path


def copy_store(src: str, dst_dir) -> str:
    """A private copy of a built store (its WAL checkpointed into the main file first)."""
    import shutil
    import sqlite3

    with sqlite3.connect(src) as con:
        con.execute("pragma wal_checkpoint(truncate)")
    dst = str(Path(dst_dir) / "copy.db")
    shutil.copy(src, dst)
    return dst


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "test.db")


class FakeClock:
    """A clock the test moves (the server's is time.monotonic)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def write_a_quokka(path: str, failure: bool = True) -> None:
    """Another writer, as an ingest would be: one event's notes (and one failure), committed."""
    import sqlite3

    with sqlite3.connect(path) as con:
        con.execute("update clusters set notes = 'a quokka was seen' where id = "
                    "(select id from clusters order by id limit 1)")
        if failure:
            con.execute("insert into failures (origin, reason, first_seen) values ('q.txt', 'test', '2025-01-01')")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn_serve(db: str, *args: str):
    """A real `sitrep serve --db DB ARGS` on a free port, without a token, in its own session:
    (process, port). The caller stops it (killpg)."""
    import os
    import subprocess
    import sys

    port = free_port()
    exe = str(Path(sys.executable).parent / "sitrep")
    env = {k: v for k, v in os.environ.items() if k != "SITREP_TOKEN"}
    proc = subprocess.Popen([exe, "serve", "--db", db, "--port", str(port), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port
