"""Answers shared between the worker processes of one `sitrep serve --workers N`.

Each worker keeps its own answers (`sitrep.api.cache`); without sharing, an answer many clients
ask for (the map's page, the timeline, /api/meta, the entity lists, the entity counts that rank
them) is computed by every worker once per staleness period. `SharedAnswers` is a directory the
server makes for its run (in memory, under /dev/shm, where there is one): a worker that computed
an answer writes it there as one file (written aside, then renamed into place: a reader sees a
whole file or none) with the time its computation started, and another worker that lacks it
reads it while that time is within the staleness bound. No lock is taken: a file is one answer.

Only the time bound applies across processes: the store's version (`PRAGMA data_version`) is a
number of one connection, not comparable between two, so a shared answer is never used past
`max_staleness` seconds after its computation started, whatever the store did meanwhile. The
clock is `time.monotonic`, one clock for every process of the machine. Old files are deleted as
new ones arrive. An error of the directory (removed, full) is reported once and sharing stops:
the worker then works alone, as before.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)


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


_HEAD = struct.Struct("<4sdIII")     # magic, started at, lengths of the key, the headers and the tag
_MAGIC = b"SRA1"


class SharedAnswers:
    """A directory of answers keyed by bytes, each with the `clock` time its computation started."""

    def __init__(self, path: str | os.PathLike, *, max_staleness: float, clock=time.monotonic,
                 max_body: int = 4 << 20):
        self.dir, self.max_staleness, self.clock, self.max_body = Path(path), float(max_staleness), clock, max_body
        self.ok = True
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            self._fail(e)
        self.hits = self.puts = 0
        self.serial = 0
        self.lock = threading.Lock()
        self.last_purge = self.clock()

    def _fail(self, e: Exception) -> None:
        if self.ok:
            log.warning("answers shared between workers: %s (%s); this worker goes on alone", self.dir, e)
        self.ok = False

    def _file(self, key: bytes) -> Path:
        return self.dir / hashlib.blake2b(key, digest_size=16).hexdigest()

    def get(self, key: bytes) -> tuple[float, list, bytes, bytes] | None:
        """(started at, headers, body, etag) of an answer still within the bound, else None."""
        if not self.ok or self.max_staleness <= 0:
            return None
        try:
            with open(self._file(key), "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return None
        except OSError as e:
            self._fail(e)
            return None
        if len(raw) < _HEAD.size:
            return None
        magic, at, nk, nh, ne = _HEAD.unpack_from(raw)
        i = _HEAD.size
        if magic != _MAGIC or raw[i:i + nk] != key or self.clock() - at > self.max_staleness:
            return None
        i += nk
        headers, etag, body = raw[i:i + nh], raw[i + nh:i + nh + ne], raw[i + nh + ne:]
        self.hits += 1
        return at, decode_headers(headers), body, etag

    def put(self, key: bytes, at: float, headers: list, body: bytes, etag: bytes) -> None:
        """Share an answer whose computation started at `at`."""
        if not self.ok or self.max_staleness <= 0 or len(body) > self.max_body:
            return
        now = self.clock()
        if now - at > self.max_staleness:
            return
        head = encode_headers(headers)
        with self.lock:
            self.serial += 1
            aside = self.dir / f".{os.getpid()}-{threading.get_ident()}-{self.serial}"
        try:
            with open(aside, "wb") as f:
                f.write(_HEAD.pack(_MAGIC, at, len(key), len(head), len(etag)))
                f.write(key)
                f.write(head)
                f.write(etag)
                f.write(body)
            os.replace(aside, self._file(key))
            self.puts += 1
        except OSError as e:
            self._fail(e)
            with contextlib.suppress(OSError):
                aside.unlink()
            return
        if now - self.last_purge > max(self.max_staleness, 1.0):
            self.last_purge = now
            self._purge()

    def _purge(self) -> None:
        """Delete the files past any use: written more than a few bounds ago (by the file's time)."""
        old = time.time() - max(10.0, 3 * self.max_staleness)
        try:
            with os.scandir(self.dir) as entries:
                for e in entries:
                    with contextlib.suppress(OSError):
                        if e.stat().st_mtime < old:
                            os.unlink(e.path)
        except OSError as e:
            self._fail(e)

    def close(self) -> None:
        self.ok = False
