"""Ingest: read inputs, clean them, date them, give them stable ids.

`documents(paths)` yields a `SourceDoc` for every readable record and a `Failure`
(file, line, reason) for every other one; it never raises for bad input.
Duplicate detection lives in `sitrep.ingest.dedup`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sitrep.ingest import byline, pubdate
from sitrep.ingest.clean import clean_text, content_hash
from sitrep.ingest.readers import DEFAULT_MAX_BYTES, BadInput, RawRecord, read_paths
from sitrep.model import Failure, SourceDoc

__all__ = ["documents", "prepare", "DEFAULT_MAX_BYTES"]


def prepare(raw: RawRecord) -> SourceDoc:
    """Clean a raw record and detect its publication date; BadInput if nothing is left."""
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        raise BadInput("empty document: no text" + (" after removing scraping debris" if raw.text.strip() else ""))
    meta = raw.meta
    try:
        published_meta = pubdate.from_metadata(meta.get("published"))
    except ValueError as e:
        if not raw.published_from_html:
            raise BadInput(str(e)) from None
        published_meta = None  # a page's unparseable date is no reason to lose the page
    found = pubdate.detect(cleaned.text, published_meta, meta.get("url"))
    by = byline.detect(cleaned.text)
    h = content_hash(cleaned.text)
    return SourceDoc(
        id=meta.get("id") or h[:16],
        text=cleaned.text,
        origin=raw.origin,
        content_hash=h,
        raw_text=raw.text,
        title=meta.get("title"),
        url=meta.get("url"),
        source=meta.get("source"),
        language=meta.get("language"),
        published=found.date if found else None,
        published_source=found.source if found else None,
        published_evidence=found.evidence if found else None,
        debris=cleaned.debris,
        offsets=cleaned.offsets,
        author=by.author,
        outlet=by.outlet,
        byline=by.lines,
    )


def documents(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[SourceDoc | Failure]:
    for item in read_paths(list(paths), max_bytes):
        if isinstance(item, Failure):
            yield item
            continue
        try:
            yield prepare(item)
        except BadInput as e:
            yield Failure(item.origin, str(e))
