"""ACLED's names for the actors of an event: `Protesters (India)`, `Civilians (Mali)`,
`Unidentified Armed Group (Mexico)`, `Military Forces of Nigeria`, `Police Forces of Kenya`.

ACLED's codebook names actors that the reports leave generic by their kind and country.
For each event this module:

* gives every actor reference linked to a knowledge-base actor that actor's ACLED name
  (`acled_actor`);
* names a generic mention ("gunmen", "soldiers", "police", "villagers") by its kind and the
  event's country (`name` and `acled_actor`; `text` and offsets stay the mention's);
* fills what the codebook fills when the report names nobody: the participants of a protest
  are `Protesters (C)`, of a riot `Rioters (C)`, the victims of violence against civilians
  `Civilians (C)`, and an unnamed perpetrator of political violence an
  `Unidentified Armed Group (C)`. These references have no text and no offsets: they are
  the codebook's convention, not words of the article.

The country is the event's place's, else the document's most named country; the word lists
are `data/acled_actor_names.json`.
"""
from __future__ import annotations

import csv
import functools
import json
from collections import Counter
from importlib import resources

from sitrep.model import ActorRef, Entity, Event, Place


@functools.lru_cache(maxsize=1)
def names() -> dict:
    d = json.loads(resources.files("sitrep.data").joinpath("acled_actor_names.json").read_text(encoding="utf-8"))
    return {k: (frozenset(v) if isinstance(v, list) else v) for k, v in d.items() if not k.startswith("_")}


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    text = resources.files("sitrep.data").joinpath("acled_regions.csv").read_text(encoding="utf-8")
    return {r["iso2"].strip().upper(): r["country"].strip() for r in csv.DictReader(text.splitlines())}


_ARMED = ("police", "military", "gang", "unidentified")
_UNARMED = ("civilians", "protesters", "rioters")


def _kind(text: str | None) -> str | None:
    """Which generic kind a mention's words name, if any. An armed kind first, and of those the one
    named first: "military officers" are soldiers, "military and police forces" are led by the
    military, "police and soldiers" by the police (the codebook names the first of a joint force);
    then the unarmed kinds, in that order ("local gunmen" are no civilians)."""
    if not text:
        return None
    low = " ".join(text.lower().replace("-", " ").split())
    words = low.split()
    n = names()

    def first(kind: str) -> int | None:
        at = [i for w in n[kind] for parts in [w.split()] for i in range(len(words) - len(parts) + 1)
              if words[i:i + len(parts)] == parts]
        return min(at) if at else None

    armed = [(i, k) for k in _ARMED for i in [first(k)] if i is not None]
    if armed:
        return min(armed)[1]
    return next((k for k in _UNARMED if first(k) is not None), None)


def document_country(places: list[Place]) -> str | None:
    votes = Counter(p.country_code for p in places if p.country_code and not p.in_name)
    return votes.most_common(1)[0][0] if votes else None


def _named(kind: str, country: str | None) -> str:
    c = country_names().get(country or "", None)
    if kind == "military":
        return f"Military Forces of {c}" if c else "Military Forces"
    if kind == "police":
        return f"Police Forces of {c}" if c else "Police Forces"
    label = {"unidentified": "Unidentified Armed Group", "gang": "Unidentified Gang", "civilians": "Civilians",
             "protesters": "Protesters", "rioters": "Rioters"}[kind]
    return f"{label} ({c})" if c else label


def _nation(ref: ActorRef, nations: list[tuple[int, int, str]]) -> str | None:
    """The country of a nationality or country named inside a generic mention ("Afghan migrants",
    "Israeli soldiers")."""
    if ref.start is None or ref.end is None:
        return None
    return next((cc for s, e, cc in nations if ref.start <= s and e <= ref.end), None)


def _give(ref: ActorRef, ent, kind: str, nations, cc: str | None) -> None:
    """Name `ref` as a generic `kind`, of the country of its entity, else of the nation it names,
    else the event's; a mention without an entity takes that name as its own."""
    ref.acled_actor = _named(kind, (ent.country if ent is not None else None) or _nation(ref, nations) or cc)
    if ent is None:
        ref.name = ref.acled_actor


def _name_ref(ref: ActorRef | None, allow: tuple[str, ...], cc: str | None, by_id: dict,
              nations: list[tuple[int, int, str]] = ()) -> ActorRef | None:
    """An actor reference with its ACLED name: the knowledge base's, else its generic kind's
    (a generic mention then takes that name too, with the country of the nation it names, else
    the event's)."""
    if ref is None:
        return None
    ent = by_id.get(ref.entity_id) if ref.entity_id else None
    if ent is not None and ent.acled_actor:
        ref.acled_actor = ent.acled_actor
        return ref
    kind = _kind(ref.text)
    if kind in allow:
        _give(ref, ent, kind, nations, cc)
    return ref


def _victims(ref: ActorRef | None, cc: str | None, by_id: dict, nations) -> ActorRef:
    """The target of an act the codebook codes against civilians (`civilian_victims`): unnamed, or
    named by a word of no kind ("a provincial deputy") or by a nation ("Palestinians"), they are
    Civilians of that nation or of the event's country."""
    if ref is None:
        return _conventional("civilians", cc)
    ent = by_id.get(ref.entity_id) if ref.entity_id else None
    if ref.acled_actor is None and (ent is None or ent.type == "NORP"):
        _give(ref, ent, "civilians", nations, cc)
    return ref


def _crowd_led_by(ev: Event, named: ActorRef, crowd: str, cc: str | None, by_id: dict) -> ActorRef:
    """The codebook's actor 1 of a demonstration is its crowd, "Protesters (country)" or "Rioters
    (country)"; a party, union, movement or people named as demonstrating is that crowd's associated
    actor ("the Revival party led a protest": Protesters (Bulgaria), with Revival). The crowd keeps
    the words that name it; a people's country is the crowd's ("Palestinian protesters"), a country
    named otherwise is what they demonstrate about, and the event's country stays."""
    ent = by_id.get(named.entity_id)
    country = ent.country if ent is not None and ent.type == "NORP" and ent.country else cc
    label = _named(crowd, country)
    if not any(a.entity_id == named.entity_id for a in ev.assoc_actors):
        ev.assoc_actors.insert(0, named)
    return ActorRef(name=label, text=named.text, start=named.start, end=named.end, acled_actor=label)


def _conventional(kind: str, cc: str | None) -> ActorRef:
    return ActorRef(name=_named(kind, cc), acled_actor=_named(kind, cc))


def name_actors(events: list[Event], entities: list[Entity], places: list[Place]) -> None:
    """Set ACLED names on the events' actor references, and fill the codebook's conventional actors."""
    by_id = {e.id: e for e in entities}
    nations = sorted((m.start, m.end, e.country) for e in entities if e.type in ("NORP", "GPE") and e.country
                     for m in e.mentions)
    doc_cc = document_country(places)
    violent = names()["violent_types"]
    for ev in events:
        cc = (ev.location.country_code if ev.location else None) or doc_cc
        if ev.event_type in ("Protests", "Riots"):
            crowd = "protesters" if ev.event_type == "Protests" else "rioters"
            same = ev.actor2 is not None and ev.actor1 is not None and \
                (ev.actor2.start, ev.actor2.text) == (ev.actor1.start, ev.actor1.text)
            if ev.actor1 is not None and (ev.actor2 is None or same) and _kind(ev.actor1.text) in ("police", "military"):
                ev.actor1, ev.actor2 = None, ev.actor1     # the crowd is actor 1, the force that met it actor 2
            ev.actor1 = _name_ref(ev.actor1, (crowd, "protesters", "police", "military"), cc, by_id) \
                or _conventional(crowd, cc)
            if ev.actor1.acled_actor is None and ev.actor1.entity_id is None:
                ev.actor1.acled_actor = _named(crowd, cc)      # "teachers", "the opposition": the crowd
            elif ev.actor1.acled_actor is None:
                ev.actor1 = _crowd_led_by(ev, ev.actor1, crowd, cc, by_id)
            elif crowd == "rioters" and (ev.actor1.acled_actor or "").startswith("Protesters"):
                # demonstrators who turn violent are the codebook's rioters
                ev.actor1.acled_actor = _named("rioters", cc)
                if ev.actor1.entity_id is None:
                    ev.actor1.name = ev.actor1.acled_actor
        else:
            kinds = ("police", "military", "gang", "unidentified")
            if ev.sub_event_type == "Other":
                # displacement, evacuation, refugees arriving: the codebook codes the civilians who
                # move as actor 1 ("52 people were evacuated" has them as the patient)
                if ev.actor1 is None and ev.actor2 is not None and _kind(ev.actor2.text) == "civilians":
                    ev.actor1, ev.actor2 = ev.actor2, None
                kinds += ("civilians",)
                if ev.actor1 is None and ev.trigger is not None and \
                        ev.trigger.text.lower().startswith(("evacuat", "displac", "fle")):
                    ev.actor1 = _conventional("civilians", cc)     # "70 people were evacuated"
            ev.actor1 = _name_ref(ev.actor1, kinds, cc, by_id, nations)
            if ev.actor1 is None and ev.event_type in violent:
                ev.actor1 = _conventional("unidentified", cc)
        if ev.event_type == "Violence against civilians" or ev.sub_event_type in names()["civilian_victims"]:
            # "an unidentified traditional ruler" was abducted: no armed group
            ev.actor2 = _victims(_name_ref(ev.actor2, ("police", "military", "gang", "civilians"), cc, by_id, nations),
                                 cc, by_id, nations)
        else:
            ev.actor2 = _name_ref(ev.actor2, ("police", "military", "gang", "unidentified", "civilians", "protesters"),
                                  cc, by_id, nations)
            if ev.sub_event_type == "Mob violence" and ev.actor2 is not None:
                ev.actor2 = _victims(ev.actor2, cc, by_id, nations)     # "a mob beat a suspected thief"
        for a in ev.assoc_actors:
            _name_ref(a, ("police", "military", "gang", "unidentified"), cc, by_id, nations)
