"""The store's cross-article layer: canonical entities and places, and real-world events.

Everything here runs inside the transaction that writes or forgets one document, so a
document and its effect on the clusters land (or roll back) together:

* `derived(ext)` — the cross-article columns of one extraction's rows (canonical entity and
  place ids, each event's canonical actors and the window of dates it may lie in);
* `index_document` — after a document's rows are written: upsert its canonical entities
  and places, and give each of its asserted or claimed events a real-world event
  (`sitrep.resolve.events` decides which);
* `forget_document` — remove a document and dissolve or split what rested on it;
* `refresh` — recompute clusters' summaries, bump their version when the summary changed,
  and leave a tombstone for clusters that no longer exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, select, update

from sitrep.model import Extraction
from sitrep.resolve import events as R
from sitrep.resolve import identity
from sitrep.store import schema as S


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
        evs[e.id] = {
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


def load_mentions(c, *where) -> list[R.Mention]:
    rows = c.execute(select(*_MENTION_COLS).join(S.documents, S.documents.c.id == S.events.c.doc_id)
                     .where(*where)).all()
    if not rows:
        return []
    per_doc_assoc = {a["entity_id"] for r in rows for a in (r.data.get("assoc_actors") or []) if a.get("entity_id")}
    assoc_map = dict(c.execute(select(S.entities.c.id, S.entities.c.canonical_id)
                               .where(S.entities.c.id.in_(list(per_doc_assoc)))).all()) if per_doc_assoc else {}
    actor_ids = {a for r in rows for a in (r.actor1_id, r.actor2_id) if a} | set(assoc_map.values())
    names = dict(c.execute(select(S.canonical_entities.c.id, S.canonical_entities.c.name)
                           .where(S.canonical_entities.c.id.in_(list(actor_ids)))).all()) if actor_ids else {}
    out = []
    for r in rows:
        data = r.data
        ev = data.get("evidence") or []
        assoc = tuple(assoc_map[a["entity_id"]] for a in (data.get("assoc_actors") or [])
                      if a.get("entity_id") in assoc_map and assoc_map[a["entity_id"]])
        out.append(R.Mention(
            id=r.id, doc_id=r.doc_id, source_key=r.source_key or r.doc_id,
            seq=f"{r.ingested_at}\x1f{r.doc_id}\x1f{r.trigger_start:09d}", event_type=r.event_type,
            sub_event_type=r.sub_event_type, date_start=r.match_start, date_end=r.match_end,
            date_precision=r.date_precision, date_from_text=(data.get("date") or {}).get("source") == "text",
            reported=((data.get("date") or {}).get("start"), (data.get("date") or {}).get("end")),
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


def assign(c, doc_id: str, ts: str) -> set[str]:
    """Give each clusterable event of one document its real-world event. Returns the touched cluster ids."""
    e = S.events.c
    mine = load_mentions(c, e.doc_id == doc_id, e.modality.in_(sorted(R.rules().clustered_modalities)))
    touched: set[str] = set()
    for m in sorted(mine, key=lambda x: (x.seq, x.id)):
        cid = None
        if m.dated:
            cid = R.best_cluster(m, candidate_groups(c, m))
        cid = cid or identity.event_id(m.id)
        c.execute(update(S.events).where(e.id == m.id).values(cluster_id=cid))
        touched.add(cid)
    return touched


def candidate_groups(c, m: R.Mention) -> dict[str, list[R.Mention]]:
    """Existing clusters with a member whose type and dates could fit `m`, with all their members."""
    r = R.rules()
    types = sorted({m.event_type} | {t for pair in r.compatible_types if m.event_type in pair for t in pair})
    floor = R.days_before(m.date_start, r.max_window_days)
    e = S.events.c
    ids = list(c.execute(select(e.cluster_id).where(
        e.cluster_id.is_not(None), e.event_type.in_(types), e.match_start <= m.date_end, e.match_start >= floor,
        e.match_end >= m.date_start).distinct()).scalars())
    if not ids:
        return {}
    groups: dict[str, list[R.Mention]] = defaultdict(list)
    for x in load_mentions(c, e.cluster_id.in_(ids)):
        groups[x.cluster_id].append(x)
    return groups


# ------------------------------------------------------------------------------------ cluster rows
def _hash(summary: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()


def refresh(c, cluster_ids: Iterable[str], ts: str) -> None:
    """Recompute the summaries of these clusters from their members; create, update or tombstone."""
    for cid in sorted(set(cluster_ids)):
        members = load_mentions(c, S.events.c.cluster_id == cid)
        old = c.execute(select(S.clusters.c.version, S.clusters.c.summary_hash, S.clusters.c.first_seen)
                        .where(S.clusters.c.id == cid)).first()
        if not members:
            if old is not None:
                c.execute(delete(S.clusters).where(S.clusters.c.id == cid))
                c.execute(delete(S.cluster_removals).where(S.cluster_removals.c.id == cid))
                c.execute(insert(S.cluster_removals).values(id=cid, removed_at=ts, reason="its last report was forgotten"))
            continue
        summary = R.summarize(members)
        h = _hash(summary)
        if old is None:
            c.execute(delete(S.cluster_removals).where(S.cluster_removals.c.id == cid))
            c.execute(insert(S.clusters).values(id=cid, **summary, first_seen=ts, updated_at=ts, version=1,
                                                summary_hash=h))
        elif old.summary_hash != h:
            c.execute(update(S.clusters).where(S.clusters.c.id == cid)
                      .values(**summary, updated_at=ts, version=old.version + 1, summary_hash=h))


def index_document(c, doc_id: str, ext: Extraction, d: dict[str, dict], ts: str) -> None:
    upsert_canonical(c, ext, d, ts)
    refresh(c, assign(c, doc_id, ts), ts)


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
