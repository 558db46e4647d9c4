"""Answers kept until the store changes: a response cache for GET /api/… and a memo for costly
values, both keyed by the store's version.

`StoreVersion` is a number that changes whenever anything commits to the store: for SQLite,
`PRAGMA data_version` on a connection of our own (it changes when any other connection, in
this process or another, commits; reading it costs microseconds); for other databases it is
None, and then nothing is kept. `ResponseCache` is a plain ASGI middleware that keeps the body of
each successful JSON answer under its URL and the version it was computed at, and answers the
same URL again from memory while the version is unchanged. So nothing is ever served older than
the last commit, the answers that many clients ask for (the UI's first page, the timeline, the
map, /api/meta, entity lists) cost one computation per change of the store, and an ingest that
commits every second still leaves most of them cached. Bounded by entries and bytes; bodies
over `max_body` are not kept; streamed downloads are never kept.
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import OrderedDict

from sqlalchemy.engine import make_url


class StoreVersion:
    """A value that changes whenever anything commits to the store."""

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


class ResponseCache:
    """ASGI middleware: GET /api/… JSON answers (200) kept per URL until the store's version changes."""

    def __init__(self, app, *, version, max_entries: int = 512, max_bytes: int = 64 << 20,
                 max_body: int = 4 << 20, prefix: str = "/api/", skip: tuple[str, ...] = ("/api/export",)):
        self.app, self.version = app, version
        self.max_entries, self.max_bytes, self.max_body = max_entries, max_bytes, max_body
        self.prefix, self.skip = prefix, skip
        self.entries: OrderedDict[bytes, tuple[object, list, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.inflight: dict[bytes, tuple[object, asyncio.Future]] = {}   # one computation per URL and version

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefix)
                or scope["path"].startswith(self.skip)):
            return await self.app(scope, receive, send)
        key = scope["path"].encode("utf-8", "surrogateescape") + b"?" + scope.get("query_string", b"")
        version = self.version()
        if version is None:
            return await self.app(scope, receive, send)
        if await self._answer_from_memory(key, version, send):
            return
        running = self.inflight.get(key)
        if running is not None and running[0] == version:   # the same answer is being computed: wait for it
            await asyncio.shield(running[1])
            if await self._answer_from_memory(key, version, send):
                return
        done = asyncio.get_running_loop().create_future()
        self.inflight[key] = (version, done)
        try:
            await self._compute(key, version, scope, receive, send)
        finally:
            if self.inflight.get(key, (None, None))[1] is done:
                del self.inflight[key]
            done.set_result(None)

    async def _answer_from_memory(self, key: bytes, version, send) -> bool:
        with self.lock:
            hit = self.entries.get(key)
            if hit is None or hit[0] != version:
                return False
            self.entries.move_to_end(key)
        _, headers, body = hit
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def _compute(self, key: bytes, version, scope, receive, send) -> None:
        start: dict = {}
        chunks: list[bytes] = []
        keep = True

        async def capture(message):
            nonlocal keep
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200 and any(
                    k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in message["headers"])
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > self.max_body:
                    keep = False
                    chunks.clear()
                elif not message.get("more_body"):
                    self._store(key, version, list(start["headers"]), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: bytes, version, headers: list, body: bytes) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[2])
            self.entries[key] = (version, headers, body)
            self.size += len(body)
            while self.entries and (len(self.entries) > self.max_entries or self.size > self.max_bytes):
                _, (_, _, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped)


class Memo:
    """Values computed at most once per store version, by one thread while the others wait for it
    (the entity counts that rank entity lists, the store's statistics)."""

    def __init__(self, version):
        self.version = version
        self.values: dict[str, tuple[object, object]] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()

    def fresh(self, key: str):
        """The value of `key` if it was computed at the store's current version, else None (then
        the caller computes only what it needs itself)."""
        hit = self.values.get(key)
        version = self.version()
        return hit[1] if hit is not None and version is not None and hit[0] == version else None

    def get(self, key: str, compute):
        version = self.version()
        if version is None:
            return compute()
        hit = self.values.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        with self.lock:
            key_lock = self.locks.setdefault(key, threading.Lock())
        with key_lock:
            version = self.version()
            hit = self.values.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            value = compute()
            self.values[key] = (version, value)
            return value
