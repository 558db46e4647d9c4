"""Time expressions of one document, from spaCy's DATE entities.

They keep their text and offsets with `resolved: false` until the time issue
normalises them against the publication date.
"""
from __future__ import annotations

from sitrep.extract.labels import label_uses
from sitrep.model import Timex


def extract_timexes(doc) -> list[Timex]:
    uses = label_uses()
    return [Timex(text=e.text, start=e.start_char, end=e.end_char)
            for e in doc.ents if (u := uses.get(e.label_)) and u.timex]
