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


def _lone_surrogate(s: str) -> int | None:
    """Where `s` holds a lone surrogate (a "\\ud800" escape, an undecodable byte), else None."""
    try:
        s.encode("utf-8")
        return None
    except UnicodeEncodeError as e:
        return e.start


def _check_unicode(raw: RawRecord) -> None:
    """BadInput for a text or field that is not valid Unicode: it could be neither analysed
    nor stored nor written as UTF-8."""
    fields = [("text", raw.text)] + [(k, v) for k, v in raw.meta.items() if isinstance(v, str)]
    for name, value in fields:
        i = _lone_surrogate(value)
        if i is not None:
            raise BadInput(f"'{name}' is not valid Unicode: a lone surrogate U+{ord(value[i]):04X} at character "
                           f"{i + 1} (a \\u{ord(value[i]):04x} escape without its pair, or an undecodable byte)")


def prepare(raw: RawRecord) -> SourceDoc:
    """Clean a raw record and detect its publication date; BadInput if nothing is left."""
    if not isinstance(raw.text, str):
        raise BadInput(f"text must be a string, got {type(raw.text).__name__}")
    _check_unicode(raw)
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
        except Exception as e:  # our bug on one record must not stop the batch
            yield Failure(item.origin, f"cannot prepare: {type(e).__name__}: {e}")
