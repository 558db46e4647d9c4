"""One round of `sitrep watch`, and the loop of rounds.

A round (1) fetches every source that is due (all of them with `force`), with a conditional GET,
and queues the article URLs it lists that were never seen (one transaction per source, with its
validators); (2) fetches the queued articles (new ones, and failed ones with tries left), a few
at a time (several hosts at once, each host's one after another), reads each page's main text, title and date with trafilatura (the listing's date is the
`published` metadata), and ingests them through `sitrep.batch.ingest` — the path of `sitrep ingest`,
with its duplicate checks and failures table; an article is marked done once its text is stored.
A failure (of a source or an article) is recorded with its URL and reason and never stops the round.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from itertools import zip_longest
from urllib.parse import urlsplit

from sitrep import batch
from sitrep.ingest import DEFAULT_MAX_BYTES, prepare, pubdate
from sitrep.ingest.readers import BadInput, _record_from_html
from sitrep.model import SourceDoc
from sitrep.store import watch as W
from sitrep.watch import feeds
from sitrep.watch.fetch import Fetcher, FetchError
from sitrep.watch.sources import Source

MAX_CHILD_SITEMAPS = 50
FIRST_RETRY = 60.0      # a failing source is asked again after 1, 2, 4… minutes (at most --every)
Progress = Callable[[str, str, str], None]    # (phase, url, outcome)


def _noop(*_: str) -> None:
    pass


@dataclass
class RoundSummary:
    round_id: int = 0
    started_at: str = ""
    sources: int = 0
    sources_failed: int = 0
    new_items: int = 0
    articles: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self) | {"failures": [{"url": u, "reason": r} for u, r in self.failures]}


# ------------------------------------------------------------------ sources
def _conditional(row: dict) -> dict[str, str]:
    h = {}
    if row.get("etag"):
        h["If-None-Match"] = row["etag"]
    if row.get("last_modified"):
        h["If-Modified-Since"] = row["last_modified"]
    return h


def _listing(fetcher: Fetcher, kind: str, r) -> list[feeds.Item]:
    found = feeds.items(kind, r)
    if kind != "sitemap":
        return found
    out = [i for i in found if not i.sitemap]
    for child in [i for i in found if i.sitemap][:MAX_CHILD_SITEMAPS]:
        out.extend(i for i in feeds.sitemap_items(fetcher.get(child.url)) if not i.sitemap)
    return out


def fetch_source(store, fetcher: Fetcher, s: Source, every: float) -> int:
    """Fetch one source and queue its new items; returns how many. FetchError when it failed."""
    row = W.source(store, s.url) or {}
    kind = s.kind or row.get("kind")
    if kind == "page":                     # a single article: queued once, never fetched as a listing
        return W.source_fetched(store, s.url, kind="page", etag=None, last_modified=None,
                                found=[feeds.Item(feeds.canonical_url(s.url))], next_in=every)
    r = fetcher.get(s.url, _conditional(row))
    if r.status == 304:
        return W.source_fetched(store, s.url, kind=kind or "feed", etag=None, last_modified=None, found=[],
                                next_in=every, not_modified=True)
    kind = kind or feeds.kind_of(r)
    # a page is queued under the URL of the sources file's line (the same each round, whatever it redirects to)
    found = [feeds.Item(feeds.canonical_url(s.url))] if kind == "page" else _listing(fetcher, kind, r)
    return W.source_fetched(store, s.url, kind=kind, etag=r.headers.get("etag"),
                            last_modified=r.headers.get("last-modified"), found=found, next_in=every)


# ------------------------------------------------------------------ articles
def _published(listing_date: str | None) -> str | None:
    """The listing's date when it is a date sitrep can use, else None (the page's own is used)."""
    if not listing_date:
        return None
    try:
        return listing_date if pubdate.from_metadata(listing_date) else None
    except ValueError:
        try:   # an RFC 822 date ("Tue, 06 May 2025 08:00:00 GMT"), as sitemaps sometimes give
            return parsedate_to_datetime(listing_date).isoformat()
        except (TypeError, ValueError):
            return None


def article(fetcher: Fetcher, row: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDoc:
    """Fetch one queued article and prepare it for the pipeline; FetchError or BadInput says why not."""
    url = row["url"]
    r = fetcher.get(url)
    if not 200 <= r.status < 300:
        raise FetchError(f"HTTP {r.status}")
    if not r.is_html():
        raise FetchError(f"not an HTML page: {r.content_type or 'no content type'}")
    raw = _record_from_html(r.html_text(), url, max_bytes)
    listed = _published(row.get("published"))
    raw.meta.update(url=url, title=raw.meta.get("title") or row.get("title"),
                    source=row.get("source_name") or raw.meta.get("source"))
    if listed:
        raw.meta["published"] = listed
        raw.published_from_html = False
    return prepare(raw)


def _by_host(rows: list[dict]) -> list[dict]:
    """Interleave hosts, so one host's delay passes while another is fetched."""
    hosts: dict[str, list[dict]] = {}
    for r in rows:
        hosts.setdefault(urlsplit(r["url"]).netloc, []).append(r)
    return [r for group in zip_longest(*hosts.values()) for r in group if r is not None]


def _chunks(rows: list[dict], n: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


def _fetch_all(fetcher: Fetcher, chunk: list[dict], max_bytes: int, hosts: int) -> list[tuple[dict, object]]:
    """Each row with its prepared document or the exception that stopped it, in the chunk's order:
    the rows of one host one after another, up to `hosts` hosts at once (threads)."""
    def one(row: dict) -> tuple[dict, object]:
        try:
            return row, article(fetcher, row, max_bytes)
        except Exception as e:  # returned, not raised: recorded by the caller
            return row, e

    def host_rows(rows: list[dict]) -> list[tuple[dict, object]]:
        return [one(r) for r in rows]

    groups: dict[str, list[dict]] = {}
    for r in chunk:
        groups.setdefault(urlsplit(r["url"]).netloc, []).append(r)
    if hosts <= 1 or len(groups) == 1:
        done = [x for rows in groups.values() for x in host_rows(rows)]
    else:
        with ThreadPoolExecutor(max_workers=min(hosts, len(groups)), thread_name_prefix="sitrep-fetch") as pool:
            done = [x for part in pool.map(host_rows, groups.values()) for x in part]
    order = {id(r): i for i, r in enumerate(chunk)}
    return sorted(done, key=lambda x: order[id(x[0])])


def ingest_articles(store, fetcher: Fetcher, pipeline_of: Callable, rows: list[dict], summary: RoundSummary, *,
                    max_attempts: int, batch_size: int, max_bytes: int, progress: Progress, hosts: int = 4) -> None:
    def failed(url: str, reason: str) -> None:
        W.item_failed(store, url, reason, max_attempts)
        store.add_failure(url, reason)
        summary.failed += 1
        summary.failures.append((url, reason))
        progress("article", url, f"failed: {reason}")

    for chunk in _chunks(_by_host(rows), batch_size):
        docs: list[tuple[dict, SourceDoc]] = []
        for row, got in _fetch_all(fetcher, chunk, max_bytes, hosts):
            summary.articles += 1
            if isinstance(got, SourceDoc):
                docs.append((row, got))
            elif isinstance(got, (FetchError, BadInput)):
                failed(row["url"], str(got))
            else:                   # a bug of ours on one page must not stop the round
                failed(row["url"], f"cannot read the page: {type(got).__name__}: {got}")
        groups: dict[str | None, list[tuple[dict, SourceDoc]]] = {}
        for row, d in docs:
            groups.setdefault(row.get("countries"), []).append((row, d))
        for countries, group in groups.items():
            pipeline = pipeline_of()
            default = pipeline.countries
            if countries:
                pipeline.countries = tuple(countries.split(","))
            try:
                s = batch.ingest([], store, pipeline, docs=[d for _, d in group], max_bytes=max_bytes)
            finally:
                pipeline.countries = default
            summary.stored += s.stored
            summary.duplicates += s.skipped_duplicates
            reasons = {f.origin: f.reason for f in s.failures}
            for row, d in group:
                doc_id = store.find_exact(d.content_hash)
                if doc_id:
                    W.item_done(store, row["url"], doc_id)
                    progress("article", row["url"], "stored")
                else:
                    summary.failed += 1
                    summary.failures.append((row["url"], reasons.get(d.origin, "not stored")))
                    W.item_failed(store, row["url"], reasons.get(d.origin, "not stored"), max_attempts)
                    progress("article", row["url"], "failed")


# ------------------------------------------------------------------ a round, and the loop
def run_round(store, sources: list[Source], fetcher: Fetcher, pipeline_of: Callable, *, every: float = 900.0,
              force: bool = True, max_attempts: int = 5, batch_size: int = 8, max_bytes: int = DEFAULT_MAX_BYTES,
              hosts: int = 4, progress: Progress = _noop) -> RoundSummary:
    """One round over `sources` (see the module's docstring). `pipeline_of()` gives the Pipeline,
    called only when there is something to extract."""
    W.sync_sources(store, sources)
    fetcher.new_round()
    summary = RoundSummary(started_at=W.now())
    summary.round_id = W.start_round(store, len(sources))
    for s in sources:
        row = W.source(store, s.url)
        if not force and row and not W.is_due(row):
            continue
        summary.sources += 1
        try:
            new = fetch_source(store, fetcher, s, every)
            summary.new_items += new
            progress("source", s.url, f"{new} new")
        except FetchError as e:
            backoff = FIRST_RETRY * 2 ** min((row or {}).get("consecutive_errors") or 0, 10)
            W.source_failed(store, s.url, e.reason, retry_in=min(every, max(e.retry_after or 0, backoff)))
            store.add_failure(s.url, e.reason)
            summary.sources_failed += 1
            summary.failures.append((s.url, e.reason))
            progress("source", s.url, f"failed: {e.reason}")
        except Exception as e:  # a bug of ours on one source must not stop the round
            reason = f"cannot read the source: {type(e).__name__}: {e}"
            W.source_failed(store, s.url, reason, retry_in=every)
            store.add_failure(s.url, reason)
            summary.sources_failed += 1
            summary.failures.append((s.url, reason))
    rows = W.pending_items(store, max_attempts)
    urls = {s.url for s in sources}
    rows = [r for r in rows if r["source_url"] in urls]
    progress("articles", "", str(len(rows)))
    ingest_articles(store, fetcher, pipeline_of, rows, summary, max_attempts=max_attempts, batch_size=batch_size,
                    max_bytes=max_bytes, progress=progress, hosts=hosts)
    W.finish_round(store, summary.round_id, sources=summary.sources, new_items=summary.new_items,
                   stored=summary.stored, duplicates=summary.duplicates, failed=summary.failed)
    return summary


def seconds_to_next(store, sources: list[Source], every: float) -> float:
    """How long until a source is due again (between 5 s and `every`)."""
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    waits = []
    for s in sources:
        row = W.source(store, s.url)
        if row and row["next_fetch"]:
            waits.append((dt.datetime.fromisoformat(row["next_fetch"]) - now).total_seconds())
    return max(5.0, min([every, *waits]))


def sleep(seconds: float) -> None:
    time.sleep(seconds)
