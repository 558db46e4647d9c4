"""Quotes that events rest on: who reports, claims or denies an event, and who gives its figures.

Owns the links from `Event`s to the document's `Quote`s, made after both are extracted
(`Pipeline.build` calls `link_quotes`); the relation words are data (`event_relations` in
`data/speech_cues.json`):

* a quote whose content holds an event's trigger reports it ("the ministry said an air strike
  hit …"): the event lists the quote's id and speaker in `sources`;
* a claim of responsibility ("IS claimed responsibility for the bombing") names the event in
  its content, or failing that the last event of its sentence or the one before; the event is
  `responsibility_claimed`, and the claimant becomes its actor1 when it has none;
* a denial ("Hamas denied involvement in the attack") is a source of relation `denies`;
* a casualty figure inside a quote's content ("12 were killed, police said") gets the speaker
  as its `source`;
* an event known only from what a party says — an armed group's statement ("the group said it
  killed 20 soldiers"), or a claim ("claimed", "alleged") by one of the event's own actors — is
  `modality: claimed`, never asserted; what officials or witnesses report stays asserted.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from sitrep.extract.cues import speech
from sitrep.model import ActorRef, Entity, Event, EventSource, Quote

_PARTY_TYPES = ("ARMED_GROUP",)


@dataclass(frozen=True)
class _Words:
    claims: frozenset[str]
    denies: frozenset[str]
    responsibility: frozenset[str]


@functools.lru_cache(maxsize=1)
def _words() -> _Words:
    d = speech()["event_relations"]
    return _Words(frozenset(d["claims"]), frozenset(d["denies"]), frozenset(d["responsibility"]))


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _covered(span: tuple[int, int], by: tuple[int, int]) -> bool:
    """Whether most of `span` lies inside `by`."""
    o = max(0, min(span[1], by[1]) - max(span[0], by[0]))
    return span[1] > span[0] and o >= 0.5 * (span[1] - span[0])


def link_quotes(doc, events: list[Event], quotes: list[Quote], entities: list[Entity]) -> None:
    """Give each event the quotes it rests on (mutates `events`)."""
    if not events or not quotes:
        return
    w = _words()
    starts = [t.idx for t in doc]
    by_id = {e.id: e for e in entities}

    def lemma_at(char: int) -> str:
        i = max(0, bisect.bisect_right(starts, char) - 1)
        return doc[i].lemma_.lower() if len(doc) else ""

    def sentence_of(char: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(starts, char) - 1)
        s = doc[i].sent
        return s.start_char, s.end_char

    for q in quotes:
        if q.id is None:
            continue
        content = (q.content.start, q.content.end)
        cue = lemma_at(q.cue.start) if q.cue is not None else ""
        first = q.content.text.split()[0].lower() if q.content.text.split() else ""
        responsibility = cue in w.claims and first in w.responsibility     # "claimed responsibility for …"
        if _negated(doc, starts, q):
            continue                                        # "No group has claimed responsibility", "did not say"
        relation = "claims_responsibility" if responsibility else \
            "denies" if cue in w.denies else "claims" if cue in w.claims else "reports"
        about = [ev for ev in events if _inside((ev.trigger.start, ev.trigger.end), content)]
        if not about and relation in ("claims_responsibility", "denies") and q.cue is not None:
            # "… a bombing that killed 12. IS claimed responsibility.": the last event before the cue
            here = sentence_of(q.cue.start)
            before = sentence_of(max(0, here[0] - 1)) if here[0] > 0 else here
            near = [ev for ev in events if before[0] <= ev.trigger.start < q.cue.start]
            about = near[-1:]
        for ev in about:
            if not any(s.quote_id == q.id for s in ev.sources):
                ev.sources.append(EventSource(q.id, relation, q.speaker))
            if relation == "claims_responsibility":
                ev.responsibility_claimed = True
                if ev.actor1 is None and q.speaker.entity_id is not None:
                    ev.actor1 = ActorRef(q.speaker.entity_id, q.speaker.name, q.speaker.text,
                                         q.speaker.start, q.speaker.end)
        for ev in events:
            for c in ev.count_evidence:
                if c.source is None and _covered((c.start, c.end), content):
                    c.source, c.quote_id = q.speaker, q.id

    for ev in events:
        if ev.modality != "asserted":
            continue
        claims = {s.quote_id for s in ev.sources if _claims(s, ev, by_id)}
        spans = [(q.content.start, q.content.end) for q in quotes if q.id in claims]
        if spans and ev.evidence and all(any(_overlap((e.start, e.end), sp) for sp in spans) for e in ev.evidence):
            ev.modality = "claimed"                       # nothing but a party's word stands for it


def _negated(doc, starts: list[int], q: Quote) -> bool:
    """Whether the quote's cue is denied ("has not claimed") or its source is nobody ("No group claimed")."""
    if q.cue is None:
        return False
    i = max(0, bisect.bisect_right(starts, q.cue.start) - 1)
    if any(c.dep_ == "neg" for c in doc[i].children):
        return True
    src = (q.speaker.text or "").lower().split()
    return bool(src) and src[0] in ("no", "nobody", "none", "neither")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _claims(src: EventSource, ev: Event, by_id: dict[str, Entity]) -> bool:
    """Whether a source is a party claiming the event: a claim ("claimed", "alleged") by one of its
    actors or by an armed group, or anything an armed group says happened ("the group said it killed
    20 soldiers"): a belligerent's word, which no one else confirms here."""
    sp = src.speaker
    if sp is None or sp.entity_id is None or src.relation not in ("claims", "reports"):
        return False
    ent = by_id.get(sp.entity_id)
    if ent is not None and ent.type in _PARTY_TYPES:
        return True
    own = sp.entity_id in {a.entity_id for a in [ev.actor1, ev.actor2, *ev.assoc_actors] if a is not None}
    return src.relation == "claims" and own
