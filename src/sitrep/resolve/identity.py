"""Cross-article ids: what makes two articles' entities, places and events the same one.

* an entity: its knowledge-base id (`actor:…`, `person:…`, `geonames:…`, `forces:IQ`), else
  its type and folded canonical name (`org:free-syrian-police`); a person known only by one
  name, and an unnamed source ("officials"), says nothing of who it is beyond its article,
  so it stays the article's own (`local:<doc id>:person:harper`);
* a place: `geonames:<id>`, else `place:<folded name>` for a name the gazetteer lacks;
* a real-world event: `evt-` and a hash of the mention that founded it (itself a hash of
  the article id, the trigger's offset and the sub-type), so re-ingesting the same
  articles in the same order gives the same ids.

All are derived from content, never from insertion counters.
"""
from __future__ import annotations

import hashlib
import re

from sitrep.resolve.fold import light

_DASHES = re.compile(r"\s+")


def _slug(name: str) -> str:
    return _DASHES.sub("-", light(name).strip()) or hashlib.sha1(name.encode()).hexdigest()[:10]


def entity_id(kb_id: str | None, type_: str, canonical: str, doc_id: str = "", actor_type: str | None = None) -> str:
    if kb_id:
        return kb_id
    own = f"{type_.lower()}:{_slug(canonical)}"
    if type_ == "PERSON" or actor_type == "unnamed source":
        return f"local:{doc_id}:{own}"
    return own


def place_id(geonameid: int | None, name: str | None) -> str | None:
    if geonameid is not None:
        return f"geonames:{geonameid}"
    return f"place:{_slug(name)}" if name and name.strip() else None


def event_id(founding_mention_id: str) -> str:
    return "evt-" + hashlib.sha1(f"event\x1f{founding_mention_id}".encode()).hexdigest()[:12]
