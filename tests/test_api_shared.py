"""Answers shared between the worker processes of one server (`sitrep.api.shared`), over a real
store built from examples/: an answer one worker computed (and was asked for again) serves
another within the staleness bound and never past it (the store's version is not comparable between processes, so only the
bound holds); the memo of entity counts is shared the same way; a shared directory that breaks leaves
each worker working alone; `sitrep serve --workers 2` shows a write in every answer once the
bound has passed, whichever worker answers. Two apps over one store stand for two workers; the
bound is timed by a clock the test moves."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest

from conftest import FakeClock as Clock
from conftest import copy_store, spawn_serve, write_a_quokka

warnings.filterwarnings("ignore", message=".*httpx.*")
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.api.cache import Memo  # noqa: E402
from sitrep.api.shared import SharedAnswers, decode_headers, encode_headers  # noqa: E402
from sitrep.store import Store  # noqa: E402


@pytest.fixture
def two_workers(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    clock = Clock()
    shared = str(tmp_path / "answers")
    with Store.open(path) as one, Store.open(path) as two:
        a = TestClient(create_app(one, max_staleness=1.0, clock=clock, shared=shared))
        b = TestClient(create_app(two, max_staleness=1.0, clock=clock, shared=shared))
        yield path, clock, a, b


def write_a_failure(path: str) -> None:
    with sqlite3.connect(path) as con:
        con.execute("insert into failures (origin, reason, first_seen) values ('q.txt', 'test', '2025-01-01')")


def test_one_workers_answer_serves_another_within_the_bound_only(two_workers):
    path, clock, a, b = two_workers
    q = {"q": "quokka"}
    assert a.get("/api/events", params=q).headers["x-cache"] == "miss"
    assert b.get("/api/events", params=q).headers["x-cache"] == "miss"   # asked once of a: not shared
    write_a_failure(path)
    clock.now += 1.1        # past the bound and changed: a computes it again, and now shares it
    first = a.get("/api/events", params=q)
    assert first.json()["total"] == 0 and first.headers["x-cache"] == "miss"
    write_a_quokka(path, failure=False)
    clock.now += 0.8        # within the bound of a's answer: b may answer with it, tag and all
    got = b.get("/api/events", params=q)
    assert got.headers["x-cache"] == "hit" and got.content == first.content
    assert got.headers["etag"] == first.headers["etag"]
    assert got.headers["content-type"] == first.headers["content-type"]
    assert got.headers["x-content-type-options"] == "nosniff"     # the security headers still added
    clock.now += 0.3        # past the bound since a computed it: both compute again, and see the write
    assert b.get("/api/events", params=q).json()["total"] == 1
    assert a.get("/api/events", params=q).json()["total"] == 1


def test_a_shared_answer_is_never_used_past_the_bound_even_when_nothing_changed(two_workers):
    """A worker checks its own answers against the store's version past the bound; another's it
    cannot (the version is a number of one connection), so those are computed again."""
    path, clock, a, b = two_workers
    a.get("/api/timeline")
    write_a_failure(path)
    clock.now += 1.1
    assert a.get("/api/timeline").headers["x-cache"] == "miss"     # again: shared now
    clock.now += 0.5
    assert b.get("/api/timeline").headers["x-cache"] == "hit"      # a's, within the bound
    clock.now += 5
    assert a.get("/api/timeline").headers["x-cache"] == "hit"      # its own, the store unchanged since
    assert b.get("/api/timeline").headers["x-cache"] == "miss"     # a's is 5.5 s old: computed anew


def test_the_entity_counts_are_shared_within_the_bound(tmp_path):
    clock = Clock()
    answers = SharedAnswers(tmp_path / "answers", max_staleness=1.0, clock=clock)
    version = [1]
    one = Memo(lambda: version[0], max_staleness=1.0, clock=clock, shared=answers)
    two = Memo(lambda: version[0] + 100, max_staleness=1.0, clock=clock, shared=answers)
    counts = {"actor:a": {"documents": 2, "mentions": 3, "events": 1}}
    assert one.get("entity counts", lambda: counts) == counts
    calls = []
    assert two.get("entity counts", lambda: calls.append(1) or {}) == counts and not calls
    clock.now += 1.5      # past the bound: computed again by whichever asks
    assert two.get("entity counts", lambda: {"fresh": {}}) == {"fresh": {}}
    # a value that does not read back the same from JSON is not shared
    one.get("tuple", lambda: [("a", 1)])
    assert two.get("tuple", lambda: "own") == "own"
    answers.close()


def test_a_broken_shared_directory_leaves_each_worker_alone(examples_db, tmp_path, caplog):
    answers = SharedAnswers(tmp_path / "answers", max_staleness=1.0)
    answers.put(b"k", time.monotonic(), [(b"etag", b'"t"')], b"body", b'"t"')
    assert answers.get(b"k") == (pytest.approx(time.monotonic(), abs=5), [(b"etag", b'"t"')], b"body", b'"t"')
    assert answers.get(b"other") is None
    shutil.rmtree(tmp_path / "answers")
    answers.put(b"k2", time.monotonic(), [], b"x", b'"t"')      # fails: reported, not raised
    assert not answers.ok and answers.get(b"k") is None and "goes on alone" in caplog.text
    (tmp_path / "a-file").write_text("not a directory")
    with Store.open(copy_store(examples_db, tmp_path)) as s:    # a server given an unusable place still serves
        c = TestClient(create_app(s, max_staleness=1.0, shared=str(tmp_path / "a-file")))
        assert c.get("/api/meta").status_code == 200 and c.get("/api/meta").status_code == 200


def test_headers_survive_the_file():
    headers = [(b"content-type", b"application/json"), (b"etag", b'"abc"'), (b"x-empty", b"")]
    assert decode_headers(encode_headers(headers)) == headers
    assert decode_headers(encode_headers([])) == []


def test_two_real_workers_show_a_write_once_the_bound_has_passed(examples_db, tmp_path):
    """`sitrep serve --workers 2 --max-staleness 0.5`: after a write, once half a second has
    passed, every answer (from either worker, its own or the other's) shows it; the shared
    directory lives in the run's directory, removed when the server stops."""
    db = copy_store(examples_db, tmp_path)
    proc, port = spawn_serve(db, "--workers", "2", "--max-staleness", "0.5")
    url = f"http://127.0.0.1:{port}/api/events?q=quokka"

    def total() -> int:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())["total"]

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                before = total()
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "sitrep serve --workers 2 did not answer"
                time.sleep(0.5)
        assert before == 0
        for _ in range(20):       # both workers have it kept (and shared)
            assert total() == 0
        shared = set()     # the directory the workers were told to share (from their environment)
        for pid in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split():
            for var in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                if var.startswith(b"SITREP_SERVE_SHARED="):
                    shared.add(Path(var.split(b"=", 1)[1].decode()))
        assert len(shared) == 1 and next(iter(shared)).exists()
        write_a_quokka(db, failure=False)
        time.sleep(0.6)
        assert [total() for _ in range(40)] == [1] * 40
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    assert not next(iter(shared)).parent.exists()      # the run's directory is gone with it
