"""Quotes of one document: who said what, in their own words or reported.

Owns direct and indirect speech (the cue words live in `data/speech_cues.json`):

* direct quotes between straight or curly marks, one or many sentences; a quote left open
  at the end of a paragraph goes on in the next one that opens with a mark; a quote with
  no cue of its own that follows another (in its paragraph, or opening the next) has that
  one's speaker;
* the cue after the quote ("…,” said X", "…,” X said", "…,” X told AP", "…,” he further
  clarified", "…,” it added") or before it ("X warned that … “…”", "Iraq announced that, “…”");
* indirect speech read off the parse: "X said (that) …", "…, said Colonel Sean Ryan",
  "…, X said", "In Syria, said X, …", "according to X, …" — `direct: false`;
* the speaker resolved to an entity: a name to its entity (people first), "he"/"she" to the
  last person who spoke, "it"/"they" to the last organisation, "the statement" to the
  organisation that issued it, a role phrase ("the Coalition spokesperson") to the person
  holding that role, and an unnamed source ("a counterterrorism official") to an entity of
  its own, described by its words, which is added to the document's entities.
"""
from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from sitrep.extract.entities import INDEX_KEY, EntityIndex, entity_id, key_of
from sitrep.extract.people import families, lexicon, title_of
from sitrep.extract.spans import Intervals
from sitrep.model import ActorRef, Entity, Quote, Role, Span

_OPEN = "“"
_CLOSE = "”"
_DETS = {"a", "an", "the", "some", "one", "two", "three", "several", "many", "other", "another", "its", "their"}
_FINAL = {".", "!", "?"}


@functools.lru_cache(maxsize=1)
def speech() -> dict:
    return json.loads(resources.files("sitrep.data").joinpath("speech_cues.json").read_text(encoding="utf-8"))


@dataclass
class _Piece:
    open: int                  # character of the opening mark
    close: int | None          # character of the closing mark (None: the quote runs to the paragraph's end)
    start: int                 # content
    end: int
    line: int                  # paragraph number
    speaker: ActorRef | None = None
    cue: Span | None = None


def _pieces(text: str) -> list[_Piece]:
    """Quoted stretches, paragraph by paragraph."""
    out: list[_Piece] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        base = pos
        pos += len(line) + 1
        open_at = None
        straight = False
        for i, ch in enumerate(line):
            if ch == _OPEN or (ch == '"' and open_at is None):
                if open_at is None:
                    open_at, straight = i, ch == '"'
                continue
            if open_at is not None and (ch == _CLOSE or (ch == '"' and straight)):
                out.append(_piece(text, base + open_at, base + i, line_no))
                open_at = None
        if open_at is not None:
            out.append(_piece(text, base + open_at, None, line_no, base + len(line)))
    return [p for p in out if p.end - p.start > 0]


def _piece(text: str, o: int, c: int | None, line: int, line_end: int | None = None) -> _Piece:
    s, e = o + 1, (c if c is not None else line_end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return _Piece(o, c, s, e, line)


class _Speakers:
    """Turns a speaker phrase into an `ActorRef`, remembering who spoke last."""

    def __init__(self, doc, text: str, index: EntityIndex | None, entities: list[Entity], doc_id: str):
        self.doc, self.text, self.index, self.entities, self.doc_id = doc, text, index, entities, doc_id
        self.last_person: Entity | None = None
        self.last_org: Entity | None = None
        self.statement_org: Entity | None = None
        self.unnamed: dict[str, Entity] = {}
        sp = speech()
        self.person_pronouns = set(sp["person_pronouns"])
        self.group_pronouns = set(sp["group_pronouns"])
        self.source_nouns = set(sp["source_nouns"])
        self.statement_nouns = set(sp["statement_nouns"])

    def _ref(self, ent: Entity, text: str, s: int, e: int) -> ActorRef:
        if ent.type == "PERSON":
            self.last_person = ent
        elif ent.type not in ("GPE", "LOC"):
            self.last_org = ent
        return ActorRef(ent.id, ent.canonical, text, s, e)

    def resolve(self, a: int, b: int) -> ActorRef | None:
        """The speaker the tokens [a, b) name, or None when they name nobody we can tell."""
        doc = self.doc
        while a < b and (doc[a].is_punct or doc[a].is_space):
            a += 1
        while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space or doc[b - 1].pos_ == "ADV"):
            b -= 1
        if a >= b:
            return None
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        phrase = doc[a:b].text
        words = [t.lower_ for t in doc[a:b]]
        if b - a == 1 and words[0] in self.person_pronouns:
            ent = self.last_person or self._before(s, person=True)
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        if b - a == 1 and words[0] in self.group_pronouns:
            ent = self.statement_org or self.last_org
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        found = self.index.overlapping(s, e) if self.index else []
        people = [x for x in found if x[2].type == "PERSON"]
        if people:
            ms, me, ent = people[0]
            return self._ref(ent, self.text[ms:me], ms, me)
        orgs = [x for x in found if x[2].type != "PERSON"]
        head = doc[b - 1].lower_
        # a role phrase: "the Coalition spokesperson" is the person who holds that role
        role = lexicon().role_head.search(phrase)
        if role is not None and head not in self.statement_nouns:
            fams = families([Role(role.group(0))])
            org = orgs[0][2] if orgs else None
            holders = [h for f in fams for h in self.index.holders(f, org, self.text[orgs[0][0]:orgs[0][1]] if orgs else None)] \
                if self.index else []
            if holders:
                ent = max(holders, key=lambda h: max((m.start for m in h.mentions if m.start < s), default=-1))
                return self._ref(ent, phrase, s, e)
        actors_ = [x for x in orgs if x[2].type not in ("GPE", "LOC", "NORP", "FAC", "OTHER")]
        if head in self.source_nouns and orgs and not actors_:
            return self._unnamed(a, b)                    # "a top U.S. official": unnamed, though of a country
        if orgs:
            last = doc[b - 1].idx
            holding = [x for x in orgs if x[0] <= last < x[1]]
            ms, me, ent = holding[0] if holding else (orgs[-1] if head in self.statement_nouns else orgs[0])
            if head in self.statement_nouns or any(w in self.statement_nouns for w in words):
                self.statement_org = ent
            if ms <= doc[b - 1].idx < me:                  # the name is the whole speaker: "CENTCOM announced"
                return self._ref(ent, self.text[ms:me], ms, me)
            return self._ref(ent, phrase, s, e)
        if head in self.statement_nouns:
            ent = self.statement_org or self.last_org
            return self._ref(ent, phrase, s, e) if ent else ActorRef(None, None, phrase, s, e)
        if head in self.source_nouns or any(w in self.source_nouns for w in words[-2:]):
            return self._unnamed(a, b)
        return None

    def _before(self, pos: int, person: bool) -> Entity | None:
        if not self.index:
            return None
        cands = [(s, ent) for s, e, ent in self.index.mentions if s < pos and (ent.type == "PERSON") == person]
        return cands[-1][1] if cands else None

    def _unnamed(self, a: int, b: int) -> ActorRef:
        """"a counterterrorism official": an unnamed source, an entity of its own described by its words."""
        doc = self.doc
        d = a
        while d < b - 1 and doc[d].lower_ in _DETS:
            d += 1
        desc = doc[d:b].text
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        k = key_of(desc)
        ent = self.unnamed.get(k)
        if ent is None:
            ent = Entity(id=entity_id(self.doc_id, "unnamed:" + k), canonical=desc, type="PERSON",
                         actor_type="unnamed source")
            self.unnamed[k] = ent
            self.entities.append(ent)
        ent.mentions.append(Span(doc[a:b].text, s, e))
        if self.index is not None:
            bisect.insort(self.index.mentions, (s, e, ent), key=lambda x: x[0])
        return ActorRef(ent.id, ent.canonical, doc[a:b].text, s, e)


def extract_quotes(doc, doc_id: str, entities: list[Entity], text: str | None = None) -> list[Quote]:
    """The document's quotes; unnamed sources become entities appended to `entities`."""
    text = doc.text if text is None else text
    index: EntityIndex | None = doc.user_data.get(INDEX_KEY)
    sp = speech()
    verbs = set(sp["verbs"])
    after_verbs = verbs | set(sp["after_quote_verbs"])
    speakers = _Speakers(doc, text, index, entities, doc_id)
    starts = [t.idx for t in doc]

    def tok(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    pieces = _pieces(text)
    quoted = Intervals((p.open, (p.close if p.close is not None else p.end) + 1) for p in pieces)
    used_cues: set[int] = set()
    quotes: list[tuple[int, Quote]] = []
    direct_cues: dict[int, tuple[int, int, int]] = {}
    # find each direct quote's cue first (positions only), then walk the text resolving speakers in order
    for i, p in enumerate(pieces):
        if len(text[p.start:p.end].split()) < 3:
            continue
        cue = _after_cue(doc, p, tok, after_verbs, quoted) if p.close is not None else None
        if cue is None:
            cue = _before_cue(doc, p, tok, verbs, quoted)
        if cue is not None:
            direct_cues[i] = cue
            used_cues.add(cue[0])
    order: list[tuple[int, str, int]] = []
    for i, p in enumerate(pieces):
        if len(text[p.start:p.end].split()) >= 3:
            c = direct_cues.get(i)
            order.append(((doc[c[0]].idx if c and c[1] >= c[0] else p.open), "direct", i))
    for t in doc:
        if t.i in used_cues or quoted.contains(t.idx):
            continue
        if (t.lemma_.lower() in verbs and t.pos_ == "VERB" and t.lemma_.lower() not in sp["not_indirect"]) or \
                (t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to"):
            order.append((t.idx, "indirect", t.i))
    order.sort()
    last_piece: _Piece | None = None
    for _, kind, k in order:
        if kind == "direct":
            p = pieces[k]
            c = direct_cues.get(k)
            if c is not None:
                v, a, b = c
                p.speaker = speakers.resolve(a, b)
                p.cue = Span(doc[v].text, doc[v].idx, doc[v].idx + len(doc[v].text))
            elif last_piece is not None and last_piece.speaker is not None and _continues(text, last_piece, p):
                p.speaker, p.cue = last_piece.speaker, None
            last_piece = p
        else:
            q = _indirect(doc, k, speakers, quoted, text)
            if q is not None:
                quotes.append((q.content.start, q))
    # a quote whose cue comes in a later piece of the same run ("…" / "…," he said.) takes that speaker
    for a, b in zip(reversed(pieces[:-1]), reversed(pieces[1:])):
        if a.speaker is None and b.speaker is not None and _continues(text, a, b) and len(text[a.start:a.end].split()) >= 3:
            a.speaker = b.speaker
    for p in pieces:
        if p.speaker is not None and len(text[p.start:p.end].split()) >= 3:
            quotes.append((p.start, Quote(speaker=p.speaker, cue=p.cue, content=Span(text[p.start:p.end], p.start, p.end),
                                          direct=True)))
    quotes.sort(key=lambda x: x[0])
    return [q for _, q in quotes]


def _continues(text: str, a: _Piece, b: _Piece) -> bool:
    """Whether piece b goes on from piece a: the same paragraph with only a cue or nothing between,
    or b opening the paragraph after a's."""
    if b.line == a.line:
        between = text[(a.close if a.close is not None else a.end) + 1:b.open]
        return len(between.split()) <= 25 and not re.search(r"[“\"]", between)
    gap = text[(a.close if a.close is not None else a.end) + 1:b.open]
    return b.line - a.line <= 2 and gap.strip() == "" or (a.close is None and not gap.strip())


def _window_end(doc, k: int, quoted, limit: int = 16) -> int:
    """The end of the words after a closing mark that may hold its cue: the sentence, the paragraph or the next quote."""
    n = len(doc)
    j = k
    while j < n and j - k < limit:
        t = doc[j]
        if "\n" in t.text or t.text in (_OPEN, '"') or quoted.contains(t.idx):
            break
        if t.text in _FINAL and not _abbreviation(doc, j):
            break
        j += 1
    return j


def _abbreviation(doc, j: int) -> bool:
    """Whether the period at j closes an abbreviation ("Maj. Gen.", "J. Smith") rather than a sentence."""
    if doc[j].text != "." or j == 0 or doc[j - 1].whitespace_:
        return False
    prev = doc[j - 1].text
    return (len(prev) == 1 and prev.isupper()) or title_of(prev + ".") is not None


def _after_cue(doc, p: _Piece, tok, verbs: set[str], quoted) -> tuple[int, int, int] | None:
    """(verb, speaker start, speaker end) of a cue after the closing mark: "…,” said X" / "…,” X said"."""
    k = tok(p.close) + 1
    n = len(doc)
    while k < n and doc[k].text in (",", "—", "–", "-"):
        k += 1
    end = _window_end(doc, k, quoted)
    for v in range(k, end):
        t = doc[v]
        according = t.lower_ == "according" and v + 1 < end and doc[v + 1].lower_ == "to"
        if not according and not (t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX")):
            continue
        if v > k:                                   # "…,” X said"
            return v, k, v
        a = v + (2 if according else 1)             # "…,” said X, spokesperson for …"
        b = a
        while b < end and doc[b].text not in (",", ";", ":") and not (b > a and doc[b].pos_ in ("VERB", "AUX")):
            b += 1
        return v, a, b
    return None


def _before_cue(doc, p: _Piece, tok, verbs: set[str], quoted) -> tuple[int, int, int] | None:
    """A speech verb before the opening mark, in the same sentence: "X warned that … “…”", "X said: “…”"."""
    o = tok(p.open)
    j = o - 1
    while j >= 0 and o - j <= 30:
        t = doc[j]
        if "\n" in t.text or (t.text in _FINAL and not _abbreviation(doc, j)) or quoted.contains(t.idx):
            return None
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and not _abbreviation(doc, j):
            subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                return None
            return j, subj.left_edge.i, subj.right_edge.i + 1
        j -= 1
    return None


def _indirect(doc, v: int, speakers: _Speakers, quoted, text: str) -> Quote | None:
    """Reported speech around the verb at v: "X said (that) …", "…, said X", "according to X, …"."""
    t = doc[v]
    s_lo, s_hi = _sentence(doc, v)
    while s_hi > s_lo and doc[s_hi - 1].is_space:
        s_hi -= 1
    if s_hi > s_lo and doc[s_hi - 1].text not in _FINAL and doc[s_hi - 1].text not in ("”", '"') \
            and (s_hi >= len(doc) or "\n" in doc[s_hi - 1].whitespace_ or "\n" in doc[s_hi].text):
        return None                                       # a headline or a caption line: nobody is speaking
    while s_hi > s_lo and (doc[s_hi - 1].is_punct or doc[s_hi - 1].is_space):
        s_hi -= 1
    if t.lower_ == "according":
        to = doc[v + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        a = v
        b = obj.right_edge.i + 1 if obj is not None else v + 2
        speaker = speakers.resolve(v + 2, b)
        cue = doc[v:v + 2]
        content = _rest(doc, s_lo, s_hi, a, b)
    elif v > s_lo and doc[v - 1].text == "," and v + 1 < s_hi and doc[v + 1].text[:1].isupper():
        # "…, said Colonel X." / "In Syria, said Colonel X, coalition forces …": the parse is no help here
        b = v + 1
        while b < s_hi and doc[b].text != "," and b - v <= 10:
            b += 1
        speaker = speakers.resolve(v + 1, b)
        cue = doc[v:v + 1]
        left, right = (s_lo, v - 1), ((b + 1, s_hi) if b < s_hi and doc[b].text == "," else (s_hi, s_hi))
        if right[0] < s_hi and v - 1 - s_lo <= 6:
            content = right                               # the cue after a short opener
        else:
            content = left if left[1] - left[0] >= right[1] - right[0] else right
    else:
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return None
        comp = next((c for c in t.children if c.dep_ == "ccomp"), None)
        sa, sb = subj.left_edge.i, subj.right_edge.i + 1
        if subj.i > v:                                     # "…, said Colonel Sean Ryan, Spokesperson for …"
            sb = sa
            while sb < s_hi and doc[sb].text not in (",", ";") and sb <= subj.i + 6:
                sb += 1
            sb = max(sb, subj.i + 1)
        speaker = speakers.resolve(sa, sb)
        cue = doc[v:v + 1]
        if comp is not None and (comp.right_edge.i < v or comp.left_edge.i > v):
            c_lo, c_hi = comp.left_edge.i, comp.right_edge.i + 1
            if c_lo > v:
                while c_lo < c_hi and doc[c_lo].dep_ == "mark":     # "that"
                    c_lo += 1
            content = (c_lo, min(c_hi, s_hi) if c_lo > v else c_hi)
        elif v + 1 < s_hi and doc[v + 1].lower_ == "that":
            content = (v + 2, s_hi)
        elif any(c.dep_ in ("dobj", "attr", "xcomp") for c in t.children):
            return None                                   # "Iraq announced a new campaign": an act, not speech
        else:
            a, b = min(v, sa), max(v + 1, sb)
            inverted = (a > s_lo and doc[a - 1].text == ",") or (b < s_hi and doc[b].text == ",") or b >= s_hi
            content = _rest(doc, s_lo, s_hi, a, b) if inverted else None
    if speaker is None or content is None:
        return None
    c_lo, c_hi = content
    while c_lo < c_hi and (doc[c_lo].is_punct or doc[c_lo].is_space):
        c_lo += 1
    while c_hi > c_lo and (doc[c_hi - 1].is_punct or doc[c_hi - 1].is_space):
        c_hi -= 1
    if c_hi - c_lo < 4:
        return None
    cs, ce = doc[c_lo].idx, doc[c_hi - 1].idx + len(doc[c_hi - 1].text)
    if quoted.overlaps(cs, ce):
        return None
    return Quote(speaker=speaker, cue=Span(cue.text, cue.start_char, cue.end_char),
                 content=Span(text[cs:ce], cs, ce), direct=False)


def _sentence(doc, i: int) -> tuple[int, int]:
    """The sentence around token i, read off punctuation and line breaks (a title's period ends none)."""
    n = len(doc)
    lo = i
    while lo > 0 and "\n" not in doc[lo - 1].text and "\n" not in doc[lo - 1].whitespace_ \
            and not (doc[lo - 1].text in _FINAL and not _abbreviation(doc, lo - 1)):
        lo -= 1
    hi = i + 1
    while hi < n and "\n" not in doc[hi].text and not (doc[hi].text in _FINAL and not _abbreviation(doc, hi)):
        if "\n" in doc[hi].whitespace_:
            hi += 1
            break
        hi += 1
    if hi < n and doc[hi].text in _FINAL:
        hi += 1
    while hi < n and doc[hi].text in ("”", '"', "’"):
        hi += 1
    return lo, hi


def _rest(doc, s_lo: int, s_hi: int, a: int, b: int) -> tuple[int, int] | None:
    """The sentence less the cue [a, b): the longer side ("In Syria, said X, coalition forces …")."""
    left = (s_lo, a)
    right = (b, s_hi)
    if right[1] - right[0] >= left[1] - left[0]:
        return right if right[1] > right[0] else None
    return left if left[1] > left[0] else None
