"""Direct quotes: the words between quotation marks, and the cues the text gives them.

Owns the grammar of quoted speech, for `sitrep.extract.quotes` to assemble:

* quoted stretches between straight or curly marks or pairs of apostrophes ('' … ''), paragraph
  by paragraph; a quote left open at the end of a paragraph; a title in marks ("Face the
  Nation") is no speech;
* the cue after the closing mark ("…,” said X", "…,” X said", "…,” X, a spokesman, said",
  "…” ― Jane Doe"), or before the opening one ("X warned that … “…”", "Said X: “…”"); unquoted
  words that lead into a quote ("Not paying taxes “makes me smart,” he said") and trail it
  ("“…” to drive up prices, she said");
* which pieces go on from which ("“…,” he said. “…”", the next paragraph after the cue);
* lines whose layout attributes them: "“…” ― Name", "Hamas: …", the turns of a transcript.

`Item` is a quote being assembled: what every grammar of attribution hands to the assembly.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from sitrep.extract.clauses import FINAL, abbreviation
from sitrep.extract.entities import EntityIndex
from sitrep.extract.people import title_of
from sitrep.model import ActorRef

OPEN = "“"


CLOSE = "”"


DASHES = ("―", "—", "–", "-", "--")


_SPEAKING_TYPES = ("PERSON", "ORG", "ARMED_GROUP", "MILITARY_UNIT")


@dataclass
class Piece:
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
class Item:
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
    follow: Item | None = None            # a cueless quote takes this one's speaker
    speaker: ActorRef | None = None
    unsourced: bool = False                # "X was accused of …": a report whose source the text does not give


def find_pieces(text: str) -> list[Piece]:
    """Quoted stretches, paragraph by paragraph: between curly or straight double marks, or pairs of
    apostrophes ('' … '') as some newspapers print them."""
    out: list[Piece] = []
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
                if ch == OPEN or ch == '"' or two:
                    open_at, kind = i, ("''" if two else ch)
                    i += 2 if two else 1
                    continue
            elif (kind in (OPEN, '"') and (ch == CLOSE or ch == '"')) or (kind == "''" and two):
                out.append(_piece(text, base + open_at, base + i, line_no, len(kind), 2 if two else 1))
                open_at = None
                i += 2 if two else 1
                continue
            elif kind == '"' and ch == OPEN:
                pass
            i += 1
        if open_at is not None:
            out.append(_piece(text, base + open_at, None, line_no, len(kind), 0, base + len(line)))
    return [p for p in out if p.end - p.start > 0]


def _piece(text: str, o: int, c: int | None, line: int, open_len: int, close_len: int,
           line_end: int | None = None) -> Piece:
    s, e = o + open_len, (c if c is not None else line_end)
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    stop = c + close_len if c is not None else e
    p = Piece(o, c, s, e, line, stop)
    words = text[s:e].split()
    # a title in marks: every longer word capitalised, no sentence inside ("State of the Union.")
    p.title = 0 < len(words) <= 8 and all(w[:1].isupper() or len(w) <= 3 or not w[:1].isalpha() for w in words) \
        and words[0][:1].isupper() and not re.search(r"[.!?]\s", text[s:e]) and text[e - 1:e] not in ("?", "!")
    return p


def continues(text: str, a: Piece, b: Piece) -> bool:
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
        if "\n" in t.text or t.text in (OPEN, '"') or any(lo <= t.idx < hi for lo, hi in quoted):
            break
        if t.text in FINAL and not abbreviation(doc, j):
            break
        j += 1
    return j


def after_cue(doc, text: str, p: Piece, tok, verbs, quoted) -> tuple | None:
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
                and doc[v + 2].text in (OPEN, '"', "''"):
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


def sentence_head(doc, text: str, p: Piece, tok) -> int:
    """Where the content of a quote with its cue after it starts: at its opening mark, or at the start
    of its sentence when unquoted words of the speaker's lead into it ("Not paying taxes “makes me
    smart,” he said")."""
    o = tok(p.open)
    j = o
    while j > 0:
        prev = doc[j - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_ or (prev.text in FINAL and not abbreviation(doc, j - 1)) \
                or prev.text in (OPEN, CLOSE, '"', "''", ":", ";"):
            break
        j -= 1
    if j >= o or sum(1 for t in doc[j:o] if not t.is_punct) < 2:
        return p.start
    return doc[j].idx


def opens_sentence(text: str, p: Piece) -> bool:
    before = text[:p.open].rstrip(" \t")
    return not before or before[-1] in ".!?:\n" or before.endswith(("”", '"'))


def dash_cue(doc, p: Piece, tok) -> tuple | None:
    """"“…” ― Jane Doe": a name after a dash that closes the line or the sentence."""
    k = tok(p.stop - 1) + 1
    n = len(doc)
    if k >= n or doc[k].text not in DASHES or "\n" in doc[k - 1].whitespace_:
        return None
    a = k + 1
    b = a
    while b < n and b - a <= 6 and "\n" not in doc[b].text and doc[b].text not in FINAL and doc[b].text not in (",", OPEN, '"'):
        if not (doc[b].text[:1].isupper() or doc[b].pos_ == "PROPN" or (doc[b].text == "." and b > a)):
            return None
        if "\n" in doc[b].whitespace_:
            b += 1
            break
        b += 1
    if b == a:
        return None
    return k, k + 1, a, b, b, "dash"


def before_cue(doc, p: Piece, tok, verbs, quoted) -> tuple | None:
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


def line_quotes(doc, text: str, index: EntityIndex | None, pieces: list[Piece]) -> list[Item]:
    """Quotes that a line's layout attributes: "“…” ― Jane Doe" (a name after a dash closing the line),
    "Hamas: …" (a line opening with a speaker's name and a colon: headlines), and the turns of a
    transcript ("SMITH: …", two speakers or more, each line opening with a capitalised label)."""
    starts = [t.idx for t in doc]
    out: list[Item] = []
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
            cue = next(((i, i + 1) for i in range(*dash) if doc[i].text in DASHES), None)
            out.append(Item(pos=cs, frags=[(cs, ce)], cue=cue, source=name, core=name, direct=True))
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
        ent = next((e for s, en, e in index.mentions if s == ns and en == ns + len(name)), None) or index.named(name)
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
        out.append(Item(pos=ns, frags=[(cs, ce)], cue=(b, b + 1), source=(a, b), core=(a, b),
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
            out.append(Item(pos=ls, frags=[(cs, ce)], cue=colon, source=(a, b), core=(a, b), direct=True))
    return out
