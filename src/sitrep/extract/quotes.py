"""Quotes of one document: who said, believed or intended what, in their own words or reported.

Owns direct quotes and the assembly of every quote (the grammar of reported speech is in
`sitrep.extract.reported`, speaker resolution in `sitrep.extract.speakers`, the cue words in
`data/speech_cues.json` through `sitrep.extract.cues`):

* direct quotes between straight or curly marks, one or many sentences; a quote left open
  at the end of a paragraph goes on in the next one that opens with a mark; the pieces of one
  utterance ("“…,” he said. “…”", "“…” / “…,” she said", a quote continued in the next
  paragraph) are one quote, its `parts` the pieces;
* the cue after the quote ("…,” said X", "…,” X said", "…,” X told AP", "…” ― Jane Doe") or
  before it ("X warned that … “…”", "Said X: “…”");
* reported speech, beliefs and intentions (`direct: false`) from `reported`; the quoted words
  inside a reported content ("X called the raid “a massacre”") stay in it as `quoted`, and the
  quote is direct when they are most of it;
* a line that opens with a speaker's name and a colon ("Hamas: …", a transcript's "SMITH: …");
* the speaker resolved in reading order, so "he" is the last person who spoke
  (`sitrep.extract.speakers`); a quote inside another's content names it in `within`.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from sitrep.extract.cues import cues, speech
from sitrep.extract.entities import INDEX_KEY, EntityIndex
from sitrep.extract.people import title_of
from sitrep.extract.reported import FINAL, Found, abbreviation, find_reported
from sitrep.extract.speakers import Speakers
from sitrep.model import ActorRef, Entity, Quote, Span

__all__ = ["extract_quotes", "speech"]

_OPEN = "“"
_CLOSE = "”"
_DASHES = ("―", "—", "–", "-", "--")
_SPEAKING_TYPES = ("PERSON", "ORG", "ARMED_GROUP", "MILITARY_UNIT")


@dataclass
class _Piece:
    open: int                  # character of the opening mark
    close: int | None          # character of the closing mark (None: the quote runs to the paragraph's end)
    start: int                 # content
    end: int
    line: int                  # paragraph number
    stop: int = 0              # just after the closing mark (or the content's end)
    cue: tuple | None = None   # (cue token start, end, speaker token start, end, source end, where)
    absorbed: bool = False     # inside a reported content
    title: bool = False        # a name in quotation marks ("Face the Nation"), not words anyone said
    tail: int | None = None    # words after the closing mark that belong to the content: "“…” to drive up …, she said"


@dataclass
class _Item:
    """A quote being assembled: character fragments of its content, where its cue and source are."""
    pos: int
    frags: list[tuple[int, int]]
    cue: tuple[int, int] | None            # tokens
    source: tuple[int, int] | None         # tokens: the whole source phrase
    core: tuple[int, int] | None           # tokens: what is resolved
    direct: bool
    kind: str = "speech"
    frame: str = "direct"
    head: int | None = None
    refers: tuple[int, int] | None = None
    quoted: list[tuple[int, int]] = field(default_factory=list)
    follow: _Item | None = None            # a cueless quote takes this one's speaker
    speaker: ActorRef | None = None
    unsourced: bool = False                # "X was accused of …": a report whose source the text does not give


def _pieces(text: str) -> list[_Piece]:
    """Quoted stretches, paragraph by paragraph: between curly or straight double marks, or pairs of
    apostrophes ('' … '') as some newspapers print them."""
    out: list[_Piece] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        base = pos
        pos += len(line) + 1
        open_at = None
        kind = ""
        i = 0
        n = len(line)
        while i < n:
            ch = line[i]
            two = line[i:i + 2] == "''"
            if open_at is None:
                if ch == _OPEN or ch == '"' or two:
                    open_at, kind = i, ("''" if two else ch)
                    i += 2 if two else 1
                    continue
            elif (kind in (_OPEN, '"') and (ch == _CLOSE or ch == '"')) or (kind == "''" and two):
                out.append(_piece(text, base + open_at, base + i, line_no, len(kind), 2 if two else 1))
                open_at = None
                i += 2 if two else 1
                continue
            elif kind == '"' and ch == _OPEN:
                pass
            i += 1
        if open_at is not None:
            out.append(_piece(text, base + open_at, None, line_no, len(kind), 0, base + len(line)))
    return [p for p in out if p.end - p.start > 0]


def _piece(text: str, o: int, c: int | None, line: int, open_len: int, close_len: int,
           line_end: int | None = None) -> _Piece:
    s, e = o + open_len, (c if c is not None else line_end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    stop = c + close_len if c is not None else e
    p = _Piece(o, c, s, e, line, stop)
    words = text[s:e].split()
    # a title in marks: every longer word capitalised, no sentence inside ("State of the Union.")
    p.title = 0 < len(words) <= 8 and all(w[:1].isupper() or len(w) <= 3 or not w[:1].isalpha() for w in words) \
        and words[0][:1].isupper() and not re.search(r"[.!?]\s", text[s:e]) and text[e - 1:e] not in ("?", "!")
    return p


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

    pieces = _pieces(text)
    quoted: list[tuple[int, int]] = [(p.open, p.stop) for p in pieces]
    verbs = cu.quote_verbs

    def long(p: _Piece) -> bool:
        return len(text[p.start:p.end].split()) >= 3

    # 1. each direct quote's own cue (positions only); a short piece is a quote only with a cue
    #    after it and at the start of its sentence ("“Yes,” she said."), a title in marks never
    for p in pieces:
        c = None
        if p.close is not None and (long(p) or _opens_sentence(text, p)):
            c = _after_cue(doc, text, p, tok, verbs, quoted)
            if c is None:
                c = _dash_cue(doc, p, tok)
        if c is None and long(p) and not p.title:
            c = _before_cue(doc, p, tok, verbs, quoted)
        p.cue = c

    def quote_like(p: _Piece) -> bool:
        return (p.cue is not None and p.cue[5] != "before") or (long(p) and not p.title)
    skip = {i for p in pieces if p.cue and p.cue[5] != "before" for i in range(p.cue[0], p.cue[1])}

    # 2. quotes attributed by the layout of their line; reported speech, with the quoted words
    #    inside its content
    items: list[_Item] = _line_quotes(doc, text, index, pieces)
    inside_quotes = quoted + [(it.frags[0][0], it.frags[-1][1]) for it in items]
    for f in find_reported(doc, cu, skip, inside_quotes):
        item = _from_found(doc, text, f, pieces)
        if item is not None:
            items.append(item)

    # 3. direct quotes: the pieces of one utterance together
    group: _Item | None = None
    last: _Piece | None = None
    for p in pieces:
        if p.absorbed or not quote_like(p):
            continue
        own = p.cue
        if own is not None and group is not None and group.cue is not None and own[0] == group.cue[0]:
            own = None                              # "“…,” X said, “…”": the second piece's cue is the same word
        end = p.tail if p.tail is not None else p.end
        start = p.start
        if own is not None and own[5] == "after" and (group is None or last is None or not _continues(text, last, p)):
            start = _sentence_head(doc, text, p, tok)   # "With thousands of systems, “there is no …,” he said"
        if group is not None and last is not None and _continues(text, last, p) and (own is None or group.cue is None):
            group.frags.append((start, end))
            if own is not None:
                _set_cue(doc, group, own)
            last = p
            continue
        prev = group if group is not None and last is not None and _continues(text, last, p) else None
        group = _Item(pos=min(p.open, start), frags=[(start, end)], cue=None, source=None, core=None, direct=True)
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


def _outermost(items: list[_Item]) -> list[_Item]:
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


def _set_cue(doc, item: _Item, c: tuple) -> None:
    v0, v1, a, b, src_end, _where = c
    item.cue = (v0, v1)
    item.core = (a, b)
    item.source = (a, max(b, src_end))
    item.pos = min(item.pos, doc[v0].idx) if v0 < a else item.pos


def _from_found(doc, text: str, f: Found, pieces: list[_Piece]) -> _Item | None:
    """A reported attribution as an item; the quoted pieces inside its content become its `quoted`
    words; one that has a cue of its own, or that the content cuts through, means the parse went wrong."""
    frags = [(doc[a].idx, _end(doc, b - 1)) for a, b in f.content]
    lo, hi = frags[0][0], frags[-1][1]
    inside: list[_Piece] = []
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
    return _Item(pos=doc[f.cue[0]].idx, frags=frags, cue=f.cue, source=f.source, core=f.core or f.source,
                 direct=direct, kind=f.kind, frame=f.frame, head=f.head, refers=f.refers_to,
                 quoted=[(p.start, p.end) for p in inside], unsourced=f.source is None)


def _continues(text: str, a: _Piece, b: _Piece) -> bool:
    """Whether piece b goes on from piece a: the same paragraph with only a cue or nothing between,
    or b opening the paragraph after a's."""
    if b.line == a.line:
        between = text[a.stop:b.open]
        ends = sum(1 for m in re.finditer(r"(\S*)[.!?](?=\s)", between + " ")
                   if not re.fullmatch(r"\(?(?:[A-Z]\.|[A-Z]-)*[A-Z]", m.group(1)) and title_of(m.group(1) + ".") is None)
        return len(between.split()) <= 60 and ends <= 1 and not re.search(r"[“\"]|''", between)
    gap = text[a.stop:b.open]
    if b.line - a.line > 2 or re.search(r"[“\"]|''", gap) or text[b.open - 1:b.open] not in ("\n", ""):
        return False
    if not gap.strip() or a.close is None:
        return True
    # "“…,” he said.\n\n“…”": the next paragraph goes on with the same speaker when only the cue stands between
    tail = gap.strip()
    return a.cue is not None and a.cue[5] == "after" and len(tail.split()) <= 25 and len(re.findall(r"[.!?](?=\s|$)", tail)) <= 1 and "\n" not in tail


def _window_end(doc, k: int, quoted, limit: int = 16) -> int:
    """The end of the words after a closing mark that may hold its cue: the sentence, the paragraph or the next quote."""
    n = len(doc)
    j = k
    while j < n and j - k < limit:
        t = doc[j]
        if "\n" in t.text or t.text in (_OPEN, '"') or any(lo <= t.idx < hi for lo, hi in quoted):
            break
        if t.text in FINAL and not abbreviation(doc, j):
            break
        j += 1
    return j


def _after_cue(doc, text: str, p: _Piece, tok, verbs, quoted) -> tuple | None:
    """The cue after the closing mark: "…,” said X" / "…,” X said" / "…,” according to X"; and
    "“…” to drive prices up, she said", where the words before the comma belong to the quote."""
    k = tok(p.stop - 1) + 1
    n = len(doc)
    inner = text[p.start:p.close].rstrip().rstrip("'’‘\"").rstrip()
    marked = inner[-1:] in (",", ".", "?", "!", "…", "—", "-", "–") or (k < n and doc[k].text in (",", "—", "–", "-"))
    while k < n and doc[k].text in (",", "—", "–", "-"):
        k += 1
    end = _window_end(doc, k, quoted, limit=30)
    for v in range(k, end):
        t = doc[v]
        according = t.lower_ == "according" and v + 1 < end and doc[v + 1].lower_ == "to"
        if not according and not (t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX")):
            continue
        if inner[-1:] in (".", "?", "!") and v + 2 < n and doc[v + 1].text in (",", ":") \
                and doc[v + 2].text in (_OPEN, '"', "''"):
            return None                             # "“…” She adds, “…”": the cue of the next quote
        if inner[-1:] in (".", "?", "!") and any(c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > v for c in t.children):
            return None                             # "“…” He told the crowd that …": a report of its own
        if v > k:                                   # "…,” X said" / "…,” X, a spokesman for Y, said"
            commas = [j for j in range(k, v) if doc[j].text == ","]
            if marked:
                core_end = commas[0] if commas else v
                if v - k > 24 or core_end - k > 8 or any(doc[j].pos_ in ("VERB", "AUX") for j in range(k, core_end)):
                    return None
                return v, v + 1, k, core_end, v, "after"
            if not commas or v - k > 25:            # "“…” to drive up the price, she said"
                return None
            a = commas[-1] + 1
            if v - a > 8 or a >= v or any(doc[j].pos_ in ("VERB", "AUX") for j in range(a, v)):
                return None
            p.tail = doc[commas[-1]].idx
            return v, v + 1, a, v, v, "after"
        if not marked:
            return None
        a = v + (2 if according else 1)             # "…,” said X, spokesperson for …"
        b = a
        while b < end and doc[b].text not in (",", ";", ":") and not (b > a and doc[b].pos_ in ("VERB", "AUX")):
            b += 1
        if b == a or b - a > 10:
            return None
        full = b
        if b < end and doc[b].text == ",":          # "said X, a spokesman for Y": the whole source
            full = end
        return v, v + (2 if according else 1), a, b, full, "after"
    return None


def _sentence_head(doc, text: str, p: _Piece, tok) -> int:
    """Where the content of a quote with its cue after it starts: at its opening mark, or at the start
    of its sentence when unquoted words of the speaker's lead into it ("Not paying taxes “makes me
    smart,” he said")."""
    o = tok(p.open)
    j = o
    while j > 0:
        prev = doc[j - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_ or (prev.text in FINAL and not abbreviation(doc, j - 1)) \
                or prev.text in (_OPEN, _CLOSE, '"', "''", ":", ";"):
            break
        j -= 1
    if j >= o or sum(1 for t in doc[j:o] if not t.is_punct) < 2:
        return p.start
    return doc[j].idx


def _opens_sentence(text: str, p: _Piece) -> bool:
    before = text[:p.open].rstrip(" \t")
    return not before or before[-1] in ".!?:\n" or before.endswith(("”", '"'))


def _dash_cue(doc, p: _Piece, tok) -> tuple | None:
    """"“…” ― Jane Doe": a name after a dash that closes the line or the sentence."""
    k = tok(p.stop - 1) + 1
    n = len(doc)
    if k >= n or doc[k].text not in _DASHES or "\n" in doc[k - 1].whitespace_:
        return None
    a = k + 1
    b = a
    while b < n and b - a <= 6 and "\n" not in doc[b].text and doc[b].text not in FINAL and doc[b].text not in (",", _OPEN, '"'):
        if not (doc[b].text[:1].isupper() or doc[b].pos_ == "PROPN" or (doc[b].text == "." and b > a)):
            return None
        if "\n" in doc[b].whitespace_:
            b += 1
            break
        b += 1
    if b == a:
        return None
    return k, k + 1, a, b, b, "dash"


def _before_cue(doc, p: _Piece, tok, verbs, quoted) -> tuple | None:
    """A speech verb before the opening mark, in the same sentence: "X warned that … “…”", "X said: “…”",
    "Said X: “…”"."""
    o = tok(p.open)
    j = o - 1
    while j >= 0 and o - j <= 30:
        t = doc[j]
        if "\n" in t.text or (t.text in FINAL and not abbreviation(doc, j)) or any(lo <= t.idx < hi for lo, hi in quoted):
            return None
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and not abbreviation(doc, j):
            subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                # "Said X: “…”": the verb opens the sentence, the speaker follows it
                if (j == 0 or doc[j - 1].text in FINAL or "\n" in doc[j - 1].whitespace_) and j + 1 < o:
                    b = j + 1
                    while b < o and doc[b].text != ":" and b - j <= 8:
                        b += 1
                    if b < o and doc[b].text == ":":
                        return j, j + 1, j + 1, b, b, "before"
                return None
            a, b = subj.left_edge.i, subj.right_edge.i + 1
            return j, j + 1, a, min(b, j), min(b, j), "before"
        j -= 1
    return None


_DASH_LINE = re.compile(r"^\s*(?P<body>[“”\"](?P<content>.*\S)[”\"])\s*[―—–]\s*"
                        r"(?P<name>[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|da|del|van|von|al|el|bin|ibn)){0,5})\.?\s*$")
_LABEL = re.compile(r"^\s*[\"“]?(?P<label>[A-Z][A-Z.'’ -]{1,30}):\s+(?P<rest>\S.*)$")


def _tokens(starts: list[int], doc, s: int, e: int) -> tuple[int, int]:
    a = bisect.bisect_left(starts, s)
    b = a
    while b < len(doc) and doc[b].idx < e:
        b += 1
    return a, b


def _line_quotes(doc, text: str, index: EntityIndex | None, pieces: list[_Piece]) -> list[_Item]:
    """Quotes that a line's layout attributes: "“…” ― Jane Doe" (a name after a dash closing the line),
    "Hamas: …" (a line opening with a speaker's name and a colon: headlines), and the turns of a
    transcript ("SMITH: …", two speakers or more, each line opening with a capitalised label)."""
    starts = [t.idx for t in doc]
    out: list[_Item] = []
    labels = []
    pos = 0
    for line in text.split("\n"):
        base = pos
        pos += len(line) + 1
        m = _DASH_LINE.match(line)
        if m and len(m.group("content").split()) >= 3:
            cs, ce = base + m.start("content"), base + m.end("content")
            ns, ne = base + m.start("name"), base + m.end("name")
            dash = _tokens(starts, doc, base + m.end("body"), ns)
            name = _tokens(starts, doc, ns, ne)
            for p in pieces:
                if cs - 1 <= p.open < ce + 1:
                    p.absorbed = True
            cue = next(((i, i + 1) for i in range(*dash) if doc[i].text in _DASHES), None)
            out.append(_Item(pos=cs, frags=[(cs, ce)], cue=cue, source=name, core=name, direct=True))
            continue
        m = _LABEL.match(line)
        if m and len(m.group("rest").split()) >= 3 and m.group("label").upper() == m.group("label"):
            labels.append((base, m))
            continue
        c = line.find(":")
        if index is None or c <= 0 or c > 60 or len(line[:c].split()) > 5:
            continue
        name = line[:c].strip()
        ns = base + line.index(name) if name else base
        ent = next((e for s, en, e in index.mentions if s == ns and en == ns + len(name)), None)
        if ent is None or ent.type not in _SPEAKING_TYPES:
            continue
        rest = line[c + 1:]
        cs = base + c + 1 + (len(rest) - len(rest.lstrip()))
        ce = base + len(line.rstrip())
        while ce > cs and text[ce - 1] in ".;,":
            ce -= 1
        if len(text[cs:ce].split()) < 3:
            continue
        a, b = _tokens(starts, doc, ns, ns + len(name))
        if b >= len(doc) or doc[b].text != ":":
            continue
        for p in pieces:
            if cs - 1 <= p.open < ce + 1:
                p.absorbed = True
        out.append(_Item(pos=ns, frags=[(cs, ce)], cue=(b, b + 1), source=(a, b), core=(a, b),
                         direct=text[cs:cs + 1] in ("“", '"'), kind="speech"))
    if len({m.group("label").strip() for _, m in labels}) >= 2:       # a transcript: two speakers or more
        for base, m in labels:
            ls, le = base + m.start("label"), base + m.end("label")
            cs, ce = base + m.start("rest"), base + len(m.string.rstrip())
            while ce > cs and text[ce - 1] in '"”':
                ce -= 1
            a, b = _tokens(starts, doc, ls, le)
            colon = next(((i, i + 1) for i in range(b, min(b + 2, len(doc))) if doc[i].text == ":"), None)
            for p in pieces:
                if cs - 2 <= p.open < ce + 1:
                    p.absorbed = True
            out.append(_Item(pos=ls, frags=[(cs, ce)], cue=colon, source=(a, b), core=(a, b), direct=True))
    return out


_NESTED_FRAMES = ("clause", "colon", "inverted", "according", "direct")


def _outermost(items: list[_Item]) -> list[_Item]:
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


def _set_cue(doc, item: _Item, c: tuple) -> None:
    v0, v1, a, b, src_end, _where = c
    item.cue = (v0, v1)
    item.core = (a, b)
    item.source = (a, max(b, src_end))
    item.pos = min(item.pos, doc[v0].idx) if v0 < a else item.pos


def _from_found(doc, text: str, f: Found, pieces: list[_Piece]) -> _Item | None:
    """A reported attribution as an item; the quoted pieces inside its content become its `quoted`
    words; one that has a cue of its own, or that the content cuts through, means the parse went wrong."""
    frags = [(doc[a].idx, _end(doc, b - 1)) for a, b in f.content]
    lo, hi = frags[0][0], frags[-1][1]
    inside: list[_Piece] = []
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
    return _Item(pos=doc[f.cue[0]].idx, frags=frags, cue=f.cue, source=f.source, core=f.core or f.source,
                 direct=direct, kind=f.kind, frame=f.frame, head=f.head, refers=f.refers_to,
                 quoted=[(p.start, p.end) for p in inside], unsourced=f.source is None)


def _continues(text: str, a: _Piece, b: _Piece) -> bool:
    """Whether piece b goes on from piece a: the same paragraph with only a cue or nothing between,
    or b opening the paragraph after a's."""
    if b.line == a.line:
        between = text[a.stop:b.open]
        ends = sum(1 for m in re.finditer(r"(\S*)[.!?](?=\s)", between + " ")
                   if not re.fullmatch(r"\(?(?:[A-Z]\.|[A-Z]-)*[A-Z]", m.group(1)) and title_of(m.group(1) + ".") is None)
        return len(between.split()) <= 60 and ends <= 1 and not re.search(r"[“\"]|''", between)
    gap = text[a.stop:b.open]
    if b.line - a.line > 2 or re.search(r"[“\"]|''", gap) or text[b.open - 1:b.open] not in ("\n", ""):
        return False
    if not gap.strip() or a.close is None:
        return True
    # "“…,” he said.\n\n“…”": the next paragraph goes on with the same speaker when only the cue stands between
    tail = gap.strip()
    return a.cue is not None and a.cue[5] == "after" and len(tail.split()) <= 25 and len(re.findall(r"[.!?](?=\s|$)", tail)) <= 1 and "\n" not in tail


def _window_end(doc, k: int, quoted, limit: int = 16) -> int:
    """The end of the words after a closing mark that may hold its cue: the sentence, the paragraph or the next quote."""
    n = len(doc)
    j = k
    while j < n and j - k < limit:
        t = doc[j]
        if "\n" in t.text or t.text in (_OPEN, '"') or any(lo <= t.idx < hi for lo, hi in quoted):
            break
        if t.text in FINAL and not abbreviation(doc, j):
            break
        j += 1
    return j


def _after_cue(doc, text: str, p: _Piece, tok, verbs, quoted) -> tuple | None:
    """The cue after the closing mark: "…,” said X" / "…,” X said" / "…,” according to X"; and
    "“…” to drive prices up, she said", where the words before the comma belong to the quote."""
    k = tok(p.stop - 1) + 1
    n = len(doc)
    inner = text[p.start:p.close].rstrip().rstrip("'’‘\"").rstrip()
    marked = inner[-1:] in (",", ".", "?", "!", "…", "—", "-", "–") or (k < n and doc[k].text in (",", "—", "–", "-"))
    while k < n and doc[k].text in (",", "—", "–", "-"):
        k += 1
    end = _window_end(doc, k, quoted, limit=30)
    for v in range(k, end):
        t = doc[v]
        according = t.lower_ == "according" and v + 1 < end and doc[v + 1].lower_ == "to"
        if not according and not (t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX")):
            continue
        if inner[-1:] in (".", "?", "!") and v + 2 < n and doc[v + 1].text in (",", ":") \
                and doc[v + 2].text in (_OPEN, '"', "''"):
            return None                             # "“…” She adds, “…”": the cue of the next quote
        if inner[-1:] in (".", "?", "!") and any(c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > v for c in t.children):
            return None                             # "“…” He told the crowd that …": a report of its own
        if v > k:                                   # "…,” X said" / "…,” X, a spokesman for Y, said"
            commas = [j for j in range(k, v) if doc[j].text == ","]
            if marked:
                core_end = commas[0] if commas else v
                if v - k > 24 or core_end - k > 8 or any(doc[j].pos_ in ("VERB", "AUX") for j in range(k, core_end)):
                    return None
                return v, v + 1, k, core_end, v, "after"
            if not commas or v - k > 25:            # "“…” to drive up the price, she said"
                return None
            a = commas[-1] + 1
            if v - a > 8 or a >= v or any(doc[j].pos_ in ("VERB", "AUX") for j in range(a, v)):
                return None
            p.tail = doc[commas[-1]].idx
            return v, v + 1, a, v, v, "after"
        if not marked:
            return None
        a = v + (2 if according else 1)             # "…,” said X, spokesperson for …"
        b = a
        while b < end and doc[b].text not in (",", ";", ":") and not (b > a and doc[b].pos_ in ("VERB", "AUX")):
            b += 1
        if b == a or b - a > 10:
            return None
        full = b
        if b < end and doc[b].text == ",":          # "said X, a spokesman for Y": the whole source
            full = end
        return v, v + (2 if according else 1), a, b, full, "after"
    return None


def _sentence_head(doc, text: str, p: _Piece, tok) -> int:
    """Where the content of a quote with its cue after it starts: at its opening mark, or at the start
    of its sentence when unquoted words of the speaker's lead into it ("Not paying taxes “makes me
    smart,” he said")."""
    o = tok(p.open)
    j = o
    while j > 0:
        prev = doc[j - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_ or (prev.text in FINAL and not abbreviation(doc, j - 1)) \
                or prev.text in (_OPEN, _CLOSE, '"', "''", ":", ";"):
            break
        j -= 1
    if j >= o or sum(1 for t in doc[j:o] if not t.is_punct) < 2:
        return p.start
    return doc[j].idx


def _opens_sentence(text: str, p: _Piece) -> bool:
    before = text[:p.open].rstrip(" \t")
    return not before or before[-1] in ".!?:\n" or before.endswith(("”", '"'))


def _dash_cue(doc, p: _Piece, tok) -> tuple | None:
    """"“…” ― Jane Doe": a name after a dash that closes the line or the sentence."""
    k = tok(p.stop - 1) + 1
    n = len(doc)
    if k >= n or doc[k].text not in _DASHES or "\n" in doc[k - 1].whitespace_:
        return None
    a = k + 1
    b = a
    while b < n and b - a <= 6 and "\n" not in doc[b].text and doc[b].text not in FINAL and doc[b].text not in (",", _OPEN, '"'):
        if not (doc[b].text[:1].isupper() or doc[b].pos_ == "PROPN" or (doc[b].text == "." and b > a)):
            return None
        if "\n" in doc[b].whitespace_:
            b += 1
            break
        b += 1
    if b == a:
        return None
    return k, k + 1, a, b, b, "dash"


def _before_cue(doc, p: _Piece, tok, verbs, quoted) -> tuple | None:
    """A speech verb before the opening mark, in the same sentence: "X warned that … “…”", "X said: “…”",
    "Said X: “…”"."""
    o = tok(p.open)
    j = o - 1
    while j >= 0 and o - j <= 30:
        t = doc[j]
        if "\n" in t.text or (t.text in FINAL and not abbreviation(doc, j)) or any(lo <= t.idx < hi for lo, hi in quoted):
            return None
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and not abbreviation(doc, j):
            subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                # "Said X: “…”": the verb opens the sentence, the speaker follows it
                if (j == 0 or doc[j - 1].text in FINAL or "\n" in doc[j - 1].whitespace_) and j + 1 < o:
                    b = j + 1
                    while b < o and doc[b].text != ":" and b - j <= 8:
                        b += 1
                    if b < o and doc[b].text == ":":
                        return j, j + 1, j + 1, b, b, "before"
                return None
            a, b = subj.left_edge.i, subj.right_edge.i + 1
            return j, j + 1, a, min(b, j), min(b, j), "before"
        j -= 1
    return None


def _colon_lines(doc, text: str, index: EntityIndex | None, quoted) -> list[_Item]:
    """"Hamas: …" — a line that opens with a speaker's name and a colon (headlines, transcripts)."""
    if index is None:
        return []
    out = []
    pos = 0
    for line in text.split("\n"):
        base = pos
        pos += len(line) + 1
        c = line.find(":")
        if c <= 0 or c > 60 or len(line[:c].split()) > 5:
            continue
        name = line[:c].strip()
        ns = base + line.index(name) if name else base
        ent = next((e for s, en, e in index.mentions if s == ns and en == ns + len(name)), None)
        if ent is None or ent.type not in _SPEAKING_TYPES:
            continue
        rest = line[c + 1:]
        cs = base + c + 1 + (len(rest) - len(rest.lstrip()))
        ce = base + len(line.rstrip())
        while ce > cs and text[ce - 1] in ".;,":
            ce -= 1
        if len(text[cs:ce].split()) < 3:
            continue
        a, b = bisect.bisect_left([t.idx for t in doc], ns), None
        b = a
        while b < len(doc) and doc[b].idx < ns + len(name):
            b += 1
        colon = b if b < len(doc) and doc[b].text == ":" else None
        if colon is None:
            continue
        direct = text[cs:cs + 1] in ("“", '"')
        out.append(_Item(pos=ns, frags=[(cs, ce)], cue=(colon, colon + 1), source=(a, b), core=(a, b),
                         direct=direct, kind="speech"))
    return out


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

