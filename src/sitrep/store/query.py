"""Queries over the store's cross-article picture: real-world events, entities, places, timelines.

Every function takes a `Store` first and returns plain dicts (JSON-ready), the shapes the
CLI, the HTTP API and the exports share:

* `events(store, types=…, actor=…, place=…, bbox=…, near=…, date_from=…, …)` → a page
  `{"total", "total_exact", "limit", "offset", "next", "items": [event, …]}` (the filters'
  conditions: `sitrep.store.filters`); `event(store, id)` adds each source's report with its evidence;
* `entities`, `entity` (aliases, roles, events as actor1/actor2/associate, quotes, timeline);
* `place` (the place and its events), `timeline` (counts by day, week or month and type);
* `document` (a stored article with every annotation) and `removed_since` (tombstones).

Bad filter values raise `ValueError` with a message that names the parameter. Text filters
match literally (`%` and `_` are characters, not wildcards), are at most `MAX_TEXT` characters
long, and a page starts at most `MAX_OFFSET` items in.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from typing import Any

import orjson
from sqlalchemy import func, literal_column, or_, select
from sqlalchemy import text as sql_text

from sitrep.resolve import identity
from sitrep.resolve.gazetteer import distance_km
from sitrep.store import _json_loads
from sitrep.store import schema as S
from sitrep.store.filters import (  # noqa: F401
    MAX_TEXT,
    MAX_VALUES,
    _date,
    _phrase,
    actor_event_count,
    check_text,
    contains,
    longest_span,
    parse_bbox,
    parse_near,
    place_condition,
)
from sitrep.store.filters import conditions as _filters
from sitrep.store.paging import MAX_CURSOR, beyond, is_beyond, make_cursor, parse_cursor  # noqa: F401

C = S.clusters.c
MAX_OFFSET = 10_000_000   # items a page may skip; deeper than that, narrow the filters
MAX_LIMIT = 100_000       # items in one page
COUNT_CAP = 10_000        # matching events an event page counts for its total (beyond it: "at least")
WALK_FROM = 500           # SQLite: from this many matches, a page in date order first tries walking the date index
WALK_SCAN = 50_000        # … over at most this many of its entries
SORTS = {"date": (C.date_start,), "fatalities": (C.fatalities,), "sources": (C.sources,),
         "updated_at": (C.updated_at,), "confidence": (C.confidence,)}
INTERVALS = ("day", "week", "month")
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}


def disorder_type(event_type: str | None, sub_event_type: str | None = None) -> str | None:
    """ACLED's disorder type of an event type ("Excessive force against protesters" is both)."""
    if sub_event_type in ("Excessive force against protesters", "Protest with intervention") and event_type == "Protests":
        return "Political violence; Demonstrations" if sub_event_type.startswith("Excessive") else "Demonstrations"
    return DISORDER.get(event_type or "")


def _order(sort: str):
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValueError(f"sort: {sort!r} is not one of {', '.join(sorted(SORTS))} (prefix - for descending)")
    cols = SORTS[key]
    desc = sort.startswith("-")
    return [(c.desc() if desc else c.asc()).nulls_last() for c in cols] + [C.id.asc()]



# ------------------------------------------------------------------------------------ events
def _event(r) -> dict[str, Any]:
    loc = None
    if r["location_name"] or r["lat"] is not None:
        loc = {"name": r["location_name"], "geonameid": r["geonameid"], "place_id": r["place_id"], "lat": r["lat"],
               "lon": r["lon"], "country_code": r["country_code"], "admin1": r["admin1"],
               "precision": r["location_precision"]}
    return {
        "id": r["id"], "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
        "disorder_type": disorder_type(r["event_type"], r["sub_event_type"]),
        "date": {"start": r["date_start"], "end": r["date_end"], "precision": r["date_precision"]},
        "location": loc,
        "actor1": {"id": r["actor1_id"], "name": r["actor1_name"]} if r["actor1_id"] else None,
        "actor2": {"id": r["actor2_id"], "name": r["actor2_name"]} if r["actor2_id"] else None,
        "assoc_actors": list(r["assoc_actors"] or []),
        "counts": {k: r[k] for k in ("fatalities", "fatalities_low", "fatalities_high", "injured", "injured_low",
                                     "injured_high", "arrested", "arrested_low", "arrested_high")},
        "sources": r["sources"], "mentions": r["mentions"], "documents": list(r["documents"] or []),
        "confidence": r["confidence"], "first_seen": r["first_seen"], "updated_at": r["updated_at"],
        "version": r["version"], "notes": r["notes"],
    }


_ROW_COLS = tuple(col.name for col in S.clusters.columns)
_ROW_JSON = tuple(i for i, col in enumerate(S.clusters.columns) if isinstance(col.type, S.JSON))
_ROWS_SQL = (f"SELECT {', '.join(f'clusters.{chr(34)}{n}{chr(34)}' for n in _ROW_COLS)} FROM clusters "
             "WHERE clusters.id IN (SELECT value FROM json_each(?))")


def _rows_by_id(c, ids: list[str]) -> dict[str, Any]:
    """The rows of these events by id (each a mapping of column name to value, as SQLAlchemy reads
    it). On SQLite one statement of fixed text (the ids go in as one JSON array) whose tuples
    become dicts here: no statement to build or compile, no result machinery per row."""
    if not ids:
        return {}
    if c.dialect.name != "sqlite":
        return {r["id"]: r for r in c.execute(select(S.clusters).where(C.id.in_(ids))).mappings().all()}
    out: dict[str, Any] = {}
    for row in c.exec_driver_sql(_ROWS_SQL, (orjson.dumps(ids).decode(),)).all():
        r = dict(zip(_ROW_COLS, row))
        for i in _ROW_JSON:
            v = row[i]
            r[_ROW_COLS[i]] = None if v is None else _json_loads(v)
        out[r["id"]] = r
    return out


def _page(limit: int, offset: int) -> tuple[int, int]:
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError):
        raise ValueError("limit and offset must be whole numbers") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: {limit} is not between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise ValueError(f"offset: {offset} is negative")
    if offset > MAX_OFFSET:
        raise ValueError(f"offset: {offset} is more than the maximum of {MAX_OFFSET} (narrow the filters instead)")
    return limit, offset


def events(store, *, sort: str = "-date", limit: int = 50, offset: int = 0, after: str | None = None,
           count_cap: int | None | str = "default", **filters) -> dict[str, Any]:
    """Real-world events matching the filters, one page of them, with the total. `after` is the
    `next` cursor of the page before (keyset paging: as fast deep in the results as at the start;
    `offset` then counts from the cursor); `next` is None on the last page.

    The total is counted up to `count_cap` (`COUNT_CAP` by default; None: all of them): when more match,
    `total` is the cap and `total_exact` is False ("at least this many"), so a broad filter over
    a million events does not count every one of them for each page."""
    limit, offset = _page(limit, offset)
    cursor = parse_cursor(after, sort)
    count_cap = COUNT_CAP if count_cap == "default" else count_cap
    with store.engine.connect() as c:
        total, ids = _matching_ids(c, sort, filters, limit + 1, offset, cursor, cap=count_cap)
        more, ids = len(ids) > limit, ids[:limit]
        rows = _rows_by_id(c, ids)
    items = [_event(rows[i]) for i in ids if i in rows]
    col = SORTS[sort.lstrip("-")][0].name
    nxt = make_cursor(sort, rows[ids[-1]][col], ids[-1]) if more and ids[-1] in rows else None
    exact = count_cap is None or total <= count_cap
    return {"total": min(total, count_cap) if not exact else total, "total_exact": exact, "limit": limit,
            "offset": offset, "next": nxt, "items": items}


def _count(c, w: list, cap: int | None) -> int:
    """How many events match (`cap` + 1 at most: enough to tell that more than `cap` do)."""
    if cap is None:
        return c.execute(select(func.count()).select_from(S.clusters).where(*w)).scalar_one()
    some = select(C.id).where(*w).limit(cap + 1).subquery()
    return c.execute(select(func.count()).select_from(some)).scalar_one()


def _matching_ids(c, sort: str, filters: dict, limit: int | None = None, offset: int = 0,
                  cursor: tuple[Any, str] | None = None, cap: int | None = None) -> tuple[int, list[str]]:
    """The total (counted up to `cap` + 1 when given) and the ids (one page of them, or all) of the
    events matching the filters, in order (after the cursor, when given). A radius is a box
    prefilter and an exact distance check; otherwise the page is taken over ids, so a deep offset
    skips index entries, not whole rows."""
    order = _order(sort)
    col = SORTS[sort.lstrip("-")][0]
    pt = filters.get("near")
    pt = parse_near(pt) if pt is not None and not isinstance(pt, tuple) else pt
    if c.dialect.name == "sqlite" and cap is not None and limit is not None:
        return _sqlite_page(c, sort, {**filters, "near": pt}, limit, offset, cursor, cap)
    w = _filters(c, **{**filters, "near": pt}, sort=sort)
    if pt:
        inside = [(r.id, r.v) for r in c.execute(select(C.id, C.lat, C.lon, col.label("v")).where(*w).order_by(*order))
                  if distance_km((pt[0], pt[1]), (r.lat, r.lon)) <= pt[2]]
        total = len(inside)
        if cursor is not None:
            inside = inside[next((i for i, (x, v) in enumerate(inside) if is_beyond(sort, cursor, v, x)), len(inside)):]
        ids = [x for x, _ in inside]
        return total, ids[offset:offset + limit] if limit is not None else ids[offset:]
    if limit is None:
        ids = list(c.execute(select(C.id).where(*w).order_by(*order).offset(offset)).scalars())
        return len(ids), ids
    total = None
    if cap is not None and len(w) == 1 and check_text(filters.get("actor"), "actor"):
        # an entity id alone (PostgreSQL): its events are counted in the event–actor table, without
        # reading each event (SQLite counts in `_sqlite_page`)
        total = actor_event_count(c, filters["actor"], cap)
    return _count(c, w, cap) if total is None else total, _page_ids(c, w, sort, limit, offset, cursor)


def _page_ids(c, w: list, sort: str, limit: int, offset: int, cursor: tuple[Any, str] | None,
              source: tuple[str, tuple] | None = None) -> list[str]:
    """One page of the ids matching `w` in the order of `sort`, after the cursor when given.
    `source` replaces `FROM clusters` (SQLite: which rows drive the query, and its parameters)."""
    order = _order(sort)
    col = SORTS[sort.lstrip("-")][0]

    def run(q) -> list[str]:
        return [r[0] for r in _run(c, q, source)]

    if cursor is None:
        return run(select(C.id).select_from(S.clusters).where(*w).order_by(*order).limit(limit).offset(offset))
    valued, unvalued = beyond(col, C.id, sort, cursor)
    ids: list[str] = []
    if valued is not None:     # the events with a sort value come first (nulls last), by an index range
        ids = run(select(C.id).where(*w, valued).order_by(*order).limit(limit + offset))
    if len(ids) < limit + offset:
        rest = select(C.id).where(*w, col.is_(None), *([] if unvalued is True else [unvalued]))
        ids += run(rest.order_by(C.id).limit(limit + offset - len(ids)))
    return ids[offset:offset + limit]


_FROM = re.compile(r"\bFROM clusters\b(?!_)")


_COMPILED: dict = {}     # (dialect, statement's cache key, FROM text) → (compiled statement, its SQL with that FROM)
_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


def _run(c, q, source: tuple[str, tuple] | None = None) -> list[tuple]:
    """Run a select over `clusters`; with `source`, its FROM clause is that SQL (our own text, with
    its own parameters), which tells SQLite's planner where to start. The compiled SQL is kept per
    statement shape (SQLAlchemy's cache key: the statement without its values), as SQLAlchemy keeps
    its own for `execute`, so a page's queries are compiled once, not at every request."""
    if source is None:
        return c.execute(q).all()
    ck = q._generate_cache_key()
    key = (c.dialect.name, ck.key, source[0]) if ck is not None else None
    kept = _COMPILED.get(key) if key is not None else None
    if kept is None:
        compiled = q.compile(dialect=c.dialect, cache_key=ck) if ck is not None else q.compile(dialect=c.dialect)
        sql, n = _FROM.subn(source[0], str(compiled), count=1)
        assert n == 1, sql
        kept = (compiled, sql)
        if key is not None:
            if len(_COMPILED) >= 4096:
                _COMPILED.clear()
            _COMPILED[key] = kept
    compiled, sql = kept
    params = compiled.construct_params(extracted_parameters=ck.bindparams) if ck is not None else \
        compiled.construct_params()
    values: list = list(source[1])
    if compiled.post_compile_params:     # IN lists: one placeholder per value, as many as this time
        sizes = {}
        for name in compiled.positiontup:
            v = params[name]
            if name in _expanding(compiled):
                sizes[name] = len(v)
                values.extend(v)
            else:
                values.append(v)
        if not all(sizes.values()):      # an empty list: SQLAlchemy's own rendering
            return _run_rendered(c, q, source)
        sql = _POSTCOMPILE.sub(lambda m: ", ".join("?" * sizes[m.group(1)]), sql)
    else:
        values.extend(params[name] for name in compiled.positiontup)
    return c.exec_driver_sql(sql, tuple(values)).all()


def _expanding(compiled) -> frozenset[str]:
    names = getattr(compiled, "_sitrep_expanding", None)
    if names is None:
        names = compiled._sitrep_expanding = frozenset(compiled.bind_names[b] for b in compiled.post_compile_params)
    return names


def _run_rendered(c, q, source: tuple[str, tuple]) -> list[tuple]:
    compiled = q.compile(dialect=c.dialect, compile_kwargs={"render_postcompile": True})
    sql, n = _FROM.subn(source[0], str(compiled), count=1)
    assert n == 1, sql
    params = compiled.construct_params()
    return c.exec_driver_sql(sql, (*source[1], *(params[k] for k in compiled.positiontup))).all()


def _sqlite_page(c, sort: str, filters: dict, limit: int, offset: int, cursor: tuple[Any, str] | None,
                 cap: int) -> tuple[int, list[str]]:
    """A page on SQLite in two steps, chosen by how many events match (SQLite's planner cannot tell
    a filter that keeps ten events from one that keeps half a million):

    1. the rowids of up to `cap` + 1 matching events, by the filters' own indexes (the full-text
       index drives a text filter; covering indexes answer most others without reading a row);
    2. at most `cap` match: the page is sorted from those rows alone; more match: the filter is
       broad, and the page walks the order's index (date, newest first) checking each row, which
       stops after a page of them."""
    text = check_text(filters.get("text"), "q")
    fts = text is not None and len(text) >= 3
    w = _filters(c, **filters, text_mode="none" if fts else "index")
    if not w and not fts:     # no filter: count cheaply, and take the page from the order's index
        n = c.exec_driver_sql("SELECT count(*) FROM (SELECT 1 FROM clusters LIMIT ?)", (cap + 1,)).scalar_one()
        every = ("FROM clusters INDEXED BY ix_clusters_date_id", ()) if sort == "-date" else ("FROM clusters", ())
        return n, _page_ids(c, [], sort, limit, offset, cursor, every)
    first = select(literal_column("clusters.rowid").label("r")).select_from(S.clusters).where(*w).limit(cap + 1)
    if fts and not w:        # the full-text index alone: its rowids are the events'
        first = select(literal_column("clusters_search.rowid").label("r")).select_from(S.clusters).where(
            sql_text("clusters_search MATCH :fts").bindparams(fts=_phrase(text))).limit(cap + 1)
        source = ("FROM clusters_search", ())
    elif fts:
        source = ("FROM clusters_search CROSS JOIN clusters ON clusters.rowid = clusters_search.rowid AND "
                  "clusters_search MATCH ?", (_phrase(text),))
    else:
        source = ("FROM clusters", ())
    # counted and listed inside SQLite: one JSON array of rowids (ascending: the rows are then read in
    # the table's order) comes back, and goes back as it is
    found = first.subquery()
    ordered = select(found.c.r).order_by(found.c.r).subquery()
    n, rowids = _run(c, select(func.count(), func.json_group_array(ordered.c.r)), source)[0]
    if n <= cap:
        if sort == "-date" and n >= WALK_FROM:
            ids = _walk_date_index(c, rowids, filters, limit, offset, cursor)
            if ids is not None:
                return n, ids
        picked = ("FROM json_each(?) AS picked CROSS JOIN clusters ON clusters.rowid = picked.value", (rowids,))
        return n, _page_ids(c, [], sort, limit, offset, cursor, picked)
    walk = _filters(c, **filters, text_mode="literal")
    order_index = ("FROM clusters INDEXED BY ix_clusters_date_id", ()) if sort == "-date" else None
    return n, _page_ids(c, walk, sort, limit, offset, cursor, order_index)


def _walk_date_index(c, rowids: str, filters: dict, limit: int, offset: int,
                     cursor: tuple[Any, str] | None) -> list[str] | None:
    """The page of newest events among these rowids (a JSON array), found by walking at most about
    `WALK_SCAN` entries of the date index (no row is read): None when that is not enough (the
    matching events are few or old), and sorting their rows is the way."""
    t = _date(filters.get("date_to"), "date_to")
    bound = [C.date_start <= t] if t else []
    if cursor is not None:
        valued, _ = beyond(C.date_start, C.id, "-date", cursor)
        if valued is None:    # the cursor is among the undated events: sorting the rows handles those
            return None
        bound.append(valued)
    need = limit + offset
    by_date = ("FROM clusters INDEXED BY ix_clusters_date_id", ())
    order = _order("-date")
    reach = _run(c, select(C.date_start).where(*bound).order_by(*order).offset(WALK_SCAN).limit(1), by_date)
    if reach and reach[0][0] is not None:      # the walk goes no further than WALK_SCAN entries
        bound.append(C.date_start >= reach[0][0])
    picked = sql_text("clusters.rowid IN (SELECT value FROM json_each(:rowids))").bindparams(rowids=rowids)
    ids = [r[0] for r in _run(c, select(C.id).where(*bound, picked).order_by(*order).limit(need), by_date)]
    return ids[offset:] if len(ids) == need else None     # short: the last page, or beyond the reach


def iter_events(store, *, sort: str = "date", batch: int = 1000, **filters):
    """Every matching event (for exports): the matching ids in order once, then rows by batches of ids."""
    with store.engine.connect() as c:
        _, ids = _matching_ids(c, sort, filters)
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        with store.engine.connect() as c:
            rows = _rows_by_id(c, chunk)
        yield from (_event(rows[x]) for x in chunk if x in rows)


def event(store, event_id: str) -> dict[str, Any] | None:
    """One real-world event with each source's report: the article and the mention's evidence."""
    with store.engine.connect() as c:
        r = _rows_by_id(c, [event_id]).get(event_id)
        if r is None:
            return None
        d = S.documents.c
        rows = c.execute(select(S.events.c.id, S.events.c.data, d.id.label("doc_id"), d.title, d.source, d.url,
                                d.published, d.source_key, d.near_duplicate_of)
                         .join(S.documents, d.id == S.events.c.doc_id).where(S.events.c.cluster_id == event_id)
                         .order_by(d.ingested_at, d.id, S.events.c.trigger_start)).mappings().all()
    out = _event(r)
    out["reports"] = [{"doc_id": x["doc_id"], "mention_id": x["id"], "source_key": x["source_key"],
                       "document": {"id": x["doc_id"], "title": x["title"], "source": x["source"], "url": x["url"],
                                    "published": x["published"], "near_duplicate_of": x["near_duplicate_of"]},
                       "mention": x["data"]} for x in rows]
    return out


def removed_since(store, since: str | None = None) -> list[dict[str, str]]:
    """Tombstones of real-world events that no longer exist (for downstream sync)."""
    with store.engine.connect() as c:
        q = select(S.cluster_removals).order_by(S.cluster_removals.c.removed_at)
        if since:
            q = q.where(S.cluster_removals.c.removed_at > since)
        return [dict(r) for r in c.execute(q).mappings()]


# ------------------------------------------------------------------------------------ timeline
@functools.lru_cache(maxsize=65536)
def _period(day: str, interval: str) -> str:
    d = dt.date.fromisoformat(day)
    if interval == "week":
        d -= dt.timedelta(days=d.weekday())
    elif interval == "month":
        d = d.replace(day=1)
    return d.isoformat()


def timeline(store, *, interval: str = "week", **filters) -> list[dict[str, Any]]:
    """Counts of events by period (first day of the day/week/month) and type, dated events only."""
    if interval not in INTERVALS:
        raise ValueError(f"interval: {interval!r} is not one of {', '.join(INTERVALS)}")
    with store.engine.connect() as c:
        w = _filters(c, **filters)
        rows = c.execute(select(C.date_start, C.event_type, func.count()).where(C.date_start.is_not(None), *w)
                         .group_by(C.date_start, C.event_type)).all()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for day, etype, n in rows:
        counts[(_period(day, interval), etype)] += n
    return [{"period": p, "event_type": t, "count": n} for (p, t), n in sorted(counts.items())]


# ------------------------------------------------------------------------------------ entities
_E = S.canonical_entities.c
ENTITY_SORTS = {"documents", "mentions", "events", "name"}


ZERO = {"documents": 0, "mentions": 0, "events": 0}
ROLE_RANK = {"actor1": 0, "actor2": 1, "assoc": 2}
FEW = 200   # entities whose counts are cheaper to compute than to look up in every entity's


def _entity_stats(c, ids: list[str] | None) -> dict[str, dict[str, int]]:
    """Documents, mentions and events (as actor1 or actor2) of canonical entities: of `ids`, or of
    every one that has any when `ids` is None (one grouped query each)."""
    if ids is not None and not ids:
        return {}
    e = S.entities.c
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict(ZERO))

    def among(col):
        return [col.in_(ids)] if ids is not None else [col.is_not(None)]

    # (each result read whole by .all(): the driver's fetchall, not a fetch per row)
    for cid, docs in c.execute(select(e.canonical_id, func.count(func.distinct(e.doc_id)))
                               .where(*among(e.canonical_id)).group_by(e.canonical_id)).all():
        out[cid]["documents"] = docs
    for cid, n in c.execute(select(e.canonical_id, func.count()).select_from(S.entity_mentions)
                            .join(S.entities, S.entities.c.id == S.entity_mentions.c.entity_id)
                            .where(*among(e.canonical_id)).group_by(e.canonical_id)).all():
        out[cid]["mentions"] = n
    for col in (C.actor1_id, C.actor2_id):
        for cid, n in c.execute(select(col, func.count()).where(*among(col)).group_by(col)).all():
            out[cid]["events"] += n
    return dict(out)


def entity_counts(store) -> dict[str, dict[str, int]]:
    """Documents, mentions and events of every canonical entity (those with none are absent): what
    ranks `entities`. Computing it reads the whole entity tables; a server keeps it while the store
    is unchanged and passes it to `entities(counts=…)` and `entity(counts=…)`."""
    with store.engine.connect() as c:
        return _entity_stats(c, None)


def _entity_row(r, st) -> dict[str, Any]:
    return {"id": r["id"], "name": r["name"], "type": r["type"], "actor_type": r["actor_type"],
            "acled_actor": r["acled_actor"], "inter": r["inter"], "country": r["country"], "wikidata": r["wikidata"],
            "aliases": list(r["aliases"] or []), **st.get(r["id"], ZERO)}


def entities(store, *, q: str | None = None, type: str | None = None, sort: str = "-documents", limit: int = 50,
             offset: int = 0, counts=None) -> dict[str, Any]:
    """Canonical entities (optionally whose name or alias contains `q`, of one type), ordered by
    name or by documents, mentions or events. `counts` is `entity_counts(store)` when the caller
    keeps it, or a function that returns it (called only when more than `FEW` entities are to be
    ranked: the counts of a few are computed here, which is cheaper); None: computed here."""
    limit, offset = _page(limit, offset)
    key = sort.lstrip("-")
    if key not in ENTITY_SORTS:
        raise ValueError(f"sort: {sort!r} is not one of {', '.join(sorted(ENTITY_SORTS))}")
    desc = sort.startswith("-")
    q, type = check_text(q, "q"), check_text(type, "type")
    with store.engine.connect() as c:
        w = []
        if q:
            w.append(or_(contains(_E.name, q), contains(func.cast(_E.aliases, S.Text), q)))
        if type:
            w.append(_E.type == type.upper())
        if key == "name":
            total = c.execute(select(func.count()).select_from(S.canonical_entities).where(*w)).scalar_one()
            rows = c.execute(select(S.canonical_entities).where(*w)
                             .order_by(_E.name.desc() if desc else _E.name, _E.id)
                             .limit(limit).offset(offset)).mappings().all()
            st = counts if isinstance(counts, dict) else _entity_stats(c, [r["id"] for r in rows])
        else:   # counts decide the order: rank every matching id by its count, then read one page
            ids = list(c.execute(select(_E.id).where(*w)).scalars())
            if callable(counts):
                counts = counts() if len(ids) > FEW else None
            st = counts if counts is not None else _entity_stats(c, ids)
            sign = -1 if desc else 1
            ids.sort(key=lambda i: (sign * st.get(i, ZERO)[key], i))
            total, page = len(ids), ids[offset:offset + limit]
            found = {r["id"]: r for r in c.execute(select(S.canonical_entities).where(_E.id.in_(page))).mappings()
                     } if page else {}
            rows = [found[i] for i in page if i in found]
    return {"total": total, "limit": limit, "offset": offset, "items": [_entity_row(r, st) for r in rows]}


def _slice(items: list, limit: int | None, offset: int) -> list:
    return items[offset:offset + limit] if limit is not None else items[offset:]


def _sub_page(limit: int | None, offset: int) -> tuple[int | None, int]:
    """A page of a list inside a record: `limit` None means all of it."""
    if limit is None:
        return None, _page(1, offset)[1]
    return _page(limit, offset)


def entity(store, entity_id: str, *, limit: int | None = None, offset: int = 0, quotes_limit: int | None = None,
           quotes_offset: int = 0, roles_limit: int | None = None,
           counts: dict[str, dict[str, int]] | None = None) -> dict[str, Any] | None:
    """A canonical entity: aliases, roles, events as actor1/actor2/associate, quotes, involvement over time.

    `events` (ordered by date) and `quotes` are pages of `limit`/`offset` and `quotes_limit`/`quotes_offset`
    (None: all of them), with `events_total` and `quotes_total`; `roles` are the distinct title and
    organization pairs, most documented first (`roles_limit` of them, `roles_total`), each with
    one document that states it and how many do; `timeline` counts every event by month."""
    limit, offset = _sub_page(limit, offset)
    quotes_limit, quotes_offset = _sub_page(quotes_limit, quotes_offset)
    roles_limit, _ = _sub_page(roles_limit, 0)
    with store.engine.connect() as c:
        r = c.execute(select(S.canonical_entities).where(_E.id == entity_id)).mappings().first()
        if r is None:
            return None
        out = _entity_row(r, counts if counts is not None else _entity_stats(c, [entity_id]))
        ro, en = S.entity_roles.c, S.entities.c
        docs = func.count(func.distinct(ro.doc_id))
        roles = (select(ro.title, ro.organization, func.min(ro.doc_id).label("doc_id"), docs.label("documents"))
                 .join(S.entities, en.id == ro.entity_id).where(en.canonical_id == entity_id)
                 .group_by(ro.title, ro.organization))
        out["roles_total"] = c.execute(select(func.count()).select_from(roles.subquery())).scalar_one()
        roles = roles.order_by(docs.desc(), ro.title, ro.organization)
        out["roles"] = [{"title": x.title, "organization": x.organization, "doc_id": x.doc_id, "documents": x.documents}
                        for x in c.execute(roles.limit(roles_limit) if roles_limit else roles)]
        # every event of the entity, from the indexed event-actor table (its date only): the order,
        # the roles (actor1 before actor2 before associate, when it is several) and the timeline
        ca = S.cluster_actors.c
        found: dict[str, tuple[str, str]] = {}
        for x in c.execute(select(ca.cluster_id, ca.role, C.date_start).join(S.clusters, C.id == ca.cluster_id)
                           .where(ca.entity_id == entity_id)):
            if x.cluster_id not in found or ROLE_RANK[x.role] < ROLE_RANK[found[x.cluster_id][1]]:
                found[x.cluster_id] = (x.date_start or "", x.role)
        order = sorted(found, key=lambda i: (found[i][0], i))
        page = _slice(order, limit, offset)
        rows = _rows_by_id(c, page)
        out["events_total"] = len(order)
        out["events"] = [{**_event(rows[i]), "role": found[i][1]} for i in page if i in rows]
        qc = S.quotes.c
        spoke = qc.speaker_canonical_id == entity_id
        out["quotes_total"] = c.execute(select(func.count()).select_from(S.quotes).where(spoke)).scalar_one()
        quotes = (select(qc.doc_id, qc.content_text, qc.content_start, qc.content_end, qc.direct).where(spoke)
                  .order_by(qc.doc_id, qc.content_start, qc.id).offset(quotes_offset))
        out["quotes"] = [{"doc_id": x["doc_id"], "text": x["content_text"], "start": x["content_start"],
                          "end": x["content_end"], "direct": x["direct"]}
                         for x in c.execute(quotes.limit(quotes_limit) if quotes_limit else quotes).mappings()]
    months: dict[str, int] = defaultdict(int)
    for day, _ in found.values():
        if day:
            months[_period(day, "month")] += 1
    out["timeline"] = [{"period": p, "count": n} for p, n in sorted(months.items())]
    return out


# ------------------------------------------------------------------------------------ places
def place(store, place_id: str, *, limit: int | None = None, offset: int = 0) -> dict[str, Any] | None:
    """A canonical place and the events at it or inside it (ordered by date): a page of
    `limit`/`offset` (None: all of them), with `events_total`."""
    limit, offset = _sub_page(limit, offset)
    with store.engine.connect() as c:
        r = c.execute(select(S.canonical_places).where(S.canonical_places.c.id == place_id)).mappings().first()
        if r is None:
            return None
        docs = c.execute(select(func.count(func.distinct(S.places.c.doc_id))).where(S.places.c.canonical_id == place_id)
                         ).scalar_one()
        where = place_condition(c, place_id)
        total = c.execute(select(func.count()).select_from(S.clusters).where(where)).scalar_one()
        q = select(C.id).where(where).order_by(C.date_start, C.id).offset(offset)
        ids = list(c.execute(q.limit(limit) if limit else q).scalars())
        rows = _rows_by_id(c, ids)
        evs = [_event(rows[i]) for i in ids if i in rows]
    return {"id": r["id"], "geonameid": r["geonameid"], "name": r["name"], "lat": r["lat"], "lon": r["lon"],
            "country_code": r["country_code"], "admin1": r["admin1"], "feature_code": r["feature_code"],
            "precision": r["precision"], "documents": docs, "events_total": total, "events": evs}


def places(store, *, q: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    limit, offset = _page(limit, offset)
    cp = S.canonical_places.c
    with store.engine.connect() as c:
        q = check_text(q, "q")
        w = [contains(cp.name, q)] if q else []
        total = c.execute(select(func.count()).select_from(S.canonical_places).where(*w)).scalar_one()
        rows = c.execute(select(S.canonical_places).where(*w).order_by(cp.name, cp.id).limit(limit).offset(offset)
                         ).mappings().all()
    return {"total": total, "limit": limit, "offset": offset, "items": [dict(r) for r in rows]}


# ------------------------------------------------------------------------------------ documents
def document(store, doc_id: str) -> dict[str, Any] | None:
    """A stored article with every annotation (offsets into its stored text), and which
    real-world event each of its event mentions belongs to."""
    ext = store.extraction(doc_id)
    if ext is None:
        return None
    out = orjson.loads(orjson.dumps(ext))   # = ext.to_dict(), encoded in C: a sixth of the time
    with store.engine.connect() as c:
        if c.dialect.name == "sqlite":    # (fixed SQL text: no statement to build per request)
            out["event_ids"] = dict(c.exec_driver_sql("SELECT id, cluster_id FROM events WHERE doc_id = ?",
                                                      (doc_id,)).all())
            ents = dict(c.exec_driver_sql("SELECT id, canonical_id FROM entities WHERE doc_id = ?", (doc_id,)).all())
        else:
            out["event_ids"] = dict(c.execute(select(S.events.c.id, S.events.c.cluster_id)
                                              .where(S.events.c.doc_id == doc_id)).all())
            ents = dict(c.execute(select(S.entities.c.id, S.entities.c.canonical_id)
                                  .where(S.entities.c.doc_id == doc_id)).all())
    out["entity_ids"] = ents
    for p in out.get("places", []):
        p["place_id"] = identity.place_id(p.get("geonameid"), p.get("name") or p.get("text"))
    return out
