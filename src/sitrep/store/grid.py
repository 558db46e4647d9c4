"""Where the store looks for the real-world events a new mention may join: indexed keys, no scans.

Each stored event mention gets one integer `events.grid` key made of

* its **type family** (the event types linked by `compatible_types`; only these can merge),
* its **place**: a grid cell of its point, on a fine grid (0.25°) for precise places (point,
  city, unknown precision) and a coarse one (2°) for districts, regions and provinces; two
  special cells for mentions with no point and for country-wide ones,
* the **length of its date window** (up to 3 days, up to 40, or longer), so that a lookup
  can seek the window's start: a mention whose window is at most S days long and overlaps
  [a, b] starts on or after a − S.

A second key, `events.grid2`, puts precise places on the 2° grid too: a mention whose place is a
province may join one 200 km away, and that box holds hundreds of fine cells but a few coarse ones.

`candidate_keys(m)` lists, for a new mention, every key under which a stored mention could be
compatible with it (`sitrep.resolve.events.compatible`: the distance limit of the coarser of
the two precisions, the box around the point that limit allows, the special cells) and the
date bound of each; `sitrep.store.clusters` reads those rows through the index
`(grid, match_start)`, plus those of the same province (the province rule ignores distance)
and the same gazetteer id. It is a superset of what can match: the rule itself decides.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import zlib

from sitrep.resolve import events as R

FINE, MID, WIDE, FINE_WIDE = 0, 1, 2, 3         # bands of place precision; FINE_WIDE: fine ones on the 2° grid
BAND = {"point": FINE, "city": FINE, "admin2": MID, "region": MID, "admin1": WIDE}
DEG = {FINE: 0.25, MID: 2.0, WIDE: 2.0, FINE_WIDE: 2.0}
FINE_KM = 30                                    # farther than this, precise places are looked up on the 2° grid
SPANS = (3, 40, None)                           # date-window lengths (days) of the three span buckets
CODES = 5_000_000                               # place codes per family: 4 bands of up to 1,036,800 cells
NO_POINT = 4 * 1_100_000                        # mentions without a point
COUNTRY = NO_POINT + 1                          # country-wide mentions (no distance limit applies)
KM_PER_DEG = 12742 * math.pi / 360              # the great-circle km of one degree of latitude (distance_km's sphere)


@functools.lru_cache(maxsize=1)
def _families() -> dict[str, int]:
    """Event type → family number: the connected groups of `compatible_types`."""
    parent: dict[str, str] = {}

    def find(t: str) -> str:
        while parent.setdefault(t, t) != t:
            t = parent[t]
        return t

    for pair in R.rules().compatible_types:
        a, *rest = sorted(pair)
        for b in rest:
            parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for t in list(parent):
        groups.setdefault(find(t), []).append(t)
    return {t: _family_number(min(g)) for g in groups.values() for t in g}


def _family_number(name: str) -> int:
    return zlib.crc32(name.encode()) % 2000


def family(event_type: str) -> int:
    return _families().get(event_type) or _family_number(event_type)


def _band(precision: str | None) -> int:
    return BAND.get(precision or "", FINE)


def _ncols(band: int) -> int:
    return int(round(360 / DEG[band]))


def _cell(band: int, lat: float, lon: float) -> int:
    d = DEG[band]
    row = min(int((lat + 90) // d), int(round(180 / d)) - 1)
    col = int(((lon + 180) % 360) // d) % _ncols(band)
    return band * 1_100_000 + row * _ncols(band) + col


def _span(start: str | None, end: str | None) -> int:
    if start is None:
        return len(SPANS) - 1
    days = (dt.date.fromisoformat(end or start) - dt.date.fromisoformat(start)).days
    return next((i for i, s in enumerate(SPANS) if s is not None and days <= s), len(SPANS) - 1)


def _key(fam: int, code: int, span: int) -> int:
    return (fam * CODES + code) * len(SPANS) + span


def key(event_type: str, match_start: str | None, match_end: str | None, lat: float | None, lon: float | None,
        precision: str | None) -> int:
    """The `events.grid` key of one stored mention."""
    if lat is None or lon is None:
        code = NO_POINT
    elif precision == "country":
        code = COUNTRY
    else:
        code = _cell(_band(precision), lat, lon)
    return _key(family(event_type), code, _span(match_start, match_end))


def key2(event_type: str, match_start: str | None, match_end: str | None, lat: float | None, lon: float | None,
         precision: str | None) -> int:
    """The `events.grid2` key: the same as `grid` but precise places on the coarse grid (for
    lookups farther than FINE_KM, from a mention whose place is a province)."""
    if lat is not None and lon is not None and precision != "country" and _band(precision) == FINE:
        return _key(family(event_type), _cell(FINE_WIDE, lat, lon), _span(match_start, match_end))
    return key(event_type, match_start, match_end, lat, lon, precision)


def _limit(a: str | None, b: str | None) -> float | None:
    """The distance limit `compatible` applies to two places of these precisions (None: no limit)."""
    r = R.rules()
    coarse = R._coarser_place(a, b)
    return r.max_km.get(coarse or "", r.max_km["city"])


def _cells(band: int, lat: float, lon: float, km: float) -> list[int] | None:
    """The cells of `band` holding every point within `km` of (lat, lon); None when that is all of them."""
    d = DEG[band]
    dlat = km / KM_PER_DEG * 1.01 + 1e-6
    top = min(90.0, lat + dlat)
    bottom = max(-90.0, lat - dlat)
    widest = max(abs(top), abs(bottom))
    if widest >= 89.0:
        return None
    # within the band, a point d km away differs in longitude by at most d / (km per degree ×
    # cos(widest latitude)) / (1 − x²/24) for x the difference in radians: under 0.2% up to 10°
    dlon = dlat / math.cos(math.radians(widest)) * 1.02
    if dlon >= 10:
        return None
    rows = range(int((bottom + 90) // d), min(int((top + 90) // d), int(round(180 / d)) - 1) + 1)
    n = _ncols(band)
    first, last = int((lon - dlon + 180) // d), int((lon + dlon + 180) // d)
    cols = {c % n for c in range(first, last + 1)}
    return [band * 1_100_000 + r * n + c for r in rows for c in sorted(cols)]


def candidate_codes(m: R.Mention) -> tuple[list[int], list[int]] | None:
    """The place codes a mention compatible with `m` can have, under `grid` and under `grid2`
    (None: any)."""
    if m.lat is None or m.lon is None:
        return None
    codes, codes2 = [NO_POINT, COUNTRY], []
    for band, precisions in ((FINE, ("point", "city", None)), (MID, ("admin2", "region")), (WIDE, ("admin1",))):
        limits = [_limit(m.place_precision, p) for p in precisions]
        if any(x is None for x in limits):
            return None
        if band == FINE and max(limits) > FINE_KM:
            cells = _cells(FINE_WIDE, m.lat, m.lon, max(limits))
            codes2 += cells or []
        else:
            cells = _cells(band, m.lat, m.lon, max(limits))
            codes += cells or []
        if cells is None:
            return None
    return codes, codes2


def candidate_keys(m: R.Mention) -> list[tuple[str, str, str]] | None:
    """For each span bucket: the earliest window start a compatible mention can have, and its keys
    under `grid` and under `grid2` (SQL integers, comma-separated; empty: none). None when the
    place does not narrow the search (no point, or no distance limit): then look by type and dates."""
    keys = _keys(m.event_type, m.lat, m.lon, m.place_precision)
    if keys is None:
        return None
    floor = R.days_before(m.date_start, R.rules().max_window_days)
    return [(floor if s is None else max(floor, R.days_before(m.date_start, s)), k, k2)
            for s, (k, k2) in zip(SPANS, keys)]


@functools.lru_cache(maxsize=4096)
def _keys(event_type: str, lat: float | None, lon: float | None, precision: str | None,
          ) -> list[tuple[str, str]] | None:
    found = candidate_codes(R.Mention(id="", doc_id="", source_key="", seq="", event_type=event_type,
                                      sub_event_type="", lat=lat, lon=lon, place_precision=precision))
    if found is None:
        return None
    fams = sorted({family(t) for t in compatible_types(event_type)})
    return [tuple(",".join(str(_key(f, c, i)) for f in fams for c in codes) for codes in found)
            for i in range(len(SPANS))]


def compatible_types(event_type: str) -> list[str]:
    r = R.rules()
    return sorted({event_type} | {t for pair in r.compatible_types if event_type in pair for t in pair})
