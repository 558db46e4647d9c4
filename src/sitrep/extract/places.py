"""Places of one document: the `sitrep_places` component's candidates, resolved to GeoNames.

Recognition happens in the spaCy component (`sitrep.nlp.places`), the choice among
gazetteer entries in `sitrep.resolve.places`; this module hands one to the other.
A candidate the gazetteer does not know keeps its text with `geonameid: null`.
"""
from __future__ import annotations

from sitrep.model import Place
from sitrep.nlp.places import KEY, VOTES
from sitrep.resolve.places import resolve


def extract_places(doc, gazetteer) -> list[Place]:
    return resolve(doc.user_data.get(KEY, []), gazetteer, doc.user_data.get(VOTES))
