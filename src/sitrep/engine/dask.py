"""Extraction on a Dask cluster: `ingest(paths, store, …)`.

The client (this process) plans the partitions (`sitrep.engine.parts`) and sends each one as a
task; a worker reads its partition itself, runs it through the worker's one `Pipeline` (loaded
once per worker process: a worker plugin loads it when the worker joins, and the task finds it
in this module's cache) and sends back the batch: every document with its extraction (or the
failure) and its MinHash signature, and the failures of reading. The client takes the batches
back in input order, a few partitions in flight per worker (memory stays bounded), and hands
them to a storing process (`sitrep.engine.storing`, replaced every few thousand documents) that
stores them through `sitrep.batch.store_in_order` (the duplicate checks of the local path, bulk
loading, one transaction per batch, each document all or nothing), which clusters the new
events with the store's own code.

Without a scheduler address a `LocalCluster` of worker processes (one thread each: parsing
holds the GIL) runs on this machine; with one (`tcp://host:8786`) the cluster's workers must
have sitrep installed and see the input files at the same paths.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from distributed.diagnostics.plugin import WorkerPlugin

from sitrep.engine import parts as P
from sitrep.engine import storing as S
from sitrep.ingest import DEFAULT_MAX_BYTES, dedup
from sitrep.model import Failure

_PIPELINES: dict[tuple[str, str | None], object] = {}


def _pipeline(model: str, countries: str | None):
    """This worker process's pipeline (loaded on first use, then kept)."""
    key = (model, countries)
    if key not in _PIPELINES:
        if countries is not None:
            os.environ["SITREP_COUNTRIES"] = countries
        from sitrep.pipeline import Pipeline

        _PIPELINES[key] = Pipeline(model)
    return _PIPELINES[key]


def extract_partition(part: P.Partition, max_bytes: int, model: str, countries: str | None) -> list:
    """Run on a worker: one partition's documents through the pipeline. Returns, in input order,
    failures of reading and (document, extraction or failure, signature) triples."""
    out: list = []
    docs = []
    for item in P.read(part, max_bytes):
        if isinstance(item, Failure):
            out.append(item)
        else:
            out.append(None)
            docs.append(item)
    try:
        results = iter(_pipeline(model, countries).process(docs))
    except Exception as e:  # the pipeline could not load: its documents fail, with the reason
        results = iter([(d, Failure(d.origin, f"could not load the pipeline: {type(e).__name__}: {e}")) for d in docs])
    for i, slot in enumerate(out):
        if slot is None:
            src, result = next(results)
            out[i] = (src, result, None if isinstance(result, Failure) else dedup.signature(src.text))
    return out


class PipelinePlugin(WorkerPlugin):
    """Load the pipeline when a worker starts, not on its first task (a failure to load is
    reported with the documents of that worker's first task)."""
    name = "sitrep-pipeline"

    def __init__(self, model: str, countries: str | None):
        self.model, self.countries = model, countries

    def setup(self, worker) -> None:
        try:
            _pipeline(self.model, self.countries)
        except Exception:
            logging.getLogger(__name__).exception("sitrep: could not load the pipeline on this worker")


def run(paths: Iterable[str], *, workers: int = 2, scheduler: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
        model: str | None = None, on_start: Callable[[str | None], None] | None = None,
        on_part: Callable[[], None] | None = None) -> Iterator:
    """Extractions and failures of every input, in input order, computed on a Dask cluster."""
    from distributed import Client, LocalCluster

    from sitrep.nlp import MODEL

    model = model or MODEL
    countries = os.environ.get("SITREP_COUNTRIES")
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        client.register_plugin(PipelinePlugin(model, countries), name=PipelinePlugin.name)
        if on_start:
            on_start(client.dashboard_link)
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = 2 * n + 1
        inflight: deque = deque()
        planned = P.plan(paths)

        def submit_next() -> bool:
            for item in planned:
                if isinstance(item, Failure):
                    inflight.append((item, None))
                    continue
                inflight.append((item, client.submit(extract_partition, item, max_bytes, model, countries,
                                                     pure=False)))
                return True
            return False

        more = True
        while more and len([f for _, f in inflight if f is not None]) < window:
            more = submit_next()
        while inflight:
            item, fut = inflight.popleft()
            if fut is None:
                yield item
                continue
            try:
                batch = fut.result()
            except Exception as e:      # the worker died on it (several times) or the task could not run
                origins = ", ".join(x.origin for x in item.items)
                yield Failure(origins, f"extraction failed on a Dask worker: {type(e).__name__}: {e}")
                batch = []
            fut.release()
            yield from batch
            if on_part:
                on_part()
            if more:
                more = submit_next()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def ingest(paths: Iterable[str], store, *, workers: int = 2, scheduler: str | None = None,
           max_bytes: int = DEFAULT_MAX_BYTES, progress=None, on_start=None, batch_size: int = 200,
           recycle: int = S.RECYCLE):
    """`sitrep.batch.ingest` with the extraction on a Dask cluster. Returns the `Summary`.

    The batches are stored by a child process replaced every `recycle` documents (this process's
    memory then stays flat however big the corpus: `sitrep.engine.storing`); `recycle=0`, or a
    store only this process can open (in-memory SQLite), stores them here."""
    import time

    from sitrep import batch

    summary = batch.Summary()
    t0 = time.perf_counter()
    results = run(paths, workers=workers, scheduler=scheduler, max_bytes=max_bytes, on_start=on_start)
    if recycle and S.can_store_in_child(store.url):
        peaks = S.store_in_children(results, store, summary, progress=progress or batch._noop,
                                    batch_size=batch_size, recycle=recycle)
        summary.storing_peak_rss_kb = max(peaks, default=0)
    else:
        batch.store_in_order(results, store, summary, progress=progress or batch._noop, batch_size=batch_size)
    summary.seconds = time.perf_counter() - t0
    return summary
