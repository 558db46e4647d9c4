"""Trigger words and their modality: which words report an event of which sub-type, and whether
the text asserts it, denies it, plans it, threatens it, forecasts it, supposes it or has a party claim it.

A word of the trigger lexicon holds when the dependency conditions of its row hold
("strike" with an aircraft agent is an air strike); modality comes from the words above
the trigger: a negation, "will", plan/prepare, warn/threaten, expect/predict, if/might/could,
"X claimed (that) …"; aggregates and prevention ("the number of attacks", "securing roads
from attacks") are no events at all.
"""
from __future__ import annotations

from sitrep.extract.grammar import (
    chain,
    instrument_words,
    lemma,
    np_of,
    object_of,
    phrase_words,
    subject_of,
    word_class,
)
from sitrep.extract.lexicon import PREVENTION, REPORTING, Rule, rules, words

_NOMINAL = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "compound"}


def _holds(rule: Rule, tok, agent) -> bool:
    w = words()
    if rule.pos == "NOUN":
        # the small model tags "offensive" ADJ and "shelling" AUX as subjects: the role decides
        if tok.pos_ not in ("NOUN", "PROPN") and tok.dep_ not in _NOMINAL:
            return False
    elif rule.pos != "*" and tok.pos_ != rule.pos:
        return False
    for key, vals in rule.conditions:
        if key == "announce":
            continue
        if key == "mod":
            if not (phrase_words(tok) & vals) and not (tok.head.lower_ in vals or lemma(tok.head) in vals) \
                    and not (tok.pos_ == "VERB" and instrument_words(tok) & vals):
                return False
        elif key == "head":
            heads = {lemma(t) for t in chain(tok, 4)[1:]}     # "conducted strikes", "resulting in the capture"
            if not heads & vals:
                return False
        elif key in ("obj", "notobj"):
            obj = object_of(tok)
            hit = any(word_class(obj, v) for v in vals)
            if (key == "obj") != hit:
                return False
        elif key == "agent":
            ok = False
            for v in vals:
                if v == "aircraft" and agent is not None and (word_class(agent, "aircraft") or
                                                              any(word_class(t, "aircraft") for t in np_of(agent))):
                    ok = True
                if v == "state" and agent is not None and any(t.lower_ in w["state_words"] for t in np_of(agent)):
                    ok = True
                if v == "nonstate" and agent is not None and not any(t.lower_ in w["state_words"] for t in np_of(agent)):
                    ok = True
            if not ok:
                return False
        elif key == "victim":
            # its object, or that of a verb coordinated with it ("attacked the village and killed a woman")
            victims = [object_of(t) for t in (tok, *(c for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB"))]
            if not any(v is not None and any(word_class(t, "civilian") for t in np_of(v)) for v in victims):
                return False
    return True


def find_triggers(doc, skip: set[int] = frozenset()) -> list[tuple[object, Rule]]:
    """Trigger words and their rules; one per phrase ("suicide bomber": the bomber), none in `skip`."""
    table = rules()
    out = []
    for tok in doc:
        if tok.i in skip or tok.ent_type_ in ("DATE", "TIME"):
            continue                            # "16 March" holds no march
        cands = table.get(lemma(tok)) or table.get(tok.lower_)
        if not cands:
            continue
        subj, _ = subject_of(tok) if tok.pos_ == "VERB" else (None, False)
        for rule in cands:
            if _holds(rule, tok, subj):
                out.append((tok, rule))
                break
    chosen = {t.i: r for t, r in out}
    from sitrep.extract.event_actors import force_words

    forces = force_words()
    return [(t, r) for t, r in out
            if not (t.dep_ in ("compound", "amod", "nmod") and t.head.i in chosen
                    and chosen[t.head.i].event_type == r.event_type)
            # "riot police", "the protest unit": a word that names a force's kind reports nothing
            and not (t.dep_ in ("compound", "amod", "nmod") and t.i < t.head.i
                     and (lemma(t.head) in forces or t.head.lower_ in forces))]


def modality(tok, rule: Rule) -> str | None:
    """asserted, negated, planned, threatened, forecast, hypothetical or claimed; None: no event."""
    m = words()["modality"]
    above = chain(tok)
    own_verb = next((t for t in above if t.pos_ in ("VERB", "AUX")), None)
    for i, t in enumerate(above):
        lem = lemma(t)
        kids = list(t.children)
        if i > 0 and lem in m["planned_nouns"] and t.pos_ == "NOUN":
            indefinite = lem == "number" and any(c.lower_ == "a" for c in kids) and \
                not any(c.dep_ == "amod" for c in kids)
            if not indefinite:
                return None                  # "the number of IS attacks", "the threat of attacks"
        if i > 0 and tok.pos_ == "NOUN" and above[i - 1].dep_ in ("dobj", "prep") and (
                lem in ("demand", "urge", "request", "seek") or (lem == "call" and above[i - 1].lower_ == "for")):
            return None                      # "to demand the arrest of a suspect": asked for, not done
        if i > 0 and lem in PREVENTION and above[i - 1].dep_ != "conj":
            # "securing roads from attacks"; not "stopped a vehicle and detained 20 migrants"
            return None
        if t is own_verb or (i == 0 and t.pos_ == "VERB"):
            if any(c.dep_ == "neg" for c in kids):
                return "negated"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in kids):
            return "hypothetical"
        if any(c.dep_ == "aux" and c.lower_ in ("might", "could", "may", "would") for c in kids):
            return "hypothetical"
        if any(c.dep_ == "aux" and c.lower_ in m["future_aux"] for c in kids):
            if not rule.announce:
                return "planned"
        if i > 0:
            if lem in ("prepare", "plan", "intend", "aim", "seek", "schedule", "mull", "consider"):
                return "planned"
            if lem in ("threaten", "warn"):
                return "threatened"
            if lem in ("expect", "predict", "forecast", "anticipate", "fear", "foresee"):
                return "forecast"
            if lem == "claim" and above[i - 1].dep_ in ("dobj", "xcomp"):
                break                        # "claimed an airstrike", "claimed to have fired": its own act
            if lem == "claim" and not any(lemma(c) == "responsibility" for c in kids):
                return "claimed"
            if lem in REPORTING:
                break                        # what officials said happened, happened (attribution aside)
    return "asserted"


def responsibility_claimed(tok) -> bool:
    return any(lemma(t) == "responsibility" and lemma(t.head) == "claim" for t in chain(tok, 4)) or (
        tok.dep_ in ("dobj", "xcomp") and lemma(tok.head) == "claim")     # "IS claimed the bombing"
