"""How fresh the API's kept answers are, over a real store built from examples/: with a staleness
bound a write by another connection (as an ingest's) shows once the bound has passed and not
necessarily before; with none it shows in the next answer; ETag and If-None-Match give 304 while an
answer is unchanged and 200 with a new tag once it changed; the memo of costly values follows the
same bound. The bound is timed by a clock the test moves (the server's is time.monotonic)."""
from __future__ import annotations

import warnings

import pytest

from conftest import FakeClock as Clock
from conftest import copy_store, write_a_quokka

warnings.filterwarnings("ignore", message=".*httpx.*")
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.api.cache import Memo  # noqa: E402
from sitrep.store import Store  # noqa: E402


@pytest.fixture
def served(examples_db, tmp_path):
    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s:
        yield path, s


def test_a_write_shows_once_the_staleness_bound_has_passed(served):
    path, store = served
    clock = Clock()
    c = TestClient(create_app(store, max_staleness=2.0, clock=clock))
    assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 0
    failures = c.get("/api/meta").json()["stats"]["failures"]
    write_a_quokka(path)
    clock.now += 1.0       # within the bound: the kept answers may still be served
    assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 0
    assert c.get("/api/meta").json()["stats"]["failures"] == failures
    # a URL not asked before is computed now, so it already shows the write
    assert c.get("/api/events", params={"q": "quokka", "limit": 7}).json()["total"] == 1
    clock.now += 1.01      # past the bound: every answer shows the write
    assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 1
    assert c.get("/api/meta").json()["stats"]["failures"] == failures + 1


def test_an_unchanged_store_keeps_its_answers_past_the_bound(served):
    """Past the bound an answer is checked against the store's version, not recomputed blindly:
    the same body (and tag) while nothing was written."""
    _, store = served
    clock = Clock()
    c = TestClient(create_app(store, max_staleness=0.5, clock=clock))
    first = c.get("/api/timeline")
    clock.now += 60
    again = c.get("/api/timeline")
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]


def test_without_a_bound_the_next_answer_shows_a_write(served):
    path, store = served
    c = TestClient(create_app(store, max_staleness=0))
    assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 0
    write_a_quokka(path)
    assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 1


def test_etag_and_if_none_match_give_304_until_the_answer_changes(served):
    path, store = served
    c = TestClient(create_app(store))
    r = c.get("/api/meta")
    tag = r.headers["etag"]
    assert r.status_code == 200 and tag.startswith('"') and r.headers["cache-control"] == "no-cache"
    assert r.headers["x-cache"] == "miss" and c.get("/api/meta").headers["x-cache"] == "hit"
    same = c.get("/api/meta", headers={"If-None-Match": tag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == tag
    assert same.headers["x-content-type-options"] == "nosniff"            # the security headers too
    assert c.get("/api/meta", headers={"If-None-Match": '"other", ' + tag}).status_code == 304
    assert c.get("/api/meta", headers={"If-None-Match": '"other"'}).status_code == 200
    write_a_quokka(path)
    changed = c.get("/api/meta", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert changed.json()["stats"]["failures"] == r.json()["stats"]["failures"] + 1


def test_a_fresh_computation_answers_304_for_its_own_tag(served):
    """The tag is the body's: a server that computes the same answer again (another worker, or
    after a restart) still answers 304."""
    _, store = served
    tag = TestClient(create_app(store)).get("/api/timeline").headers["etag"]
    other = TestClient(create_app(store))
    assert other.get("/api/timeline", headers={"If-None-Match": tag}).status_code == 304


def test_errors_and_downloads_carry_no_tag(served):
    _, store = served
    c = TestClient(create_app(store))
    missing = c.get("/api/events/evt-none")
    assert missing.status_code == 404 and "etag" not in missing.headers
    download = c.get("/api/export", params={"format": "csv"})
    assert download.status_code == 200 and "etag" not in download.headers


def test_the_memo_follows_the_bound_and_the_version():
    version, clock = [1], Clock()
    memo = Memo(lambda: version[0], max_staleness=5, clock=clock)
    assert memo.get("k", lambda: "a") == "a"
    version[0] = 2
    clock.now += 4
    assert memo.fresh("k") == "a" and memo.get("k", lambda: "b") == "a"     # within the bound
    clock.now += 2
    assert memo.fresh("k") is None and memo.get("k", lambda: "b") == "b"    # past it, and changed
    clock.now += 60
    assert memo.get("k", lambda: "c") == "b"                                  # past it, unchanged
    assert Memo(lambda: None, max_staleness=5, clock=clock).get("k", lambda: "d") == "d"


def test_a_negative_bound_is_refused(served):
    _, store = served
    with pytest.raises(ValueError, match="max_staleness"):
        TestClient(create_app(store, max_staleness=-1)).get("/api/meta")
