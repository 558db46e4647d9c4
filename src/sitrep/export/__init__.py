"""Exports of the event database: `write(store, fmt, out, **filters)`.

Formats (one module each): `csv` — ACLED-compatible rows (`acled_csv`, mapping in
`acled`); `jsonl` — the extraction contract, one document a line (`jsonl`); `geojson` —
located events as Point features (`geo`); `parquet` — ACLED columns, typed, plus our
fields (`parquet`); `graphml` — the actor-to-actor network (`graph`).

`out` is a path, or a file object: a text one for csv/jsonl/geojson, a binary one for
parquet/graphml. Filters are those of `sitrep.store.query.events` (types, sub_types,
actor, place, country, bbox, near, date_from, date_to, source, text, doc_id); events are
read in batches with `query.iter_events`, so a large store is never held in memory
(graphml aggregates by actor pair). Returns a small summary: `format`, `events` written
(for jsonl: documents and event mentions), `skipped` (count by reason) and a few
format-specific counts.
"""
from __future__ import annotations

import importlib
from typing import Any

from sitrep.export import common

FORMATS = ("csv", "jsonl", "geojson", "parquet", "graphml")
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "geojson": "application/geo+json",
               "parquet": "application/vnd.apache.parquet", "graphml": "application/graphml+xml"}
EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "geojson": ".geojson", "parquet": ".parquet", "graphml": ".graphml"}
TEXT_FORMATS = ("csv", "jsonl", "geojson")
_MODULES = {"csv": "acled_csv", "jsonl": "jsonl", "geojson": "geo", "parquet": "parquet", "graphml": "graph"}


def write(store, fmt: str, out, **filters: Any) -> dict[str, Any]:
    """Write the events (or documents) matching `filters` to `out` in format `fmt`."""
    key = (fmt or "").lower().lstrip(".")
    if key not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if out is None or (not common.is_file(out) and str(out) in ("", "-")):
        raise ValueError("out: a path or a file object is required")
    flt = common.check_filters(filters)
    mod = importlib.import_module(f"sitrep.export.{_MODULES[key]}")
    summary = mod.write(store, out, flt)
    if flt:
        summary["filters"] = {k: (list(v) if isinstance(v, (tuple, set)) else v) for k, v in flt.items()}
    return summary


__all__ = ["EXTENSIONS", "FORMATS", "MEDIA_TYPES", "TEXT_FORMATS", "write"]
