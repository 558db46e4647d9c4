"""The grammar that attribution rests on: sentences, spans and sources in a parsed `Doc`.

Owns what `sitrep.extract.reported` and `sitrep.extract.quotes` both read off the parse:
where a sentence starts and ends (a title's period ends none; a headline is no speech), how a
span is trimmed, and who a reporting verb's source is — its subject, the subject of the verb a
participle or a conjoined verb hangs on ("…, adding that …", "X criticised A and called for
B"), the agent of a passive ("was reported by X"), the noun a relative clause describes
("officials, who said …"), or the maker of a statement ("X issued a statement saying …");
a passive without an agent has none ("X was accused of …").
"""
from __future__ import annotations

from sitrep.extract.cues import Cues
from sitrep.extract.people import title_of

FINAL = {".", "!", "?"}
QUOTE_MARKS = {"“", "”", '"', "‘", "’", "''", "``"}
SUBJ = ("nsubj", "nsubjpass", "csubj")
PRODUCE = {"issue", "release", "make", "publish", "deliver", "give", "send", "post", "put", "voice", "express",
            "repeat", "reiterate", "renew", "file", "lodge", "level", "announce"}
PASSIVE = "passive"                      # source_of: a passive verb with no agent ("X was accused of …")


def abbreviation(doc, j: int) -> bool:
    """Whether the period at j closes an abbreviation ("Maj. Gen.", "J. Smith") rather than a sentence."""
    if doc[j].text != "." or j == 0 or doc[j - 1].whitespace_:
        return False
    prev = doc[j - 1].text
    return (len(prev) == 1 and prev.isupper()) or title_of(prev + ".") is not None


def sentence(doc, i: int) -> tuple[int, int]:
    """The sentence around token i, read off punctuation and line breaks (a title's period ends none)."""
    n = len(doc)
    lo = i
    while lo > 0 and "\n" not in doc[lo - 1].text and "\n" not in doc[lo - 1].whitespace_ \
            and not (doc[lo - 1].text in FINAL and not abbreviation(doc, lo - 1)):
        lo -= 1
    hi = i + 1
    while hi < n and "\n" not in doc[hi].text and not (doc[hi].text in FINAL and not abbreviation(doc, hi)):
        if "\n" in doc[hi].whitespace_:
            hi += 1
            break
        hi += 1
    if hi < n and doc[hi].text in FINAL:
        hi += 1
    while hi < n and doc[hi].text in ("”", '"', "’"):
        hi += 1
    return lo, hi


def is_headline(doc, s_lo: int, s_hi: int) -> bool:
    """A line that ends without a sentence's final mark: a headline or a caption, where nobody speaks."""
    while s_hi > s_lo and doc[s_hi - 1].is_space:
        s_hi -= 1
    return s_hi > s_lo and doc[s_hi - 1].text not in FINAL and doc[s_hi - 1].text not in ("”", '"', "’") \
        and (s_hi >= len(doc) or "\n" in doc[s_hi - 1].whitespace_ or "\n" in doc[s_hi].text)


def trim(doc, a: int, b: int, lead: set[str] = frozenset()) -> tuple[int, int]:
    """[a, b) without punctuation, spaces (and the words in `lead`) at its edges; quotation marks stay
    when they are part of what is quoted (their partner is inside)."""
    while a < b and (doc[a].is_space or (doc[a].is_punct and doc[a].text not in QUOTE_MARKS)
                     or doc[a].lower_ in lead):
        a += 1
    while b > a and (doc[b - 1].is_space or (doc[b - 1].is_punct and doc[b - 1].text not in QUOTE_MARKS)):
        b -= 1
    return a, b


def subtree(tok) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def count_words(doc, a: int, b: int) -> int:
    return sum(1 for t in doc[a:b] if not (t.is_punct or t.is_space))


def subject_of(tok):
    """The verb's subject; of two ("Col. | Ahmed Saleh said"), the one next to the verb."""
    subs = [c for c in tok.children if c.dep_ in SUBJ]
    if len(subs) > 1 and all(c.i < tok.i for c in subs):
        return subs[-1]
    return subs[0] if subs else None


def agent_of(tok):
    by = next((c for c in tok.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def source_of(doc, v: int, cues: Cues):
    """(source token range, head token, the phrase a relative pronoun stands for) of the verb at v, or None."""
    t = doc[v]
    seen = 0
    cur = t
    while seen < 4:
        seen += 1
        subj = subject_of(cur)
        if cur is t and any(c.dep_ in ("nsubjpass", "auxpass") for c in cur.children):
            subj = agent_of(cur)                               # "was reported by X"; "X was mentioned": X is no source
            if subj is None:
                return PASSIVE
        elif subj is None and cur.tag_ == "VBN":
            subj = agent_of(cur)
        if subj is not None and subj.dep_ not in ("expl", "nsubjpass"):
            return source_phrase(doc, subj, cur, cues)
        if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head.pos_ in ("VERB", "AUX") and cur.head.i != cur.i:
            if cur.dep_ == "advcl" and cur.tag_ not in ("VBG", "VBN"):
                return None                                  # "when X arrived, …": another clause's subject
            if cur.dep_ == "xcomp" and cur.head.lemma_.lower() not in cues.through_verbs:
                return None                                  # "refused to disclose": no disclosure
            cur = cur.head                                   # "…, saying …" / "X criticised A and called for B"
            continue
        if cur.dep_ == "acl" and cur.head.pos_ in ("NOUN", "PROPN") and cur.tag_ in ("VBG", "VBN") \
                and cur.head.lemma_.lower() in cues.document_nouns:
            noun = cur.head                                  # "a statement saying …", "a letter urging …"
            maker = noun.head
            if noun.dep_ == "dobj" and maker.lemma_.lower() in PRODUCE:
                subj = subject_of(maker)
                if subj is not None:
                    return source_phrase(doc, subj, maker, cues)
            a, _ = subtree(noun)
            return (a, noun.i + 1), noun.i, None
        return None
    return None


def source_phrase(doc, subj, verb, cues: Cues):
    """The source phrase of a subject: the whole noun phrase, up to the verb (a title the parse split
    off, "Col. | Ahmed Saleh", joins it)."""
    a, b = subtree(subj)
    if subj.i < verb.i:
        for c in sorted(verb.children, key=lambda x: -x.i):          # nearest first
            if c.i < verb.i and c.dep_ in SUBJ + ("npadvmod",) and c is not subj and c.right_edge.i + 1 == a \
                    and c.i < subj.i:
                a = min(a, c.left_edge.i)
        b = min(b, verb.i)
    elif subj.pos_ == "PROPN":                                        # "said Brig. | Gen. Sami Okar, …"
        while b < len(doc) and (doc[b].pos_ == "PROPN" or (doc[b].text == "." and abbreviation(doc, b))) \
                and "\n" not in doc[b - 1].whitespace_:
            b += 1
    a, b = trim(doc, a, b)
    if a >= b:
        return None
    low = subj.lower_
    if subj.tag_ in ("WP", "WDT") or (low in ("who", "which", "that") and verb.dep_ == "relcl"):
        if verb.dep_ != "relcl":
            return None
        ante = verb.head                                      # "officials, who said …": the officials
        ra, _ = subtree(ante)
        return (a, b), ante.i, trim(doc, ra, ante.i + 1)
    if b - a == 1 and low in cues.not_sources:
        return None
    if subj.pos_ not in ("NOUN", "PROPN", "PRON", "NUM", "X") and subj.dep_ != "csubj":
        return None
    return (a, b), subj.i, None


def core_of(doc, a: int, b: int, head: int | None) -> tuple[int, int]:
    """The source phrase [a, b) up to the first apposition, relative clause or comma after its head:
    "Elaine Kamarck, a veteran of the committee" → "Elaine Kamarck"."""
    if head is None or not a <= head < b:
        return a, b
    end = b
    for j in range(head + 1, b):
        if doc[j].text in (",", "(", "—", "–") or doc[j].dep_ in ("appos", "relcl", "acl"):
            end = doc[j].left_edge.i if doc[j].dep_ in ("relcl", "acl") else j
            break
    return trim(doc, a, max(end, head + 1))


def adjacent(doc, v: int, clause) -> bool:
    """Whether a clause follows its verb straight on ("hoped the talks …", "was convinced that …"),
    with no comma between."""
    return not any(doc[k].text in (",", ";", ":", "—", "–") for k in range(v + 1, clause.left_edge.i))


def finite(clause) -> bool:
    """Whether a complement clause is finite and has a subject of its own ("the army had fled")."""
    if not any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in clause.children):
        return False
    if any(g.dep_ == "mark" and g.lower_ in ("that", "if", "whether") for g in clause.children):
        return True
    return clause.tag_ in ("VBD", "VBZ", "VBP") or any(g.dep_ in ("aux", "auxpass") and g.tag_ in ("MD", "VBD", "VBZ", "VBP")
                                                       for g in clause.children)
