"""Reported speech, beliefs and intentions read off the parse: who (source), by which words
(cue), reported what (content), as token ranges of one spaCy `Doc`.

Owns the grammar of indirect attribution; the cue words are data (`sitrep.extract.cues`),
resolving a source to an entity and joining direct quotes are `sitrep.extract.quotes`' job.

* a reporting verb with its complement: "X said (that) …", "X told reporters …", "X denied
  that …", "X believes …"; with its object: "X denied the allegations", "X condemned the
  attack", "X claimed responsibility for …"; an object and its predicate: "X called the raid
  a massacre"; a to-infinitive: "X vowed to retake …", "X urged residents to leave"; a
  preposition: "X called for a ceasefire", "X accused the army of shelling …";
* the cue after or inside what is reported: "…, X said.", "…, said X, a spokesman for Y.",
  "Y, X said, Z.", and after a colon: "X said: …";
* "according to X, …" and "as reported by X";
* nouns: "the ministry's claim that …", "a pledge by the army to …"; adjectives of belief:
  "officials were confident that …"; "In its report, the monitor …";
* a verb outside the lists whose complement is a finite clause straight after it ("hoped the
  talks would resume"), unless it is an event's word;
* a passive with no agent: "X was accused of …" is a report whose source the text does not give.

Sentences, spans and sources come from `sitrep.extract.clauses`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sitrep.extract.clauses import (
    FINAL,
    PASSIVE,
    PRODUCE,
    QUOTE_MARKS,
    SUBJ,
    abbreviation,
    adjacent,
    core_of,
    count_words,
    finite,
    is_headline,
    sentence,
    source_of,
    source_phrase,
    subject_of,
    subtree,
    trim,
)
from sitrep.extract.cues import Cues
from sitrep.extract.cues import cues as load_cues
from sitrep.extract.lexicon import rules as event_rules

_PREDICATE = ("oprd", "xcomp", "ccomp", "attr", "acomp")
_NOT_GENERIC = {"be", "have", "do", "make", "ensure", "mean", "seem", "appear", "get", "let", "go", "take", "give",
                "happen", "matter", "look", "sound", "feel", "turn", "prove", "put", "keep", "find", "see"}
_SKIP_FRONT = {"that", ",", ":", "—", "–", "-", "whether"}


@dataclass
class Found:
    """One attribution as token ranges [a, b) of the Doc."""
    cue: tuple[int, int]
    source: tuple[int, int] | None       # None: an unsourced report ("X was accused of …")
    content: list[tuple[int, int]]       # one range, or two around a cue set inside the content
    kind: str
    frame: str
    head: int | None = None              # the token that names the source (its head)
    core: tuple[int, int] | None = None  # the source without its appositions and relative clauses
    refers_to: tuple[int, int] | None = None   # for "who said": the phrase the pronoun stands for
    tokens: set[int] = field(default_factory=set)

    @property
    def span(self) -> tuple[int, int]:
        return self.content[0][0], self.content[-1][1]


# --------------------------------------------------------------------------- the verb's content

def _clause(doc, t, s_lo: int, s_hi: int):
    """The complement clause after the verb ("said (that) …"), as a range, or None."""
    comp = next((c for c in t.children if c.dep_ == "ccomp" and c.i > t.i), None)
    if comp is None:                         # "said after the talks he would …": a clause the parse calls adverbial
        comp = next((c for c in t.children if c.dep_ == "advcl" and c.i > t.i and finite(c)
                     and not any(g.dep_ == "mark" for g in c.children)), None)
    if comp is not None:
        a, b = subtree(comp)
        # what the verb's later modifiers add belongs to it: "said the claim was false, because …"
        b = _rest_of(doc, t, b, s_hi)
        return max(a, t.i + 1), min(b, s_hi)
    # "said in a statement on Monday that …": a that-clause the parse hung elsewhere
    j = t.i + 1
    while j < s_hi and j - t.i <= 12 and doc[j].dep_ in ("prep", "pobj", "det", "amod", "compound", "npadvmod",
                                                        "advmod", "dative", "punct", "nummod", "poss", "case"):
        if doc[j].text in FINAL or doc[j].text == ";":
            return None
        j += 1
    if j < s_hi and doc[j].lower_ == "that" and doc[j].dep_ == "mark":
        return j, s_hi
    return None


_ANONYMITY = {"name", "identify", "quote", "cite", "disclose", "reveal", "publish"}
_MEDIUM_PREPS = {"in", "on", "via", "during", "through", "at", "over", "to"}


def _setting(doc, c) -> bool:
    """Whether the verb's dependent c says where, when or through what it was said ("in a statement",
    "on Telegram", "on Tuesday") rather than what."""
    if c.ent_type_ in ("DATE", "TIME"):
        return True
    if c.dep_ != "prep" or c.lower_ not in _MEDIUM_PREPS:
        return False
    obj = next((g for g in c.children if g.dep_ == "pobj"), None)
    if obj is None:
        return False
    return obj.ent_type_ in ("DATE", "TIME", "ORG", "GPE", "FAC") or obj.lemma_.lower() in load_cues().document_nouns \
        or obj.lemma_.lower() in ("reporter", "reporters", "journalist", "journalists", "television", "radio", "interview")


def _rest_of(doc, t, b: int, s_hi: int) -> int:
    """The end of what follows the verb's content and still completes it ("cited his record as proof of
    …"): its later dependents, short of a coordinated verb, another cue's participle, or a setting
    ("in a statement", "on Tuesday")."""
    for c in t.children:
        if c.i < b or c.dep_ in ("cc", "conj", "punct", "parataxis") or (c.dep_ == "advcl" and c.tag_ == "VBG") \
                or _setting(doc, c):
            continue
        if c.dep_ in ("prep", "npadvmod", "advmod", "advcl", "xcomp", "oprd", "dative", "acomp", "ccomp", "dobj"):
            b = max(b, subtree(c)[1])
    # the parser gave the rest of the sentence a root of its own ("remarks | Trump had made about …"):
    # it still goes on what is reported
    if b < s_hi and doc[b].sent.root is not t.sent.root and doc[b].sent.start == b \
            and not any(x.pos_ in ("VERB", "AUX") and x.lemma_.lower() in ("say", "tell") for x in doc[b:s_hi]):
        b = s_hi
    return min(b, s_hi)


def _to(doc, t, s_hi: int, with_object: bool):
    """The to-infinitive after the verb ("vowed to retake …"; with its object: "urged residents to leave")."""
    x = next((c for c in t.children if c.dep_ in ("xcomp", "ccomp") and c.i > t.i
              and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.children)), None)
    if x is None:
        return None
    if x.lemma_.lower() in _ANONYMITY and any(g.dep_ == "auxpass" for g in x.children):
        return None                          # "asked not to be named": a condition of the source, not a report
    a, b = subtree(x)
    if with_object:
        obj = next((c for c in t.children if c.dep_ in ("dobj", "dative") and c.i < x.i), None)
        if obj is not None:
            a = obj.left_edge.i
    return max(a, t.i + 1), _rest_of(doc, t, b, s_hi)


def _object(doc, t, lemma: str, cues: Cues, s_hi: int, naming: bool):
    """The object ("denied the allegations"), with its predicate for naming verbs ("called the raid a
    massacre") and a preposition of the verb's ("accused the army of shelling …", "blamed X on Y")."""
    if naming:
        # "called the raid a massacre": an object and its predicate, however the parse labels them
        parts = [c for c in t.children if c.i > t.i and (c.dep_ in ("dobj", "oprd", "ccomp", "xcomp", "attr", "acomp")
                                                        or (c.dep_ == "prep" and c.lower_ == "as"))]
        if not parts or (len(parts) == 1 and parts[0].dep_ not in ("ccomp", "xcomp")):
            return None
        a = min(p.left_edge.i for p in parts)
        b = max(subtree(p)[1] for p in parts)
        return a, _rest_of(doc, t, b, s_hi)
    obj = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i), None)
    if obj is None:                          # "condemned what he called a breach", "discussed how …"
        obj = next((c for c in t.children if c.dep_ == "ccomp" and c.i > t.i
                    and doc[c.left_edge.i].tag_ in ("WP", "WRB", "WDT")), None)
    if obj is None:
        return None
    heads = cues.object_heads.get(lemma)
    if heads is not None and obj.lemma_.lower() not in heads and obj.lower_ not in heads:
        return None
    a, b = subtree(obj)
    return a, _rest_of(doc, t, b, s_hi)


def _prepositional(doc, t, lemma: str, cues: Cues, s_hi: int):
    """The object of a preposition the verb takes ("called for a ceasefire", "spoke out about …")."""
    preps = cues.preps.get(lemma)
    if not preps:
        return None
    for c in t.children:
        if c.i <= t.i:
            continue
        if c.dep_ == "prt" and c.lower_ in preps:
            nxt = next((g for g in t.children if g.dep_ == "prep" and g.i > c.i), None)
            if nxt is not None:
                c = nxt
            else:
                continue
        if c.dep_ in ("prep", "dative") and c.lower_ in preps:
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is None:
                continue
            a, b = subtree(obj)
            dobj = next((g for g in t.children if g.dep_ == "dobj" and t.i < g.i < c.i), None)
            if dobj is not None:
                a = dobj.left_edge.i
            return a, _rest_of(doc, t, b, s_hi)
    return None


# --------------------------------------------------------------------------- inverted cues

def _cue_edge(doc, v: int, src: tuple[int, int], s_hi: int) -> int:
    """The end of the cue's stretch after the verb and its source: adverbials such as "on Monday",
    "in a statement", "told reporters", up to a comma or the sentence's end."""
    end = max(v + 1, src[1])
    j = end
    while j < s_hi and doc[j].text not in (",", ";", ":", "—", "–") and doc[j].text not in FINAL:
        if doc[j].text in QUOTE_MARKS:
            return end
        j += 1
    if j - end > 12:
        return end
    return j


def _inverted(doc, v: int, src: tuple[int, int], s_lo: int, s_hi: int):
    """The content around a cue set off by commas: "…, X said." / "Y, X said, Z." / "…, said X, …".
    Returns one or two ranges, or None."""
    if any(c.i > v and c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd") for c in doc[v].children):
        return None                                  # the verb has its own object: no cue set off
    a = min(v, src[0])
    b = _cue_edge(doc, v, src, s_hi)
    before = a > s_lo and doc[a - 1].text in (",", "—", "–", ":")
    after = b >= s_hi or doc[b].text in (",", ";", "—", "–") or doc[b].text in FINAL
    if not before or not after:
        return None
    left = trim(doc, s_lo, a - 1)
    right = trim(doc, b + 1, s_hi) if b < s_hi else (s_hi, s_hi)
    parts = [r for r in (left, right) if r[1] > r[0] and count_words(doc, *r) >= 1]
    if not parts or count_words(doc, *left) < 2:
        return None
    return parts


# --------------------------------------------------------------------------- the search

def find_reported(doc, cues: Cues, skip: set[int], quoted: list[tuple[int, int]]) -> list[Found]:
    """Every indirect attribution of the Doc whose cue is not in `skip` (cues of direct quotes)
    nor inside a quotation (`quoted`: character ranges)."""
    out: list[Found] = []
    qi = 0
    quoted = sorted(quoted)
    firsts = {w[0] for w in cues.according}
    used: set[int] = set()
    for t in doc:
        while qi < len(quoted) and quoted[qi][1] <= t.idx:
            qi += 1
        if t.i in skip or t.i in used or (qi < len(quoted) and quoted[qi][0] <= t.idx < quoted[qi][1]):
            continue
        f = None
        if t.lower_ in firsts:
            f = _according(doc, t.i, cues)
        if f is None and t.lower_ == "in":
            f = _in_document(doc, t.i, cues)
            if f is not None:
                used.update(range(*f.cue))
        if f is None and t.pos_ in ("VERB", "AUX"):
            f = _verb(doc, t.i, cues)
        if f is None and t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() in cues.nouns:
            f = _noun(doc, t.i, cues)
        if f is None and t.lower_ in cues.adjectives and t.dep_ in ("acomp", "ROOT", "ccomp", "conj"):
            f = _adjective(doc, t.i, cues)
        if f is not None:
            out.append(f)
    return out


def _according(doc, i: int, cues: Cues) -> Found | None:
    """"according to X, …", "…, as reported by X"."""
    n = len(doc)
    for words in cues.according:
        k = len(words)
        if i + k > n or tuple(doc[i + j].lower_ for j in range(k)) != words:
            continue
        last = doc[i + k - 1]
        obj = next((c for c in last.children if c.dep_ == "pobj"), None)
        s_lo, s_hi = sentence(doc, i)
        if is_headline(doc, s_lo, s_hi):
            return None
        b = obj.right_edge.i + 1 if obj is not None else i + k + 1
        while b < s_hi and doc[b].text not in (",", ";") and doc[b].text not in FINAL and b - i < 14 \
                and doc[b].dep_ in ("prep", "pobj", "compound", "amod", "det", "appos", "punct", "cc", "conj"):
            b += 1
        src = trim(doc, i + k, b)
        if src[0] >= src[1]:
            return None
        a = i
        left = trim(doc, s_lo, a)
        right = trim(doc, b, s_hi)
        parts = [r for r in (left, right) if count_words(doc, *r) >= 2]
        if not parts:
            return None
        head = obj.i if obj is not None else src[1] - 1
        return Found((i, i + k), src, parts, "speech", "according", head=head, core=core_of(doc, *src, head))
    return None


def _in_document(doc, i: int, cues: Cues) -> Found | None:
    """"In its report, the monitor …" / "In this poll, X leads …": a text that opens the sentence is its source,
    unless a reporting verb of the sentence names one of its own ("In a statement, the army said …")."""
    s_lo, s_hi = sentence(doc, i)
    if i != s_lo or is_headline(doc, s_lo, s_hi):
        return None
    obj = next((c for c in doc[i].children if c.dep_ == "pobj"), None)
    if obj is None or obj.lemma_.lower() not in cues.document_nouns:
        return None
    b = obj.right_edge.i + 1
    if b >= s_hi or doc[b].text != ",":
        return None
    s_hi = trim(doc, s_lo, s_hi)[1]
    rest = (b + 1, s_hi)
    if any(x.pos_ in ("VERB", "AUX") and cues.is_verb(x.lemma_.lower()) for x in doc[rest[0]:rest[1]]):
        return None
    if count_words(doc, *rest) < 3:
        return None
    src = trim(doc, i + 1, b)
    return Found((i, i + 1), src, [rest], "evidence", "in", head=obj.i, core=core_of(doc, *src, obj.i))


def _verb(doc, v: int, cues: Cues) -> Found | None:
    t = doc[v]
    lemma = t.lemma_.lower()
    generic = False
    cue_end = v + 1
    if not cues.is_verb(lemma):
        # a verb of its own whose complement is a finite clause with a subject ("hoped the talks would
        # resume", "was convinced that …") reports a thought or a saying; "helped X get …" does not
        if lemma in _NOT_GENERIC or lemma in event_rules() or \
                not any(c.dep_ == "ccomp" and c.i > v and finite(c) and adjacent(doc, v, c) for c in t.children):
            return None                          # an event's verb ("surrendered, 600 were displaced") reports nothing
        if t.pos_ != "VERB" or not t.text.isalpha():
            return None
        generic = True
    s_lo, s_hi = sentence(doc, v)
    if is_headline(doc, s_lo, s_hi):
        return None
    s_hi = trim(doc, s_lo, s_hi)[1]
    got = source_of(doc, v, cues)
    passive_subj = None
    if got == PASSIVE:
        subj = next((c for c in t.children if c.dep_ == "nsubjpass"), None) or \
            next((g for c in t.children if c.dep_ == "auxpass" for g in c.children if g.dep_ in SUBJ), None)
        if subj is None:
            return None
        if generic:                              # "Republicans were incensed that …": they are the ones incensed
            got = source_phrase(doc, subj, t, cues)
            if got is None:
                return None
        else:                                    # "X was accused of …", "Y is expected to …": no one says who says so
            got, passive_subj = (None, None, None), subj
    if got is None:
        # "…, said Colonel X, a spokesman for Y." / "Said X: …" — the parse does not see the subject after the verb
        if v + 1 < s_hi and doc[v + 1].text[:1].isupper() and (v == s_lo or doc[v - 1].text in (",", "—", "–")) \
                and cues.kind(lemma, "clause") == "speech" and t.dep_ not in ("amod", "compound", "acl", "relcl", "nmod"):
            b = v + 1
            while b < s_hi and doc[b].text not in (",", ":", ";") and b - v <= 10 \
                    and not (doc[b].text in FINAL and not abbreviation(doc, b)):
                b += 1
            if any(x.pos_ in ("VERB", "AUX") for x in doc[v + 1:b]):
                return None
            got = ((v + 1, b), b - 1, None)
        else:
            return None
    src, head, refers = got
    content = None
    frame = kind = None
    for fr in ("clause", "to", "naming", "object"):
        kd = "belief" if generic and fr == "clause" else cues.kind(lemma, fr)   # an unlisted verb: mostly thinking
        if kd is None:
            continue
        if fr == "clause":
            r = _clause(doc, t, s_lo, s_hi)
        elif fr == "to":
            r = _to(doc, t, s_hi, with_object=kd == "speech")
        else:
            r = _object(doc, t, lemma, cues, s_hi, naming=fr == "naming")
        if r is not None:
            content, frame, kind = [r], fr, kd
            break
    if content is None:
        r = _prepositional(doc, t, lemma, cues, s_hi)
        if r is not None:
            content, frame, kind = [r], "prep", cues.any_kind(lemma)
            k = v + 1                                    # the cue is the phrase: "called for", "spoke out about"
            while k < r[0] and k - v <= 2 and doc[k].dep_ in ("prt", "prep") and doc[k].head.i == v:
                k += 1
            cue_end = k
    if content is None and cues.kind(lemma, "clause") is not None and src is not None:
        if v + 1 < s_hi and doc[v + 1].text == ":":            # "X said: the road is closed."
            content, frame = [(v + 2, s_hi)], "colon"
        else:
            parts = _inverted(doc, v, src, s_lo, s_hi)
            if parts is not None:
                content, frame = parts, "inverted"
        kind = cues.kind(lemma, "clause")
    patient = next((c for c in t.children if c.dep_ == "nsubjpass" and c.i < v), None)
    if content is None and patient is not None and src is not None and not generic:
        content, frame = [trim(doc, *subtree(patient))], "passive"   # "The strike was reported by radio"
        kind = cues.any_kind(lemma)
    if content is None:
        return None
    content = [trim(doc, a, b, lead=_SKIP_FRONT) for a, b in content]
    content = [r for r in content if r[1] > r[0]]
    if not content or sum(count_words(doc, *r) for r in content) < 2:
        return None
    if src is None:                                      # unsourced: what is said of the passive's subject
        a, b = subtree(passive_subj)
        if b > v or a < s_lo:
            return None
        subject = trim(doc, a, b)
        content = [subject] + [r for r in content if r[0] >= v]
        return Found((v, cue_end), None, content, kind or "speech", frame)
    if any(a <= src[0] < b for a, b in content) and frame not in ("inverted",):
        return None                                      # the source inside what it says: a bad parse
    return Found((v, cue_end), src, content, kind or "speech", frame, head=head, refers_to=refers,
                 core=core_of(doc, *src, head))


def _adjective(doc, i: int, cues: Cues) -> Found | None:
    """"Officials were confident that the road would reopen": a belief of the copula's subject."""
    t = doc[i]
    s_lo, s_hi = sentence(doc, i)
    if is_headline(doc, s_lo, s_hi):
        return None
    s_hi = trim(doc, s_lo, s_hi)[1]
    comp = next((c for c in t.children if c.dep_ == "ccomp" and c.i > i and finite(c)), None)
    cop = t.head if t.dep_ == "acomp" else t
    if comp is None:
        comp = next((c for c in cop.children if c.dep_ == "ccomp" and c.i > i and finite(c)), None)
    subj = subject_of(cop) or next((g for c in cop.children if c.dep_ in ("aux", "auxpass")
                                  for g in c.children if g.dep_ in SUBJ), None)
    if comp is None or subj is None or subj.i > i:
        return None
    got = source_phrase(doc, subj, cop, cues)
    if got is None:
        return None
    src, head, refers = got
    content = trim(doc, max(comp.left_edge.i, i + 1), min(comp.right_edge.i + 1, s_hi), lead=_SKIP_FRONT)
    if count_words(doc, *content) < 2:
        return None
    return Found((i, i + 1), src, [content], "belief", "clause", head=head, refers_to=refers,
                 core=core_of(doc, *src, head))


def _noun(doc, i: int, cues: Cues) -> Found | None:
    """"the ministry's claim that …", "a pledge by the army to rebuild …"."""
    t = doc[i]
    s_lo, s_hi = sentence(doc, i)
    if is_headline(doc, s_lo, s_hi):
        return None
    comp = None
    for c in t.children:
        if c.i <= i or c.dep_ not in ("acl", "ccomp", "relcl", "appos"):
            continue
        first = doc[c.left_edge.i]
        if first.lower_ == "that" and first.dep_ == "mark":
            comp = (c.left_edge.i + 1, c.right_edge.i + 1)
        elif any(g.lower_ == "to" and g.dep_ == "aux" for g in c.children) and c.dep_ in ("acl", "relcl") \
                and first.lower_ == "to":
            comp = (c.left_edge.i, c.right_edge.i + 1)
        if comp:
            break
    if comp is None:
        return None
    src = None
    head = None
    poss = next((c for c in t.children if c.dep_ == "poss"), None)
    if poss is not None:
        a, b = subtree(poss)
        src, head = trim(doc, a, b), poss.i
        if doc[src[1] - 1].lower_ in ("'s", "’s", "'"):
            src = (src[0], src[1] - 1)
    else:
        by = next((c for c in t.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
        obj = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
        if obj is not None:
            src, head = trim(doc, *subtree(obj)), obj.i
        elif t.dep_ == "dobj" and t.head.lemma_.lower() in PRODUCE:
            subj = subject_of(t.head)
            if subj is not None:
                got = source_phrase(doc, subj, t.head, cues)
                if got is not None:
                    src, head, _ = got
    if src is None or src[0] >= src[1]:
        return None
    comp = trim(doc, comp[0], min(comp[1], s_hi))
    if count_words(doc, *comp) < 2:
        return None
    return Found((i, i + 1), src, [comp], cues.nouns[t.lemma_.lower()], "noun", head=head,
                 core=core_of(doc, *src, head))
