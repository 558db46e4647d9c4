"""The store: documents and everything extracted from them, in SQLite (default) or PostgreSQL.

`Store.open("sitrep.db")` opens (and creates) a SQLite file in WAL mode; any
SQLAlchemy URL (`postgresql+psycopg://…`) works with the same code. Each document
is written in one transaction with all its items and its effect on the cross-article
tables (canonical entities and places, real-world events: `sitrep.store.clusters`), so a
failure never leaves half a record; with `save(…, cluster=False)` its real-world events
come in the next pass of `cluster_pending` (how `sitrep ingest` writes: one pass per batch of
documents). Writing a document whose text is already stored is a no-op; `forget` takes one
out again. Queries live in `sitrep.store.query`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import orjson
from sqlalchemy import create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from sitrep.ingest import dedup
from sitrep.model import Entity, Extraction, Place, Role, SourceDoc, Span, Timex
from sitrep.resolve.gazetteer import distance_km
from sitrep.store import clusters as X
from sitrep.store import raw as R
from sitrep.store import schema as S


class StoreError(RuntimeError):
    pass


def _url(target: str) -> str:
    return target if "://" in target else f"sqlite:///{target}"


class Store:
    def __init__(self, target: str, *, near_threshold: float = dedup.THRESHOLD):
        self.url = _url(target)
        self.near_threshold = near_threshold
        sqlite = self.url.startswith("sqlite")
        # another process writing to the same file holds its lock for one document's transaction:
        # wait for it (a long document takes a while) rather than fail after SQLite's 5 s
        self.engine: Engine = create_engine(self.url, json_deserializer=_json_loads,
                                            connect_args={"timeout": 120, "cached_statements": 256} if sqlite else {})
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        S.metadata.create_all(self.engine)
        self._check_version()

    @classmethod
    def open(cls, target: str, **kw) -> Store:
        return cls(target, **kw)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ schema version
    def _check_version(self) -> None:
        with self.engine.begin() as c:
            row = c.execute(select(S.meta.c.value).where(S.meta.c.key == "schema_version")).first()
            if row is None:
                c.execute(insert(S.meta).values(key="schema_version", value=str(S.SCHEMA_VERSION)))
                self._search(c)
                self._span(c)
                self._dialect_order(c)
                return
            version = int(row.value)
            if version > S.SCHEMA_VERSION:
                raise StoreError(f"{self.url}: schema version {version} is newer than this sitrep's "
                                 f"({S.SCHEMA_VERSION}); upgrade sitrep")
            have = {t: {col["name"] for col in inspect(c).get_columns(t)} for t in S.metadata.tables}
            for v in range(version + 1, S.SCHEMA_VERSION + 1):
                for table, ddl in S.MIGRATIONS.get(v, []):
                    if table == "sql":
                        c.execute(text(ddl))
                    elif ddl.split()[0] not in have.get(table, ()):
                        c.execute(text(f"ALTER TABLE {table} ADD COLUMN {ddl}"))
            if 4 <= version < 6:
                X.fill_grid(c)
            if version < 7:
                self._search(c)
                X.fill_actors(c)
            if version < 9:
                self._span(c)
                if self.engine.dialect.name == "sqlite":     # the planner's statistics of the new indexes
                    c.exec_driver_sql("ANALYZE clusters")
            if version < 11:
                self._dialect_order(c)
            if version < S.SCHEMA_VERSION:
                c.execute(update(S.meta).where(S.meta.c.key == "schema_version").values(value=str(S.SCHEMA_VERSION)))
        if version < 4:
            self.rebuild()

    def _search(self, c) -> None:
        """Full-text search over the real-world events (`schema.SEARCH`, by dialect)."""
        for ddl in S.SEARCH.get(self.engine.dialect.name, []):
            c.execute(text(ddl))

    def _span(self, c) -> None:
        """The index of events' lengths in days (`schema.SPAN`, SQLite only)."""
        for ddl in S.SPAN.get(self.engine.dialect.name, []):
            c.execute(text(ddl))

    def _dialect_order(self, c) -> None:
        """The default order's index where the dialect needs its own (`schema.ORDER`, PostgreSQL)."""
        for ddl in S.ORDER.get(self.engine.dialect.name, []):
            c.execute(text(ddl))

    def analyze(self) -> None:
        """Refresh the query planner's statistics (after a bulk load: with them SQLite walks the
        date index for a page of a common event type instead of sorting every event of it)."""
        with self.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")

    def schema_version(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(select(S.meta.c.value).where(S.meta.c.key == "schema_version")).scalar_one())

    # ------------------------------------------------------------------ duplicates
    def find_exact(self, content_hash: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(select(S.documents.c.id).where(S.documents.c.content_hash == content_hash)).scalar()

    def has_id(self, doc_id: str) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(S.documents.c.id).where(S.documents.c.id == doc_id)).first() is not None

    def find_near(self, sig: np.ndarray) -> dedup.Match | None:
        keys = dedup.band_keys(sig)
        with self.engine.connect() as c:
            ids = select(S.doc_bands.c.doc_id).where(S.doc_bands.c.key.in_(keys)).distinct().scalar_subquery()
            rows = c.execute(select(S.doc_signatures.c.doc_id, S.doc_signatures.c.signature)
                             .where(S.doc_signatures.c.doc_id.in_(ids)).order_by(S.doc_signatures.c.doc_id)).all()
        return dedup.best_match(sig, ((r.doc_id, dedup.from_bytes(r.signature)) for r in rows), self.near_threshold)

    # ------------------------------------------------------------------ writing
    def save(self, src: SourceDoc, ext: Extraction, sig: np.ndarray, near: dedup.Match | None = None, *,
             cluster: bool = True) -> bool:
        """Write one document and all its items in one transaction. False when the same text was
        stored meanwhile (another process ingesting into this store won the race): nothing is
        written then. A different text under the same id raises `StoreError`. `cluster=False`
        leaves its events without real-world events until `cluster_pending` runs (a bulk run
        clusters many documents in one pass)."""
        try:
            self._save(src, ext, sig, near, cluster)
            return True
        except IntegrityError:
            if self.find_exact(src.content_hash):
                return False
            if self.has_id(src.id):
                raise StoreError(f"id {src.id!r} is already stored with a different text") from None
            raise

    def _save(self, src: SourceDoc, ext: Extraction, sig: np.ndarray, near: dedup.Match | None,
              cluster: bool = True) -> None:
        d = X.derived(ext)
        with self.engine.begin() as c:
            rows: dict = defaultdict(list)
            self._doc_rows(c, src, sig, near, rows, {})
            for table in (S.documents, S.doc_signatures, S.doc_bands):
                c.execute(insert(table), rows[table])
            self._save_items(c, src.id, ext, d)
            ts = X.now()
            X.upsert_canonical(c, ext, d, ts)
            if cluster:
                X.cluster_documents(c, [src.id], ts)

    def cluster_pending(self, order: list[str] | None = None, *, everything: bool = True) -> int:
        """Give the events of every stored document that has none yet (saved with `cluster=False`,
        by this process or one that was killed before its pass) their real-world events, in
        ingest order (`order`: the order this process stored its documents), in one transaction.
        `everything=False`: only those of the documents in `order` (a run's later passes: the
        search for every such document reads the events that never cluster too). Concurrent
        passes run one after the other. Returns how many documents it clustered."""
        with self.engine.begin() as c:
            X.lock(c)
            ids = X.pending_documents(c, order or (), everything)
            if ids:
                X.cluster_documents(c, ids, X.now())
            return len(ids)

    def save_many(self, items: list[tuple[SourceDoc, Extraction, np.ndarray, dedup.Match | None]]) -> None:
        """Bulk loading: write documents in one transaction, each table's rows of all of them in one
        statement, then give their events their real-world events in the order given (as saving
        them one after the other would). All or nothing: when it raises, nothing was written, and
        the caller saves them one by one (`save`) to find the one at fault."""
        rows: dict = defaultdict(list)
        keys: dict[str, str] = {}
        done = []
        with self.engine.begin() as c:
            for src, ext, sig, near in items:
                d = X.derived(ext)
                self._doc_rows(c, src, sig, near, rows, keys)
                self._save_items(c, src.id, ext, d, into=rows)
                done.append((src.id, ext, d))
            for table in S.metadata.sorted_tables:        # parents before children
                for i in range(0, len(rows.get(table, [])), 5000):
                    c.execute(insert(table), rows[table][i:i + 5000])
            ts = X.now()
            for _, ext, d in done:
                X.upsert_canonical(c, ext, d, ts)
            X.cluster_documents(c, [doc_id for doc_id, _, _ in done], ts)

    def _doc_rows(self, c, src: SourceDoc, sig: np.ndarray, near: dedup.Match | None, rows: dict,
                  keys: dict[str, str]) -> None:
        """A document's own rows (the document, its signature and bands); `keys`: the source keys of
        documents written in the same transaction but not yet inserted."""
        ev = src.published_evidence
        source_key = src.id
        if near:
            source_key = keys.get(near.doc_id) or c.execute(
                select(S.documents.c.source_key).where(S.documents.c.id == near.doc_id)).scalar() or near.doc_id
        keys[src.id] = source_key
        rows[S.documents].append(dict(
            id=src.id, content_hash=src.content_hash, origin=src.origin, url=src.url, source=src.source,
            title=src.title, language=src.language, published=src.published,
            published_source=src.published_source, published_start=ev.start if ev else None,
            published_end=ev.end if ev else None, text=src.text, words=src.words,
            ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            near_duplicate_of=near.doc_id if near else None, near_duplicate_score=near.score if near else None,
            source_key=source_key, author=src.author, outlet=src.outlet,
            byline=[dataclasses.asdict(b) for b in src.byline]))
        rows[S.doc_signatures].append({"doc_id": src.id, "signature": dedup.to_bytes(sig)})
        rows[S.doc_bands] += [{"key": k, "doc_id": src.id} for k in dedup.band_keys(sig)]

    def forget(self, doc_id: str) -> dict[str, int] | None:
        """Remove a document and everything extracted from it; real-world events that rested
        only on it are dissolved (with a tombstone), the others recomputed. None if unknown."""
        with self.engine.begin() as c:
            if c.execute(select(S.documents.c.id).where(S.documents.c.id == doc_id)).first() is None:
                return None
            return X.forget_document(c, doc_id, X.now())

    def rebuild(self) -> None:
        """Recompute every cross-article column and table from the stored documents, in ingest
        order (used when a store from before version 4 is opened)."""
        with self.engine.connect() as c:
            docs = list(c.execute(select(S.documents.c.id, S.documents.c.near_duplicate_of)
                                  .order_by(S.documents.c.ingested_at, S.documents.c.id)))
        with self.engine.begin() as c:
            for table in (S.clusters, S.canonical_entities, S.canonical_places):
                c.execute(table.delete())
            c.execute(update(S.events).values(cluster_id=None))
            keys: dict[str, str] = {}
            for doc_id, near in docs:
                keys[doc_id] = keys.get(near, near) if near else doc_id
                c.execute(update(S.documents).where(S.documents.c.id == doc_id).values(source_key=keys[doc_id]))
        for doc_id, _ in docs:
            ext = self.extraction(doc_id)
            d = X.derived(ext)
            with self.engine.begin() as c:
                for eid, cid in d["entities"].items():
                    c.execute(update(S.entities).where(S.entities.c.id == eid).values(canonical_id=cid))
                pids = c.execute(select(S.places.c.id).where(S.places.c.doc_id == doc_id).order_by(S.places.c.id)
                                 ).scalars().all()
                for i, pid in enumerate(pids):
                    c.execute(update(S.places).where(S.places.c.id == pid).values(canonical_id=d["places"].get(i)))
                for eid, cols in d["events"].items():
                    c.execute(update(S.events).where(S.events.c.id == eid).values(**cols))
                qids = c.execute(select(S.quotes.c.id).where(S.quotes.c.doc_id == doc_id).order_by(S.quotes.c.id)
                                 ).scalars().all()
                for qid, spk in zip(qids, d["quotes"]):
                    c.execute(update(S.quotes).where(S.quotes.c.id == qid).values(speaker_canonical_id=spk))
                X.index_document(c, doc_id, ext, d, X.now())

    def _save_items(self, c, doc_id: str, ext: Extraction, d: dict | None = None, into: dict | None = None) -> None:
        """Write the rows of one extraction (or add them to `into`, by table, for a bulk insert)."""
        d = d or X.derived(ext)

        def many(table, rows):
            if into is not None:
                into[table] += rows
            elif rows:
                c.execute(insert(table), rows)

        many(S.entities, [{"id": e.id, "doc_id": doc_id, "canonical": e.canonical, "type": e.type, "kb_id": e.kb_id,
                           "wikidata": e.wikidata, "aliases": e.aliases, "actor_type": e.actor_type,
                           "acled_actor": e.acled_actor, "inter": e.inter, "country": e.country,
                           "canonical_id": d["entities"][e.id]} for e in ext.entities])
        many(S.entity_mentions, [{"entity_id": e.id, "doc_id": doc_id, "text": m.text, "start": m.start, "end": m.end}
                                 for e in ext.entities for m in e.mentions])
        many(S.entity_roles, [{"entity_id": e.id, "doc_id": doc_id, **dataclasses.asdict(r)}
                              for e in ext.entities for r in e.roles])
        many(S.places, [{"doc_id": doc_id, **{k: v for k, v in dataclasses.asdict(p).items() if k != "phrase" and k in S.places.c},
                         "phrase_start": p.phrase.start if p.phrase else None,
                         "phrase_end": p.phrase.end if p.phrase else None, "canonical_id": d["places"][i]}
                        for i, p in enumerate(ext.places)])
        many(S.timexes, [{"doc_id": doc_id, **dataclasses.asdict(t)} for t in ext.timexes])
        many(S.events, [{
            "id": e.id, "doc_id": doc_id, "event_type": e.event_type, "sub_event_type": e.sub_event_type,
            "modality": e.modality, "trigger_text": e.trigger.text, "trigger_start": e.trigger.start,
            "trigger_end": e.trigger.end, "date_start": e.date.start, "date_end": e.date.end,
            "date_precision": e.date.precision, "location_name": e.location.name if e.location else None,
            "geonameid": e.location.geonameid if e.location else None,
            "lat": e.location.lat if e.location else None, "lon": e.location.lon if e.location else None,
            "fatalities": e.counts.fatalities, "injured": e.counts.injured, "arrested": e.counts.arrested,
            "confidence": e.confidence, "data": dataclasses.asdict(e), **d["events"][e.id]} for e in ext.events])
        many(S.quotes, [{
            "doc_id": doc_id, "speaker_entity_id": q.speaker.entity_id, "speaker_name": q.speaker.name,
            "direct": q.direct, "content_text": q.content.text, "content_start": q.content.start,
            "content_end": q.content.end, "data": dataclasses.asdict(q), "speaker_canonical_id": spk}
            for q, spk in zip(ext.quotes, d["quotes"])])
        many(S.claims, [{
            "doc_id": doc_id, "subject": cl.subject, "value": cl.value, "unit": cl.unit, "qualifier": cl.qualifier,
            "evidence_start": cl.evidence.start if cl.evidence else None,
            "evidence_end": cl.evidence.end if cl.evidence else None, "data": dataclasses.asdict(cl)}
            for cl in ext.claims])

    def add_failure(self, origin: str, reason: str) -> None:
        """Record a failure once: the same file failing for the same reason again adds nothing."""
        with self.engine.begin() as c:
            exists = c.execute(select(S.failures.c.id).where(S.failures.c.origin == origin,
                                                             S.failures.c.reason == reason)).first()
            if not exists:
                c.execute(insert(S.failures).values(origin=origin, reason=reason,
                                                    first_seen=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))

    # ------------------------------------------------------------------ reading
    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            found = R.rows_where(c, S.documents, "id", doc_id)
            return found[0] if found else None

    def find_documents(self, prefix: str, limit: int = 5) -> list[str]:
        with self.engine.connect() as c:
            return list(c.execute(select(S.documents.c.id).where(S.documents.c.id.startswith(prefix, autoescape=True))
                                  .order_by(S.documents.c.id).limit(limit)).scalars())

    def extraction(self, doc_id: str) -> Extraction | None:
        """A stored document's extraction, rebuilt from the tables (offsets into the stored text)."""
        with self.engine.connect() as c:
            found = R.rows_where(c, S.documents, "id", doc_id)
            if not found:
                return None
            doc = found[0]

            def rows(table, order):
                return R.rows_where(c, table, "doc_id", doc_id, tuple(col.name for col in order))

            mentions: dict[str, list[Span]] = {}
            for m in rows(S.entity_mentions, [S.entity_mentions.c.id]):
                mentions.setdefault(m["entity_id"], []).append(Span(m["text"], m["start"], m["end"]))
            roles: dict[str, list[Role]] = {}
            for r in rows(S.entity_roles, [S.entity_roles.c.id]):
                roles.setdefault(r["entity_id"], []).append(Role(r["title"], r["organization"], r["start"], r["end"]))
            ents = [Entity(id=e["id"], canonical=e["canonical"], type=e["type"], kb_id=e["kb_id"],
                           wikidata=e["wikidata"], aliases=list(e["aliases"] or []),
                           mentions=mentions.get(e["id"], []), roles=roles.get(e["id"], []),
                           actor_type=e["actor_type"], acled_actor=e["acled_actor"], inter=e["inter"],
                           country=e["country"])
                    for e in rows(S.entities, [S.entities.c.id])]
            ents.sort(key=lambda e: e.mentions[0].start if e.mentions else -1)
            fields = {f.name for f in dataclasses.fields(Place)} - {"phrase"}
            places = [Place(**{k: v for k, v in p.items() if k in fields},
                            phrase=Span(doc["text"][p["phrase_start"]:p["phrase_end"]], p["phrase_start"], p["phrase_end"])
                            if p["phrase_start"] is not None else None)
                      for p in rows(S.places, [S.places.c.id])]
            tfields = {f.name for f in dataclasses.fields(Timex)}
            tx = [Timex(**{k: v for k, v in t.items() if k in tfields}) for t in rows(S.timexes, [S.timexes.c.id])]
            d = {"events": [r["data"] for r in rows(S.events, [S.events.c.trigger_start])],
                 "quotes": [r["data"] for r in rows(S.quotes, [S.quotes.c.id])],
                 "claims": [r["data"] for r in rows(S.claims, [S.claims.c.id])]}
        ev = (Span(doc["text"][doc["published_start"]:doc["published_end"]], doc["published_start"], doc["published_end"])
              if doc["published_start"] is not None else None)
        rest = Extraction.from_dict({"id": doc_id, **d})
        return Extraction(id=doc_id, published=doc["published"], published_source=doc["published_source"],
                          entities=ents, places=places, timexes=tx, events=rest.events, quotes=rest.quotes,
                          claims=rest.claims, title=doc["title"], url=doc["url"], source=doc["source"],
                          text=doc["text"], published_evidence=ev, near_duplicate_of=doc["near_duplicate_of"],
                          author=doc.get("author"), outlet=doc.get("outlet"),
                          byline=[Span(**b) for b in doc.get("byline") or []])

    def stats(self) -> dict[str, Any]:
        with self.engine.connect() as c:
            def count(table, *where):
                return c.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

            types = dict(c.execute(select(S.entities.c.type, func.count()).group_by(S.entities.c.type)).all())
            sources = Counter(dict(c.execute(select(S.documents.c.published_source, func.count())
                                             .group_by(S.documents.c.published_source)).all()))
            span = c.execute(select(func.min(S.documents.c.published), func.max(S.documents.c.published))).one()
            top = c.execute(select(S.entities.c.canonical, S.entities.c.type, func.count().label("n"))
                            .group_by(S.entities.c.canonical, S.entities.c.type)
                            .order_by(func.count().desc(), S.entities.c.canonical).limit(10)).all()
            return {
                "schema_version": self.schema_version(),
                "documents": count(S.documents),
                "words": c.execute(select(func.coalesce(func.sum(S.documents.c.words), 0))).scalar_one(),
                "near_duplicates": count(S.documents, S.documents.c.near_duplicate_of.is_not(None)),
                "published_from": {(k or "none"): v for k, v in sources.items()},
                "published_range": [span[0], span[1]],
                "entities": count(S.entities),
                "entity_types": types,
                "mentions": count(S.entity_mentions),
                "places": count(S.places),
                "places_resolved": count(S.places, S.places.c.geonameid.is_not(None)),
                "timexes": count(S.timexes),
                "events": count(S.events),
                "events_asserted": count(S.events, S.events.c.modality == "asserted"),
                "real_world_events": count(S.clusters),
                "real_world_events_with_several_sources": count(S.clusters, S.clusters.c.sources > 1),
                "canonical_entities": count(S.canonical_entities),
                "canonical_places": count(S.canonical_places),
                "quotes": count(S.quotes),
                "claims": count(S.claims),
                "failures": count(S.failures),
                "top_entities": [(r.canonical, r.type, r.n) for r in top],
            }

    def failures(self) -> list[tuple[str, str]]:
        with self.engine.connect() as c:
            return [(r.origin, r.reason) for r in c.execute(select(S.failures).order_by(S.failures.c.id))]


_LONG_NUMBER = re.compile(r"\d{19}")   # an integer orjson would read as a float (over 64 bits)


def _json_loads(value):
    """JSON columns as Python values: by orjson (a tenth of the time of the json module), except
    what the two read differently or orjson refuses (integers over 64 bits; NaN and lone surrogate
    escapes), which the json module reads: every stored value reads back exactly as before."""
    if isinstance(value, str) and _LONG_NUMBER.search(value) is None:
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            pass
    return json.loads(value)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # the great-circle distance of `near` inside SQL (`sitrep.store.query`), the same function as in Python
    dbapi_conn.create_function("sitrep_km", 4, _km, deterministic=True)


def _km(lat1, lon1, lat2, lon2):
    if None in (lat1, lon1, lat2, lon2):
        return None
    return distance_km((lat1, lon1), (lat2, lon2))
