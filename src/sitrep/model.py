"""The extraction contract as dataclasses, and their JSON.

Everything that flows between pipeline stages is defined here: the document that
ingest produces (`SourceDoc`), a reader's failure (`Failure`), and the items of
`sitrep extract`'s output (`Extraction` and what it holds). Field names follow
`DESIGN.md` exactly; fields may be added, never removed or renamed without a bump
of `CONTRACT_VERSION`.

Offsets are Python string indices, end exclusive. Internally every span indexes
the *cleaned* text (what the store keeps); `Extraction.to_dict(original=True)`
maps them back onto the text as it was read, which is what `sitrep extract`
writes next to that text.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CONTRACT_VERSION = "sitrep-extract/1"

ENTITY_TYPES = ("ORG", "ARMED_GROUP", "PERSON", "GPE", "LOC", "FAC", "NORP", "WEAPON", "MILITARY_UNIT", "OTHER")
PLACE_PRECISIONS = ("point", "city", "admin2", "admin1", "country", "region")
TIME_PRECISIONS = ("day", "week", "month", "year", "vague")
MODALITIES = ("asserted", "negated", "planned", "threatened", "forecast", "hypothetical", "claimed")


# --------------------------------------------------------------------------- spans

@dataclass
class Span:
    """A piece of the article: its text and where it stands."""
    text: str
    start: int
    end: int


@dataclass
class Role:
    title: str
    organization: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Entity:
    id: str
    canonical: str
    type: str
    kb_id: str | None = None
    wikidata: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    # additions (optional for readers): what the actor knowledge base says of an actor —
    # its kind ("jihadist group", "state military"…), its ACLED-style name and inter code,
    # and the country it is based in (ISO 3166 alpha-2)
    actor_type: str | None = None
    acled_actor: str | None = None
    inter: int | None = None
    country: str | None = None


@dataclass
class Place:
    text: str
    start: int
    end: int
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    admin1: str | None = None
    feature_code: str | None = None
    precision: str | None = None
    score: float | None = None
    # additions: how a relative place relates to the place it names ("east", "border"),
    # the whole relative phrase ("east of Dayro Zcuro"), and the organisation name a
    # place sits in ("Dayr Az Zawr Military Council") — such a place is not an event's
    relation: str | None = None
    phrase: Span | None = None
    in_name: str | None = None
    # additions (issue 13): ACLED's geo_precision (1 the named place, 2 near it or part of a
    # named area resolved to a containing or nearby place, 3 a province or larger); the next
    # place of its chain ("Xyz village in Amedi district": Amedi district) — when the place
    # itself is unknown (`geonameid` null), `fallback` is true and its coordinates, country
    # and admin1 are that container's; admin2 where the gazetteer knows it; `adjectival` for
    # a nationality word or a country name that qualifies a noun ("Turkish warplanes",
    # "U.S. forces"): it names the country, but is never where an event happened
    geo_precision: int | None = None
    container: Span | None = None
    fallback: bool = False
    admin2: str | None = None
    adjectival: bool = False


@dataclass
class Timex:
    text: str
    start: int
    end: int
    start_date: str | None = None
    end_date: str | None = None
    precision: str | None = None
    resolved: bool = False
    # additions (optional for readers): the expression points after the publication date;
    # the month and day of the month the text states (kept when the year is unknown)
    future: bool = False
    month: int | None = None
    day: int | None = None


# --------------------------------------------------------------------------- events

@dataclass
class Plover:
    event: str | None = None
    mode: str | None = None


@dataclass
class EventDate:
    start: str | None = None
    end: str | None = None
    precision: str | None = None
    resolved: bool = False
    source: str = "unknown"          # text | published | unknown
    text: str | None = None
    start_char: int | None = None
    end_char: int | None = None


@dataclass
class EventLocation:
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_code: str | None = None
    admin1: str | None = None
    precision: str | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    # additions (issue 13): ACLED's geo_precision, and whether the named place is unknown and
    # the coordinates are its container's (see Place)
    geo_precision: int | None = None
    fallback: bool = False
    admin2: str | None = None
    # addition: a location known only down to a province or a country is put at that division's
    # seat (ACLED codes such events to the provincial capital): the town whose coordinates these are
    seat: str | None = None
    seat_geonameid: int | None = None


@dataclass
class ActorRef:
    entity_id: str | None = None
    name: str | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    # addition: the actor as ACLED's codebook names it ("Protesters (India)"); a reference with
    # no text is the codebook's convention for an actor the report leaves unnamed
    acled_actor: str | None = None


@dataclass
class Counts:
    fatalities: int | None = None
    injured: int | None = None
    arrested: int | None = None
    captured: int | None = None
    weapons_seized: int | None = None


@dataclass
class CountEvidence:
    field: str
    text: str
    start: int
    end: int
    # additions: who gives the figure, when a quote does ("40 were killed, the ministry said")
    source: ActorRef | None = None
    quote_id: str | None = None


@dataclass
class EventSource:
    """A quote the event rests on, and how: it reports the event, claims it (or responsibility for
    it), or denies it."""
    quote_id: str
    relation: str                      # reports | claims | claims_responsibility | denies
    speaker: ActorRef | None = None


@dataclass
class Event:
    id: str
    event_type: str
    sub_event_type: str
    trigger: Span
    plover: Plover = field(default_factory=Plover)
    modality: str = "asserted"
    date: EventDate = field(default_factory=EventDate)
    location: EventLocation | None = None
    actor1: ActorRef | None = None
    actor2: ActorRef | None = None
    assoc_actors: list[ActorRef] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    count_evidence: list[CountEvidence] = field(default_factory=list)
    confidence: float | None = None
    evidence: list[Span] = field(default_factory=list)
    # additions: the perpetrator is known from its own claim of responsibility; the aircraft
    # and weapons named in the trigger's clause ("F-16s, F-15s, and A-10s")
    responsibility_claimed: bool = False
    instruments: list[Span] = field(default_factory=list)
    # addition: the quotes that report, claim or deny it (sitrep.extract.quote_events)
    sources: list[EventSource] = field(default_factory=list)


# --------------------------------------------------------------------------- speech

@dataclass
class Quote:
    speaker: ActorRef
    cue: Span | None
    content: Span
    direct: bool = True
    # additions (optional for readers): a stable id (events that rest on the quote name it); what
    # is attributed (speech, belief, intention, or evidence such as a poll or a video); the whole
    # source phrase ("Elaine Kamarck, a veteran of the committee") where `speaker` is its name;
    # the pieces of a content the cue interrupts ("'We will respond,' he said, 'in time.'"); the
    # speaker's own words in quotation marks inside a reported content; the id of the quote whose
    # content holds this one ("X said Y told him that …")
    id: str | None = None
    kind: str = "speech"
    source: Span | None = None
    parts: list[Span] = field(default_factory=list)
    quoted: list[Span] = field(default_factory=list)
    within: str | None = None


@dataclass
class ClaimSpeaker:
    entity_id: str | None = None
    name: str | None = None


@dataclass
class ClaimDate:
    start: str | None = None
    end: str | None = None
    precision: str | None = None


@dataclass
class Claim:
    subject: str
    value: float | int
    unit: str | None = None
    qualifier: str | None = None
    speaker: ClaimSpeaker | None = None
    date: ClaimDate | None = None
    evidence: Span | None = None


# --------------------------------------------------------------------------- documents

@dataclass
class OffsetMap:
    """Where each run of cleaned text came from in the text as read.

    `segments` holds (clean_start, orig_start, length) for each kept run, in order.
    """
    segments: list[tuple[int, int, int]] = field(default_factory=list)

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [s[0] for s in self.segments]

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([(0, 0, length)])

    def to_original(self, i: int, *, end: bool = False) -> int:
        """The original index of cleaned index `i` (an exclusive end if `end`)."""
        if not self.segments:
            return i
        if end and i > 0:
            return self.to_original(i - 1) + 1
        k = max(0, bisect.bisect_right(self._starts, i) - 1)
        cs, os_, length = self.segments[k]
        return os_ + min(i - cs, length)


@dataclass
class SourceDoc:
    """One document as ingest hands it to the pipeline."""
    id: str
    text: str                                  # cleaned text: what is analysed and stored
    origin: str                                # file path, "file:line" or "<stdin>"
    content_hash: str                          # sha256 of the normalised cleaned text
    raw_text: str | None = None                # the text as read, before debris removal
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    published: str | None = None
    published_source: str | None = None        # metadata | text | None
    published_evidence: Span | None = None     # the words that state it (cleaned offsets)
    debris: list[Span] = field(default_factory=list)   # removed lines (offsets into raw_text)
    offsets: OffsetMap | None = None
    author: str | None = None                  # from a byline ("By Jane Doe, Example Desk")
    outlet: str | None = None                  # from a byline, an outlet line or a wire dateline
    byline: list[Span] = field(default_factory=list)   # the header lines that name them (cleaned offsets)

    @property
    def words(self) -> int:
        return len(self.text.split())


def printable(s: str) -> str:
    """`s` as valid Unicode: a lone surrogate (an undecodable byte of a file name, a bad
    escape in a record) is written as its escape (`\\xe9`, `\\ud800`), so the text can be
    printed, stored and sent as UTF-8."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape" if _only_escaped_bytes(s) else "backslashreplace"
                        ).decode("utf-8", "backslashreplace")


def _only_escaped_bytes(s: str) -> bool:
    return all(not ("\ud800" <= c <= "\udfff") or "\udc80" <= c <= "\udcff" for c in s)


@dataclass
class Failure:
    """A record that could not be read or processed; the batch goes on."""
    origin: str
    reason: str

    def __post_init__(self) -> None:
        self.origin, self.reason = printable(str(self.origin)), printable(str(self.reason))


@dataclass
class Extraction:
    """What `sitrep extract` writes for one document."""
    id: str
    published: str | None = None
    published_source: str | None = None
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # additions to the contract (all optional for readers)
    contract: str = CONTRACT_VERSION
    title: str | None = None
    url: str | None = None
    source: str | None = None
    text: str | None = None
    published_evidence: Span | None = None
    debris: list[Span] = field(default_factory=list)
    near_duplicate_of: str | None = None
    # who wrote it and for whom, and the header lines that say so (no part of the story)
    author: str | None = None
    outlet: str | None = None
    byline: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return dataclasses.asdict(self)

    def remapped(self, src: SourceDoc) -> Extraction:
        """This extraction with every span moved from the cleaned text onto `src.raw_text`,
        which becomes its `text`; the removed debris lines are listed in `debris`."""
        if src.offsets is None or src.raw_text is None:
            return self
        d = self.to_dict()
        for key in ("entities", "places", "timexes", "events", "quotes", "claims", "published_evidence", "byline"):
            d[key] = _remap(d[key], src.offsets, src.raw_text)
        d["text"] = src.raw_text
        d["debris"] = [dataclasses.asdict(s) for s in src.debris]
        return Extraction.from_dict(d)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return _build(cls, d)


def _remap(obj: Any, offsets: OffsetMap, raw: str) -> Any:
    """Map every int start/end (and start_char/end_char) in a JSON tree through `offsets`; a
    span's `text` becomes what `raw` holds there. The two differ where cleaning reshaped white
    space inside the span (an indented line, a trailing space or a carriage return before a
    line break): the span then quotes the text as given."""
    if isinstance(obj, list):
        return [_remap(x, offsets, raw) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _remap(v, offsets, raw) for k, v in obj.items()}
    for s, e in (("start", "end"), ("start_char", "end_char")):
        if isinstance(out.get(s), int) and isinstance(out.get(e), int) and not isinstance(out.get(s), bool):
            out[s] = offsets.to_original(out[s])
            out[e] = offsets.to_original(out[e], end=True)
            if isinstance(out.get("text"), str):
                out["text"] = raw[out[s]:out[e]]
    return out


def iter_spans(obj: Any, path: str = "") -> Iterator[tuple[str, str, int, int]]:
    """Every span of an extraction's JSON tree (`Extraction.to_dict()`): (where, text, start,
    end) for each object holding a `text` with int `start`/`end` (or `start_char`/`end_char`).
    The contract promises `document_text[start:end] == text` for each."""
    if isinstance(obj, list):
        for i, x in enumerate(obj):
            yield from iter_spans(x, f"{path}[{i}]")
        return
    if not isinstance(obj, dict):
        return
    for s, e in (("start", "end"), ("start_char", "end_char")):
        a, b = obj.get(s), obj.get(e)
        if isinstance(obj.get("text"), str) and isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
            yield path, obj["text"], a, b
    for k, v in obj.items():
        if isinstance(v, (dict, list)):
            yield from iter_spans(v, f"{path}.{k}" if path else k)


def _build(tp: Any, value: Any) -> Any:
    """Rebuild a dataclass tree from its dict form (the inverse of `asdict`)."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(args[0], value) if len(args) == 1 else value
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_build(inner, v) for v in value]
    if origin is tuple:
        return tuple(value)
    if dataclasses.is_dataclass(tp):
        hints, names = _fields_of(tp)
        return tp(**{n: _build(hints[n], value[n]) for n in names if n in value})
    return value


@functools.cache
def _fields_of(tp: type) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A dataclass's resolved field types and names (resolving them is slow: once per type)."""
    return typing.get_type_hints(tp), tuple(f.name for f in dataclasses.fields(tp))
