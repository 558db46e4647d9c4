"""Who a source phrase names: a phrase of the article turned into an `ActorRef`.

Owns speaker resolution for quotes, direct and reported, remembering who spoke last:

* a name to its entity (the mention that holds the phrase's head first, people first);
* "he"/"she" to the last person who spoke, "it"/"they" to the last organisation, "the
  statement" to the organisation that issued it;
* a role phrase ("the Coalition spokesperson") to the person who holds that role;
* an unnamed source ("a counterterrorism official") to an entity of its own, described by its
  words and added to the document's entities;
* a relative pronoun ("officials, who said …") to what it stands for;
* anything else that can speak or write ("the ruling", "a new poll") stays its own words with
  no entity: an honest null.
"""
from __future__ import annotations

import bisect

from sitrep.extract.cues import Cues
from sitrep.extract.entities import EntityIndex, entity_id, key_of
from sitrep.extract.people import families, lexicon
from sitrep.model import ActorRef, Entity, Role, Span

_DETS = {"a", "an", "the", "some", "one", "two", "three", "several", "many", "other", "another", "its", "their"}


class Speakers:
    """Turns a speaker phrase into an `ActorRef`, remembering who spoke last."""

    def __init__(self, doc, text: str, index: EntityIndex | None, entities: list[Entity], doc_id: str, cues: Cues):
        self.doc, self.text, self.index, self.entities, self.doc_id = doc, text, index, entities, doc_id
        self.last_person: Entity | None = None
        self.last_org: Entity | None = None
        self.statement_org: Entity | None = None
        self.unnamed: dict[str, Entity] = {}
        self.person_pronouns = cues.person_pronouns
        self.group_pronouns = cues.group_pronouns
        self.source_nouns = cues.source_nouns
        self.statement_nouns = cues.statement_nouns
        self.not_sources = cues.not_sources

    def _ref(self, ent: Entity, text: str, s: int, e: int) -> ActorRef:
        if ent.type == "PERSON":
            self.last_person = ent
        elif ent.type not in ("GPE", "LOC"):
            self.last_org = ent
        return ActorRef(ent.id, ent.canonical, text, s, e)

    def _span(self, a: int, b: int) -> tuple[int, int] | None:
        doc = self.doc
        while a < b and (doc[a].is_punct or doc[a].is_space):
            a += 1
        while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space or doc[b - 1].pos_ == "ADV"):
            b -= 1
        return (a, b) if a < b else None

    def resolve(self, a: int, b: int, head: int | None = None, refers: tuple[int, int] | None = None,
                loose: bool = False) -> ActorRef | None:
        """The speaker the tokens [a, b) name, or None when they name nobody we can tell. `head` is the
        phrase's head token; `refers` the phrase a relative pronoun stands for; `loose` keeps any noun
        phrase as a speaker without an entity rather than None."""
        span = self._span(a, b)
        if span is None:
            return None
        a, b = span
        doc = self.doc
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        phrase = doc[a:b].text
        if refers is not None:                           # "who" / "which": what it stands for, kept on its words
            ante = self.resolve(*refers, loose=loose)
            if ante is None:
                return None
            return ActorRef(ante.entity_id, ante.name, phrase, s, e)
        words = [t.lower_ for t in doc[a:b]]
        if b - a == 1 and words[0] in self.person_pronouns:
            ent = self.last_person or self._before(s, person=True)
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        if b - a == 1 and words[0] in self.group_pronouns:
            ent = self.statement_org or self.last_org
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        found = self.index.overlapping(s, e) if self.index else []
        if head is not None and a <= head < b:
            h = doc[head].idx
            holding = [x for x in found if x[0] <= h < x[1]]
            if holding and holding[0][2].type == "PERSON":
                ms, me, ent = holding[0]
                return self._ref(ent, self.text[ms:me], ms, me)
        people = [x for x in found if x[2].type == "PERSON"]
        if people:
            ms, me, ent = people[0]
            return self._ref(ent, self.text[ms:me], ms, me)
        orgs = [x for x in found if x[2].type != "PERSON"]
        last_tok = doc[head] if head is not None and a <= head < b else doc[b - 1]
        hd = last_tok.lower_
        # a role phrase: "the Coalition spokesperson" is the person who holds that role
        role = lexicon().role_head.search(phrase)
        if role is not None and hd not in self.statement_nouns:
            fams = families([Role(role.group(0))])
            org = orgs[0][2] if orgs else None
            holders = [h for f in fams for h in self.index.holders(f, org, self.text[orgs[0][0]:orgs[0][1]] if orgs else None)] \
                if self.index else []
            if holders:
                ent = max(holders, key=lambda h: max((m.start for m in h.mentions if m.start < s), default=-1))
                return self._ref(ent, phrase, s, e)
        actors_ = [x for x in orgs if x[2].type not in ("GPE", "LOC", "NORP", "FAC", "OTHER")]
        if hd in self.source_nouns and orgs and not actors_:
            return self._unnamed(a, b)                    # "a top U.S. official": unnamed, though of a country
        if orgs:
            last = last_tok.idx
            holding = [x for x in orgs if x[0] <= last < x[1]]
            ms, me, ent = holding[0] if holding else (orgs[-1] if hd in self.statement_nouns else orgs[0])
            if hd in self.statement_nouns or any(w in self.statement_nouns for w in words):
                self.statement_org = ent
            if ms <= last < me:                            # the name is the whole speaker: "CENTCOM announced"
                return self._ref(ent, self.text[ms:me], ms, me)
            return self._ref(ent, phrase, s, e)
        if hd in self.statement_nouns:
            ent = self.statement_org or self.last_org
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        if hd in self.source_nouns or any(w in self.source_nouns for w in words[-2:]):
            return self._unnamed(a, b)
        if self.index is not None and phrase[:1].isupper() and b - a <= 3 and all(t.pos_ == "PROPN" for t in doc[a:b]):
            ent = self.index.named(phrase)                 # "Pence" that the recogniser missed, for Mike Pence
            if ent is not None:
                return self._ref(ent, phrase, s, e)
        if loose and not (b - a == 1 and words[0] in self.not_sources) \
                and last_tok.pos_ in ("NOUN", "PROPN", "PRON", "X", "NUM"):
            return ActorRef(None, None, phrase, s, e)
        return None

    def _before(self, pos: int, person: bool) -> Entity | None:
        if not self.index:
            return None
        cands = [(s, ent) for s, e, ent in self.index.mentions if s < pos and (ent.type == "PERSON") == person]
        return cands[-1][1] if cands else None

    def _unnamed(self, a: int, b: int) -> ActorRef:
        """"a counterterrorism official": an unnamed source, an entity of its own described by its words."""
        doc = self.doc
        d = a
        while d < b - 1 and doc[d].lower_ in _DETS:
            d += 1
        desc = doc[d:b].text
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        k = key_of(desc)
        ent = self.unnamed.get(k)
        if ent is None:
            ent = Entity(id=entity_id(self.doc_id, "unnamed:" + k), canonical=desc, type="PERSON",
                         actor_type="unnamed source")
            self.unnamed[k] = ent
            self.entities.append(ent)
        ent.mentions.append(Span(doc[a:b].text, s, e))
        if self.index is not None:
            bisect.insort(self.index.mentions, (s, e, ent), key=lambda x: x[0])
        return ActorRef(ent.id, ent.canonical, doc[a:b].text, s, e)
