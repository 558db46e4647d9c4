"""Place-name spans of one document, from spaCy's GPE and LOC entities.

Each keeps its text and offsets; `geonameid` and the rest stay null until the
gazetteer (the places issue) resolves them — an unknown place is never guessed.
"""
from __future__ import annotations

from sitrep.extract.entities import trim
from sitrep.extract.labels import label_uses
from sitrep.model import Place


def extract_places(doc) -> list[Place]:
    uses = label_uses()
    out = []
    for ent in doc.ents:
        use = uses.get(ent.label_)
        if not (use and use.place):
            continue
        t = trim(ent)
        if t:
            text, start, end = t
            out.append(Place(text=text, start=start, end=end, name=text))
    return out
