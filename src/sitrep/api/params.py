"""Query-string parsing for the HTTP API: the event filters, shared by /api/events,
/api/timeline and /api/export, turned into the keyword arguments of `sitrep.store.query`.

Everything a user can type wrong raises `BadParam` with a message that names the
parameter and says what was expected; the app answers it with 422.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from fastapi import Query

from sitrep.store.query import MAX_TEXT

SORTS = ("date", "-date", "fatalities", "-fatalities", "sources", "-sources", "updated_at", "-updated_at",
         "confidence", "-confidence")
ENTITY_SORTS = ("documents", "-documents", "mentions", "-mentions", "events", "-events", "name", "-name")
INTERVALS = ("day", "week", "month")
FORMATS = ("csv", "geojson", "jsonl")


class BadParam(ValueError):
    """A query parameter that cannot be used; the message is shown to the user."""


def floats(name: str, value: str, n: int, example: str) -> list[float]:
    parts = [p.strip() for p in value.split(",")]
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) != n or not all(math.isfinite(x) for x in nums):
        raise BadParam(f"{name} must be {n} comma-separated finite numbers, e.g. {name}={example}; got {value!r}")
    return nums


def bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    w, s, e, n = floats("bbox", value, 4, "38,34,42,37 (min_lon,min_lat,max_lon,max_lat)")
    if not (-180 <= w <= 180 and -180 <= e <= 180):
        raise BadParam(f"bbox longitudes must lie in -180..180; got {value!r}")
    if not (-90 <= s <= 90 and -90 <= n <= 90):
        raise BadParam(f"bbox latitudes must lie in -90..90; got {value!r}")
    if s > n:   # (a min_lon above max_lon is a box across the antimeridian)
        raise BadParam(f"bbox min_lat ({s}) is greater than max_lat ({n}); "
                       "the order is min_lon,min_lat,max_lon,max_lat")
    return (w, s, e, n)


def near(value: str | None) -> tuple[float, float, float] | None:
    if not value:
        return None
    lat, lon, km = floats("near", value, 3, "35.33,40.14,50 (lat,lon,km)")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise BadParam(f"near: latitude must lie in -90..90 and longitude in -180..180; got {value!r}")
    if km <= 0:
        raise BadParam(f"near: the radius in km must be positive; got {km}")
    return (lat, lon, km)


def iso_date(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadParam(f"{name} must be a date YYYY-MM-DD; got {value!r}") from None


def _clean(values: list[str] | None) -> list[str] | None:
    """Repeated parameters; a single one may also hold a comma-separated list."""
    out = [v.strip() for item in values or [] for v in item.split(",") if v.strip()]
    return out or None


@dataclass
class EventFilters:
    """The filters of /api/events, /api/timeline and /api/export, as query parameters (each at most
    MAX_TEXT characters; the text filters match literally)."""
    type: list[str] | None = Query(None, description="ACLED event type; repeat or comma-separate for several.",
                                   examples=["Battles"])
    sub_type: list[str] | None = Query(None, description="ACLED sub-event type; repeatable.",
                                       examples=["Air/drone strike"])
    actor: str | None = Query(None, max_length=MAX_TEXT, description="An entity id (`actor:islamic-state`) or a name.")
    place: str | None = Query(None, max_length=MAX_TEXT, description="A place id (`geonames:170794`) or a name; matches events at "
                              "that place or inside it.")
    country: str | None = Query(None, max_length=MAX_TEXT, description="ISO 3166 alpha-2 country code.", examples=["SY"])
    bbox: str | None = Query(None, max_length=MAX_TEXT, description="min_lon,min_lat,max_lon,max_lat", examples=["38,34,42,37"])
    near: str | None = Query(None, max_length=MAX_TEXT, description="lat,lon,km", examples=["35.33,40.14,50"])
    date_from: str | None = Query(None, max_length=MAX_TEXT, description="Events overlapping this day or later (YYYY-MM-DD).")
    date_to: str | None = Query(None, max_length=MAX_TEXT, description="Events overlapping this day or earlier (YYYY-MM-DD).")
    source: str | None = Query(None, max_length=MAX_TEXT, description="A source name or a document id.")
    q: str | None = Query(None, max_length=MAX_TEXT, description="Text the event's notes, place or actor names "
                          "contain (literally: % and _ are characters).")
    doc_id: str | None = Query(None, max_length=MAX_TEXT, description="Events reported by this document.")

    def kwargs(self) -> dict:
        """The keyword arguments of `query.events`/`timeline`/`export.write`; raises BadParam."""
        country = self.country.strip().upper() if self.country else None
        if country is not None and (len(country) != 2 or not country.isalpha()):
            raise BadParam(f"country must be an ISO 3166 alpha-2 code such as SY or IQ; got {self.country!r}")
        date_from = iso_date("date_from", self.date_from)
        date_to = iso_date("date_to", self.date_to)
        if date_from and date_to and date_from > date_to:
            raise BadParam(f"date_from ({date_from}) is after date_to ({date_to})")
        return {"types": _clean(self.type), "sub_types": _clean(self.sub_type), "actor": self.actor or None,
                "place": self.place or None, "country": country, "bbox": bbox(self.bbox), "near": near(self.near),
                "date_from": date_from, "date_to": date_to, "source": self.source or None, "text": self.q or None,
                "doc_id": self.doc_id or None}
