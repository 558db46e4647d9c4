"""Place candidates and the tests on token runs and spans that find them: the `Candidate` a
mention becomes, whether a run of tokens can be a name, overlaps, surnames, pairs, and which
gazetteer entries a bare mention may mean (a division named with a compass part; a town its
province, written after it, holds). Used by `sitrep.nlp.places` (the spaCy component)."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from spacy.tokens import Span

from sitrep.nlp.encoder import vocabulary
from sitrep.resolve.fold import ARTICLES
from sitrep.resolve.gazetteer import Entry

# lower-case words inside a name: "Mato Grosso do Sul", "Pinar del Río", "Newcastle upon Tyne"
# (a run is a place only when the gazetteer knows the whole of it)
CONNECTORS = {"-", "–", "'", "’", "of", "de", "du", "la", "le", "bin", "abu", "umm", "ibn", "bani", "beni",
               "do", "da", "dos", "das", "del", "della", "des", "di", "los", "las", "el", "en", "sur", "upon"}
DETERMINERS = {"the", "a", "an"}
_ROMANCE_CONNECTORS = {"do", "da", "dos", "das", "de", "del", "della", "des", "di", "du"}
MAX_TOKENS = 6      # the longest place name looked up, in tokens
# the kinds of place that follow a name and make it one, known or not ("Xyz village", "Abc district")
NAMING_FEATURES = {"village", "town", "city", "district", "sub-district", "subdistrict", "sub", "township", "neighbourhood",
                   "neighborhood", "county", "municipality", "province", "governorate", "commune", "locality",
                   "lga", "woreda", "payam", "tehsil", "upazila", "cercle", "kebele", "corregimiento"}
PLACE_PREPOSITIONS = {"in", "at", "near", "around", "outside", "inside", "into", "from"}


@dataclass
class Candidate:
    text: str
    start: int
    end: int
    source: str                                 # ner | entity | gazetteer | demonym
    label: str | None = None                    # spaCy's label, when it came from NER
    entries: list[tuple[Entry, int]] = field(default_factory=list)
    context: float = 0.0                        # evidence from the words around it
    feature_hint: str | None = None             # a feature code the context asks for
    relation: str | None = None                 # east | northeast | … | border | outskirts …
    phrase: tuple[int, int] | None = None       # the whole relative phrase, when there is one
    phrase_text: str | None = None
    anchor_country: str | None = None           # for "the Iraqi borders": IQ
    in_name: str | None = None                  # the organisation name it sits in
    weak: bool = False                          # no context for it: kept only if the article's countries agree
    actor_like: bool = False                    # "The United States condemns…": a subject, likely an actor
    adjectival: bool = False                    # "Turkish", "U.S. forces": names a country, qualifies a noun
    sub_city: bool = False                      # "the Santurce neighbourhood", "colonia Bethania": part of a town
    sponsor: bool = False                       # "Saudi-led", "Iran-backed": a country behind an actor, elsewhere

def trim(span):
    """The span without leading determiners, trailing possessives or punctuation, or a line break."""
    s, e = span.start, span.end
    doc = span.doc
    for k in range(s, e):
        if doc[k].text in ("(", "["):             # "Xyz (Abc": the model ran into a bracket
            e = k
            break
        if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
            e = k + (0 if doc[k].is_space else 1)
            break
    while s < e and doc[s].lower_ in DETERMINERS:
        s += 1
    while e > s and (doc[e - 1].lower_ in ("'s", "’s", "'", "’") or doc[e - 1].is_punct):
        e -= 1
    return doc[s:e] if e > s else None


def can_start(doc, i: int) -> bool:
    t = doc[i]
    if t.text[:1].isupper() and alpha(t):
        return True
    # "al-Hol", "ar-Raqqa": a lower-case article glued by a hyphen to a capitalised name
    return t.lower_ in ARTICLES and i + 2 < len(doc) and doc[i + 1].text == "-" and doc[i + 2].text[:1].isupper()


def is_name_run(span, not_names: set[str]) -> bool:
    last = span[-1]
    if not (last.text[:1].isupper() and alpha(last)) or last.lower_ in not_names:
        return False
    if len(span) == 1 and (last.is_stop or last.is_upper or last.tag_ not in ("NNP", "NNPS")):
        return False
    for t in span:
        if t.text[:1].isupper() or t.lower_ in ARTICLES or t.lower_ in CONNECTORS:
            if "\n" in t.whitespace_ and t.i != span.end - 1:
                return False
            continue
        return False
    return True


def opens_romance_name(doc, span) -> bool:
    """"Largo do Alameda", "Plaza de Mayo": a Romance connector and a capitalised word follow, so the run
    is the first word of a longer name, not the place it alone names."""
    return span.end + 1 < len(doc) and doc[span.end].lower_ in _ROMANCE_CONNECTORS \
        and doc[span.end + 1].text[:1].isupper()


def inside_longer_name(doc, span, openers: set[str]) -> bool:
    """A capitalised neighbour makes a one-word run part of a longer name; so does a Romance connector
    and a capitalised word after it ("Largo do Alameda", "Plaza de Mayo")."""
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if opens_romance_name(doc, span):
        return True
    for t in (before, after):
        if t is not None and t.text[:1].isupper() and t.is_alpha and t.lower_ not in openers \
                and not (t is before and t.is_sent_start):
            return True
    return False


def alpha(t) -> bool:
    """Letters only, once invisible direction marks (U+200E, U+200F) are set aside."""
    return t.is_alpha or t.text.strip("\u200e\u200f").isalpha()


def without_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Where candidates overlap, the longer one stays ("Salah ad-Din" over "ad-Din")."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def is_surname(c: Candidate, surnames: set[str]) -> bool:
    """"Carter complimented…" after "Ash Carter": a person, unless the word names a country."""
    return c.text.lower() in surnames and not any((e.feature_code or "").startswith("PCL") for e, _ in c.entries)


BRACKETS = re.compile(r"\s*\(([^()\n]{2,120})\)")


NEAR = {"near", "nearby", "around", "outside"}
_PAIR_TAILS = {"road": "road", "highway": "road", "route": "road", "border": "border", "borders": "border",
               "frontier": "border", "boundary": "border", "provincial border": "border", "border area": "border"}


def pairs(doc, cands: list[Candidate]) -> None:
    """"between A and B", "the A–B road", "the A-B provincial border": each of the two is near the place
    meant, not the place itself (`relation` between, road, border; `phrase` the whole phrase)."""
    text = doc.text
    for a, b in zip(cands, cands[1:]):
        if a.relation or b.relation or a.adjectival or b.adjectival:
            continue
        gap = text[a.end:b.start]
        before = text[max(0, a.start - 9):a.start].lower()
        tail = text[b.end:b.end + 24].lower().split()
        relation = None
        if gap.strip().lower() == "and" and before.rstrip().endswith("between"):
            relation, lo, hi = "between", a.start - len(before) + before.rstrip().rfind("between"), b.end
        elif gap.strip() in ("-", "–", "—", "/") and tail:
            key = " ".join(tail[:2]).strip(",.") if " ".join(tail[:2]).strip(",.") in _PAIR_TAILS else tail[0].strip(",.")
            if key in _PAIR_TAILS:
                relation, lo = _PAIR_TAILS[key], a.start
                hi = text.lower().find(key, b.end) + len(key)
        if relation:
            for c in (a, b):
                c.relation, c.phrase, c.phrase_text = relation, (lo, hi), text[lo:hi]


def names_country(c: Candidate) -> bool:
    return any((e.feature_code or "").startswith("PCL") for e, t in c.entries if t == 0)


def acronym_only(c: Candidate) -> bool:
    """"SDF", "SAC", "DoD": an acronym is a place only when it names a country ("US", "UAE") or,
    written with its dots, a province ("B.C.")."""
    letters = [ch for ch in c.text if ch.isalpha()]
    if len(letters) > 4 or sum(ch.isupper() for ch in letters) < 2:
        return False
    dotted = "." in c.text
    return not any((e.feature_code or "").startswith("PCL") or (dotted and e.feature_code == "ADM1")
                   for e, t in c.entries if t == 0)


def is_major(e: Entry) -> bool:
    """A place that a bare mention most likely means: a country, a province, a big city, one of ours."""
    return (e.feature_code in ("PCLI", "ADM1") or e.source == "sitrep"
            or ((e.feature_code or "").startswith("PPL") and e.population >= 100_000))


def is_notable(e: Entry) -> bool:
    """Important enough to take from a bare capitalised word: countries, provinces, towns, our own."""
    return (e.feature_code in ("PCLI", "ADM1", "CONT") or e.source == "sitrep"
            or (e.feature_code or "").startswith("PPLC") or e.population >= 20_000)


def text_at(doc, start: int, end: int) -> str:
    """The document's text between two token boundaries (a phrase's text, from its offsets)."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    return sp.text if sp is not None and sp.start_char == start and sp.end_char == end else doc.text[start:end]


_GLUE_LABELS = {"GPE", "LOC", "FAC", "PERSON", "ORG", "NORP"}


def glued_entities(doc, place_labels: set[str], naming_features: set[str], not_names: set[str],
                   max_tokens: int = 6) -> list:
    """spaCy's entities, where the small model split one place name in two: a place entity and the
    entities or capitalised words glued to it (a space between, no punctuation) are one name when a
    word naming a kind of place follows ("Kaing Taw Ma village", tagged GPE + PERSON) or the second
    part opens with a lower-case connector ("Mineral del Chico", tagged GPE + GPE). And one place
    entity that holds a comma is two places, a town and its container ("Longnan, Gansu")."""
    ents = []
    for ent in doc.ents:
        commas = [t.i for t in ent if t.text == ","]
        if ent.label_ not in place_labels or not commas:
            ents.append(ent)
            continue
        lo = ent.start
        for cut in [*commas, ent.end]:
            if cut > lo:
                ents.append(Span(doc, lo, cut, label=ent.label_))
            lo = cut + 1
    out = []
    k = 0
    while k < len(ents):
        ent = ents[k]
        if ent.label_ not in place_labels:
            out.append(ent)
            k += 1
            continue
        j, m, connector = ent.end, k + 1, False
        while j < len(doc) and j - ent.start < max_tokens and doc[j - 1].whitespace_ == " ":
            if m < len(ents) and ents[m].start == j and ents[m].label_ in _GLUE_LABELS:
                connector = connector or doc[j].lower_ in CONNECTORS
                j, m = ents[m].end, m + 1
            elif doc[j].text[:1].isupper() and alpha(doc[j]) and not doc[j].ent_type_ \
                    and doc[j].lower_ not in not_names and doc[j].lower_ not in naming_features:
                j += 1
            else:
                break
        named = j < len(doc) and doc[j].lower_ in naming_features
        if j > ent.end and (named or connector):
            out.append(Span(doc, ent.start, j, label=ent.label_))
            k = m
        else:
            out.append(ent)
            k += 1
    return out


# "Shan-North", "Bago-East": a division, a hyphen, a compass word
_COMPASS_PART = re.compile(r"^(\w[\w' ]*?)\s*[-‐–]\s*([A-Za-z]+)$")


def lookup(gazetteer, directions: dict[str, str], name: str) -> list[tuple[Entry, int]]:
    """The gazetteer's readings of a name; for a division's part named by a compass word joined to it
    ("Shan-North", "Bago-East": a part the gazetteer does not list), the division's own readings."""
    entries = gazetteer.lookup(name)
    if entries:
        return entries
    m = _COMPASS_PART.match(name)
    if m is None or m.group(2).lower() not in directions:
        return entries
    return [(e, t) for e, t in gazetteer.lookup(m.group(1)) if e.feature_code in ("ADM1", "ADM2")]


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """The whole words of the sentence encoder's WordPiece vocabulary (`data/encoder/tokenizer.json`):
    the ~20,000 most frequent words of English text, lowercased — frequent place names among them."""
    return frozenset(w for w in vocabulary() if len(w) >= 3 and w.isalpha() and w.islower())


def is_common_word(text: str) -> bool:
    """A capitalised dictionary word ("Patrol", "White", "Constitution"), not a rare name ("Markaryd")."""
    return " " not in text and text[:1].isupper() and text.lower() in _common_words()


def rare_name(span) -> bool:
    """A short name none of whose words is a word of English ("Markaryd", "Vieux-Habitants"), unlike an
    organisation's ("Congress", "Hamas", "Reuters")."""
    words = [t.text for t in span if t.is_alpha]
    return 0 < len(words) <= 3 and not any(w.lower() in _common_words() for w in words)


_CLAUSE_END = {".", ",", ";", ":", ")", "(", "-", "–"}


def held_by_previous(doc, start: int, c: Candidate, place_ends: set[int]) -> bool:
    """Whether the name at token `start` follows a place and a comma and ends its clause, and the gazetteer
    knows it as a province, a district or a town: the writer's own chain ("Navestad, Norrkoping.",
    "Xyz (west), Luhansk.") says the second name is where the first lies, whatever the model called it
    ("Luhansk" tagged PERSON, "Norrkoping" ORG). Not "in Kabul, Karzai said": the name ends no clause."""
    if start < 2 or doc[start - 1].text != ",":
        return False
    k = start - 2
    if doc[k].text == ")":                    # a note after the place: "Xyz (west), Luhansk"
        k = next((j for j in range(k - 1, max(-1, k - 8), -1) if doc[j].text == "("), -1) - 1
    while k > 0 and doc[k].lower_ in NAMING_FEATURES:      # "Xyz village, Luhansk"
        k -= 1
    if k < 0 or doc[k].idx + len(doc[k].text) not in place_ends:
        return False
    end = next((t.i + 1 for t in doc[start:start + MAX_TOKENS] if t.idx + len(t.text) == c.end), None)
    if end is None or (end < len(doc) and doc[end].text not in _CLAUSE_END and doc[end].lower_ not in NAMING_FEATURES
                       and doc[end].lower_ not in ("region", "oblast", "state")):
        return False
    return any(t == 0 and (e.feature_code in ("ADM1", "ADM2") or ((e.feature_code or "").startswith("PPL")
                                                                 and e.population >= 1000))
               for e, t in c.entries)


def held_by_next(gazetteer, doc, end: int, c: Candidate) -> bool:
    """Whether a comma and a province's name follow token `end`, and the province holds one of the
    name's exact readings: the writer's own chain ("Xyzivka, Sumy") says the name is that place."""
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    inner = [e for e, t in c.entries if t == 0 and (e.feature_code or "").startswith("PPL") and e.admin1_code]
    if not inner:
        return False
    for n in (3, 2, 1):
        nxt = doc[end + 1:end + 1 + n]
        if len(nxt) < n or not nxt[0].text[:1].isupper():
            continue
        provinces = {(e.country_code, e.admin1_code) for e in gazetteer.lookup_exact(nxt.text)
                     if e.feature_code == "ADM1"}
        if provinces:
            return any((e.country_code, e.admin1_code) in provinces for e in inner)
    return False
