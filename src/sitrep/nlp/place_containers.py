"""Places written as containers, found where the model misses them: names in brackets after a
place ("Xyz (Bankass, Mopti)", "Abc township (Def district, Ghi region)") and a name before a comma
and a province after a word of place ("shelled Xyzivka, Kharkiv"). A mixin of
`sitrep.nlp.places.PlaceRecognizer`, whose gazetteer and cue words it uses.
"""
from __future__ import annotations

from sitrep.nlp.place_spans import (
    BRACKETS,
    CONNECTORS,
    MAX_TOKENS,
    NAMING_FEATURES,
    PLACE_PREPOSITIONS,
    Candidate,
    is_major,
    lookup,
)
from sitrep.resolve.fold import ARTICLES


class ContainerFinder:
    def _bracketed(self, doc, found: list[Candidate]) -> list[Candidate]:
        """"Xyz (Bankass, Mopti)", "Abc township (Def district, Ghi region)": names in brackets after a
        place are its containers — places even where the model missed them; and a capitalised name
        right before brackets that hold known places is a place too ("Bani Xyz (Abs, Hajjah)")."""
        out: list[Candidate] = []
        taken = [(c.start, c.end) for c in found if c.source == "ner" and not c.weak]
        ends = {c.end: c for c in found if not c.adjectival and not c.in_name}
        text = doc.text
        features = self.chain_features
        for m in BRACKETS.finditer(text):
            parts = self._bracket_parts(doc, m.start(1), m.group(1), features)
            if not parts:
                continue
            head_end = m.start()
            gap = text[:head_end]
            words = gap.split()
            while words and words[-1].lower() in features:     # "Xyz village (…)"
                head_end = gap.rstrip().rfind(words[-1])
                gap, words = gap[:head_end], words[:-1]
            head_end = len(gap.rstrip())
            head = ends.get(head_end)
            if head is None:
                known = [c for c in parts if any(t == 0 and (is_major(e) or e.population >= 1000 or e.feature_code in
                                                             ("ADM1", "ADM2")) for e, t in c.entries)]
                after = text[m.end():m.end() + 20].split()
                named = bool(after) and after[0].lower().strip(",.") in NAMING_FEATURES   # "Xyz (Xyzane) village"
                if not known and not named:
                    continue
                # the name before may be an organisation's ("Xyz Refugee Camp (Abc, Lahij)"): the
                # places in the brackets stand without it
                head = self._head_before(doc, head_end)
                if head is not None and not any(a < head.end and head.start < b for a, b in taken):
                    out.append(head)
                    taken.append((head.start, head.end))
            for c in parts:
                if not any(a < c.end and c.start < b for a, b in taken):
                    out.append(c)
                    taken.append((c.start, c.end))
        return out

    def _comma_heads(self, doc, found: list[Candidate]) -> list[Candidate]:
        """"shelled Xyzivka, Kharkiv", "in Xyzville, Coahuila": a name the gazetteer or the model
        misses (tagged ORG, or not at all), after a word of place or of taking and striking and
        before a comma and a province, is a place in that province."""
        out: list[Candidate] = []
        strong = [(c.start, c.end) for c in found if c.source == "ner" and not c.weak]
        for y in found:
            if y.adjectival or y.in_name or not any(t == 0 and e.feature_code == "ADM1" for e, t in y.entries):
                continue
            span = doc.char_span(y.start, y.end, alignment_mode="expand")
            if span is None or span.start < 3 or doc[span.start - 1].text != ",":
                continue
            head = self._head_before(doc, doc[span.start - 2].idx + len(doc[span.start - 2].text))
            if head is None or any(a < head.end and head.start < b for a, b in strong):
                continue
            first = doc.char_span(head.start, head.end, alignment_mode="expand")
            if first is not None and first.start > 0 and self._places_what_follows(doc[first.start - 1]):
                out.append(head)
        return out

    def _places_what_follows(self, tok) -> bool:
        """"in", "near", "on", "captured", "shelled", "the area of": a word after which a name is where
        something is."""
        if tok.lower_ == "of":
            return tok.i > 0 and tok.doc[tok.i - 1].lower_ in self.place_nouns
        return tok.lower_ in PLACE_PREPOSITIONS or (tok.lower_ in self.raise_before and tok.lower_ != "and")

    def _bracket_parts(self, doc, lo: int, inner: str, features: set[str]) -> list[Candidate]:
        """The comma-separated names in a bracket, each a candidate; none if any part is not a name."""
        parts, pos = [], lo
        for part in inner.split(","):
            s = pos + len(part) - len(part.lstrip())
            pos += len(part) + 1
            words = part.split()
            hint = None
            while words and words[-1].lower() in features:
                hint = hint or self.feature_after.get(words[-1].lower())
                words = words[:-1]
            if not words or not words[0][:1].isupper() or len(words) > MAX_TOKENS or (
                    len(words) == 1 and words[0].isupper()) or any(ch.isdigit() for ch in part):
                return []                          # "(SDF)", "(L 12)": an acronym or a number, not a place
            name = " ".join(words)
            e = s + len(name)
            if doc.text[s:e] != name:
                return []
            span = doc.char_span(s, e, alignment_mode="contract")
            if span is None or len(span) == 0:
                return []
            parts.append(Candidate(span.text, span.start_char, span.end_char, "context", None, context=1.0,
                                   feature_hint=hint, entries=lookup(self.gazetteer, self.directions, span.text)))
        return parts

    def _head_before(self, doc, end: int) -> Candidate | None:
        """The capitalised name that ends at character `end` ("in Bani Xyz" → "Bani Xyz")."""
        span = doc.char_span(0, end, alignment_mode="contract") if end > 0 else None
        if span is None or len(span) == 0:
            return None
        j = span.end
        i = j
        while i > 0 and j - i < MAX_TOKENS and (doc[i - 1].text[:1].isupper() or (
                i - 1 > 0 and doc[i - 1].lower_ in ARTICLES | CONNECTORS and doc[i - 2].text[:1].isupper())):
            i -= 1
        # the small model tags many villages ORG; after "in", "at", "near" the name is a place
        placed = i > 0 and self._places_what_follows(doc[i - 1])
        if i == j or doc[i].is_sent_start or doc[i].lower_ in self.not_names or (not placed and any(
                t.ent_type_ in ("ORG", "NORP") for t in doc[i:j])):
            return None
        head = doc[i:j]
        return Candidate(head.text, head.start_char, head.end_char, "context", None, context=1.0,
                         entries=self.gazetteer.lookup(head.text))
