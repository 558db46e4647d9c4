"""The JSON Lines export: one document per line, the extraction contract as
`query.document` returns it (the text and every annotation, offsets into `text`), with
each event given `cluster_id` (the real-world event it belongs to; null when it is not
clustered, e.g. planned or negated events) and each entity `canonical_id`; the id maps
that carried these are folded in and dropped.

Without filters every stored document is written, in ingest order. With filters, the
documents that report at least one matching event, in the same order (their ids are
gathered first; only ids are held in memory).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from sitrep.export import common
from sitrep.store import query
from sitrep.store import schema as S

CHUNK = 500


def _ordered_ids(store, wanted: set[str] | None) -> Iterator[str]:
    d = S.documents.c
    q = select(d.id).order_by(d.ingested_at, d.id)
    if wanted is None:
        offset = 0
        while True:
            with store.engine.connect() as c:
                ids = list(c.execute(q.limit(CHUNK).offset(offset)).scalars())
            yield from ids
            if len(ids) < CHUNK:
                return
            offset += CHUNK
    # ingest order of a set of ids: order each chunk's rows, then merge by (ingested_at, id)
    keyed: list[tuple[str, str]] = []
    ids = sorted(wanted)
    with store.engine.connect() as c:
        for i in range(0, len(ids), CHUNK):
            keyed += c.execute(select(d.ingested_at, d.id).where(d.id.in_(ids[i:i + CHUNK]))).all()
    for _, doc_id in sorted(keyed):
        yield doc_id


def record(store, doc_id: str) -> dict[str, Any] | None:
    doc = query.document(store, doc_id)
    if doc is None:
        return None
    clusters = doc.pop("event_ids", {}) or {}
    canon = doc.pop("entity_ids", {}) or {}
    for e in doc.get("events") or []:
        e["cluster_id"] = clusters.get(e.get("id"))
    for e in doc.get("entities") or []:
        e["canonical_id"] = canon.get(e.get("id"))
    return doc


def write(store, out, filters: dict[str, Any]) -> dict[str, Any]:
    wanted: set[str] | None = None
    if filters:
        wanted = set()
        for e in query.iter_events(store, sort="date", batch=common.PAGE, **filters):
            wanted.update(e.get("documents") or [])
    n, mentions, gone = 0, 0, 0
    with common.open_text(out) as f:
        for doc_id in _ordered_ids(store, wanted):
            doc = record(store, doc_id)
            if doc is None:          # forgotten while the export ran
                gone += 1
                continue
            f.write(json.dumps(doc, ensure_ascii=False))
            f.write("\n")
            n += 1
            mentions += len(doc.get("events") or [])
    return {"format": "jsonl", "documents": n, "events": mentions, "skipped": {"document gone": gone} if gone else {}}
