"""The conditions of `/api/events`' filters (and the CLI's, the exports', the alerts'): each filter
value checked (a bad one is a ValueError that names the parameter) and turned into SQLAlchemy
conditions on the real-world events (`clusters`), by dialect where an index needs it: SQLite's FTS5
or PostgreSQL's tsvector for text, the event–actor table for actors, a date range bounded by the
longest event's span and the exact distance of `near` on SQLite.

Text filters match literally (`%` and `_` are characters, not wildcards) and are at most
`MAX_TEXT` characters long.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from sqlalchemy import ARRAY, String, and_, any_, bindparam, exists, func, or_, select, true
from sqlalchemy import text as sql_text

from sitrep.store import schema as S

C = S.clusters.c
MAX_TEXT = 500            # characters of a text filter (q, actor, place, source, doc_id, an entity type)
MAX_VALUES = 100          # values of a list filter (types, sub_types)
KM_PER_DEG = 12742 * math.pi / 360   # km of one degree of latitude on `distance_km`'s sphere


# ------------------------------------------------------------------------------------ parsing
def check_text(value, name: str) -> str | None:
    """A text filter as given (None when empty); over MAX_TEXT characters is a ValueError."""
    if value in (None, ""):
        return None
    value = str(value)
    if len(value) > MAX_TEXT:
        raise ValueError(f"{name}: {len(value)} characters is more than the maximum of {MAX_TEXT}")
    return value


def _values(values, name: str) -> list[str] | None:
    if not values:
        return None
    values = [values] if isinstance(values, str) else list(values)
    if len(values) > MAX_VALUES:
        raise ValueError(f"{name}: {len(values)} values is more than the maximum of {MAX_VALUES}")
    for v in values:
        check_text(v, name)
    return values


def contains(col, value: str):
    """`col` contains `value`, case-insensitively and literally (LIKE's wildcards escaped)."""
    return func.lower(col).contains(value.lower(), autoescape=True)


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


# ------------------------------------------------------------------------------------ conditions
def conditions(c, *, types=None, sub_types=None, actor=None, place=None, country=None, bbox=None, near=None,
             date_from=None, date_to=None, source=None, text=None, doc_id=None, text_mode: str = "index",
             sort: str | None = None) -> list:
    """The conditions of the filters. `text_mode`: "index" looks `text` up in the full-text index,
    "literal" checks each row's columns (cheap per row: for walking an order), "none" leaves it out
    (the caller joins the full-text index itself). `sort`: the order the caller reads the events in
    (`-date`, the default order, has its own index: PostgreSQL's actor filter may walk it)."""
    w = []
    types, sub_types = _values(types, "type"), _values(sub_types, "sub_type")
    actor, place, source = check_text(actor, "actor"), check_text(place, "place"), check_text(source, "source")
    text, doc_id = check_text(text, "q"), check_text(doc_id, "doc_id")
    sqlite = c.dialect.name == "sqlite"
    if types:
        w.append(C.event_type.in_(types))
    if sub_types:
        w.append(C.sub_event_type.in_(sub_types))
    if actor:
        alone = not any((types, sub_types, place, country, bbox, near, date_from, date_to, source, text, doc_id))
        w.append(_actor_filter(c, actor, walk=alone and sort == "-date"))
    if place:
        w.append(place_condition(c, place))
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
        if sqlite:     # the exact distance too (`Store` gives SQLite connections this function)
            w.append(_within(lat, lon, km))
    f, t = _date(date_from, "date_from"), _date(date_to, "date_to")
    if f and t and f > t:
        raise ValueError(f"date_from {f} is after date_to {t}")
    if f:
        w.append(func.coalesce(C.date_end, C.date_start) >= f)
        span = longest_span(c) if sqlite else None
        if span is not None:     # no event that overlaps [f, …] starts before f − the longest length
            w.append(C.date_start >= (dt.date.fromisoformat(f) - dt.timedelta(days=span)).isoformat())
    if t:
        w.append(C.date_start <= t)
    if source:
        d = S.documents.c
        w.append(exists().where(S.events.c.cluster_id == C.id, S.events.c.doc_id == d.id,
                                or_(d.id == source, d.source == source, d.url == source)))
    if doc_id:
        w.append(exists().where(S.events.c.cluster_id == C.id, S.events.c.doc_id == doc_id))
    if text and text_mode == "index":
        w.append(_text_filter(c, text))
    elif text and text_mode == "literal":
        w.append(_literal(text))
    return w


def _within(lat: float, lon: float, km: float):
    """SQLite: the point lies within `km` of (lat, lon) by `distance_km` (the function `Store` gives
    its connections). Points in a box well inside the circle pass without calling it: 0.9 of the
    inscribed square's half side, in degrees at the box's equatorward edge (where a degree of
    longitude is longest), for radii up to 1,000 km away from the poles."""
    exact = func.sitrep_km(C.lat, C.lon, lat, lon) <= km
    if km > 1000 or abs(lat) > 75:
        return exact
    half = 0.9 * km / math.sqrt(2) / KM_PER_DEG
    widest = max(0.0, abs(lat) - half)          # the edge nearest the equator
    dlon = half / math.cos(math.radians(widest))
    inner = and_(C.lat.between(lat - half, lat + half), C.lon.between(lon - dlon, lon + dlon))
    return or_(inner, exact)


def longest_span(c) -> int | None:
    """SQLite: the most days any event's dates span (an index lookup: `schema.SPAN`); None when no
    event has dates or the dates are not ISO days."""
    got = c.exec_driver_sql(f"SELECT max({S.SPAN_SQL}) FROM clusters").scalar()
    return None if got is None else max(0, math.ceil(got))


def _literal(text: str):
    return or_(contains(C.notes, text), contains(C.location_name, text), contains(C.actor1_name, text),
               contains(C.actor2_name, text))


def _text_filter(c, text: str):
    """Events whose notes, place or actor names contain the text: through the full-text index
    (SQLite: trigrams, the text as a literal substring of three characters or more; PostgreSQL:
    the words of the text, each the start of a word, and the text itself), else by scanning."""
    literal = _literal(text)
    dialect = c.dialect.name
    if dialect == "sqlite" and len(text) >= 3:
        return sql_text("clusters.rowid IN (SELECT rowid FROM clusters_search WHERE clusters_search MATCH :fts)"
                        ).bindparams(fts=_phrase(text))
    words = re.findall(r"[^\W_]+", text.lower())
    if dialect == "postgresql" and words:
        query = " & ".join(f"{w}:*" for w in words[:32])    # letters and digits only: nothing in it is syntax
        return and_(sql_text("clusters.search @@ to_tsquery('simple', :tsq)").bindparams(tsq=query), literal)
    return literal


def _phrase(text: str) -> str:
    """The text as one FTS5 string: nothing in it is syntax."""
    return '"' + text.replace('"', '""') + '"'


# PostgreSQL: how an actor's events are found, by how many there are (`_actor_filter`)
_FEW_EVENTS = 5_000       # at most this many: looked up by id, then sorted
_HASHED_EVENTS = 20_000   # at most this many: the order's index walked, each event looked up in a hash table of them


def _actor_events(c, actor: str) -> tuple[Any, bool]:
    """A select of the ids of the events (`cluster_actors.cluster_id`) of an entity id, or of every
    canonical entity whose name or alias contains the text, as actor1, actor2 or associate, over the
    indexed event–actor table (an event comes once per role and entity); and whether that is the
    events of one entity. PostgreSQL lists a name's entities first (one array parameter), so that
    the planner sees them and one entity's rows are read in index order."""
    ce, ca = S.canonical_entities.c, S.cluster_actors.c
    if c.execute(select(ce.id).where(ce.id == actor)).first() is not None:
        return select(ca.cluster_id).where(ca.entity_id == actor), True
    named = select(ce.id).where(or_(contains(ce.name, actor), contains(func.cast(ce.aliases, S.Text), actor)))
    if c.dialect.name != "postgresql":
        return select(ca.cluster_id).where(ca.entity_id.in_(named)), False
    ids = list(c.execute(named).scalars())
    if len(ids) == 1:
        return select(ca.cluster_id).where(ca.entity_id == ids[0]), True
    return select(ca.cluster_id).where(ca.entity_id == any_(bindparam("entities", ids, type_=ARRAY(String)))), False


def actor_event_count(c, actor: str, cap: int) -> int | None:
    """How many events an entity id took part in, counted up to `cap` + 1 in the event–actor table
    alone (its rows belong to stored events: the foreign key deletes them with theirs), reading its
    index entries in order, not the events. None when `actor` is not one entity (an id, or on
    PostgreSQL a name only one entity has): several entities' events would have to be gathered and
    deduplicated all before the first is counted."""
    of_actor, one = _actor_events(c, check_text(actor, "actor"))
    if not one:
        return None
    some = of_actor.distinct().limit(cap + 1).subquery()
    return c.execute(select(func.count()).select_from(some)).scalar_one()


def _actor_filter(c, actor: str, walk: bool = False):
    """Events of an entity id, or of every canonical entity whose name or alias contains the text,
    as actor1, actor2 or associate (through the indexed event–actor table). `walk`: the actor is
    the only filter and the events are read in the default order (PostgreSQL may walk its index)."""
    of_actor, _ = _actor_events(c, actor)
    if c.dialect.name != "postgresql":
        return C.id.in_(of_actor)
    # PostgreSQL, given `id IN (subquery)`, estimates how many events match and mostly walks the
    # default order's index, probing the event–actor table for each event it passes (an index
    # probe each: for an actor with one event in k, about 50·k probes for a page; slow when k is
    # large). So the shape is chosen here, by counting the actor's rows in that table first (an
    # event in several roles counts more than once: near enough to choose by):
    n = c.execute(select(func.count()).select_from(of_actor.limit(_HASHED_EVENTS + 1).subquery())).scalar_one()
    if n <= _FEW_EVENTS:
        # few: the actor's events, as one array computed once (an InitPlan), are looked up by id
        # (a primary-key probe each) and only those sorted; the planner cannot see the array's
        # length, so it does not weigh a walk of the order index against it
        return C.id == any_(func.array(of_actor.scalar_subquery()))
    if walk and n <= _HASHED_EVENTS:
        # more, alone, in the default order: the order's index is walked and each event looked up in a hash table of the actor's
        # events, built once (a hashed SubPlan; a lookup costs a fraction of an index probe).
        # `IS TRUE` keeps the planner from turning the IN into a join, which it does only for a
        # bare IN among the WHERE clause's ANDed conditions. The table must fit in work_mem (times
        # hash_mem_multiplier; by default 8 MB), or the planner tests a list instead: 20,000 ids
        # take about 1.5 MB, room for the planner's estimate to be several times too high
        return C.id.in_(of_actor).is_(true())
    # many: building the hash table would cost more than the walk's probes, which are few (a page
    # passes about 50·k events when the actor is in one event of k); or more, with other filters
    # or in another order: a walk would pass many more events, or read them all (there is no index
    # in that order), testing each; the planner weighs the other filters' indexes against the
    # event–actor table's
    return C.id.in_(of_actor)


def place_condition(c, place: str):
    """Events at a place or inside it: a country matches by country code, a province by admin1,
    a smaller place by id or within 15 km."""
    cp = S.canonical_places.c
    row = c.execute(select(cp).where(cp.id == place)).mappings().first()
    if row is None:
        row = c.execute(select(cp).where(contains(cp.name, place)).order_by(cp.geonameid.is_(None), cp.id)
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
