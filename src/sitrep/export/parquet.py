"""The Parquet export (pyarrow): one row per dated real-world event with ACLED's columns,
typed (ints, floats, a date, strings; null when unknown), followed by our own fields:
`id`, `date_end`, `date_precision`, the count ranges, `sources` (independent sources),
`documents` (a list), `confidence`, `version`, `first_seen`, `updated_at` (UTC timestamps).
Written in row groups of one batch each, so the events never sit in memory together.
Events without a date are skipped (as in the CSV) and counted."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sitrep.export import acled, common

INT8 = {"time_precision", "inter1", "inter2", "geo_precision"}


def schema():
    import pyarrow as pa

    fields = []
    for c in acled.COLUMNS:
        if c == "event_date":
            t = pa.date32()
        elif c in acled.FLOAT_COLUMNS:
            t = pa.float64()
        elif c in INT8:
            t = pa.int8()
        elif c == "timestamp":
            t = pa.int64()
        elif c in acled.INT_COLUMNS:
            t = pa.int32()
        else:
            t = pa.string()
        fields.append(pa.field(c, t))
    ts = pa.timestamp("us", tz="UTC")
    fields += [pa.field("id", pa.string(), nullable=False), pa.field("date_end", pa.date32()),
               pa.field("date_precision", pa.string()), pa.field("lat", pa.float64()), pa.field("lon", pa.float64()),
               pa.field("actor1_id", pa.string()), pa.field("actor2_id", pa.string())]
    fields += [pa.field(f"{k}{s}", pa.int32()) for k in ("fatalities", "injured", "arrested")
               for s in ("_low", "_high")]
    fields += [pa.field("injured", pa.int32()), pa.field("arrested", pa.int32()),
               pa.field("sources", pa.int32()), pa.field("mentions", pa.int32()),
               pa.field("documents", pa.list_(pa.string())), pa.field("confidence", pa.float64()),
               pa.field("version", pa.int32()), pa.field("first_seen", ts), pa.field("updated_at", ts)]
    return pa.schema(fields)


def _day(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _ts(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    t = dt.datetime.fromisoformat(s)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _record(e: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    c, d, loc = e.get("counts") or {}, e.get("date") or {}, e.get("location") or {}
    rec = dict(r)
    rec["event_date"] = _day(r["event_date"])
    rec.update({
        "id": e["id"], "date_end": _day(d.get("end")), "date_precision": d.get("precision"),
        "lat": loc.get("lat"), "lon": loc.get("lon"),
        "actor1_id": (e.get("actor1") or {}).get("id"), "actor2_id": (e.get("actor2") or {}).get("id"),
        **{f"{k}{s}": c.get(f"{k}{s}") for k in ("fatalities", "injured", "arrested") for s in ("_low", "_high")},
        "injured": c.get("injured"), "arrested": c.get("arrested"), "sources": e.get("sources"),
        "mentions": e.get("mentions"), "documents": list(e.get("documents") or []), "confidence": e.get("confidence"),
        "version": e.get("version"), "first_seen": _ts(e.get("first_seen")), "updated_at": _ts(e.get("updated_at")),
    })
    return rec


def write(store, out, filters: dict[str, Any]) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schema()
    n, skipped = 0, 0

    def run(target) -> None:
        nonlocal n, skipped
        with pq.ParquetWriter(target, sch, compression="zstd") as w:
            for events, ctx in common.batches(store, filters):
                recs = []
                for e in events:
                    r = acled.row(e, ctx)
                    if r is None:
                        skipped += 1
                        continue
                    recs.append(_record(e, r))
                if recs:
                    w.write_table(pa.Table.from_pylist(recs, schema=sch))
                    n += len(recs)

    with common.open_binary(out) as target:
        run(target)
    return {"format": "parquet", "events": n, "skipped": {"no date": skipped} if skipped else {}}
