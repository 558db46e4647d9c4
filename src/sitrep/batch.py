"""Batch runs: inputs → pipeline → store (`ingest`) or → JSON Lines (`extract`), with a tally.

Both runs read with `sitrep.ingest.documents`, flag exact and near duplicates before
any parsing, stream the rest through one `Pipeline`, and count what happened in a
`Summary`. A bad record becomes a failure with its file, line and reason; the run goes on.
"""
from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from sitrep.ingest import DEFAULT_MAX_BYTES, dedup, documents
from sitrep.model import Extraction, Failure, SourceDoc
from sitrep.store import Store, StoreError

# the pipeline (spaCy and the extractors) is imported where documents are parsed: a storing
# process (`sitrep.engine.storing`) needs none of it
if TYPE_CHECKING:
    from sitrep.pipeline import Pipeline

Progress = Callable[[str], None]   # called once per record handled, with what became of it


@dataclass
class Summary:
    read: int = 0
    stored: int = 0
    skipped_duplicates: int = 0
    near_duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    entities: int = 0
    mentions: int = 0
    places: int = 0
    timexes: int = 0
    words: int = 0
    seconds: float = 0.0
    storing_peak_rss_kb: int = 0    # the largest peak of the storing processes (`sitrep.engine.storing`), if any

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    def count(self, ext: Extraction, src: SourceDoc) -> None:
        self.stored += 1
        self.words += src.words
        self.entities += len(ext.entities)
        self.mentions += sum(len(e.mentions) for e in ext.entities)
        self.places += len(ext.places)
        self.timexes += len(ext.timexes)

    def add(self, other: Summary) -> None:
        """Add the tally of another part of the same run (`seconds` stays this one's)."""
        for f in ("read", "stored", "skipped_duplicates", "near_duplicates", "entities", "mentions", "places",
                  "timexes", "words"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.failures += other.failures

    def as_dict(self) -> dict:
        return {"read": self.read, "stored": self.stored, "skipped_duplicates": self.skipped_duplicates,
                "near_duplicates": self.near_duplicates, "failed": len(self.failures),
                "failures": [{"origin": f.origin, "reason": f.reason} for f in self.failures],
                "entities": self.entities, "mentions": self.mentions, "places": self.places,
                "timexes": self.timexes, "words": self.words, "seconds": round(self.seconds, 3),
                "words_per_second": round(self.words_per_second, 1)}


@dataclass
class _Queued:
    src: SourceDoc
    sig: object
    near: dedup.Match | None


def _already_stored(doc: SourceDoc, store: Store, pending, summary: Summary, progress: Progress,
                    fail: Callable[[str, str], None]) -> bool:
    """Whether a document goes no further: its text is stored or pending already (a skipped
    duplicate), or its id is, with another text (a failure). Both ingest paths ask this."""
    if pending.exact(doc.content_hash) or store.find_exact(doc.content_hash):
        summary.skipped_duplicates += 1
        progress("skipped")
        return True
    if doc.id in pending or store.has_id(doc.id):
        fail(doc.origin, f"id {doc.id!r} is already stored with a different text")
        return True
    return False


def _noop(_: str) -> None:
    pass


def _results(pipeline: Pipeline | None, docs: Iterable[SourceDoc], workers: int):
    """Documents and their extractions, in input order: in this process, or in `workers` processes."""
    if workers > 1:
        from sitrep import parallel
        from sitrep.nlp import MODEL

        return parallel.process(docs, workers, pipeline.model if pipeline else MODEL)
    if pipeline is None:
        from sitrep.pipeline import Pipeline

        pipeline = Pipeline()
    return pipeline.process(docs)


CLUSTER_EVERY = 200   # documents stored between two clustering passes of `ingest`


def _cluster(store: Store, order: list[str], fail: Callable[[str, str], None], everything: bool = True) -> None:
    """One clustering pass (`Store.cluster_pending`) over the documents this run stored since the
    last (`order`), and with `everything` over every stored document still without its real-world
    events (what a killed run left), oldest first. A pass that fails leaves its documents stored
    without real-world events, and the next run's first pass takes them up again."""
    try:
        store.cluster_pending(order, everything=everything)
    except Exception as e:  # the pass rolled back; the documents themselves stay stored
        fail(store.url, f"could not cluster the stored documents (the next run will): {type(e).__name__}: {e}")
    order.clear()


def ingest(paths: Iterable[str], store: Store, pipeline: Pipeline | None, *, max_bytes: int = DEFAULT_MAX_BYTES,
           progress: Progress = _noop, workers: int = 1,
           docs: Iterable[SourceDoc | Failure] | None = None, cluster_every: int = CLUSTER_EVERY) -> Summary:
    """Extract and store every document under `paths` (or the prepared `docs`, as `sitrep watch`
    hands them over); idempotent. With `workers` > 1 the extraction runs in that many processes
    (`pipeline` may then be None).

    Each document is stored in its own transaction; their events get their real-world events
    in passes over `cluster_every` stored documents at a time, and a last pass before this
    returns (one transaction for a batch of documents is what makes clustering fast). A run
    killed between a document and its pass leaves that document stored without real-world
    events: the next run's first pass gives them, in ingest order, before its own documents."""
    summary = Summary()
    t0 = time.perf_counter()
    pending = dedup.MemoryIndex(store.near_threshold)   # read but not yet stored
    unclustered: list[str] = []                          # stored by this run since the last pass
    swept = False                                        # whether a pass looked for every unclustered one

    def fail(origin: str, reason: str) -> None:
        summary.failures.append(Failure(origin, reason))
        store.add_failure(origin, reason)
        progress("failed")

    def admitted() -> Iterator[_Queued]:
        for item in documents(paths, max_bytes) if docs is None else docs:
            summary.read += 1
            if isinstance(item, Failure):
                fail(item.origin, item.reason)
                continue
            if _already_stored(item, store, pending, summary, progress, fail):
                continue
            sig = dedup.signature(item.text)
            candidates = [m for m in (store.find_near(sig), pending.near(sig)) if m]
            near = max(candidates, key=lambda m: m.score) if candidates else None
            pending.add(item.id, item.content_hash, sig)
            yield _Queued(item, sig, near)

    queued: deque[_Queued] = deque()   # pipeline.process keeps input order

    def sources() -> Iterator[SourceDoc]:
        for q in admitted():
            queued.append(q)
            yield q.src

    for src, result in _results(pipeline, sources(), workers):
        q = queued.popleft()
        try:
            if isinstance(result, Failure):
                fail(result.origin, result.reason)
                continue
            try:
                stored = store.save(src, result, q.sig, q.near, cluster=False)
            except StoreError as e:
                fail(src.origin, str(e))
                continue
            except Exception as e:  # the transaction rolled back: nothing half-written
                fail(src.origin, f"could not store: {type(e).__name__}: {e}")
                continue
            if not stored:            # another ingest into this store stored the same text meanwhile
                summary.skipped_duplicates += 1
                progress("skipped")
                continue
            summary.count(result, src)
            summary.near_duplicates += q.near is not None
            unclustered.append(src.id)
            if len(unclustered) >= cluster_every:    # the first pass also takes what a killed run left
                _cluster(store, unclustered, fail, everything=not swept)
                swept = True
            progress("stored")
        finally:
            pending.discard(src.id, src.content_hash)
    _cluster(store, unclustered, fail, everything=not swept)
    summary.seconds = time.perf_counter() - t0
    return summary


Extracted = tuple  # (SourceDoc, Extraction | Failure, signature | None), or a Failure of reading


def store_in_order(results: Iterable[Extracted | Failure], store: Store, summary: Summary, *,
                   progress: Progress = _noop, batch_size: int = 200, sweep: bool = True) -> None:
    """Store documents extracted elsewhere (by Dask workers), in input order, by bulk loading:
    the same duplicate checks as `ingest` (exact, same id, near), then `batch_size` documents
    per transaction (`Store.save_many`); a batch that fails is saved one document at a time,
    so a bad one fails alone and each document stays all or nothing. `sweep`: first cluster what
    an earlier, killed run left without real-world events (a run that calls this per batch does
    it once)."""
    pending = dedup.MemoryIndex(store.near_threshold)
    queued: list[tuple[SourceDoc, Extraction, object, dedup.Match | None]] = []

    def fail(origin: str, reason: str) -> None:
        summary.failures.append(Failure(origin, reason))
        store.add_failure(origin, reason)
        progress("failed")

    if sweep:
        _cluster(store, [], fail)     # first what an earlier, killed run left without real-world events

    def stored(src: SourceDoc, ext: Extraction, near) -> None:
        summary.count(ext, src)
        summary.near_duplicates += near is not None
        progress("stored")

    def flush() -> None:
        if not queued:
            return
        try:
            store.save_many(queued)
            for src, ext, _, near in queued:
                stored(src, ext, near)
        except Exception:
            for src, ext, sig, near in queued:
                try:
                    ok = store.save(src, ext, sig, near)
                except StoreError as e:
                    fail(src.origin, str(e))
                    continue
                except Exception as e:  # the transaction rolled back: nothing half-written
                    fail(src.origin, f"could not store: {type(e).__name__}: {e}")
                    continue
                if ok:
                    stored(src, ext, near)
                else:
                    summary.skipped_duplicates += 1
                    progress("skipped")
        for src, *_ in queued:
            pending.discard(src.id, src.content_hash)
        queued.clear()

    for item in results:
        summary.read += 1
        if isinstance(item, Failure):
            fail(item.origin, item.reason)
            continue
        src, result, sig = item
        if _already_stored(src, store, pending, summary, progress, fail):
            continue
        if isinstance(result, Failure):
            fail(result.origin, result.reason)
            continue
        candidates = [m for m in (store.find_near(sig), pending.near(sig)) if m]
        near = max(candidates, key=lambda m: m.score) if candidates else None
        pending.add(src.id, src.content_hash, sig)
        queued.append((src, result, sig, near))
        if len(queued) >= batch_size:
            flush()
    flush()


def extract(paths: Iterable[str], out: IO[str], pipeline: Pipeline | None, *, max_bytes: int = DEFAULT_MAX_BYTES,
            include_text: bool = True, progress: Progress = _noop, workers: int = 1) -> Summary:
    """Write one contract object per readable document to `out` (JSON Lines), in input order."""
    summary = Summary()
    t0 = time.perf_counter()
    seen = dedup.MemoryIndex()
    near_of: deque[dedup.Match | None] = deque()   # pipeline.process keeps input order

    def sources() -> Iterator[SourceDoc]:
        for item in documents(paths, max_bytes):
            summary.read += 1
            if isinstance(item, Failure):
                summary.failures.append(item)
                progress("failed")
                continue
            sig = dedup.signature(item.text)
            first = seen.exact(item.content_hash)
            near_of.append(dedup.Match(first, 1.0) if first else seen.near(sig))
            seen.add(item.id, item.content_hash, sig)
            yield item

    for src, result in _results(pipeline, sources(), workers):
        near = near_of.popleft()
        if isinstance(result, Failure):
            summary.failures.append(result)
            progress("failed")
            continue
        ext = result.remapped(src)
        ext.near_duplicate_of = near.doc_id if near else None
        d = ext.to_dict()
        if not include_text:
            d.pop("text", None)
        out.write(json.dumps(d, ensure_ascii=False) + "\n")
        summary.count(result, src)
        summary.near_duplicates += near is not None
        progress("stored")
    summary.seconds = time.perf_counter() - t0
    return summary
