"""Answers shared between the worker processes of one `sitrep serve --workers N`.

Each worker keeps its own answers (`sitrep.api.cache`); without sharing, an answer many clients
ask for (the map's page, the timeline, /api/meta, the entity lists, the entity counts that rank
them) is computed by every worker once per staleness period. `SharedAnswers` is a small SQLite
file in a directory the server makes for its run (in memory, /dev/shm, where there is one):
a worker that computed an answer puts it there with the time its computation started, and
another worker that lacks it uses it while that time is within the staleness bound.

Only the time bound applies across processes: the store's version (`PRAGMA data_version`) is a
number of one connection, not comparable between two, so a shared answer is never used past
`max_staleness` seconds after its computation started, whatever the store did meanwhile. The
clock is `time.monotonic`, one clock for every process of the machine. Entries past the bound
are deleted as new ones arrive. Any error of the file (removed, full, locked for long) is
reported once and sharing stops: the worker then works alone, as before.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA = ("CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, at REAL NOT NULL, headers BLOB NOT NULL, "
          "body BLOB NOT NULL, etag BLOB NOT NULL) WITHOUT ROWID")


def make_dir() -> tempfile.TemporaryDirectory:
    """A fresh directory for one server run's shared answers: in memory when /dev/shm is writable."""
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    return tempfile.TemporaryDirectory(prefix="sitrep-serve-", dir=where)


def encode_headers(headers: list[tuple[bytes, bytes]]) -> bytes:
    """Response headers as bytes (names and values hold no CR or LF: HTTP forbids them)."""
    return b"\r\n".join(k + b"\n" + v for k, v in headers)


def decode_headers(raw: bytes) -> list[tuple[bytes, bytes]]:
    if not raw:
        return []
    return [tuple(line.split(b"\n", 1)) for line in raw.split(b"\r\n")]  # type: ignore[misc]


class SharedAnswers:
    """A file of answers keyed by bytes, each with the `clock` time its computation started."""

    def __init__(self, path: str | os.PathLike, *, max_staleness: float, clock=time.monotonic,
                 max_body: int = 4 << 20):
        self.path, self.max_staleness, self.clock, self.max_body = str(path), float(max_staleness), clock, max_body
        self.lock = threading.Lock()
        self.con: sqlite3.Connection | None = sqlite3.connect(self.path, timeout=0.5, isolation_level=None,
                                                              check_same_thread=False)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=OFF")
        for _ in range(20):      # the other workers create the same table at the same moment
            try:
                self.con.execute(SCHEMA)
                break
            except sqlite3.OperationalError:
                time.sleep(0.05)
        self.hits = self.puts = 0
        self.last_purge = self.clock()

    def _fail(self, e: Exception) -> None:
        log.warning("answers shared between workers: %s (%s); this worker goes on alone", self.path, e)
        con, self.con = self.con, None
        if con is not None:
            con.close()

    def get(self, key: bytes) -> tuple[float, list, bytes, bytes] | None:
        """(started at, headers, body, etag) of an answer still within the bound, else None."""
        if self.con is None or self.max_staleness <= 0:
            return None
        now = self.clock()
        with self.lock:
            try:
                row = self.con.execute("SELECT at, headers, body, etag FROM answers WHERE key = ? AND at >= ?",
                                       (key, now - self.max_staleness)).fetchone()
            except sqlite3.Error as e:
                self._fail(e)
                return None
        if row is None:
            return None
        self.hits += 1
        return row[0], decode_headers(row[1]), row[2], row[3]

    def put(self, key: bytes, at: float, headers: list, body: bytes, etag: bytes) -> None:
        """Share an answer whose computation started at `at` (kept unless a newer one is there)."""
        if self.con is None or self.max_staleness <= 0 or len(body) > self.max_body:
            return
        now = self.clock()
        if now - at > self.max_staleness:
            return
        with self.lock:
            try:
                self.con.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                                 "at = excluded.at, headers = excluded.headers, body = excluded.body, "
                                 "etag = excluded.etag WHERE excluded.at > answers.at",
                                 (key, at, encode_headers(headers), body, etag))
                self.puts += 1
                if now - self.last_purge > self.max_staleness:
                    self.last_purge = now
                    self.con.execute("DELETE FROM answers WHERE at < ?", (now - self.max_staleness,))
            except sqlite3.Error as e:
                self._fail(e)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
