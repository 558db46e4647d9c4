"""Place resolution: for each candidate, the GeoNames entry the article most likely means.

Each gazetteer entry of a candidate is scored on what the article says:

* importance — countries over provinces over cities, cities by population;
* the document's country prior — countries named, nationality words, and places with
  a single reading vote for their country, and entries in the voted countries gain;
* context — "province"/"governorate" asks for a first-level division, "city"/"town" for
  a populated place, "mountains"/"valley"/"camp" for that feature;
* how the name matched — a loose transliteration match (the skeleton key) counts less;
* proximity — in a second pass, entries near the article's other places gain.

The best entry gives the place its GeoNames id, coordinates, country, province, feature
code and precision; `score` is the margin over the runner-up, squashed into 0–1. A
place the gazetteer does not know keeps its text with `geonameid: null`; a relative
place ("east of X", "eastern X", "the Iraqi borders") takes region precision, anchored
to what it is relative to.
"""
from __future__ import annotations

import math
from collections import Counter

from sitrep.model import Place, Span
from sitrep.nlp.places import Candidate
from sitrep.resolve.fold import light
from sitrep.resolve.gazetteer import Entry, Gazetteer, distance_km, precision_of

_HINT_FAMILIES = {"ADM1": ("ADM1",), "ADM2": ("ADM2", "ADM3"), "PPL": ("PPL",), "CMP": ("CMP", "CMPRF"),
                  "MTS": ("MTS", "MT", "HLLS"), "VAL": ("VAL", "WAD"), "DSRT": ("DSRT",), "STM": ("STM",),
                  "RGN": ("RGN", "AREA", "PLN"), "AIRP": ("AIRP", "AIRB"), "AIRB": ("AIRB", "AIRP"),
                  "DAM": ("DAM",), "INSM": ("INSM", "AIRB"), "OILF": ("OILF", "GASF")}
MIN_SCORE_WITHOUT_NER = 1.0


def importance(e: Entry) -> float:
    fc = e.feature_code or ""
    if fc.startswith("PCL"):
        return 3.0
    if fc == "CONT":
        return 1.5
    if fc == "ADM1":
        return 1.2
    if fc in ("ADM2", "ADM3", "ADM4"):
        return 0.5
    if fc == "PPLC":
        return 2.0
    if fc.startswith("PPL"):
        return 0.6 + math.log10(e.population + 10) / 7
    if e.source == "sitrep":
        return 1.6
    return 0.8


def _hint_bonus(hint: str | None, e: Entry) -> float:
    if not hint:
        return 0.0
    fc = e.feature_code or ""
    return 2.0 if any(fc.startswith(f) for f in _HINT_FAMILIES.get(hint, (hint,))) else 0.0


def country_votes(cands: list[Candidate], mentions: Counter | None = None) -> Counter:
    """Which countries the article is about: named countries count twice, nationality words
    and places with a single reading once. A small place whose loose readings lie in other
    countries ("Arbin": a French village, or a Syrian town spelt Irbin) casts no vote."""
    votes = Counter(mentions or {})
    for c in cands:
        if c.anchor_country:
            votes[c.anchor_country] += 1
            continue
        if c.in_name:
            continue
        tier0 = [e for e, t in c.entries if t == 0]
        if any((e.feature_code or "").startswith("PCL") for e in tier0):
            cc = next(e.country_code for e in tier0 if (e.feature_code or "").startswith("PCL"))
            votes[cc] += 0.5 if c.actor_like else 2     # "The United States condemns": an actor, barely a place
            continue
        ccs = {e.country_code for e in tier0 if e.country_code}
        loose = {e.country_code for e, t in c.entries if t == 1 and e.country_code}
        if len(ccs) == 1 and (loose <= ccs or any(e.population >= 100_000 or e.source == "sitrep" for e in tier0)):
            votes[next(iter(ccs))] += 1
    return votes


def resolve(cands: list[Candidate], gazetteer: Gazetteer, mentions: Counter | None = None) -> list[Place]:
    votes = country_votes(cands, mentions)
    total = sum(votes.values())
    share = {cc: n / (total + 2) for cc, n in votes.items()}   # two votes' worth of doubt: one mention is no prior

    def scored(c: Candidate, centre: tuple[float, float] | None) -> list[tuple[float, Entry]]:
        out = []
        seats = {e.admin1_code for e, t in c.entries if t == 0 and (e.feature_code or "").startswith("PPL")}
        for e, tier in c.entries:
            s = importance(e) + 2.5 * share.get(e.country_code, 0.0) + _hint_bonus(c.feature_hint, e)
            if total >= 2 and e.country_code and e.country_code not in votes:
                s -= 1.0        # a country the article never mentions
            if tier == 1:
                s -= 1.5
            if e.feature_code in ("ADM1", "ADM2") and e.admin1_code in seats and c.feature_hint not in ("ADM1", "ADM2"):
                s -= 0.6        # "Dayr az-Zawr" names the city before the governorate named after it
            if light(e.name) == light(c.text):
                s += 0.3
            if centre and e.lat is not None and not (e.feature_code or "").startswith("PCL"):
                s += max(0.0, 1.0 - distance_km(centre, (e.lat, e.lon)) / 500)
            out.append((s, e))
        out.sort(key=lambda x: (-x[0], x[1].id))
        return out

    # first pass without proximity, to find the article's centre
    first = {id(c): scored(c, None) for c in cands}
    pts = [(e.lat, e.lon) for c in cands if (r := first[id(c)]) and (e := r[0][1]).lat is not None
           and precision_of(e.feature_code) in ("city", "point", "admin2", "admin1") and not c.in_name]
    centre = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)) if pts else None

    places = []
    for c in cands:
        if c.anchor_country:
            places.append(_country_region(c, gazetteer))
            continue
        ranked = scored(c, centre)
        if not ranked or (ranked[0][0] < MIN_SCORE_WITHOUT_NER and c.source != "ner"):
            if c.source in ("ner", "context") and _worth_keeping(c):
                places.append(_unresolved(c))
            continue
        best, e = ranked[0]
        if c.source != "ner" and not c.feature_hint and not _stands_alone(e) and not share.get(e.country_code):
            continue   # a bare capitalised word, in a country the article never mentions: not a place
        if c.weak and not share.get(e.country_code):
            continue
        if c.source == "ner" and all(t == 1 for _, t in c.entries) and best < 2.0:
            places.append(_unresolved(c))     # a loose match with nothing to support it is no answer
            continue
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        places.append(_place(c, e, 1 / (1 + math.exp(-(best - runner)))))
    return places


def _worth_keeping(c: Candidate) -> bool:
    """An unknown name stays a place (with a null id) when its words say it is one."""
    return c.text[:1].isupper() and (c.context > 0 or c.feature_hint is not None or c.relation is not None)


def _stands_alone(e: Entry) -> bool:
    fc = e.feature_code or ""
    return fc.startswith("PCL") or fc in ("ADM1", "CONT") or e.source == "sitrep"


def _place(c: Candidate, e: Entry, score: float) -> Place:
    precision = "region" if c.relation else precision_of(e.feature_code)
    return Place(text=c.text, start=c.start, end=c.end, name=e.name, geonameid=e.geonameid, lat=e.lat, lon=e.lon,
                 country_code=e.country_code, admin1=e.admin1, feature_code=e.feature_code, precision=precision,
                 score=round(score, 3), relation=c.relation, phrase=_phrase(c), in_name=c.in_name)


def _country_region(c: Candidate, gazetteer: Gazetteer) -> Place:
    e = gazetteer.country(c.anchor_country)
    if e is None:
        return _unresolved(c)
    return Place(text=c.text, start=c.start, end=c.end, name=e.name, geonameid=e.geonameid, lat=e.lat, lon=e.lon,
                 country_code=e.country_code, admin1=None, feature_code=e.feature_code, precision="region",
                 score=0.8, relation=c.relation, phrase=_phrase(c))


def _unresolved(c: Candidate) -> Place:
    return Place(text=c.text, start=c.start, end=c.end, name=c.text, relation=c.relation, phrase=_phrase(c),
                 in_name=c.in_name)


def _phrase(c: Candidate) -> Span | None:
    if c.phrase is None or c.phrase == (c.start, c.end):
        return None
    return Span(text=c.phrase_text or "", start=c.phrase[0], end=c.phrase[1])
