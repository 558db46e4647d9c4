"""What every export format shares: checking the filters, walking the matching real-world
events in batches with what the rows need beyond `query.iter_events` (canonical actor
records, the names of the reporting sources, whether a report carried a claim of
responsibility), making text cells safe for spreadsheets, and opening the output (a path, written to a temporary file and moved
into place when complete, or a file object the caller owns and closes).
"""
from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sitrep.store import query
from sitrep.store import schema as S

FILTERS = ("types", "sub_types", "actor", "place", "country", "bbox", "near", "date_from", "date_to", "source",
           "text", "doc_id")
BATCH = 500          # events looked up together (actors, sources, mentions)
PAGE = 5000          # events per query page (query.iter_events pages by offset: fewer pages, less rescanning)


def check_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters that are set; an unknown name is a TypeError that names it."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise TypeError(f"unknown export filter(s): {', '.join(unknown)} (known: {', '.join(FILTERS)})")
    out = {k: v for k, v in filters.items() if v not in (None, "", (), [])}
    for k in ("types", "sub_types"):      # one type given as a bare string
        if isinstance(out.get(k), str):
            out[k] = [out[k]]
    return out


@dataclass
class Context:
    """Lookups for one batch of events."""
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)    # canonical entity id → its row
    sources: dict[str, str] = field(default_factory=dict)               # document id → source name (or the id)
    claimed: set[str] = field(default_factory=set)                      # event ids with a claim of responsibility

    def actor(self, ref: dict | None) -> dict[str, Any] | None:
        """The canonical entity row of an event's actor reference ({"id", "name"}), or a
        minimal stand-in from the reference when the entity has gone."""
        if not ref or not ref.get("id"):
            return None
        return self.actors.get(ref["id"]) or {"id": ref["id"], "name": ref.get("name"), "type": None,
                                              "actor_type": None, "acled_actor": None, "inter": None,
                                              "country": None}

    def source_names(self, event: dict[str, Any]) -> list[str]:
        """The distinct source names of the event's reports, in report order."""
        out: list[str] = []
        for d in event.get("documents") or []:
            name = self.sources.get(d) or d
            if name not in out:
                out.append(name)
        return out


def _lookup(store, events: list[dict[str, Any]]) -> Context:
    ctx = Context()
    ids = {a["id"] for e in events for a in (e.get("actor1"), e.get("actor2"), *(e.get("assoc_actors") or []))
           if a and a.get("id")}
    docs = {d for e in events for d in e.get("documents") or []}
    ce, dc, ev = S.canonical_entities.c, S.documents.c, S.events.c
    with store.engine.connect() as c:
        if ids:
            for r in c.execute(select(ce.id, ce.name, ce.type, ce.actor_type, ce.acled_actor, ce.inter, ce.country)
                               .where(ce.id.in_(sorted(ids)))).mappings():
                ctx.actors[r["id"]] = dict(r)
        if docs:
            for d, src in c.execute(select(dc.id, dc.source).where(dc.id.in_(sorted(docs)))):
                ctx.sources[d] = (src or "").strip() or d
        clusters = [e["id"] for e in events]
        for cid, data in c.execute(select(ev.cluster_id, ev.data).where(ev.cluster_id.in_(clusters))):
            if isinstance(data, dict) and data.get("responsibility_claimed"):
                ctx.claimed.add(cid)
    return ctx


def batches(store, filters: dict[str, Any], size: int = BATCH) -> Iterator[tuple[list[dict[str, Any]], Context]]:
    """The matching events (ordered by date, undated last), `size` at a time, each batch with its lookups."""
    chunk: list[dict[str, Any]] = []
    for e in query.iter_events(store, sort="date", batch=max(size, PAGE), **filters):
        chunk.append(e)
        if len(chunk) >= size:
            yield chunk, _lookup(store, chunk)
            chunk = []
    if chunk:
        yield chunk, _lookup(store, chunk)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text instead of running it: a text value that
    starts with a formula character (= + - @, a tab or line break, or their full-width forms)
    gets a leading apostrophe, which spreadsheets take as "text follows" (OWASP's advice for
    CSV injection). Numbers stay numbers (a negative longitude is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def is_file(out) -> bool:
    return hasattr(out, "write")


@contextlib.contextmanager
def open_text(out, *, newline: str | None = None):
    """A text stream for `out`: the caller's file object as it is, or a path written
    atomically (UTF-8) so that a failed export leaves no half-written file."""
    if is_file(out):
        if isinstance(out, (io.RawIOBase, io.BufferedIOBase)):
            raise TypeError("this format writes text: pass a path or a text file object")
        yield out
        return
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as f:
        yield f


@contextlib.contextmanager
def open_binary(out):
    """A target for a binary writer (pyarrow, networkx): the caller's binary file object as
    it is, or a temporary path moved onto `out` when complete."""
    if is_file(out):
        if isinstance(out, io.TextIOBase):
            raise TypeError("this format writes bytes: pass a path or a binary file object")
        yield out
        return
    with atomic_path(out) as tmp:
        yield tmp


@contextlib.contextmanager
def atomic_path(out):
    """A temporary path next to `out`, moved onto `out` when the block completes."""
    path = Path(os.fspath(out))
    path.parent.mkdir(parents=True, exist_ok=True)
    # a plain new file (the umask's mode, unlike mkstemp's 0600) in the same directory
    tmp = str(path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"))
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
