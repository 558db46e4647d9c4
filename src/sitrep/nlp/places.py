"""The `sitrep_places` spaCy component: place-name candidates, with the context that weighs them.

It reconciles spaCy's entities with the gazetteer: GPE/LOC/FAC spans are candidates;
other entities the small model mislabels ("Dayro Zcuro" as a PERSON) become candidates
when the gazetteer knows them and the context says "place"; capitalised runs the model
missed ("Hamrin", "Salah ad-Din") are matched in the gazetteer directly. Around each
candidate it reads the words that matter (data/place_cues.json): a preposition or a
feature word raises it ("in X", "X province", "the X mountains"), a title or "said"
lowers it, a direction makes it relative ("east of X", "eastern X"), a nationality
before "border"/"desert" makes a region of that country ("near the Iraqi borders").
A place inside an organisation's name ("Dayr Az Zawr Military Council") is kept with
`in_name` set, so events do not take it for where they happened. Names written as
containers — in brackets after a place, before a comma and a province — are found by
`sitrep.nlp.place_containers`; the tests on spans and runs live in `sitrep.nlp.place_spans`.

Candidates go to `doc.user_data["sitrep.place_candidates"]`; choosing among the
gazetteer's entries is `sitrep.resolve.places`'s job.
"""
from __future__ import annotations

import csv
import functools
import json
import re
from collections import Counter
from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from sitrep.nlp.place_containers import ContainerFinder
from sitrep.nlp.place_spans import (
    CONNECTORS,
    DETERMINERS,
    MAX_TOKENS,
    NAMING_FEATURES,
    NEAR,
    PLACE_PREPOSITIONS,
    Candidate,
    acronym_only,
    alpha,
    can_start,
    glued_entities,
    held_by_next,
    held_by_previous,
    inside_longer_name,
    is_common_word,
    is_major,
    is_name_run,
    is_notable,
    is_surname,
    lookup,
    names_country,
    opens_romance_name,
    pairs,
    rare_name,
    text_at,
    trim,
    without_overlaps,
)
from sitrep.resolve.actors import fold_case, load_kb
from sitrep.resolve.fold import ARTICLES
from sitrep.resolve.gazetteer import Gazetteer

KEY = "sitrep.place_candidates"
VOTES = "sitrep.country_mentions"
PLACE_LABELS = {"GPE", "LOC", "FAC"}
@functools.lru_cache(maxsize=1)
def cues() -> dict:
    return json.loads(resources.files("sitrep.data").joinpath("place_cues.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    text = resources.files("sitrep.data").joinpath("demonyms.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    from sitrep.resolve.admin import country_demonyms

    return {**country_demonyms(), **{r["demonym"].lower(): r["country_code"] for r in rows}}


@functools.lru_cache(maxsize=1)
def named_orgs() -> list[str]:
    text = resources.files("sitrep.data").joinpath("named_orgs.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.lru_cache(maxsize=1)
def actor_names() -> frozenset[str]:
    """The names of the actors the knowledge base knows (`data/actors.csv`), case folded: "Hamas" is
    also an old name of Hamm, "Fano" a town in Italy, "Xinhua" villages in China."""
    return frozenset(load_kb().by_alias)


@Language.factory("sitrep_places", default_config={"gazetteer_path": None})
def make_places(nlp: Language, name: str, gazetteer_path: str | None):
    return PlaceRecognizer(nlp, gazetteer_path)


class PlaceRecognizer(ContainerFinder):
    def __init__(self, nlp: Language, gazetteer_path: str | None = None):
        self.gazetteer_path = gazetteer_path
        self.org_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.org_matcher.add("ORG", list(nlp.tokenizer.pipe(named_orgs())))
        self._gaz: Gazetteer | None = None
        c = cues()
        self.raise_before = set(c["raise_before"])
        self.lower_before = set(c["lower_before"])
        self.feature_after = c["feature_after"]
        self.feature_before = c["feature_before"]
        self.directions = c["directions"]
        self.relative_of = set(c["relative_of"])
        self.border_words = set(c["border_words"])
        self.actor_nouns = set(c["actor_nouns"])
        self.not_names = set(c["not_names"])
        self.feature_lead = c["feature_lead"]
        self.sub_city_words = set(c["sub_city_words"])
        armed = json.loads(resources.files("sitrep.data").joinpath("actor_cues.json").read_text(encoding="utf-8"))
        self.armed_nouns = set(c["armed_nouns"]) | set(armed["force_nouns"]) | set(armed["weapon_words"])
        self.chain_features = set(c["chain_features"])
        self.place_nouns = set(c["place_nouns"]) | set(self.feature_after) | self.chain_features
        self.demonyms = demonyms()

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = Gazetteer.open(self.gazetteer_path)
        return self._gaz

    # ------------------------------------------------------------------ spaCy entry point
    def __call__(self, doc):
        out: list[Candidate] = []
        surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
                    and e[0].lower_ not in self.raise_before}
        place_tokens: set[int] = set()     # inside spaCy's place entities
        owner: dict[int, object] = {}      # token → the non-place entity it belongs to
        nicknamed = [m.span() for m in _NICKNAMED.finditer(doc.text)]   # "Ferdinand 'Bongbong' Marcos"
        for ent in glued_entities(doc, PLACE_LABELS, NAMING_FEATURES, self.not_names, MAX_TOKENS):
            span = trim(ent)
            if ent.label_ in PLACE_LABELS and span is not None and span.text.lower() in self.demonyms \
                    and not self.gazetteer.lookup_exact(span.text):
                place_tokens.update(range(ent.start, ent.end))
                out.extend(self._demonym(span))       # "Ukrainian positions" tagged GPE: a nationality word
                continue
            if ent.label_ in PLACE_LABELS:
                place_tokens.update(range(ent.start, ent.end))
                if span is not None:
                    span = self._town_before_part(span)
                if span is not None and span.text.lower() not in self.not_names:
                    c = self._candidate(span, "ner", ent.label_)
                    if self._is_actor_modifier(span):     # "U.S. forces", "Winnipeg police": a qualifier
                        if not any(t == 0 for _, t in c.entries):
                            continue
                        c.adjectival = True
                    out.append(c)
                continue
            for k in range(ent.start, ent.end):
                owner[k] = ent
            if span is None or (len(span) == 1 and opens_romance_name(doc, span)):
                continue
            if ent.label_ == "NORP" and span.text.lower() in self.demonyms:
                out.extend(self._demonym(span))
            elif ent.label_ in ("NORP", "PERSON", "ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"):
                if len(span) > 1 and span[0].lower_ in self.raise_before:   # "Near Ar Raqqah" as a PERSON
                    span = span[1:]
                # the small model calls "Samarra" NORP and "Dayro Zcuro" PERSON: the gazetteer and
                # the context decide (a person's name needs the context, a notable place does not)
                c = self._candidate(span, "entity", ent.label_)
                exact = [e for e, t in c.entries if t == 0]
                # "the town of Dabiq"; an organisation's name needs a feature word, or a preposition of
                # place before a capital or a big town ("marched in Nuuk" with Nuuk tagged ORG) or before a
                # rare name, no word of English ("demonstrated in Markaryd": not "in Congress")
                support = (c.feature_hint is not None or (c.context > 0 and (
                    any(is_notable(e) for e in exact) or (exact and rare_name(span) and self._right_after_in(span))))
                           ) if ent.label_ == "ORG" else c.context > 0
                support = support or held_by_next(self.gazetteer, doc, span.end, c)     # "Xyzivka, Sumy" tagged ORG
                support = support or held_by_previous(doc, span.start, c, {p.end for p in out if not p.adjectival})
                if exact and (support or (ent.label_ == "NORP" and any(is_notable(e) for e in exact))):
                    out.append(c)
                elif exact and any(is_major(e) for e in exact) and span.text.lower() not in surnames:
                    c.weak = True          # "to isolate Raqqah" with Raqqah tagged PERSON
                    out.append(c)
        out.extend(self._gazetteer_runs(doc, place_tokens, owner))
        # names in brackets after a place are read as places: they replace a weaker reading of the
        # same words ("Al Jawf" taken for a PERSON) and stray fragments inside them ("Al")
        added = self._bracketed(doc, out)
        added += self._comma_heads(doc, out + added)
        spans = {(c.start, c.end) for c in added}
        out = [c for c in out if (c.start, c.end) not in spans] + added
        pairs(doc, sorted(out, key=lambda c: c.start))
        kept = []
        for c in out:
            if acronym_only(c) or is_surname(c, surnames) or any(a <= c.start and c.end <= b for a, b in nicknamed) \
                    or self._names_an_actor(c):
                continue
            if not c.adjectival and self._qualifies(doc, c):
                if not names_country(c):
                    continue
                c.adjectival = True          # "Syria's government", "Iraq security forces"
            kept.append(c)
        out = kept
        out = without_overlaps(out)
        for _, s, e in self.org_matcher(doc):
            name = doc[s:e]
            for c in out:
                if name.start_char <= c.start and c.end <= name.end_char:
                    c.in_name = name.text
        for c in out:
            c.sponsor = _sponsors(doc, c.end)
        doc.user_data[KEY] = out
        doc.user_data[VOTES] = Counter(self.demonyms[e.text.lower()] for e in doc.ents
                                       if (e.label_ == "NORP" or e.label_ in PLACE_LABELS)
                                       and e.text.lower() in self.demonyms and not _sponsors(doc, e.end_char)
                                       and not self._armed(doc, e.end))
        return doc

    @staticmethod
    def _right_after_in(span) -> bool:
        """"in Markaryd", "at Wijster": a preposition of place right before, no possessive after (not
        "according to Al-Ahram", "to Prate's office", "in the Ballon d'Or")."""
        doc = span.doc
        return span.start > 0 and doc[span.start - 1].lower_ in PLACE_PREPOSITIONS and (
            span.end >= len(doc) or doc[span.end].lower_ not in ("'s", "’s", "'", "’"))

    @staticmethod
    def _names_an_actor(c: Candidate) -> bool:
        """"in Hamas strongholds", "Fano militiamen": an actor's name is no namesake place unless a feature word
        makes it one; countries and provinces that name governments stay places, and a name the gazetteer does
        not know ("at the Pentagon") stays what the model called it."""
        return bool(c.entries) and not c.feature_hint \
            and fold_case(c.text) in actor_names() and not any(t == 0 and ((e.feature_code or "").startswith("PCL") or e.feature_code == "ADM1")
                        for e, t in c.entries)

    @staticmethod
    def _common_word_only(c: Candidate) -> bool:
        """A capitalised word of English ("Patrol", "White") whose only readings are small places, with no
        feature word after it."""
        return not c.feature_hint and is_common_word(c.text) and not any(is_notable(e) for e, _ in c.entries)

    def _armed(self, doc, end: int) -> bool:
        """"Russian forces", "Israeli airstrikes": the nationality of who fights or strikes."""
        return end < len(doc) and doc[end].lower_ in self.armed_nouns

    # ------------------------------------------------------------------ building one candidate
    def _candidate(self, span, source: str, label: str | None = None) -> Candidate:
        doc = span.doc
        lead = span[0].lower_
        if len(span) > 1 and lead in self.directions and not any(
                t == 0 and (e.feature_code in ("PCLI", "ADM1", "ADM2") or e.population >= 100_000)
                for e, t in self.gazetteer.lookup(span.text)):   # "Northeast Syria", not "South Africa", "Lower Dir"
            c = self._candidate(span[1:], source, label)
            c.relation = self.directions[lead]
            c.phrase, c.phrase_text = (span.start_char, c.end), text_at(doc, span.start_char, c.end)
            return c
        if len(span) > 1 and span[-1].lower_ in self.feature_after and not self.gazetteer.lookup_exact(span.text):
            return self._candidate(span[:-1], source, label)    # "Hasakah province" taken whole by the model
        c = Candidate(span.text, span.start_char, span.end_char, source, label)
        c.actor_like = span.root.dep_ in ("nsubj", "nsubjpass", "poss")
        # a feature word right after: "Kirkuk province", "the Hamrin mountains", "al-Hol camp"
        nxt = doc[span.end:span.end + 2]
        for n in (2, 1):
            words = " ".join(t.lower_ for t in nxt[:n])
            if len(nxt) >= n and words in self.feature_after:
                longer = doc[span.start:span.end + n]
                hint = self.feature_after[words]
                if self.gazetteer.lookup_exact(longer.text):
                    # "Mansa district": the Zambian district named so, and the Indian one GeoNames calls
                    # "Mansa" — the short name's readings of the kind the word names stay candidates
                    entries = self.gazetteer.lookup(longer.text)
                    have = {e.id for e, _ in entries}
                    entries += [(e, t) for e, t in self.gazetteer.lookup(span.text)
                                if e.id not in have and (e.feature_code or "").startswith(hint[:3])]
                    c.text, c.end, c.entries = longer.text, longer.end_char, entries
                c.feature_hint = hint
                c.context += 1.0
                break
        if not c.entries:
            c.entries = lookup(self.gazetteer, self.directions, c.text)
        end_tok = next((t.i + 1 for t in doc[span.end:span.end + 2] if t.idx + len(t) == c.end), span.end)
        after = doc[end_tok:end_tok + 1]
        if len(after) and after[0].lower_ in ("countryside", "outskirts", "suburbs", "vicinity"):   # "X countryside"
            c.relation, c.phrase = after[0].lower_, (c.start, after[0].idx + len(after[0].text))
            c.phrase_text = text_at(doc, c.start, c.phrase[1])
        lead = span[0].lower_
        if len(span) > 1 and lead in self.feature_lead:             # "Camp Hurriya", "Mount Sinjar"
            c.feature_hint = c.feature_hint or self.feature_lead[lead]
        # the words before: "in X" raises, "Col. X" or "said X" lowers, "east of X" / "eastern X" relates
        prev = doc[max(0, span.start - 3):span.start]
        prev_words = [t.lower_ for t in prev]
        if prev_words and prev_words[-1] in DETERMINERS:
            prev_words = prev_words[:-1]
            prev = prev[:-1]
        # a class of places just before: "displacement camps, like al-Hol", "towns such as Hajin"
        for t in doc[max(0, span.start - 4):span.start]:
            hint = self.feature_after.get(t.lemma_.lower())
            if hint and (t.tag_ == "NNS" or (t.tag_ == "NN" and doc[t.i + 1].lower_ != "of")):   # not "X area of Y"
                c.context += 1.0
                c.feature_hint = c.feature_hint or hint
                break
        if prev_words:
            last = prev_words[-1]
            if last in self.raise_before:
                c.context += 1.0
            if last in self.lower_before:
                c.context -= 2.0
            if last in self.directions:
                c.relation, c.phrase = self.directions[last], (prev[-1].idx, c.end)
                c.phrase_text = text_at(doc, prev[-1].idx, c.end)
            elif last in NEAR:                               # "near X", "around X": near it, not in it
                c.relation, c.phrase = "near", (prev[-1].idx, c.end)
                c.phrase_text = text_at(doc, prev[-1].idx, c.end)
            elif last == "of" and len(prev_words) >= 2:
                before = prev_words[-2]
                two = " ".join(prev_words[-2:])
                if before in self.directions or before in self.relative_of:
                    c.relation = self.directions.get(before, before)
                    c.phrase = (prev[-2].idx, c.end)
                    c.phrase_text = text_at(doc, prev[-2].idx, c.end)
                if two in self.feature_before:
                    hint = self.feature_before[two]
                    c.feature_hint = None if hint == "REL" else hint
                    c.context += 1.0
        c.sub_city = self._names_part_of_a_town(doc, end_tok, prev_words) or (
            len(span) > 1 and span[-1].lower_ in self.sub_city_words)      # "Centennial Park", "Tahrir Square"
        if self._qualifies_a_thing(span, c):
            c.context, c.weak = min(c.context, 0.0), True
        return c

    def _names_part_of_a_town(self, doc, end_tok: int, prev_words: list[str]) -> bool:
        """"the Santurce neighbourhood", "Saavedra park", "colonia Bethania", "the neighbourhood of X";
        not "the Cincinnati suburb of West Chester", where the name is the town."""
        words = self.sub_city_words
        after = [t.lower_ for t in doc[end_tok:end_tok + 3]]
        if prev_words and (prev_words[-1] in words or (prev_words[-1] == "of" and len(prev_words) >= 2
                                                        and prev_words[-2] in words)):
            return True
        for n in (2, 1):
            if len(after) >= n and " ".join(after[:n]) in words:
                return after[n:n + 1] != ["of"]
        return False

    def _qualifies_a_thing(self, span, c: Candidate) -> bool:
        """"the Marriott hotel", "Massa farmers", "Molotov cocktails": a name that qualifies a common noun
        other than a kind of place; the "in"/"at" before it belongs to that noun. Well-known places
        ("Kabul residents") and countries are exempt."""
        if c.feature_hint:
            return False
        doc = span.doc
        last = doc[span.end - 1]
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is None or last.dep_ != "compound" or last.head != nxt or nxt.pos_ != "NOUN" or not nxt.is_lower:
            return False
        if nxt.lower_ in self.place_nouns or nxt.lemma_.lower() in self.place_nouns:
            return False
        return not any(t == 0 and is_major(e) for e, t in c.entries)

    def _unknown_named_place(self, doc, i: int, place_tokens: set[int], owner: dict) -> Candidate | None:
        """"the village of Qaryat Zzyxq": a name the gazetteer lacks, that its words call a place."""
        before = " ".join(t.lower_ for t in doc[max(0, i - 2):i])
        if before not in self.feature_before or self.feature_before[before] == "REL":
            return self._unknown_before_feature(doc, i, place_tokens, owner)
        j = i
        while j < len(doc) and j - i < MAX_TOKENS and j not in place_tokens \
                and (doc[j].text[:1].isupper() or (j > i and doc[j].lower_ in ARTICLES | CONNECTORS)):
            j += 1
        while j > i and not doc[j - 1].text[:1].isupper():
            j -= 1
        if j == i:
            return None
        span = doc[i:j]
        return Candidate(span.text, span.start_char, span.end_char, "context", None, context=1.0,
                         feature_hint=self.feature_before[before])

    def _unknown_before_feature(self, doc, i: int, place_tokens: set[int], owner: dict) -> Candidate | None:
        """"Qaryat Zzyx village", "Xyzane district": a name the gazetteer lacks, followed by the kind of
        place it is."""
        if doc[i].tag_ == "IN" and doc[i].lower_ in PLACE_PREPOSITIONS:
            return None           # "In Xyz town" opening a sentence: the name starts after the preposition
        j = i
        while j < len(doc) and j - i < MAX_TOKENS and j not in place_tokens and doc[j].text[:1].isupper() \
                and alpha(doc[j]) and doc[j].lower_ not in self.not_names:
            j += 1
        if j == i or j >= len(doc) or not (doc[j].lower_ in NAMING_FEATURES or (
                doc[j].lower_ == "area" and i > 0 and doc[i - 1].lower_ == "the")):     # "the Xyz area of Y"
            return None
        if any(k in owner and owner[k].label_ == "NORP" for k in range(i, j)):
            return None
        span = doc[i:j]
        return Candidate(span.text, span.start_char, span.end_char, "context", None, context=1.0,
                         feature_hint=self.feature_after.get(doc[j].lower_),
                         entries=self.gazetteer.lookup(span.text))

    def _qualifies(self, doc, c: Candidate) -> bool:
        """A country's name used as a modifier ("U.S. strike", "Asad regime") qualifies, it does not locate."""
        if c.source == "demonym" or c.relation or c.in_name:
            return False
        span = doc.char_span(c.start, c.end)
        if span is None:
            return False
        if self._is_actor_modifier(span):
            return True
        country = any((e.feature_code or "").startswith("PCL") for e, t in c.entries if t == 0)
        if span.start >= 2 and doc[span.start - 1].text == "," and doc[span.start - 2].ent_type_ in PLACE_LABELS:
            return False          # "Dayr az Zawr, Syria airstrike": the country locates the town
        head = span.root.head
        return (country and span.root.dep_ in ("compound", "amod", "nmod") and head.i >= span.end
                and head.tag_ in ("NN", "NNS") and head.lower_ not in self.feature_after)

    def _is_actor_modifier(self, span) -> bool:
        """"U.S. forces", "Iraq's government", "U.S.-led": the name qualifies an actor, not a place."""
        doc = span.doc
        after = doc[span.end:span.end + 2]
        if len(after) >= 2 and after[0].text in ("-", "–") and after[1].lower_ in ("led", "backed", "based", "trained"):
            return True
        before = doc[max(0, span.start - 2):span.start]
        if len(before) == 2 and before[1].lower_ == "of" and before[0].lower_ in self.actor_nouns and any(
                t == 0 and (e.feature_code or "").startswith("PCL") for e, t in self.gazetteer.lookup(span.text)):
            return True         # "military forces of Pakistan", "the government of Mali": the actor's country
        if len(after) >= 1 and after[0].lower_ in ("'s", "’s"):
            after = doc[span.end + 1:span.end + 2]
        elif len(after) >= 1 and after[0].lower_ in self.feature_after and any(
                t == 0 and (e.feature_code or "").startswith("ADM") for e, t in lookup(self.gazetteer, self.directions, span.text)):
            return False        # "West Darfur state", "Lagos state": a division, not "Iraq state media"
        return len(after) >= 1 and after[0].lower_ in self.actor_nouns and span.root.dep_ in ("compound", "nmod", "amod", "poss", "npadvmod")

    def _demonym(self, span) -> list[Candidate]:
        """"the Iraqi borders", "the Syrian desert", "the Syrian–Iraqi border": regions of a country."""
        doc = span.doc
        cc = self.demonyms.get(span.text.lower())
        if not cc:
            return []
        i = span.end
        # a second demonym joined by a dash: "Syrian–Iraqi border"
        if i + 1 < len(doc) and doc[i].text in ("-", "–", "/") and doc[i + 1].lower_ in self.demonyms:
            second = doc[i + 1:i + 2]
            tail = self._border_word(doc, i + 2)
            if tail is None:
                return []
            return [self._country_region(span, cc, tail[1], (span.start_char, span.end_char)),
                    self._country_region(second, self.demonyms[second.text.lower()], tail[1],
                                         (second.start_char, tail[0]))]
        tail = self._border_word(doc, i)
        if tail is None:        # "Turkish warplanes": the country, named by its nationality word
            return [Candidate(span.text, span.start_char, span.end_char, "demonym", "NORP", anchor_country=cc,
                              adjectival=True)]
        return [self._country_region(span, cc, tail[1], (span.start_char, tail[0]))]

    def _town_before_part(self, span):
        """"Port-au-Prince - Delmas", "Seoul City - Jung" as one name: the town before the spaced dash,
        where the gazetteer knows it and not the whole (its part, a district, is within reach of it)."""
        for k in range(span.start + 1, span.end - 1):
            t = span.doc[k]
            if t.text in ("-", "–", "—") and t.whitespace_ and span.doc[k - 1].whitespace_:
                if not self.gazetteer.lookup_exact(span.text) and self.gazetteer.lookup_exact(span.doc[span.start:k].text):
                    return span.doc[span.start:k]
                break
        return span

    def _place_list(self, ent) -> bool:
        """"Blantyre, Southern" taken for an organisation: names the gazetteer knows, separated by commas."""
        parts = [x.strip() for x in ent.text.split(",")]
        return len(parts) > 1 and all(x and self.gazetteer.lookup_exact(x) for x in parts)

    def _border_word(self, doc, i: int) -> tuple[int, str] | None:
        for n in (2, 1):
            words = " ".join(t.lower_ for t in doc[i:i + n])
            if i + n <= len(doc) and words in self.border_words:
                return doc[i + n - 1].idx + len(doc[i + n - 1].text), words.split()[0].rstrip("s") or words
        return None

    def _country_region(self, span, cc: str, relation: str, phrase: tuple[int, int]) -> Candidate:
        text = span.doc.char_span(phrase[0], phrase[1]).text
        return Candidate(text, phrase[0], phrase[1], "demonym", "NORP", relation=relation, anchor_country=cc,
                         context=1.0)

    def _gazetteer_runs(self, doc, place_tokens: set[int], owner: dict[int, object]) -> list[Candidate]:
        """Runs of name-like tokens found in the gazetteer that spaCy did not call places.

        A run may reach over parts of other entities ("Salah" tagged NORP in "Salah
        ad-Din"), but not sit wholly inside a person's name; inside an organisation's
        name it is kept with `in_name` set.
        """
        out = []
        i = 0
        n_tokens = len(doc)
        while i < n_tokens:
            if not can_start(doc, i) or doc[i].lower_ in self.not_names or doc[i].lower_ in DETERMINERS:
                i += 1
                continue
            best = None
            for n in range(min(MAX_TOKENS, n_tokens - i), 0, -1):
                span = doc[i:i + n]
                idx = range(i, i + n)
                if all(j in place_tokens for j in idx) or not is_name_run(span, self.not_names):
                    continue
                owners = {id(owner[j]): owner[j] for j in idx if j in owner}
                if len(owners) == 1 and all(j in owner for j in idx):
                    ent = next(iter(owners.values()))
                    if ent.label_ == "PERSON" or (ent.start == i and ent.end == i + n):
                        continue      # part of a person's name, or an entity already judged
                if self.gazetteer.lookup_exact(span.text):
                    best = (span, owners)
                    break
            if best is None:
                unknown = self._unknown_named_place(doc, i, place_tokens, owner)
                if unknown is not None:
                    out.append(unknown)
                    i = doc.char_span(unknown.start, unknown.end).end
                else:
                    i += 1
                continue
            span, owners = best
            orgs = [e for e in owners.values() if e.label_ == "ORG" and e.end > span.end
                    and "(" not in e.text.rstrip(" (") and not self._place_list(e)    # "Bankass (Bankass, Mopti"
                    and not _PART_AFTER_DASH.match(doc.text, span.end_char, e.end_char)
                    and doc.text[span.end_char:e.end_char].strip().lower() not in self.chain_features]   # "X City"
            if len(span) == 1 and not orgs and inside_longer_name(doc, span, self.raise_before | set(self.directions)):
                i += 1
                continue          # "Greenwich Mean Time", "Thanksgiving Day", "Fighter Wing"
            c = self._candidate(span, "gazetteer")
            if orgs:
                c.in_name = doc[span.start:orgs[0].end].text
            sentence_start = span.start == span.sent.start
            notable = any(is_notable(e) for e, _ in c.entries)
            ours = any(e.source == "sitrep" for e, _ in c.entries)
            if not c.in_name and c.context <= 0 and held_by_next(self.gazetteer, doc, span.end, c):
                c.context += 1.0      # "Xyzivka, Sumy": a town the province written after it holds
            elif self._common_word_only(c) and not held_by_next(self.gazetteer, doc, span.end, c):
                i += 1        # "Veterans on Patrol", "Ladies in White": a capitalised word of English that the
                continue      # model took for no name is no village of that name
            if (c.in_name and notable) or (not c.in_name and (c.context > 0 or (notable and (ours or not sentence_start)))):
                out.append(c)
                i = span.end
            else:
                i += 1
        return out


# --------------------------------------------------------------------------- helpers


# "Chisinau - Buiucani", "Dhaka - Shahbagh": a town, a spaced dash, a part of it (the way event
# records name a city's districts) — a place with its part, not an organisation's name
_PART_AFTER_DASH = re.compile(r"\s[-–—]\s+[A-Z]")

# a person's name with a nickname in quotes ("Ferdinand 'Bongbong' Marcos", "Joaquin 'El Chapo' Guzman"): the
# model often splits it, and its parts are no villages of those names
_NICKNAMED = re.compile(r"\b[A-Z][\w-]+\s+['‘\"“][A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2}['’\"”]\s+[A-Z][\w-]+")

_SPONSORING = {"led", "backed", "sponsored", "funded", "supported", "armed", "trained"}


def _sponsors(doc, end: int) -> bool:
    """"Saudi-led coalition", "Iran-backed militias": the country behind an actor, which acts elsewhere
    (a coalition led from Riyadh strikes Yemen); no evidence of where the story happens."""
    rest = doc.text[end:end + 12]
    return bool(rest) and rest[0] in "-–" and rest[1:].split(" ")[0].lower().strip(",.") in _SPONSORING
