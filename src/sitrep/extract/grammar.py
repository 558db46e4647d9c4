"""Parse helpers the event extractors share: lemmas, noun phrases, subjects, objects, chains.

Each takes spaCy tokens and reads the dependency parse; none knows about ACLED types.
"""
from __future__ import annotations

from sitrep.extract.lexicon import REPORTING, words


def sentence_span(sent) -> tuple[str, int, int]:
    """A sentence as evidence: (text, start, end) without the white space around it (a sentence
    that ends at a line break holds the break as its last token)."""
    text = sent.text
    lead = len(text) - len(text.lstrip())
    core = text.strip()
    return core, sent.start_char + lead, sent.start_char + lead + len(core)


def lemma(t) -> str:
    return t.lemma_.lower()


def np_of(tok):
    """The noun phrase a head word stands for, without what follows it."""
    return tok.doc[tok.left_edge.i:tok.i + 1]


def phrase_words(tok) -> set[str]:
    """Lemmas and words of the trigger's own phrase: its children and their children (verbs
    of their own clauses aside: "killed … after a bomb struck" is no air strike)."""
    out = set()
    for c in tok.children:
        if c.pos_ == "VERB" and c.dep_ in ("advcl", "ccomp", "conj", "relcl", "xcomp", "pcomp"):
            continue
        out.update((lemma(c), c.lower_))
        for g in c.children:
            if g.pos_ == "VERB":
                continue
            out.update((lemma(g), g.lower_))
    return out


def instrument_words(tok) -> set[str]:
    """Lemmas and words of what a verb was done with, wherever the parser hung the phrase in
    its clause: "attacked a convoy coming from the village with mines" ("with" under the
    village), "ambushed the vehicle using explosives". Other verbs' clauses aside, participles
    that only describe a noun ("coming", "stationed") included."""
    out: set[str] = set()
    for t in tok.subtree:
        if t.lower_ not in ("with", "using") or t.i == tok.i:
            continue
        up = t.head
        while up.i != tok.i and not (up.pos_ in ("VERB", "AUX") and up.dep_ in ("advcl", "ccomp", "conj", "relcl",
                                                                                 "xcomp", "pcomp", "ROOT")):
            up = up.head
        if up.i != tok.i:
            continue
        for g in t.subtree:
            out.update((lemma(g), g.lower_))
    return out


def object_of(tok):
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


_PLACE_TOKENS = "sitrep.place_tokens"


def _place_tokens(doc) -> frozenset[int]:
    """The tokens of the place names the place recognizer found (villages spaCy's model does not
    tag: "captured Starohnativka" takes a place), computed once per document."""
    found = doc.user_data.get(_PLACE_TOKENS)
    if found is None:
        from sitrep.nlp.places import KEY

        cands = doc.user_data.get(KEY) or []
        found = frozenset(t.i for c in cands if not getattr(c, "adjectival", False)
                          for t in (doc.char_span(c.start, c.end, alignment_mode="expand") or ()))
        doc.user_data[_PLACE_TOKENS] = found
    return found


def word_class(tok, cls: str) -> bool:
    if tok is None:
        return False
    w = words()
    lem, low = lemma(tok), tok.lower_
    if cls == "person":
        # the model's PERSON/ORG guess yields to the place recognizer ("captured Xyzivka, Donetsk")
        return lem in w["person"] or low in w["person"] or lem in ("force", "forces") or (
            tok.ent_type_ in ("PERSON", "NORP", "ORG") and tok.i not in _place_tokens(tok.doc))
    if cls == "place":
        return tok.ent_type_ in ("GPE", "LOC", "FAC") or lem in w["place"] or tok.i in _place_tokens(tok.doc)
    return lem in w[cls] or low in w[cls] or (low.endswith("s") and low[:-1] in w[cls])


def subject_of(tok, exclude=None, through: frozenset = frozenset()):
    """The subject of a verb, or of the nearest verb above it (through xcomp, advcl, conj, prep).

    The climb stops at a reporting verb: who said it is not who did it ("officials said the
    strike killed…"), unless the verb is one the trigger names (`through`: "Iraq announced a
    campaign")."""
    t = tok
    for _ in range(8):
        if t.i != tok.i and lemma(t) in REPORTING and lemma(t) not in through:
            return None, False
        subjs = [c for c in t.children if c.dep_ in ("nsubj", "csubj") and (exclude is None or c.i != exclude.i)]
        # two subjects is a misparse ("in X township (Y district), the military conducted …"): the
        # one nearest before the verb
        before = [c for c in subjs if c.i < t.i]
        subj = before[-1] if before else (subjs[0] if subjs else None)
        if subj is not None:
            appos = next((c for c in subj.children if c.dep_ == "appos"), None)
            if appos is not None and subj.ent_type_ in ("GPE", "LOC", "FAC") and not appos.ent_type_:
                return appos, False     # "in X, San Salvador, police forces arrested …": the place is no subject
            return subj, False
        agent = agent_of(t)
        if agent is not None:
            return agent, True
        swallowed = _swallowed_subject(t)
        if swallowed is not None:
            return swallowed, False
        if t.dep_ == "ROOT" or t.head.i == t.i:
            return None, False
        if t.dep_ == "acl" and t.tag_ in ("VBD", "VBN") and any(c.dep_ == "dobj" for c in t.children):
            # "…, San Salvador, police forces arrested 66 members": the small parser makes the main
            # clause a participle of the noun before it; a participle with an object of its own is
            # that noun's act ("the men arrested yesterday" has none)
            return t.head, False
        if t.dep_ == "relcl":
            # "militants who attacked…": the antecedent did it; "a leader who was killed": it was done to him
            passive = any(c.dep_ == "nsubjpass" for c in t.children)
            return (None if passive else t.head), False
        t = t.head
    return None, False


def _swallowed_subject(verb):
    """The subject the small parser hangs on a fronted place as one more item of a list: "in Tula,
    soldiers and police arrested 12 men" (soldiers a conjunct of Tula). The first common noun among
    the conjuncts after the comma (proper nouns there are more places), when the verb has neither
    subject nor patient of its own."""
    if verb.pos_ != "VERB" or any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in verb.children):
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i > verb.i:
            continue
        place = next((g for g in prep.children if g.dep_ == "pobj"), None)
        x = place
        while x is not None:
            x = next((c for c in x.children if c.dep_ == "conj" and c.i < verb.i), None)
            if x is None or x.pos_ == "PROPN" or x.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME"):
                continue                # one more place name ("in Zaragoza, La Libertad, gang members")
            if x.pos_ == "NOUN" and any(w.text == "," for w in x.doc[place.i:x.i]):
                return x
            return None
    return None


def agent_of(tok):
    for c in tok.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def chain(tok, limit: int = 12):
    """The trigger and the words above it, up to the sentence root."""
    out = [tok]
    t = tok
    while t.head.i != t.i and len(out) < limit:
        t = t.head
        out.append(t)
    return out


def clause_root(tok):
    t = tok
    while t.pos_ not in ("VERB", "AUX") and t.head.i != t.i:
        t = t.head
    return t


def tree_distance(a, b) -> int:
    """Edges between two tokens of one sentence."""
    up_a = [a.i] + [t.i for t in a.ancestors]
    up_b = [b.i] + [t.i for t in b.ancestors]
    common = set(up_a) & set(up_b)
    if not common:
        return 99
    return min(up_a.index(c) + up_b.index(c) for c in common)


def span_text(doc, s: int, e: int) -> str:
    sp = doc.char_span(s, e, alignment_mode="expand")
    return sp.text if sp is not None else ""


def conjuncts(tok) -> list:
    return [c for c in tok.children if c.dep_ == "conj"] if tok is not None else []


_UNDERGO = frozenset(("die", "perish", "succumb"))     # verbs whose subject is who it happened to


def patient_of(tok):
    """Who an event word happened to: the object or passive subject ("killed three soldiers",
    "three soldiers were killed"), the subject of "die", "of X" after a noun."""
    if tok.pos_ in ("VERB", "AUX"):
        for c in tok.children:
            if c.dep_ in ("nsubjpass", "dobj") or (c.dep_ == "nsubj" and lemma(tok) in _UNDERGO):
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
