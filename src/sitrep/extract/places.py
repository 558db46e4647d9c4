"""Places of one document: the `sitrep_places` component's candidates, resolved to GeoNames.

Recognition happens in the spaCy component (`sitrep.nlp.places`), the choice among
gazetteer entries in `sitrep.resolve.places` (chains in `sitrep.resolve.chains`); this
module hands one to the other. A candidate the gazetteer does not know keeps its text
with `geonameid: null`, and the coordinates of its smallest known container, if any.
`countries` is the user's region of interest (ISO alpha-2 codes): strong evidence for
those countries, without excluding the rest of the world.
"""
from __future__ import annotations

from collections.abc import Iterable

from sitrep.model import Place
from sitrep.nlp.places import KEY, VOTES
from sitrep.resolve.places import resolve


def extract_places(doc, gazetteer, countries: Iterable[str] = ()) -> list[Place]:
    return resolve(doc.user_data.get(KEY, []), gazetteer, doc.user_data.get(VOTES), text=doc.text,
                   countries=tuple(countries))
