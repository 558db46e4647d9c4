"""The cue words of attribution, read from `data/speech_cues.json` into lookups.

Owns nothing but the data's shape: which verbs report what (speech, belief, intention,
evidence) through which frame (a clause, an object, an object with its predicate, a
to-infinitive), which prepositions after a verb carry the content ("called for",
"accused … of"), which nouns make a cue with a that-clause ("the ministry's claim that"),
and the words that never name a source. The grammar that uses them is in
`sitrep.extract.reported`.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

FRAMES = ("clause", "object", "naming", "to")
KINDS = ("speech", "belief", "intention", "evidence")


@functools.lru_cache(maxsize=1)
def speech() -> dict:
    """The raw data file (also read by `sitrep.extract.claims` for its number words)."""
    return json.loads(resources.files("sitrep.data").joinpath("speech_cues.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Cues:
    frames: dict[str, dict[str, str]]           # lemma -> {frame: kind}
    object_heads: dict[str, frozenset[str]]     # lemma -> the only object heads its object frame takes
    preps: dict[str, frozenset[str]]            # lemma -> prepositions whose object is the content
    nouns: dict[str, str]                       # noun lemma -> kind
    adjectives: frozenset[str]                  # "were confident that …": a belief
    quote_only: frozenset[str]                  # verbs that cue a direct quote but report nothing alone
    according: tuple[tuple[str, ...], ...]      # "according to", "as reported by" … as word tuples
    not_sources: frozenset[str]
    through_verbs: frozenset[str]               # "went on to say": the cue shares this verb's subject
    document_nouns: frozenset[str]              # "a statement saying …": the text is the source
    source_nouns: frozenset[str]
    statement_nouns: frozenset[str]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]

    def is_verb(self, lemma: str) -> bool:
        return lemma in self.frames or lemma in self.preps

    def kind(self, lemma: str, frame: str) -> str | None:
        """The kind of report `lemma` makes through `frame`, or None when it makes none that way."""
        return self.frames.get(lemma, {}).get(frame)

    def any_kind(self, lemma: str) -> str:
        f = self.frames.get(lemma)
        if f:
            for frame in ("clause", "to", "object", "naming"):
                if frame in f:
                    return f[frame]
        return "speech"

    @property
    def quote_verbs(self) -> frozenset[str]:
        """Verbs that may cue a direct quote: every speech verb, and the quote-only ones."""
        return frozenset(k for k, v in self.frames.items() if "speech" in v.values()) | self.quote_only


@functools.lru_cache(maxsize=1)
def cues() -> Cues:
    d = speech()
    frames: dict[str, dict[str, str]] = {}
    for kind, by_frame in d["reporting_verbs"].items():
        if kind.startswith("_"):
            continue
        if kind not in KINDS:
            raise ValueError(f"speech_cues.json: unknown kind {kind!r} in reporting_verbs")
        for frame, lemmas in by_frame.items():
            if frame not in FRAMES:
                raise ValueError(f"speech_cues.json: unknown frame {frame!r} under {kind!r}")
            for lemma in lemmas:
                frames.setdefault(lemma, {}).setdefault(frame, kind)
    nouns = {}
    for kind, lemmas in d["reporting_nouns"].items():
        if not kind.startswith("_"):
            for lemma in lemmas:
                nouns.setdefault(lemma, kind)
    return Cues(
        frames=frames,
        object_heads={k: frozenset(v) for k, v in d["object_heads"].items() if not k.startswith("_")},
        preps={k: frozenset(v) for k, v in d["prepositional_verbs"].items() if not k.startswith("_")},
        nouns=nouns,
        adjectives=frozenset(d["belief_adjectives"]["lemmas"]),
        quote_only=frozenset(d["quote_only_verbs"]),
        according=tuple(tuple(p.split()) for p in d["according_to"]),
        not_sources=frozenset(d["not_sources"]),
        through_verbs=frozenset(d["through_verbs"]["lemmas"]),
        document_nouns=frozenset(d["document_nouns"]["lemmas"]),
        source_nouns=frozenset(d["source_nouns"]),
        statement_nouns=frozenset(d["statement_nouns"]),
        person_pronouns=frozenset(d["person_pronouns"]),
        group_pronouns=frozenset(d["group_pronouns"]),
    )
