"""The store's tables (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Every extracted item keeps its evidence offsets into `documents.text`, the cleaned
text. Nested contract objects that have no columns of their own yet (an event's
arguments, a quote's speaker) are kept whole in a JSON `data` column next to the
columns that queries need.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

SCHEMA_VERSION = 11

# columns added since version 1, by version: (table, column DDL), or ("sql", statement) for
# an index. Stores of an older version are brought up to date when opened (all additions
# are nullable; new tables are simply created). Version 4 (cross-article events) also
# rebuilds the canonical tables and the clusters from the stored documents.
MIGRATIONS = {
    2: [("places", "relation VARCHAR"), ("places", "phrase_start INTEGER"), ("places", "phrase_end INTEGER"),
        ("places", "in_name TEXT"), ("timexes", "future BOOLEAN"), ("timexes", "month INTEGER"),
        ("timexes", "day INTEGER")],
    3: [("entities", "actor_type VARCHAR"), ("entities", "acled_actor TEXT"), ("entities", "inter INTEGER"),
        ("entities", "country VARCHAR(2)")],
    4: [("documents", "source_key VARCHAR"), ("entities", "canonical_id VARCHAR"), ("places", "canonical_id VARCHAR"),
        ("events", "cluster_id VARCHAR"), ("events", "actor1_id VARCHAR"), ("events", "actor2_id VARCHAR"),
        ("events", "place_id VARCHAR"), ("events", "country_code VARCHAR(2)"), ("events", "admin1 TEXT"),
        ("events", "location_precision VARCHAR"), ("events", "match_start VARCHAR(10)"),
        ("events", "match_end VARCHAR(10)"), ("quotes", "speaker_canonical_id VARCHAR"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_documents_source_key ON documents (source_key)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_entities_canonical_id ON entities (canonical_id)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_places_canonical_id ON places (canonical_id)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_cluster_id ON events (cluster_id)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_match ON events (event_type, match_start)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_quotes_speaker_canonical_id ON quotes (speaker_canonical_id)")],
    5: [("documents", "author TEXT"), ("documents", "outlet TEXT"), ("documents", "byline JSON")],
    # version 6: indexed candidate lookups for clustering (`sitrep.store.grid`); the keys of stored
    # mentions are filled in when the store is opened (`Store._fill_grid`)
    6: [("events", "grid BIGINT"), ("events", "grid2 BIGINT"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_grid ON events (grid, match_start)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_grid2 ON events (grid2, match_start)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_admin1 ON events (admin1, match_start)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_events_geonameid ON events (geonameid, match_start)")],
    # version 7: queries at a million events: the event–actor table (filled from the clusters when
    # the store is opened), full-text search (`SEARCH`), keyset pages in date order
    7: [("sql", "CREATE INDEX IF NOT EXISTS ix_clusters_date_id ON clusters (date_start DESC, id)")],
    # version 8: the watch and alert tables (below), new tables only, created when the store opens
    8: [],
    # version 9: counted and paged at a million events (`sitrep.store.query`): a date range with a
    # type or a country is one index range; SQLite also indexes each event's length in days (`SPAN`)
    9: [("sql", "CREATE INDEX IF NOT EXISTS ix_clusters_type_dates ON clusters (event_type, date_start, date_end, "
                "country_code)"),
        ("sql", "CREATE INDEX IF NOT EXISTS ix_clusters_country_dates ON clusters (country_code, date_start, date_end)")],
    # version 10: what a server recomputes after every commit, from indexes alone: the entity counts
    # that rank entity lists (documents and mentions per canonical entity), the timeline (events per
    # date and type), the statistics' top entities
    10: [("sql", "CREATE INDEX IF NOT EXISTS ix_entities_canonical_doc ON entities (canonical_id, doc_id, id)"),
         ("sql", "CREATE INDEX IF NOT EXISTS ix_entities_canonical_type ON entities (canonical, type)"),
         ("sql", "CREATE INDEX IF NOT EXISTS ix_clusters_date_type ON clusters (date_start, event_type)")],
    # version 11: PostgreSQL's index in the default order of events (`ORDER`, below)
    11: [],
}

# full-text search over the real-world events' notes, place and actor names, by dialect: SQLite's
# FTS5 with trigrams (any part of a word, as a literal substring; kept by triggers), PostgreSQL's
# tsvector with a GIN index (words from their start; a generated column). Run when a store is
# created or brought to version 7.
SEARCH = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS clusters_search USING fts5(notes, location_name, actor1_name, actor2_name,"
        " content='clusters', content_rowid='rowid', tokenize='trigram')",
        "CREATE TRIGGER IF NOT EXISTS clusters_search_ai AFTER INSERT ON clusters BEGIN"
        " INSERT INTO clusters_search(rowid, notes, location_name, actor1_name, actor2_name)"
        " VALUES (new.rowid, new.notes, new.location_name, new.actor1_name, new.actor2_name); END",
        "CREATE TRIGGER IF NOT EXISTS clusters_search_ad AFTER DELETE ON clusters BEGIN"
        " INSERT INTO clusters_search(clusters_search, rowid, notes, location_name, actor1_name, actor2_name)"
        " VALUES ('delete', old.rowid, old.notes, old.location_name, old.actor1_name, old.actor2_name); END",
        "CREATE TRIGGER IF NOT EXISTS clusters_search_au AFTER UPDATE ON clusters BEGIN"
        " INSERT INTO clusters_search(clusters_search, rowid, notes, location_name, actor1_name, actor2_name)"
        " VALUES ('delete', old.rowid, old.notes, old.location_name, old.actor1_name, old.actor2_name);"
        " INSERT INTO clusters_search(rowid, notes, location_name, actor1_name, actor2_name)"
        " VALUES (new.rowid, new.notes, new.location_name, new.actor1_name, new.actor2_name); END",
        "INSERT INTO clusters_search(clusters_search) VALUES ('rebuild')",
    ],
    "postgresql": [
        "ALTER TABLE clusters ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple',"
        " coalesce(notes, '') || ' ' || coalesce(location_name, '') || ' ' || coalesce(actor1_name, '') || ' ' ||"
        " coalesce(actor2_name, ''))) STORED",
        "CREATE INDEX IF NOT EXISTS ix_clusters_search ON clusters USING GIN (search)",
    ],
}

# SQLite: the longest event's length in days is an index lookup (`filters.longest_span`), so that "overlaps
# [from, to]" becomes a bounded range of date_start (from − the longest length .. to) instead of every
# event that starts before `to`. `filters.longest_span` asks for this very expression.
SPAN_SQL = "julianday(coalesce(date_end, date_start)) - julianday(date_start)"
SPAN = {"sqlite": [f"CREATE INDEX IF NOT EXISTS ix_clusters_span ON clusters (({SPAN_SQL}))"]}

# PostgreSQL builds `date_start DESC` nulls first, so `ix_clusters_date_id` cannot give the default order
# (`date_start DESC NULLS LAST, id`, undated events last) and every page sorted all matching events;
# an index in exactly that order lets a page stop after its rows (SQLite sorts nulls low: its DESC
# index is already nulls last). Version 11.
ORDER = {"postgresql": ["CREATE INDEX IF NOT EXISTS ix_clusters_date_order ON clusters "
                        "(date_start DESC NULLS LAST, id)"]}

metadata = MetaData()


def _doc_fk() -> Column:
    return Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True)


meta = Table(
    "meta", metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", String, primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("origin", Text),
    Column("url", Text),
    Column("source", Text),
    Column("title", Text),
    Column("language", String),
    Column("published", String(10), index=True),
    Column("published_source", String),
    Column("published_start", Integer),
    Column("published_end", Integer),
    Column("text", Text, nullable=False),
    Column("words", Integer, nullable=False),
    Column("ingested_at", String, nullable=False),
    Column("near_duplicate_of", String, index=True),
    Column("near_duplicate_score", Float),
    Column("source_key", String, index=True),     # near-duplicate articles share one: one independent source
    Column("author", Text),                       # from its byline (version 5)
    Column("outlet", Text),
    Column("byline", JSON),                       # the byline's lines: [{text, start, end}]
)

doc_signatures = Table(
    "doc_signatures", metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

doc_bands = Table(
    "doc_bands", metadata,
    Column("key", BigInteger, nullable=False),
    _doc_fk(),
    Index("ix_doc_bands_key", "key"),
)

entities = Table(
    "entities", metadata,
    Column("id", String, primary_key=True),
    _doc_fk(),
    Column("canonical", Text, nullable=False),
    Column("type", String, nullable=False, index=True),
    Column("kb_id", String, index=True),
    Column("wikidata", String),
    Column("aliases", JSON, nullable=False),
    Column("actor_type", String),
    Column("acled_actor", Text),
    Column("inter", Integer),
    Column("country", String(2)),
    Column("canonical_id", String, index=True),   # canonical_entities.id
    Index("ix_entities_canonical_doc", "canonical_id", "doc_id", "id"),
    Index("ix_entities_canonical_type", "canonical", "type"),
)

entity_mentions = Table(
    "entity_mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    _doc_fk(),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

entity_roles = Table(
    "entity_roles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity_id", String, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    _doc_fk(),
    Column("title", Text, nullable=False),
    Column("organization", Text),
    Column("start", Integer),
    Column("end", Integer),
)

places = Table(
    "places", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("name", Text),
    Column("geonameid", Integer, index=True),
    Column("lat", Float),
    Column("lon", Float),
    Column("country_code", String(2)),
    Column("admin1", Text),
    Column("feature_code", String),
    Column("precision", String),
    Column("score", Float),
    Column("relation", String),
    Column("phrase_start", Integer),
    Column("phrase_end", Integer),
    Column("in_name", Text),
    Column("canonical_id", String, index=True),   # canonical_places.id
)

timexes = Table(
    "timexes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("start_date", String(10)),
    Column("end_date", String(10)),
    Column("precision", String),
    Column("resolved", Boolean, nullable=False),
    Column("future", Boolean),
    Column("month", Integer),
    Column("day", Integer),
)

events = Table(
    "events", metadata,
    Column("id", String, primary_key=True),
    _doc_fk(),
    Column("event_type", String, nullable=False, index=True),
    Column("sub_event_type", String, nullable=False),
    Column("modality", String, nullable=False),
    Column("trigger_text", Text, nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("date_start", String(10), index=True),
    Column("date_end", String(10)),
    Column("date_precision", String),
    Column("location_name", Text),
    Column("geonameid", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("fatalities", Integer),
    Column("injured", Integer),
    Column("arrested", Integer),
    Column("confidence", Float),
    Column("data", JSON, nullable=False),
    # cross-article: the real-world event this mention belongs to (null for events that are
    # not asserted or claimed), canonical actor and place ids, and the window of dates it may lie in
    Column("cluster_id", String, index=True),
    Column("actor1_id", String),
    Column("actor2_id", String),
    Column("place_id", String),
    Column("country_code", String(2)),
    Column("admin1", Text),
    Column("location_precision", String),
    Column("match_start", String(10)),
    Column("match_end", String(10)),
    Column("grid", BigInteger),                  # type family, place cell and window length (sitrep.store.grid)
    Column("grid2", BigInteger),                 # the same with precise places on the coarse grid
    Index("ix_events_match", "event_type", "match_start"),
    Index("ix_events_grid", "grid", "match_start"),
    Index("ix_events_grid2", "grid2", "match_start"),
    Index("ix_events_admin1", "admin1", "match_start"),
    Index("ix_events_geonameid", "geonameid", "match_start"),
)

quotes = Table(
    "quotes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("speaker_entity_id", String),
    Column("speaker_name", Text),
    Column("direct", Boolean, nullable=False),
    Column("content_text", Text, nullable=False),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("data", JSON, nullable=False),
    Column("speaker_canonical_id", String, index=True),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("subject", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String),
    Column("qualifier", String),
    Column("evidence_start", Integer),
    Column("evidence_end", Integer),
    Column("data", JSON, nullable=False),
)

failures = Table(
    "failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_seen", String, nullable=False),
    UniqueConstraint("origin", "reason", name="uq_failures_origin_reason"),
)


# ------------------------------------------------------------------ across articles (version 4)
canonical_entities = Table(
    "canonical_entities", metadata,
    Column("id", String, primary_key=True),           # kb id (actor:…, person:…, geonames:…) or type:name
    Column("name", Text, nullable=False),
    Column("type", String, nullable=False, index=True),
    Column("actor_type", String),
    Column("acled_actor", Text),
    Column("inter", Integer),
    Column("country", String(2)),
    Column("wikidata", String),
    Column("aliases", JSON, nullable=False),
    Column("first_seen", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

canonical_places = Table(
    "canonical_places", metadata,
    Column("id", String, primary_key=True),           # geonames:<id>, or place:<folded name> when unresolved
    Column("geonameid", Integer, index=True),
    Column("name", Text, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("country_code", String(2), index=True),
    Column("admin1", Text),
    Column("feature_code", String),
    Column("precision", String),
    Column("first_seen", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

clusters = Table(                                      # real-world events: one row per cluster of mentions
    "clusters", metadata,
    Column("id", String, primary_key=True),           # evt-… from the founding mention; kept while the event lives
    Column("event_type", String, nullable=False, index=True),
    Column("sub_event_type", String, nullable=False),
    Column("date_start", String(10), index=True),
    Column("date_end", String(10), index=True),
    Column("date_precision", String),
    Column("location_name", Text),
    Column("geonameid", Integer),
    Column("place_id", String, index=True),
    Column("lat", Float, index=True),
    Column("lon", Float),
    Column("country_code", String(2), index=True),
    Column("admin1", Text),
    Column("location_precision", String),
    Column("actor1_id", String, index=True),
    Column("actor1_name", Text),
    Column("actor2_id", String, index=True),
    Column("actor2_name", Text),
    Column("assoc_actors", JSON, nullable=False),
    Column("fatalities", Integer, index=True),
    Column("fatalities_low", Integer),
    Column("fatalities_high", Integer),
    Column("injured", Integer),
    Column("injured_low", Integer),
    Column("injured_high", Integer),
    Column("arrested", Integer),
    Column("arrested_low", Integer),
    Column("arrested_high", Integer),
    Column("mentions", Integer, nullable=False),
    Column("sources", Integer, nullable=False, index=True),
    Column("documents", JSON, nullable=False),
    Column("confidence", Float),
    Column("notes", Text),
    Column("first_seen", String, nullable=False),
    Column("updated_at", String, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("summary_hash", String, nullable=False),
    Index("ix_clusters_dates", "date_start", "date_end"),
    Index("ix_clusters_date_id", text("date_start DESC"), "id"),
    Index("ix_clusters_date_type", "date_start", "event_type"),
    Index("ix_clusters_lat_lon", "lat", "lon"),
    Index("ix_clusters_type_dates", "event_type", "date_start", "date_end", "country_code"),
    Index("ix_clusters_country_dates", "country_code", "date_start", "date_end"),
)

cluster_actors = Table(                                # who took part in each real-world event (version 7)
    "cluster_actors", metadata,
    Column("cluster_id", String, ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String, primary_key=True),    # canonical_entities.id
    Column("role", String, primary_key=True),         # actor1, actor2 or assoc
    Index("ix_cluster_actors_entity", "entity_id", "cluster_id"),
)

cluster_removals = Table(                              # tombstones, so that downstream copies can sync deletions
    "cluster_removals", metadata,
    Column("id", String, primary_key=True),
    Column("removed_at", String, nullable=False, index=True),
    Column("reason", Text, nullable=False),
)


# ------------------------------------------------------------------ watching sources, alerts (version 8)
# `sitrep watch` keeps its state here (queries in `sitrep.store.watch`), so a restart resumes.
watch_sources = Table(                                 # one row per line of a sources file
    "watch_sources", metadata,
    Column("url", Text, primary_key=True),
    Column("name", Text),
    Column("kind", String),                           # feed | sitemap | page (null until first fetched)
    Column("countries", String),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch", String),
    Column("last_success", String),
    Column("next_fetch", String),
    Column("items", Integer, nullable=False),         # article URLs it has listed, all rounds together
    Column("errors", Integer, nullable=False),        # failed fetches of the source itself, all rounds
    Column("consecutive_errors", Integer, nullable=False),
    Column("last_error", Text),
)

watch_items = Table(                                   # every article URL a source listed: the work queue
    "watch_items", metadata,
    Column("url", Text, primary_key=True),            # canonical URL
    Column("source_url", Text, nullable=False, index=True),
    Column("title", Text),                            # the feed's title and date for the item (metadata)
    Column("published", String),
    Column("status", String, nullable=False, index=True),   # pending | done | failed | gave_up
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("doc_id", String),                         # the stored document (or the one with its text)
    Column("first_seen", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

watch_rounds = Table(
    "watch_rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String, nullable=False),
    Column("finished_at", String),
    Column("sources", Integer, nullable=False),
    Column("new_items", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
)

alerts = Table(
    "alerts", metadata,
    Column("name", String, primary_key=True),
    Column("filters", JSON, nullable=False),          # the `sitrep events` filters, plus min_fatalities
    Column("deliver", Text, nullable=False),          # print | jsonl:PATH | webhook:URL
    Column("created_at", String, nullable=False),
    Column("checked_at", String, nullable=False),     # events updated since then are looked at next
)

alert_deliveries = Table(                              # each event goes to each alert once
    "alert_deliveries", metadata,
    Column("alert", String, ForeignKey("alerts.name", ondelete="CASCADE"), primary_key=True),
    Column("event_id", String, primary_key=True),
    Column("version", Integer),
    Column("delivered_at", String, nullable=False),
)
