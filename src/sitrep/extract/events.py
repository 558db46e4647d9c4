"""Events of one document: ACLED-typed, with actors, place, date, counts, modality and evidence.

This module puts the parts together; each part has its own room:

* `lexicon` — the trigger rows, ACLED's taxonomy with PLOVER, the word classes (data);
* `triggers` — which words report an event, and its modality;
* `event_actors` — agent, target and associates, linked to entities;
* `event_place` — where it happened (datelines and captions set aside);
* `counts` — how many were killed, injured, arrested, with ACLED's conservative rules;
* `sitrep.resolve.time.event_date` — when.

Here: a sentence that refers back ("during the operations") takes the date and place of
the event it refers to; a weapon's killing folds into the weapon's event; counts go to
the event they belong to (a later casualty sentence with no event of its own goes to the
latest event whose target it names); mentions of one occurrence in several sentences
become one event with all their evidence. `confidence` starts at 0.5 and rises with each
argument found (see the README).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sitrep.extract.counts import casualties, quantity, zero_or_unknown
from sitrep.extract.event_actors import Actors, arguments, group_words, occasion_words, taken_from, target_reading
from sitrep.extract.event_place import CAPTION, dateline_spans, event_location, location, paragraphs
from sitrep.extract.event_types import Typing, classify, codebook, policy, rule_for
from sitrep.extract.grammar import (
    chain,
    clause_root,
    lemma,
    np_of,
    object_of,
    patient_of,
    sentence_span,
    subject_of,
    word_class,
)
from sitrep.extract.lexicon import VIOLENT, Rule, rules, words
from sitrep.extract.triggers import find_triggers, modality, responsibility_claimed
from sitrep.model import (
    CountEvidence,
    Counts,
    Entity,
    Event,
    EventDate,
    Place,
    Plover,
    Span,
    Timex,
)
from sitrep.resolve.acled_actors import name_actors
from sitrep.resolve.time import event_date


@dataclass
class _Draft:
    event: Event
    tok: object
    sentence: int
    anaphoric: bool


def prepare(doc) -> Typing:
    """The triggers of a document and its passages for the classifier (classified later, in a batch)."""
    captions = {t.i for s in doc.sents if CAPTION.match(s.text) for t in s}
    return Typing(doc, find_triggers(doc, captions), skip={s.start for s in doc.sents if s.start in captions})


def _reads_differently(a: Rule, b: Rule) -> bool:
    """Whether two readings of a trigger read its target differently (`event_actors.target_reading`)."""
    return target_reading(a) != target_reading(b)


def extract_events(doc, doc_id: str, entities: list[Entity], places: list[Place], timexes: list[Timex],
                   published: str | None, typing: Typing | None = None) -> list[Event]:
    """The events of one parsed document; `typing` is `prepare(doc)` already classified (by
    `Pipeline`, a batch at a time), else it is made and classified here."""
    if typing is None:
        typing = prepare(doc)
        classify([typing])
    text = doc.text
    paras = paragraphs(text)
    datelines = dateline_spans(text, paras)
    places = [p for p in places if not any(lo <= p.start < hi for lo, hi in datelines)]
    actors = Actors(entities, places)
    dated = [t for t in timexes if not getattr(t, "future", False)]
    sents = typing.sents
    sent_index = typing.sent_index
    drafts: list[_Draft] = []
    by_id = {e.id: e for e in entities}
    typing.entities = by_id
    w = words()
    candidates = [(tok, rule, None) for tok, rule in typing.found]
    candidates += typing.untriggered()
    for tok, rule, p in candidates:
        mod = modality(tok, rule)
        if mod is None or (mod == "asserted" and p is None and typing.drop(tok)):
            continue
        if p is not None and _tells_of_earlier(tok, drafts, sent_index):
            continue
        sent = tok.sent
        si = sent_index[sent.start]
        para = next((pr for pr in paras if pr[0] <= tok.idx < pr[1]), None)
        a1, a2, assoc = arguments(tok, rule)
        ref1 = actors.ref(a1)
        typed = rule if p is not None else None        # an untriggered event: typed already
        if typed is None:
            typed, p = typing.decide(tok, rule, ref1)
        decided = typed
        if _reads_differently(decided, rule):
            a1, a2, assoc = arguments(tok, decided)     # the codebook weighs the decided type's target
            ref1 = actors.ref(a1)
        typed = codebook(typed, typing.passage_words(si), ref1, actors.ref(a2), by_id, w["civilian"],
                         crowd_violent=typed.event_type == "Protests" and typing.crowd_violence(si),
                         intervened=typing.intervention(si) if typed.event_type == "Protests" else None,
                         target_words=group_words(a2),
                         target_thing=_hits_a_thing(tok), occasion=occasion_words(tok), opponent=taken_from(tok))
        if typed is not rule:
            if _reads_differently(typed, decided):
                a1, a2, assoc = arguments(tok, typed)   # targets are read differently for these types
                ref1 = actors.ref(a1)
            rule = typed
            p = typing.prob(si, rule.sub_event_type)
            if typed is not decided and typing.prob(si, decided.sub_event_type) is not None:
                # the codebook chose between two readings of one event (who was hit decides
                # Attack or Armed clash): the event holds with the probability of either
                p = min(1.0, p + typing.prob(si, decided.sub_event_type))
        ref2 = actors.ref(a2, person=rule.sub_event_type in _PEOPLE_TAKEN, target=True)
        if ref2 is None and (rule.event_type == "Riots" or rule.sub_event_type in (
                "Protest with intervention", "Excessive force against protesters")):
            ref2 = actors.ref(typing.intervener(si))     # "… Police forces intervened with tear gas."
            if ref2 is not None and ref1 is not None and (ref2.start, ref2.entity_id) == (ref1.start, ref1.entity_id):
                ref2 = None                              # "Police dispersed the protest": actor 1 met it
        if ref1 and ref2 and ref1.entity_id and ref1.entity_id == ref2.entity_id:
            ref2 = None
        assoc_refs = [r for r in (actors.ref(a) for a in assoc) if r and r.name != (ref1.name if ref1 else None)]
        place = location(tok, places, para)
        date = event_date((tok.idx, tok.idx + len(tok)), dated, published, doc=doc)
        anaphoric = any(t.lower_ in w["anaphors"] and any(c.lower_ in ("the", "these", "those", "this")
                                                                 for c in t.children) for t in sent)
        counts, evidence = Counts(), []
        score = 0.5 + 0.1 * sum(x is not None for x in (ref1, ref2, place)) + (0.1 if date.source == "text" else 0)
        if not rule.conditions:
            score -= 0.05
        ev = Event(
            id=_event_id(doc_id, tok.idx, rule.sub_event_type), event_type=rule.event_type,
            sub_event_type=rule.sub_event_type, trigger=Span(tok.text, tok.idx, tok.idx + len(tok)),
            plover=Plover(rule.plover_event, rule.plover_mode), modality=mod, date=date,
            location=event_location(place), actor1=ref1, actor2=ref2, assoc_actors=assoc_refs, counts=counts,
            count_evidence=evidence, confidence=round(p if p is not None else min(score, 0.95), 3),
            evidence=[Span(*sentence_span(sent))],
            responsibility_claimed=responsibility_claimed(tok),
        )
        ev.instruments = _instruments(tok)
        drafts.append(_Draft(ev, tok, si, anaphoric))
    drafts = _fold_casualty_clauses(_fold_anaphors(_fold_into_instrument(drafts)), paras)
    drafts = _fold_damage_into_violence(drafts, paras)
    drafts += _weapons_alongside_arrests(doc_id, drafts)
    _sentence_counts(doc, sents, drafts)
    drafts = _fold_into_demonstration(drafts, paras)
    _inherit(drafts)
    _attach_casualties(doc, sents, drafts)
    events = _merge([d.event for d in drafts])
    name_actors(events, entities, places)
    return events


# whom these acts take is a person or a group whatever the noun ("arrested a provincial deputy")
_PEOPLE_TAKEN = ("Arrests", "Abduction/forced disappearance")


def _hits_a_thing(tok) -> bool:
    """Whether what a violent act hit is a thing, not people: "set ablaze a shop", "threw stones at
    a police building" (the stones are what was thrown, not what was hit)."""
    thrown = policy()["protest"]["violent"]
    obj = object_of(tok)
    hit = [obj] + [g for h in (tok, obj) if h is not None for c in h.children
                   if c.dep_ == "prep" and c.lower_ in ("at", "on", "against", "into")
                   for g in c.children if g.dep_ == "pobj"]
    hit = [t for t in hit if t is not None and lemma(t) not in thrown and t.lower_ not in thrown
           and t.ent_type_ not in ("DATE", "TIME")]                   # "on 23 April" hit nothing
    people = [t for t in hit if word_class(t, "person") or t.ent_type_ in ("PERSON", "NORP", "ORG", "GPE")]
    return bool(hit) and not people and all(t.pos_ == "NOUN" for t in hit)


def _paragraph_of(d: _Draft, paras: list[tuple[int, int]]) -> int:
    """The index of the paragraph a draft's trigger is in (-1: none)."""
    return next((k for k, (lo, hi) in enumerate(paras) if lo <= d.tok.idx < hi), -1)


def _tells_of_earlier(tok, drafts: list[_Draft], sent_index: dict) -> bool:
    """A sentence with no trigger of its own that counts victims ("The monitor counted at least
    four dead") after a violent event tells more of that event: it is no new one."""
    si = sent_index[tok.sent.start]
    earlier = any(d.event.event_type in VIOLENT and 0 < si - d.sentence <= 6 for d in drafts)
    return earlier and any(f in ("fatalities", "injured") for f, *_ in casualties(tok.doc, tok.sent.start,
                                                                                    tok.sent.end))


def _fold_into_instrument(drafts: list[_Draft]) -> list[_Draft]:
    """"A roadside bomb killed three soldiers": the killing is the bomb's event, not a clash of
    its own; "the airstrike destroyed a house", "bombed and destroyed a tower": the damage is the
    strike's. A generic violent or destructive verb whose subject (or agent) is another event's
    trigger, or that is coordinated with one, gives that event its target and goes."""
    by_tok = {d.tok.i: d for d in drafts}
    out = []
    for d in drafts:
        ev = d.event
        host = None
        if ev.sub_event_type in ("Armed clash", "Attack", "Looting/property destruction") and d.tok.pos_ == "VERB":
            subj, _ = subject_of(d.tok)
            host = by_tok.get(subj.i) if subj is not None else None
            if host is None and d.tok.dep_ == "conj":
                host = by_tok.get(d.tok.head.i)     # "bombed and destroyed a tower": the bombing's damage
        if host is None or host is d or host.event.event_type not in VIOLENT or host.event.sub_event_type == ev.sub_event_type:
            out.append(d)
            continue
        h = host.event
        h.actor2 = h.actor2 or ev.actor2
        h.assoc_actors += [a for a in ev.assoc_actors if a.name not in {x.name for x in h.assoc_actors}]
        h.confidence = max(h.confidence or 0, ev.confidence or 0)
    return out


_DEFINITE = frozenset(("the", "this", "that", "these", "those"))


def definite(tok) -> bool:
    """A noun with a definite determiner ("the attack", "this bombing"): it may name an event told before."""
    return tok.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children)


def _fold_anaphors(drafts: list[_Draft]) -> list[_Draft]:
    """"No group has claimed the attack", "The bomb struck a convoy", a headline's "the attack
    near Tal Afar": a definite noun that names an event told elsewhere in the article is that
    event, not another one. A generic one ("the attack") goes into the nearest specific violent
    event at a compatible place, a specific one ("the bomb") into the nearest event of its own
    sub-type (before it within eight sentences, else, for an undated headline, the first after it)."""
    out = []
    for d in drafts:
        ev, tok = d.event, d.tok
        if not definite(tok):
            out.append(d)
            continue
        generic = ev.sub_event_type in ("Armed clash", "Attack")

        def fits(o: _Draft, d=d, ev=ev, generic=generic) -> bool:
            if o is d or definite(o.tok):
                return False
            if generic:
                if o.event.event_type not in VIOLENT or o.event.sub_event_type in ("Armed clash", "Attack") \
                        and o.tok.pos_ in ("NOUN", "PROPN"):
                    return False
            elif o.event.sub_event_type != ev.sub_event_type:
                return False
            la, lb = ev.location, o.event.location
            near = not generic and abs(d.sentence - o.sentence) <= 3
            return near or not (la and lb and la.geonameid != lb.geonameid and la.name != lb.name)

        before = [o for o in drafts if fits(o) and o.sentence <= d.sentence and d.sentence - o.sentence <= 8
                  and o.tok.i < tok.i]
        after = [o for o in drafts if fits(o) and o.sentence >= d.sentence and o.sentence - d.sentence <= 3
                 and o.tok.i > tok.i]
        host = before[-1] if before else (after[0] if after and ev.date.source != "text" else None)
        if host is None:
            out.append(d)
            continue
        h = host.event
        h.actor1 = h.actor1 or ev.actor1
        h.actor2 = h.actor2 or ev.actor2
        h.responsibility_claimed = h.responsibility_claimed or ev.responsibility_claimed
        for fld in ("fatalities", "injured", "arrested", "captured", "weapons_seized"):
            if getattr(h.counts, fld) is None and getattr(ev.counts, fld) is not None:
                setattr(h.counts, fld, getattr(ev.counts, fld))
    return out


_DAMAGE_VERBS = frozenset(("destroy", "damage", "raze", "flatten", "burn"))
_HOSTS_A_TOLL = (*VIOLENT, "Riots")       # "a mob beat a man … The man died"
_CASUALTY_VERBS = frozenset(("kill", "die", "wound", "injure", "dead", "death", "fatality", "martyr", "perish"))


def _fold_casualty_clauses(drafts: list[_Draft], paras: list[tuple[int, int]]) -> list[_Draft]:
    """"… clashed near X. One militant was killed in the encounter.", "an explosion … One
    civilian was killed", "… Around 20 houses were destroyed.": a killing, wounding or
    destruction with no agent of its own, read by the lexicon as a generic clash, attack or
    property destruction, tells the toll of the event beside it, not an event of its own. It goes into another violent event of its sentence, else the latest one before it in
    its paragraph (at most three sentences back); its counts follow."""
    def para_of(d: _Draft) -> int:
        return _paragraph_of(d, paras)

    triggers = {d.tok.i: d for d in drafts}

    def toll(d: _Draft) -> bool:
        if lemma(d.tok) in _DAMAGE_VERBS and d.event.sub_event_type == "Looting/property destruction" \
                and d.event.actor1 is None:
            return True                     # "Around 20 houses were destroyed." after a strike
        if lemma(d.tok) not in _CASUALTY_VERBS or d.event.sub_event_type not in ("Armed clash", "Attack"):
            return False
        if d.event.actor1 is None:
            return True
        # "gunmen attacked a checkpoint, killing two": the participle tells the attack's toll
        host = None
        if d.tok.dep_ == "advcl" and d.tok.tag_ == "VBG":
            host = triggers.get(d.tok.head.i)
            if host is None:
                # "a mortar shell hit the market, killing two": the event its subject names
                subj = next((c for c in d.tok.head.children if c.dep_ == "nsubj"), None)
                host = next((triggers[t.i] for t in subj.subtree if t.i in triggers), None) if subj is not None else None
        return host is not None and host is not d and host.event.event_type in VIOLENT

    out = []
    for d in drafts:
        if not toll(d):
            out.append(d)
            continue
        same = [o for o in drafts if o is not d and not toll(o) and o.sentence == d.sentence
                and o.event.event_type in _HOSTS_A_TOLL]
        before = [o for o in drafts if o is not d and not toll(o) and o.event.event_type in _HOSTS_A_TOLL
                  and 0 < d.sentence - o.sentence <= 3 and para_of(o) == para_of(d)]
        host = min(same, key=lambda o: abs(o.tok.i - d.tok.i)) if same else (before[-1] if before else None)
        if host is None:
            out.append(d)
            continue
        host.event.actor2 = host.event.actor2 or d.event.actor2
        host.event.evidence += [e for e in d.event.evidence if e not in host.event.evidence]
    return out


def _fold_damage_into_violence(drafts: list[_Draft], paras: list[tuple[int, int]]) -> list[_Draft]:
    """"CODECO elements abducted five civilians from the fields. The assailants looted food
    supplies.": looting or destruction told beside violence against people, by the same actor (or
    one the text does not name apart), on the same day, is part of that event: ACLED codes an
    occurrence by its gravest act, and Looting/property destruction only where nothing graver was
    done. The looting goes into the violent event of its paragraph nearest to it (three
    sentences at most; one told before it first)."""
    def para_of(d: _Draft) -> int:
        return _paragraph_of(d, paras)

    def same_actor(a, b) -> bool:
        return a is None or b is None or not (a.entity_id and b.entity_id) or a.entity_id == b.entity_id

    grave = [d for d in drafts if d.event.event_type in _HOSTS_A_TOLL and d.event.modality == "asserted"]
    out = []
    for d in drafts:
        ev = d.event
        if ev.sub_event_type != "Looting/property destruction" or ev.modality != "asserted":
            out.append(d)
            continue
        near = [o for o in grave if abs(o.sentence - d.sentence) <= 3 and para_of(o) == para_of(d)
                and same_actor(o.event.actor1, ev.actor1)
                and not (o.event.date.source == "text" and ev.date.source == "text"
                         and (o.event.date.start, o.event.date.end) != (ev.date.start, ev.date.end))]
        if not near:
            out.append(d)
            continue
        h = min(near, key=lambda o: (o.sentence > d.sentence, abs(o.sentence - d.sentence))).event
        h.evidence += [e for e in ev.evidence if e not in h.evidence]
        h.assoc_actors += [a for a in ev.assoc_actors if a.name not in {x.name for x in h.assoc_actors}]
    return out


_DEMONSTRATION = ("Peaceful protest", "Protest with intervention", "Excessive force against protesters",
                  "Violent demonstration", "Mob violence")


def _fold_into_demonstration(drafts: list[_Draft], paras: list[tuple[int, int]]) -> list[_Draft]:
    """"Teachers protested outside the ministry. Police intervened and detained twelve of them.":
    an arrest (or a dispersal, or lethal force) told in the paragraph of a demonstration or a
    riot ("… Police detained four of the attackers."), after it
    (three sentences at most), of people not named as armed, on no other date the text gives, is
    what was done to that demonstration, not an event of its own (ACLED's Protest with
    intervention). It goes into the demonstration with its counts; a peaceful protest becomes one
    met with intervention (or with excessive force)."""
    def para_of(d: _Draft) -> int:
        return _paragraph_of(d, paras)

    out: list[_Draft] = []
    for d in drafts:
        ev = d.event
        hosts = [o for o in out if o.event.sub_event_type in _DEMONSTRATION and o.event.modality == "asserted"
                 and 0 <= d.sentence - o.sentence <= 3 and o.tok.i < d.tok.i and para_of(o) == para_of(d)]
        # whom the act was done to is armed (not the force that acted, told again as the one who met the crowd)
        armed = ev.actor2 is not None and (ev.actor1 is None or ev.actor2.start != ev.actor1.start) and bool(
            {w.lower().rstrip("s") for w in (ev.actor2.text or "").split()} & policy()["organised_words"])
        # an arrest, or what the classifier read as the intervention itself ("Police detained 14
        # protesters"), not another demonstration ("Another protest was dispersed")
        done_to = ev.sub_event_type == "Arrests" or (
            ev.sub_event_type in ("Protest with intervention", "Excessive force against protesters")
            and lemma(d.tok) not in policy()["protest_words"])
        if not done_to or ev.modality != "asserted" or not hosts or armed:
            out.append(d)
            continue
        h = hosts[-1].event
        if h.date.source == "text" and ev.date.source == "text" and (h.date.start, h.date.end) != (
                ev.date.start, ev.date.end):
            out.append(d)
            continue
        lethal = ev.sub_event_type == "Excessive force against protesters"
        if h.sub_event_type == "Peaceful protest" or (lethal and h.sub_event_type == "Protest with intervention"):
            r = rule_for("Excessive force against protesters" if lethal else "Protest with intervention")
            h.event_type, h.sub_event_type = r.event_type, r.sub_event_type
            h.plover = Plover(r.plover_event, r.plover_mode)
        for fld in ("fatalities", "injured", "arrested"):
            if getattr(h.counts, fld) is None and getattr(ev.counts, fld) is not None:
                setattr(h.counts, fld, getattr(ev.counts, fld))
                h.count_evidence += [c for c in ev.count_evidence if c.field == fld]
        if h.sub_event_type != "Mob violence":
            h.actor2 = h.actor2 or ev.actor1         # who intervened
        h.evidence += [e for e in ev.evidence if e not in h.evidence]
        h.confidence = max(h.confidence or 0, ev.confidence or 0)
    return out


def _weapons_alongside_arrests(doc_id: str, drafts: list[_Draft]) -> list[_Draft]:
    """"the arrest of 50 suspects, and 500 IEDs": the weapons are a seizure of their own."""
    out = []
    rule = next(r for r in rules()["seize"] if r.sub_event_type == "Disrupted weapons use")
    for d in drafts:
        if d.event.sub_event_type != "Arrests":
            continue
        patient = patient_of(d.tok) if d.tok.pos_ != "VERB" else object_of(d.tok)
        heads = {t.i for t in chain(d.tok)} | ({patient.i} if patient is not None else set())
        # coordinated with the arrested, or (as the parser often has it) with a word above the arrest
        for c in d.tok.sent:
            if c.i <= d.tok.i or c.dep_ != "conj" or c.head.i not in heads or not word_class(c, "weapon"):
                continue
            ev = Event(**{**d.event.__dict__})
            ev.id = _event_id(doc_id, c.idx, rule.sub_event_type)
            ev.event_type, ev.sub_event_type = rule.event_type, rule.sub_event_type
            ev.plover = Plover(rule.plover_event, rule.plover_mode)
            ev.actor2, ev.counts, ev.count_evidence = None, Counts(), []
            v, span = quantity(c)
            if v is not None:
                ev.counts.weapons_seized = v
                ev.count_evidence.append(CountEvidence("weapons_seized", span.text, span.start_char, span.end_char))
            out.append(_Draft(ev, c, d.sentence, d.anaphoric))
            break
    return out


def _owner(ctok, drafts: list[_Draft]) -> _Draft:
    """The event a casualty word belongs to: its own trigger, the trigger above it, else the nearest."""
    by_token = {d.tok.i: d for d in drafts}
    if ctok.i in by_token:
        return by_token[ctok.i]
    for t in chain(ctok)[1:]:
        if t.i in by_token:
            return by_token[t.i]
    below = [d for d in drafts if any(a.i == d.tok.i for a in ctok.ancestors) or
             any(a.i == ctok.i for a in d.tok.ancestors)]
    return (below or sorted(drafts, key=lambda d: abs(d.tok.i - ctok.i)))[0]


def _sentence_counts(doc, sents, drafts: list[_Draft]) -> None:
    """Counts in a sentence with events go to the event each number belongs to."""
    by_sentence: dict[int, list[_Draft]] = {}
    for d in drafts:
        by_sentence.setdefault(d.sentence, []).append(d)
    for si, group in by_sentence.items():
        sent = sents[si]
        for fld, v, ctok, ev in casualties(doc, sent.start, sent.end):
            counts = _owner(ctok, group).event
            if getattr(counts.counts, fld) is None:
                setattr(counts.counts, fld, v)
                counts.count_evidence.append(CountEvidence(fld, ev.text, ev.start_char, ev.end_char))
        for fld, v in zero_or_unknown(sent.text).items():
            for d in group:
                if getattr(d.event.counts, fld) is None and d.event.event_type in VIOLENT:
                    setattr(d.event.counts, fld, v)
                    d.event.count_evidence.append(CountEvidence(fld, *sentence_span(sent)))


def _instruments(tok) -> list[Span]:
    """Aircraft and weapons named in the trigger's clause: "using F-16s, F-15s, and A-10s"."""
    root = clause_root(tok)
    out = []
    for t in root.subtree:
        if t.i != tok.i and (word_class(t, "aircraft") or (t.pos_ == "PROPN" and re.match(r"^[A-Z]{1,3}-\d", t.text))):
            out.append(Span(t.text, t.idx, t.idx + len(t)))
    return out


def _event_id(doc_id: str, start: int, sub: str) -> str:
    return "ev-" + hashlib.sha1(f"{doc_id}\x1f{start}\x1f{sub}".encode()).hexdigest()[:12]


def _inherit(drafts: list[_Draft]) -> None:
    """A sentence that refers back ("during the operations") takes the date and place of the latest
    event before it whose date its own text gave."""
    for i, d in enumerate(drafts):
        if not d.anaphoric:
            continue
        prev = next((p for p in reversed(drafts[:i]) if p.event.date.source == "text" and p.sentence < d.sentence),
                    None)
        if prev is None:
            continue
        if d.event.date.source != "text":
            d.event.date = EventDate(**{**prev.event.date.__dict__})
        if d.event.location is None:
            d.event.location = prev.event.location


def _attach_casualties(doc, sents, drafts: list[_Draft]) -> None:
    """Counts in a sentence without an event of its own go to the latest violent event before it
    whose target they name (else the latest violent event of the paragraph)."""
    with_events = {d.sentence for d in drafts}
    for si, sent in enumerate(sents):
        if si in with_events:
            continue
        zeros = zero_or_unknown(sent.text)
        recent = [d for d in drafts if d.sentence < si and si - d.sentence <= 2 and d.event.event_type in VIOLENT]
        if zeros and recent:             # "There were no fatalities." after the event
            target = recent[-1].event
            for fld, v in zeros.items():
                if getattr(target.counts, fld) is None:
                    setattr(target.counts, fld, v)
                    target.count_evidence.append(CountEvidence(fld, *sentence_span(sent)))
        found = casualties(doc, sent.start, sent.end)
        found = [f for f in found if f[0] in ("fatalities", "injured")]
        if not found:
            continue
        victims_text = " ".join(np_of(f[2]).text for f in found if f[2] is not None).lower() + " " + sent.text.lower()
        earlier = [d for d in drafts if d.sentence < si and d.event.event_type in _HOSTS_A_TOLL
                   and d.event.modality == "asserted" and si - d.sentence <= 6]
        if not earlier:
            continue
        named = [d for d in earlier if d.event.actor2 and d.event.actor2.text
                 and d.event.actor2.text.lower() in victims_text]
        target = (named or earlier)[-1].event
        for fld, v, _tok, ev in found:
            if getattr(target.counts, fld) is None:
                setattr(target.counts, fld, v)
                target.count_evidence.append(CountEvidence(fld, ev.text, ev.start_char, ev.end_char))
        span = Span(*sentence_span(sent))
        if span not in target.evidence:
            target.evidence.append(span)


def _compatible(a: Event, b: Event) -> bool:
    if a.sub_event_type != b.sub_event_type or a.modality != b.modality:
        return False
    n1, n2 = (a.actor1.name if a.actor1 else None), (b.actor1.name if b.actor1 else None)
    if n1 and n2 and n1 != n2:
        return False
    if a.date.source == "text" and b.date.source == "text" and \
            (a.date.start, a.date.end) != (b.date.start, b.date.end):
        return False                         # two dates the text gives: two occurrences
    la, lb = a.location, b.location
    if la and lb and la.geonameid != lb.geonameid and la.name != lb.name:
        return False
    return True


def _merge(events: list[Event]) -> list[Event]:
    """Mentions of one occurrence become one event carrying all their evidence."""
    out: list[Event] = []
    for ev in events:
        home = next((o for o in out if _compatible(o, ev)), None)
        if home is None:
            out.append(ev)
            continue
        home.actor1 = home.actor1 or ev.actor1
        home.actor2 = home.actor2 or ev.actor2
        home.location = home.location or ev.location
        if home.date.source != "text" and ev.date.source == "text":
            home.date = ev.date
        for fld in ("fatalities", "injured", "arrested", "captured", "weapons_seized"):
            if getattr(home.counts, fld) is None and getattr(ev.counts, fld) is not None:
                setattr(home.counts, fld, getattr(ev.counts, fld))
        home.count_evidence += [c for c in ev.count_evidence if c not in home.count_evidence]
        home.assoc_actors += [a for a in ev.assoc_actors if a.name not in {x.name for x in home.assoc_actors}]
        home.evidence += [s for s in ev.evidence if s not in home.evidence]
        home.confidence = max(home.confidence or 0, ev.confidence or 0)
        home.responsibility_claimed = home.responsibility_claimed or ev.responsibility_claimed
        home.instruments += [i for i in ev.instruments if i not in home.instruments]
    return out
