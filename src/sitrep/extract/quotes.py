"""Quotes of one document: who said, believed or intended what, in their own words or reported.

Owns the assembly of every quote and its policy; the grammars are elsewhere — quoted words
and their cues in `sitrep.extract.direct`, reported speech in `sitrep.extract.reported`, the
parse's sentences and sources in `sitrep.extract.clauses`, speaker resolution in
`sitrep.extract.speakers`, the cue words in `data/speech_cues.json` through
`sitrep.extract.cues`:

* the pieces of one utterance ("“…,” he said. “…”", "“…” / “…,” she said", a quote continued
  in the next paragraph) are one quote, its `parts` the pieces;
* the quoted words inside a reported content ("X called the raid “a massacre”") stay in it as
  `quoted`, and the quote is direct when they are most of it; a reported content that cuts
  through a quote with its own cue is a parse gone wrong, and dropped;
* a report inside another's content is kept when it is speech reported as such ("X said Y
  told him that …", naming its outer quote in `within`), not when it is a belief or an act
  inside someone's words;
* the speaker resolved in reading order, so "he" is the last person who spoke; an unsourced
  report ("X was accused of …") has a speaker with every field null.
"""
from __future__ import annotations

import bisect
import hashlib

from sitrep.extract.cues import cues, speech
from sitrep.extract.direct import (
    Item,
    Piece,
    after_cue,
    before_cue,
    continues,
    dash_cue,
    find_pieces,
    line_quotes,
    opens_sentence,
    sentence_head,
)
from sitrep.extract.entities import INDEX_KEY, EntityIndex
from sitrep.extract.reported import Found, find_reported
from sitrep.extract.speakers import Speakers
from sitrep.model import ActorRef, Entity, Quote, Span

__all__ = ["extract_quotes", "speech"]


def quote_id(doc_id: str, start: int, end: int) -> str:
    return "q-" + hashlib.sha1(f"{doc_id}\x1f{start}\x1f{end}".encode()).hexdigest()[:12]


def extract_quotes(doc, doc_id: str, entities: list[Entity], text: str | None = None) -> list[Quote]:
    """The document's quotes; unnamed sources become entities appended to `entities`."""
    text = doc.text if text is None else text
    index: EntityIndex | None = doc.user_data.get(INDEX_KEY)
    cu = cues()
    speakers = Speakers(doc, text, index, entities, doc_id, cu)
    starts = [t.idx for t in doc]

    def tok(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    pieces = find_pieces(text)
    quoted: list[tuple[int, int]] = [(p.open, p.stop) for p in pieces]
    verbs = cu.quote_verbs

    def long(p: Piece) -> bool:
        return len(text[p.start:p.end].split()) >= 3

    # 1. each direct quote's own cue (positions only); a short piece is a quote only with a cue
    #    after it and at the start of its sentence ("“Yes,” she said."), a title in marks never
    for p in pieces:
        c = None
        if p.close is not None and (long(p) or opens_sentence(text, p)):
            c = after_cue(doc, text, p, tok, verbs, quoted)
            if c is None:
                c = dash_cue(doc, p, tok)
        if c is None and long(p) and not p.title:
            c = before_cue(doc, p, tok, verbs, quoted)
        p.cue = c

    def quote_like(p: Piece) -> bool:
        return (p.cue is not None and p.cue[5] != "before") or (long(p) and not p.title)
    skip = {i for p in pieces if p.cue and p.cue[5] != "before" for i in range(p.cue[0], p.cue[1])}

    # 2. quotes attributed by the layout of their line; reported speech, with the quoted words
    #    inside its content
    items: list[Item] = line_quotes(doc, text, index, pieces)
    inside_quotes = quoted + [(it.frags[0][0], it.frags[-1][1]) for it in items]
    for f in find_reported(doc, cu, skip, inside_quotes):
        item = _from_found(doc, text, f, pieces)
        if item is not None:
            items.append(item)

    # 3. direct quotes: the pieces of one utterance together
    group: Item | None = None
    last: Piece | None = None
    for p in pieces:
        if p.absorbed or not quote_like(p):
            continue
        own = p.cue
        if own is not None and group is not None and group.cue is not None and own[0] == group.cue[0]:
            own = None                              # "“…,” X said, “…”": the second piece's cue is the same word
        end = p.tail if p.tail is not None else p.end
        start = p.start
        if own is not None and own[5] == "after" and (group is None or last is None or not continues(text, last, p)):
            start = sentence_head(doc, text, p, tok)   # "With thousands of systems, “there is no …,” he said"
        if group is not None and last is not None and continues(text, last, p) and (own is None or group.cue is None):
            group.frags.append((start, end))
            if own is not None:
                _set_cue(doc, group, own)
            last = p
            continue
        prev = group if group is not None and last is not None and continues(text, last, p) else None
        group = Item(pos=min(p.open, start), frags=[(start, end)], cue=None, source=None, core=None, direct=True)
        if p.tail is not None or start < p.start:
            group.direct = p.end - p.start >= 0.5 * (end - start)
            group.quoted = [(p.start, p.end)]
        if own is not None:
            _set_cue(doc, group, own)
        else:
            group.follow = prev
        items.append(group)
        last = p

    items = _outermost(items)

    # 4. speakers in reading order
    items.sort(key=lambda it: it.pos)
    for it in items:
        if it.unsourced:
            it.speaker = ActorRef()                      # an honest null: nobody is named
        elif it.core is not None:
            it.speaker = speakers.resolve(*it.core, head=it.head, refers=it.refers, loose=True)
        elif it.follow is not None:
            it.speaker = it.follow.speaker
    # a quote whose cue comes in a later piece ("…" / "…," he said.) was joined to it above
    out: list[Quote] = []
    for it in items:
        if it.speaker is None:
            continue
        cs, ce = it.frags[0][0], it.frags[-1][1]
        cue = Span(text[doc[it.cue[0]].idx:_end(doc, it.cue[1] - 1)], doc[it.cue[0]].idx, _end(doc, it.cue[1] - 1)) \
            if it.cue else None
        source = None
        if it.source is not None:
            ss, se = doc[it.source[0]].idx, _end(doc, it.source[1] - 1)
            source = Span(text[ss:se], ss, se)
        parts = [Span(text[a:b], a, b) for a, b in it.frags] if len(it.frags) > 1 else []
        out.append(Quote(speaker=it.speaker, cue=cue, content=Span(text[cs:ce], cs, ce), direct=it.direct,
                         id=quote_id(doc_id, cs, ce), kind=it.kind, source=source, parts=parts,
                         quoted=[Span(text[a:b], a, b) for a, b in it.quoted]))
    out.sort(key=lambda q: (q.content.start, q.content.end))
    _nest(out)
    return out


_NESTED_FRAMES = ("clause", "colon", "inverted", "according", "direct")


def _outermost(items: list[Item]) -> list[Item]:
    """Attributions inside another's reported content are kept when they are speech reported as
    such ("X said Y told him that …"); a belief, an intention or an act inside someone's words
    ("X said he refused to …") is part of what X said, not a report of its own."""
    spans = [(it.frags[0][0], it.frags[-1][1], it) for it in items if not it.direct]
    out = []
    for it in items:
        lo, hi = it.frags[0][0], it.frags[-1][1]
        inside = any(o is not it and a <= it.pos and a <= lo and hi <= b for a, b, o in spans)
        if inside and not (it.kind == "speech" and it.frame in _NESTED_FRAMES):
            continue
        out.append(it)
    return out


def _end(doc, i: int) -> int:
    return doc[i].idx + len(doc[i].text)


def _set_cue(doc, item: Item, c: tuple) -> None:
    v0, v1, a, b, src_end, _where = c
    item.cue = (v0, v1)
    item.core = (a, b)
    item.source = (a, max(b, src_end))
    item.pos = min(item.pos, doc[v0].idx) if v0 < a else item.pos


def _from_found(doc, text: str, f: Found, pieces: list[Piece]) -> Item | None:
    """A reported attribution as an item; the quoted pieces inside its content become its `quoted`
    words; one that has a cue of its own, or that the content cuts through, means the parse went wrong."""
    frags = [(doc[a].idx, _end(doc, b - 1)) for a, b in f.content]
    lo, hi = frags[0][0], frags[-1][1]
    inside: list[Piece] = []
    for p in pieces:
        if p.stop <= lo or p.open >= hi:
            continue
        own = p.cue is not None and p.cue[5] != "before" and p.cue[0] != f.cue[0]
        if own or p.open < lo - 1:
            return None                           # a quote with its own cue, or the content inside a quote
        inside.append(p)
        if p.end > hi:                            # the quote runs on past the parse's clause: it is all reported
            hi = p.end
        if p.close is not None and p.end >= hi and hi < p.stop and not text[p.end:p.close].strip(" ,"):
            hi = p.stop                           # with its closing mark
        frags[-1] = (frags[-1][0], hi)
    for p in inside:
        p.absorbed = True
    qchars = sum(p.end - p.start for p in inside)
    total = sum(b - a for a, b in frags)
    direct = bool(inside) and qchars >= 0.5 * total
    return Item(pos=doc[f.cue[0]].idx, frags=frags, cue=f.cue, source=f.source, core=f.core or f.source,
                 direct=direct, kind=f.kind, frame=f.frame, head=f.head, refers=f.refers_to,
                 quoted=[(p.start, p.end) for p in inside], unsourced=f.source is None)


def _nest(quotes: list[Quote]) -> None:
    """A quote whose cue and content lie inside another's content names that one in `within`."""
    for q in quotes:
        if q.cue is None:
            continue
        best = None
        for o in quotes:
            if o is q or o.direct:
                continue
            if o.content.start <= q.cue.start and q.content.end <= o.content.end and q.content.start >= o.content.start:
                if best is None or o.content.end - o.content.start < best.content.end - best.content.start:
                    best = o
        if best is not None:
            q.within = best.id
