"""People in one article: their names without titles, their roles, and which mentions are one person.

Owns the reading of `data/titles.csv` (ranks, services, offices, honorifics, role nouns):

* a title before a name is stripped from it and kept as a `Role`: "Col. Joel Harper" →
  Joel Harper, Role("Col."); "Army Maj. Gen. James Jarrard" → Role("Maj. Gen.", "Army");
  "U.S. Secretary of State Mike Pompeo" → Role("Secretary of State", "U.S."); "Jordan’s King
  Abdullah II" → Role("King", "Jordan"); "Iraqi Prime Minister" → Role("Prime Minister", "Iraq");
* an appositive after a name is a role with its organisation: "…, spokesperson for the
  International Coalition Against ISIS" / "…, commander of the Dayr Az Zawr Military Council" /
  "…, CENTCOM Commander";
* a title followed by a capitalised name makes a person spaCy missed ("King Abdullah II",
  "Brig. Gen. Richard “Tex” Coe"); a title alone ("Brig", "Col") is never a person;
* surname mentions corefer with the nearest preceding full name that ends with them and
  whose titles agree ("Colonel Ryan" → Sean Ryan, never Ryan Dillon, whose surname is
  Dillon); a spelling variant ("Mackenzie" for McKenzie) joins only when both carry titles
  of one family (general, colonel…).
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources

from rapidfuzz.distance import OSA

from sitrep.model import Role
from sitrep.resolve.actors import fold_name

_SP = r"[\s\u200e\u200f]+"
_PARTICLES = {"al", "el", "ad", "ar", "as", "at", "az", "an", "bin", "ibn", "bint", "abu", "umm", "de", "da", "del", "van",
              "von", "der", "la", "le", "du", "di", "ben", "bu", "-", "–", "'", "’"}
_SUFFIXES = {"II", "III", "IV", "V", "Jr.", "Jr", "Sr.", "Sr"}
# lower-case role nouns that may stand before a name ("U.N. coordinator Edmund Fitton-Brown")
_PRE_ROLES = {"spokesperson", "spokesman", "spokeswoman", "coordinator", "commander", "envoy", "ambassador",
              "minister", "director", "adviser", "advisor", "secretary", "president", "governor", "mayor", "leader",
              "chief", "chairman", "analyst", "researcher", "correspondent", "reporter", "editor", "founder",
              "emir", "prime minister", "foreign minister", "defense minister", "defence minister", "press secretary",
              "secretary of state", "secretary of defense", "special envoy", "special representative", "high commissioner",
              "inspector general", "chief of staff", "commanding general"}
_MODIFIERS = {"deputy", "senior", "chief", "top", "former", "acting", "press", "military", "commanding", "regional", "local",
              "assistant", "lead", "executive", "special", "interim", "official", "political", "first", "principal", "public",
              "affairs", "media", "then", "current", "new", "overall", "field", "general", "vice", "prime", "foreign",
              "defense", "defence", "interior", "presidential", "joint", "coalition", "operations", "operational", "sector",
              "a", "an", "the", "its", "their", "his", "her"}
_ROLE_PREPS = {"for", "of", "at", "with", "in", "to", "on"}
_ORG_JOIN = {"of", "the", "and", "for", "-", "–", "al", "ad", "az", "as", "on", "in", "to", "against", "&"}


@dataclass(frozen=True)
class Title:
    text: str
    kind: str            # rank | service | office | honorific | role
    family: str | None


@dataclass
class Lexicon:
    titles: dict[str, Title]                  # folded title text → Title
    pre_chain: re.Pattern                     # a run of titles ending where a name starts
    lead: re.Pattern                          # titles at the start of a span ("Col. Joel Harper")
    one: re.Pattern                           # one title, at a position
    role_head: re.Pattern                     # a role or office noun, any case
    words: frozenset[str]                     # every word of every title, folded, without periods


def _pattern(title: str) -> str:
    out = re.escape(title).replace(r"\.", r"\.?").replace(r"\ ", _SP)
    return re.sub("['’]", "['’]", out)


def _key(text: str) -> str:
    return " ".join(text.replace(".", " ").replace("’", "'").casefold().split())


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("sitrep.data").joinpath("titles.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")))
    titles: dict[str, Title] = {}
    for r in rows:
        t = Title(r["title"], r["kind"], r["family"] or None)
        k = _key(t.text)
        if k not in titles or titles[k].kind == "role":
            titles[k] = t
    pre = [r["title"] for r in rows if r["kind"] != "role" or r["title"] in _PRE_ROLES]
    alt = "|".join(_pattern(t) for t in sorted(set(pre), key=len, reverse=True))
    heads = sorted({r["title"].casefold() for r in rows if r["kind"] in ("office", "role", "rank")}, key=len, reverse=True)
    head_alt = "|".join(_pattern(t) for t in heads)
    return Lexicon(
        titles=titles,
        pre_chain=re.compile(rf"(?<![\w.])((?:(?:{alt})(?:{_SP}|$))+)$"),
        lead=re.compile(rf"^((?:(?:{alt})(?:{_SP}|$))+)"),
        one=re.compile(rf"(?:{alt})(?![\w])"),
        role_head=re.compile(rf"(?:{head_alt})(?![\w])", re.I),
        words=frozenset(w for r in rows for w in _key(r["title"]).split()),
    )


def titleish(word: str) -> bool:
    """Whether a word can be part of a title (a cheap test before the title expressions)."""
    return _key(word) in lexicon().words


def title_of(text: str) -> Title | None:
    return lexicon().titles.get(_key(text))


def split_chain(chain: str, base: int) -> list[tuple[str, int, int]]:
    """The titles of a chain ("Army Maj. Gen. ") as (text, start, end), in order."""
    lex = lexicon()
    out = []
    pos = 0
    while pos < len(chain):
        m = lex.one.match(chain, pos)
        if m is None:
            ws = re.match(_SP, chain[pos:])
            if ws is None:
                break
            pos += ws.end()
            continue
        out.append((m.group(0), base + m.start(), base + m.end()))
        pos = m.end()
    return out


def chain_roles(chain: list[tuple[str, int, int]], org: str | None) -> list[Role]:
    """Roles read off a title chain: a service is the organisation of the rank after it; honorifics are dropped."""
    roles: list[Role] = []
    service = None
    for _i, (text, s, e) in enumerate(chain):
        t = title_of(text)
        if t is None or t.kind == "honorific":
            continue
        if t.kind == "service":
            service = text if service is None else f"{service} {text}"
            continue
        roles.append(Role(title=text, organization=service or (org if not roles else None), start=s, end=e))
        service = None
    return roles


def families(roles: list[Role]) -> set[str]:
    out = set()
    for r in roles:
        t = title_of(r.title)
        if t is not None and t.family:
            out.add(t.family)
        else:
            m = lexicon().role_head.search(r.title)
            t = title_of(m.group(0)) if m else None
            if t is not None and t.family:
                out.add(t.family)
    return out


# --------------------------------------------------------------------------- person mentions

@dataclass
class PersonMention:
    start: int              # characters of the name alone
    end: int
    tok_start: int
    tok_end: int
    text: str
    roles: list[Role] = field(default_factory=list)
    cluster: int = -1
    titled: str | None = None     # the name with the titles before it: "Colonel Ryan"

    @property
    def parts(self) -> list[str]:
        return name_parts(self.text)


def name_parts(name: str) -> list[str]:
    """Folded name words without initials, particles glued to the next word ("al-Kadhimi" → "kadhimi")."""
    words = fold_name(name.replace("-", " - ")).split()
    out: list[str] = []
    skip_next_dash = False
    for w in words:
        if w in ("-", "–"):
            skip_next_dash = True
            continue
        if len(w) == 1:
            continue
        if out and skip_next_dash and out[-1] in _PARTICLES:
            out[-1] = w                      # "al - kadhimi" → "kadhimi"
        elif out and skip_next_dash:
            out[-1] = out[-1] + "-" + w      # "fitton - brown" → "fitton-brown"
        else:
            out.append(w)
        skip_next_dash = False
    return [w for w in out if w not in _PARTICLES] or out


def name_run(doc, i: int, limit: int = 6) -> int:
    """The end of a run of name words from token i ("Abdullah II", "Richard “Tex” Coe", "Mustafa al-Kadhimi")."""
    n = len(doc)
    j = i
    last_name = i
    while j < n and j - i < limit:
        t = doc[j]
        if "\n" in t.text or (j > i and "\n" in doc[j - 1].whitespace_):
            break
        if t.text[:1].isupper() and (t.is_alpha or re.fullmatch(r"[A-Z]\.|[A-Z][\w’'-]+", t.text)):
            j += 1
            last_name = j
            continue
        if j > i and (t.lower_ in _PARTICLES or t.text in _SUFFIXES) and j + 1 < n and doc[j + 1].text[:1].isupper():
            j += 1
            continue
        if j > i and t.text in ('"', "“", "”") and j + 2 < n and doc[j + 1].text[:1].isupper() and doc[j + 2].text in ('"', "“", "”"):
            j += 3
            continue
        break
    while last_name < n and doc[last_name].text in _SUFFIXES:
        last_name += 1
    return last_name


def pre_roles(text: str, start: int, org_before) -> tuple[list[Role], int]:
    """Titles right before a name at `start`: the roles and where the titles begin (`start` if none).

    `org_before(pos)` gives (organisation text, its start) for a mention ending at pos
    (a possessive "’s" in between is allowed), or None.
    """
    lo = max(0, start - 90)
    window = text[lo:start]
    m = lexicon().pre_chain.search(window)
    if m is None:
        return [], start
    chain = split_chain(m.group(1), lo + m.start(1))
    if not chain:
        return [], start
    begin = chain[0][1]
    org = org_before(begin)
    return chain_roles(chain, org[0] if org else None), begin


def appositive_roles(doc, text: str, end_tok: int, mention_at, stop_at: set[int]) -> list[Role]:
    """Roles in an appositive after a name: ", spokesperson for the Coalition", ", CENTCOM Commander".

    `mention_at(tok)` gives (text, end token) of a named mention starting at that token;
    `stop_at` holds the tokens where another person's name starts.
    """
    n = len(doc)
    if end_tok >= n or doc[end_tok].text != ",":
        return []
    p = end_tok + 1
    if p < n and doc[p].lower_ in ("a", "an", "the"):
        p += 1
    if p >= n or p in stop_at:
        return []
    org = None
    m = mention_at(p)
    if m is not None and m[1] < n and doc[m[1]].text[:1].isalpha():
        org, p = m[0], m[1]                      # "CENTCOM Commander", "the Coalition spokesperson"
    start_char = doc[p].idx
    line_end = text.find("\n", start_char)
    segment = text[start_char:line_end if line_end >= 0 else len(text)][:90]
    head = lexicon().role_head.search(segment)
    if head is None:
        return []
    words = segment[:head.start()].split()
    if len(words) > 3 or any(w.casefold().rstrip("-") not in _MODIFIERS for w in words):
        return []
    while words and words[0].casefold() in ("a", "an", "the", "its", "their", "his", "her"):
        words = words[1:]
    t_end = start_char + head.end()
    t_start = text.index(words[0], start_char) if words else start_char + head.start()
    title_text = text[t_start:t_end]
    if org is None:
        q = _tok_at(doc, t_end)
        if q is not None and q < n and doc[q].lower_ in _ROLE_PREPS:
            q += 1
            if q < n and doc[q].lower_ in ("the", "a", "an"):
                q += 1
            m = mention_at(q) if q < n else None
            if m is not None:
                org = m[0]
            elif q < n and doc[q].text[:1].isupper() and q not in stop_at:
                j = q
                while j < n and j - q < 10 and j not in stop_at and "\n" not in doc[j].text \
                        and (doc[j].text[:1].isupper() or doc[j].lower_ in _ORG_JOIN):
                    j += 1
                while j > q and doc[j - 1].lower_ in _ORG_JOIN:
                    j -= 1
                if j > q:
                    org = doc[q:j].text
    return [Role(title=title_text, organization=org, start=t_start, end=t_end)]


def _tok_at(doc, char: int) -> int | None:
    sp = doc.char_span(char, char, alignment_mode="expand")
    if sp is not None:
        return sp.start
    for t in doc:
        if t.idx >= char:
            return t.i
    return None


# --------------------------------------------------------------------------- coreference

def compatible(a: set[str], b: set[str]) -> bool:
    """Titles agree when either side has none, or they share a family."""
    return not a or not b or bool(a & b)


def cluster_people(mentions: list[PersonMention]) -> list[list[PersonMention]]:
    """Group one article's person mentions into people (mentions in text order)."""
    clusters: list[list[PersonMention]] = []
    info: list[dict] = []          # per cluster: parts of the fullest name, families, first position

    def add(m: PersonMention, k: int | None) -> None:
        fams = families(m.roles)
        if k is None:
            clusters.append([m])
            info.append({"parts": m.parts, "fam": set(fams), "first": m.start, "pos": [m.start]})
            m.cluster = len(clusters) - 1
            return
        clusters[k].append(m)
        inf = info[k]
        if len(m.parts) > len(inf["parts"]):
            inf["parts"] = m.parts
        inf["fam"] |= fams
        inf["pos"].append(m.start)
        m.cluster = k

    ordered = sorted(mentions, key=lambda x: x.start)
    # full names first, so a surname can point forward to a later full name when nothing comes before
    fulls = [m for m in ordered if len(m.parts) >= 2]
    for m in fulls:
        k = next((k for k, inf in enumerate(info) if len(inf["parts"]) >= 2 and _same_full(m.parts, inf["parts"])), None)
        add(m, k)
    for m in ordered:
        if len(m.parts) >= 2 and m.cluster >= 0:
            continue
        parts = m.parts
        if not parts:
            add(m, None)
            continue
        fams = families(m.roles)
        exact, fuzzy = [], []
        for k, inf in enumerate(info):
            full = inf["parts"]
            if len(full) <= len(parts):
                continue
            if full[-len(parts):] == parts:
                if compatible(fams, inf["fam"]):
                    exact.append(k)
            elif len(parts) == 1 and len(parts[0]) >= 5 and OSA.distance(full[-1], parts[0]) <= 1 \
                    and fams and inf["fam"] and fams & inf["fam"]:
                fuzzy.append(k)          # "Gen. Mackenzie" for Gen. Frank McKenzie: the titles agree
        k = _nearest(exact or fuzzy, info, m.start)
        if k is None:
            k = next((k for k, inf in enumerate(info) if inf["parts"] == parts and compatible(fams, inf["fam"])), None)
        add(m, k)
    return clusters


def _same_full(a: list[str], b: list[str]) -> bool:
    return a[0] == b[0] and a[-1] == b[-1]


def _nearest(cands: list[int], info: list[dict], pos: int) -> int | None:
    """The candidate mentioned last before `pos`; failing that, the first mentioned after it."""
    before = [k for k in cands if info[k]["first"] < pos]
    if before:
        return max(before, key=lambda k: max(p for p in info[k]["pos"] if p < pos))
    after = [k for k in cands if info[k]["first"] > pos]
    return min(after, key=lambda k: info[k]["first"]) if after else None
