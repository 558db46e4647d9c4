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
from sitrep.extract.event_actors import Actors, arguments
from sitrep.extract.event_place import CAPTION, dateline_spans, event_location, location, paragraphs
from sitrep.extract.grammar import (
    chain,
    clause_root,
    np_of,
    object_of,
    patient_of,
    sentence_span,
    subject_of,
    word_class,
)
from sitrep.extract.lexicon import VIOLENT, rules, words
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
from sitrep.resolve.time import event_date


@dataclass
class _Draft:
    event: Event
    tok: object
    sentence: int
    anaphoric: bool


def extract_events(doc, doc_id: str, entities: list[Entity], places: list[Place], timexes: list[Timex],
                   published: str | None) -> list[Event]:
    text = doc.text
    paras = paragraphs(text)
    datelines = dateline_spans(text, paras)
    places = [p for p in places if not any(lo <= p.start < hi for lo, hi in datelines)]
    captions = {t.i for s in doc.sents if CAPTION.match(s.text) for t in s}
    actors = Actors(entities)
    dated = [t for t in timexes if not getattr(t, "future", False)]
    sents = list(doc.sents)
    sent_index = {s.start: i for i, s in enumerate(sents)}
    drafts: list[_Draft] = []
    for tok, rule in find_triggers(doc, captions):
        mod = modality(tok, rule)
        if mod is None:
            continue
        sent = tok.sent
        si = sent_index[sent.start]
        para = next((p for p in paras if p[0] <= tok.idx < p[1]), None)
        a1, a2, assoc = arguments(tok, rule)
        ref1, ref2 = actors.ref(a1), actors.ref(a2)
        if ref1 and ref2 and ref1.entity_id and ref1.entity_id == ref2.entity_id:
            ref2 = None
        assoc_refs = [r for r in (actors.ref(a) for a in assoc) if r and r.name != (ref1.name if ref1 else None)]
        place = location(tok, places, para)
        date = event_date((tok.idx, tok.idx + len(tok)), dated, published, doc=doc)
        anaphoric = any(t.lower_ in words()["anaphors"] and any(c.lower_ in ("the", "these", "those", "this")
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
            count_evidence=evidence, confidence=round(min(score, 0.95), 2),
            evidence=[Span(*sentence_span(sent))],
            responsibility_claimed=responsibility_claimed(tok),
        )
        ev.instruments = _instruments(tok)
        drafts.append(_Draft(ev, tok, si, anaphoric))
    drafts = _fold_anaphors(_fold_into_instrument(drafts))
    drafts += _weapons_alongside_arrests(doc_id, drafts)
    _sentence_counts(doc, sents, drafts)
    _inherit(drafts)
    _attach_casualties(doc, sents, drafts)
    return _merge([d.event for d in drafts])


def _fold_into_instrument(drafts: list[_Draft]) -> list[_Draft]:
    """"A roadside bomb killed three soldiers": the killing is the bomb's event, not a clash of
    its own. A generic violent verb whose subject (or agent) is another event's trigger gives
    that event its target and goes."""
    by_tok = {d.tok.i: d for d in drafts}
    out = []
    for d in drafts:
        ev = d.event
        host = None
        if ev.sub_event_type in ("Armed clash", "Attack") and d.tok.pos_ == "VERB":
            subj, _ = subject_of(d.tok)
            host = by_tok.get(subj.i) if subj is not None else None
        if host is None or host is d or host.event.event_type not in VIOLENT or host.event.sub_event_type == ev.sub_event_type:
            out.append(d)
            continue
        h = host.event
        h.actor2 = h.actor2 or ev.actor2
        h.assoc_actors += [a for a in ev.assoc_actors if a.name not in {x.name for x in h.assoc_actors}]
        h.confidence = max(h.confidence or 0, ev.confidence or 0)
    return out


_DEFINITE = frozenset(("the", "this", "that", "these", "those"))


def _fold_anaphors(drafts: list[_Draft]) -> list[_Draft]:
    """"No group has claimed the attack", a headline's "the attack near Tal Afar": a definite
    generic noun that names an event told elsewhere in the article is that event, not
    another one. It goes into the nearest specific violent event (before it within eight
    sentences, else, for an undated headline, the first after it) at a compatible place."""
    out = []
    for d in drafts:
        ev, tok = d.event, d.tok
        generic = (ev.sub_event_type in ("Armed clash", "Attack") and tok.pos_ in ("NOUN", "PROPN")
                   and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children))
        if not generic:
            out.append(d)
            continue

        def fits(o: _Draft, d=d, ev=ev) -> bool:
            if o is d or o.event.event_type not in VIOLENT or o.event.sub_event_type in ("Armed clash", "Attack") \
                    and o.tok.pos_ in ("NOUN", "PROPN"):
                return False
            la, lb = ev.location, o.event.location
            return not (la and lb and la.geonameid != lb.geonameid and la.name != lb.name)

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
        earlier = [d for d in drafts if d.sentence < si and d.event.event_type in VIOLENT
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
        target.evidence.append(Span(*sentence_span(sent)))


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
