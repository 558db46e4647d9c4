"""Events known only down to a province or a country sit at that division's seat (ACLED codes such
events to the provincial capital); the division's own point stays on its entry in `places`.

Sentences written here; the real spaCy model and the real gazetteer.
"""
from __future__ import annotations

from sitrep.resolve.gazetteer import distance_km


def located(pipeline, text):
    ext = pipeline.extract(text, published="2024-05-02")
    evs = [e for e in ext.events if e.location is not None]
    assert evs, [e.sub_event_type for e in ext.events]
    return ext, evs[0].location


def test_an_event_in_a_province_sits_at_its_seat(pipeline):
    ext, loc = located(pipeline, "Air defence forces shot down a drone over the Kharkiv region on Tuesday.")
    assert loc.precision == "admin1" and loc.geo_precision == 3 and loc.admin1 == "Kharkivska oblast"
    assert loc.seat == "Kharkiv" and loc.seat_geonameid is not None
    assert distance_km((loc.lat, loc.lon), (49.98, 36.25)) < 10
    # the province itself, in places, keeps its own point (inside it, away from the city)
    region = next(p for p in ext.places if p.text == "Kharkiv" and p.precision == "admin1")
    assert distance_km((region.lat, region.lon), (loc.lat, loc.lon)) > 20


def test_an_unknown_village_of_a_province_sits_at_the_seat_too(pipeline):
    _, loc = located(pipeline, "Gunmen killed two farmers in Xyzabad village, Kandahar province, on Sunday.")
    assert loc.fallback and loc.precision == "admin1" and loc.seat == "Kandahār"
    assert distance_km((loc.lat, loc.lon), (31.61, 65.71)) < 10


def test_an_event_in_a_country_sits_at_its_capital(pipeline):
    _, loc = located(pipeline, "Thousands of people protested across Kenya on Monday against new taxes.")
    assert loc.precision == "country" and loc.seat == "Nairobi"
    assert distance_km((loc.lat, loc.lon), (-1.28, 36.82)) < 10


def test_an_event_in_a_town_keeps_the_town(pipeline):
    _, loc = located(pipeline, "A car bomb exploded in Mosul on Tuesday, killing three people.")
    assert loc.precision == "city" and loc.seat is None and loc.seat_geonameid is None
    assert distance_km((loc.lat, loc.lon), (36.34, 43.13)) < 10
