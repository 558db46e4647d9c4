"""The actor knowledge base and the identities of people: names → one canonical entity across the corpus.

Owns `data/actors.csv` (one row per real-world actor: canonical name, type, ACLED-style
name and inter code, country, Wikidata item, aliases, acronyms, the generic nouns that
mean it in context) and `data/actor_types.csv` (type → contract entity type, default
inter code), loaded once into an `ActorKB`; and the stable ids of people outside the KB
(`person_kb_id`: the same normalised full name gives the same id in every article).

Matching text against the KB is the `sitrep_actors` spaCy component's job
(`sitrep.nlp.actors`); turning matches into entities is `sitrep.extract.entities`'s.
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

KB_PREFIX = "actor:"
PERSON_PREFIX = "person:"


@dataclass(frozen=True)
class Actor:
    id: str
    canonical: str
    type: str
    entity_type: str
    acled_name: str | None
    inter: int | None
    country: str | None
    wikidata: str | None
    represents: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    context: tuple[str, ...] = ()

    @property
    def kb_id(self) -> str:
        return KB_PREFIX + self.id


@dataclass
class ActorKB:
    actors: dict[str, Actor] = field(default_factory=dict)
    by_alias: dict[str, list[str]] = field(default_factory=dict)      # casefolded alias → actor ids
    spellings: dict[str, list[str]] = field(default_factory=dict)     # casefolded alias → names as written
    by_acronym: dict[str, list[str]] = field(default_factory=dict)    # exact acronym → actor ids
    represents: dict[str, str] = field(default_factory=dict)          # "forces:IQ" → actor id
    generic: dict[str, list[str]] = field(default_factory=dict)       # "coalition" → actor ids

    def get(self, actor_id: str | None) -> Actor | None:
        return self.actors.get(actor_id or "")

    def by_kb_id(self, kb_id: str | None) -> Actor | None:
        if kb_id and kb_id.startswith(KB_PREFIX):
            return self.actors.get(kb_id[len(KB_PREFIX):])
        return None

    def lookup(self, text: str) -> list[str]:
        """Actor ids one of whose names is exactly `text` (acronyms as written, names in any case)."""
        t = " ".join(text.split())
        return list(dict.fromkeys(self.by_acronym.get(t, []) + self.by_alias.get(fold_case(t), [])))

    def choose(self, ids: list[str], countries: Mapping[str, int] | None = None) -> str | None:
        """One actor among those sharing a name: the one based in the article's countries, else the first listed."""
        if not ids:
            return None
        if len(ids) > 1 and countries:
            ranked = sorted(ids, key=lambda i: -countries.get(self.actors[i].country or "", 0))
            if countries.get(self.actors[ranked[0]].country or "", 0) > 0:
                return ranked[0]
        return ids[0]


def fold_case(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (cell or "").split("|") if x.strip())


def _rows(name: str):
    text = resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")
    return csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


@functools.lru_cache(maxsize=1)
def actor_types() -> dict[str, tuple[str, int | None]]:
    return {r["type"]: (r["entity_type"], int(r["inter"]) if r["inter"] else None) for r in _rows("actor_types.csv")}


@functools.lru_cache(maxsize=1)
def load_kb() -> ActorKB:
    types = actor_types()
    kb = ActorKB()
    for r in _rows("actors.csv"):
        if r["type"] not in types:
            raise ValueError(f"data/actors.csv: actor {r['id']!r} has unknown type {r['type']!r}")
        etype, default_inter = types[r["type"]]
        a = Actor(id=r["id"], canonical=r["canonical"], type=r["type"], entity_type=etype,
                  acled_name=r["acled_name"] or None,
                  inter=int(r["inter"]) if r["inter"] else default_inter,
                  country=r["country"] or None, wikidata=r["wikidata"] or None,
                  represents=_split(r["represents"]), aliases=_split(r["aliases"]),
                  acronyms=_split(r["acronyms"]), generic=_split(r["generic"]), context=_split(r["context"]))
        if a.id in kb.actors:
            raise ValueError(f"data/actors.csv: duplicate actor id {a.id!r}")
        kb.actors[a.id] = a
        for name in (a.canonical, *a.aliases):
            ids = kb.by_alias.setdefault(fold_case(name), [])
            if a.id not in ids:
                ids.append(a.id)
            forms = kb.spellings.setdefault(fold_case(name), [])
            if name not in forms:
                forms.append(name)
        for acr in a.acronyms:
            kb.by_acronym.setdefault(acr, []).append(a.id)
        for rep in a.represents:
            kb.represents.setdefault(rep, a.id)
        for g in a.generic:
            kb.generic.setdefault(g.casefold(), []).append(a.id)
    return kb


# --------------------------------------------------------------------------- people

_INITIAL = re.compile(r"^[A-Za-z]\.?$")
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def fold_name(text: str) -> str:
    """A person's name as a key: accents, case, curly quotes, periods and stray marks set aside."""
    t = unicodedata.normalize("NFKD", text.translate(_APOS))
    t = "".join(c for c in t if not unicodedata.combining(c) and c not in "\u200e\u200f")
    return " ".join(t.casefold().replace(".", " ").split())


def person_kb_id(full_name: str) -> str | None:
    """A stable id for a person outside the KB: the folded full name without middle initials.

    "Joseph L. Votel" and "Joseph Votel" share one; a single name ("Harper") has none,
    since a surname alone does not say who it is across articles.
    """
    parts = full_name.translate(_APOS).replace(".", ". ").split()
    parts = [p for i, p in enumerate(parts) if not (0 < i < len(parts) - 1 and _INITIAL.match(p))]
    if len(parts) < 2:
        return None
    return PERSON_PREFIX + fold_name(" ".join(parts))
