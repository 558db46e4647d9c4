"""Which ACLED sub-event type an event is: the classifier, the trigger lexicon and the codebook, decided once.

The trigger lexicon (`triggers`) finds the words that report events and the grammar around
them; the classifier (`classifier`) reads passages and says which of ACLED's 25 sub-event
types (or none) each reports, with a calibrated probability. The rule that combines them
(numbers and word lists in `data/event_decision.json`):

1. **What is read.** Each sentence of the lead (the first three) and each later one that
   holds a trigger or an event word (`candidate_lemmas`) is classified as a passage together with the next sentence of its paragraph, which often
   says what the first one leaves open ("Police dispersed them with tear gas."). All
   sentences of a batch of documents go to the encoder at once, each once (`classify`).
2. **What the codebook allows.** Before any choice, classes that the words and actors found
   rule out are set aside: force met by a protest needs a word of demonstration
   (`protest_words`: else an arrest or a shooting is no Protest with intervention); a capture of a person is no capture of territory; Mob violence is by a crowd, never by an organised armed actor
   (`organised_words`); Attack, Abduction and Sexual violence are by armed actors, never by a
   crowd (`crowd_words`).
3. **Type.** A trigger takes the classifier's best allowed sub-type when its probability is at
   least `override`, the trigger is its sentence's main trigger (the one nearest the root) or
   reports an event of the same ACLED type, no other trigger of the passage reports that
   sub-type already (a clash and the air strikes it drew stay two events), and the word does not
   name its event (a word the lexicon reads one way, like "arrest", is retyped only within its
   family, `families`); otherwise the lexicon's sub-type stands. A lexicon reading that the
   codebook rules out always gives way.
4. **No event.** A noun trigger that would be asserted, in a passage the classifier calls no
   event with at least `drop`, is dropped ("the EU condemned the attacks"); a verb with a
   subject of its own stays, so does a noun anchored to a place, a day, a number or a definite
   article ("denied any part in the attack on the market": that attack happened), and so does a negated,
   planned or hypothetical event.
5. **Events without a trigger.** A sentence with no trigger that the classifier calls an event
   with at least `new_event` becomes one; its trigger is a word of that sub-type's class
   (`class_words`), else the sentence's main verb (what a reporting verb reports), unless
   that verb plans, threatens or expects rather than tells (`not_anchors`); its arguments are
   found like any other's.
6. **Who did it.** Arrests are by state forces (a non-state group abducts); an armed group
   fighting civilians is an Attack, not a clash; inside a demonstration, what protesters did
   (stones, burning tyres, road blocks: Violent demonstration) and what was done to them
   (dispersal: Protest with intervention; lethal force: Excessive force) (`codebook`).

The event's `confidence` is the classifier's probability for the sub-type it ends with (or
the lexicon's own score where no passage was classified).
"""
from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np

from sitrep.extract.event_place import paragraphs
from sitrep.extract.grammar import agent_of, lemma, np_of, object_of, subject_of, word_class
from sitrep.extract.lexicon import REPORTING, Rule, rules, taxonomy
from sitrep.extract.triggers import modality

NONE = "none"
MAX_PASSAGE_TOKENS = 90
LEAD_SENTENCES = 3          # a report's lead is read whatever its words: it tells the main event
_STATE = {"state military", "police", "intelligence service", "government", "ministry"}
_NON_STATE = {"rebel group", "jihadist group", "militia", "identity militia"}
_DEFINITE = frozenset(("the", "this", "that", "these", "those"))
_FIGHTS = frozenset(("clash", "fight", "fighting", "brawl", "scuffle", "skirmish"))     # between people
_GROUP_PRONOUNS = frozenset(("they", "some", "many", "others", "several", "most"))
_ARMED_ON_CIVILIANS = {"Attack", "Abduction/forced disappearance", "Sexual violence"}


@functools.lru_cache(maxsize=1)
def policy() -> dict:
    d = json.loads(resources.files("sitrep.data").joinpath("event_decision.json").read_text(encoding="utf-8"))
    d["candidate_lemmas"] = frozenset(d["candidate_lemmas"]) | frozenset(rules())
    d["class_words"] = {k: tuple(v) for k, v in d["class_words"].items() if not k.startswith("_")}
    d["protest"] = {k: frozenset(v) for k, v in d["protest"].items() if not k.startswith("_")}
    d["detention"] = {k: frozenset(v) for k, v in d["detention"].items() if not k.startswith("_")}
    for k in ("protest_words", "organised_words", "crowd_words", "territory_subs", "not_anchors", "protest_only_subs",
              "unnamed_crowd_words", "unknown_words", "no_longer_armed", "harm_words"):
        d[k] = frozenset(d[k])
    d["families"] = [frozenset(v) for k, v in d["families"].items() if not k.startswith("_")]
    return d


def same_family(a: str, b: str) -> bool:
    """Two sub-types the classifier may trade for one another on a word that names its event."""
    if a == b:
        return True
    tax = taxonomy()
    return any({a, tax[a][0]} & f and {b, tax[b][0]} & f for f in policy()["families"])


@functools.lru_cache(maxsize=4096)
def specific(lemma_: str) -> bool:
    """A word the lexicon reads one way only ("arrest", "protest", "airstrike")."""
    return len({r.sub_event_type for r in rules().get(lemma_, ())}) == 1


def rule_for(sub: str, lemma_: str = "", base: Rule | None = None) -> Rule:
    """A lexicon-style rule for a sub-type the classifier chose."""
    if base is not None and base.sub_event_type == sub:
        return base
    etype, pe, pm = taxonomy()[sub]
    return Rule(lemma_ or (base.lemma if base else ""), "*", sub, etype, (), pe, pm)


def _depth(tok) -> int:
    return sum(1 for _ in tok.ancestors)


def _words(span) -> set[str]:
    """The lemmas and words of a passage; names and dates are no words ("16 March" holds no march,
    "Strike Force" no strike)."""
    toks = [t for t in span if t.pos_ != "PROPN" and t.ent_type_ not in ("DATE", "TIME")]
    return {lemma(t) for t in toks} | {t.lower_ for t in toks}


class Typing:
    """One document's passages for the classifier, their probabilities, and the decisions taken on them."""

    def __init__(self, doc, triggers: list[tuple[object, Rule]], skip: set[int] = frozenset()):
        pol = policy()
        self.entities: dict = {}         # entity id → Entity, set by the event extractor once entities are known
        self.th = pol["thresholds"]
        self.found = triggers
        self.sents = list(doc.sents)
        self.sent_index = {s.start: i for i, s in enumerate(self.sents)}
        paras = paragraphs(doc.text)
        para_of = [next((k for k, (lo, hi) in enumerate(paras) if lo <= s.start_char < hi), -1) for s in self.sents]
        self.para_of = para_of
        by_sent: dict[int, list] = {}
        for t, r in triggers:
            by_sent.setdefault(self.sent_index[t.sent.start], []).append((t, r))
        self.main = {si: min(ts, key=lambda x: (_depth(x[0]), x[0].i))[0] for si, ts in by_sent.items()}
        self.told = {si: {r.event_type for _, r in ts} for si, ts in by_sent.items()}   # event types triggered
        lem = pol["candidate_lemmas"]
        self.candidates: list[int] = []
        self.passages: dict[int, tuple[int, int]] = {}     # sentence → (first, last) sentence of its passage
        for i, s in enumerate(self.sents):
            if s.start in skip or not (i in by_sent or i < LEAD_SENTENCES
                                       or any(lemma(t) in lem or t.lower_ in lem for t in s)):
                continue
            last = i
            if i + 1 < len(self.sents) and para_of[i + 1] == para_of[i] and self.sents[i + 1].start not in skip \
                    and self.sents[i + 1].end - s.start <= MAX_PASSAGE_TOKENS:
                last = i + 1
            self.candidates.append(i)
            self.passages[i] = (i, last)
        self.needed = sorted({j for i in self.candidates for j in range(self.passages[i][0], self.passages[i][1] + 1)})
        self.lexicon = [{r.sub_event_type for j in range(self.passages[i][0], self.passages[i][1] + 1)
                         for _, r in by_sent.get(j, ())} for i in self.candidates]
        self.probs: dict[int, np.ndarray] = {}
        self._met: dict[int, object] = {}                  # sentence → the token of its intervention, or None
        from sitrep.extract.classifier import classifier

        self.clf = classifier()

    def passage_words(self, si: int) -> set[str]:
        lo, hi = self.passages.get(si, (si, si))
        return set().union(*(_words(self.sents[j]) for j in range(lo, hi + 1)))

    def crowd_violence(self, si: int) -> bool:
        """Whether the crowd of the passage (demonstrators, residents, drivers: not police or
        soldiers) is the subject of a violent act: "demonstrators beat a driver", "residents set
        tyres on fire", "protesters threw stones" (not "police beat protesters"). The whole paragraph
        counts: a report may tell the violence before it names the demonstration."""
        pol = policy()
        acts = pol["protest"]["crowd_acts"]
        crowd = pol["crowd_words"] | pol["protest_words"]
        lo, hi = self.passages.get(si, (si, si))
        para = self.para_of[si]
        if para >= 0:
            same = [j for j, k in enumerate(self.para_of) if k == para]
            lo, hi = min(lo, same[0]), max(hi, same[-1])
        for j in range(lo, hi + 1):
            for t in self.sents[j]:
                if t.pos_ != "VERB" or lemma(t) not in acts:
                    continue
                if lemma(t) == "set" and not any(c.lower_ in ("fire", "ablaze", "alight") for c in t.subtree):
                    continue
                if any(c.dep_ == "nsubjpass" for c in t.children):
                    continue                    # "protesters were beaten": done to the crowd
                subj, _ = subject_of(t)
                if subj is None:
                    continue
                subj_words = {w.lower().rstrip("s") for w in np_of(subj).text.split()} | {lemma(subj)}
                if subj_words & pol["organised_words"]:
                    continue
                obj = object_of(t)
                if obj is not None and {w.lower().rstrip("s") for w in np_of(obj).text.split()} & crowd:
                    continue                    # "a man attacked the protesters": done to the crowd
                # the crowd by name, or people of the passage: "they threw stones", "farmers broke windshields"
                if subj_words & crowd or (subj.pos_ == "PRON" and subj.lower_ in _GROUP_PRONOUNS) \
                        or word_class(subj, "civilian"):
                    return True
        return False

    def intervention(self, si: int) -> bool:
        return self._intervention(si) is not None

    def intervener(self, si: int):
        """Who met the demonstration told in sentence `si` (`intervention`): the subject or agent of the
        act of dispersal or arrest, or of the verb the means hang on ("Police forces intervened with
        tear gas"); a token, or None when the text does not say."""
        t = self._intervention(si)
        if t is None:
            return None
        verb = t
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX"):
            return None
        agent = agent_of(verb)
        if agent is not None:
            return agent
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return None
        subj, _ = subject_of(verb)
        crowd = policy()["crowd_words"] | policy()["protest_words"]
        if subj is None or subj.pos_ == "PRON" or lemma(subj) in crowd or subj.lower_ in crowd:
            return None
        return subj

    def _intervention(self, si: int):
        """The token of `_read_intervention(si)`, read once per sentence (`intervention` and
        `intervener` both ask)."""
        if si not in self._met:
            self._met[si] = self._read_intervention(si)
        return self._met[si]

    def _read_intervention(self, si: int):
        """Whether the demonstration told in sentence `si` was met with an intervention, in that
        sentence or in the rest of its paragraph (three sentences at most): the tear gas, batons or
        water cannon used on it, or an act of dispersal, arrest or removal told as having happened
        and not done by the crowd itself ("Police intervened and moved the protesters out",
        "12 people were arrested"). Background is none: "members arrested in earlier protests",
        "calling for the release of detained activists", "to leave or be removed"."""
        pro, pol = policy()["protest"], policy()
        crowd = pol["crowd_words"] | pol["protest_words"]
        lo, hi = self.passages.get(si, (si, si))
        para = self.para_of[si]
        if para >= 0:
            hi = max(hi, max((j for j in range(si, min(si + 4, len(self.sents))) if self.para_of[j] == para),
                             default=hi))
        probe = next(iter(rules()["arrest"]))
        for j in range(si, hi + 1):
            for t in self.sents[j]:
                if t.lower_ in pro["dispersal_means"] or lemma(t) in pro["dispersal_means"]:
                    if not any(c.dep_ == "neg" for c in t.head.children):
                        return t
                    continue
                if t.pos_ != "VERB":
                    continue
                prt = next((c.lower_ for c in t.children if c.dep_ == "prt"), None)
                if lemma(t) not in pro["dispersal"] and f"{lemma(t)} {prt}" not in pro["dispersal"]:
                    continue
                if t.dep_ in ("acl", "relcl", "amod"):
                    continue                    # told of someone: "activists detained last week"
                head = t.head if t.dep_ == "conj" else t
                if any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children) and \
                        lemma(head.head) not in pro["dispersal_by"]:
                    continue                    # "called on the army to intervene", "to leave or be removed"
                if modality(t, probe) != "asserted":
                    continue
                if not any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
                    subj, _ = subject_of(t)
                    if subj is not None and ({w.lower().rstrip("s") for w in np_of(subj).text.split()}
                                             | {lemma(subj)}) & crowd:
                        continue                # the crowd pushed, broke through, beat a driver
                return t
        return None

    def _si(self, tok) -> int:
        return self.sent_index[tok.sent.start]

    def prob(self, si: int, sub: str) -> float | None:
        p = self.probs.get(si)
        if p is None:
            return None
        k = self.clf.index.get(sub)
        return float(p[k]) if k is not None else 0.0

    def _allowed(self, si: int, actor1=None, tok=None) -> np.ndarray:
        """Which classes the passage's words, the trigger's object and the agent found leave possible."""
        pol = policy()
        ok = np.ones(len(self.clf.classes), dtype=bool)
        words = self.passage_words(si)
        person_object = tok is not None and word_class(object_of(tok), "person")
        crowd = organised = False
        if actor1 is not None:
            head = _head_words(actor1)
            crowd = bool(head & pol["crowd_words"]) and not head & pol["organised_words"]
            ent = self.entities.get(actor1.entity_id) if actor1.entity_id else None
            armed_entity = ent is not None and (ent.type in ("ARMED_GROUP", "MILITARY_UNIT")
                                                or ent.actor_type in _STATE | _NON_STATE)
            organised = bool(head & pol["organised_words"]) or armed_entity
        for k, c in enumerate(self.clf.classes):
            if c in pol["protest_only_subs"] and not words & pol["protest_words"]:
                ok[k] = False
            if c == "Mob violence" and organised:
                ok[k] = False
            if c in _ARMED_ON_CIVILIANS and crowd:
                ok[k] = False
            if c in pol["territory_subs"] and person_object:
                ok[k] = False          # "the capture of a cell leader" takes a person, not a place
        return ok

    def best(self, si: int, actor1=None, tok=None) -> tuple[str, float]:
        """The most probable class the codebook allows, and its probability."""
        p = self.probs.get(si)
        if p is None:
            return NONE, 0.0
        q = np.where(self._allowed(si, actor1, tok), p, -1.0)
        k = int(q.argmax())
        return self.clf.classes[k], float(p[k])

    def drop(self, tok) -> bool:
        """A noun trigger in a passage the classifier calls no event, with confidence."""
        si = self._si(tok)
        top, p = self.best(si)
        anchored = any(t.ent_type_ in ("GPE", "LOC", "FAC", "DATE") for t in tok.subtree) or any(
            c.dep_ == "nummod" or (c.dep_ == "det" and c.lower_ in _DEFINITE) for c in tok.children) or (
            tok.head.lower_ == "of" and lemma(tok.head.head) == "number")
        return si in self.probs and top == NONE and p >= self.th["drop"] and tok.pos_ != "VERB" and not anchored

    def decide(self, tok, rule: Rule, actor1=None) -> tuple[Rule, float | None]:
        """The rule (sub-type) a trigger ends with, and the classifier's probability for it."""
        si = self._si(tok)
        if si not in self.probs:
            return rule, None
        allowed = self._allowed(si, actor1, tok)
        if not allowed[self.clf.index[rule.sub_event_type]]:     # the codebook rules the lexicon's reading out
            q = np.where(allowed, self.probs[si], -1.0)
            q[self.clf.index[NONE]] = -1.0
            k = int(q.argmax())
            return rule_for(self.clf.classes[k], lemma(tok), rule), float(self.probs[si][k])
        top, p = self.best(si, actor1, tok)
        keep = rule, self.prob(si, rule.sub_event_type)
        if top == NONE or top == rule.sub_event_type:
            return keep
        if tok.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children):
            return keep                                         # "the attack" names an event told elsewhere
        if top in self.lexicon[self.candidates.index(si)]:
            return keep                                         # another trigger of the passage reports that event
        # a word the lexicon reads one way, or a weapon the text names ("attacked … with mines"), names
        # its event: the classifier may retype it only within its family
        weapon = rule.event_type == "Explosions/Remote violence" and any(k in ("mod", "agent") for k, _ in rule.conditions)
        may = not (specific(rule.lemma) or weapon) or same_family(top, rule.sub_event_type)
        if p >= self.th["override"] and may and (self.main.get(si) is tok or taxonomy()[top][0] == rule.event_type):
            return rule_for(top, lemma(tok), rule), p
        return keep

    def untriggered(self) -> list[tuple[object, Rule, float]]:
        """Sentences without a trigger that the classifier calls an event: (trigger word, rule, probability)."""
        out = []
        words = policy()["class_words"]
        for si in self.candidates:
            if si in self.main:
                continue
            top, p = self.best(si)
            if top == NONE or p < self.th["new_event"]:
                continue
            lo, hi = self.passages.get(si, (si, si))
            if any(taxonomy()[top][0] in self.told.get(j, ()) for j in range(lo, max(hi, si + 1) + 1)):
                continue        # the next sentence (a headline's lead) has a trigger that tells this event
            sent = self.sents[si]
            cues = words.get(top, ())
            tok = next((t for t in sent if (lemma(t) in cues or t.lower_ in cues)
                        and t.ent_type_ not in ("DATE", "TIME")), None) or _main_verb(sent)
            if tok is not None and lemma(tok) not in policy()["not_anchors"]:
                out.append((tok, rule_for(top, lemma(tok)), p))
        return out


def _main_verb(sent):
    """The verb a sentence is about: its root, or what a reporting root reports ("X said Y …")."""
    root = sent.root
    if lemma(root) in REPORTING:
        return next((c for c in root.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")), None)
    return root if root.pos_ in ("VERB", "AUX", "NOUN") else None


def classify(typings: list[Typing]) -> None:
    """Classify the passages of several documents in one encoder call."""
    from sitrep.extract.classifier import classifier

    sentences, passages, lex = [], [], []
    for ty in typings:
        at = {j: len(sentences) + n for n, j in enumerate(ty.needed)}
        sentences += [ty.sents[j].text for j in ty.needed]
        passages += [[at[j] for j in range(ty.passages[i][0], ty.passages[i][1] + 1)] for i in ty.candidates]
        lex += ty.lexicon
    probs = classifier().classify(sentences, passages, lex)
    k = 0
    for ty in typings:
        ty.probs = {i: probs[k + n] for n, i in enumerate(ty.candidates)}
        k += len(ty.candidates)


# --------------------------------------------------------------------------- the codebook's actor rules

def _kind(ref, entities_by_id: dict) -> str | None:
    """state | non-state | civilian | None for an event's actor reference: what the knowledge
    base says of its entity, else what its words say ("soldiers", "militiamen", "villagers")."""
    if ref is None:
        return None
    ent = entities_by_id.get(ref.entity_id) if ref.entity_id else None
    if ent is not None:
        if ent.actor_type in _STATE or ent.inter == 1:
            return "state"
        if ent.actor_type in _NON_STATE or ent.type == "ARMED_GROUP" or ent.inter in (2, 3, 4):
            return "non-state"
        if ent.actor_type == "civilians" or ent.inter == 7:
            return "civilian"
    toks = [w.lower() for w in (ref.text or "").replace("-", " ").split()]
    words = set(toks) | {f"{a} {b}" for a, b in zip(toks, toks[1:])}     # "armed men", "police officers"
    kinds = actor_words()
    if words & kinds["state"]:
        return "state"
    if words & kinds["non-state"]:
        return "non-state"
    if words & kinds["civilian"]:
        return "civilian"
    return None


@functools.lru_cache(maxsize=1)
def actor_words() -> dict[str, frozenset[str]]:
    """The words that make a generic actor state forces, a non-state armed group or civilians
    (from `data/acled_actor_names.json`)."""
    from sitrep.resolve.acled_actors import names

    n = names()
    return {"state": n["military"] | n["police"],
            "non-state": n["unidentified"] | n["gang"] | frozenset(("militia", "militias", "militiamen", "rebels",
                                                                   "rebel", "fighters")),
            "civilian": n["civilians"]}


def _head_words(ref) -> set[str]:
    """An actor mention's words, lower case, with and without a plural s."""
    words = (ref.text or "").split()
    return {w.lower().rstrip("s") for w in words} | {w.lower() for w in words}


def _crowd(ref, entities_by_id: dict) -> bool:
    """An actor that is a crowd ("rioters", "a group of people", "residents"), not an organised, armed group."""
    if ref is None or not ref.text:
        return False
    pol = policy()
    head = _head_words(ref)
    ent = entities_by_id.get(ref.entity_id) if ref.entity_id else None
    if ent is not None and (ent.type in ("ARMED_GROUP", "MILITARY_UNIT") or ent.actor_type in _STATE | _NON_STATE):
        return False
    return bool(head & pol["crowd_words"]) and not head & pol["organised_words"]


def _armed_words(ref) -> bool:
    return ref is not None and bool({w.lower().rstrip("s") for w in (ref.text or "").split()}
                                    & policy()["organised_words"])


def codebook(rule: Rule, words: set[str], actor1, actor2, entities_by_id: dict, civilian_words,
             crowd_violent: bool = False, intervened: bool | None = None,
             target_words: set[str] = frozenset(), target_thing: bool = False,
             occasion: set[str] = frozenset(), opponent: bool = False) -> Rule:
    """The sub-type after the codebook's distinctions that depend on who acted and what happened;
    `words` are the lemmas and words of the event's passage; `intervened`, for a demonstration,
    whether it met an intervention (`Typing.intervention`; None: the passage's words decide);
    `target_words`, the words of the target's phrase and of the group it belongs to (`group_words`);
    `target_thing`, whether the target is a thing (a house, a car), not people; `occasion`, the
    words of what the act was done at or during ("at a march", `occasion_words`); `opponent`, whether
    a taking of ground names the organised group it was taken from (`taken_from`)."""
    sub = rule.sub_event_type
    k1 = _kind(actor1, entities_by_id)
    if sub == "Arrests" and k1 == "non-state" and _kind(actor2, entities_by_id) not in ("non-state", "state") \
            and not _armed_words(actor2):
        return rule_for("Abduction/forced disappearance", base=rule)   # a militant captured by a militia stays an arrest
    det = policy()["detention"]
    if sub == "Arrests" and words & det["disappearance"]:
        return rule_for("Abduction/forced disappearance", base=rule)   # "their whereabouts are unknown"
    if sub in ("Government regains territory", "Non-state actor overtakes territory"):
        tf = policy()["territory_fighting"]
        fight = words & set(tf["words"])
        if fight and words & {"no", "without"} and fight <= set(tf["deniable"]):
            fight = set()                   # "no clashes were reported", "without a fight"
        # taken from an armed opponent the text names ("recaptured Rawa from ISIS") is contested ground
        held = opponent or _kind(actor2, entities_by_id) in ("state", "non-state") or _armed_words(actor2)
        if not fight and not held:          # a battle's sub-types: no fighting told, a non-violent transfer
            return rule_for("Non-violent transfer of territory", base=rule)
    if sub == "Arrests" and words & det["sexual"]:
        return rule_for("Sexual violence", base=rule)
    if sub == "Arrests" and words & det["violence"]:
        return rule_for("Attack", base=rule)        # "detained and tortured a blogger"
    if sub == "Abduction/forced disappearance" and k1 == "state" and words & {"arrest", "detain"} \
            and not words & det["disappearance"]:
        return rule_for("Arrests", base=rule)
    if sub == "Armed clash" and actor2 is not None and k1 != "civilian":
        a2_words = {w.lower() for w in (actor2.text or "").split()}
        if _kind(actor2, entities_by_id) == "civilian" or a2_words & civilian_words:
            return rule_for("Attack", base=rule)
    named_crowd = actor1 is not None and bool(
        _head_words(actor1) & (policy()["crowd_words"] - policy()["unnamed_crowd_words"]))
    if sub in ("Armed clash", "Attack") and (_crowd(actor1, entities_by_id) or (
            sub == "Armed clash" and _crowd(actor2, entities_by_id))):
        # a crowd is no armed, organised group: rioters fighting soldiers, residents beating a thief
        demo = bool(words & (policy()["protest_words"] - {"riot", "rioter"}))
        sub = "Violent demonstration" if demo else "Mob violence"
        rule = rule_for(sub, base=rule)
    if sub == "Attack" and k1 != "civilian" and not target_words & policy()["no_longer_armed"] and (
            (actor1 is not None and _kind(actor2, entities_by_id) in ("state", "non-state"))
            or _armed_words(actor2) or target_words & policy()["organised_words"]):
        # the codebook's violence against civilians is against the unarmed: killing soldiers, police
        # or militants is a fight between armed, organised groups, however one-sided
        return rule_for("Armed clash", base=rule)
    if sub == "Attack" and target_thing and not (words - {rule.lemma}) & policy()["harm_words"]:
        # armed men burning houses or killing cattle, nobody hurt: the codebook's property destruction
        return rule_for("Looting/property destruction", base=rule)
    if sub == "Mob violence" and words & set(policy()["protest"]["demonstration_words"]):
        return rule_for("Violent demonstration", base=rule)     # the crowd was demonstrating
    if sub == "Violent demonstration" and not words & (policy()["protest_words"] - {"riot", "rioter"}) \
            and rule.lemma not in policy()["protest_words"]:
        return rule_for("Mob violence", base=rule)  # rioters hurling stones at a bus: no demonstration told
    if sub == "Mob violence" and target_thing and not named_crowd and rule.lemma not in _FIGHTS and (
            actor1 is None or _head_words(actor1) & policy()["unknown_words"]):
        # unknown people who burn a shop or smash windows are no mob: the codebook's property destruction
        return rule_for("Looting/property destruction", base=rule)
    if sub in ("Protest with intervention", "Excessive force against protesters") and \
            rule.lemma in policy()["detention"]["arrest_words"] and not (target_words | occasion) & policy()["protest_words"]:
        # an arrest is what was done to a demonstration when those arrested were demonstrating, or
        # it was made at one ("arrested 373 people at a Pride march")
        return rule_for("Arrests", base=rule)
    if sub == "Violent demonstration" and not crowd_violent and any(
            r.sub_event_type == "Peaceful protest" for r in rules().get(rule.lemma, ())):
        pro = policy()["protest"]
        if not words & (pro["violent"] | pro["violence_named"]):
            sub = "Peaceful protest"        # no violence told: "police beat the protesters" is done to them
            rule = rule_for(sub, base=rule)
    if sub in ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"):
        pro = policy()["protest"]
        lethal, violent = bool(words & pro["lethal"]), bool(words & pro["violent"])
        dispersed = intervened if intervened is not None else bool(words & (pro["dispersal"] | pro["dispersal_means"]))
        # demonstrators who throw, burn, storm or smash make a violent demonstration, whether or not
        # the police then intervene (a blocked road alone is no violence once the police are there)
        if crowd_violent or words & pro["riot_words"] or (
                violent and (not dispersed or words & (pro["violent"] - {"block", "barricade"}))):
            return rule_for("Violent demonstration", base=rule)
        if sub == "Protest with intervention" and intervened is False:
            # none told as done to this demonstration: "to demand the release of colleagues arrested
            # in earlier protests"
            return rule_for("Peaceful protest", base=rule)
        if sub != "Peaceful protest":
            return rule
        if dispersed and lethal:
            return rule_for("Excessive force against protesters", base=rule)
        if dispersed:
            return rule_for("Protest with intervention", base=rule)
    return rule
