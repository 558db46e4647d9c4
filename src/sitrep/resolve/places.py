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
from sitrep.nlp.place_spans import Candidate
from sitrep.resolve import article, chains
from sitrep.resolve.fold import light
from sitrep.resolve.gazetteer import Entry, Gazetteer, distance_km, precision_of
from sitrep.resolve.neighbours import neighbours as land_neighbours

_HINT_FAMILIES = {"ADM1": ("ADM1",), "ADM2": ("ADM2", "ADM3"), "PPL": ("PPL",), "CMP": ("CMP", "CMPRF"),
                  "MTS": ("MTS", "MT", "HLLS"), "VAL": ("VAL", "WAD"), "DSRT": ("DSRT",), "STM": ("STM",),
                  "RGN": ("RGN", "AREA", "PLN", "ADM1"), "AIRP": ("AIRP", "AIRB"), "AIRB": ("AIRB", "AIRP"),
                  "DAM": ("DAM",), "INSM": ("INSM", "AIRB"), "OILF": ("OILF", "GASF")}
MIN_SCORE_WITHOUT_NER = 1.0
_ADM1_LIFT = 0.65       # a division called as written weighs as a town of its population, a little more
_SEAT_MIN = 10_000      # a town that shares a division's name makes the division its seat's namesake


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
    # nationality words count half: "Russian forces" often fight abroad, a named place does not move
    votes = Counter({cc: n / 2 for cc, n in (mentions or {}).items()})
    for c in cands:
        if c.sponsor:          # "Saudi-led coalition air raids": the country behind the actor, not the place
            continue
        if c.anchor_country:
            if not c.adjectival:        # "the Iraqi borders" (a plain "Iraqi" is among `mentions` already)
                votes[c.anchor_country] += 1
            continue
        if c.in_name:
            continue
        tier0 = [e for e, t in c.entries if t == 0]
        if any((e.feature_code or "").startswith("PCL") for e in tier0):
            cc = next(e.country_code for e in tier0 if (e.feature_code or "").startswith("PCL"))
            votes[cc] += 0.5 if c.actor_like else 1 if c.adjectival else 2   # "The U.S. condemns": an actor
            continue
        ccs = {e.country_code for e in tier0 if e.country_code}
        loose = {e.country_code for e, t in c.entries if t == 1 and e.country_code}
        if len(ccs) == 1 and (loose <= ccs or any(e.population >= 100_000 or e.source == "sitrep" for e in tier0)):
            votes[next(iter(ccs))] += 1
    return votes


NEIGHBOUR_SHARE = 0.5               # what a country's weight lends to each of its land neighbours
REGION_OF_INTEREST_VOTES = 4.0      # a country the user names (`--countries`): strong, not exclusive
# wide enough that a reading leaving every inner part unknown survives until a pinning container
# (`_choose_chains`) can prefer it
_BEAM = 200
_TOP = 25


def resolve(cands: list[Candidate], gazetteer: Gazetteer, mentions: Counter | None = None,
            text: str | None = None, countries: tuple[str, ...] | list[str] = ()) -> list[Place]:
    votes = country_votes(cands, mentions)
    for cc in countries:
        votes[cc.upper()] += REGION_OF_INTEREST_VOTES
    total = sum(votes.values())
    share = {cc: n / (total + 2) for cc, n in votes.items()}   # two votes' worth of doubt: one mention is no prior
    # a country the article points to makes its neighbours likelier too ("Israeli strikes in Gaza": the
    # strip, not Mozambique's province of that name), never more than the country itself
    for cc, w in list(share.items()):
        for nb in land_neighbours().get(cc, ()):
            share[nb] = max(share.get(nb, 0.0), NEIGHBOUR_SHARE * w)

    neighbours = article.neighbours(cands)
    called_city = article.called_city(cands, gazetteer)

    def scored(c: Candidate, centre: tuple[float, float, float] | None) -> list[tuple[float, Entry]]:
        out = []
        key = light(c.text)
        # "Wyoming", "Quebec": a name that is itself a province's is no town of another named province
        # ("Paris" where France is named too: the capital, whichever province the article names)
        province_name = any(t == 0 and (e.feature_code == "ADM1" and light(e.name) == key or
                                        e.feature_code == "PPLC" and e.country_code in votes) for e, t in c.entries)
        # seats: a town called what the text says, or a real town the name also means (a village's
        # stray alternate name "Minnesota" makes no seat of the state)
        seats = {e.admin1_code for e, t in c.entries if t == 0 and (e.feature_code or "").startswith("PPL")
                 and (e.population >= _SEAT_MIN or light(e.name) == key)}
        for e, tier in c.entries:
            if _short_alias(c, e):
                continue
            s = importance(e) + 2.5 * share.get(e.country_code, 0.0) + _hint_bonus(c.feature_hint, e)
            if total >= 2 and e.country_code and e.country_code not in votes and not _is_world_known(e):
                s -= 1.0        # a country the article never mentions (a capital or a metropolis is known anyway)
            if tier == 1:
                s -= 1.5
            if e.feature_code in ("ADM1", "ADM2") and e.admin1_code in seats and c.feature_hint not in ("ADM1", "ADM2") \
                    and id(c) not in called_city:
                s -= 0.6        # "Dayr az-Zawr" names the city before the governorate named after it
            if called_city.get(id(c)) is e:
                s -= 0.6        # "Quebec": the province; the city is "Quebec City"
            if light(e.name) == key:
                s += 0.3
            if e.feature_code == "ADM1" and _called(e, key):   # a state of half a million outranks its town of 75,000
                s += max(0.0, _ADM1_LIFT + math.log10(e.population + 10) / 7 - importance(e))
            if c.adjectival and (e.feature_code or "").startswith("PCL"):
                s += 3.0        # "U.S. forces": the country
            if centre and e.lat is not None and not (e.feature_code or "").startswith("PCL"):
                s += centre[2] * max(0.0, 1.0 - distance_km(centre[:2], (e.lat, e.lon)) / 500)
            if id(e) in neighbours.get(key, ()):
                s += article.NEIGHBOUR_BONUS
            if named_provinces.get(e.admin1_code, {key}) - {key} and not province_name \
                    and (e.feature_code or "").startswith(("PPL", "ADM2")):
                s += article.NAMED_PROVINCE_BONUS
            out.append((s, e))
        out.sort(key=lambda x: (-x[0], x[1].id))
        return out

    # first pass without proximity, to find the article's centre: for each candidate, the centre of
    # the others' first readings (its own reading must not vote for itself)
    named_provinces: dict[str, set[str]] = {}     # none in the first pass
    first = {id(c): scored(c, None) for c in cands}
    # (a province counts for the other names only, through their second scoring below)
    named_provinces = article.named_provinces(cands, [first[id(c)] for c in cands])
    pts = {i: (e.lat, e.lon) for i, c in enumerate(cands) if (r := first[id(c)]) and (e := r[0][1]).lat is not None
           and precision_of(e.feature_code) in ("city", "point", "admin2", "admin1") and not c.in_name
           and not c.adjectival}

    # chains: "X village (Y district, Z province)" — their entries are chosen together below, so a
    # part's guessed reading must not pull its chain partners towards it through the centre
    links = _links(cands, text)
    chain_of = _chain_ids(links, len(cands))

    def centre_without(i: int) -> tuple[float, float, float] | None:
        """The others' centre, and how much nearness to it counts: fully where they lie together, not at
        all where they are spread over a continent (the middle of Louisville, Richmond and Delaware is
        a field in Kentucky, not where the article is)."""
        others = [p for j, p in pts.items() if j != i and (chain_of[j] is None or chain_of[j] != chain_of[i])]
        if not others:
            return None
        lat, lon = sum(p[0] for p in others) / len(others), sum(p[1] for p in others) / len(others)
        spread = sum(distance_km((lat, lon), p) for p in others) / len(others)
        return lat, lon, min(1.0, max(0.0, (_SPREAD_NONE - spread) / (_SPREAD_NONE - _SPREAD_FULL)))

    ranked = [scored(c, centre_without(i)) for i, c in enumerate(cands)]
    implicit = _setting_towns(cands, ranked, links, text)
    chosen, support = _choose_chains({**links, **implicit}, ranked, cands)
    # "(Kantchari, Tapoa)": a name written as a container, read as a division, is a place even when weak
    containers = set(links.values())
    # one name, one place in one article: where the writer's own chain ruled out every reading of a
    # name ("Rio Xyz (Huila)": no Rio Xyz lies in Huila), its mentions outside any chain are no
    # namesake elsewhere either; they stay unknown and fall back as the first did. Only a division
    # written as the container decides (chains read in running prose — "Canada's agenda in Asia" —
    # are too loose to overrule a name's other mentions)
    ruled_out: set[str] = set()
    for i, j in links.items():
        box = chosen.get(j)
        if i in chosen and chosen[i] is None and cands[i].entries and box is not None and \
                box.feature_code in ("ADM1", "ADM2") and not cands[i].adjectival and not cands[i].in_name:
            ruled_out.add(light(cands[i].text))

    places: list[Place | None] = []
    for i, c in enumerate(cands):
        if c.anchor_country:
            places.append(_country_region(c, gazetteer))
            continue
        in_chain = i in chosen
        key = light(c.text)
        if in_chain:
            e = chosen[i]
            best = next((s for s, x in ranked[i] if x is e), 0.0) if e is not None else None
        elif key in ruled_out and not c.adjectival and not c.in_name and i not in containers:
            places.append(_unresolved(c) if _worth_keeping(c, True) else None)
            continue
        else:
            best, e = ranked[i][0] if ranked[i] else (None, None)
        supported = support.get(i, False)
        # "(Kantchari, Tapoa)": a division written as a container, by its exact name, is one even when weak
        exact = e is not None and any(x is e and t == 0 for x, t in c.entries)
        written_container = e is not None and in_chain and i in containers and _is_division(e) and exact
        if e is None or (best < MIN_SCORE_WITHOUT_NER and c.source != "ner" and not supported
                         and not written_container):
            # a name the gazetteer knows only elsewhere than its chain says stays, unknown, and falls
            # back to its container ("Xyz, Luhansk" where every Xyz known lies in other provinces)
            keep = c.source in ("ner", "context") or in_chain
            places.append(_unresolved(c) if keep and _worth_keeping(c, in_chain) else None)
            continue
        placed = ((c.context > 0 and c.source in ("ner", "entity")) or c.in_name) and exact and (
            e.population >= 5000 or e.feature_code in ("ADM1", "ADM2"))
        # "demonstrated in Markaryd" where nothing in the text names a country: a name written as a
        # place that the gazetteer knows in one country only is that place (a brief report names its
        # town and no more)
        placed = placed or (not total and c.context > 0 and exact and not c.in_name and _countries_named(c) == 1)
        if not supported and not placed:     # "demonstrated in Metz": a town, even without a country named
            if c.source != "ner" and not c.feature_hint and not _stands_alone(e) and not share.get(e.country_code) \
                    and not (in_chain and i in containers and (_is_division(e) or exact)) \
                    and not (c.context > 0 and exact and _is_world_known(e)):    # "rallied in Tunis"
                places.append(None)      # a bare capitalised word, in a country the article never mentions
                continue
            if c.weak and not share.get(e.country_code) and not (in_chain and i in containers and _is_division(e)):
                places.append(None)
                continue
            if c.source == "ner" and all(t == 1 for _, t in c.entries) and best < 2.0:
                places.append(_unresolved(c))     # a loose match with nothing to support it is no answer
                continue
        alts = [s for s, x in ranked[i] if x is not e]
        runner = alts[0] if alts else 0.0
        places.append(_place(c, e, 1 / (1 + math.exp(-(best - runner)))))
    _complete(places, links, gazetteer, cands, implicit)
    return [p for p in places if p is not None]


def _links(cands: list[Candidate], text: str | None) -> dict[int, int]:
    """Candidate index → the index of its container, for the candidates that can be in a chain."""
    if not text:
        return {}
    usable = [i for i, c in enumerate(cands) if not c.adjectival and not c.anchor_country and not c.in_name]
    spans = [(cands[i].start, cands[i].end) for i in usable]
    up = chains.links(text, spans)
    # a country after which a comma comes is in nothing: "Iraq, Syria and Jordan" is a list
    out = {usable[k]: usable[j] for k, j in enumerate(up) if j is not None and not (
        _names_a_country(cands[usable[k]]) and chains.is_comma(text[cands[usable[k]].end:cands[usable[j]].start]))}
    # "in Mosul, the Zahra neighbourhood": a part of a town after a comma is in the town before it
    for k, j in list(out.items()):
        if cands[j].sub_city and not cands[k].sub_city and j not in out and \
                chains.is_comma(text[cands[k].end:cands[j].start]):
            del out[k]
            out[j] = k
    return out


def _chain_ids(links: dict[int, int], n: int) -> list[int | None]:
    """For each candidate, an id shared by the members of its chain (None outside chains)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i
    for a, b in links.items():
        parent[root(a)] = root(b)
    linked = set(links) | set(links.values())
    return [root(i) if i in linked else None for i in range(n)]


def _setting_towns(cands: list[Candidate], ranked: list[list[tuple[float, Entry]]], links: dict[int, int],
                   text: str | None) -> dict[int, int]:
    """A part of a town named without its town ("killed a driver in the colonia Bethania", "the
    Santurce neighbourhood") lies in the town the paragraph has already placed the story in: the
    nearest town named before it in the same paragraph is its container, so that a namesake far
    away is ruled out and an unknown part falls back to that town. So does a name the gazetteer
    does not know at all, written as a place ("gathered near La Xyzarra" in a story set in Medellín),
    outside any chain: the story's town is the best point the text gives for it."""
    if not text:
        return {}
    out: dict[int, int] = {}
    containers = set(links.values())
    for i, c in enumerate(cands):
        unknown_place = not c.entries and (c.context > 0 or c.feature_hint is not None)   # "in X", "X camp"
        if not (c.sub_city or unknown_place) or i in links or i in containers or c.adjectival or c.in_name:
            continue
        for k in range(i - 1, -1, -1):
            o = cands[k]
            if "\n\n" in text[o.end:c.start]:
                break
            if o.adjectival or o.anchor_country or o.in_name or o.sub_city or not ranked[k]:
                continue
            # a province or a country, or a town already holding a part the text names: on
            # ("in Apopa, San Salvador, … in the X canton": Apopa, not San Salvador)
            if (ranked[k][0][1].feature_code or "").startswith("PPL") and k not in containers:
                out[i] = k
                break
    return out


def _names_a_country(c: Candidate) -> bool:
    return any(t == 0 and (e.feature_code or "").startswith("PCL") for e, t in c.entries)


_DIVISIONS = ("ADM1", "ADM2", "PCL")
# the mean distance of an article's places from their centre below which nearness to it counts fully,
# and above which not at all (km)
_SPREAD_FULL, _SPREAD_NONE = 250.0, 1000.0
_UNKNOWN_CONTAINER = 4.0    # what leaving a written container unknown costs below its best reading (at most)


def _countries_named(c: Candidate) -> int:
    """In how many countries the name's exact readings lie (at least 1)."""
    return max(1, len({e.country_code for e, t in c.entries if t == 0}))


def _choose_chains(links: dict[int, int], ranked: list[list[tuple[float, Entry]]], cands: list[Candidate]
                   ) -> tuple[dict[int, Entry | None], dict[int, bool]]:
    """The entries of each chain chosen together: each part's own score plus how well each fits in
    the next (a beam over the parts' best readings, "unknown" among them)."""
    chosen: dict[int, Entry | None] = {}
    support: dict[int, bool] = {}
    heads = [i for i in links if i not in links.values()]
    for head in heads:
        members = [head]
        while members[-1] in links and links[members[-1]] not in members:     # a cycle ends the chain
            members.append(links[members[-1]])
        # one loose reading for two names ("Gangaw township (Gangaw district": a namesake abroad spelt
        # alike) is no evidence that it is right; an exact one is (a district named after its town)
        exact_any = {id(e) for m in members for e, t in cands[m].entries if t == 0}

        def fit(p: Entry, e: Entry, exact_any: set[int] = exact_any) -> float:
            return 0.0 if p is e and id(e) not in exact_any else chains.fit(p, e)

        beam: list[tuple[float, list[Entry | None]]] = [(0.0, [])]
        for k, m in enumerate(members):
            opts: list[tuple[float, Entry | None]] = list(ranked[m][:_TOP])
            if k > 0:     # a container: a division or a country is what the words lead one to expect,
                # the more so for the last and broadest ("Xyz (Abc, Tapoa)": a province, not a village)
                lift = 1.0 if k == len(members) - 1 else 0.6
                # — and the last, written after its town ("Benito Juarez, Nuevo Leon"), is the province
                # when a province has that very name and no city does (Moscow, Cairo, Kyiv are cities
                # first): a village called Nuevo León next to a namesake of the town is a coincidence of
                # names, not the writer's anchor
                exact_m = [e for e, t in cands[m].entries if t == 0]
                last_adm1 = k == len(members) - 1 and any(e.feature_code == "ADM1" for e in exact_m) and not any(
                    (e.feature_code or "").startswith("PPL") and (e.population >= 100_000 or e.feature_code == "PPLC")
                    for e in exact_m)
                opts = [(s + (lift + (1.0 if last_adm1 else 0.0) if (e.feature_code or "") in ("ADM1", "ADM2")
                              else -2.0 if last_adm1 and (e.feature_code or "").startswith("PPL") else 0.0), e)
                        for s, e in opts]
                # and a container is written as its name: a loose reading ("Luhansk" as the village
                # Luhanske) must not win over an exact one because it sits near a namesake of the part
                exact_ids = {id(e) for e, t in cands[m].entries if t == 0}
                if exact_ids:
                    opts = [(s - (0.0 if id(e) in exact_ids else 3.0), e) for s, e in opts]
            # "unknown" costs what a reading is worth: little for loose matches only (a township the
            # gazetteer lacks is not a namesake abroad), most for an exact container
            exact = any(t == 0 for _, t in cands[m].entries)
            # — and the more, the fewer countries its exact readings lie in: where two parts rule each
            # other out, the name that means one place ("Kutkai") is kept over one many countries have
            # ("Southern", "Muse"); between equals, the broadest container, the writer's anchor
            unknown = (_UNKNOWN_CONTAINER if k > 0 else 3.0) - 1.0 + 1.0 / _countries_named(cands[m]) + (
                0.01 if k == len(members) - 1 else 0.0)
            opts.append(((opts[0][0] - (unknown if exact else 0.5)) if opts else 0.0, None))
            # a container whose name means a division in one or two countries ("Cabo Delgado", "Punjab")
            # pins its chain: leaving it unknown, so as to read its parts in a country it rules out
            # (Palma in Spain), costs what reading them against it would
            pins = [e for e, t in cands[m].entries if t == 0 and (e.feature_code or "").startswith(_DIVISIONS)
                    ] if k > 0 and _countries_named(cands[m]) <= 2 else []

            def escapes(picks: list[Entry | None], pins: list[Entry] = pins) -> bool:
                return bool(pins) and all(any(chains.fit(p, r) <= chains.CANNOT for p in picks if p is not None)
                                          for r in pins)
            nxt = []
            for total, picks in beam:
                for s, e in opts:      # a container holds every part inside it, not only the next one
                    f = sum(fit(p, e) for p in picks if p is not None) if e is not None else (
                        chains.CANNOT if escapes(picks) else 0.0)
                    nxt.append((total + s + f, picks + [e]))
            nxt.sort(key=lambda x: -x[0])
            beam = nxt[:_BEAM]
        picks = beam[0][1]
        for k, m in enumerate(members):
            chosen[m] = picks[k]
            others = [p for j, p in enumerate(picks) if j != k and p is not None]
            support[m] = picks[k] is not None and any(
                chains.fit(*((picks[k], o) if j > k else (o, picks[k]))) > 0
                for j, o in ((j, p) for j, p in enumerate(picks) if j != k and p is not None)) and bool(others)
    return chosen, support


def _geo_precision(p: Place) -> int | None:
    if p.lat is None:
        return None
    if p.precision in ("admin1", "country") or (p.feature_code or "").startswith("PCL"):
        return 3
    if p.relation or p.fallback or p.precision in ("admin2", "region"):
        return 2
    return 1


def _complete(places: list[Place | None], links: dict[int, int], gazetteer: Gazetteer,
              cands: list[Candidate], implicit: dict[int, int] | None = None) -> None:
    """Containers, fallbacks up the chain, points for entries without one, admin2, geo_precision.
    An implicit container (the town a part of it lies in, not written beside it) gives a point to
    fall back on, not a `container`: that stays what the text itself wrote."""
    implicit = implicit or {}
    for i, p in enumerate(places):
        if p is None:
            continue
        if i in implicit and p.lat is None and places[implicit[i]] is not None and places[implicit[i]].lat is not None:
            town = places[implicit[i]]
            p.lat, p.lon, p.country_code, p.admin1, p.admin2 = town.lat, town.lon, town.country_code, town.admin1, town.admin2
            p.precision, p.fallback = town.precision, True
        j = links.get(i)
        while j is not None and places[j] is None:
            j = links.get(j)
        if j is not None:
            up = places[j]
            p.container = Span(up.text, up.start, up.end)
            if up.feature_code == "ADM1" and up.admin1 and p.country_code == up.country_code and p.lat is not None:
                p.admin1 = up.admin1     # the writer's province (GeoNames' code for a place can be stale)
        # the smallest container with a point, for a part that has none
        if p.lat is None:
            k = j
            while k is not None and (places[k] is None or places[k].lat is None):
                k = links.get(k)
            box = places[k] if k is not None else None
            if box is not None:
                p.lat, p.lon, p.country_code, p.admin1 = box.lat, box.lon, box.country_code, box.admin1
                p.admin2 = box.admin2
                p.precision = box.precision if not box.relation else "region"
                p.fallback = p.geonameid is None
            elif p.geonameid is not None:      # a district without a point: its province's
                d = gazetteer.division(_admin1_code(cands[i], p))
                if d is not None:
                    p.lat, p.lon, p.precision = d.lat, d.lon, "admin1"
        if j is not None and places[j].feature_code == "ADM2" and places[j].geonameid is not None:
            p.admin2 = p.admin2 or places[j].name
    # one name, one place in one article: an unknown name written again where nothing places it ("turned
    # back to the Xyz town" after "Abc village (Xyz township, Katha district)") is where its first mention is
    placed = {}
    for p in places:
        if p is not None and p.lat is not None and p.geonameid is None and p.fallback:
            placed.setdefault(light(p.text), p)
    for p in places:
        if p is not None and p.lat is None and p.geonameid is None:
            same = placed.get(light(p.text))
            if same is not None:
                p.lat, p.lon, p.country_code, p.admin1, p.admin2 = same.lat, same.lon, same.country_code, same.admin1, \
                    same.admin2
                p.precision, p.fallback = same.precision, True
    for p in places:
        if p is not None:
            p.geo_precision = _geo_precision(p)


def _admin1_code(c: Candidate, p: Place) -> str | None:
    return next((e.admin1_code for e, _ in c.entries if e.geonameid == p.geonameid), None)


def _worth_keeping(c: Candidate, in_chain: bool = False) -> bool:
    """An unknown name stays a place (with a null id) when its words say it is one."""
    return c.text[:1].isupper() and (in_chain or c.context > 0 or c.feature_hint is not None or c.relation is not None)


def _short_alias(c: Candidate, e: Entry) -> bool:
    """"Eve", "Ar", "Rs": a word of three letters or fewer that is only some town's alternate name is no
    mention of it (countries and provinces keep their short forms: "US", "UK", "B.C.")."""
    letters = sum(ch.isalpha() for ch in c.text)
    fc = e.feature_code or ""
    return letters <= 3 and light(e.name) != light(c.text) and not (fc.startswith("PCL") or fc == "ADM1")


def _called(e: Entry, key: str) -> bool:
    """Whether the entry's own name is the written name, or it and one generic word ("Hunan Sheng")."""
    name = light(e.name)
    return name == key or (name.startswith(key + " ") and " " not in name[len(key) + 1:])


def _is_division(e: Entry) -> bool:
    return (e.feature_code or "").startswith("ADM")


def _is_world_known(e: Entry) -> bool:
    fc = e.feature_code or ""
    return fc.startswith("PCL") or fc == "PPLC" or e.population >= 1_000_000


def _stands_alone(e: Entry) -> bool:
    fc = e.feature_code or ""
    return fc.startswith("PCL") or fc in ("ADM1", "CONT") or e.source == "sitrep"


# relations that put the event near the named place (ACLED's geo_precision 2) without making it a region
_NEAR_RELATIONS = {"near", "between", "road", "outskirts", "vicinity", "countryside", "suburbs", "edge", "heart",
                   "outside"}


def _place(c: Candidate, e: Entry, score: float) -> Place:
    near = c.relation in _NEAR_RELATIONS or (c.relation == "border" and c.phrase is not None and not c.anchor_country
                                             and (e.feature_code or "").startswith("PPL"))
    precision = "region" if c.relation and not near else precision_of(e.feature_code)
    if c.adjectival and (e.feature_code or "").startswith("PCL"):
        precision = "country"
    return Place(text=c.text, start=c.start, end=c.end, name=e.name, geonameid=e.geonameid, lat=e.lat, lon=e.lon,
                 country_code=e.country_code, admin1=e.admin1, feature_code=e.feature_code, precision=precision,
                 score=round(score, 3), relation=c.relation, phrase=_phrase(c), in_name=c.in_name,
                 admin2=e.name if e.feature_code == "ADM2" else None, adjectival=c.adjectival)


def _country_region(c: Candidate, gazetteer: Gazetteer) -> Place:
    e = gazetteer.country(c.anchor_country)
    if e is None:
        return _unresolved(c)
    if c.adjectival:        # "Turkish", "Syrian": the country, named by its nationality word
        return Place(text=c.text, start=c.start, end=c.end, name=e.name, geonameid=e.geonameid, lat=e.lat,
                     lon=e.lon, country_code=e.country_code, feature_code=e.feature_code, precision="country",
                     score=0.8, adjectival=True)
    return Place(text=c.text, start=c.start, end=c.end, name=e.name, geonameid=e.geonameid, lat=e.lat, lon=e.lon,
                 country_code=e.country_code, admin1=None, feature_code=e.feature_code, precision="region",
                 score=0.8, relation=c.relation, phrase=_phrase(c))


def _unresolved(c: Candidate) -> Place:
    return Place(text=c.text, start=c.start, end=c.end, name=c.text, relation=c.relation, phrase=_phrase(c),
                 in_name=c.in_name, adjectival=c.adjectival)


def _phrase(c: Candidate) -> Span | None:
    if c.phrase is None or c.phrase == (c.start, c.end):
        return None
    return Span(text=c.phrase_text or "", start=c.phrase[0], end=c.phrase[1])
