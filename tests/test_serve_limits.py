"""The HTTP API's edges, over a real store built from examples/: limits that answer 422 instead of
a 500 (offset, filter length, non-finite numbers), text filters that match literally, responses
that match the OpenAPI schema (walked by schemathesis), security headers on every response,
writes refused from their headers alone (a real server is sent a huge body it never reads), and
the pages of a big entity or place.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import warnings

import pytest

from conftest import copy_store, spawn_serve

warnings.filterwarnings("ignore", message=".*httpx.*")
pytest.importorskip("fastapi")

import uvicorn  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.api.security import MAX_BODY_BYTES  # noqa: E402
from sitrep.store import Store  # noqa: E402
from sitrep.store import query as Q  # noqa: E402

TOKEN = "limits-token"


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    s = Store.open(copy_store(examples_db, tmp_path_factory.mktemp("limits")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store))


def json_error(r, status: int, word: str) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    assert isinstance(detail, str) and word in detail, detail
    return detail


# ---------------------------------------------------------------------- limits: 422, never 500


@pytest.mark.parametrize("path", ["/api/events", "/api/entities", "/api/entities/actor:isis",
                                  "/api/places/geonames:90393"])
@pytest.mark.parametrize("offset", [9223372036854775808, 2**70, Q.MAX_OFFSET + 1])
def test_an_offset_past_the_maximum_is_a_clear_422(client, path, offset):
    json_error(client.get(path, params={"offset": offset}), 422, "offset")


def test_the_maximum_offset_itself_answers_an_empty_page(client):
    page = client.get("/api/events", params={"offset": Q.MAX_OFFSET}).json()
    assert page["items"] == [] and page["offset"] == Q.MAX_OFFSET and page["total"] > 0


@pytest.mark.parametrize("name", ["q", "actor", "place", "source", "doc_id"])
def test_a_filter_over_the_maximum_length_is_a_422(client, name):
    long = "a" * (Q.MAX_TEXT + 1)
    detail = json_error(client.get("/api/events", params={name: long}), 422, name)
    assert "LIKE" not in detail
    json_error(client.get("/api/timeline", params={name: long}), 422, name)
    json_error(client.get("/api/export", params={name: long}), 422, name)
    assert client.get("/api/events", params={name: "a" * Q.MAX_TEXT}).status_code == 200   # at the limit: fine


def test_a_very_long_filter_is_a_422_not_a_sqlite_error(client):
    for name in ("q", "actor", "place"):   # SQLite refuses LIKE patterns over 50,000 bytes
        json_error(client.get("/api/events", params={name: "a" * 60_000}), 422, name)
        json_error(client.get("/api/events", params={name: "%" * 20_000}), 422, name)
    json_error(client.get("/api/entities", params={"q": "_" * 60_000}), 422, "q")


def test_the_query_layer_bounds_what_the_command_line_passes(store):
    with pytest.raises(ValueError, match="offset"):
        Q.events(store, offset=2**63)
    with pytest.raises(ValueError, match="q"):
        Q.events(store, text="x" * (Q.MAX_TEXT + 1))
    with pytest.raises(ValueError, match="type"):
        Q.events(store, types=["Battles"] * (Q.MAX_VALUES + 1))


@pytest.mark.parametrize("near", ["35.3,40.1,nan", "nan,40.1,50", "35.3,nan,50", "35.3,40.1,inf",
                                  "35.3,40.1,-inf", "35.3,inf,50", "95,40,50", "35,190,50", "35,40,0"])
def test_near_needs_finite_numbers_on_the_globe(client, store, near):
    json_error(client.get("/api/events", params={"near": near}), 422, "near")
    with pytest.raises(ValueError, match="near"):
        Q.events(store, near=near)


@pytest.mark.parametrize("bbox", ["nan,32,42,37", "35,32,inf,37", "35,-inf,42,37"])
def test_bbox_needs_finite_numbers(client, bbox):
    json_error(client.get("/api/events", params={"bbox": bbox}), 422, "bbox")


# ---------------------------------------------------------------------- text filters match literally


def _contains_literally(e: dict, s: str) -> bool:
    fields = [e["notes"], (e["location"] or {}).get("name"), (e["actor1"] or {}).get("name"),
              (e["actor2"] or {}).get("name")]
    return any(s.lower() in (f or "").lower() for f in fields)


@pytest.mark.parametrize("wild", ["%", "_", "%%", "a%b", "_a_", "\\", "/%"])
def test_like_wildcards_in_q_match_literally(client, store, wild):
    every = Q.events(store, limit=1000)["items"]
    want = sum(_contains_literally(e, wild) for e in every)
    assert client.get("/api/events", params={"q": wild}).json()["total"] == want
    assert Q.events(store, text=wild)["total"] == want   # the CLI's path
    assert want < len(every)


def test_wildcards_in_actor_place_and_entity_search_match_nothing_here(client, store):
    assert Q.events(store, limit=1)["total"] > 0
    for params in ({"actor": "%"}, {"actor": "_"}, {"place": "%"}, {"place": "_"}):
        assert client.get("/api/events", params=params).json()["total"] == 0, params
    assert client.get("/api/entities", params={"q": "%"}).json()["total"] == 0
    assert client.get("/api/entities", params={"q": "_"}).json()["total"] == 0
    assert Q.places(store, q="%")["total"] == 0


def test_a_literal_percent_is_found(store, tmp_path):
    """A name that really holds % and _ is found by them, and only it."""
    from sqlalchemy import select, update

    from sitrep.store import schema as S

    with Store.open(copy_store(store.url.removeprefix("sqlite:///"), tmp_path)) as s:
        with s.engine.begin() as c:
            cid = c.execute(select(S.clusters.c.id).order_by(S.clusters.c.id).limit(1)).scalar_one()
            c.execute(update(S.clusters).where(S.clusters.c.id == cid).values(notes="Turnout fell 40%_ overnight"))
        page = Q.events(s, text="40%_")
        assert [e["id"] for e in page["items"]] == [cid]
        assert Q.events(s, text="4%_")["total"] == 0


# ---------------------------------------------------------------------- headers


def test_every_response_carries_the_security_headers(client):
    for path in ["/", "/static/app.js", "/api/events", "/api/events/evt-none", "/api/events?limit=0",
                 "/api/meta", "/openapi.json", "/docs", "/api/export?format=geojson&country=IQ", "/nowhere"]:
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        assert r.headers["x-frame-options"] == "DENY", path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    page = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in page and "style-src 'self';" in page
    r = client.post("/api/documents", json={"text": "x"})
    assert r.status_code == 403 and r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_the_docs_page_policy_allows_its_own_script_only(client):
    import base64
    import hashlib
    import re

    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    csp = r.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", r.text, flags=re.S)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert csp.count("content-security-policy") == 0 and len(r.headers.get_list("content-security-policy")) == 1


# ---------------------------------------------------------------------- writes: refused from the headers


def test_invalid_bodies_from_unauthorised_clients_get_403_or_401_not_422(store):
    ro = TestClient(create_app(store))
    for body in ({"title": "no text"}, [], "not json at all", {"text": 5}):
        kw = {"json": body} if not isinstance(body, str) else {"content": body}
        json_error(ro.post("/api/documents", **kw), 403, "read-only")
    rw = TestClient(create_app(store, token=TOKEN))
    r = rw.post("/api/documents", json={"title": "no text"})
    json_error(r, 401, "token")
    assert r.headers["www-authenticate"] == "Bearer"
    json_error(rw.post("/api/documents", json={"title": "no text"}, headers={"Authorization": "Bearer nope"}),
               401, "token")
    # with the token, the same body gets the detailed message
    json_error(rw.post("/api/documents", json={"title": "no text"}, headers={"Authorization": f"Bearer {TOKEN}"}),
               422, "text")


def test_an_authorised_body_over_the_maximum_is_a_413(store):
    c = TestClient(create_app(store, token=TOKEN, max_body=1000))
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    big = json.dumps({"text": "x" * 2000})
    json_error(c.post("/api/documents", content=big, headers=auth), 413, "maximum")

    def chunks():   # no Content-Length: the limit holds while the body streams in
        for _ in range(40):
            yield b" " * 100
        yield big.encode()

    json_error(c.post("/api/documents", content=chunks(), headers=auth), 413, "maximum")
    assert MAX_BODY_BYTES >= 10_000_000


@pytest.fixture(scope="module")
def live(store):
    """A real uvicorn server (with a token) on a free port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store, token=TOKEN), host="127.0.0.1", port=port,
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def _post_headers_only(port: int, headers: str, body_start: bytes = b'{"text": "') -> tuple[int, bytes]:
    """Send a POST that declares a 300 MB body but sends a few bytes of it; the answer must come anyway."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   f"Content-Length: 300000000\r\n{headers}\r\n").encode() + body_start)
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 10:
                got = s.recv(65536)
                if not got:
                    break
                data += got
        except TimeoutError:
            pytest.fail("the server waited for the body instead of answering from the headers")
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_real_server_refuses_a_huge_body_before_reading_it(live):
    status, body = _post_headers_only(live, "")
    assert status == 401 and b"token" in body
    status, body = _post_headers_only(live, "Authorization: Bearer wrong\r\n")
    assert status == 401
    status, body = _post_headers_only(live, f"Authorization: Bearer {TOKEN}\r\n")
    assert status == 413 and b"maximum" in body


# ---------------------------------------------------------------------- the schema


def test_every_response_matches_the_openapi_schema(store):
    """schemathesis walks /openapi.json: 40 generated requests per operation (valid and invalid
    ones, the same each run), each response checked against its documented status codes, content
    types, headers and schemas; invalid input must be refused with a 4xx, and never a 5xx.
    (schemathesis' pytest plugin does not run under this pytest, so the loop is spelled out.)"""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis import checks as C

    chosen = [C.not_a_server_error, C.status_code_conformance, C.content_type_conformance,
              C.response_schema_conformance, C.response_headers_conformance, C.negative_data_rejection]
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    def walk(op):
        @settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            try:
                case.call_and_validate(checks=chosen)
            except BaseException as e:   # (schemathesis raises an exception group) gather them all
                if isinstance(e, KeyboardInterrupt):
                    raise
                failures.append(f"{op.method.upper()} {op.path}: {e}"[:2000])

        run()

    for op in operations:
        walk(op)
    assert not failures, f"{len(failures)} responses do not match the schema:\n\n" + "\n\n".join(failures[:5])


# ---------------------------------------------------------------------- big records come in pages


@pytest.fixture(scope="module")
def big(examples_db, tmp_path_factory):
    """A copy of the store where one actor and one place have 3,000 more events."""
    from sqlalchemy import insert, select

    from sitrep.store import clusters as X
    from sitrep.store import schema as S

    s = Store.open(copy_store(examples_db, tmp_path_factory.mktemp("big")))
    with s.engine.begin() as c:
        template = dict(c.execute(select(S.clusters).where(S.clusters.c.actor1_id == "actor:isis")
                                  .order_by(S.clusters.c.id).limit(1)).mappings().one())
        rows = [{**template, "id": f"evt-big-{i:05d}", "date_start": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 "date_end": None, "notes": "A long note about the event. " * 10, "summary_hash": f"big{i}"}
                for i in range(3000)]
        c.execute(insert(S.clusters), rows)
        X.write_actors(c, rows, fresh=True)   # their event-actor rows, as the store writes them
    yield s, template
    s.close()


def test_a_big_entity_comes_in_pages(big):
    store, _ = big
    c = TestClient(create_app(store))
    r = c.get("/api/entities/actor:isis")
    assert r.status_code == 200 and len(r.content) < 400_000, len(r.content)
    first = r.json()
    assert first["events_total"] >= 3000 and len(first["events"]) == 100
    assert sum(t["count"] for t in first["timeline"]) >= 3000   # the timeline counts them all, not the page
    second = c.get("/api/entities/actor:isis", params={"limit": 100, "offset": 100}).json()
    both = c.get("/api/entities/actor:isis", params={"limit": 200}).json()
    assert [e["id"] for e in first["events"] + second["events"]] == [e["id"] for e in both["events"]]
    dates = [e["date"]["start"] or "" for e in both["events"]]
    assert dates == sorted(dates)
    json_error(c.get("/api/entities/actor:isis", params={"limit": 1001}), 422, "limit")
    assert {"quotes_total", "roles_total"} <= set(first)


def test_a_big_place_comes_in_pages(big):
    store, template = big
    c = TestClient(create_app(store))
    pid = template["place_id"]
    r = c.get(f"/api/places/{pid}")
    assert r.status_code == 200 and len(r.content) < 400_000, len(r.content)
    first = r.json()
    assert first["events_total"] >= 3000 and len(first["events"]) == 100
    second = c.get(f"/api/places/{pid}", params={"offset": 100, "limit": 50}).json()
    both = c.get(f"/api/places/{pid}", params={"limit": 150}).json()
    assert [e["id"] for e in first["events"] + second["events"]] == [e["id"] for e in both["events"]]


# ---------------------------------------------------------------------- kept answers follow the store


def test_kept_answers_follow_every_commit(examples_db, tmp_path):
    """The server keeps JSON answers until the store changes: a write by another process's
    connection shows in the very next answer, lists and counts included."""
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    path = copy_store(examples_db, tmp_path)
    with Store.open(path) as s:
        c = TestClient(create_app(s))
        assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 0
        before = c.get("/api/meta").json()["stats"]["failures"]
        top = c.get("/api/entities", params={"limit": 1}).json()["items"][0]
        with ThreadPoolExecutor(8) as pool:   # many at once, one answer
            pages = list(pool.map(lambda _: c.get("/api/events", params={"q": "quokka"}).json(), range(16)))
        assert {p["total"] for p in pages} == {0}
        with sqlite3.connect(path) as con:   # another writer, as an ingest would be
            con.execute("update clusters set notes = 'a quokka was seen' where id = "
                        "(select id from clusters order by id limit 1)")
            con.execute("insert into failures (origin, reason, first_seen) values ('x.txt', 'test', '2025-01-01')")
            con.execute("delete from entities where canonical_id = ?", (top["id"],))
        assert c.get("/api/events", params={"q": "quokka"}).json()["total"] == 1
        assert c.get("/api/meta").json()["stats"]["failures"] == before + 1
        first = c.get("/api/entities", params={"limit": 1}).json()["items"][0]
        assert first["id"] != top["id"] or first["documents"] == 0


def test_an_actor_text_matching_thousands_of_entities_is_one_query(examples_db, tmp_path):
    """A short actor text that matches 40,000 entities is answered (as a subquery, not 40,000 bound values)."""
    from sqlalchemy import insert, select

    from sitrep.store import clusters as X
    from sitrep.store import schema as S

    with Store.open(copy_store(examples_db, tmp_path)) as s:
        with s.engine.begin() as c:
            c.execute(insert(S.canonical_entities), [
                {"id": f"actor:zeta-{i}", "name": f"Zeta Brigade {i}", "type": "ARMED_GROUP", "aliases": [],
                 "first_seen": "2025-01-01", "updated_at": "2025-01-01"} for i in range(40_000)])
            row = dict(c.execute(select(S.clusters).order_by(S.clusters.c.id).limit(1)).mappings().one())
            zeta = {**row, "id": "evt-zeta", "actor1_id": "actor:zeta-39999", "actor1_name": "Zeta Brigade 39999",
                    "summary_hash": "zeta"}
            c.execute(insert(S.clusters), [zeta])
            X.write_actors(c, [zeta], fresh=True)      # as the store's refresh writes an event's actors
        c = TestClient(create_app(s))
        r = c.get("/api/events", params={"actor": "zeta"})
        assert r.status_code == 200, r.text[:300]
        assert [e["id"] for e in r.json()["items"]] == ["evt-zeta"]
        assert Q.events(s, actor="brigade 3999")["total"] == 1


# ---------------------------------------------------------------------- several worker processes


def test_sitrep_serve_with_two_workers(examples_db, tmp_path):
    """`sitrep serve --workers 2` answers on one port from two processes, read-only, with the headers;
    stopping it stops its workers."""
    import os
    import signal
    import subprocess
    import urllib.error
    import urllib.request
    from pathlib import Path

    db = copy_store(examples_db, tmp_path)
    proc, port = spawn_serve(db, "--workers", "2")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/meta", timeout=5) as r:
                    meta = json.loads(r.read())
                    assert r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "sitrep serve --workers 2 did not answer"
                time.sleep(0.5)
        assert meta["read_only"] is True and meta["stats"]["documents"] == 21
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 2   # two workers (and multiprocessing's resource tracker)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/documents", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        assert refused.value.code == 403
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)

    def alive(pid: str) -> bool:   # (a zombie waiting for its reaper has ended)
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 15
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [c for c in children if alive(c)], "worker processes outlived sitrep serve"
