"""The store's cross-article layer: canonical entities and places, and real-world events.

Everything here runs inside the caller's transaction: the one that writes or forgets one
document (its effect on the clusters lands or rolls back with it), or one clustering pass over
documents stored before (`sitrep ingest` clusters in passes; `pending_documents` finds them):

* `derived(ext)` — the cross-article columns of one extraction's rows (canonical entity and
  place ids, each event's canonical actors and the window of dates it may lie in);
* `index_document` — after a document's rows are written: upsert its canonical entities
  and places, and give each of its asserted or claimed events a real-world event
  (`sitrep.resolve.events` decides which);
* `forget_document` — remove a document and dissolve or split what rested on it;
* `cluster_documents` — the real-world events of stored documents, one after the other in
  ingest order (`lock` first makes concurrent passes wait for each other);
* `refresh` — recompute clusters' summaries, bump their version when the summary changed,
  and leave a tombstone for clusters that no longer exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, select, update

from sitrep.model import Extraction
from sitrep.resolve import events as R
from sitrep.resolve import identity
from sitrep.store import grid as G
from sitrep.store import schema as S

CACHED_MENTIONS = 2_000   # members kept between the documents of one clustering batch (see cluster_documents)
_GROUPS_READ = 500         # candidate clusters whose members are read (and held) at a time


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# ------------------------------------------------------------------------------------ derived columns
def derived(ext: Extraction) -> dict[str, dict]:
    """Cross-article columns for the rows of one extraction, keyed by table and row key."""
    ent = {e.id: identity.entity_id(e.kb_id, e.type, e.canonical, ext.id, e.actor_type) for e in ext.entities}
    places = {i: identity.place_id(p.geonameid, p.name or p.text) for i, p in enumerate(ext.places)}
    evs = {}
    for e in ext.events:
        loc = e.location
        ms, me = R.match_window(e.date.start if e.date.resolved else None, e.date.end, e.date.source)
        place = (loc.lat, loc.lon, loc.precision) if loc else (None, None, None)
        evs[e.id] = {
            "grid": G.key(e.event_type, ms, me, *place),
            "grid2": G.key2(e.event_type, ms, me, *place),
            "actor1_id": ent.get(e.actor1.entity_id) if e.actor1 and e.actor1.entity_id else None,
            "actor2_id": ent.get(e.actor2.entity_id) if e.actor2 and e.actor2.entity_id else None,
            "place_id": identity.place_id(loc.geonameid, loc.name or loc.text) if loc else None,
            "country_code": loc.country_code if loc else None, "admin1": loc.admin1 if loc else None,
            "location_precision": loc.precision if loc else None, "match_start": ms, "match_end": me,
        }
    quotes = [ent.get(q.speaker.entity_id) if q.speaker and q.speaker.entity_id else None for q in ext.quotes]
    return {"entities": ent, "places": places, "events": evs, "quotes": quotes}


# ------------------------------------------------------------------------------------ canonical tables
def upsert_canonical(c, ext: Extraction, d: dict[str, dict], ts: str) -> None:
    ents: dict[str, Any] = {}
    for e in ext.entities:
        cid = d["entities"][e.id]
        row = ents.setdefault(cid, {"id": cid, "name": e.canonical, "type": e.type, "actor_type": e.actor_type,
                                    "acled_actor": e.acled_actor, "inter": e.inter, "country": e.country,
                                    "wikidata": e.wikidata, "aliases": set(), "first_seen": ts, "updated_at": ts})
        row["aliases"].update([e.canonical, *e.aliases, *(m.text for m in e.mentions)])
    if ents:
        old = {r.id: r for r in c.execute(select(S.canonical_entities.c.id, S.canonical_entities.c.aliases)
                                          .where(S.canonical_entities.c.id.in_(list(ents))))}
        new = []
        for cid, row in ents.items():
            if cid in old:
                merged = sorted(set(old[cid].aliases or []) | row["aliases"])
                if merged != sorted(old[cid].aliases or []):
                    c.execute(update(S.canonical_entities).where(S.canonical_entities.c.id == cid)
                              .values(aliases=merged, updated_at=ts))
            else:
                new.append({**row, "aliases": sorted(row["aliases"])})
        if new:
            c.execute(insert(S.canonical_entities), new)
    pls: dict[str, Any] = {}
    for i, p in enumerate(ext.places):
        pid = d["places"][i]
        if pid and pid not in pls:
            pls[pid] = {"id": pid, "geonameid": p.geonameid, "name": p.name or p.text, "lat": p.lat, "lon": p.lon,
                        "country_code": p.country_code, "admin1": p.admin1, "feature_code": p.feature_code,
                        "precision": p.precision, "first_seen": ts, "updated_at": ts}
    if pls:
        have = set(c.execute(select(S.canonical_places.c.id).where(S.canonical_places.c.id.in_(list(pls)))).scalars())
        new = [r for k, r in pls.items() if k not in have]
        if new:
            c.execute(insert(S.canonical_places), new)


def prune_canonical(c, entity_ids: Iterable[str], place_ids: Iterable[str], ts: str) -> None:
    """Drop canonical entities and places no document mentions any more; recompute the aliases of the rest."""
    for cid in set(entity_ids):
        rows = c.execute(select(S.entities.c.id, S.entities.c.canonical, S.entities.c.aliases)
                         .where(S.entities.c.canonical_id == cid)).all()
        if not rows:
            c.execute(delete(S.canonical_entities).where(S.canonical_entities.c.id == cid))
            continue
        mentions = c.execute(select(S.entity_mentions.c.text).where(
            S.entity_mentions.c.entity_id.in_([r.id for r in rows]))).scalars()
        aliases = sorted({r.canonical for r in rows} | {a for r in rows for a in (r.aliases or [])} | set(mentions))
        c.execute(update(S.canonical_entities).where(S.canonical_entities.c.id == cid)
                  .values(aliases=aliases, updated_at=ts))
    for pid in set(place_ids):
        if not c.execute(select(exists().where(S.places.c.canonical_id == pid))).scalar():
            c.execute(delete(S.canonical_places).where(S.canonical_places.c.id == pid))


# ------------------------------------------------------------------------------------ mentions
_MENTION_COLS = [S.events.c.id, S.events.c.doc_id, S.events.c.event_type, S.events.c.sub_event_type,
                 S.events.c.match_start, S.events.c.match_end, S.events.c.date_precision, S.events.c.lat,
                 S.events.c.lon, S.events.c.location_precision, S.events.c.geonameid, S.events.c.place_id,
                 S.events.c.location_name, S.events.c.country_code, S.events.c.admin1, S.events.c.actor1_id,
                 S.events.c.actor2_id, S.events.c.fatalities, S.events.c.injured, S.events.c.arrested,
                 S.events.c.confidence, S.events.c.trigger_start, S.events.c.data, S.events.c.cluster_id,
                 S.documents.c.source_key, S.documents.c.ingested_at]


_MENTION_FIELDS = ("id doc_id event_type sub_event_type match_start match_end date_precision lat lon location_precision "
                   "geonameid place_id location_name country_code admin1 actor1_id actor2_id fatalities injured "
                   "arrested confidence trigger_start data cluster_id").split()
_Row = namedtuple("_Row", [*_MENTION_FIELDS, "source_key", "ingested_at"])
_MENTION_SQL = (f"SELECT {', '.join('e.' + f for f in _MENTION_FIELDS)}, d.source_key, d.ingested_at "
                "FROM events e JOIN documents d ON d.id = e.doc_id WHERE ")


def load_mentions(c, *where) -> list[R.Mention]:
    """The mentions (with what deduplication needs) of the events matching SQLAlchemy clauses."""
    return _mentions(c, c.execute(select(*_MENTION_COLS).join(S.documents, S.documents.c.id == S.events.c.doc_id)
                                  .where(*where)).all())


def _raw(c, sql: str, args: Sequence[Any] = (), many: bool = False) -> list[tuple]:
    """Run one of our own statements (`?` placeholders) straight on the transaction's DBAPI
    connection: the clustering loop runs a few per mention, and SQLAlchemy's per-statement work
    would cost more than SQLite's."""
    if c.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cur = c.connection.cursor()
    try:
        if many:
            cur.executemany(sql, args)
            return []
        cur.execute(sql, tuple(args))
        return cur.fetchall() if cur.description is not None else []
    finally:
        cur.close()


def _iter_raw(c, sql: str, args: Sequence[Any] = ()) -> Iterator[tuple]:
    """`_raw` for a query whose rows are read once: they come in batches, not all at once."""
    if c.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    cur = c.connection.cursor()
    try:
        cur.execute(sql, tuple(args))
        while rows := cur.fetchmany(1000):
            yield from rows
    finally:
        cur.close()


def _qs(n: int) -> str:
    return ",".join("?" * n)


def _padded(values: list) -> list:
    """An IN list's values with the last one repeated up to a power of two: a handful of statement
    texts for any number of values, which SQLite's statement cache keeps and reuses (a text per
    length filled it with one-off statements, and the ingesting process grew with the corpus)."""
    n = 1
    while n < len(values):
        n *= 2
    return [*values, *[values[-1]] * (n - len(values))] if values else values


def mentions_of_clusters(c, ids: list[str]) -> list[R.Mention]:
    out: list[R.Mention] = []
    for i in range(0, len(ids), 500):
        chunk = _padded(ids[i:i + 500])
        out += _mentions(c, _raw(c, f"{_MENTION_SQL} e.cluster_id IN ({_qs(len(chunk))})", chunk))
    return out


def mentions_of_documents(c, doc_ids: list[str]) -> list[R.Mention]:
    """The events of these documents that take part in clustering (asserted or claimed)."""
    mods = sorted(R.rules().clustered_modalities)
    out: list[R.Mention] = []
    for i in range(0, len(doc_ids), 500):
        chunk = _padded(doc_ids[i:i + 500])
        out += _mentions(c, _raw(c, f"{_MENTION_SQL} e.doc_id IN ({_qs(len(chunk))}) AND e.modality IN "
                                    f"({_qs(len(mods))})", [*chunk, *mods]))
    return out


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _mentions(c, rows) -> list[R.Mention]:
    if not rows:
        return []
    rows = [r if isinstance(r, _Row) else _Row._make(r) for r in rows]
    datas = [_json(r.data) for r in rows]
    per_doc_assoc = _padded(sorted({a["entity_id"] for d in datas for a in (d.get("assoc_actors") or [])
                                    if a.get("entity_id")}))
    assoc_map = dict(_raw(c, f"SELECT id, canonical_id FROM entities WHERE id IN ({_qs(len(per_doc_assoc))})",
                          per_doc_assoc)) if per_doc_assoc else {}
    actor_ids = _padded(sorted({a for r in rows for a in (r.actor1_id, r.actor2_id) if a}
                               | set(assoc_map.values()) - {None}))
    names = dict(_raw(c, f"SELECT id, name FROM canonical_entities WHERE id IN ({_qs(len(actor_ids))})",
                      actor_ids)) if actor_ids else {}
    out = []
    for r, data in zip(rows, datas):
        ev = data.get("evidence") or []
        date = data.get("date") or {}
        assoc = tuple(assoc_map[a["entity_id"]] for a in (data.get("assoc_actors") or [])
                      if a.get("entity_id") in assoc_map and assoc_map[a["entity_id"]])
        out.append(R.Mention(
            id=r.id, doc_id=r.doc_id, source_key=r.source_key or r.doc_id,
            seq=f"{r.ingested_at}\x1f{r.doc_id}\x1f{r.trigger_start:09d}", event_type=r.event_type,
            sub_event_type=r.sub_event_type, date_start=r.match_start, date_end=r.match_end,
            date_precision=r.date_precision, date_from_text=date.get("source") == "text",
            reported=(date.get("start"), date.get("end")),
            lat=r.lat, lon=r.lon, place_precision=r.location_precision, geonameid=r.geonameid, place_id=r.place_id,
            place_name=r.location_name, country_code=r.country_code, admin1=r.admin1, actor1=r.actor1_id,
            actor2=r.actor2_id, actor_names={a: names[a] for a in (r.actor1_id, r.actor2_id, *assoc) if a in names},
            assoc=assoc, fatalities=r.fatalities, injured=r.injured, arrested=r.arrested, confidence=r.confidence,
            evidence=_trigger_sentence(ev, r.trigger_start) or data.get("trigger", {}).get("text"),
            cluster_id=r.cluster_id))
    return out


def _trigger_sentence(spans: list[dict], at: int) -> str | None:
    """The evidence sentence that holds the trigger (else the first)."""
    hit = next((sp for sp in spans if sp["start"] <= at < sp["end"]), spans[0] if spans else None)
    return hit["text"] if hit else None


def assign(c, doc_id: str, ts: str, touched: dict[str, list[R.Mention] | None] | None = None,
           mine: list[R.Mention] | None = None,
           members: dict[str, list[R.Mention]] | None = None) -> dict[str, list[R.Mention] | None]:
    """Give each clusterable event of one document (`mine`: its mentions, when read already) its
    real-world event. Returns the touched clusters (added to `touched` when given, for a batch
    of documents), each with its members when they are known here (None: read them again).
    `members`: clusters' members read earlier in the same transaction (kept up to date here)."""
    touched = {} if touched is None else touched
    mine = mentions_of_documents(c, [doc_id]) if mine is None else mine
    here: set[str] = set()
    moves: list[tuple[str, str]] = []
    for m in sorted(mine, key=lambda x: (x.seq, x.id)):
        got = None
        if m.dated:
            # a cluster this document's earlier mentions joined or founded holds a mention of the
            # same article: never compatible (their updates are written together below)
            choice = R.Choice(m)
            for cid, group in candidate_groups(c, m, members, skip=here):
                choice.offer(cid, group, cid)      # offered in id order, as `best_cluster` is given them
            got = choice.result()
        if got is None:       # a new real-world event (its id may live on from a forgotten report: read it)
            cid = identity.event_id(m.id)
            touched[cid] = None
            if members is not None:
                members.pop(cid, None)
        else:
            cid = got[0]
            touched[cid] = [*got[1], m]
            if members is not None:
                members[cid] = touched[cid]
        here.add(cid)
        if m.cluster_id != cid:
            moves.append((cid, m.id))
        m.cluster_id = cid
    if moves:
        _raw(c, "UPDATE events SET cluster_id = ? WHERE id = ?", moves, many=True)
    return touched


def cluster_documents(c, doc_ids: Iterable[str], ts: str) -> int:
    """Cluster the events of stored documents, one document after the other (in the order given:
    the order of ingest), then refresh every touched real-world event once. Returns how many."""
    doc_ids = list(doc_ids)
    if c.dialect.name == "postgresql":    # concurrent writers cluster one after the other (SQLite: always)
        lock(c)
    mine: dict[str, list[R.Mention]] = defaultdict(list)
    for m in mentions_of_documents(c, doc_ids):
        mine[m.doc_id].append(m)
    touched: dict[str, list[R.Mention] | None] = {}
    members: dict[str, list[R.Mention]] = {}      # read once per batch: only this loop changes them
    for doc_id in doc_ids:
        assign(c, doc_id, ts, touched, mine.get(doc_id, []), members)
        if sum(map(len, members.values())) > CACHED_MENTIONS:
            # what the lookups read is kept for the batch's next documents, up to a bound: a mention
            # without a place can fit thousands of clusters, and keeping every one read would make
            # the ingesting process grow with the store. Dropping them is safe: the store holds
            # every assignment made so far (the touched clusters stay: `touched` holds them anyway)
            for cid in [k for k in members if k not in touched]:
                del members[cid]
    refresh(c, touched, ts)
    return len(touched)


def pending_documents(c, order: Sequence[str] = (), everything: bool = True) -> list[str]:
    """Stored documents with a clusterable event that has no real-world event yet, in ingest
    order: by `ingested_at`, and within one second those in `order` (the order this process
    stored them) after the others, the others by id. `everything`: all of them (what a killed
    run left too, read through the index of `cluster_id`, which also holds the events that never
    cluster); else only those among `order`."""
    mods = sorted(R.rules().clustered_modalities)
    sql = ("SELECT DISTINCT d.id, d.ingested_at FROM events e JOIN documents d ON d.id = e.doc_id "
           f"WHERE e.cluster_id IS NULL AND e.modality IN ({_qs(len(mods))})")
    if everything:
        rows = _raw(c, sql, mods)
    else:
        ids = list(dict.fromkeys(order))
        rows = []
        for i in range(0, len(ids), 500):
            chunk = _padded(ids[i:i + 500])
            rows += _raw(c, f"{sql} AND e.doc_id IN ({_qs(len(chunk))})", [*mods, *chunk])
    rank = {doc_id: i for i, doc_id in enumerate(order)}
    return [r[0] for r in sorted(rows, key=lambda r: (r[1] or "", rank.get(r[0], -1), r[0]))]


def lock(c) -> None:
    """Make this transaction the only one clustering until it ends: another process writing
    to the same store waits, and then sees what this one wrote. SQLite: a write first (the
    database's write lock, taken before anything is read); PostgreSQL: an advisory lock."""
    if c.dialect.name == "postgresql":
        c.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
    else:
        c.exec_driver_sql("UPDATE meta SET value = value WHERE key = 'schema_version'")


_LOCK_KEY = 0x5173_7265_7031   # "sitrep" clustering, an arbitrary constant of our own


_LIGHT = ("id, doc_id, event_type, match_start, match_end, lat, lon, location_precision, geonameid, admin1, "
          "country_code, actor1_id, actor2_id, cluster_id")


class _Light(namedtuple("_Light", "id doc_id event_type date_start date_end lat lon place_precision geonameid "
                                  "admin1 country_code actor1 actor2 cluster_id"), R.Reads):
    """A stored mention with what `R.compatible` reads (the attributes of `R.Mention` it uses)."""
    __slots__ = ()


def candidate_groups(c, m: R.Mention, members: dict[str, list[R.Mention]] | None = None,
                     skip: Iterable[str] = ()) -> Iterator[tuple[str, list[R.Mention]]]:
    """Existing clusters that `m` could join (but those in `skip`), with all their members, in
    id order: those with a member whose type and dates could fit `m` (the window of
    `max_window_days`) and which could be compatible with it. Found by indexed keys
    (`sitrep.store.grid`: type family, place cell, window length), the same province and the
    same gazetteer id; a cluster with a member that the rule rules out is left out, as
    `best_cluster` would leave it. Their members are read `_GROUPS_READ` clusters at a time, as
    the caller takes them (a mention without a place may fit a good part of the store)."""
    skip = set(skip)
    types = G.compatible_types(m.event_type)
    window = f"cluster_id IS NOT NULL AND event_type IN ({_qs(len(types))}) AND match_start <= ? AND match_end >= ?"
    wargs = (*types, m.date_end, m.date_start)
    floor = R.days_before(m.date_start, R.rules().max_window_days)
    keys = G.candidate_keys(m)
    parts: list[str] = []
    args: list[Any] = []
    if keys is None:        # no point, or no distance limit: by type and dates (index ix_events_match)
        parts.append(f"SELECT {_LIGHT} FROM events WHERE match_start >= ? AND {window}")
        args += [floor, *wargs]
    else:                   # the keys are bound, so that the statement's text repeats and SQLite's
        # statement cache reuses it (keys written into it made every mention's statement new: a
        # cache that only grew, and a parse per mention)
        # SQLite without statistics would rather walk the type index over the whole window
        by_grid = "events INDEXED BY ix_events_grid" if c.dialect.name == "sqlite" else "events"
        by_grid2 = "events INDEXED BY ix_events_grid2" if c.dialect.name == "sqlite" else "events"
        for lo, k, k2 in keys:
            ks = _padded([int(x) for x in k.split(",") if x])
            if ks:
                parts.append(f"SELECT {_LIGHT} FROM {by_grid} WHERE grid IN ({_qs(len(ks))}) AND match_start >= ? "
                             f"AND {window}")
                args += [*ks, lo, *wargs]
            ks2 = _padded([int(x) for x in k2.split(",") if x])
            if ks2:
                parts.append(f"SELECT {_LIGHT} FROM {by_grid2} WHERE grid2 IN ({_qs(len(ks2))}) AND match_start >= ? "
                             f"AND {window}")
                args += [*ks2, lo, *wargs]
        if m.admin1:         # the province rule holds whatever the distance
            parts.append(f"SELECT {_LIGHT} FROM events WHERE admin1 = ? AND match_start >= ? AND {window}")
            args += [m.admin1, floor, *wargs]
        if m.geonameid is not None:
            parts.append(f"SELECT {_LIGHT} FROM events WHERE geonameid = ? AND match_start >= ? AND {window}")
            args += [int(m.geonameid), floor, *wargs]
    seen: set[str] = set()             # the parts overlap: a row found twice is checked once
    viable: dict[str, bool] = {}
    for r in map(_Light._make, _iter_raw(c, " UNION ALL ".join(parts), args)):
        if r.id not in seen and viable.get(r.cluster_id, True):
            seen.add(r.id)
            viable[r.cluster_id] = R.compatible(m, r)
    ids = sorted(cid for cid, ok in viable.items() if ok and cid not in skip)
    del seen, viable
    known = members if members is not None else {}
    for i in range(0, len(ids), _GROUPS_READ):
        chunk = ids[i:i + _GROUPS_READ]
        groups: dict[str, list[R.Mention]] = defaultdict(list)
        for x in mentions_of_clusters(c, [cid for cid in chunk if cid not in known]):
            groups[x.cluster_id].append(x)
        if members is not None:
            members.update(groups)
        for cid in chunk:
            group = known[cid] if cid in known else groups.get(cid)
            if group:
                yield cid, group


def fill_grid(c) -> None:
    """Give every stored mention its `events.grid` key (a store upgraded to version 6)."""
    e = S.events.c
    rows = c.execute(select(e.id, e.event_type, e.match_start, e.match_end, e.lat, e.lon, e.location_precision)
                     .where(e.grid.is_(None))).all()
    todo = [(G.key(*r[1:]), G.key2(*r[1:]), r.id) for r in rows]
    for i in range(0, len(todo), 5000):
        _raw(c, "UPDATE events SET grid = ?, grid2 = ? WHERE id = ?", todo[i:i + 5000], many=True)


# ------------------------------------------------------------------------------------ cluster rows
def _hash(summary: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()


def refresh(c, cluster_ids: Iterable[str] | dict[str, list[R.Mention] | None], ts: str) -> None:
    """Recompute the summaries of these clusters from their members; create, update or tombstone.
    `cluster_ids` may map ids to their members when the caller knows them (None: read them).
    One statement per kind of change for all of them (our own SQL, `_rows`)."""
    known = dict(cluster_ids) if isinstance(cluster_ids, dict) else dict.fromkeys(cluster_ids)
    if not known:
        return
    ids = sorted(known)
    unknown = [cid for cid in ids if known[cid] is None]
    members: dict[str, list[R.Mention]] = defaultdict(list)
    for cid in ids:
        if known[cid] is not None:
            members[cid] = known[cid]
    for x in mentions_of_clusters(c, unknown):
        members[x.cluster_id].append(x)
    old: dict[str, tuple[int, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = _padded(ids[i:i + 500])
        old.update((r[0], (r[1], r[2])) for r in _raw(
            c, f"SELECT id, version, summary_hash FROM clusters WHERE id IN ({_qs(len(chunk))})", chunk))
    gone = [cid for cid in ids if not members.get(cid) and cid in old]
    if gone:
        c.execute(delete(S.clusters).where(S.clusters.c.id.in_(gone)))
        c.execute(delete(S.cluster_removals).where(S.cluster_removals.c.id.in_(gone)))
        c.execute(insert(S.cluster_removals), [{"id": cid, "removed_at": ts, "reason": "its last report was forgotten"}
                                               for cid in gone])
    new, changed = [], []
    for cid in ids:
        if not members.get(cid):
            continue
        summary = R.summarize(members[cid])
        h = _hash(summary)
        if cid not in old:
            new.append({"id": cid, **summary, "first_seen": ts, "updated_at": ts, "version": 1, "summary_hash": h})
        elif old[cid][1] != h:
            changed.append({"id": cid, **summary, "updated_at": ts, "version": old[cid][0] + 1, "summary_hash": h})
    if new:
        for i in range(0, len(new), 500):
            chunk = _padded([r["id"] for r in new[i:i + 500]])
            _raw(c, f"DELETE FROM cluster_removals WHERE id IN ({_qs(len(chunk))})", chunk)
        cols = list(new[0])
        _raw(c, f"INSERT INTO clusters ({', '.join(cols)}) VALUES ({_qs(len(cols))})",
             _rows(c, S.clusters, cols, new), many=True)
    if changed:
        cols = [k for k in changed[0] if k != "id"]
        _raw(c, f"UPDATE clusters SET {', '.join(k + ' = ?' for k in cols)} WHERE id = ?",
             _rows(c, S.clusters, [*cols, "id"], changed), many=True)
        write_actors(c, changed)
    if new:
        write_actors(c, new, fresh=True)


_PROCS: dict[tuple, list] = {}


def _rows(c, table, cols: list[str], rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows as parameter tuples for our own statements, each value as SQLAlchemy would bind it
    (a JSON column's value serialized the same way on each dialect)."""
    key = (c.dialect.name, table.name, tuple(cols))
    procs = _PROCS.get(key)
    if procs is None:
        procs = _PROCS[key] = [table.c[k].type.dialect_impl(c.dialect).bind_processor(c.dialect) for k in cols]
    return [tuple(p(r[k]) if p else r[k] for k, p in zip(cols, procs)) for r in rows]


def _actor_rows(row: dict[str, Any]) -> list[dict[str, str]]:
    out = {(row["actor1_id"], "actor1"), (row["actor2_id"], "actor2")}
    out |= {(a.get("id"), "assoc") for a in _json(row["assoc_actors"]) or [] if isinstance(a, dict)}
    return [{"cluster_id": row["id"], "entity_id": e, "role": role} for e, role in sorted(out, key=str) if e]


def write_actors(c, rows: list[dict[str, Any]], fresh: bool = False) -> None:
    """The event–actor rows (`cluster_actors`) of these real-world events, from their summaries."""
    if not fresh:
        for i in range(0, len(rows), 500):
            chunk = _padded([r["id"] for r in rows[i:i + 500]])
            _raw(c, f"DELETE FROM cluster_actors WHERE cluster_id IN ({_qs(len(chunk))})", chunk)
    actors = [(a["cluster_id"], a["entity_id"], a["role"]) for r in rows for a in _actor_rows(r)]
    if actors:
        _raw(c, "INSERT INTO cluster_actors (cluster_id, entity_id, role) VALUES (?, ?, ?)", actors, many=True)


def fill_actors(c) -> None:
    """The event–actor table of every real-world event (a store upgraded to version 7)."""
    cl = S.clusters.c
    c.execute(delete(S.cluster_actors))
    rows = c.execute(select(cl.id, cl.actor1_id, cl.actor2_id, cl.assoc_actors)).mappings().all()
    for i in range(0, len(rows), 20000):
        write_actors(c, [dict(r) for r in rows[i:i + 20000]], fresh=True)


def index_document(c, doc_id: str, ext: Extraction, d: dict[str, dict], ts: str) -> None:
    upsert_canonical(c, ext, d, ts)
    cluster_documents(c, [doc_id], ts)


def forget_document(c, doc_id: str, ts: str) -> dict[str, int]:
    """Remove one document with everything extracted from it, and re-form what rested on it."""
    e = S.events.c
    cids = set(c.execute(select(e.cluster_id).where(e.doc_id == doc_id, e.cluster_id.is_not(None))).scalars())
    ent_ids = set(c.execute(select(S.entities.c.canonical_id).where(S.entities.c.doc_id == doc_id)).scalars()) - {None}
    place_ids = set(c.execute(select(S.places.c.canonical_id).where(S.places.c.doc_id == doc_id)).scalars()) - {None}
    d = S.documents.c
    followers = list(c.execute(select(d.id).where(or_(d.near_duplicate_of == doc_id, and_(d.source_key == doc_id,
                                                                                          d.id != doc_id)))
                               .order_by(d.ingested_at, d.id)).scalars())
    for table in (S.entity_mentions, S.entity_roles, S.entities, S.places, S.timexes, S.events, S.quotes, S.claims,
                  S.doc_bands, S.doc_signatures):
        c.execute(delete(table).where(table.c.doc_id == doc_id))
    c.execute(delete(S.documents).where(d.id == doc_id))
    if followers:    # the earliest near duplicate becomes the others' original
        root = followers[0]
        c.execute(update(S.documents).where(d.id == root).values(near_duplicate_of=None, near_duplicate_score=None,
                                                                 source_key=root))
        c.execute(update(S.documents).where(d.id.in_(followers[1:]), d.near_duplicate_of == doc_id)
                  .values(near_duplicate_of=root))
        c.execute(update(S.documents).where(d.id.in_(followers[1:])).values(source_key=root))
        cids |= set(c.execute(select(e.cluster_id).where(e.doc_id.in_(followers), e.cluster_id.is_not(None))).scalars())
    touched = set(cids)
    for cid in cids:     # what rested on the forgotten report may fall apart: re-form the rest
        groups = R.cluster(load_mentions(c, e.cluster_id == cid))
        for i, g in enumerate(groups):
            new = cid if i == 0 else identity.event_id(g[0].id)
            if new != cid:
                c.execute(update(S.events).where(e.id.in_([m.id for m in g])).values(cluster_id=new))
                touched.add(new)
    refresh(c, touched, ts)
    prune_canonical(c, ent_ids, place_ids, ts)
    return {"events_touched": len(touched)}
