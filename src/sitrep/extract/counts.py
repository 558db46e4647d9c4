"""How many: casualty, arrest and seizure counts by ACLED's conservative rules, with their evidence.

"more than 50" → 50, "dozens" → 12, "a leader" → 1; "there were no fatalities" → 0, while
"no injuries to US personnel" (one side only) says nothing.
"""
from __future__ import annotations

import re

from sitrep.extract.grammar import lemma, object_of, patient_of, word_class
from sitrep.extract.lexicon import words

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


def quantity(head):
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
    singular = head.tag_ in ("NN", "NNP") or (head.tag_ == "JJ" and head.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj"))
    if singular and word_class(head, "person") and head.lower_ not in ("forces", "personnel"):
        det = next((c for c in head.children if c.dep_ in ("det", "poss")), None)
        if det is not None and det.lower_ not in ("no", "any", "some", "every", "each"):
            return 1, doc[head.left_edge.i:head.i + 1]
    # "dozens of fighters", "more than 50 of the suspects"
    if head.lower_ in ("dozens", "scores", "hundreds", "thousands"):
        return number_of(head), doc[head.i:head.i + 1]
    return None, None


def casualties(doc, lo: int, hi: int) -> list[tuple[str, int, object, object]]:
    """(field, value, casualty word, evidence span) for the casualty words between tokens lo and hi."""
    cv = words()["casualty_verbs"]
    out = []
    for tok in doc[lo:hi]:
        fld = cv.get(lemma(tok)) or cv.get(tok.lower_)
        if not fld:
            continue
        if fld == "weapons_seized" and not word_class(object_of(tok), "weapon"):
            continue
        if tok.lower_ in ("dead", "wounded", "injured") and tok.dep_ in ("amod", "acomp", "oprd", "advmod") \
                and (tok.pos_ == "ADJ" or tok.dep_ in ("advmod", "oprd")):
            # "the dead soldiers", "two were found dead"; "gunmen shot dead a farmer": the verb's object
            kinds = ("nsubjpass", "dobj") if tok.dep_ in ("advmod", "oprd") and tok.head.pos_ == "VERB" \
                else ("nsubj", "nsubjpass")
            head = tok.head if tok.dep_ == "amod" else next(
                (c for c in tok.head.children if c.dep_ in kinds), None)
        else:
            head = patient_of(tok)
        if head is not None and head.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
            head = tok.head                  # "the group's leader, who was eliminated"
        if head is None and tok.dep_ == "conj":
            # "one Coalition member was killed and two were wounded": the number is the conjunct's subject
            head = next((c for c in tok.children if c.dep_ in ("nsubjpass", "nsubj")), None)
            if head is None and not any(c.dep_ in ("dobj", "nsubj") for c in tok.children):
                # "a civilian was shot in the head and killed": the victim the two verbs share
                head = next((c for c in tok.head.children if c.dep_ == "nsubjpass"), None)
        v, ev = quantity(head)
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
