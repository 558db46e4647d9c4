"""Place chains: "X village in Y district, Z province" read as X ⊂ Y ⊂ Z.

Conflict reporting names a place with its containers, most specific first: "X village in
Y district, Z province", "the X area of Y governorate", "X (Y, Z)", "the X neighbourhood
of Y city", "in X, Y" (a town, then its province); and once container first, "Y's X"
("Syria's Idlib province"). This module finds those links between
neighbouring place candidates from the words between them (`links`), and scores how well
two gazetteer entries fit as inner and container (`fit`): a name inside "Anbar province"
must lie in Anbar, a district in its province, a village near the town named as its
container. `sitrep.resolve.places` chooses the entries of a chain together and lets an
unknown part fall back to its smallest known container.

The words are data (`data/place_cues.json`: `chain_features`), the pattern is one rule.
"""
from __future__ import annotations

import functools
import re

from sitrep.resolve import admin
from sitrep.resolve.gazetteer import Entry, distance_km


@functools.lru_cache(maxsize=1)
def _feature() -> str:
    """The feature words ("village", "district") as one regular-expression group."""
    from sitrep.nlp.places import cues

    words = sorted(cues()["chain_features"], key=len, reverse=True)
    return r"(?:" + "|".join(re.escape(w) for w in words) + r")"


@functools.lru_cache(maxsize=1)
def _gap_pattern() -> re.Pattern:
    feature = _feature()
    # after the inner name: an optional feature word ("village", "district"), then a link —
    # a comma, an opening bracket, "of", "in", "in the", "of the", ", in", "in downtown" — and an optional
    # article and feature word ("in the district of Y"); the inner name may go on with a part of it
    # after a spaced dash ("Sao Goncalo - Neves (Rio de Janeiro)": the town is read, its part is not),
    # or a note in brackets that names nothing ("Xyz (west), Luhansk")
    return re.compile(
        rf"^(?:\s[-–—]\s+(?-i:[A-Z])[^\s(),]*(?:\s+(?-i:[A-Z])[^\s(),]*){{0,3}})?"
        rf"(?:\s*\((?-i:[a-z])[a-z ]{{0,18}}\)(?=\s*,))?"
        rf"\s*(?:\)\s*)?(?:{feature}\s*)?(?:\)\s*)?"
        rf"(?:,\s*(?:in\s+|of\s+)?|\(\s*|(?:in|of|within)\s+(?:downtown\s+|central\s+)?)"
        rf"(?:the\s+)?(?:{feature}\s+of\s+)?(?:the\s+)?$",
        re.IGNORECASE)


def linked(gap: str) -> bool:
    """Whether the words between two place names make the second the container of the first."""
    return len(gap) <= 40 and "\n" not in gap and bool(_gap_pattern().match(gap))


_POSSESSIVE = re.compile(r"^['’]s\s+$")
_LISTED = re.compile(r"^\s*(?:,|and\b|or\b|&)\s*(?:the\s+)?$", re.IGNORECASE)


def links(text: str, spans: list[tuple[int, int]]) -> list[int | None]:
    """For each span (sorted by start), the index of its container in the list, else None.

    A comma outside brackets links only where no list goes on: "Hartford, Connecticut" is a chain,
    "Kirkuk, Diyala and Salah ad-Din" a list (inside brackets, "(Bankass, Mopti)", commas chain)."""
    n = len(spans)
    gaps = [text[spans[i][1]:spans[i + 1][0]] for i in range(n - 1)]

    def listed(k: int) -> bool:
        return 0 <= k < n - 1 and bool(_LISTED.match(gaps[k]))

    out: list[int | None] = [None] * n
    for i in range(n - 1):
        gap = gaps[i]
        if _POSSESSIVE.match(gap) and out[i + 1] is None and out[i] != i + 1:
            out[i + 1] = i          # "London's Heathrow", "Syria's Idlib province": the first holds the second
            continue
        if not linked(gap):
            continue
        if is_comma(gap) and not _in_brackets(text, spans[i][0]) and (listed(i - 1) or listed(i + 1)):
            continue
        if _THE_AFTER_COMMA.search(gap) and not _feature_follows(text, spans[i + 1][1]):
            continue        # "in Paris, the Kentucky hospital said": a name that qualifies a noun holds nothing
        out[i] = i + 1
    return out


_THE_AFTER_COMMA = re.compile(r",\s*the\s+$", re.IGNORECASE)


def _feature_follows(text: str, pos: int) -> bool:
    """Whether a feature word ("province", "district") follows the name that ends at `pos`."""
    return bool(_feature_after().match(text, pos))


@functools.lru_cache(maxsize=1)
def _feature_after() -> re.Pattern:
    return re.compile(rf"\s+{_feature()}\b", re.IGNORECASE)


def is_comma(gap: str) -> bool:
    """A bare comma between two names (", the" too)."""
    return bool(re.fullmatch(r"\s*,\s*(?:the\s+)?", gap, re.IGNORECASE))


def _in_brackets(text: str, pos: int) -> bool:
    line_start = max(text.rfind("\n", 0, pos), text.rfind(". ", 0, pos))
    return text.rfind("(", line_start + 1, pos) > text.rfind(")", line_start + 1, pos)


_ADMIN = ("ADM1", "ADM2", "ADM3", "ADM4", "ADMD")
# a reading the text's own container rules out costs more than leaving the part unknown (which
# then falls back to the container, and costs `places._UNKNOWN_CONTAINER` at most): the writer
# said where it is
CANNOT = -5.0


def fit(inner: Entry, outer: Entry) -> float:
    """How well `inner` sits in `outer`: positive when it does, strongly negative when it cannot."""
    fo, fi = outer.feature_code or "", inner.feature_code or ""
    if fo.startswith("PCL"):
        return 2.5 if inner.country_code == outer.country_code else CANNOT
    if fi.startswith("PCL"):
        return CANNOT                                # a country inside something smaller
    if inner.country_code and outer.country_code and inner.country_code != outer.country_code:
        return CANNOT
    if fo == "ADM1":
        if fi == "ADM1":
            return -1.0
        if inner.admin1_code and inner.admin1_code == outer.admin1_code:
            return 3.0
        # GeoNames' code may predate a boundary change: the division's outline decides
        return 2.5 if inner.lat is not None and admin.admin1_at(inner.lat, inner.lon) == outer.admin1_code else CANNOT
    if fi == "ADM1":
        return -1.5                                   # a province inside a town or district
    near = _km(inner, outer)
    same = bool(inner.admin1_code) and inner.admin1_code == outer.admin1_code
    if fo in _ADMIN:
        if near is not None:
            return 3.0 if near < 60 else 1.5 if same and near < 150 else CANNOT
        return 1.5 if same else -1.0
    if near is None:
        return 0.0
    # a town as container: "X, Donetsk" may name the town or the province that shares its name
    return 3.0 if near < 25 else 1.5 if near < 50 else 1.0 if same else 0.0 if near < 100 else CANNOT


def _km(a: Entry, b: Entry) -> float | None:
    if a.lat is None or b.lat is None:
        return None
    return distance_km((a.lat, a.lon), (b.lat, b.lon))
