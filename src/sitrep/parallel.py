"""Parallel extraction: batches of documents through `Pipeline` in worker processes, in order.

Parsing and extraction are CPU-bound and hold the GIL, so more than one core needs more
than one process. Each worker loads its own `Pipeline` once (the spaCy model and the
gazetteer, ~0.5 GB); the calling process only reads, deduplicates and stores. Results come
back in input order, with at most two batches per worker in flight, so memory stays bounded
whatever the size of the input.

A worker that dies (killed, out of memory, a crash in native code) takes the pool down with
every batch in flight. The pool is then started afresh and the documents that were in flight
run again one at a time in it: the one the worker died on is found and reported as failed,
every other one is extracted. A worker that cannot load the pipeline reports that reason for
its documents (and tries again for the next batch) instead of dying.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sitrep.model import Extraction, Failure, SourceDoc

_worker_pipeline = None
_worker_model: str | None = None


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _load(model: str) -> str | None:
    """Load the worker's pipeline; the reason it could not be loaded, or None."""
    global _worker_pipeline, _worker_model
    _worker_model = model
    try:
        from sitrep.pipeline import Pipeline

        _worker_pipeline = Pipeline(model)
        return None
    except Exception as e:   # reported with each document, not a dead worker
        return f"{type(e).__name__}: {e}"


def _init(model: str) -> None:
    _load(model)


def _run(batch: list[SourceDoc]) -> list[Extraction | Failure]:
    if _worker_pipeline is None:
        reason = _load(_worker_model)
        if reason is not None:
            return [Failure(d.origin, f"could not load the pipeline: {reason}") for d in batch]
    return [result for _, result in _worker_pipeline.process(batch)]


class _Pool:
    """A process pool that can be started afresh after a worker died."""

    def __init__(self, workers: int, model: str):
        self.workers, self.model = workers, model
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_init, initargs=(self.model,))

    def submit(self, batch: list[SourceDoc]):
        return self.pool.submit(_run, batch)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def one_by_one(self, docs: list[SourceDoc]) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
        """Each document alone, so that a worker dying costs only the document it was on."""
        for d in docs:
            try:
                (result,) = self.submit([d]).result()
            except BrokenProcessPool:
                result = Failure(d.origin, "extraction failed: the worker process died on this document "
                                           "(killed, out of memory, or a crash in native code)")
                self.restart()
            except Exception as e:
                result = Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}")
            yield d, result


def process(docs: Iterable[SourceDoc], workers: int, model: str, batch_size: int = 16,
            ) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
    """Like `Pipeline.process`, over `workers` processes."""
    pool = _Pool(workers, model)
    pending: deque = deque()
    batch: list[SourceDoc] = []

    def submit(b: list[SourceDoc]) -> None:
        try:
            pending.append((b, pool.submit(b)))
        except BrokenProcessPool:          # the pool broke since the last result: noticed below
            pending.append((b, None))

    def drain(limit: int) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
        while len(pending) > limit:
            sent, fut = pending.popleft()
            try:
                if fut is None:
                    raise BrokenProcessPool("the pool broke before this batch was sent")
                results = fut.result()
            except Exception:
                # a worker died (the pool broke: every batch in flight is lost with it) or the batch
                # could not travel: start afresh and run these documents again, one at a time
                suspects = sent + [d for b, _ in pending for d in b]
                pending.clear()
                pool.restart()
                yield from pool.one_by_one(suspects)
                continue
            yield from zip(sent, results)

    try:
        for d in docs:
            batch.append(d)
            if len(batch) >= batch_size:
                submit(batch)
                batch = []
                yield from drain(2 * workers)
        if batch:
            submit(batch)
        yield from drain(0)
    finally:
        pool.close()
