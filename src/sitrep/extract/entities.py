"""Entities of one document: every name that points at an actor, a person or a place, resolved.

Mentions come from four sources, in this order of trust:

1. the actor knowledge base (`sitrep_actors`, `sitrep.nlp.actors`): KB names and acronyms,
   typing slips, forces named by nationality ("Iraqi forces"), backed forces
   ("Iranian-backed militias") and generic nouns ("the coalition");
2. spaCy's PERSON spans with their titles stripped (`sitrep.extract.people`), and names
   after a title that spaCy missed ("King Abdullah II"); a title alone is no person;
3. the document's resolved places (a PERSON or NORP span that is a place, "Dayro Zcuro",
   becomes that place), and spaCy's GPE/LOC/FAC spans;
4. spaCy's other entities (ORG, NORP, …), unless a KB mention overlaps them ("Islamic"
   of Islamic State tagged NORP is dropped).

Then, per document: acronyms bind to their expansion ("Iraqi Security Forces, or ISF",
"Syrian Democratic Forces (SDF)"; a known acronym wins over a wrong expansion, so "Syrian
Defense Forces, or SDF" is the Syrian Democratic Forces); generic nouns bind to the actor
the article means (the last one named that the noun can mean, else one its context
supports: "the coalition" in an article about ISIS is the Global Coalition); person
mentions corefer (`people.cluster_people`). Each group becomes one `Entity`: KB actors
carry `kb_id` "actor:<id>" and their KB facts, people outside the KB a stable
"person:<full name>" id, places "geonames:<id>", so the same actor gets the same `kb_id`
in every article.

`doc.user_data["sitrep.entity_index"]` keeps an `EntityIndex` for the quotes and claims
stages (which entity stands at given characters, who holds a role).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from sitrep.extract.labels import label_uses
from sitrep.extract.people import (
    PersonMention,
    appositive_roles,
    cluster_people,
    families,
    lexicon,
    name_run,
    pre_roles,
    title_of,
    titleish,
)
from sitrep.model import Entity, Role, Span
from sitrep.nlp.actors import KEY as ACTOR_KEY
from sitrep.nlp.actors import ActorSpan, country_names, cues, english_words
from sitrep.nlp.places import demonyms
from sitrep.resolve.actors import Actor, load_kb, person_kb_id

INDEX_KEY = "sitrep.entity_index"
_DETERMINERS = {"the", "a", "an"}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&\-–]*[A-Z][A-Za-z]*$|^[A-Z]{2,}s?$")


def trim(span) -> tuple[str, int, int] | None:
    """The span's text without leading determiners, trailing possessive or punctuation, or white space
    at either end ("The  " tagged ORG is no name).

    A name never runs across a line break ("Abu Hamam\\nMilitants" after a title line):
    the span is cut there, keeping the part before the break.
    """
    tokens = list(span)
    for i, tok in enumerate(tokens):
        if "\n" in tok.text or "\n" in tok.whitespace_:
            tokens = tokens[:i + (0 if tok.is_space else 1)] or tokens[i + 1:]
            break
    while tokens and (tokens[0].lower_ in _DETERMINERS or tokens[0].is_space):
        tokens.pop(0)
    while tokens and (tokens[-1].lower_ in {"'s", "’s", "'", "’"} or tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    # a Span's text, not Doc.text: the latter re-joins the whole document on every access
    return span.doc[tokens[0].i:tokens[-1].i + 1].text, start, end


def key_of(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def entity_id(doc_id: str, key: str) -> str:
    return "ent-" + hashlib.sha1(f"{doc_id}\x1f{key}".encode()).hexdigest()[:12]


@dataclass
class _M:
    """A mention being assembled: characters, tokens, and the group it joins."""
    start: int
    end: int
    tok_start: int
    tok_end: int
    text: str
    kind: str                        # actor | person | place | ner
    key: str
    etype: str
    label: str | None = None         # the group's canonical name, when it is not read off the mentions
    ids: tuple[str, ...] = ()
    person: PersonMention | None = None
    place: object | None = None
    span: ActorSpan | None = None


@dataclass
class EntityIndex:
    """What the quotes and claims stages need to know about one document's entities."""
    entities: list[Entity]
    mentions: list[tuple[int, int, Entity]] = field(default_factory=list)      # (start, end, entity), by start
    role_orgs: dict[str, list[tuple[set[str], str | None, str | None]]] = field(default_factory=dict)
    org_key: dict[str, str] = field(default_factory=dict)                      # entity id → group key

    def at(self, start: int, end: int) -> Entity | None:
        """The entity with the longest mention inside [start, end), preferring people."""
        inside = [(s, e, ent) for s, e, ent in self.mentions if start <= s and e <= end]
        if not inside:
            return None
        return max(inside, key=lambda x: (x[2].type == "PERSON", x[1] - x[0], -x[0]))[2]

    def named(self, name: str) -> Entity | None:
        """The entity `name` names on its own ("Pence" for Mike Pence, "Hamas"): one of its names or
        mentions, or a person's last name; None when none or several people share it."""
        k = key_of(name)
        if not k:
            return None
        exact = [e for e in self.entities if k == key_of(e.canonical) or k in (key_of(a) for a in e.aliases)
                 or any(k == key_of(m.text) for m in e.mentions)]
        if exact:
            return exact[0]
        last = [e for e in self.entities if e.type == "PERSON" and key_of(e.canonical).endswith(" " + k)]
        return last[0] if len(last) == 1 else None

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        return [(s, e, ent) for s, e, ent in self.mentions if s < end and start < e]

    def holders(self, family: str, org_entity: Entity | None, org_text: str | None) -> list[Entity]:
        """People who hold a role of `family`, for the organisation named (when one is)."""
        out = []
        for ent in self.entities:
            for fams, org_id, org_txt in self.role_orgs.get(ent.id, []):
                if family not in fams:
                    continue
                if org_entity is None and not org_text:
                    out.append(ent)
                elif org_entity is not None and org_id == org_entity.id:
                    out.append(ent)
                elif org_text and org_txt and key_of(org_text) in key_of(org_txt):
                    out.append(ent)
        return list({e.id: e for e in out}.values())


def extract_entities(doc, doc_id: str, places=None, text: str | None = None,
                     skip: list[tuple[int, int]] | None = None) -> list[Entity]:
    """The document's entities; `places` (its resolved places) lets names that are places be places;
    nothing inside `skip` (a byline's lines) is a mention."""
    text = doc.text if text is None else text
    kb = load_kb()
    uses = label_uses()
    c = cues()
    place_at = {(p.start, p.end): p for p in (places or []) if p.geonameid is not None and not p.in_name}
    place_by_text = {key_of(p.text): p for p in place_at.values()}
    place_spans = sorted(place_at)
    any_place = {(p.start, p.end): p for p in (places or []) if not p.in_name}
    words = english_words()
    vessels = set(c["vessel_prefixes"])
    vessel_names: dict[str, _M] = {}
    taken: dict[int, _M] = {}                     # token → the mention holding it
    mentions: list[_M] = []

    def add(m: _M) -> None:
        mentions.append(m)
        for i in range(m.tok_start, m.tok_end):
            taken[i] = m

    # 1. the knowledge base and the forces
    for sp in doc.user_data.get(ACTOR_KEY, []):
        s, e = doc[sp.start].idx, doc[sp.end - 1].idx + len(doc[sp.end - 1].text)
        actor = kb.get(sp.ids[0]) if sp.ids and sp.source != "generic" else None
        if actor is not None:
            etype = actor.entity_type
        elif sp.source == "backed":
            etype = "ARMED_GROUP"
        elif sp.source == "nationality":
            etype = "ORG" if sp.noun == "government" else "MILITARY_UNIT"
        else:
            etype = "ORG"
        add(_M(s, e, sp.start, sp.end, doc[sp.start:sp.end].text, "actor", sp.key, etype, sp.label, sp.ids, span=sp))

    # 2-4. spaCy's entities
    persons: list[_M] = []
    for ent in doc.ents:
        use = uses.get(ent.label_)
        if use is None or use.entity_type is None:
            continue
        t = trim(ent)
        if t is None:
            continue
        etext, s, e = t
        sp = doc.char_span(s, e)
        if sp is None or any(i in taken for i in range(sp.start, sp.end)):
            continue
        place = place_at.get((s, e)) or (any_place.get((s, e)) if ent.label_ == "ORG" else None)
        if place is None and use.place:
            place = place_by_text.get(key_of(etext))       # "U.S." as a modifier, named as a place elsewhere
        if place is not None and ent.label_ in ("PERSON", "NORP", "ORG", "FAC", "GPE", "LOC"):
            add(_place(place, sp, etext))
            continue
        if any(ps <= s and e <= pe and (ps, pe) != (s, e) for ps, pe in place_spans):
            continue                              # "Salah" of the place "Salah ad-Din"
        inner = [pl for (ps, pe), pl in place_at.items() if s <= ps and pe <= e and (ps, pe) != (s, e)]
        if inner and ent.label_ in ("PERSON", "NORP") and \
                all(t.is_punct or t.lower_ in _LEADS for t in doc[sp.start:sp.end] if not inner[0].start <= t.idx < inner[0].end):
            psp = doc.char_span(inner[0].start, inner[0].end)
            if psp is not None:                  # "Near Palmyra" tagged PERSON
                add(_place(inner[0], psp, psp.text))
            continue
        low = etext.casefold()
        first = etext.split()[0]
        if ent.label_ in ("PERSON", "ORG", "PRODUCT", "FAC") and first in vessels and len(sp) > 1:
            m = _M(s, e, sp.start, sp.end, etext, "ner", "vessel:" + key_of(etext), "OTHER")   # "USS Mahan"
            vessel_names[etext.split()[-1].casefold()] = m
            add(m)
            continue
        if ent.label_ == "PERSON" and (any(ch.isdigit() or ch == "@" for ch in etext)
                                       or (etext.isupper() and low in words and len(sp) == 1)):
            continue                              # "Passcode 3080897", "QUESTION:" of a transcript
        if ent.label_ == "PERSON" and low in vessel_names:
            v = vessel_names[low]
            add(_M(s, e, sp.start, sp.end, etext, "ner", v.key, "OTHER"))          # "Forbin" after "FS Forbin"
            continue
        if ent.label_ in ("PERSON", "ORG", "NORP") and len(sp) <= 2 and any(titleish(w) for w in etext.split()) \
                and _in_title(text, s, e):
            continue                              # "State" of "Secretary of State", "Army" of "Army Maj. Gen."
        if ent.label_ != "PERSON" and _titled_inside(text, s, e):
            continue                              # "Later Gen. Macallister" tagged ORG: the name is found below
        if ent.label_ == "PERSON" and low.split()[0] not in c["operation_words"]:
            pm = _person(doc, text, sp, kb)
            if pm is not None:
                persons.append(pm)
                add(pm)
            continue
        if ent.label_ == "ORG" and _named_like_a_person(doc, text, sp, c):
            pm = _person(doc, text, sp, kb)      # "Knox Thames, the Special Advisor to …" tagged ORG
            if pm is not None:
                persons.append(pm)
                add(pm)
                continue
        etype = use.entity_type
        words_ = low.split()
        if ent.label_ in ("ORG", "PRODUCT", "EVENT", "PERSON") and words_[0] in c["operation_words"]:
            etype = "OTHER"                      # "Operation Roundup" is an operation, not an actor
        elif "@" in etext or any(w in c["document_words"] for w in words_):
            etype = "OTHER"                      # "Law of Armed Conflict", "Geneva Communique", "@ABlinken"
        elif etype == "ORG" and any(low.endswith(" " + w) or low == w for w in c["unit_words"]):
            etype = "MILITARY_UNIT"
        elif etype in ("ORG", "OTHER") and words_[-1] in c["weapon_words"]:
            etype = "WEAPON"
        elif etype == "ORG" and len(words_) > 1 and any(low.endswith(" " + w) for w in c["facility_words"]):
            etype = "FAC"                        # "Tiyas Military Airfield"
        kind = "place" if use.place else "ner"
        add(_M(s, e, sp.start, sp.end, etext, kind, "ner:" + key_of(etext), etype))

    # names after a title that spaCy missed: "King Abdullah II", "Brig. Gen. Richard “Tex” Coe"
    for s_tok, e_tok in _titled_names(doc, text, taken):
        sp = doc[s_tok:e_tok]
        pm = _person(doc, text, sp, kb)
        if pm is not None:
            persons.append(pm)
            add(pm)

    for s_tok, e_tok in _ordinal_units(doc, text, taken, c["unit_words"]):   # "the 158th Fighter Wing"
        u = doc[s_tok:e_tok]
        add(_M(u.start_char, u.end_char, s_tok, e_tok, u.text, "ner", "ner:" + key_of(u.text), "MILITARY_UNIT"))
    for pm in _surnames(doc, persons, taken, words):                          # "Votel explained …"
        persons.append(pm)
        for i in range(pm.tok_start, pm.tok_end):
            old = taken.get(i)
            if old is not None and old in mentions:
                mentions.remove(old)
        add(pm)

    mentions.sort(key=lambda m: m.start)
    _bind_acronyms(doc, mentions, taken, kb)
    _bind_generics(mentions, kb)

    # roles of people: titles before, appositives after
    def org_before(pos: int):
        j = pos
        while j > 0 and text[j - 1] in " \u200e\u200f":
            j -= 1
        if text[max(0, j - 2):j] in ("'s", "’s"):
            j -= 2
        elif text[max(0, j - 1):j] in ("'", "’"):
            j -= 1
        tok = _tok_ending(doc, j)
        m = taken.get(tok) if tok is not None else None
        if m is None or m.kind == "person" or m.end != j:
            low = text[max(0, j - 20):j].split()[-1:] if j > 0 else []
            if low and low[0].casefold() in demonyms():
                word = low[0]
                return country_names().get(demonyms()[word.casefold()], word), j - len(word)
            return None
        cc = demonyms().get(m.text.casefold())
        if cc:                                    # "Iraqi Prime Minister": of Iraq
            return country_names().get(cc, m.text), m.start
        return m.text, m.start

    def mention_at(tok: int):
        m = taken.get(tok)
        if m is None or m.tok_start != tok or m.kind == "person":
            return None
        return m.text, m.tok_end

    person_starts = {m.tok_start for m in persons}
    for m in persons:
        roles, begin = pre_roles(text, m.start, org_before)
        if begin < m.start and "\n" not in text[begin:m.start]:
            m.person.titled = text[begin:m.end]
        roles += appositive_roles(doc, text, m.tok_end, mention_at, person_starts - {m.tok_start})
        m.person.roles = roles

    # one entity per group
    clusters = cluster_people([m.person for m in persons])
    by_person = {id(m.person): m for m in persons}
    for _k, cl in enumerate(clusters):
        full = max(cl, key=lambda p: (len(p.parts), len(p.text)))
        pid = person_kb_id(full.text)
        for p in cl:
            by_person[id(p)].key = pid or ("personlocal:" + key_of(full.text))
            by_person[id(p)].label = full.text

    groups: dict[str, list[_M]] = {}
    for m in mentions:
        if skip and any(a <= m.start < b for a, b in skip):
            continue
        groups.setdefault(m.key, []).append(m)
    out: list[Entity] = []
    index = EntityIndex(out)
    for key, ms in groups.items():
        ent = _entity(doc_id, key, ms, kb)
        out.append(ent)
        index.org_key[ent.id] = key
        for m in ms:
            index.mentions.append((m.start, m.end, ent))
    index.mentions.sort(key=lambda x: x[0])
    # who holds which role, for "the Coalition spokesperson said"
    for ent, _ms in zip(out, groups.values()):
        if ent.type != "PERSON":
            continue
        for r in ent.roles:
            fams = families([r])
            org_ent = None
            if r.organization and r.start is not None:
                org_ent = _org_entity(index, text, r)
            index.role_orgs.setdefault(ent.id, []).append((fams, org_ent.id if org_ent else None, r.organization))
    out.sort(key=lambda e: e.mentions[0].start if e.mentions else -1)
    doc.user_data[INDEX_KEY] = index
    return out


# --------------------------------------------------------------------------- pieces

def _place(place, sp, etext: str) -> _M:
    fc = place.feature_code or ""
    etype = "GPE" if fc.startswith(("PCL", "ADM", "PPL")) or place.precision in ("country", "admin1", "admin2", "city") else "LOC"
    return _M(sp.start_char, sp.end_char, sp.start, sp.end, etext, "place", f"geonames:{place.geonameid}", etype,
              place.name, place=place)


def _person(doc, text: str, sp, kb) -> _M | None:
    """A PERSON span without its titles (and a possessor before them: "Jordan’s King …"); None if nothing is left."""
    s, e = sp.start_char, sp.end_char
    lex = lexicon()
    inner = text[s:e]
    poss = re.match(r"^[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?['’]s\s+", inner)
    off = poss.end() if poss and lex.lead.match(inner[poss.end():]) else 0
    m = lex.lead.match(inner[off:])
    if m:
        off += m.end()
    name = doc.char_span(s + off, e, alignment_mode="expand") if off else sp
    if name is None or len(name) == 0:
        return None
    # a title alone ("Brig", "Col") or a word that is a title is no person
    words = [t for t in name if t.is_alpha]
    if not words or all(title_of(t.text) or title_of(t.text + ".") for t in words):
        return None
    if kb.lookup(name.text):
        return None
    end = name_run(doc, name.start)
    if end > name.end and "\n" not in doc[name.start:end].text:
        name = doc[name.start:end]                # "Richard" of "Richard “Tex” Coe"
    pm = PersonMention(name.start_char, name.end_char, name.start, name.end, name.text)
    return _M(name.start_char, name.end_char, name.start, name.end, name.text, "person", "", "PERSON", person=pm)


def _titled_names(doc, text: str, taken: dict[int, _M]) -> list[tuple[int, int]]:
    """Capitalised names right after a capitalised title that no mention holds yet."""
    out = []
    lex = lexicon()
    for t in doc:
        if t.i in taken or not t.text[:1].isupper() or not t.is_alpha or t.i == 0:
            continue
        prev = doc[t.i - 1].text if doc[t.i - 1].text != "." or t.i < 2 else doc[t.i - 2].text
        if not titleish(prev):
            continue
        window = text[max(0, t.idx - 60):t.idx]
        m = lex.pre_chain.search(window)
        if m is None:
            continue
        last = m.group(1).split()[-1]
        tt = title_of(last) or title_of(m.group(1).strip())
        if not last[:1].isupper() or (tt is not None and tt.kind == "service"):
            continue
        if title_of(t.text) or title_of(t.text + "."):
            continue
        end = name_run(doc, t.i)
        if end <= t.i or any(i in taken for i in range(t.i, end)):
            continue
        out.append((t.i, end))
    return out


_LEADS = {"near", "in", "at", "from", "outside", "around", "the", "of", "to", "into", "toward", "towards"}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")


def _ordinal_units(doc, text: str, taken: dict, unit_words: list[str]) -> list[tuple[int, int]]:
    """Units named with an ordinal that no mention holds: "158th Fighter Wing", "3rd Battalion"."""
    if not re.search(r"\d(?:st|nd|rd|th)\b", text):
        return []
    units = set(unit_words)
    out = []
    n = len(doc)
    for t in doc:
        if not _ORDINAL.match(t.text) or t.i in taken:
            continue
        j = t.i + 1
        while j < n and j - t.i <= 5 and doc[j].text[:1].isupper() and doc[j].is_alpha and j not in taken:
            j += 1
        end = None
        for k in range(j, t.i + 1, -1):
            words = " ".join(x.lower_ for x in doc[t.i + 1:k])
            if doc[k - 1].lower_ in units or any(words.endswith(u) for u in units if " " in u):
                end = k
                break
        if end is not None:
            out.append((t.i, end))
    return out


def _surnames(doc, persons: list[_M], taken: dict, words: frozenset) -> list[_M]:
    """Surnames of the article's people that spaCy did not tag (or tagged ORG): "Votel explained", "KERRY:"."""
    from sitrep.extract.people import name_parts
    known = {}
    for m in persons:
        parts = name_parts(m.text)
        if len(parts) >= 2 and len(parts[-1]) >= 3:
            known[parts[-1]] = m
    if not known:
        return []
    out = []
    for t in doc:
        low = t.lower_
        if low not in known or not t.text[:1].isupper() or not t.is_alpha:
            continue
        held = taken.get(t.i)
        if held is not None and (held.kind in ("person", "actor", "place") or held.tok_end - held.tok_start != 1):
            continue
        if low in words and (t.is_sent_start or t.i == 0):
            continue                              # "Cook" opening a sentence may be the verb's subject or a word
        pm = PersonMention(t.idx, t.idx + len(t.text), t.i, t.i + 1, t.text)
        out.append(_M(pm.start, pm.end, t.i, t.i + 1, t.text, "person", "", "PERSON", person=pm))
    return out


def _named_like_a_person(doc, text: str, sp, c: dict) -> bool:
    """An ORG span of two or three capitalised words, no organisation word, and a role after it."""
    toks = [t for t in sp]
    if not 2 <= len(toks) <= 3 or not all(t.is_alpha and t.text[:1].isupper() and not t.is_upper for t in toks):
        return False
    if any(t.lower_ in c["org_words"] or t.lower_ in c["unit_words"] for t in toks):
        return False
    return bool(appositive_roles(doc, text, sp.end, lambda i: None, set()))


_PLACE_WORDS = {"base", "airport", "airbase", "hospital", "university", "mosque", "school", "bridge", "street", "road",
                "square", "stadium", "palace", "camp", "dam", "college", "academy", "city", "port", "center", "centre"}


def _titled_inside(text: str, s: int, e: int) -> bool:
    """A span that ends with a title and a name ("Later Gen. Macallister"): a person the model called something else."""
    for m in lexicon().one.finditer(text, s, e):
        t = title_of(m.group(0))
        if t is None or t.kind not in ("rank", "office", "honorific") or not m.group(0)[:1].isupper():
            continue
        rest = text[m.end():e].split()
        if 1 <= len(rest) <= 3 and all(w[:1].isupper() for w in rest) and rest[-1].casefold() not in _PLACE_WORDS:
            return True
    return False


def _in_title(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] lies inside a title ("State" of "Secretary of State") or is the service of a rank ("Army Maj. Gen.")."""
    lex = lexicon()
    for m in lex.one.finditer(text, max(0, s - 40), min(len(text), e + 25)):
        ms, me = m.start(), m.end()
        if ms <= s and e <= me and (ms, me) != (s, e):
            return True
        if (ms, me) == (s, e):
            t = title_of(m.group(0))
            gap = re.match(r"[\s\u200e\u200f]+", text[e:e + 4])
            if t is not None and t.kind == "service" and gap and lex.one.match(text, e + gap.end()):
                return True
    return False


def _tok_ending(doc, char: int) -> int | None:
    sp = doc.char_span(max(0, char - 1), char, alignment_mode="expand")
    return sp.end - 1 if sp is not None and len(sp) else None


def _acronym_ok(acr: str, long_words: list[str]) -> bool:
    """Whether the letters of `acr` can be the initials of `long_words` (a suffix of them)."""
    letters = [ch for ch in acr.rstrip("s") if ch.isupper()]
    initials = [w[0].upper() for w in long_words if w[:1].isalpha() and w[0].isupper()]
    if len(letters) < 2 or not initials:
        return False
    for start in range(len(initials)):
        if initials[start] != letters[0]:
            continue
        it = iter(initials[start:])
        if all(any(ch == x for x in it) for ch in letters) and start == 0:
            return True
    return False


def _bind_acronyms(doc, mentions: list[_M], taken: dict[int, _M], kb) -> None:
    """"LONG (ACR)" and "LONG, or ACR": the two are one entity in this document, and so are all ACR mentions."""
    n = len(doc)
    binds: dict[str, tuple[str, str, str | None, tuple]] = {}     # acronym text → (key, etype, label, ids)
    for i in range(1, n - 1):
        tok = doc[i]
        if tok.text == "(" and i + 2 < n and doc[i + 2].text == ")":
            a = i + 1
        elif tok.text == "," and i + 2 < n and doc[i + 1].lower_ == "or" and \
                (i + 3 >= n or doc[i + 3].is_punct or doc[i + 3].lower_ in ("and", "are", "is")):
            a = i + 2
        else:
            continue
        acr = doc[a].text
        if not _ACRONYM.match(acr) or len(acr) > 10:
            continue
        long_m = taken.get(i - 1)
        if long_m is not None and (long_m.tok_end != i or long_m.kind == "person"):
            long_m = None
        acr_m = taken.get(a)
        if long_m is None:
            j = i
            while j > 0 and i - j < 10 and (doc[j - 1].text[:1].isupper() or (j < i and doc[j - 1].lower_ in ("of", "the", "and", "for", "-", "–"))) \
                    and "\n" not in doc[j - 1].whitespace_ and (j - 1) not in taken:
                j -= 1
            while j < i and not doc[j].text[:1].isupper():
                j += 1
            words = [t.text for t in doc[j:i]]
            # the shortest tail of the run whose initials the acronym spells
            k = next((k for k in range(len(words) - 2, -1, -1) if _acronym_ok(acr, words[k:])), None)
            if k is None:
                continue
            span = doc[j + k:i]
            if acr_m is not None and acr_m.kind == "actor":
                long_m = _M(span.start_char, span.end_char, span.start, span.end, span.text, "actor", acr_m.key,
                            acr_m.etype, acr_m.label, acr_m.ids)
            else:
                etype = "WEAPON" if span[-1].lower_ in cues()["weapon_words"] else "ORG"
                long_m = _M(span.start_char, span.end_char, span.start, span.end, span.text, "ner",
                            "acr:" + key_of(span.text), etype, span.text)
            mentions.append(long_m)
            for x in range(span.start, span.end):
                taken[x] = long_m
        elif long_m.kind != "actor" and acr_m is not None and acr_m.kind == "actor":
            # a known acronym wins over an expansion we do not know ("Syrian Defense Forces, or SDF")
            if not _acronym_ok(acr, long_m.text.split()):
                continue
            long_m.kind, long_m.key, long_m.etype, long_m.label, long_m.ids = \
                "actor", acr_m.key, acr_m.etype, acr_m.label, acr_m.ids
        elif long_m.kind != "actor":
            if not _acronym_ok(acr, long_m.text.split()):
                continue
            long_m.key, long_m.label = "acr:" + key_of(long_m.text), long_m.text
        binds[acr] = (long_m.key, long_m.etype, long_m.label, long_m.ids, long_m.kind)
    if not binds:
        return
    # every mention of a bound acronym joins its expansion; acronyms spaCy did not tag become mentions
    for m in mentions:
        b = binds.get(m.text)
        if b and m.kind in ("ner", "actor"):
            m.key, m.etype, m.label, m.ids, m.kind = b[0], b[1], b[2], b[3], b[4]
    for t in doc:
        b = binds.get(t.text)
        if b and t.i not in taken:
            m = _M(t.idx, t.idx + len(t.text), t.i, t.i + 1, t.text, b[4], b[0], b[1], b[2], b[3])
            mentions.append(m)
            taken[t.i] = m
    mentions.sort(key=lambda m: m.start)


def _bind_generics(mentions: list[_M], kb) -> None:
    """"the coalition": the last actor named that it can mean, else one whose context the article supports."""
    present = {m.key for m in mentions if m.kind == "actor"}
    last: dict[str, int] = {}
    for m in mentions:
        if m.kind == "actor" and m.key.startswith("actor:"):
            last[m.key] = m.start
        if not m.key.startswith("generic:"):
            continue
        cands = [i for i in m.ids if "actor:" + i in last]
        if cands:
            pick = max(cands, key=lambda i: last["actor:" + i])
        else:
            pick = next((i for i in m.ids if any("actor:" + c in present for c in kb.actors[i].context)), None)
        if pick is not None:
            actor = kb.actors[pick]
            m.key, m.etype, m.ids = actor.kb_id, actor.entity_type, (pick,)
        else:
            m.key, m.etype, m.label = "generic:" + m.text.casefold(), "ORG", m.text.casefold()


def _org_entity(index: EntityIndex, text: str, r: Role) -> Entity | None:
    """The entity a role's organisation names, looked up near the role."""
    lo = r.start if r.start is not None else 0
    for s, e, ent in index.mentions:
        if ent.type != "PERSON" and text[s:e] == r.organization and abs(s - lo) < 200:
            return ent
    for s, e, ent in index.mentions:
        if ent.type != "PERSON" and (text[s:e] in (r.organization or "") and abs(s - lo) < 200):
            return ent
    return None


def _entity(doc_id: str, key: str, ms: list[_M], kb) -> Entity:
    ms = sorted(ms, key=lambda m: m.start)
    spans = [Span(m.text, m.start, m.end) for m in ms]
    seen = set()
    spans = [s for s in spans if not ((s.start, s.end) in seen or seen.add((s.start, s.end)))]
    actor: Actor | None = kb.by_kb_id(key)
    roles: list[Role] = []
    if ms[0].kind == "person":
        canonical, etype = ms[0].label or max((m.text for m in ms), key=len), "PERSON"
        kb_id = key if key.startswith("person:") else None
        seen_roles = set()
        for m in ms:
            for r in (m.person.roles if m.person else []):
                k = (r.title.casefold(), (r.organization or "").casefold())
                if k not in seen_roles:
                    seen_roles.add(k)
                    roles.append(r)
        with_org = {r.title.casefold() for r in roles if r.organization}
        roles = [r for r in roles if r.organization or r.title.casefold() not in with_org]
        ent = Entity(id=entity_id(doc_id, key), canonical=canonical, type=etype, kb_id=kb_id)
    elif actor is not None:
        ent = Entity(id=entity_id(doc_id, key), canonical=actor.canonical, type=actor.entity_type, kb_id=actor.kb_id,
                     wikidata=actor.wikidata, actor_type=actor.type, acled_actor=actor.acled_name, inter=actor.inter,
                     country=actor.country)
    elif key.startswith(("forces:", "police:", "government:", "backed:")):
        cls, cc = key.split(":")[0], key.split(":")[1]
        typ = {"forces": "state military", "police": "police", "government": "government", "backed": "militia"}[cls]
        ent = Entity(id=entity_id(doc_id, key), canonical=ms[0].label or ms[0].text, type=ms[0].etype, kb_id=key,
                     actor_type=typ, acled_actor=ms[0].label if cls != "backed" else None,
                     inter={"forces": 1, "police": 1, "government": 1, "backed": 3}[cls],
                     country=cc if cls != "backed" else None)
    elif ms[0].kind == "place":
        place = next((m.place for m in ms if m.place is not None), None)
        etype = Counter(m.etype for m in ms).most_common(1)[0][0]
        # the name as the article writes it (the gazetteer's "Ar Raqqah" is in `places`); kb_id carries the identity
        counts = Counter(m.text for m in ms)
        canonical = max(counts, key=lambda t: (t == getattr(place, "name", None), counts[t], len(t)))
        ent = Entity(id=entity_id(doc_id, key), canonical=canonical, type=etype,
                     kb_id=key if key.startswith("geonames:") else None,
                     country=getattr(place, "country_code", None))
    else:
        etype = Counter(m.etype for m in ms).most_common(1)[0][0]
        canonical = ms[0].label if key.startswith(("acr:", "generic:")) and ms[0].label else max((m.text for m in ms), key=len)
        ent = Entity(id=entity_id(doc_id, key), canonical=canonical, type=etype)
    ent.mentions = spans
    titled = {m.person.titled for m in ms if m.person is not None and m.person.titled}
    ent.aliases = sorted(({s.text for s in spans} | titled) - {ent.canonical})
    ent.roles = roles
    return ent
