"""The event lexicon as data: ACLED's taxonomy with PLOVER, the trigger rows, the word classes.

`taxonomy()` reads `data/acled_taxonomy.csv` (25 sub-types → event type, PLOVER event and
mode), `rules()` the trigger rows of `data/triggers.csv` (lemma, part of speech, the
dependency conditions under which the word reports that sub-type), `words()` the word
classes and modality cues of `data/event_words.json`. The verb sets below are the few
closed classes the grammar of events needs.
"""
from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from importlib import resources

VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


REPORTING = {"say", "tell", "announce", "report", "confirm", "add", "state", "note", "stress", "explain", "clarify"}


# verbs through which a noun trigger has its agent as their subject ("CENTCOM conducted strikes",
# "ISIS claimed responsibility for an attack", "operations led to the arrest"); a reaction
# ("the United States condemns the attacks") gives none
LIGHT = {"conduct", "carry", "launch", "mount", "stage", "claim", "lead", "result", "perform", "execute",
          "continue", "begin", "start", "undertake", "make", "commit", "unleash", "direct", "order", "employ",
          "use", "resume", "intensify", "step", "escalate", "spearhead", "initiate", "complete", "finish",
          "prosecute", "wage", "fight", "repel", "repulse", "thwart", "foil", "support", "enable", "provide"}


PREVENTION = {"prevent", "deter", "protect", "secure", "defend", "counter", "thwart", "foil", "stop", "avert",
               "disrupt", "degrade"}


def _data(name: str) -> str:
    return resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(ln for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")))


@dataclass(frozen=True)
class Rule:
    lemma: str
    pos: str
    sub_event_type: str
    event_type: str
    conditions: tuple[tuple[str, frozenset[str]], ...]
    plover_event: str | None
    plover_mode: str | None

    @property
    def announce(self) -> bool:
        return any(k == "announce" for k, _ in self.conditions)


@functools.lru_cache(maxsize=1)
def taxonomy() -> dict[str, tuple[str, str | None, str | None]]:
    return {r["sub_event_type"]: (r["event_type"], r["plover_event"] or None, r["plover_mode"] or None)
            for r in _csv("acled_taxonomy.csv")}


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, list[Rule]]:
    tax = taxonomy()
    out: dict[str, list[Rule]] = {}
    for r in _csv("triggers.csv"):
        etype, pe, pm = tax[r["sub_event_type"]]
        conds = []
        for c in filter(None, (x.strip() for x in (r["conditions"] or "").split(";"))):
            key, _, vals = c.partition(":")
            conds.append((key, frozenset(v for v in vals.split("|") if v)))
        out.setdefault(r["lemma"], []).append(Rule(r["lemma"], r["pos"], r["sub_event_type"], etype, tuple(conds),
                                                   r["plover_event"] or pe, r["plover_mode"] or pm))
    return out


@functools.lru_cache(maxsize=1)
def words() -> dict:
    w = json.loads(_data("event_words.json"))
    for k in ("person", "weapon", "place", "base", "aircraft", "civilian", "state_words", "anaphors", "protest"):
        w[k] = frozenset(w[k])
    return w
