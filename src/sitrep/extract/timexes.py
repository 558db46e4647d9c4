"""Time expressions of one document: finding their spans, and resolving them against the publication date.

Spans come from spaCy's DATE entities, from its TIME entities when they name a day ("this
morning", "the past 24 hours", "10 a.m. Nov. 29, 2016"), and from our own patterns for what the
small model misses or cuts short ("recently", "Since 2016", "the foreseeable future", ISO
dates, "last Thursday", "the 1990s"). Overlapping candidates are joined; two dates joined by
"to", "through", "until" or a dash (and "between … and …") become ONE range timex, with
"from"/"between" included ("from December 30 to January 6"); "since" is kept in the span
because it turns a date into a stretch that runs up to publication. A span that our rules
cannot read as a whole falls back to the candidates inside it ("50 last December" →
"last December").

Each span is resolved by `sitrep.resolve.time.normalize` with the publication date and the
tense of the clause it sits in (from the parse: "will meet on Thursday" looks forward).
Durations, ages, frequencies, clock times and stray numbers ("two years", "aged 12", "daily",
"71") are dropped; DATE spans nobody can read ("this special day") stay, unresolved.
"""
from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass

from sitrep.extract.labels import label_uses
from sitrep.model import Timex
from sitrep.resolve.time import Resolution, _alt, lexicon, normalize


def _cased(words) -> str:
    """An alternation of proper-noun words as news prints them: "March", "MARCH", "Mar."."""
    forms = set()
    for w in words:
        forms.add(w.capitalize())
        forms.add(w.upper())
    return _alt(forms)


@functools.lru_cache(maxsize=1)
def _finders() -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]:
    """Patterns over the raw text for time expressions (group `t` is the span), each with the
    lower-case words one of which any match contains: a pattern runs only on texts that hold one."""
    lx = lexicon()
    full = {calendar.month_name[i].lower() for i in range(1, 13)}
    MON = rf"(?:{_cased(full)}|(?:{_cased(set(lx.months) - full)})\.?)"     # a dot only after "Aug", "Sept"
    WD = rf"(?:{_cased(lx.weekdays)})"
    QTY = rf"(?:\d+|{_alt(list(lx.numbers) + list(lx.fuzzy))})"
    UNIT = rf"(?:{_alt(lx.units)})"
    ORD = rf"(?:{_alt(lx.ordinals)})"
    SEASON = rf"(?:{_alt(lx.seasons)})"
    YEAR = r"(?:1[89]\d\d|20\d\d)"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    months, weekdays = tuple(lx.months), tuple(lx.weekdays)
    pats: list[tuple[str, tuple[str, ...] | None]] = [
        # "Aug. 24, 2017", "Monday, Dec. 26", "24 August 2017", "July of 2023", "May 15-24"
        (rf"\b(?=[A-Z\d])(?P<t>(?:{WD},?\s+)?(?:{MON}\s+{day}(?:\s*[-–]\s*{day})?\b(?:,?\s+{YEAR}\b)?|{day}\s+"
         rf"(?:of\s+)?{MON}(?:,?\s+{YEAR}\b)?|{MON},?\s+(?:of\s+)?{YEAR}\b))", months),
        (rf"\b(?P<t>(?:(?i:last|this|next|early|late)\s+|(?i:mid)-?){MON})(?!\w)", months),
        (rf"\b(?i:in|since|during|until|through|throughout|from)\s+(?P<t>{MON})(?!\w)(?!\s*\d)", months),
        (r"\b(?P<t>\d{4}-\d{2}-\d{2})\b", None),
        (rf"\b(?i:in|since|during|until|through|throughout|from|by)\s+(?P<t>{YEAR})\b(?![-/]\d)", ("19", "20")),
        (rf"\b(?P<t>(?i:early|late|mid)[- ]?{YEAR})\b", ("early", "late", "mid")),
        (rf"\b(?=[A-Za-z])(?P<t>(?:(?i:last|this|next|past|coming)\s+)?{WD}(?:\s+(?i:morning|afternoon|evening|"
         rf"night))?)\b", weekdays),
        (r"(?i)\b(?P<t>the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|(?:(?:earlier|later)\s+)?(?:today|tonight)"
         r"|yesterday(?:\s+(?:morning|afternoon|evening))?|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
         ("today", "tonight", "yesterday", "tomorrow", "night", "morning", "afternoon", "evening")),
        (r"(?i)\b(?P<t>(?:(?:earlier|later)\s+)?(?:this|last|next|this\s+past|this\s+coming)\s+(?:week|weekend|month|"
         r"year)|(?:the\s+|this\s+past\s+)weekend)\b", ("week", "month", "year")),
        (rf"(?i)\b(?P<t>(?:the\s+)?(?:past|last)\s+(?:{QTY}(?:[- ]?plus)?\s+)?{UNIT})\b", ("past", "last")),
        (rf"(?i)\b(?P<t>{QTY}\s+{UNIT}\s+ago)\b", ("ago",)),
        (r"(?i)(?P<t>\bthe\s+(?:early\s+|mid-?|late\s+)?(?:\d{3}0|['’]\d0)['’]?s)\b", ("0s", "0's", "0’s")),
        (rf"(?i)\b(?P<t>the\s+{ORD}\s+(?:week|weekend|half|quarter)\s+of\s+(?:{MON}(?:\s+{YEAR})?|{YEAR}"
         r"|(?:this|last|next)\s+(?:year|month)))", ("week", "half", "quarter")),
        (rf"(?i)\b(?P<t>(?:last|this|next|past)\s+{SEASON}|(?:the\s+)?{SEASON}(?:\s+of)?\s+{YEAR})\b",
         tuple(lx.seasons)),
    ]
    vague = [pat.pattern for pat, *_ in lx.vague]
    pats.append((rf"(?i)\b(?P<t>(?:the\s+)?(?:{'|'.join(_spaced(p) for p in vague)}))\b", _words(vague)))
    holidays = [pat.pattern for pat, *_ in lx.holidays]
    pats.append((rf"(?i)\b(?P<t>(?:{'|'.join(_spaced(p) for p in holidays)})(?:,?\s+{YEAR})?)\b", _words(holidays)))
    return tuple((re.compile(p), words) for p, words in pats)


def _words(patterns: list[str]) -> tuple[str, ...]:
    """The literal words of data patterns (every alternative there holds one)."""
    return tuple({w for p in patterns for w in re.findall(r"[a-z]{3,}", p) if w != "the"})


def _spaced(pattern: str) -> str:
    return pattern.replace(" ", r"\s+").replace("'", "['’]")


_RANGE_GAP = re.compile(r"\s*(?:[-–—]|to|through|thru|until|till|and)\s*", re.IGNORECASE)
_BEFORE = re.compile(r"\b(?P<w>from|between|since)\s+$", re.IGNORECASE)


@dataclass
class _Cand:
    start: int
    end: int
    origin: str          # ent | time | re


def _candidates(doc, text: str) -> list[_Cand]:
    uses = label_uses()
    out = []
    for e in doc.ents:
        u = uses.get(e.label_)
        if u is not None and u.timex:
            out.append(_Cand(e.start_char, e.end_char, "ent"))
        elif e.label_ == "TIME":
            out.append(_Cand(e.start_char, e.end_char, "time"))
    lower = text.lower()
    for pat, words in _finders():
        if words is not None and not any(w in lower for w in words):
            continue
        for m in pat.finditer(text):
            s, e = m.span("t")
            if e > s:
                out.append(_Cand(s, e, "re"))
    return out


def _clusters(cands: list[_Cand]) -> list[tuple[int, int, list[_Cand]]]:
    cands = sorted(cands, key=lambda c: (c.start, -c.end))
    out: list[tuple[int, int, list[_Cand]]] = []
    for c in cands:
        if out and c.start < out[-1][1]:
            s, e, members = out[-1]
            members.append(c)
            out[-1] = (s, max(e, c.end), members)
        else:
            out.append((c.start, c.end, [c]))
    return out


# --------------------------------------------------------------------------- tense

def _future_tense(doc, start: int, end: int) -> bool:
    """Whether the clause that holds the span speaks of the future ("will attack on Thursday",
    "plans to meet on Thursday", "elections scheduled for March")."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None or not len(sp):
        return False
    lx = lexicon()
    tok = sp.root.head                       # the word the date modifies: through a preposition,
    if sp.root.dep_ == "pobj" and tok.dep_ == "prep":       # "on Thursday" → the verb
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):      # "the September 17 airstrike": a noun's date, not the clause's
        return False
    for c in tok.children:
        if c.dep_.startswith("aux") and c.lower_ in lx.future_aux:
            return True
    if tok.lemma_.lower() in lx.future_verbs and tok.tag_ in ("VBN", "VBG", "JJ"):
        return True                                  # "scheduled for March", "due on Friday"
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        head = tok.head
        if head.lemma_.lower() in lx.future_verbs or any(
                c.dep_.startswith("aux") and c.lower_ in lx.future_aux for c in head.children):
            return True
    return False


# --------------------------------------------------------------------------- reading spans

def _read(doc, start: int, end: int, published, cache: dict) -> Resolution | None:
    key = (start, end)
    if key not in cache:
        if "parsed" not in cache:
            cache["parsed"] = doc.has_annotation("DEP")
        fut = cache["parsed"] and _future_tense(doc, start, end)
        cache[key] = normalize(cache["text"][start:end], published, future_tense=fut)
    return cache[key]


def _good(r: Resolution | None) -> bool:
    return r is not None and r.rule is not None


def _choose(doc, start: int, end: int, members: list[_Cand], published, cache) -> list[tuple[int, int, Resolution]]:
    """The timex(es) a cluster of overlapping candidates stands for."""
    text = cache["text"]
    r = _read(doc, start, end, published, cache)
    if _good(r):
        return [(start, end, r)]
    # leading junk ("50 last December"): drop a token or two from the front
    s = start
    for _ in range(2):
        m = re.match(r"\S+\s+", text[s:end])
        if not m:
            break
        s += m.end()
        r2 = _read(doc, s, end, published, cache)
        if _good(r2):
            return [(s, end, r2)]
    # the members on their own, longest first, without overlaps
    picked: list[tuple[int, int, Resolution]] = []
    for c in sorted(members, key=lambda c: c.start - c.end):
        if (c.start, c.end) == (start, end) or any(c.start < e and s < c.end for s, e, _ in picked):
            continue
        rc = _read(doc, c.start, c.end, published, cache)
        if _good(rc):
            picked.append((c.start, c.end, rc))
    if picked:
        return sorted(picked, key=lambda x: x[0])
    if r is not None and any(c.origin == "ent" for c in members):
        return [(start, end, r)]                        # a DATE nobody can read: kept, unresolved
    return []


def _extend(doc, items: list[tuple[int, int, Resolution]], published, cache) -> list[tuple[int, int, Resolution]]:
    """Join date-to-date ranges into one span, and take in "from", "between", "since" before a span."""
    text = cache["text"]
    out: list[tuple[int, int, Resolution]] = []
    i = 0
    while i < len(items):
        s, e, r = items[i]
        if i + 1 < len(items):
            s2, e2, _ = items[i + 1]
            gap = text[e:s2]
            if _RANGE_GAP.fullmatch(gap) and "\n" not in gap:
                pre = _BEFORE.search(text[max(0, s - 12):s])
                start = s - len(pre.group(0)) if pre and pre["w"].lower() in ("from", "between") else s
                rr = _read(doc, start, e2, published, cache)
                if _good(rr) and rr.rule == "range":
                    out.append((start, e2, rr))
                    i += 2
                    continue
        pre = _BEFORE.search(text[max(0, s - 12):s])
        if pre:
            start = s - len(pre.group(0))
            rr = _read(doc, start, e, published, cache)
            if _good(rr) and (rr.rule == "since" or rr.rule == "range"):
                s, r = start, rr
        out.append((s, e, r))
        i += 1
    return out


def extract_timexes(doc, published: str | None = None) -> list[Timex]:
    """The document's time expressions, resolved against `published` (ISO date or None)."""
    text = doc.text                          # a spaCy Doc rebuilds its text on every access
    cache: dict = {"text": text}
    items: list[tuple[int, int, Resolution]] = []
    for start, end, members in _clusters(_candidates(doc, text)):
        if all(c.origin == "time" for c in members):
            r = _read(doc, start, end, published, cache)
            if _good(r):
                items.append((start, end, r))
            continue
        items.extend(_choose(doc, start, end, members, published, cache))
    items = _extend(doc, items, published, cache)
    return [Timex(text=text[s:e], start=s, end=e, **r.fields()) for s, e, r in items]
