"""Events of one document: ACLED-typed, with actors, place, date, counts, modality and evidence.

A word of the trigger lexicon (`data/triggers.csv`), in the dependency context its row asks
for, reports an event of an ACLED sub-event type (`data/acled_taxonomy.csv` gives the type
and the PLOVER event and mode). From the parse around the trigger come:

* modality — the words above the trigger: a negation, "will" (planned, unless the trigger
  reports an announcement), plan/prepare (planned), warn/threaten (threatened),
  expect/predict (forecast), if/might/could (hypothetical), "X claimed (that) …"
  (claimed); aggregates and prevention ("the number of attacks", "securing roads from
  attacks") are no events at all. "ISIS claimed responsibility for an attack" is an
  asserted attack with `responsibility_claimed`;
* actors — the agent (subject, "by X", the subject of a light verb such as "conducted
  strikes" or "claimed responsibility for an attack"), the target ("on X", "against X",
  "targeting X", the object), associates ("CENTCOM and Iraqi forces", "enabled by X"),
  each linked to the document's entity under its words;
* location — the place in the trigger's clause, else the sentence's, else the paragraph's;
* date — `sitrep.resolve.time.event_date`; a sentence that refers back ("during the
  operations") takes the date and place of the event it refers to;
* counts — with ACLED's conservative rules, from the trigger's own words, the sentence,
  or a later casualty sentence with no event of its own ("one Coalition member was killed
  and two were wounded"), which goes to the latest event whose target it names.

Mentions of one occurrence in several sentences become one event with all their evidence.
`confidence` starts at 0.5 and rises with each argument found (see the README).
"""
from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources

from sitrep.model import (
    ActorRef,
    CountEvidence,
    Counts,
    Entity,
    Event,
    EventDate,
    EventLocation,
    Place,
    Plover,
    Span,
    Timex,
)
from sitrep.resolve.time import event_date

_VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")
_REPORTING = {"say", "tell", "announce", "report", "confirm", "add", "state", "note", "stress", "explain", "clarify"}
# verbs through which a noun trigger has its agent as their subject ("CENTCOM conducted strikes",
# "ISIS claimed responsibility for an attack", "operations led to the arrest"); a reaction
# ("the United States condemns the attacks") gives none
_LIGHT = {"conduct", "carry", "launch", "mount", "stage", "claim", "lead", "result", "perform", "execute",
          "continue", "begin", "start", "undertake", "make", "commit", "unleash", "direct", "order", "employ",
          "use", "resume", "intensify", "step", "escalate", "spearhead", "initiate", "complete", "finish",
          "prosecute", "wage", "fight", "repel", "repulse", "thwart", "foil", "support", "enable", "provide"}
_PREVENTION = {"prevent", "deter", "protect", "secure", "defend", "counter", "thwart", "foil", "stop", "avert",
               "disrupt", "degrade"}
_NOMINAL = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "compound"}
_ACTOR_TYPES = {"ORG", "ARMED_GROUP", "PERSON", "NORP", "GPE", "MILITARY_UNIT"}


# --------------------------------------------------------------------------- curated knowledge

def _data(name: str) -> str:
    return resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(ln for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")))


@dataclass(frozen=True)
class Rule:
    lemma: str
    pos: str
    sub_event_type: str
    event_type: str
    conditions: tuple[tuple[str, frozenset[str]], ...]
    plover_event: str | None
    plover_mode: str | None

    @property
    def announce(self) -> bool:
        return any(k == "announce" for k, _ in self.conditions)


@functools.lru_cache(maxsize=1)
def taxonomy() -> dict[str, tuple[str, str | None, str | None]]:
    return {r["sub_event_type"]: (r["event_type"], r["plover_event"] or None, r["plover_mode"] or None)
            for r in _csv("acled_taxonomy.csv")}


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, list[Rule]]:
    tax = taxonomy()
    out: dict[str, list[Rule]] = {}
    for r in _csv("triggers.csv"):
        etype, pe, pm = tax[r["sub_event_type"]]
        conds = []
        for c in filter(None, (x.strip() for x in (r["conditions"] or "").split(";"))):
            key, _, vals = c.partition(":")
            conds.append((key, frozenset(v for v in vals.split("|") if v)))
        out.setdefault(r["lemma"], []).append(Rule(r["lemma"], r["pos"], r["sub_event_type"], etype, tuple(conds),
                                                   r["plover_event"] or pe, r["plover_mode"] or pm))
    return out


@functools.lru_cache(maxsize=1)
def words() -> dict:
    w = json.loads(_data("event_words.json"))
    for k in ("person", "weapon", "place", "base", "aircraft", "civilian", "state_words", "anaphors", "protest"):
        w[k] = frozenset(w[k])
    return w


# --------------------------------------------------------------------------- parse helpers

def _lemma(t) -> str:
    return t.lemma_.lower()


def _np(tok):
    """The noun phrase a head word stands for, without what follows it."""
    return tok.doc[tok.left_edge.i:tok.i + 1]


def _phrase_words(tok) -> set[str]:
    """Lemmas and words of the trigger's own phrase: its children and their children (verbs
    of their own clauses aside: "killed … after a bomb struck" is no air strike)."""
    out = set()
    for c in tok.children:
        if c.pos_ == "VERB" and c.dep_ in ("advcl", "ccomp", "conj", "relcl", "xcomp", "pcomp"):
            continue
        out.update((_lemma(c), c.lower_))
        for g in c.children:
            if g.pos_ == "VERB":
                continue
            out.update((_lemma(g), g.lower_))
    return out


def _object(tok):
    """The object or patient of a trigger: a direct object, a passive subject, "of X"."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "obj"):
            return c
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "on", "against"):
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _word_class(tok, cls: str) -> bool:
    if tok is None:
        return False
    w = words()
    lem, low = _lemma(tok), tok.lower_
    if cls == "person":
        return lem in w["person"] or low in w["person"] or lem in ("force", "forces") or tok.ent_type_ in ("PERSON", "NORP", "ORG")
    if cls == "place":
        return tok.ent_type_ in ("GPE", "LOC", "FAC") or lem in w["place"]
    return lem in w[cls] or low in w[cls] or (low.endswith("s") and low[:-1] in w[cls])


def _subject(tok, exclude=None, through: frozenset = frozenset()):
    """The subject of a verb, or of the nearest verb above it (through xcomp, advcl, conj, prep).

    The climb stops at a reporting verb: who said it is not who did it ("officials said the
    strike killed…"), unless the verb is one the trigger names (`through`: "Iraq announced a
    campaign")."""
    t = tok
    for _ in range(8):
        if t.i != tok.i and _lemma(t) in _REPORTING and _lemma(t) not in through:
            return None, False
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "csubj")
                     and (exclude is None or c.i != exclude.i)), None)
        if subj is not None:
            return subj, False
        agent = _agent(t)
        if agent is not None:
            return agent, True
        if t.dep_ == "ROOT" or t.head.i == t.i:
            return None, False
        if t.dep_ == "relcl":
            # "militants who attacked…": the antecedent did it; "a leader who was killed": it was done to him
            passive = any(c.dep_ == "nsubjpass" for c in t.children)
            return (None if passive else t.head), False
        t = t.head
    return None, False


def _agent(tok):
    for c in tok.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _chain(tok, limit: int = 12):
    """The trigger and the words above it, up to the sentence root."""
    out = [tok]
    t = tok
    while t.head.i != t.i and len(out) < limit:
        t = t.head
        out.append(t)
    return out


# --------------------------------------------------------------------------- triggers

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
            if not (_phrase_words(tok) & vals) and not (tok.head.lower_ in vals or _lemma(tok.head) in vals):
                return False
        elif key == "head":
            heads = {_lemma(t) for t in _chain(tok, 4)[1:]}     # "conducted strikes", "resulting in the capture"
            if not heads & vals:
                return False
        elif key in ("obj", "notobj"):
            obj = _object(tok)
            hit = any(_word_class(obj, v) for v in vals)
            if (key == "obj") != hit:
                return False
        elif key == "agent":
            ok = False
            for v in vals:
                if v == "aircraft" and agent is not None and (_word_class(agent, "aircraft") or
                                                              any(_word_class(t, "aircraft") for t in _np(agent))):
                    ok = True
                if v == "state" and agent is not None and any(t.lower_ in w["state_words"] for t in _np(agent)):
                    ok = True
            if not ok:
                return False
        elif key == "victim":
            obj = _object(tok)
            victims = [obj] if obj is not None else []
            if not any(v is not None and any(_word_class(t, "civilian") for t in _np(v)) for v in victims):
                return False
    return True


def find_triggers(doc, skip: set[int] = frozenset()) -> list[tuple[object, Rule]]:
    """Trigger words and their rules; one per phrase ("suicide bomber": the bomber), none in `skip`."""
    table = rules()
    out = []
    for tok in doc:
        if tok.i in skip:
            continue
        cands = table.get(_lemma(tok)) or table.get(tok.lower_)
        if not cands:
            continue
        subj, _ = _subject(tok) if tok.pos_ == "VERB" else (None, False)
        for rule in cands:
            if _holds(rule, tok, subj):
                out.append((tok, rule))
                break
    chosen = {t.i: r for t, r in out}
    return [(t, r) for t, r in out
            if not (t.dep_ in ("compound", "amod", "nmod") and t.head.i in chosen
                    and chosen[t.head.i].event_type == r.event_type)]


# --------------------------------------------------------------------------- modality

def modality(tok, rule: Rule) -> str | None:
    """asserted, negated, planned, threatened, forecast, hypothetical or claimed; None: no event."""
    m = words()["modality"]
    chain = _chain(tok)
    own_verb = next((t for t in chain if t.pos_ in ("VERB", "AUX")), None)
    for i, t in enumerate(chain):
        lem = _lemma(t)
        kids = list(t.children)
        if i > 0 and lem in m["planned_nouns"] and t.pos_ == "NOUN":
            indefinite = lem == "number" and any(c.lower_ == "a" for c in kids) and \
                not any(c.dep_ == "amod" for c in kids)
            if not indefinite:
                return None                  # "the number of IS attacks", "the threat of attacks"
        if i > 0 and lem in _PREVENTION:
            return None                      # "securing roads from attacks"
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
            if lem == "claim" and not any(_lemma(c) == "responsibility" for c in kids):
                return "claimed"
            if lem in _REPORTING:
                break                        # what officials said happened, happened (attribution aside)
    return "asserted"


def responsibility_claimed(tok) -> bool:
    return any(_lemma(t) == "responsibility" and _lemma(t.head) == "claim" for t in _chain(tok, 4))


# --------------------------------------------------------------------------- actors

class _Actors:
    """Links the words of a noun phrase to the document's entities."""

    def __init__(self, entities: list[Entity]):
        self.spans = sorted(((m.start, m.end, e) for e in entities for m in e.mentions if e.type in _ACTOR_TYPES),
                            key=lambda x: x[0])

    def ref(self, head) -> ActorRef | None:
        if head is None:
            return None
        if (head.pos_ == "PRON" and head.dep_ != "relcl") or head.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
            return None
        np = _np(head) if head.pos_ not in ("VERB", "AUX") else head.doc[head.i:head.i + 1]
        lo, hi = np.start_char, np.end_char
        inside = [(s, e, ent) for s, e, ent in self.spans if s < hi and lo < e]
        if inside:
            # the entity nearest the head: "ISIS fighters" → ISIS, "a Syrian Democratic Forces (SDF) base" → SDF
            s, e, ent = min(inside, key=lambda x: (abs(x[1] - hi), -(x[1] - x[0])))
            return ActorRef(ent.id, ent.canonical, _span_text(head.doc, s, e), s, e)
        group = next((t for t in np if _lemma(t) == "group" and any(c.lower_ == "the" for c in t.children)), None)
        if group is not None:
            before = [(s, e, ent) for s, e, ent in self.spans if e <= group.idx and ent.type in ("ORG", "ARMED_GROUP")]
            if before:      # "the group's leader": the armed group named last
                s, e, ent = before[-1]
                return ActorRef(ent.id, ent.canonical, np.text, np.start_char, np.end_char)
        if head.pos_ == "PROPN" or _word_class(head, "person") or (head.is_upper and len(head) >= 2):
            words_ = [t for t in np if t.i >= np.start and t.dep_ not in ("det", "punct", "nummod", "quantmod", "amod", "case")
                      or t.pos_ == "PROPN" or t.i == head.i]
            if not words_:
                return None
            s, e = words_[0].idx, words_[-1].idx + len(words_[-1])
            if head.lower_ in ("forces", "troops", "militias", "fighters", "militants") and len(words_) == 1:
                return None                  # a bare "forces": nobody in particular
            return ActorRef(None, _span_text(head.doc, s, e), _span_text(head.doc, s, e), s, e)
        return None


def _span_text(doc, s: int, e: int) -> str:
    sp = doc.char_span(s, e, alignment_mode="expand")
    return sp.text if sp is not None else ""


def _light_verb_subject(tok, through: frozenset = frozenset()):
    """The agent of a noun trigger: "by X", a possessive or compound actor, or the subject above."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            g = next((g for g in c.children if g.dep_ == "pobj"), None)
            if g is not None:
                return g, "by"
    start = tok.head if tok.dep_ != "ROOT" else tok
    verb = next((t for t in _chain(tok, 5)[1:] if t.pos_ in ("VERB", "AUX") and _lemma(t) != "be"), None)
    if verb is None or (_lemma(verb) not in _LIGHT and _lemma(verb) not in through):
        return None, "subject"               # "the United States condemns the attacks": not the attacker
    subj, _passive = _subject(start, exclude=tok, through=through)
    return subj, "subject"


def _operations_agent(subj):
    """"the operations conducted by the ISF … led to the arrest": the agent of the operations."""
    if subj is None:
        return None
    if _lemma(subj) in ("operation", "campaign", "effort", "raid", "offensive"):
        for c in subj.children:
            if c.dep_ in ("acl", "relcl"):
                a = _agent(c)
                if a is not None:
                    return a
            if c.dep_ == "prep" and c.lower_ == "by":
                return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _conjuncts(tok) -> list:
    return [c for c in tok.children if c.dep_ == "conj"] if tok is not None else []


def _targets_in(tok, clause_root):
    """"against X", "on X", "targeting X", "focusing on X", "to X" (transfers) in the trigger's reach."""
    reach = list(tok.subtree) + ([t for t in clause_root.subtree] if clause_root is not None else [])
    for t in reach:
        if t.dep_ == "prep" and t.lower_ in ("against", "on") and t.head.i in {x.i for x in reach}:
            if _lemma(t.head) in ("report", "comment", "say", "remark", "statement", "focus") and t.lower_ == "on" \
                    and _lemma(t.head) != "focus":
                continue
            g = next((g for g in t.children if g.dep_ == "pobj"), None)
            if g is None:    # "focusing on IS cells" with IS misread as a verb: the next name
                g = next((x for x in t.doc[t.i + 1:t.i + 4] if x.pos_ == "PROPN" or x.is_upper), None)
            if g is not None:
                return g
        if _lemma(t) in ("target", "hit") and t.pos_ == "VERB" and t.i != tok.i:
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
    return None


def _recipient(tok, clause_root):
    for t in list(tok.subtree) + (list(clause_root.subtree) if clause_root is not None else []):
        if t.dep_ == "prep" and t.lower_ == "to" and _lemma(t.head) in ("hand", "transfer", "give", "cede", "return"):
            return next((g for g in t.children if g.dep_ == "pobj"), None)
    return None


def _associates(tok, agent) -> list:
    out = list(_conjuncts(agent))
    for t in (agent, tok) if agent is not None else (tok,):
        for c in t.children if t is not None else []:
            if c.dep_ in ("acl", "advcl") and _lemma(c) in ("enable", "back", "support", "assist", "aid", "accompany"):
                a = _agent(c)
                if a is not None:
                    out.append(a)
    return out


# --------------------------------------------------------------------------- places

_RANK = {"point": 0, "city": 1, "admin2": 2, "region": 3, "admin1": 4, "country": 6}


def _place_rank(p: Place) -> int:
    if p.relation:
        return 5
    return _RANK.get(p.precision or "", 3)


def _clause_root(tok):
    t = tok
    while t.pos_ not in ("VERB", "AUX") and t.head.i != t.i:
        t = t.head
    return t


def _tree_distance(a, b) -> int:
    """Edges between two tokens of one sentence."""
    up_a = [a.i] + [t.i for t in a.ancestors]
    up_b = [b.i] + [t.i for t in b.ancestors]
    common = set(up_a) & set(up_b)
    if not common:
        return 99
    return min(up_a.index(c) + up_b.index(c) for c in common)


def _coarseness(p: Place) -> float:
    """How much vaguer than a town a place is, for linking: a country 3, a province 1."""
    fc = p.feature_code or ""
    return (3 if fc.startswith("PCL") else 1 if fc == "ADM1" else 0) + (0.5 if p.relation else 0)


def location(tok, places: list[Place], paragraph: tuple[int, int] | None,
             max_cost: float | None = None) -> Place | None:
    """Where the event at `tok` happened: the place closest to the trigger in the parse, within its
    clause, else its sentence (a country or province counts as farther than a town, a relative
    region farther still), else the paragraph's most precise place."""
    usable = [p for p in places if not p.in_name]
    sent = tok.sent
    doc = tok.doc
    clause = _clause_root(tok)
    lo, hi = clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge)

    def cost(p: Place) -> float:
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        d = _tree_distance(tok, span.root) if span is not None else 50
        # a place that is a participant ("the U.S. pulled out", "struck Syria's …") locates less
        dep = span.root.dep_ if span is not None else ""
        argument = 8 if dep in ("nsubj", "nsubjpass", "poss", "agent") else 2 if dep == "dobj" else 0
        outside = 0 if lo <= p.start and p.end <= hi else 4
        return d + _coarseness(p) + argument + outside

    in_sentence = [p for p in usable if sent.start_char <= p.start and p.end <= sent.end_char]
    if in_sentence:
        best = min(in_sentence, key=lambda p: (cost(p), abs(p.start - tok.idx)))
        return best if max_cost is None or cost(best) <= max_cost else None
    if paragraph:
        inside = [p for p in usable if paragraph[0] <= p.start and p.end <= paragraph[1]]
        if inside:
            return min(inside, key=lambda p: (_place_rank(p), abs(p.start - tok.idx)))
    return None


def _event_location(p: Place | None) -> EventLocation | None:
    if p is None:
        return None
    return EventLocation(name=p.name, geonameid=p.geonameid, lat=p.lat, lon=p.lon, country_code=p.country_code,
                         admin1=p.admin1, precision=p.precision, text=p.text, start=p.start, end=p.end)


# --------------------------------------------------------------------------- counts

_NUM = re.compile(r"^\d[\d,]*(?:\.\d+)?$")


def number_of(tok) -> int | None:
    """ACLED's conservative reading of a quantity word: "more than 50" → 50, "dozens" → 12."""
    q = words()["quantity_words"]
    low = tok.lower_
    if _NUM.match(low):
        try:
            return int(float(low.replace(",", "")))
        except ValueError:
            return None
    if low in q:
        return q[low]
    if "-" in low and all(p in q for p in low.split("-")):
        parts = [q[p] for p in low.split("-")]
        return sum(p for p in parts if p) or None
    return None


def _quantity(head):
    """(value, evidence span) of a noun phrase's number: its nummod, itself, or 1 for "a leader"."""
    if head is None:
        return None, None
    doc = head.doc
    for c in head.children:
        if c.dep_ == "nummod" or (c.like_num and c.i < head.i):
            v = number_of(c)
            if v is not None:
                lo = min([c.i] + [g.i for g in c.subtree])
                return v, doc[lo:head.i + 1]
        if c.dep_ == "amod" and c.lower_ in ("dozens", "scores", "hundreds", "thousands"):
            return number_of(c), doc[c.i:head.i + 1]
    if head.like_num or head.lower_ in words()["quantity_words"]:
        v = number_of(head)
        if v is not None:
            return v, doc[head.left_edge.i:head.i + 1]
    if head.tag_ in ("NN", "NNP") and _word_class(head, "person") and head.lower_ not in ("forces", "personnel"):
        det = next((c for c in head.children if c.dep_ in ("det", "poss")), None)
        if det is not None and det.lower_ not in ("no", "any", "some", "every", "each"):
            return 1, doc[head.left_edge.i:head.i + 1]
    # "dozens of fighters", "more than 50 of the suspects"
    if head.lower_ in ("dozens", "scores", "hundreds", "thousands"):
        return number_of(head), doc[head.i:head.i + 1]
    return None, None


def _patient(tok):
    if tok.pos_ in ("VERB", "AUX"):
        for c in tok.children:
            if c.dep_ in ("nsubjpass", "dobj"):
                return c
        if tok.dep_ == "amod":              # "two wounded soldiers"
            return tok.head
        if tok.dep_ in ("conj",) and tok.head.pos_ == "VERB":
            return None
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    for c in tok.children:
        if c.dep_ in ("nummod", "compound") and c.like_num:
            return tok
    return None


def casualties(doc, lo: int, hi: int) -> list[tuple[str, int, object, object]]:
    """(field, value, casualty word, evidence span) for the casualty words between tokens lo and hi."""
    cv = words()["casualty_verbs"]
    out = []
    for tok in doc[lo:hi]:
        fld = cv.get(_lemma(tok)) or cv.get(tok.lower_)
        if not fld:
            continue
        if fld == "weapons_seized" and not _word_class(_object(tok), "weapon"):
            continue
        if tok.lower_ in ("dead", "wounded", "injured") and tok.dep_ in ("amod", "acomp", "oprd", "advmod") \
                and tok.pos_ == "ADJ":
            head = tok.head if tok.dep_ == "amod" else next(
                (c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        else:
            head = _patient(tok)
        if head is not None and head.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
            head = tok.head                  # "the group's leader, who was eliminated"
        if head is None and tok.dep_ == "conj":
            # "one Coalition member was killed and two were wounded": the number is the conjunct's subject
            head = next((c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        v, ev = _quantity(head)
        if v is not None:
            out.append((fld, v, tok, ev))
    return out


def zero_or_unknown(sentence_text: str) -> dict[str, int | None]:
    """"There were no fatalities" → 0; "no injuries to US personnel" (one side only) says nothing."""
    low = sentence_text.lower()
    w = words()
    out: dict[str, int | None] = {}
    for ph in w["zero_phrases"]:
        i = low.find(ph)
        if i >= 0 and not re.match(r"\s+(?:to|among|for)\b", low[i + len(ph):]):
            fld = "injured" if any(x in ph for x in ("injur", "wound", "hurt")) else \
                "arrested" if "arrest" in ph else "fatalities"
            out[fld] = 0
    return out


# --------------------------------------------------------------------------- the extraction

@dataclass
class _Draft:
    event: Event
    tok: object
    sentence: int
    anaphoric: bool


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in re.split(r"(\n\s*\n)", text):
        if part.strip() and not re.fullmatch(r"\n\s*\n", part):
            out.append((pos, pos + len(part)))
        pos += len(part)
    return out


_DATELINE = re.compile(r"^[A-Z][A-Z.'’\- ]{2,}(?:,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)*)?"
                       r"(?:,\s*[A-Z][a-z]{2,9}\.?\s\d{1,2}(?:,\s*\d{4})?)?\s*(?:\([^)]{1,60}\))?\s*[-–—]\s")
_CAPTION = re.compile(r"^(?:FILE\b|FILE PHOTO|PHOTO\b)", re.IGNORECASE)


def _dateline_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"TAMPA, Fla. - …", "BAGHDAD, Jan. 5 (Reuters) - …": where the story was filed, not where it happened."""
    out = []
    for lo, hi in paragraphs:
        m = _DATELINE.match(text, lo, hi)
        if m:
            out.append((lo, m.end()))
    return out


def extract_events(doc, doc_id: str, entities: list[Entity], places: list[Place], timexes: list[Timex],
                   published: str | None) -> list[Event]:
    text = doc.text
    paragraphs = _paragraphs(text)
    datelines = _dateline_spans(text, paragraphs)
    places = [p for p in places if not any(lo <= p.start < hi for lo, hi in datelines)]
    captions = {t.i for s in doc.sents if _CAPTION.match(s.text) for t in s}
    actors = _Actors(entities)
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
        para = next((p for p in paragraphs if p[0] <= tok.idx < p[1]), None)
        a1, a2, assoc = _arguments(tok, rule)
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
            location=_event_location(place), actor1=ref1, actor2=ref2, assoc_actors=assoc_refs, counts=counts,
            count_evidence=evidence, confidence=round(min(score, 0.95), 2),
            evidence=[Span(sent.text, sent.start_char, sent.end_char)],
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


def _arguments(tok, rule: Rule):
    """(agent, target, associates) token heads for a trigger."""
    agent = target = None
    clause_root = tok if tok.pos_ == "VERB" else None
    if tok.pos_ in ("VERB", "AUX"):
        subj, via_agent = _subject(tok)
        passive = any(c.dep_ == "nsubjpass" for c in tok.children)
        patient = next((c for c in tok.children if c.dep_ in ("nsubjpass", "dobj")), None)
        if passive and not via_agent and _agent(tok) is None:
            subj = None
        if passive and patient is not None and _lemma(patient) in ("mission", "operation", "campaign"):
            # "the combat missions of the Coalition forces have been completed"
            for c in patient.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    subj = next((g for g in c.children if g.dep_ == "pobj"), subj)
            patient = None
        if subj is not None and subj.dep_ == "relcl":
            subj = subj.head
        agent = _operations_agent(subj) or subj
        target = patient if rule.event_type in _VIOLENT or rule.sub_event_type in ("Arrests",) else None
    else:
        for c in tok.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod") and (c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON")
                                                                   or c.pos_ == "PROPN"):
                agent = c
                break
        if agent is None:
            through = frozenset(v for k, vals in rule.conditions if k == "head" for v in vals)
            subj, how = _light_verb_subject(tok, through)
            agent = _operations_agent(subj) or subj
        clause_root = next((t for t in _chain(tok) if t.pos_ == "VERB"), None)
        if rule.sub_event_type in ("Arrests", "Abduction/forced disappearance"):
            target = _patient(tok)
    if target is not None and target.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
        target = tok.head                    # "the group's leader, who was eliminated"
    if target is None and rule.event_type in _VIOLENT + ("Strategic developments",):
        target = _targets_in(tok, clause_root)
    if rule.sub_event_type == "Non-violent transfer of territory":
        target = _recipient(tok, clause_root) or target
    if target is not None and _word_class(target, "base") or (target is not None and _lemma(target) in ("location", "position", "cell", "cells", "target")):
        # "an attack on a Syrian Democratic Forces (SDF) base", "targeting known ISIS locations"
        owner = next((c for c in target.children if c.dep_ in ("compound", "poss", "amod", "nmod")
                      and (c.ent_type_ or c.pos_ == "PROPN")), None)
        target = owner or target
    return agent, target, _associates(tok if tok.pos_ == "VERB" else (clause_root or tok), agent)


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
            subj, _ = _subject(d.tok)
            host = by_tok.get(subj.i) if subj is not None else None
        if host is None or host is d or host.event.event_type not in _VIOLENT or host.event.sub_event_type == ev.sub_event_type:
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
            if o is d or o.event.event_type not in _VIOLENT or o.event.sub_event_type in ("Armed clash", "Attack") \
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
        patient = _patient(d.tok) if d.tok.pos_ != "VERB" else _object(d.tok)
        heads = {t.i for t in _chain(d.tok)} | ({patient.i} if patient is not None else set())
        # coordinated with the arrested, or (as the parser often has it) with a word above the arrest
        for c in d.tok.sent:
            if c.i <= d.tok.i or c.dep_ != "conj" or c.head.i not in heads or not _word_class(c, "weapon"):
                continue
            ev = Event(**{**d.event.__dict__})
            ev.id = _event_id(doc_id, c.idx, rule.sub_event_type)
            ev.event_type, ev.sub_event_type = rule.event_type, rule.sub_event_type
            ev.plover = Plover(rule.plover_event, rule.plover_mode)
            ev.actor2, ev.counts, ev.count_evidence = None, Counts(), []
            v, span = _quantity(c)
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
    for t in _chain(ctok)[1:]:
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
                if getattr(d.event.counts, fld) is None and d.event.event_type in _VIOLENT:
                    setattr(d.event.counts, fld, v)
                    d.event.count_evidence.append(CountEvidence(fld, sent.text, sent.start_char, sent.end_char))


def _instruments(tok) -> list[Span]:
    """Aircraft and weapons named in the trigger's clause: "using F-16s, F-15s, and A-10s"."""
    root = _clause_root(tok)
    out = []
    for t in root.subtree:
        if t.i != tok.i and (_word_class(t, "aircraft") or (t.pos_ == "PROPN" and re.match(r"^[A-Z]{1,3}-\d", t.text))):
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
        recent = [d for d in drafts if d.sentence < si and si - d.sentence <= 2 and d.event.event_type in _VIOLENT]
        if zeros and recent:             # "There were no fatalities." after the event
            target = recent[-1].event
            for fld, v in zeros.items():
                if getattr(target.counts, fld) is None:
                    setattr(target.counts, fld, v)
                    target.count_evidence.append(CountEvidence(fld, sent.text, sent.start_char, sent.end_char))
        found = casualties(doc, sent.start, sent.end)
        found = [f for f in found if f[0] in ("fatalities", "injured")]
        if not found:
            continue
        victims_text = " ".join(_np(f[2]).text for f in found if f[2] is not None).lower() + " " + sent.text.lower()
        earlier = [d for d in drafts if d.sentence < si and d.event.event_type in _VIOLENT
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
        target.evidence.append(Span(sent.text, sent.start_char, sent.end_char))


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
