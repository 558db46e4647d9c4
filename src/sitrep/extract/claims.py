"""Claims of one document: quantity statements, who made them, and when.

Owns numbers that count something ("2,500 troops", "approximately 2,000 US forces",
"10,000 IS fighters, including 2,000 foreign fighters", "representatives of 31 countries",
"four international organizations"): the value (digits, "1.5 million", number words), the
unit (the noun it counts), a qualifier said before it (about, approximately, more than,
up to, an estimated…, from `data/speech_cues.json`), the subject (the counted noun with its
modifiers and the place or owner after it: "troops in Iraq"), the speaker (whoever is quoted
saying it, directly or not), the date (a time expression in the same sentence, else the
publication date the claim was reported on) and the sentence as evidence.

Not claims: dates, times, ordinals, percentages and money (spaCy's DATE/TIME/ORDINAL/
PERCENT/MONEY), durations and ages ("two years", "age 12"), numbers inside names ("F-16s",
"CTF 50"), and a bare number without a counted noun — unless a counted figure in the same
sentence gives it one ("… to approximately 2,000 US forces — up from … 900").
"""
from __future__ import annotations

import re

from sitrep.extract.entities import INDEX_KEY, EntityIndex
from sitrep.extract.quotes import speech
from sitrep.extract.spans import Intervals
from sitrep.model import Claim, ClaimDate, ClaimSpeaker, Quote, Span, Timex

_SKIP_ENTS = {"DATE", "TIME", "ORDINAL", "PERCENT", "MONEY"}
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def _value(doc, i: int, words: dict, mult: dict) -> tuple[float | int, int] | None:
    """The number at token i and the token after it ("1.5 million" spans two)."""
    t = doc[i]
    low = t.lower_
    if _DIGITS.match(t.text):
        v = float(t.text.replace(",", ""))
    elif low in words:
        v = float(words[low])
    else:
        return None
    j = i + 1
    if j < len(doc) and doc[j].lower_ in mult and not (low in words and doc[j].lower_ in words):
        v *= mult[doc[j].lower_]
        j += 1
    return (int(v) if v == int(v) else v), j


def extract_claims(doc, entities, quotes: list[Quote], timexes: list[Timex], published: str | None,
                   text: str | None = None) -> list[Claim]:
    text = doc.text if text is None else text
    sp = speech()
    words, mult = sp["number_words"], sp["multipliers"]
    not_units, unit_skip = set(sp["not_units"]), set(sp["unit_skip"])
    currencies = set(sp["currencies"])
    quals = sorted(sp["qualifiers"].items(), key=lambda kv: -len(kv[0]))
    index: EntityIndex | None = doc.user_data.get(INDEX_KEY)
    named = Intervals((s, e) for s, e, ent in (index.mentions if index else []))
    times = Intervals((t.start, t.end) for t in timexes)
    out: list[Claim] = []
    by_sentence: dict[int, list[Claim]] = {}
    pending: list[tuple[int, int, float | int, str | None, object]] = []
    i = 0
    n = len(doc)
    while i < n:
        t = doc[i]
        if t.ent_type_ in _SKIP_ENTS or not (t.like_num or t.lower_ in words):
            i += 1
            continue
        got = _value(doc, i, words, mult)
        if got is None:
            i += 1
            continue
        value, j = got
        s_char, e_char = t.idx, doc[j - 1].idx + len(doc[j - 1].text)
        if named.overlaps(s_char, e_char) or times.contains(s_char) \
                or "-" in t.text or (i > 0 and doc[i - 1].text in ("-", "–", "#", "$", "€", "£")) \
                or (j < n and doc[j].text in ("-", "–", "/")):      # "two-thirds", "60-plus", "24/7"
            i = j
            continue
        if (i > 0 and doc[i - 1].lower_ in currencies) or \
                (re.fullmatch(r"\d{4,}", t.text) and j < n and doc[j].text[:1].isupper()):
            i = j                                 # "dlrs 1 million", "1070 Housing Project"
            continue
        unit_tok = _unit(doc, i, j, not_units, unit_skip)
        qualifier = _qualifier(text, s_char, quals)
        sent = t.sent
        if unit_tok is None:
            pending.append((i, j, value, qualifier, sent))
            i = j
            continue
        claim = _claim(doc, text, i, j, value, unit_tok, qualifier, sent, quotes, timexes, published)
        out.append(claim)
        by_sentence.setdefault(sent.start, []).append(claim)
        i = j
    # a bare figure takes the unit of a counted figure in its sentence: "… 2,000 US forces … up from … 900"
    for i, _j, value, qualifier, sent in pending:
        peers = by_sentence.get(sent.start)
        before = text[max(0, doc[i].idx - 40):doc[i].idx].casefold()
        if not peers or value < 2 or not re.search(r"\b(from|to|figure of|total of|number of|tally of)\b[^,;]*$", before):
            continue
        peer = next((c for c in peers if c.value != value), None)
        if peer is None:
            continue
        ev = _sentence_span(text, sent)
        out.append(Claim(subject=peer.subject, value=value, unit=peer.unit, qualifier=qualifier, speaker=peer.speaker,
                         date=peer.date, evidence=ev))
    out.sort(key=lambda c: (c.evidence.start if c.evidence else 0))
    return out


def _unit(doc, i: int, j: int, not_units: set[str], skip: set[str]):
    """The noun a number counts: its head when it modifies one, else the first noun right after it."""
    t = doc[i]
    head = t.head
    if t.dep_ in ("nummod", "quantmod", "compound") and head.i >= j and head.pos_ in ("NOUN", "PROPN") \
            and head.i - j <= 4 and head.lower_ not in not_units:
        return head
    k = j
    while k < len(doc) and k - j < 4:
        w = doc[k]
        if k + 2 < len(doc) and doc[k + 1].text in ("-", "–") and not doc[k + 1].whitespace_:
            k += 2                                # "al-Qaeda-affiliated militants": past the compound
            continue
        if w.lower_ in not_units or w.is_punct or w.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON", "NUM", "CCONJ"):
            return None
        if w.pos_ in ("NOUN", "PROPN") and (k + 1 >= len(doc) or doc[k + 1].pos_ not in ("NOUN", "PROPN")):
            return w
        if w.pos_ in ("ADJ", "NOUN", "PROPN") or w.lower_ in skip:
            k += 1
            continue
        return None
    return None


def _qualifier(text: str, start: int, quals) -> str | None:
    before = text[max(0, start - 24):start].casefold().rstrip()
    for phrase, q in quals:
        if before.endswith(phrase) and (len(before) == len(phrase) or not before[-len(phrase) - 1].isalnum()):
            return q
    return None


def _sentence_span(text: str, sent) -> Span:
    s, e = sent.start_char, sent.end_char
    while e > s and text[e - 1].isspace():
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    return Span(text[s:e], s, e)


def _claim(doc, text: str, i: int, j: int, value, unit_tok, qualifier, sent, quotes, timexes, published) -> Claim:
    # the subject: the counted noun with its modifiers, and the phrase after it up to a comma ("troops in Iraq")
    lo = unit_tok.i
    while lo > j and doc[lo - 1].pos_ in ("ADJ", "NOUN", "PROPN") and doc[lo - 1].dep_ in ("amod", "compound"):
        lo -= 1
    hi = unit_tok.i + 1
    prep = next((c for c in unit_tok.rights if c.dep_ == "prep" and c.lower_ in ("in", "of", "from", "at", "on", "across")), None)
    if prep is not None:
        end = prep.right_edge.i + 1
        cut = next((k for k in range(prep.i, end) if doc[k].text in (",", ";", "—", "–") or doc[k].pos_ == "VERB"), end)
        if cut - hi <= 8:
            hi = cut
    subject = doc[lo:hi].text
    unit = unit_tok.lemma_.lower() if unit_tok.pos_ == "NOUN" else unit_tok.text
    if unit_tok.text.lower() != unit_tok.lemma_.lower() and unit_tok.pos_ == "NOUN":
        unit = unit_tok.lower_                      # keep the plural the text counts in: "troops"
    s_char = doc[i].idx
    speaker = None
    for q in quotes:
        if q.content.start <= s_char < q.content.end and q.speaker is not None and (q.speaker.entity_id or q.speaker.name):
            speaker = ClaimSpeaker(q.speaker.entity_id, q.speaker.name)
            break
    date = None
    for tx in timexes:
        if sent.start_char <= tx.start < sent.end_char and tx.resolved and not tx.future:
            date = ClaimDate(tx.start_date, tx.end_date, tx.precision)
            break
    if date is None and published:
        date = ClaimDate(published[:10], published[:10], "day")
    return Claim(subject=subject, value=value, unit=unit, qualifier=qualifier, speaker=speaker, date=date,
                 evidence=_sentence_span(text, sent))
