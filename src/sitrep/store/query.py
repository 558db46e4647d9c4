"""Queries over the store's cross-article picture: real-world events, entities, places, timelines.

Every function takes a `Store` first and returns plain dicts (JSON-ready), the shapes the
CLI, the HTTP API and the exports share:

* `events(store, types=…, actor=…, place=…, bbox=…, near=…, date_from=…, …)` → a page
  `{"total", "limit", "offset", "items": [event, …]}`; `event(store, id)` adds each
  source's report with its evidence;
* `entities`, `entity` (aliases, roles, events as actor1/actor2/associate, quotes, timeline);
* `place` (the place and its events), `timeline` (counts by day, week or month and type);
* `document` (a stored article with every annotation) and `removed_since` (tombstones).

Bad filter values raise `ValueError` with a message that names the parameter.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from sitrep.resolve import identity
from sitrep.resolve.gazetteer import distance_km
from sitrep.store import schema as S

C = S.clusters.c
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


# ------------------------------------------------------------------------------------ parsing
def _date(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def _floats(value, n: int, name: str) -> tuple[float, ...]:
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        out = tuple(float(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected {n} numbers separated by commas, got {value!r}") from None
    if len(out) != n or not all(math.isfinite(x) for x in out):
        raise ValueError(f"{name}: expected {n} numbers separated by commas, got {value!r}")
    return out


def parse_bbox(value) -> tuple[float, float, float, float] | None:
    if value in (None, ""):
        return None
    w, s, e, n = _floats(value, 4, "bbox")
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90):
        raise ValueError(f"bbox: {value!r} is not min_lon,min_lat,max_lon,max_lat within the globe")
    return w, s, e, n


def parse_near(value) -> tuple[float, float, float] | None:
    if value in (None, ""):
        return None
    lat, lon, km = _floats(value, 3, "near")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise ValueError(f"near: {value!r} is not lat,lon,km with a positive radius")
    return lat, lon, km


def _order(sort: str):
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValueError(f"sort: {sort!r} is not one of {', '.join(sorted(SORTS))} (prefix - for descending)")
    cols = SORTS[key]
    desc = sort.startswith("-")
    return [(c.desc() if desc else c.asc()).nulls_last() for c in cols] + [C.id.asc()]


# ------------------------------------------------------------------------------------ events
def _filters(c, *, types=None, sub_types=None, actor=None, place=None, country=None, bbox=None, near=None,
             date_from=None, date_to=None, source=None, text=None, doc_id=None) -> list:
    w = []
    if types:
        w.append(C.event_type.in_(list(types)))
    if sub_types:
        w.append(C.sub_event_type.in_(list(sub_types)))
    if actor:
        ids = _entity_ids(c, actor)
        assoc = func.cast(C.assoc_actors, S.Text)
        w.append(or_(C.actor1_id.in_(ids), C.actor2_id.in_(ids), *[assoc.like(f'%"{i}"%') for i in ids[:20]]))
    if place:
        w.append(_place_filter(c, place))
    if country:
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
            raise ValueError(f"country: {country!r} is not a two-letter ISO code")
        w.append(C.country_code == country.upper())
    box = parse_bbox(bbox) if not isinstance(bbox, tuple) else bbox
    if box:
        west, south, east, north = box
        lon = C.lon.between(west, east) if west <= east else or_(C.lon >= west, C.lon <= east)
        w.append(and_(C.lat.between(south, north), lon))
    pt = parse_near(near) if not isinstance(near, tuple) else near
    if pt:
        lat, lon, km = pt
        dlat = km / 111.0
        dlon = km / (111.0 * max(0.01, math.cos(math.radians(lat))))
        w.append(and_(C.lat.between(lat - dlat, lat + dlat), C.lon.between(lon - dlon, lon + dlon)))
    f, t = _date(date_from, "date_from"), _date(date_to, "date_to")
    if f and t and f > t:
        raise ValueError(f"date_from {f} is after date_to {t}")
    if f:
        w.append(func.coalesce(C.date_end, C.date_start) >= f)
    if t:
        w.append(C.date_start <= t)
    if source:
        d = S.documents.c
        w.append(exists().where(S.events.c.cluster_id == C.id, S.events.c.doc_id == d.id,
                                or_(d.id == source, d.source == source, d.url == source)))
    if doc_id:
        w.append(exists().where(S.events.c.cluster_id == C.id, S.events.c.doc_id == doc_id))
    if text:
        like = f"%{text.lower()}%"
        w.append(or_(func.lower(C.notes).like(like), func.lower(C.location_name).like(like),
                     func.lower(C.actor1_name).like(like), func.lower(C.actor2_name).like(like)))
    return w


def _entity_ids(c, actor: str) -> list[str]:
    """An entity id, or every canonical entity whose name or alias contains the text."""
    ce = S.canonical_entities.c
    if c.execute(select(ce.id).where(ce.id == actor)).first():
        return [actor]
    like = f"%{actor.lower()}%"
    ids = list(c.execute(select(ce.id).where(or_(func.lower(ce.name).like(like),
                                                 func.lower(func.cast(ce.aliases, S.Text)).like(like)))).scalars())
    return ids or ["\x00none"]


def _place_filter(c, place: str):
    """Events at a place or inside it: a country matches by country code, a province by admin1,
    a smaller place by id or within 15 km."""
    cp = S.canonical_places.c
    row = c.execute(select(cp).where(cp.id == place)).mappings().first()
    if row is None:
        like = f"%{place.lower()}%"
        row = c.execute(select(cp).where(func.lower(cp.name).like(like)).order_by(cp.geonameid.is_(None), cp.id)
                        ).mappings().first()
    if row is None:
        return C.place_id == "\x00none"
    fc = row["feature_code"] or ""
    if fc.startswith("PCL") or row["precision"] == "country":
        return C.country_code == row["country_code"]
    if fc == "ADM1" or row["precision"] == "admin1":
        return or_(C.place_id == row["id"], and_(C.country_code == row["country_code"], C.admin1 == row["name"]))
    if row["lat"] is None:
        return C.place_id == row["id"]
    dlat, dlon = 15 / 111.0, 15 / (111.0 * max(0.01, math.cos(math.radians(row["lat"]))))
    return or_(C.place_id == row["id"], and_(C.lat.between(row["lat"] - dlat, row["lat"] + dlat),
                                             C.lon.between(row["lon"] - dlon, row["lon"] + dlon)))


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


def _page(limit: int, offset: int) -> tuple[int, int]:
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError):
        raise ValueError("limit and offset must be whole numbers") from None
    if not 1 <= limit <= 100_000:
        raise ValueError(f"limit: {limit} is not between 1 and 100000")
    if offset < 0:
        raise ValueError(f"offset: {offset} is negative")
    return limit, offset


def events(store, *, sort: str = "-date", limit: int = 50, offset: int = 0, **filters) -> dict[str, Any]:
    """Real-world events matching the filters, one page of them, with the total."""
    limit, offset = _page(limit, offset)
    with store.engine.connect() as c:
        total, ids = _matching_ids(c, sort, filters, limit, offset)
        rows = {r["id"]: r for r in c.execute(select(S.clusters).where(C.id.in_(ids))).mappings()} if ids else {}
    items = [_event(rows[i]) for i in ids if i in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _matching_ids(c, sort: str, filters: dict, limit: int | None = None, offset: int = 0) -> tuple[int, list[str]]:
    """The total and the ids (one page of them, or all) of the events matching the filters, in order.
    A radius is a box prefilter and an exact distance check; otherwise the page is taken over ids,
    so a deep offset skips index entries, not whole rows."""
    order = _order(sort)
    pt = filters.get("near")
    pt = parse_near(pt) if pt is not None and not isinstance(pt, tuple) else pt
    w = _filters(c, **{**filters, "near": pt})
    if pt:
        inside = [r.id for r in c.execute(select(C.id, C.lat, C.lon).where(*w).order_by(*order))
                  if distance_km((pt[0], pt[1]), (r.lat, r.lon)) <= pt[2]]
        return len(inside), inside[offset:offset + limit] if limit is not None else inside[offset:]
    q = select(C.id).where(*w).order_by(*order)
    if limit is None:
        ids = list(c.execute(q.offset(offset)).scalars())
        return len(ids), ids
    total = c.execute(select(func.count()).select_from(S.clusters).where(*w)).scalar_one()
    return total, list(c.execute(q.limit(limit).offset(offset)).scalars())


def iter_events(store, *, sort: str = "date", batch: int = 1000, **filters):
    """Every matching event (for exports): the matching ids in order once, then rows by batches of ids."""
    with store.engine.connect() as c:
        _, ids = _matching_ids(c, sort, filters)
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        with store.engine.connect() as c:
            rows = {r["id"]: r for r in c.execute(select(S.clusters).where(C.id.in_(chunk))).mappings()}
        yield from (_event(rows[x]) for x in chunk if x in rows)


def event(store, event_id: str) -> dict[str, Any] | None:
    """One real-world event with each source's report: the article and the mention's evidence."""
    with store.engine.connect() as c:
        r = c.execute(select(S.clusters).where(C.id == event_id)).mappings().first()
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


def _entity_stats(c, ids: list[str]) -> dict[str, dict[str, int]]:
    if not ids:
        return {}
    out = {i: {"documents": 0, "mentions": 0, "events": 0} for i in ids}
    e = S.entities.c
    for cid, docs in c.execute(select(e.canonical_id, func.count(func.distinct(e.doc_id)))
                               .where(e.canonical_id.in_(ids)).group_by(e.canonical_id)):
        out[cid]["documents"] = docs
    for cid, n in c.execute(select(e.canonical_id, func.count()).select_from(S.entity_mentions)
                            .join(S.entities, S.entities.c.id == S.entity_mentions.c.entity_id)
                            .where(e.canonical_id.in_(ids)).group_by(e.canonical_id)):
        out[cid]["mentions"] = n
    for col in (C.actor1_id, C.actor2_id):
        for cid, n in c.execute(select(col, func.count()).where(col.in_(ids)).group_by(col)):
            out[cid]["events"] += n
    return out


def _entity_row(r, st) -> dict[str, Any]:
    return {"id": r["id"], "name": r["name"], "type": r["type"], "actor_type": r["actor_type"],
            "acled_actor": r["acled_actor"], "inter": r["inter"], "country": r["country"], "wikidata": r["wikidata"],
            "aliases": list(r["aliases"] or []), **st.get(r["id"], {"documents": 0, "mentions": 0, "events": 0})}


def entities(store, *, q: str | None = None, type: str | None = None, sort: str = "-documents", limit: int = 50,
             offset: int = 0) -> dict[str, Any]:
    """Canonical entities (optionally whose name or alias contains `q`, of one type)."""
    limit, offset = _page(limit, offset)
    key = sort.lstrip("-")
    if key not in ENTITY_SORTS:
        raise ValueError(f"sort: {sort!r} is not one of {', '.join(sorted(ENTITY_SORTS))}")
    with store.engine.connect() as c:
        w = []
        if q:
            like = f"%{q.lower()}%"
            w.append(or_(func.lower(_E.name).like(like), func.lower(func.cast(_E.aliases, S.Text)).like(like)))
        if type:
            w.append(_E.type == type.upper())
        total = c.execute(select(func.count()).select_from(S.canonical_entities).where(*w)).scalar_one()
        if key == "name":
            rows = c.execute(select(S.canonical_entities).where(*w)
                             .order_by(_E.name.desc() if sort.startswith("-") else _E.name, _E.id)
                             .limit(limit).offset(offset)).mappings().all()
            st = _entity_stats(c, [r["id"] for r in rows])
        else:   # counts decide the order: rank all matching ids by the count
            docs = (select(S.entities.c.canonical_id.label("cid"), func.count(func.distinct(S.entities.c.doc_id)).label("n"))
                    .group_by(S.entities.c.canonical_id).subquery())
            order_col = docs.c.n if key == "documents" else None
            q2 = select(S.canonical_entities).outerjoin(docs, docs.c.cid == _E.id).where(*w)
            if order_col is not None:
                q2 = q2.order_by(order_col.desc() if sort.startswith("-") else order_col.asc(), _E.id)
                rows = c.execute(q2.limit(limit).offset(offset)).mappings().all()
                st = _entity_stats(c, [r["id"] for r in rows])
            else:
                allrows = c.execute(q2).mappings().all()
                st = _entity_stats(c, [r["id"] for r in allrows])
                allrows = sorted(allrows, key=lambda r: (st[r["id"]][key], r["id"]), reverse=sort.startswith("-"))
                rows = allrows[offset:offset + limit]
    return {"total": total, "limit": limit, "offset": offset, "items": [_entity_row(r, st) for r in rows]}


def entity(store, entity_id: str) -> dict[str, Any] | None:
    """A canonical entity: aliases, roles, events as actor1/actor2/associate, quotes, involvement over time."""
    with store.engine.connect() as c:
        r = c.execute(select(S.canonical_entities).where(_E.id == entity_id)).mappings().first()
        if r is None:
            return None
        out = _entity_row(r, _entity_stats(c, [entity_id]))
        ro = S.entity_roles.c
        out["roles"] = [dict(x) for x in c.execute(
            select(ro.title, ro.organization, ro.doc_id).join(S.entities, S.entities.c.id == ro.entity_id)
            .where(S.entities.c.canonical_id == entity_id).distinct().order_by(ro.title, ro.doc_id)).mappings()]
        evs = []
        for role, col in (("actor1", C.actor1_id), ("actor2", C.actor2_id)):
            for x in c.execute(select(S.clusters).where(col == entity_id)).mappings():
                evs.append({**_event(x), "role": role})
        seen = {e["id"] for e in evs}
        for x in c.execute(select(S.clusters).where(func.lower(func.cast(C.assoc_actors, S.Text))
                                                    .like(f"%{entity_id.lower()}%"))).mappings():
            if x["id"] not in seen and any(a.get("id") == entity_id for a in x["assoc_actors"] or []):
                evs.append({**_event(x), "role": "assoc"})
        evs.sort(key=lambda e: (e["date"]["start"] or "", e["id"]))
        out["events"] = evs
        qc = S.quotes.c
        out["quotes"] = [{"doc_id": x["doc_id"], "text": x["content_text"], "start": x["content_start"],
                          "end": x["content_end"], "direct": x["direct"]}
                         for x in c.execute(select(qc.doc_id, qc.content_text, qc.content_start, qc.content_end,
                                                   qc.direct).where(qc.speaker_canonical_id == entity_id)
                                            .order_by(qc.doc_id, qc.content_start)).mappings()]
    months: dict[str, int] = defaultdict(int)
    for e in evs:
        if e["date"]["start"]:
            months[_period(e["date"]["start"], "month")] += 1
    out["timeline"] = [{"period": p, "count": n} for p, n in sorted(months.items())]
    return out


# ------------------------------------------------------------------------------------ places
def place(store, place_id: str) -> dict[str, Any] | None:
    """A canonical place and the events at it or inside it."""
    with store.engine.connect() as c:
        r = c.execute(select(S.canonical_places).where(S.canonical_places.c.id == place_id)).mappings().first()
        if r is None:
            return None
        docs = c.execute(select(func.count(func.distinct(S.places.c.doc_id))).where(S.places.c.canonical_id == place_id)
                         ).scalar_one()
        rows = c.execute(select(S.clusters).where(_place_filter(c, place_id)).order_by(C.date_start, C.id)).mappings()
        evs = [_event(x) for x in rows]
    return {"id": r["id"], "geonameid": r["geonameid"], "name": r["name"], "lat": r["lat"], "lon": r["lon"],
            "country_code": r["country_code"], "admin1": r["admin1"], "feature_code": r["feature_code"],
            "precision": r["precision"], "documents": docs, "events": evs}


def places(store, *, q: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    limit, offset = _page(limit, offset)
    cp = S.canonical_places.c
    with store.engine.connect() as c:
        w = [func.lower(cp.name).like(f"%{q.lower()}%")] if q else []
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
    out = ext.to_dict()
    with store.engine.connect() as c:
        out["event_ids"] = dict(c.execute(select(S.events.c.id, S.events.c.cluster_id)
                                          .where(S.events.c.doc_id == doc_id)).all())
        ents = dict(c.execute(select(S.entities.c.id, S.entities.c.canonical_id)
                              .where(S.entities.c.doc_id == doc_id)).all())
    out["entity_ids"] = ents
    for p in out.get("places", []):
        p["place_id"] = identity.place_id(p.get("geonameid"), p.get("name") or p.get("text"))
    return out
