"""Storing in a child process that is replaced every few thousand documents: `store_in_children`.

A long ingest that stores and clusters in its own process grows: the C heap of the storing
thread fragments (pages held resident by a few live objects among many freed ones), about 3 MB
per 1,000 documents while live Python data stays flat (README, *Measuring*). Memory a process
holds comes back whole when it exits, so the extracted batches go, in input order, to a storing process (started with `spawn`: the parent
runs the Dask client's threads, which `fork` must not copy) that runs `sitrep.batch.store_in_order`
on each batch — the same checks, bulk loading and clustering as storing here — and is replaced
after `recycle` documents. The parent keeps only the Dask client.

Each batch is stored whole before the next is sent (a batch is one `store_in_order` call), so a
storing process that dies loses at most the batch in hand: its documents are reported as
failures with the reason, the documents already committed stay stored, and a new process takes
the rest (running the ingest again stores what failed; stored ones are skipped as duplicates).
"""
from __future__ import annotations

import multiprocessing as mp
import resource
from collections.abc import Iterable

from sitrep.model import Failure

RECYCLE = 2000       # documents one storing process takes before it is replaced


def can_store_in_child(url: str) -> bool:
    """Whether another process can open the store by its URL (not an in-memory SQLite store)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return not (u.get_backend_name() == "sqlite" and (u.database or ":memory:") == ":memory:")


def _serve(conn, url: str, near_threshold: float, batch_size: int) -> None:
    """The storing process: each message is a batch to store (reply: the progress events and the
    batch's `Summary`); None ends it (reply: this process's peak RSS in kB)."""
    from sitrep import batch
    from sitrep.store import Store

    with Store.open(url, near_threshold=near_threshold) as store:
        first = True
        while True:
            items = conn.recv()
            if items is None:
                conn.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                return
            events: list[str] = []
            summary = batch.Summary()
            batch.store_in_order(items, store, summary, progress=events.append, batch_size=batch_size,
                                 sweep=first)
            first = False
            conn.send((events, summary))


class _Child:
    def __init__(self, url: str, near_threshold: float, batch_size: int):
        ctx = mp.get_context("spawn")
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(theirs, url, near_threshold, batch_size),
                                name="sitrep-store", daemon=True)
        self.proc.start()
        theirs.close()
        self.documents = 0

    def store(self, items: list):
        self.conn.send(items)
        self.documents += len(items)
        return self.conn.recv()

    def finish(self) -> int:
        """End it; its peak RSS in kB (0 when it had died)."""
        try:
            self.conn.send(None)
            peak = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            peak = 0
        self.proc.join(30)
        if self.proc.is_alive():
            self.proc.kill()
        self.conn.close()
        return peak

    def died(self) -> str:
        self.proc.join(5)
        return f"exit code {self.proc.exitcode}" if self.proc.exitcode is not None else "no answer"


def store_in_children(results: Iterable, store, summary, *, progress, batch_size: int = 200,
                      recycle: int = RECYCLE) -> list[int]:
    """`sitrep.batch.store_in_order` for `store` (opened again by its URL in each child), run in
    storing processes replaced every `recycle` documents. Adds to `summary`; returns the peak RSS
    (kB) of each storing process."""
    peaks: list[int] = []
    child: _Child | None = None
    pending: list = []

    def send() -> None:
        nonlocal child
        if not pending:
            return
        if child is None:
            child = _Child(store.url, store.near_threshold, batch_size)
        try:
            events, part = child.store(pending)
        except (EOFError, OSError, BrokenPipeError):
            why = child.died()
            for item in pending:
                origin = item.origin if isinstance(item, Failure) else item[0].origin
                summary.read += 1
                reason = (f"the storing process died ({why}) with this document's batch: run the ingest "
                          "again (stored documents are skipped)")
                summary.failures.append(Failure(origin, reason))
                store.add_failure(origin, reason)
                progress("failed")
            peaks.append(0)
            child = None
        else:
            for e in events:
                progress(e)
            summary.add(part)
            if child.documents >= recycle:
                peaks.append(child.finish())
                child = None
        pending.clear()

    try:
        for item in results:
            pending.append(item)
            if len(pending) >= batch_size:
                send()
        send()
    finally:
        if child is not None:
            peaks.append(child.finish())
    return peaks
