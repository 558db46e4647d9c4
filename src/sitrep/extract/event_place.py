"""Where an event happened: the place of the trigger's clause, else its sentence, else its paragraph.

Datelines ("TAMPA, Fla. -") and captions say where a story was filed or a photo taken,
not where the event happened, and are set aside before linking.
"""
from __future__ import annotations

import re

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
    usable = [p for p in places if not p.in_name]
    sent = tok.sent
    doc = tok.doc
    clause = clause_root(tok)
    lo, hi = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)

    def cost(p: Place) -> float:
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        d = tree_distance(tok, span.root) if span is not None else 50
        # a place that is a participant ("the U.S. pulled out", "struck Syria's …") locates less
        dep = span.root.dep_ if span is not None else ""
        argument = 8 if dep in ("nsubj", "nsubjpass", "poss", "agent") else 2 if dep == "dobj" else 0
        outside = 0 if lo <= p.start and p.end <= hi else 4
        return d + _coarseness(p) + argument + outside

    in_sentence = [p for p in usable if sent.start_char <= p.start and p.end <= sent.end_char]
    if in_sentence:
        best = min(in_sentence, key=lambda p: (cost(p), abs(p.start - tok.idx)))
        return best if max_cost is None or cost(best) <= max_cost else None
    if paragraph:
        inside = [p for p in usable if paragraph[0] <= p.start and p.end <= paragraph[1]]
        if inside:
            return min(inside, key=lambda p: (_place_rank(p), abs(p.start - tok.idx)))
    return None


def event_location(p: Place | None) -> EventLocation | None:
    if p is None:
        return None
    return EventLocation(name=p.name, geonameid=p.geonameid, lat=p.lat, lon=p.lon, country_code=p.country_code,
                         admin1=p.admin1, precision=p.precision, text=p.text, start=p.start, end=p.end)
