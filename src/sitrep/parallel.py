"""Parallel extraction: batches of documents through `Pipeline` in worker processes, in order.

Parsing and extraction are CPU-bound and hold the GIL, so more than one core needs more
than one process. Each worker loads its own `Pipeline` once (the spaCy model and the
gazetteer, ~0.5 GB); the calling process only reads, deduplicates and stores. Results come
back in input order, with at most two batches per worker in flight, so memory stays bounded
whatever the size of the input.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from sitrep.model import Extraction, Failure, SourceDoc

_worker_pipeline = None


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _init(model: str) -> None:
    global _worker_pipeline
    from sitrep.pipeline import Pipeline

    _worker_pipeline = Pipeline(model)


def _run(batch: list[SourceDoc]) -> list[Extraction | Failure]:
    return [result for _, result in _worker_pipeline.process(batch)]


def process(docs: Iterable[SourceDoc], workers: int, model: str, batch_size: int = 16,
            ) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
    """Like `Pipeline.process`, over `workers` processes."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(model,)) as pool:
        pending: deque = deque()
        batch: list[SourceDoc] = []

        def drain(limit: int) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
            while len(pending) > limit:
                sent, fut = pending.popleft()
                try:
                    results = fut.result()
                except Exception as e:  # a worker died: its documents fail, the run goes on
                    results = [Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}") for d in sent]
                yield from zip(sent, results)

        for d in docs:
            batch.append(d)
            if len(batch) >= batch_size:
                pending.append((batch, pool.submit(_run, batch)))
                batch = []
                yield from drain(2 * workers)
        if batch:
            pending.append((batch, pool.submit(_run, batch)))
        yield from drain(0)
