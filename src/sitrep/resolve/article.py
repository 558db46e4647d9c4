"""What the rest of an article says about one of its place names.

A name is read in the light of the article's other names: the first-level divisions it names
("Oxford" in a story that names North Carolina), the towns that are neighbours of another name's
towns ("Edmonton" and "Enfield" meet only in north London), and a city the article would write
"… City" to tell it from the province of that very name ("Quebec"). `sitrep.resolve.places`
scores each reading with these.
"""
from __future__ import annotations

from sitrep.nlp.place_spans import Candidate
from sitrep.resolve.fold import light
from sitrep.resolve.gazetteer import Entry, Gazetteer, distance_km


def named_provinces(cands: list[Candidate], first: list[list[tuple[float, Entry]]]) -> dict[str, set[str]]:
    """The first-level divisions the article names (admin1 code → the names that name them), from each
    candidate's best reading (`first`, in the order of `cands`): "Louisville" in a story that names
    Kentucky is Kentucky's."""
    out: dict[str, set[str]] = {}
    for c, r in zip(cands, first):
        if r and r[0][1].feature_code == "ADM1" and r[0][1].admin1_code and not c.in_name and not c.anchor_country:
            out.setdefault(r[0][1].admin1_code, set()).add(light(c.text))
    return out


def called_city(cands: list[Candidate], gazetteer: Gazetteer) -> dict[int, Entry]:
    """Names that mean a province when written bare, because its seat is written "… City" (Quebec
    City, New York City): id of the candidate → its town reading so named. Only where a first-level division
    of that exact name holds the town, and the text does not say "city" itself."""
    out: dict[int, Entry] = {}
    for c in cands:
        if c.feature_hint or c.text.lower().endswith(" city"):
            continue
        exact = [e for e, t in c.entries if t == 0]
        provinces = {e.admin1_code for e in exact if e.feature_code == "ADM1" and light(e.name) == light(c.text)}
        towns = [e for e in exact if (e.feature_code or "").startswith("PPL")]
        if not provinces or not towns:
            continue
        # the town the bare name would mean (its biggest) must be that province's and so named:
        # "Washington" is no "Washington City" of Washington State
        big = max(towns, key=lambda e: (e.feature_code == "PPLC", e.population))
        if big.admin1_code in provinces and big.geonameid in {
                e.geonameid for e in gazetteer.lookup_exact(c.text + " City")}:
            out[id(c)] = big
    return out


NAMED_PROVINCE_BONUS = 0.5
NEIGHBOUR_KM = 30.0
NEIGHBOUR_BONUS = 1.0
FEW_READINGS = 15     # names of more towns than this meet others by chance (saints' names)
TOWN = 5000           # villages meet by chance ("California" and "Redding" are neighbours in Scotland too)


def neighbours(cands: list[Candidate]) -> dict[str, set[int]]:
    """For each name, its towns that lie near a town another name of the article can be: "Edmonton"
    and "Enfield" are each many places, but only in north London are they neighbours. (Exact readings
    of towns only; names of a few readings each, so that two saints' names that every province has do
    not meet by chance.)"""
    cells: dict[tuple[int, int], list[tuple[str, Entry]]] = {}
    names: set[str] = set()
    for c in cands:
        if c.anchor_country:      # ("Enfield Council" names its town too)
            continue
        key = light(c.text)
        towns = [e for e, t in c.entries if t == 0 and e.lat is not None and (e.feature_code or "").startswith("PPL")
                 and e.population >= TOWN]
        if key in names or not 1 < len(towns) <= FEW_READINGS:
            continue
        names.add(key)
        for e in towns:
            cells.setdefault((int(e.lat // 0.5), int(e.lon // 0.5)), []).append((key, e))
    out: dict[str, set[int]] = {}
    for (y, x), here in cells.items():
        near = [item for dy in (-1, 0, 1) for dx in (-1, 0, 1) for item in cells.get((y + dy, x + dx), ())]
        for key, e in here:
            if any(k != key and distance_km((e.lat, e.lon), (f.lat, f.lon)) <= NEIGHBOUR_KM for k, f in near):
                out.setdefault(key, set()).add(id(e))
    return out
