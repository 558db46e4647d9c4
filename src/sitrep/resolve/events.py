"""Event mentions → real-world events: which reports describe the same thing, and what the group says.

Owns the cross-article deduplication rule (its numbers live in `data/event_dedup.json`):

* two mentions can be one event only if their types are compatible, their dates overlap
  within their precision, their places lie within a distance that fits the coarser
  precision (or one place is unknown), their named actors share at least one actor, and
  they come from different articles;
* among compatible clusters a mention joins the one that scores best (same day, same
  place, shared actors, same sub-type, agreeing counts) if the score reaches the threshold,
  and only when it is compatible with *every* member (complete linkage, so chains of
  near-misses never glue two events together);
* a cluster's summary (`summarize`) takes the most precise date and place, the most named
  actors, counts by ACLED's conservative rule (the lowest reported figure, with the low and
  high kept), and a confidence that rises with independent sources (near-duplicate
  articles count as one source).

The store (`sitrep.store.clusters`) feeds it candidates and writes what it decides; the
dedup benchmark calls it directly.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sitrep.resolve.gazetteer import distance_km


@dataclass(frozen=True)
class Rules:
    clustered_modalities: frozenset[str]
    compatible_types: frozenset[frozenset[str]]
    max_km: dict[str, float | None]
    published_window_days: int
    max_window_days: int
    date_rank: dict[str, int]
    place_rank: dict[str, int]
    weights: dict[str, float]
    threshold: float
    ambiguity_margin: float
    default_confidence: float
    max_confidence: float


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    d = json.loads(resources.files("sitrep").joinpath("data/event_dedup.json").read_text(encoding="utf-8"))
    return Rules(frozenset(d["clustered_modalities"]), frozenset(frozenset(p) for p in d["compatible_types"]),
                 d["max_km"], int(d["published_window_days"]), int(d["max_window_days"]),
                 {p: i for i, p in enumerate(d["date_precision_order"])},
                 {p: i for i, p in enumerate(d["place_precision_order"])},
                 d["weights"], float(d["threshold"]), float(d["ambiguity_margin"]), float(d["default_confidence"]),
                 float(d["max_confidence"]))


class Reads:
    """What the rule derives from a mention's fields; shared by `Mention` and the store's light rows."""
    __slots__ = ()

    @property
    def actors(self) -> set[str]:
        return {a for a in (self.actor1, self.actor2) if a}

    @property
    def dated(self) -> bool:
        return self.date_start is not None


@dataclass
class Mention(Reads):
    """What deduplication needs to know of one article's event (ids are canonical, cross-article)."""
    id: str
    doc_id: str
    source_key: str                      # near-duplicate articles share one
    seq: str                             # ingest order: earlier sorts first
    event_type: str
    sub_event_type: str
    date_start: str | None = None        # the window the event may lie in (None: unknown)
    date_end: str | None = None
    date_precision: str | None = None
    date_from_text: bool = True          # False: only the publication date bounds it
    reported: tuple[str | None, str | None] = (None, None)   # the date the article gives (start, end)
    lat: float | None = None
    lon: float | None = None
    place_precision: str | None = None
    geonameid: int | None = None
    place_id: str | None = None
    place_name: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    actor_names: dict[str, str] = field(default_factory=dict)
    assoc: tuple[str, ...] = ()
    fatalities: int | None = None
    injured: int | None = None
    arrested: int | None = None
    confidence: float | None = None
    evidence: str | None = None
    cluster_id: str | None = None        # where the store has put it so far


def match_window(start: str | None, end: str | None, source: str | None) -> tuple[str | None, str | None]:
    """The dates an event may lie in: its own, or for an event dated only by its article's
    publication, the few days up to it (reports come after the fact)."""
    if start is None:
        return None, None
    end = end or start
    if source == "published":
        return days_before(start, rules().published_window_days), end
    return start, end


def days_before(iso: str, days: int) -> str:
    """The ISO date `days` before `iso`, no earlier than 0001-01-01 (the calendar's first day)."""
    d = dt.date.fromisoformat(iso)
    return (d - dt.timedelta(days=min(days, (d - dt.date.min).days))).isoformat()


def _coarser_place(a: str | None, b: str | None) -> str | None:
    r = rules().place_rank
    return max((a, b), key=lambda p: r.get(p or "", len(r)))


def _types_ok(a: Mention, b: Mention) -> bool:
    return a.event_type == b.event_type or frozenset((a.event_type, b.event_type)) in rules().compatible_types


def _dates_overlap(a: Mention, b: Mention) -> bool:
    return a.dated and b.dated and a.date_start <= (b.date_end or b.date_start) and b.date_start <= (a.date_end or a.date_start)


def _place_relation(a: Mention, b: Mention) -> str:
    """'unknown', 'same', 'near', 'coarse' or 'far'."""
    if a.lat is None or b.lat is None:
        if a.country_code and b.country_code and a.country_code != b.country_code:
            return "far"
        return "unknown"
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return "far"
    coarse = _coarser_place(a.place_precision, b.place_precision)
    fine = coarse in ("point", "city", "admin2")
    if coarse == "admin1" and a.admin1 and b.admin1:    # a province holds a town or it does not
        return "coarse" if a.admin1 == b.admin1 else "far"
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return "same" if fine else "coarse"
    limit = rules().max_km.get(coarse or "", rules().max_km["city"])
    if limit is None:              # a whole country: the same country is all one can say
        return "coarse"
    if distance_km((a.lat, a.lon), (b.lat, b.lon)) > limit:
        return "far"
    return "near" if fine else "coarse"


def compatible(a: Mention, b: Mention) -> bool:
    """Could these two mentions be reports of one real-world event?"""
    if a.doc_id == b.doc_id or not _types_ok(a, b) or not _dates_overlap(a, b):
        return False
    if _place_relation(a, b) == "far":
        return False
    if a.actors and b.actors and not (a.actors & b.actors):
        return False
    return True


def _day(m: Mention) -> str | None:
    return m.date_start if m.date_precision == "day" and m.date_from_text and m.date_start == m.date_end else None


def score(a: Mention, b: Mention) -> float:
    """How strongly two compatible mentions point to one event."""
    w = rules().weights
    s = w["same_sub_event_type"] if a.sub_event_type == b.sub_event_type else 0.0
    if a.event_type != b.event_type:
        s += w["compatible_type_only"]
    if _day(a) and _day(a) == _day(b):
        s += w["same_day"]
    else:
        rank = rules().date_rank
        coarse = max(rank.get(a.date_precision or "", 9), rank.get(b.date_precision or "", 9))
        s += w["overlapping_dates"] if coarse <= rank["week"] else 0.0 if coarse == rank["month"] else w["coarse_dates"]
    s += {"same": w["same_place"], "near": w["near_place"], "coarse": w["coarse_place"],
          "unknown": w["unknown_place"]}.get(_place_relation(a, b), 0.0)
    s += w["shared_actor"] * len(a.actors & b.actors)
    if a.fatalities is not None and b.fatalities is not None:
        lo, hi = sorted((a.fatalities, b.fatalities))
        if lo == hi:
            s += w["same_fatalities"]
        elif hi > 3 * max(lo, 1) and hi - lo > 5:
            s += w["far_fatalities"]
    return s


def fit(m: Mention, members: Sequence[Mention]) -> float | None:
    """How well `m` fits a cluster it may join (compatible with every member, scoring at least
    the threshold with one of them); None when it may not join it."""
    if members and all(compatible(m, x) for x in members):
        sc = max(score(m, x) for x in members)
        if sc >= rules().threshold:
            return sc
    return None


class Choice:
    """`best_cluster`'s decision taken over clusters offered one at a time: only the two best so
    far are kept (with their members), so the candidates need not all be in memory at once.
    `order`: the tie-break among equal scores (the older cluster first: its members' least `seq`)."""

    def __init__(self, m: Mention):
        self.m = m
        self.top: list[tuple[tuple, str, Sequence[Mention]]] = []     # (sort key, id, members), best first

    def offer(self, cid: str, members: Sequence[Mention], order: Any) -> None:
        sc = fit(self.m, members)
        if sc is None:
            return
        self.top.append(((-sc, min(x.seq for x in members), order), cid, members))
        self.top.sort(key=lambda t: t[0])
        del self.top[2:]

    def result(self) -> tuple[str, Sequence[Mention]] | None:
        """The chosen cluster and its members; None for a new one (none fits, or two fit almost
        equally well)."""
        if not self.top:
            return None
        if len(self.top) > 1 and self.top[1][0][0] - self.top[0][0][0] < rules().ambiguity_margin:
            return None
        return self.top[0][1], self.top[0][2]


def best_cluster(m: Mention, clusters: dict[str, Sequence[Mention]]) -> str | None:
    """The cluster `m` belongs to, or None for a new one. When two clusters fit it almost
    equally well ("an air strike near Qamishli" with no date, and strikes there on two
    days), it is ambiguous and joins neither. Deterministic: ties go to the older cluster."""
    choice = Choice(m)
    for i, (cid, members) in enumerate(clusters.items()):
        if members:
            choice.offer(cid, members, i)
    got = choice.result()
    return got[0] if got else None


def cluster(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """Group mentions into events, in ingest order (the same rule the store applies one by one)."""
    groups: dict[str, list[Mention]] = {}
    for m in sorted(mentions, key=lambda x: (x.seq, x.id)):
        cid = best_cluster(m, groups) if m.dated else None
        if cid is None:
            groups[m.id] = [m]
        else:
            groups[cid].append(m)
    return list(groups.values())


# ---------------------------------------------------------------------------------------- summary
def _most_common(values: Iterable[Any]) -> Any:
    c = Counter(v for v in values if v is not None)
    return c.most_common(1)[0][0] if c else None


def _counts(members: Sequence[Mention], name: str) -> dict[str, int | None]:
    vals = [getattr(m, name) for m in members if getattr(m, name) is not None]
    if not vals:
        return {name: None, f"{name}_low": None, f"{name}_high": None}
    return {name: min(vals), f"{name}_low": min(vals), f"{name}_high": max(vals)}


def confidence(members: Sequence[Mention]) -> float:
    """1 − Π(1 − c) over independent sources, each source counted once at its best report."""
    r = rules()
    per_source: dict[str, float] = {}
    for m in members:
        c = m.confidence if m.confidence is not None else r.default_confidence
        per_source[m.source_key] = max(per_source.get(m.source_key, 0.0), c)
    miss = 1.0
    for c in per_source.values():
        miss *= 1.0 - min(c, r.max_confidence)
    return round(min(1.0 - miss, r.max_confidence), 3)


def summarize(members: Sequence[Mention]) -> dict[str, Any]:
    """The real-world event one cluster of mentions describes."""
    r = rules()
    ms = sorted(members, key=lambda x: (x.seq, x.id))
    etype = _most_common(m.event_type for m in ms)
    sub = _most_common(m.sub_event_type for m in ms if m.event_type == etype)
    dated = [m for m in ms if m.dated]
    when = min(dated, key=lambda m: (not m.date_from_text, r.date_rank.get(m.date_precision or "", 9),
                                     m.date_start != m.date_end)) if dated else None
    located = [m for m in ms if m.lat is not None or m.place_name]
    where = min(located, key=lambda m: (m.lat is None, r.place_rank.get(m.place_precision or "", 9))) if located else None
    a1 = _most_common(m.actor1 for m in ms)
    a2 = _most_common(m.actor2 for m in ms if m.actor2 != a1)
    names: dict[str, str] = {}
    for m in ms:
        names.update(m.actor_names)
    assoc = sorted({a for m in ms for a in m.assoc} - {a1, a2} - {None})
    sources = {m.source_key for m in ms}
    out = {
        "event_type": etype, "sub_event_type": sub,
        "date_start": (when.reported[0] or when.date_start) if when else None,
        "date_end": (when.reported[1] or when.reported[0] or when.date_end or when.date_start) if when else None,
        "date_precision": when.date_precision if when else None,
        "location_name": where.place_name if where else None, "geonameid": where.geonameid if where else None,
        "place_id": where.place_id if where else None, "lat": where.lat if where else None,
        "lon": where.lon if where else None, "country_code": where.country_code if where else None,
        "admin1": where.admin1 if where else None, "location_precision": where.place_precision if where else None,
        "actor1_id": a1, "actor1_name": names.get(a1) if a1 else None,
        "actor2_id": a2, "actor2_name": names.get(a2) if a2 else None,
        "assoc_actors": [{"id": a, "name": names.get(a)} for a in assoc],
        **_counts(ms, "fatalities"), **_counts(ms, "injured"), **_counts(ms, "arrested"),
        "mentions": len(ms), "sources": len(sources), "documents": sorted({m.doc_id for m in ms}),
        "confidence": confidence(ms),
    }
    out["notes"] = notes(out, ms)
    return out


def notes(summary: dict[str, Any], members: Sequence[Mention]) -> str:
    """ACLED-style notes, built from what the sources say: the date, the best evidence
    sentence, and how the sources' figures differ."""
    lead = members[0]
    when = summary["date_start"] or "Date unknown"
    if summary["date_end"] and summary["date_end"] != summary["date_start"]:
        when = f"Between {summary['date_start']} and {summary['date_end']}"
    where = f" in {summary['location_name']}" if summary["location_name"] else ""
    text = " ".join((lead.evidence or "").split())
    parts = [f"{when}{where}: {text}" if text else f"{when}{where}: {summary['sub_event_type']}."]
    lo, hi = summary["fatalities_low"], summary["fatalities_high"]
    if lo is not None and hi != lo:
        parts.append(f"[sources report {lo} to {hi} fatalities; the lowest is coded]")
    n = summary["sources"]
    parts.append(f"[{n} source{'s' if n != 1 else ''}]")
    return " ".join(parts)
