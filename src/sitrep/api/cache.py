"""Answers kept between changes of the store: a response cache for GET /api/… and a memo for
costly values, both keyed by the store's version and bounded by a staleness the server allows.

`StoreVersion` is a number that changes whenever anything commits to the store: for SQLite,
`PRAGMA data_version` on a connection of our own (it changes when any other connection, in
this process or another, commits; reading it costs microseconds); for other databases it is
None (unknown: then only the staleness bound lets anything be kept).

`ResponseCache` is a plain ASGI middleware that keeps the body of each successful JSON answer
under its URL, with the store version and the time at which it was known to be current, and
answers the same URL again from memory

* while the store's version is unchanged (the answer is exactly what a new computation would
  give), or
* for at most `max_staleness` seconds after it was known to be current, whatever was written
  meanwhile. So a commit shows in every answer at most `max_staleness` seconds after it (0: in
  the very next answer). Under an ingest that commits a few times a second, a bound of a second
  lets the answers many clients share (the map, the timeline, /api/meta, entity lists, the first
  page) be computed about once a second per worker instead of once per commit.

Every kept answer carries an `ETag` (a hash of its body), `Cache-Control: no-cache` (a client
may keep it but must ask again) and `X-Cache: hit` or `miss` (answered from memory or computed); a request whose `If-None-Match` names the current answer's tag
gets 304 with no body. Bounded by entries and bytes; bodies over `max_body` are not kept;
streamed downloads are never kept. Concurrent requests for one URL wait for one computation.

With several worker processes (`sitrep serve --workers N`) both may be given a `SharedAnswers`
(`sitrep.api.shared`): an answer a worker computes for a URL it was asked before, and the memo's
JSON values, are written there, and another worker that lacks them uses them within the
staleness bound (by time only: the store's version is not comparable between processes).
"""
from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

import orjson
from sqlalchemy.engine import make_url

CACHE_CONTROL = b"no-cache"
HIT, MISS = [(b"x-cache", b"hit")], [(b"x-cache", b"miss")]   # which answers came from memory (for load tests)


class StoreVersion:
    """A value that changes whenever anything commits to the store (None: unknown)."""

    def __init__(self, store):
        self._con = None
        self._lock = threading.Lock()
        url = make_url(store.url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            self._con = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True, check_same_thread=False,
                                        isolation_level=None)

    def __call__(self):
        if self._con is None:
            return None
        with self._lock:
            return self._con.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


def _current(version, at: float, now_version, now: float, max_staleness: float) -> bool:
    """May a value computed at store version `version`, known current at time `at`, be used now?"""
    if max_staleness > 0 and now - at <= max_staleness:
        return True
    return version is not None and version == now_version


class Kept(NamedTuple):
    version: object    # the store version it was computed at (None: unknown)
    at: float          # when it was last known to be current (clock seconds)
    headers: list
    body: bytes
    etag: bytes


def etag_of(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _if_none_match(scope) -> bytes | None:
    for k, v in scope.get("headers") or ():
        if k == b"if-none-match":
            return v
    return None


def _matches(condition: bytes | None, etag: bytes) -> bool:
    if condition is None:
        return False
    tags = [t.strip() for t in condition.split(b",")]
    return b"*" in tags or etag in tags or b"W/" + etag in tags


class ResponseCache:
    """ASGI middleware: GET /api/… JSON answers (200) kept per URL while the store is unchanged, or
    for `max_staleness` seconds; ETag and 304 for a matching If-None-Match."""

    def __init__(self, app, *, version, max_staleness: float = 0.0, clock=time.monotonic, max_entries: int = 512,
                 max_bytes: int = 64 << 20, max_body: int = 4 << 20, prefix: str = "/api/",
                 skip: tuple[str, ...] = ("/api/export",), shared=None):
        if max_staleness < 0:
            raise ValueError(f"max_staleness: {max_staleness} is negative")
        self.app, self.version, self.max_staleness, self.clock = app, version, float(max_staleness), clock
        self.max_entries, self.max_bytes, self.max_body = max_entries, max_bytes, max_body
        self.prefix, self.skip = prefix, skip
        self.shared = shared     # a SharedAnswers of the other worker processes (sitrep.api.shared), or None
        self.entries: OrderedDict[bytes, Kept] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self.lock = threading.Lock()
        self.inflight: dict[bytes, tuple[object, asyncio.Future]] = {}   # one computation per URL and version

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefix)
                or scope["path"].startswith(self.skip)):
            return await self.app(scope, receive, send)
        key = scope["path"].encode("utf-8", "surrogateescape") + b"?" + scope.get("query_string", b"")
        if await self._answer_from_memory(key, None, scope, send, check_version=False):   # within the bound
            return
        version = self.version()
        if version is None and self.max_staleness <= 0:
            return await self.app(scope, receive, send)
        if await self._answer_from_memory(key, version, scope, send):
            return
        running = self.inflight.get(key)
        if running is not None and running[0] == version:   # the same answer is being computed: wait for it
            await asyncio.shield(running[1])
            if await self._answer_from_memory(key, version, scope, send):
                return
        if self.shared is not None:   # another worker computed it within the bound: its answer will do
            got = self.shared.get(key)
            if got is not None:
                at, headers, body, etag = got
                self._store(key, Kept(None, at, headers, body, etag))   # (then usable here by the bound only)
                with self.lock:
                    self.hits += 1
                await self._send(scope, send, headers, body, etag, HIT)
                return
        done = asyncio.get_running_loop().create_future()
        self.inflight[key] = (version, done)
        self.misses += 1
        try:
            await self._compute(key, version, scope, receive, send)
        finally:
            if self.inflight.get(key, (None, None))[1] is done:
                del self.inflight[key]
            done.set_result(None)

    async def _answer_from_memory(self, key: bytes, version, scope, send, check_version: bool = True) -> bool:
        now = self.clock()
        with self.lock:
            hit = self.entries.get(key)
            if hit is None:
                return False
            if now - hit.at <= self.max_staleness and self.max_staleness > 0:
                pass
            elif check_version and hit.version is not None and hit.version == version:
                hit = self.entries[key] = hit._replace(at=now)   # still current: the bound starts again
            else:
                return False
            self.entries.move_to_end(key)
            self.hits += 1
        await self._send(scope, send, hit.headers, hit.body, hit.etag, HIT)
        return True

    async def _send(self, scope, send, headers: list, body: bytes, etag: bytes, how: list) -> None:
        if _matches(_if_none_match(scope), etag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", etag), (b"cache-control", CACHE_CONTROL), *how]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers + how})
        await send({"type": "http.response.body", "body": body})

    async def _compute(self, key: bytes, version, scope, receive, send) -> None:
        """Run the app; a JSON 200 answer is held until complete, kept, and sent with its ETag (or as
        304); anything else passes through as it comes."""
        held: dict = {}
        chunks: list[bytes] = []
        state = {"keep": False, "size": 0}
        started = self.clock()
        # shared with the other workers once asked for again (an answer asked once, as most single
        # events and documents are, is not worth writing down for them)
        share = self.shared is not None and key in self.entries

        async def capture(message):
            if message["type"] == "http.response.start":
                state["keep"] = message["status"] == 200 and any(
                    k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in message["headers"])
                if state["keep"]:
                    held.update(message)
                    return
            elif message["type"] == "http.response.body" and state["keep"]:
                body = message.get("body", b"")
                chunks.append(body)
                state["size"] += len(body)
                if not message.get("more_body"):
                    whole = b"".join(chunks)
                    etag = etag_of(whole)
                    headers = [(k, v) for k, v in held["headers"] if k.lower() not in (b"etag", b"cache-control")]
                    headers += [(b"etag", etag), (b"cache-control", CACHE_CONTROL)]
                    self._store(key, Kept(version, started, headers, whole, etag))
                    if share:
                        self.shared.put(key, started, headers, whole, etag)
                    await self._send(scope, send, headers, whole, etag, MISS)
                    return
                if state["size"] > self.max_body:    # too big to keep: send what was held, then pass through
                    state["keep"] = False
                    await send(held)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                    chunks.clear()
                return
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: bytes, kept: Kept) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = kept
            self.size += len(kept.body)
            while self.entries and (len(self.entries) > self.max_entries or self.size > self.max_bytes):
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body)


class Memo:
    """Values computed at most once per store version (or per `max_staleness` seconds, whichever
    is longer), by one thread while the others wait for it (the entity counts that rank entity
    lists, the store's statistics)."""

    def __init__(self, version, max_staleness: float = 0.0, clock=time.monotonic, shared=None):
        self.version, self.max_staleness, self.clock = version, float(max_staleness), clock
        self.shared = shared     # a SharedAnswers of the other worker processes, or None (JSON values only)
        self.values: dict[str, tuple[object, float, object]] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()

    def _usable(self, key: str):
        """(True, value) when the kept value may be used now, else (False, None)."""
        hit = self.values.get(key)
        if hit is None:
            return False, None
        now = self.clock()
        if self.max_staleness > 0 and now - hit[1] <= self.max_staleness:
            return True, hit[2]
        version = self.version()
        if version is not None and hit[0] == version:
            self.values[key] = (version, now, hit[2])
            return True, hit[2]
        return False, None

    def fresh(self, key: str):
        """The value of `key` if it may be used now (computed at the store's current version, or
        within the staleness bound), else None (then the caller computes only what it needs itself)."""
        return self._usable(key)[1]

    def get(self, key: str, compute):
        ok, value = self._usable(key)
        if ok:
            return value
        with self.lock:
            key_lock = self.locks.setdefault(key, threading.Lock())
        with key_lock:
            ok, value = self._usable(key)
            if ok:
                return value
            version, at = self.version(), self.clock()
            if version is None and self.max_staleness <= 0:
                return compute()
            name = b"memo:" + key.encode()
            got = self.shared.get(name) if self.shared is not None else None
            if got is not None:     # computed by another worker within the bound
                value = orjson.loads(got[2])
                self.values[key] = (None, got[0], value)
                return value
            value = compute()
            self.values[key] = (version, at, value)
            if self.shared is not None:
                try:
                    raw = orjson.dumps(value)
                except TypeError:   # not JSON: not shared
                    return value
                if orjson.loads(raw) == value:     # shared only when it reads back the same
                    self.shared.put(name, at, [], raw, b"")
            return value
