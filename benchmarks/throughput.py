"""Ingest throughput: `sitrep ingest` end to end versus bare spaCy on the same texts.

What it measures
    1. bare spaCy: `nlp.pipe(texts, batch_size=32)` over the cleaned texts, doing
       nothing with the parsed Docs — the floor set by the model alone;
    2. sitrep ingest: `sitrep.batch.ingest([corpus.jsonl], store, pipeline)` into a
       fresh SQLite file — reading, cleaning, date detection, exact and near-duplicate
       checks, the same spaCy parse, entity/place/timex extraction and the
       one-transaction-per-document writes.
    Bare spaCy is the installed model alone (`sitrep.nlp.load_model()`); the ingest
    side is a `Pipeline`, whose spaCy pipeline also runs sitrep's own components
    (gazetteer places). Models are loaded once, not timed, and both sides parse
    exactly the same strings; after a short warm-up the bare side runs first, then
    the ingest (with `--repeat N`, N such rounds, interleaved).

Corpus
    The bundled examples (`examples/`, read with sitrep's own readers) plus
    `../shared/corpus/us-gov-press/docs.jsonl` (relative to the repository root),
    repeated until there are at least `--words` words (default 200,000). Copy N of
    a text ends with a line "(Benchmark copy N.)", so no copy is an exact duplicate
    (which ingest would skip); later copies are still *near* duplicates of the
    first, so the near-duplicate lookup does real work, as it would on a feed that
    reposts stories. The corpus is written to one JSON Lines file in a temp dir.

How to run
    make bench
    .venv/bin/python benchmarks/throughput.py [--words 200000] [--repeat N] [--json]

What the figures mean
    words/s counts whitespace-separated words of the cleaned text (`len(text.split())`,
    the same count `sitrep stats` reports) over wall-clock seconds. "ratio" is
    ingest words/s divided by bare spaCy words/s: 1.0 would mean everything sitrep
    adds costs nothing; 1 - ratio is roughly the share of ingest time spent outside spaCy.
    The two sides are separate runs, so on a busy or throttled machine the ratio
    moves by ±10% from run to run; `--repeat 3` (best of each side) steadies it.
    Ingest runs as `sitrep ingest` does: extraction in up to 2 worker processes (one per core;
    `--workers 1` for one), reading, deduplication and storing in the main process; bare
    spaCy is one `nlp.pipe` in one process, as spaCy runs by default.
    "time outside nlp.pipe" (meaningful with --workers 1 only) needs no second run: during the ingest the pipeline's
    `nlp.pipe` (spaCy plus sitrep's components) is wrapped to add up its seconds, and
    the rest of the ingest's wall time (reading, cleaning, dedup, extraction,
    resolution, SQLite) is the remainder.
    Peak RSS is the process's high-water mark (`getrusage` ru_maxrss), so it covers
    the model, the corpus in memory and both runs. With `--repeat N` each side runs
    N times (each ingest into a fresh database) and the best run is reported.
    This is a benchmark, not a test: it asserts nothing about speed. It exits non-zero
    only if a run is broken (documents not stored, failures, word counts that differ).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitrep import batch
from sitrep.ingest import documents
from sitrep.ingest.clean import clean_text
from sitrep.model import Failure
from sitrep.nlp import load_model
from sitrep.pipeline import Pipeline
from sitrep.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOV_PRESS = ROOT.parent / "shared" / "corpus" / "us-gov-press" / "docs.jsonl"
BATCH_SIZE = 32
WARMUP_TEXTS = 20

err = Console(stderr=True)


def fail(msg: str) -> None:
    err.print(f"[bold red]benchmark broken:[/] {msg}")
    sys.exit(1)


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024   # bytes on macOS, KiB on Linux


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


# ---------------------------------------------------------------------- corpus
def base_records() -> list[dict]:
    """One record per source text: the examples as sitrep reads them, then the press releases."""
    records: list[dict] = []
    if not EXAMPLES.is_dir():
        fail(f"{EXAMPLES} not found")
    for item in documents([str(EXAMPLES)]):
        if isinstance(item, Failure):
            continue   # the examples may include deliberately bad records; they are not throughput
        records.append({"id": item.id, "text": item.text, "title": item.title, "url": item.url,
                        "source": item.source,
                        # a date given as metadata stays metadata; one found in the text is found again
                        "published": item.published if item.published_source == "metadata" else None})
    if not GOV_PRESS.is_file():
        fail(f"{GOV_PRESS} not found (the shared corpus lives next to the repository)")
    with GOV_PRESS.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                records.append({"id": r["id"], "text": r["text"], "title": r.get("title"), "url": r.get("url"),
                                "source": r.get("source"), "published": r.get("published")})
    if not records:
        fail("no source texts")
    return records


def build_corpus(base: list[dict], min_words: int, path: Path) -> list[str]:
    """Write copies of `base` to `path` until `min_words`; return the cleaned texts, in file order."""
    texts: list[str] = []
    words = 0
    copy = 0
    with path.open("w", encoding="utf-8") as out:
        while words < min_words or copy == 0:
            copy += 1
            for r in base:
                rec = dict(r, id=f"{r['id']}#copy{copy}", text=f"{r['text']}\n\n(Benchmark copy {copy}.)")
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                cleaned = clean_text(rec["text"]).text   # what ingest will analyse
                texts.append(cleaned)
                words += len(cleaned.split())
    return texts


# ---------------------------------------------------------------------- the two sides
def run_bare(nlp, texts: list[str]) -> float:
    with progress_bar() as p:
        task = p.add_task("bare spaCy", total=len(texts))
        t0 = time.perf_counter()
        for i, _ in enumerate(nlp.pipe(texts, batch_size=BATCH_SIZE), 1):
            if i % BATCH_SIZE == 0:
                p.update(task, completed=i)
        seconds = time.perf_counter() - t0
    return seconds


class _TimedPipe:
    """Stands in for `nlp.pipe` during an ingest run, adding up the time spent inside spaCy."""

    def __init__(self, nlp):
        self.nlp, self.pipe, self.seconds = nlp, nlp.pipe, 0.0

    def __call__(self, *args, **kw):
        it = iter(self.pipe(*args, **kw))
        while True:
            t0 = time.perf_counter()
            try:
                doc = next(it)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - t0
            yield doc

    def __enter__(self) -> _TimedPipe:
        self.nlp.pipe = self   # an instance attribute shadows the method for this run only
        return self

    def __exit__(self, *exc) -> None:
        del self.nlp.pipe


def run_ingest(pipeline: Pipeline, corpus: Path, db: Path, n_docs: int,
               workers: int = 1) -> tuple[batch.Summary, float, float, int]:
    """One ingest into a fresh SQLite file: (summary, seconds, seconds inside spaCy, file size)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = Store.open(str(db))
    try:
        with progress_bar() as p, _TimedPipe(pipeline.nlp) as spacy_time:
            task = p.add_task("sitrep ingest", total=n_docs)
            t0 = time.perf_counter()
            summary = batch.ingest([str(corpus)], store, pipeline, progress=lambda _: p.advance(task),
                                   workers=workers)
            seconds = time.perf_counter() - t0
    finally:
        store.close()   # checkpoints the WAL into the main file
    size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal", "-shm") if Path(f"{db}{s}").exists())
    return summary, seconds, spacy_time.seconds, size


def check(summary: batch.Summary, n_docs: int, words: int) -> None:
    if summary.stored == 0:
        fail("ingest stored no documents")
    if summary.failures:
        shown = "; ".join(f"{f.origin}: {f.reason}" for f in summary.failures[:3])
        fail(f"{len(summary.failures)} failures during ingest (first: {shown})")
    if summary.stored != n_docs:
        fail(f"ingest stored {summary.stored} of {n_docs} documents "
             f"({summary.skipped_duplicates} skipped as exact duplicates)")
    if summary.words != words:
        fail(f"ingest counted {summary.words:,} words, the bare side {words:,}: the two sides parsed different texts")


# ---------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=200_000, help="minimum corpus size in words (default 200000)")
    ap.add_argument("--repeat", type=int, default=1, help="run each side N times, report the best (default 1)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--workers", type=int, default=None,
                    help="ingest's extraction processes (default: what `sitrep ingest` uses, up to 2)")
    args = ap.parse_args(argv)
    from sitrep.parallel import default_workers
    workers = args.workers or default_workers()
    if args.repeat < 1 or args.words < 1:
        ap.error("--words and --repeat must be positive")

    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus.jsonl"
        db = tmp_path / "bench.db"

        with err.status("building the corpus…", spinner="dots") if err.is_terminal else contextlib.nullcontext():
            base = base_records()
            texts = build_corpus(base, args.words, corpus)
        n_docs, words = len(texts), sum(len(t.split()) for t in texts)

        with err.status("loading the model…", spinner="dots") if err.is_terminal else contextlib.nullcontext():
            t0 = time.perf_counter()
            pipeline = Pipeline(batch_size=BATCH_SIZE)
            load_seconds = time.perf_counter() - t0
            nlp = load_model()                       # spaCy alone: the bare side
        for model in (nlp, pipeline.nlp):
            for _ in model.pipe(texts[:WARMUP_TEXTS], batch_size=BATCH_SIZE):   # warm-up, not timed
                pass

        # Rounds of (bare, then ingest): interleaving spreads slow spells of a shared machine over both sides.
        bare_seconds = float("inf")
        best: tuple[batch.Summary, float, float, int] | None = None
        for _ in range(args.repeat):
            bare_seconds = min(bare_seconds, run_bare(nlp, texts))
            run = run_ingest(pipeline, corpus, db, n_docs, workers)
            check(run[0], n_docs, words)
            if best is None or run[1] < best[1]:
                best = run
        summary, ingest_seconds, spacy_in_ingest, db_size = best

    bare_wps = words / bare_seconds
    ingest_wps = summary.words / ingest_seconds
    figures = {
        "documents": n_docs,
        "source_texts": len(base),
        "copies": n_docs // len(base),
        "words": words,
        "bare_spacy_seconds": round(bare_seconds, 3),
        "bare_spacy_words_per_second": round(bare_wps, 1),
        "ingest_seconds": round(ingest_seconds, 3),
        "ingest_words_per_second": round(ingest_wps, 1),
        "ratio": round(ingest_wps / bare_wps, 3),
        "ingest_spacy_seconds": round(spacy_in_ingest, 3),
        "ingest_outside_spacy_seconds": round(ingest_seconds - spacy_in_ingest, 3),
        "ingest_outside_spacy_share": round((ingest_seconds - spacy_in_ingest) / ingest_seconds, 3),
        "near_duplicates": summary.near_duplicates,
        "entities": summary.entities,
        "places": summary.places,
        "timexes": summary.timexes,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "sqlite_bytes": db_size,
        "sqlite_mb": round(db_size / 1e6, 2),
        "model": nlp.meta.get("lang", "") + "_" + nlp.meta.get("name", ""),
        "model_load_seconds": round(load_seconds, 2),
        "repeat": args.repeat,
        "ingest_workers": workers,
        "batch_size": BATCH_SIZE,
        "spacy": spacy.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }

    if args.json:
        print(json.dumps(figures))
        return 0

    out = Console()
    t = Table(title=f"sitrep ingest throughput ({figures['model']}, best of {args.repeat})", show_header=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("documents", f"{n_docs:,} ({len(base)} texts × {figures['copies']} copies)")
    t.add_row("words", f"{words:,}")
    t.add_row("bare spaCy nlp.pipe", f"{bare_wps:,.0f} words/s ({bare_seconds:.1f} s)")
    t.add_row("sitrep ingest (SQLite)", f"{ingest_wps:,.0f} words/s ({ingest_seconds:.1f} s)")
    t.add_row("ratio ingest / bare", f"{figures['ratio']:.3f} (ingest with {workers} extraction process"
                                     f"{'es' if workers > 1 else ''}, bare spaCy in one)")
    t.add_row("ingest time outside nlp.pipe", f"{figures['ingest_outside_spacy_seconds']:.1f} s "
                                            f"({figures['ingest_outside_spacy_share']:.1%} of the ingest run)")
    t.add_row("peak RSS", f"{figures['peak_rss_mb']:,.0f} MB")
    t.add_row("SQLite file", f"{figures['sqlite_mb']:,.1f} MB")
    t.add_row("stored items", f"{summary.entities:,} entities, {summary.places:,} places, "
                               f"{summary.timexes:,} timexes; {summary.near_duplicates:,} near duplicates")
    out.print(t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
