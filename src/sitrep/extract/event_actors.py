"""Who did it and to whom: the agent, target and associates of a trigger, linked to entities.

The agent is the subject (or "by X") of a verb trigger, or of a light verb over a noun
trigger ("CENTCOM conducted strikes"); the target is the object or patient, "on X",
"against X", "targeting X" (the owner of a targeted base); associates are coordinated
agents and "enabled by X". `Actors` links each head word to the document's entity under it.
"""
from __future__ import annotations

import bisect
import functools
import re

from sitrep.extract.grammar import (
    agent_of,
    chain,
    conjuncts,
    lemma,
    np_of,
    patient_of,
    span_text,
    subject_of,
    word_class,
)
from sitrep.extract.lexicon import LIGHT, VIOLENT, Rule, words
from sitrep.model import ActorRef, Entity, Place

_ACTOR_TYPES = {"ORG", "ARMED_GROUP", "PERSON", "NORP", "GPE", "MILITARY_UNIT"}


@functools.lru_cache(maxsize=1)
def force_words() -> frozenset[str]:
    """Head words of state forces and armed groups ("military", "police", "gendarmerie", "militia")."""
    from sitrep.extract.event_types import actor_words

    w = actor_words()
    return frozenset(x for x in w["state"] | w["non-state"] if " " not in x)


@functools.lru_cache(maxsize=1)
def compound_agents() -> frozenset[str]:
    """Words that, qualifying an event noun, name its agent: the force words and
    `data/event_decision.json` `compound_agents`."""
    from sitrep.extract.event_types import policy

    return force_words() | frozenset(policy()["compound_agents"]["words"])


@functools.lru_cache(maxsize=1)
def armed_qualifiers() -> frozenset[str]:
    """Adjectives that stay in a generic actor's words: "armed men" (`data/actor_cues.json`)."""
    from sitrep.nlp.actors import cues

    return frozenset(cues()["armed_qualifiers"])


_ANTI = re.compile(r"\banti[-‐–\s]?$", re.IGNORECASE)
_COLLECTIVES = frozenset(("group", "band", "crowd", "mob", "handful", "dozen", "dozens", "hundreds", "thousands", "scores",
                          "total", "number"))


@functools.lru_cache(maxsize=1)
def crowd_words() -> frozenset[str]:
    """Head words of crowds ("rioters", "residents", "youths"), lemmas."""
    from sitrep.extract.event_types import policy

    return policy()["crowd_words"]


class Actors:
    """Links the words of a noun phrase to the document's entities."""

    def __init__(self, entities: list[Entity], places: list[Place] = ()):
        self.spans = sorted(((m.start, m.end, e) for e in entities for m in e.mentions if e.type in _ACTOR_TYPES),
                            key=lambda x: x[0])
        # where the places below a country are: a town or district an act hit is no actor
        self._local = [(p.start, p.end) for p in places if not p.adjectival and p.precision != "country"
                       and p.in_name is None]
        self._starts = [s for s, _, _ in self.spans]
        self._longest = max((e - s for s, e, _ in self.spans), default=0)

    def _overlapping(self, lo: int, hi: int) -> list:
        """The mentions that share a character with [lo, hi), in order (found by bisection: a long
        document has many)."""
        out = []
        j = bisect.bisect_left(self._starts, hi) - 1
        while j >= 0 and self._starts[j] >= lo - self._longest:
            if lo < self.spans[j][1]:
                out.append(self.spans[j])
            j -= 1
        out.reverse()
        return out

    def ref(self, head, person: bool = False, target: bool = False) -> ActorRef | None:
        """The actor a phrase names (its head token), or None. `person`: the event's grammar says the
        phrase names people whatever its noun ("arrested a provincial deputy": who is arrested is a
        person). `target`: the phrase is what an act hit, and a place below a country there ("air
        raids targeted Marib district") is where it happened, not an actor."""
        if head is None:
            return None
        if (head.pos_ == "PRON" and head.dep_ != "relcl") or head.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
            return None
        if lemma(head) in _COLLECTIVES:
            # "a group of people", "a crowd of protesters": the members are the actor
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            members = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if members is not None and members.pos_ in ("NOUN", "PROPN"):
                head = members
        elif lemma(head) in _MEMBERSHIP:
            # "a leading member of the ELN", "commanders of the Zintan militia": the group acts or is hit
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            group = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if group is not None and (group.pos_ == "PROPN" or group.ent_type_ in ("ORG", "NORP")
                                      or _names_a_force(group)):
                head = group
        np = np_of(head) if head.pos_ not in ("VERB", "AUX") else head.doc[head.i:head.i + 1]
        # "On 14 March 2025, dissident fighters": a date or clause the parser hung on the phrase is no part of it
        cut = max((t.i + 1 for t in np if t.i < head.i and (t.ent_type_ in ("DATE", "TIME") or t.text == ",")),
                  default=np.start)
        np = head.doc[cut:head.i + 1] if cut > np.start else np
        lo, hi = np.start_char, np.end_char
        text = head.doc.text
        # "anti-Houthi forces" are not the Houthis
        inside = [m for m in self._overlapping(lo, hi) if not _ANTI.search(text, max(0, m[0] - 6), m[0])]
        if target:
            inside = [m for m in inside if not (m[2].type == "GPE" and any(s < m[1] and m[0] < e for s, e in self._local))]
            if not inside and any(s < hi and lo < e for s, e in self._local) and head.pos_ == "PROPN":
                return None
        # "Palestinian rioters", "Myanmar military forces": a crowd or a force, not the nation named before it
        fw = force_words()
        force = lemma(head) in fw or head.lower_ in fw or lemma(head) + "s" in fw or lemma(head) in crowd_words() \
            or (head.pos_ == "NOUN" and word_class(head, "person"))     # "Afghan migrants": people of a nation
        if inside and not (force and all(ent.type in ("GPE", "NORP") and e <= head.idx for s, e, ent in inside)):
            # the entity nearest the head: "ISIS fighters" → ISIS, "a Syrian Democratic Forces (SDF) base" → SDF
            s, e, ent = min(inside, key=lambda x: (abs(x[1] - hi), -(x[1] - x[0])))
            return ActorRef(ent.id, ent.canonical, span_text(head.doc, s, e), s, e)
        # "the Myanmar military forces", "the police": a state's forces, named by the words (and the
        # country) of the whole phrase, not by the country's name alone
        group = next((t for t in np if lemma(t) == "group" and any(c.lower_ == "the" for c in t.children)), None)
        if group is not None:
            before = [(s, e, ent) for s, e, ent in self.spans if e <= group.idx and ent.type in ("ORG", "ARMED_GROUP")]
            if before:      # "the group's leader": the armed group named last
                s, e, ent = before[-1]
                return ActorRef(ent.id, ent.canonical, np.text, np.start_char, np.end_char)
        if (head.pos_ == "PROPN" and not word_class(head, "place")) or force or word_class(head, "person") \
                or (head.is_upper and len(head) >= 2 and not word_class(head, "place")) \
                or (person and head.pos_ == "NOUN"):
            keep = armed_qualifiers()
            words_ = [t for t in np if t.i >= np.start and t.dep_ not in ("det", "punct", "nummod", "quantmod", "amod", "case")
                      or t.pos_ == "PROPN" or t.i == head.i or (t.dep_ == "amod" and t.lower_ in keep)
                      or (t.dep_ in ("amod", "compound") and t.ent_type_ in ("NORP", "GPE"))]
            while words_ and words_[0].dep_ in ("cc", "preconj"):
                words_ = words_[1:]             # "[military] and police forces": no phrase starts with "and"
            if not words_:
                return None
            s, e = words_[0].idx, words_[-1].idx + len(words_[-1])
            return ActorRef(None, span_text(head.doc, s, e), span_text(head.doc, s, e), s, e)
        return None


def _light_verb_subject(tok, through: frozenset = frozenset()):
    """The agent of a noun trigger: "by X", a possessive or compound actor, or the subject above."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            g = next((g for g in c.children if g.dep_ == "pobj"), None)
            if g is not None:
                return g, "by"
    means_of = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "with" else None
    if means_of is not None and means_of.pos_ == "VERB" and lemma(means_of) not in ("charge", "accuse") \
            and not any(c.dep_ in ("nsubjpass", "auxpass") for c in means_of.children):
        # "targeted the convoy with a bomb attack": the act is the means of the verb's subject
        subj, _passive = subject_of(means_of, exclude=tok)
        if subj is not None:
            return subj, "subject"
    start = tok.head if tok.dep_ != "ROOT" else tok
    verb = next((t for t in chain(tok, 5)[1:] if t.pos_ in ("VERB", "AUX") and lemma(t) != "be"), None)
    if verb is None or (lemma(verb) not in LIGHT and lemma(verb) not in through):
        return None, "subject"               # "the United States condemns the attacks": not the attacker
    subj, _passive = subject_of(start, exclude=tok, through=through)
    return subj, "subject"


_OPERATIONS = frozenset(("operation", "campaign", "effort", "raid", "offensive", "attack", "assault", "ambush",
                         "crackdown", "strike", "airstrike", "bombardment", "shelling"))


def _operations_agent(subj):
    """"the operations conducted by the ISF … led to the arrest", "an attack by X": the agent of the operations."""
    if subj is None:
        return None
    if lemma(subj) in _OPERATIONS:
        for c in subj.children:
            if c.dep_ in ("acl", "relcl"):
                a = agent_of(c)
                if a is not None:
                    return a
            if c.dep_ == "prep" and c.lower_ == "by":
                return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _operation_by(verb):
    """The agent of the operation a passive act happened in: "three militants were killed during
    an operation by the army", "two men were arrested in a raid by police"."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("during", "in", "amid", "after", "following"):
            found = _operations_agent(next((g for g in c.children if g.dep_ == "pobj"), None))
            if found is not None:
                return found
    return None


def _targets_in(tok, clause_root):
    """"against X", "on X", "targeting X", "focusing on X", "to X" (transfers) in the trigger's reach."""
    reach = list(tok.subtree) + ([t for t in clause_root.subtree] if clause_root is not None else [])
    for t in reach:
        if t.dep_ == "prep" and t.lower_ in ("against", "on") and t.head.i in {x.i for x in reach}:
            if lemma(t.head) in ("report", "comment", "say", "remark", "statement", "focus") and t.lower_ == "on" \
                    and lemma(t.head) != "focus":
                continue
            g = next((g for g in t.children if g.dep_ == "pobj"), None)
            if g is None:    # "focusing on IS cells" with IS misread as a verb: the next name
                g = next((x for x in t.doc[t.i + 1:t.i + 4] if x.pos_ == "PROPN" or x.is_upper), None)
            if g is not None and g.ent_type_ not in ("DATE", "TIME"):      # "On 2 May" aims at nothing
                return g
        if lemma(t) in ("target", "hit") and t.pos_ == "VERB" and t.i != tok.i:
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if obj is not None and lemma(obj) not in _DEVICES and obj.lower_ not in _DEVICES:
                return obj                  # "a cart hit an IED": the device is no target
    return None


def _recipient(tok, clause_root):
    for t in list(tok.subtree) + (list(clause_root.subtree) if clause_root is not None else []):
        if t.dep_ == "prep" and t.lower_ == "to" and lemma(t.head) in ("hand", "transfer", "give", "cede", "return"):
            return next((g for g in t.children if g.dep_ == "pobj"), None)
    return None


def _associates(tok, agent) -> list:
    out = list(conjuncts(agent))
    for t in (agent, tok) if agent is not None else (tok,):
        for c in t.children if t is not None else []:
            if c.dep_ in ("acl", "advcl") and lemma(c) in ("enable", "back", "support", "assist", "aid", "accompany"):
                a = agent_of(c)
                if a is not None:
                    out.append(a)
    return out


_MUTUAL = frozenset(("clash", "fight", "fighting", "battle", "skirmish", "exchange", "engage", "confrontation",
                     "scuffle", "brawl", "firefight", "gunfight", "shootout", "encounter"))


def _sides(tok, agent, target):
    """The two sides of a mutual fight: "A clashed with B", "clashes between A and B", "clashes
    broke out between A and B"."""
    kids = list(tok.children) + (list(tok.head.children) if tok.dep_ in ("nsubj", "nsubjpass") else [])
    for c in kids:
        if c.dep_ != "prep":
            continue
        g = next((g for g in c.children if g.dep_ == "pobj"), None)
        if g is None:
            continue
        if c.lower_ == "with" and target is None:
            return agent, g
        if c.lower_ == "between":
            other = next((x for x in g.children if x.dep_ == "conj"), None)
            if agent is None:
                return g, other or target
            return agent, target or g
    return agent, target


_DEVICES = frozenset(("mine", "landmine", "device", "ied", "bomb", "explosive", "explosives", "grenade", "charge"))


def _planter(tok):
    """The agent of "planted/placed/laid by X" on the device a blast trigger names: its subject
    ("a mine planted by X exploded"), its object or the object of its preposition ("a truck hit a
    mine laid by X", "a tractor exploded on a mine planted by X"), the trigger itself ("a landmine
    laid by X"), or "the explosion of a device planted by X"."""
    if tok.pos_ == "VERB":
        devices = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
        devices += [g for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    else:                       # the device itself ("hit a landmine laid by X"), or "the explosion of a device"
        devices = [tok] + [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                           for g in c.children if g.dep_ == "pobj"]
    for device in devices:
        if lemma(device) not in _DEVICES:
            continue
        for c in device.children:
            if c.dep_ == "acl" and lemma(c) in ("plant", "place", "lay", "leave", "set", "hide", "install"):
                found = agent_of(c)
                if found is not None:
                    return found
    return None


_REMNANTS = frozenset(("remnant", "remnants", "element", "elements", "cell", "cells", "rank", "ranks"))
_THROWN_AT = frozenset(("pelt", "throw", "hurl", "fire", "shoot"))
_ASSAULTED = frozenset(("attack", "assault", "stone", "beat", "lynch", "chase"))


def _met_by_crowd(tok):
    """Whom rioters fought or attacked, told elsewhere in the trigger's sentence: "… marched to
    parliament, where they clashed with riot police", "pelted stones at police officers"."""
    for t in tok.sent:
        if t.pos_ != "VERB" or any(c.dep_ == "neg" for c in t.children):
            continue
        lem = lemma(t)
        for c in t.children:
            if c.dep_ == "prep" and ((lem in _MUTUAL and c.lower_ == "with") or (lem in _THROWN_AT and c.lower_ == "at")):
                g = next((g for g in c.children if g.dep_ == "pobj"), None)
                if g is not None and g.pos_ != "PRON":
                    return g
            if c.dep_ == "dobj" and lem in _ASSAULTED and c.pos_ != "PRON":
                return c
    return None


def _names_a_force(tok) -> bool:
    """"police", "soldiers", "troops": a word of the force lexicon, as written or as its lemma."""
    fw = force_words()
    return tok.lower_ in fw or lemma(tok) in fw


def owner_of(thing):
    """Whose a damaged thing is: "the building of the Russian National Guard", "the party's office",
    "a police station", "houses belonging to X" (the token naming the owner, or None)."""
    if thing is None or word_class(thing, "person") or lemma(thing) in _MEMBERSHIP | _REMNANTS:
        return None                     # "destroying the remnants of ISIS": people, not property
    for c in thing.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return c
    for c in thing.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            g = next((g for g in c.children if g.dep_ == "pobj"), None)
            if g is not None and (word_class(g, "person") or g.pos_ == "PROPN" or _names_a_force(g)):
                return g
        if c.dep_ == "acl" and lemma(c) in ("belong", "own"):
            for p in c.children:
                if p.dep_ in ("prep", "agent") and p.lower_ in ("to", "by"):
                    g = next((g for g in p.children if g.dep_ == "pobj"), None)
                    if g is not None:
                        return g
    for c in thing.children:
        if c.dep_ in ("compound", "nmod", "amod") and c.i < thing.i and (
                c.ent_type_ in ("ORG", "PERSON", "NORP") or c.pos_ == "PROPN" or _names_a_force(c)):
            return c
    return None


# a base set up has no second actor (a change of activity may: "a new campaign against IS")
_NO_TARGET = frozenset(("Headquarters or base established",))


def target_reading(rule: Rule) -> str:
    """How `arguments` reads the target under a reading of a trigger: who the act happened to
    (violence, a mob's victims, the detained), whose the property was, or what it was aimed at."""
    if rule.event_type in VIOLENT:
        return "violence"
    if rule.event_type == "Riots":
        return "riot"
    if rule.sub_event_type in ("Arrests", "Looting/property destruction") or rule.sub_event_type in _NO_TARGET:
        return rule.sub_event_type
    return "aim"


def arguments(tok, rule: Rule):
    """(agent, target, associates) token heads for a trigger."""
    agent = target = victim = None
    clause_root = tok if tok.pos_ == "VERB" else None
    if tok.pos_ in ("VERB", "AUX"):
        subj, via_agent = subject_of(tok)
        passive = any(c.dep_ == "nsubjpass" for c in tok.children)
        patient = next((c for c in tok.children if c.dep_ in ("nsubjpass", "dobj")), None)
        if patient is None:     # "shot and injured a police officer": the object the verbs share
            patient = next((g for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB"
                            for g in c.children if g.dep_ == "dobj"), None)
        if passive and not via_agent and agent_of(tok) is None:
            # "was shot and injured by three gunmen": the agent the coordinated verbs share
            subj = next((a for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB"
                         for a in [agent_of(c)] if a is not None), None)
        if passive and patient is not None and lemma(patient) in ("mission", "operation", "campaign"):
            # "the combat missions of the Coalition forces have been completed"
            for c in patient.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    subj = next((g for g in c.children if g.dep_ == "pobj"), subj)
            patient = None
        if subj is not None and subj.dep_ == "relcl":
            subj = subj.head
        if subj is not None and subj.head.i != tok.i and lemma(subj.head) in _UNDERGOING:
            subj = None         # "four soldiers died when a device detonated": the dead did not detonate it
        agent = _operations_agent(subj) or subj
        if passive and agent is None:
            agent = _operation_by(tok)          # "were killed during an operation by the army"
        # who the act happened to; a mob's victims too ("villagers beat a man": the codebook's Mob violence)
        target = patient if rule.event_type in VIOLENT or rule.sub_event_type in ("Arrests",) else None
        victim = patient if rule.event_type == "Riots" else None
        if lemma(tok) in _UNDERGOING and not passive:
            agent, target = None, subj          # "the man died": he is the victim, not the agent
        if passive and agent is None and lemma(tok) in words()["moved_forces"]:
            # "troops were deployed to the border": the force that moved is the actor of its move
            agent = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            target = None
    else:
        for c in tok.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod") and (c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON")
                                                                   or c.pos_ == "PROPN"):
                agent = c
                break
        if agent is None:       # "coalition air raids", "army shelling": a force word qualifying the event noun
            agent = next((c for c in tok.children if c.dep_ in ("compound", "nmod") and c.i < tok.i
                          and (c.lower_ in compound_agents() or lemma(c) in compound_agents())), None)
        if agent is None:
            through = frozenset(v for k, vals in rule.conditions if k == "head" for v in vals)
            subj, how = _light_verb_subject(tok, through)
            agent = _operations_agent(subj) or subj
        clause_root = next((t for t in chain(tok) if t.pos_ == "VERB"), None)
        if rule.event_type == "Riots" and tok.dep_ == "nsubj" and tok.head.pos_ == "VERB":
            # "a mob beat a suspected thief": whom the crowd's verb acted on
            victim = next((c for c in tok.head.children if c.dep_ == "dobj"), None)
        if rule.sub_event_type in ("Arrests", "Abduction/forced disappearance"):
            target = patient_of(tok)
    if agent is None or lemma(agent) in _DEVICES or rule.event_type == "Explosions/Remote violence":
        # "a mine planted by the military exploded", "a tractor hit a mine laid by X": who placed the
        # device did the blast, not what (or whoever) set it off; who defused it did the defusing
        agent = _planter(tok) or agent
    if target is not None and target.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
        target = tok.head                    # "the group's leader, who was eliminated"
    if target is None and rule.event_type in ("Battles", "Riots") or lemma(tok) in _MUTUAL:
        # "clashed with X", "fighting between A and B", "clashes between A and B"
        agent, target = _sides(tok, agent, target)
    if target is None and rule.event_type == "Riots":
        # no side named with the trigger: whom the crowd fought or attacked ("villagers beat a man")
        target = _met_by_crowd(tok) or victim
    if rule.sub_event_type == "Looting/property destruction" and target is None:
        # the codebook's target of destruction or looting is whose the property was
        thing = patient_of(tok)
        if thing is not None and thing.lower_ in ("fire", "ablaze", "alight", "light"):
            # "set fire to the building of X": what burned is after "to"
            to = next((c for c in list(tok.children) + list(thing.children) if c.dep_ == "prep" and c.lower_ == "to"), None)
            thing = next((g for g in to.children if g.dep_ == "pobj"), None) if to is not None else None
        target = owner_of(thing)
    if target is None and (rule.event_type in VIOLENT or rule.event_type == "Strategic developments"
                           and rule.sub_event_type not in _NO_TARGET):
        target = _targets_in(tok, clause_root)
    if rule.sub_event_type == "Non-violent transfer of territory":
        target = _recipient(tok, clause_root) or target
    if target is not None and word_class(target, "base") or (target is not None and lemma(target) in ("location", "position", "cell", "cells", "target")):
        # "an attack on a Syrian Democratic Forces (SDF) base", "targeting known ISIS locations"
        owner = next((c for c in target.children if c.dep_ in ("compound", "poss", "amod", "nmod")
                      and (c.ent_type_ or c.pos_ == "PROPN")), None)
        target = owner or target
    return agent, target, _associates(tok if tok.pos_ == "VERB" else (clause_root or tok), agent)


_UNDERGOING = frozenset(("die", "perish", "succumb", "drown"))
_MEMBERSHIP = frozenset(("member", "leader", "commander", "head", "chief", "cadre", "operative", "affiliate",
                         "fighter", "militant", "deputy", "founder", "lieutenant",
                         # a unit of a force is that force: "the Coast Guard Command of the Turkish army"
                         "unit", "personnel", "command", "battalion", "brigade", "division", "squad",
                         "detachment", "regiment", "contingent"))


def group_words(tok) -> set[str]:
    """The words of a target's phrase and of the group it is a member of: "four members of the
    Barrio 18 gang" gives "member" and "gang"; "an Ambazonian separatist commander" its own
    words. The codebook reads from them whether the target was armed (`organised_words`; a
    "former commander" or an "off-duty police officer" is not: `no_longer_armed`)."""
    if tok is None:
        return set()
    phrase = np_of(tok)
    out = {t.lower_.rstrip("s") for t in phrase} | {lemma(t) for t in phrase}
    out |= set(re.findall(r"[a-z]+-[a-z]+", phrase.text.lower()))     # "off-duty", split by the tokenizer
    if lemma(tok) in _MEMBERSHIP:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj":
                        out |= {t.lower_.rstrip("s") for t in np_of(g)} | {lemma(t) for t in np_of(g)}
    return out


def occasion_words(tok) -> set[str]:
    """The words of what an act was done at, during or after: "arrested 373 people at a Pride
    march", "detained activists following an unsanctioned demonstration"."""
    out: set[str] = set()
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("at", "during", "after", "following", "in"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out |= {t.lower_.rstrip("s") for t in g.subtree} | {lemma(t) for t in g.subtree}
    return out


def taken_from(tok) -> bool:
    """Whether a taking of ground names whom it was taken from, an organised opponent ("recaptured
    Rawa from ISIS", "seized the base from government troops"): the place was held, so contested."""
    from sitrep.extract.event_types import policy
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "from":
            for g in c.children:
                if g.dep_ != "pobj" or word_class(g, "place"):
                    continue
                words = {t.lower_.rstrip("s") for t in g.subtree} | {lemma(t) for t in g.subtree}
                if g.ent_type_ in ("ORG", "NORP", "PERSON") or words & policy()["organised_words"]:
                    return True
    return False
