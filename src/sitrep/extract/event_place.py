"""Where an event happened: the place of the trigger's clause, else its sentence, else its paragraph.

The most specific place of that place's chain wins ("in Xyz village (Bankass, Mopti)": Xyz,
at Bankass's point when Xyz itself is unknown). Nationality words and country names that
qualify a noun ("Turkish warplanes", "U.S. forces") and places inside organisation names
are never where an event happened.

Datelines ("TAMPA, Fla. -") and captions say where a story was filed or a photo taken,
not where the event happened, and are set aside before linking.
"""
from __future__ import annotations

import re
from collections import Counter

from sitrep.extract.grammar import clause_root, tree_distance
from sitrep.model import EventLocation, Place

_RANK = {"point": 0, "city": 1, "admin2": 2, "region": 3, "admin1": 4, "country": 6}


def _place_rank(p: Place) -> int:
    if p.relation:
        return 5
    return _RANK.get(p.precision or "", 3)


def _coarseness(p: Place) -> float:
    """How much vaguer than a town a place is, for linking: a country 3, a province 1."""
    fc = p.feature_code or ""
    return (3 if fc.startswith("PCL") else 1 if fc == "ADM1" else 0) + (0.5 if p.relation else 0)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in re.split(r"(\n\s*\n)", text):
        if part.strip() and not re.fullmatch(r"\n\s*\n", part):
            out.append((pos, pos + len(part)))
        pos += len(part)
    return out


_DATELINE = re.compile(r"^[A-Z][A-Z.'’\- ]{2,}(?:,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)*)?"
                       r"(?:,\s*[A-Z][a-z]{2,9}\.?\s\d{1,2}(?:,\s*\d{4})?)?\s*(?:\([^)]{1,60}\))?\s*[-–—]\s")


CAPTION = re.compile(r"^(?:FILE\b|FILE PHOTO|PHOTO\b)", re.IGNORECASE)


def dateline_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"TAMPA, Fla. - …", "BAGHDAD, Jan. 5 (Reuters) - …": where the story was filed, not where it happened."""
    out = []
    for lo, hi in paragraphs:
        m = _DATELINE.match(text, lo, hi)
        if m:
            out.append((lo, m.end()))
    return out


def location(tok, places: list[Place], paragraph: tuple[int, int] | None,
             max_cost: float | None = None) -> Place | None:
    """Where the event at `tok` happened: the place closest to the trigger in the parse, within its
    clause, else its sentence (a country or province counts as farther than a town, a relative
    region farther still), else the paragraph's most precise place."""
    usable = [p for p in places if not p.in_name and not p.adjectival]
    # the countries the other places of the article lie in (nationality words count): a place alone
    # in its country, where the others agree on another ("a protest on the Friendship bridge" in a
    # story from Paraguay: Friendship, Maine), is a name read as a place more often than the scene
    countries = Counter(p.country_code for p in places if p.country_code and p.lat is not None)
    sent = tok.sent
    doc = tok.doc
    clause = clause_root(tok)
    lo, hi = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)
    in_sentence = [p for p in usable if sent.start_char <= p.start and p.end <= sent.end_char]
    agreed = any(p.lat is not None and countries[p.country_code] > 1 for p in in_sentence)   # a known alternative

    def cost(p: Place) -> float:
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        d = tree_distance(tok, span.root) if span is not None else 50
        # a place that is a participant ("the U.S. pulled out", "struck Syria's …") locates less
        # — and so does one that names the participant ("IS Sahel militants ambushed …", "Donetsk
        # separatists shelled …"): a name qualifying the subject says who, not where
        head = span.root if span is not None else None
        while head is not None and head.dep_ in ("compound", "amod") and head.head is not head and head.head != tok:
            head = head.head
        dep = head.dep_ if head is not None else ""
        argument = 8 if dep in ("nsubj", "nsubjpass", "poss", "agent") else 2 if dep == "dobj" else 0
        # where someone or something came from is not where the event happened ("migrants from
        # Ethiopia were arrested in X", "fired from X at Y"): an origin counts as farther
        origin = 3 if dep == "pobj" and span.root.head.lower_ == "from" else 0
        outside = 0 if lo <= p.start and p.end <= hi else 4
        unknown = 4 if p.lat is None else 0     # a name nobody could place, after the places that are known
        alone = 3 if p.country_code and countries[p.country_code] == 1 and agreed else 0
        return d + _coarseness(p) + argument + origin + outside + unknown + alone

    if in_sentence:
        best = min(in_sentence, key=lambda p: (cost(p), abs(p.start - tok.idx)))
        return _innermost(best, usable) if max_cost is None or cost(best) <= max_cost else None
    if paragraph:
        inside = [p for p in usable if paragraph[0] <= p.start and p.end <= paragraph[1]]
        if inside:
            return _innermost(min(inside, key=lambda p: (p.lat is None, _place_rank(p), abs(p.start - tok.idx))),
                              usable)
    return None


def _innermost(p: Place, places: list[Place]) -> Place:
    """The most specific place of `p`'s chain: "Xyz village in Amedi district, Duhok" → Xyz village
    (with its container's coordinates when it is itself unknown)."""
    inner = {(q.container.start, q.container.end): q for q in places if q.container is not None}
    seen = set()
    while (p.start, p.end) in inner and (p.start, p.end) not in seen:
        seen.add((p.start, p.end))
        q = inner[(p.start, p.end)]
        if q.lat is None:
            break
        p = q
    return p


def event_location(p: Place | None) -> EventLocation | None:
    if p is None:
        return None
    return EventLocation(name=p.name, geonameid=p.geonameid, lat=p.lat, lon=p.lon, country_code=p.country_code,
                         admin1=p.admin1, precision=p.precision, text=p.text, start=p.start, end=p.end,
                         geo_precision=p.geo_precision, fallback=p.fallback, admin2=p.admin2)
