"""The GeoJSON export (RFC 7946): a FeatureCollection of the real-world events that have
coordinates, each a Point at [longitude, latitude] (WGS 84) with the event's `id` as the
feature id and its fields flattened into scalar properties (lists joined with "; ", so
that GIS tools read every property as a column). Events without coordinates are left out
and counted. Written feature by feature."""
from __future__ import annotations

import json
from typing import Any

from sitrep.export import common


def properties(e: dict[str, Any], ctx: common.Context) -> dict[str, Any]:
    d, loc, c = e.get("date") or {}, e.get("location") or {}, e.get("counts") or {}
    a1, a2 = e.get("actor1") or {}, e.get("actor2") or {}
    assoc = e.get("assoc_actors") or []
    return {
        "id": e["id"], "event_type": e.get("event_type"), "sub_event_type": e.get("sub_event_type"),
        "disorder_type": e.get("disorder_type"),
        "date_start": d.get("start"), "date_end": d.get("end"), "date_precision": d.get("precision"),
        "location_name": loc.get("name"), "location_precision": loc.get("precision"),
        "place_id": loc.get("place_id"), "geonameid": loc.get("geonameid"),
        "country_code": loc.get("country_code"), "admin1": loc.get("admin1"),
        "actor1_id": a1.get("id"), "actor1_name": a1.get("name"),
        "actor2_id": a2.get("id"), "actor2_name": a2.get("name"),
        "assoc_actor_ids": "; ".join(a["id"] for a in assoc if a.get("id")) or None,
        "assoc_actor_names": "; ".join(a.get("name") or a["id"] for a in assoc if a.get("id")) or None,
        **{k: c.get(k) for k in ("fatalities", "fatalities_low", "fatalities_high", "injured", "arrested")},
        "sources": e.get("sources"), "mentions": e.get("mentions"),
        "source_names": "; ".join(ctx.source_names(e)) or None,
        "documents": "; ".join(e.get("documents") or []) or None,
        "responsibility_claimed": e["id"] in ctx.claimed,
        "confidence": e.get("confidence"), "notes": e.get("notes"), "version": e.get("version"),
        "first_seen": e.get("first_seen"), "updated_at": e.get("updated_at"),
    }


def feature(e: dict[str, Any], ctx: common.Context) -> dict[str, Any] | None:
    loc = e.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    if lat is None or lon is None:
        return None
    return {"type": "Feature", "id": e["id"],
            "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            "properties": properties(e, ctx)}


def write(store, out, filters: dict[str, Any]) -> dict[str, Any]:
    n, skipped = 0, 0
    with common.open_text(out) as f:
        f.write('{"type": "FeatureCollection", "features": [')
        for events, ctx in common.batches(store, filters):
            for e in events:
                feat = feature(e, ctx)
                if feat is None:
                    skipped += 1
                    continue
                f.write(",\n" if n else "\n")
                f.write(json.dumps(feat, ensure_ascii=False))
                n += 1
        f.write("\n]}\n")
    return {"format": "geojson", "events": n, "skipped": {"no coordinates": skipped} if skipped else {}}
