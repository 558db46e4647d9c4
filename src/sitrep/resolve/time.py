"""Time resolution: time expressions → calendar intervals with a precision; event dates; ACLED precision.

What this module owns
    * `normalize(text, published, future_tense=False)` reads one time expression ("last
      Thursday", "from December 30 to January 6", "in July of 2023", "the first week of
      August", "since 2016", "the 1990s", "over the coming weeks") and returns a `Resolution`:
      `start`/`end` (inclusive dates), `precision` (day, week, month, year, vague),
      `resolved`, `future` (the expression points after the publication date), and the
      `month`/`day` the text states. It returns None for what names no date at all
      (durations "two years", ages "aged 12", frequencies "daily", clock times, stray
      numbers), which are therefore dropped from `timexes`.
    * `event_date(...)`: the rule that dates an event from the time expressions around its
      trigger (governing expression, else nearest in the sentence, else previous sentence,
      else the publication date).
    * `acled_time_precision(...)`: ACLED's 1/2/3 `time_precision` for a date.

Rules (the ones dateparser gets wrong, or cannot know, are ours)
    * Relative expressions need the publication date. Without one they stay
      `resolved: false` with their text (and `month`/`day` if stated), never today's date.
    * A weekday is the latest such day on or before publication ("on Sunday" in a Monday
      article = the day before; a weekday equal to the publication's weekday is that day);
      "last Thursday" is the latest Thursday strictly before it; "next Thursday" the first
      after it. A future-tense clause ("will meet on Thursday") turns the search forward.
    * A year-less month or date is the latest one not after publication ("in March",
      "Dec. 27"); the start of a year-less range is the latest one not after its end
      ("December 30 to January 6" published 2025-01-07 = 2024-12-30 … 2025-01-06).
    * "this/last/next week|month|year" are calendar units (ISO weeks, Monday to Sunday);
      "the past two weeks" / "the last 24 hours" are windows ending on the publication date;
      "earlier this week" runs from Monday to the day before publication (week precision),
      "earlier this month" likewise (month), "earlier this year" is vague.
    * "since 2016" = from the start of 2016 to the publication date, with the precision
      of what follows "since" (year); unpublished, its end stays null (open).
    * early / mid / late: months 1-4, 5-8, 9-12 of a year (vague), days 1-10, 11-20, 21-end
      of a month (month); "the first week of August" = August 1-7 (week).
    * Decades ("the 1990s") and seasons are vague; vague windows ("recently", "in recent
      years", "the coming weeks") come from `data/time_vague.csv`.
    * A range's precision is the coarser of its two ends' ("January 2 to January 3": day).
    * Anaphoric expressions ("the following day", "that week") refer to another event, not
      to the publication: they stay unresolved.
    * An expression whose date falls outside the years 1-9999 ("built 2500 years ago", or
      "next week" in an article dated 9999-12-31) stays unresolved; it never fails the article.
    * Absolute dates in forms our patterns do not read (numeric "05/01/2018", "the 3rd of
      March, 2019") go to dateparser, only when the text states a year or a publication
      date is known, with RELATIVE_BASE = the publication date.

Curated words (month and weekday names, units, quantities, seasons, windows, what is not a
date) live in `data/time_*.{csv,txt}`; the grammar is here. Everything is compiled once and
`normalize` is cached.
"""
from __future__ import annotations

import bisect
import calendar
import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from sitrep.model import EventDate

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "vague": 4}


# =========================================================================== results

@dataclass(frozen=True)
class Resolution:
    """What one time expression means. Dates are inclusive; `rule` names the rule that read it
    (None: a time word we could not read; the expression is kept unresolved)."""
    start: date | None = None
    end: date | None = None
    precision: str | None = None
    resolved: bool = False
    future: bool = False
    month: int | None = None
    day: int | None = None
    rule: str | None = None

    def fields(self) -> dict[str, Any]:
        """The `Timex` fields it fills."""
        return {"start_date": self.start.isoformat() if self.start else None,
                "end_date": self.end.isoformat() if self.end else None,
                "precision": self.precision, "resolved": self.resolved, "future": self.future,
                "month": self.month, "day": self.day}


def as_date(value: Any) -> date | None:
    """A publication date from an ISO date/datetime string, a date or a datetime (else None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


# =========================================================================== lexicon

def _data(name: str) -> str:
    return resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")


def _csv_rows(name: str) -> list[list[str]]:
    lines = [ln for ln in _data(name).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [[c.strip() for c in row] for row in csv.reader(lines)]


@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    fuzzy: dict[str, int]
    ordinals: dict[str, int]
    units: dict[str, tuple[str, int]]
    seasons: dict[str, tuple[int, int]]
    parts: dict[str, tuple[tuple[int, int], tuple[int, int]]]
    future_aux: frozenset[str]
    future_verbs: frozenset[str]
    vague: tuple[tuple[re.Pattern[str], str, str, str, bool], ...]
    holidays: tuple[tuple[re.Pattern[str], int, int | None, int | None, int | None], ...]
    nontime: re.Pattern[str]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The curated words of data/time_*.csv|txt, read once."""
    kinds: dict[str, dict[str, str]] = {}
    for word, kind, value in _csv_rows("time_words.csv"):
        kinds.setdefault(kind, {})[word.lower()] = value
    months = {w: int(v) for w, v in kinds["month"].items()}
    weekdays = {w: int(v) for w, v in kinds["weekday"].items()}
    numbers = {w: int(v) for w, v in kinds["number"].items()}
    fuzzy = {w: int(v) for w, v in kinds["fuzzy"].items()}
    ordinals = {w: int(v) for w, v in kinds["ordinal"].items()}
    units = {w: (v.split(":")[0], int(v.split(":")[1])) for w, v in kinds["unit"].items()}
    seasons = {w: (int(v.split("-")[0]), int(v.split("-")[1])) for w, v in kinds["season"].items()}
    parts = {}
    for w, v in kinds["part"].items():
        y, m = v.split(";")
        parts[w] = (tuple(int(x) for x in y.split("-")), tuple(int(x) for x in m.split("-")))
    vague = tuple((re.compile(f"(?:{p})"), s, e, prec, fut == "1")
                  for p, s, e, prec, fut in _csv_rows("time_vague.csv"))
    holidays = tuple((re.compile(f"(?:{p})"), int(m), int(d) if d else None, int(wd) if wd else None,
                      int(n) if n else None) for p, m, d, wd, n in _csv_rows("time_holidays.csv"))
    one = rf"(?:\d+(?:[.,]\d+)?(?: \d/\d)?|(?:{_alt(list(numbers) + list(fuzzy))})(?:[- ](?:{_alt(numbers)}))?)"
    qty = rf"{one}(?:(?: or | to | and |-){one})?"          # "two or three", "one to 12", "8 1/2"
    unit = f"(?:{_alt(units)})"
    pats = [ln.strip() for ln in _data("time_nontime.txt").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]
    nontime = re.compile("|".join(f"(?:{p.replace('{qty}', qty).replace('{unit}', unit)})" for p in pats))
    return Lexicon(months, weekdays, numbers, fuzzy, ordinals, units, seasons, parts,
                   frozenset(kinds.get("future_aux", {})), frozenset(kinds.get("future_verb", {})),
                   vague, holidays, nontime)


# =========================================================================== calendar helpers

def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _shift(d: date, n: int, unit: str) -> date:
    if unit == "hour":                                    # whole days, rounded up
        days = (abs(n) + 23) // 24
        return d + timedelta(days=days if n >= 0 else -days)
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    if unit == "month":
        return _add_months(d, n)
    try:
        return d.replace(year=d.year + n)
    except ValueError:   # 29 February
        return d.replace(year=d.year + n, day=28)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _coarser(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if PRECISION_RANK[a] >= PRECISION_RANK[b] else b


def _unit_precision(unit: str) -> str:
    return "day" if unit in ("hour", "day") else unit


def _window(unit: str, d: date) -> tuple[date, date]:
    """The calendar unit (week, month, year, day) that contains `d`."""
    if unit == "week":
        m = _monday(d)
        return m, m + timedelta(days=6)
    if unit == "month":
        return d.replace(day=1), _month_end(d.year, d.month)
    if unit == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    return d, d


def _done(r: Resolution, pub: date | None) -> Resolution:
    """Set `future` for resolved expressions that start after publication."""
    if r.resolved and pub is not None and r.start is not None and r.start > pub and not r.future:
        return replace(r, future=True)
    return r


def _span(start: date, end: date, precision: str, rule: str, **kw) -> Resolution:
    return Resolution(start, end, precision, True, rule=rule, **kw)


def _unresolved(precision: str | None, rule: str, **kw) -> Resolution:
    return Resolution(None, None, precision, False, rule=rule, **kw)


# =========================================================================== text clean-up

_TRANS = str.maketrans({"–": "-", "—": "-", "‒": "-", "’": "'", "‘": "'", "\u00a0": " "})
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_CLOCK = re.compile(r"\b(?:at |about |around |by )?\d{1,2}(?::\d\d){0,2} ?(?:a\.m\.?|p\.m\.?|am|pm)(?!\w)"
                    r"(?: (?:gmt|utc|local time))?|"
                    r"\b(?:at |around |about |by )?(?:noon|midnight)\b|\b\d{1,2}:\d\d(?::\d\d)?\b")
_PREP = re.compile(r"^(?:on|in|at|during|throughout|over|of|for|by|around|about|circa|approximately|roughly|"
                   r"some ?time in|sometime during|as early as|as late as|as of|as recently as|"
                   r"later|earlier)\s+(?=.)")
_WS = re.compile(r"\s+")


def _clean(text: str) -> str:
    s = text.translate(_TRANS).lower()
    s = _ORDINAL.sub(r"\1", s)
    s = _WS.sub(" ", s).strip(" \t\n.,;:!?\"()[]")
    return s


def _strip_clock(s: str) -> str:
    t = _CLOCK.sub(" ", s)
    return _WS.sub(" ", t).strip(" ,.;-") if t != s else s


def _strip_preps(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        m = _PREP.match(s)
        if m and not re.match(r"^(?:later|earlier) (?:today|tonight|this|that|the same|in the)\b", s):
            s = s[m.end():]
    return s


# =========================================================================== compiled grammar

@functools.lru_cache(maxsize=1)
def _g() -> dict[str, Any]:
    lx = lexicon()
    MON = rf"(?P<mon>{_alt(lx.months)})\.?"
    WD = rf"(?P<wd>{_alt(lx.weekdays)})\.?"
    QTY = rf"(?P<qty>\d+|{_alt(list(lx.numbers) + list(lx.fuzzy))})"
    UNIT = rf"(?P<unit>{_alt(lx.units)})"
    ORD = rf"(?P<ord>{_alt(lx.ordinals)})"
    SEASON = rf"(?P<season>{_alt(lx.seasons)})"
    PART = rf"(?P<part>{_alt(lx.parts)})"
    YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
    return {
        "iso": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
        "iso_month": re.compile(r"^(\d{4})-(\d{2})$"),
        "mdy": re.compile(rf"^(?:{WD},? )?(?:the )?{MON},? (?:the )?(?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}|'\d\d))?$"),
        "dmy": re.compile(rf"^(?:{WD},? )?(?:the )?(?P<day>\d{{1,2}}) (?:of )?{MON}(?:,? (?P<year>\d{{4}}|'\d\d))?$"),
        "my": re.compile(rf"^{MON},? (?:of )?(?P<year>\d{{4}}|'\d\d)$"),
        "m": re.compile(rf"^(?:the month of )?{MON}$"),
        "y": re.compile(rf"^(?:the year )?{YEAR}$"),
        "wd_only": re.compile(rf"^{WD}$"),
        "d_only": re.compile(r"^(?P<day>\d{1,2})(?:,? (?P<year>\d{4}))?$"),
        "rel_day": re.compile(r"^(?:(?P<mod>earlier|later) )?(?P<w>today|tonight|this (?:morning|afternoon|evening)|"
                              r"yesterday|last night|tomorrow|(?:the )?day before yesterday|(?:the )?day after tomorrow)"
                              r"(?: (?:morning|afternoon|evening|night))?$"),
        "weekday": re.compile(rf"^(?:(?P<mod>last|this|next|past|coming|this past|this coming|previous)\s)?"
                              rf"(?:(?:early|late) (?:on )?)?{WD}(?: (?:morning|afternoon|evening|night))?$"),
        "cal_unit": re.compile(r"^(?P<mod>last|this|next|coming|current|this past|this coming)\s"
                               r"(?P<u>week|weekend|month|year)$"),
        "weekend": re.compile(r"^(?:the |this )?(?P<past>past )?weekend$"),
        "mod_month": re.compile(rf"^(?P<mod>last|this|next|past|coming)\s{MON}$"),
        "earlier_later": re.compile(r"^(?P<el>earlier|later) (?:(?P<mod>this|last|next) |in the )(?P<u>week|month|year)$"),
        "part": re.compile(rf"^(?:the )?{PART}(?: of| in)?(?:[- ](?P<rest>.+))$"),
        "nth_week": re.compile(rf"^(?:the )?{ORD} (?P<u>week|half|quarter|weekend) (?:of|in) (?P<rest>.+)$"),
        "rolling": re.compile(rf"^(?:the |this |these )?(?P<mod>past|last|previous|preceding)\s"
                              rf"(?:{QTY}(?P<plus>[- ]?plus| or so| or more)?\s)?{UNIT}$"),
        "ago": re.compile(rf"^(?:about |some |nearly |almost |more than |over |just |only |roughly |around )?"
                          rf"{QTY} {UNIT} ago$"),
        "next_n": re.compile(rf"^(?:the )?(?P<mod>next|coming)\s{QTY}\s{UNIT}$"),
        "decade": re.compile(r"^(?:the )?(?:(?P<part>early|mid|late)[- ]?)?(?P<dec>\d{3}0|'\d0)'?s$"),
        "century": re.compile(r"^(?:the )?(?:(?P<part>early|mid|late)[- ]?)?(?P<c>[1-9]|1\d|2[01]) century$"),
        "season": re.compile(rf"^(?:(?P<mod>last|this|next|past|coming) )?(?:the )?{SEASON}"
                             rf"(?:,? (?:of )?(?P<year>\d{{4}}))?$"),
        "anaphor": re.compile(rf"^(?:(?:earlier|later) )?(?:on )?(?:the |that |this )?(?:(?:very|same|following|"
                              rf"next|previous|preceding|subsequent|prior) )+(?P<u>day|morning|afternoon|evening|night|"
                              rf"week|weekend|month|year)$|^(?:(?:earlier|later) )?(?:on )?that (?P<u2>day|morning|"
                              rf"afternoon|evening|night|week|weekend|month|year)$|^{QTY} {UNIT} (?:later|earlier|"
                              rf"before|after|afterwards|previously)$|^the (?:day|week|month|year) (?:before|after)$"),
        "range_conn": re.compile(r"\s+(?P<w>to|through|thru|until|till|and)\s+|\s*-\s*"),
        "since": re.compile(r"^since (?P<rest>.+)$"),
        "from_between": re.compile(r"^(?P<fb>from|between) (?P<rest>.+)$"),
        "has_year": re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b"),
        "calendar_token": re.compile(rf"(?:{_alt(list(lx.months) + list(lx.weekdays))})\.?|of|the|'?\d[\d/.-]*"),
        "numeric": re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{1,4}\b"),
        "month_word": re.compile(rf"\b{MON}(?:\b|$)"),
        "time_word": re.compile(rf"\b(?:{_alt(list(lx.months) + list(lx.weekdays) + list(lx.units) + list(lx.seasons))}|"
                                r"today|tonight|yesterday|tomorrow|weekend|holiday|anniversary|season|eve)\b|"
                                r"\b(?:1[5-9]\d\d|20\d\d)\b"),
    }


# =========================================================================== calendar partials

@dataclass(frozen=True)
class _Partial:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None


def _year_of(tok: str | None) -> int | None:
    if not tok:
        return None
    if tok.startswith("'"):
        n = int(tok[1:])
        return 2000 + n if n < 50 else 1900 + n
    return int(tok)


def _partial(s: str) -> _Partial | None:
    """A calendar date as the text states it (any of year, month, day, weekday), or None."""
    g, lx = _g(), lexicon()
    if m := g["iso"].match(s):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        return _Partial(y, mo, d) if _valid(y, mo, d) else None
    if m := g["iso_month"].match(s):
        y, mo = int(m[1]), int(m[2])
        return _Partial(y, mo) if 1 <= mo <= 12 else None
    for key in ("mdy", "dmy"):
        if m := g[key].match(s):
            mo, d, y = lx.months[m["mon"]], int(m["day"]), _year_of(m["year"])
            if not _valid(y or 2000, mo, d):
                return None
            return _Partial(y, mo, d, lx.weekdays[m["wd"]] if m["wd"] else None)
    if m := g["my"].match(s):
        return _Partial(_year_of(m["year"]), lx.months[m["mon"]])
    if m := g["m"].match(s):
        return _Partial(None, lx.months[m["mon"]])
    if m := g["y"].match(s):
        return _Partial(int(m["year"]))
    if m := g["wd_only"].match(s):
        return _Partial(weekday=lx.weekdays[m["wd"]])
    return None


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def _latest_md(m: int, d: int, anchor: date, future: bool, weekday: int | None = None) -> date | None:
    """The latest (m, d) on or before `anchor` (the first on or after it if `future`);
    with a weekday, the nearest such date that falls on it (within 11 years)."""
    step = 1 if future else -1
    first = None
    for k in range(0, 12):
        y = anchor.year + step * k
        if not _valid(y, m, d):
            continue
        c = date(y, m, d)
        if (c > anchor and not future) or (c < anchor and future):
            continue
        if first is None:
            first = c
        if weekday is None or c.weekday() == weekday:
            return c
    return first


def _resolve_partial(p: _Partial, anchor: date | None, future: bool, rule: str = "calendar") -> Resolution:
    kw = {"month": p.month, "day": p.day}
    if p.year is not None:
        if p.month and p.day:
            d = date(p.year, p.month, p.day)
            return _span(d, d, "day", rule, **kw)
        if p.month:
            return _span(date(p.year, p.month, 1), _month_end(p.year, p.month), "month", rule, **kw)
        return _span(date(p.year, 1, 1), date(p.year, 12, 31), "year", rule, **kw)
    if p.month and p.day:
        if anchor is None:
            return _unresolved("day", rule, **kw)
        d = _latest_md(p.month, p.day, anchor, future, p.weekday)
        return _span(d, d, "day", rule, **kw) if d else _unresolved("day", rule, **kw)
    if p.month:
        if anchor is None:
            return _unresolved("month", rule, **kw)
        if future:
            y = anchor.year if p.month >= anchor.month else anchor.year + 1
        else:
            y = anchor.year if p.month <= anchor.month else anchor.year - 1
        return _span(date(y, p.month, 1), _month_end(y, p.month), "month", rule, **kw)
    if p.weekday is not None:
        if anchor is None:
            return _unresolved("day", rule)
        delta = (p.weekday - anchor.weekday()) % 7 if future else -((anchor.weekday() - p.weekday) % 7)
        d = anchor + timedelta(days=delta)
        return _span(d, d, "day", rule)
    return _unresolved(None, rule)


# =========================================================================== rules

def _weekday_rule(mod: str | None, wd: int, pub: date | None, fut: bool) -> Resolution:
    lexical_future = mod in ("next", "coming", "this coming")
    if pub is None:
        return _unresolved("day", "weekday", future=lexical_future)
    back = (pub.weekday() - wd) % 7
    ahead = (wd - pub.weekday()) % 7
    if mod in ("last", "past", "this past", "previous"):
        d = pub - timedelta(days=back or 7)
    elif lexical_future:
        d = pub + timedelta(days=ahead or 7)
    elif mod == "this":
        d = _monday(pub) + timedelta(days=wd)
    else:
        d = pub + timedelta(days=ahead) if fut else pub - timedelta(days=back)
    return _span(d, d, "day", "weekday", future=lexical_future)


def _weekend(pub: date, which: str) -> tuple[date, date]:
    """past: the latest Saturday-Sunday that has begun by `pub`; last: the latest that ended
    before it; next: the first that begins after it; coming: the first that has not ended."""
    sat_back = (pub.weekday() - 5) % 7
    sat = pub - timedelta(days=sat_back)                 # latest Saturday on or before pub
    if which == "last":
        if sat + timedelta(days=1) >= pub:                # pub is that Saturday or Sunday
            sat -= timedelta(days=7)
    elif which == "next":
        sat += timedelta(days=7)
    elif which == "coming":
        if sat + timedelta(days=1) < pub:
            sat += timedelta(days=7)
    return sat, sat + timedelta(days=1)


def _cal_unit(mod: str, u: str, pub: date | None, fut: bool) -> Resolution:
    lexical_future = mod in ("next", "coming", "this coming")
    prec = "week" if u == "weekend" else u
    if pub is None:
        return _unresolved(prec, "calendar_unit", future=lexical_future)
    if u == "weekend":
        which = {"last": "last", "this past": "last", "past": "last", "next": "next", "coming": "coming",
                 "this coming": "coming"}.get(mod, "coming" if fut else "past")
        s, e = _weekend(pub, which)
        return _span(s, e, "week", "calendar_unit", future=lexical_future)
    n = -1 if mod in ("last", "past", "this past") else 1 if lexical_future else 0
    s, e = _window(u, _shift(pub, n, u))
    return _span(s, e, prec, "calendar_unit", future=lexical_future)


def _earlier_later(el: str, mod: str | None, u: str, pub: date | None) -> Resolution:
    future = mod == "next" or (el == "later" and mod in (None, "this"))
    prec = "vague" if u == "year" else u
    if pub is None:
        return _unresolved(prec, "earlier_later", future=future)
    n = {"last": -1, "next": 1}.get(mod or "", 0)
    s, e = _window(u, _shift(pub, n, u))
    if n == 0:
        if el == "earlier":
            e = max(s, pub - timedelta(days=1))
        else:
            s = min(e, pub + timedelta(days=1))
    return _span(s, e, prec, "earlier_later", future=future)


def _read_inner(rest: str, pub: date | None, fut: bool) -> Resolution | None:
    """Read what follows "early", "since", "the first week of", with "the year/month" = this one."""
    rest = {"the year": "this year", "the month": "this month", "the week": "this week",
            "year": "this year", "month": "this month"}.get(rest, rest)
    r = _read(rest, pub, fut)
    return r if r is not None and r.rule else None


def _part_rule(part: str, rest: str, pub: date | None, fut: bool) -> Resolution | None:
    yw, mw = lexicon().parts[part]
    inner = _read_inner(rest, pub, fut)
    if inner is None or inner.rule == "decade":
        return None
    if inner.precision == "month":
        if not inner.resolved:
            return replace(inner, rule="part")
        s = inner.start.replace(day=min(mw[0], calendar.monthrange(inner.start.year, inner.start.month)[1]))
        e = inner.start.replace(day=min(mw[1], calendar.monthrange(inner.start.year, inner.start.month)[1]))
        return replace(inner, start=s, end=e, rule="part")
    if inner.precision == "year" and (inner.start is None or inner.start.year == inner.end.year):
        if not inner.resolved:
            return replace(inner, precision="vague", rule="part")
        y = inner.start.year
        return replace(inner, start=date(y, yw[0], 1), end=_month_end(y, yw[1]), precision="vague", rule="part")
    return None


def _nth_week(ordinal: int, u: str, rest: str, pub: date | None, fut: bool) -> Resolution | None:
    inner = _read_inner(rest, pub, fut)
    if inner is None:
        return None
    if u in ("week", "weekend") and inner.precision == "month":
        if not inner.resolved:
            return replace(inner, precision="week", rule="nth_week", day=None)
        y, m = inner.start.year, inner.start.month
        last = calendar.monthrange(y, m)[1]
        if u == "week":
            s = 1 + 7 * (ordinal - 1) if ordinal > 0 else last - 6
            e = min(s + 6, last)
            if s > last:
                return None
        else:
            sats = [d for d in range(1, last + 1) if date(y, m, d).weekday() == 5]
            if not sats or ordinal > len(sats):
                return None
            s = sats[ordinal - 1] if ordinal > 0 else sats[-1]
            e = min(s + 1, last)
        return replace(inner, start=date(y, m, s), end=date(y, m, e), precision="week", rule="nth_week", day=None)
    if u in ("half", "quarter") and inner.precision == "year":
        if not inner.resolved:
            return replace(inner, precision="vague", rule="nth_week")
        size = 6 if u == "half" else 3
        count = 12 // size
        k = ordinal if ordinal > 0 else count
        if k > count:
            return None
        y = inner.start.year
        return replace(inner, start=date(y, (k - 1) * size + 1, 1), end=_month_end(y, k * size),
                       precision="vague", rule="nth_week")
    return None


def _qty(tok: str | None) -> tuple[int, bool]:
    """A quantity word's count, and whether it is fuzzy ("several")."""
    lx = lexicon()
    if tok is None:
        return 1, False
    if tok.isdigit():
        return int(tok), False
    if tok in lx.fuzzy:
        return lx.fuzzy[tok], True
    return lx.numbers.get(tok, 1), False


def _rolling(m: re.Match, pub: date | None) -> Resolution | None:
    unit, mult = lexicon().units[m["unit"]]
    n, fuzzy = _qty(m["qty"])
    n *= mult
    if m["mod"] == "last" and m["qty"] is None and not m.group(0).startswith("the ") and m["unit"] in (
            "week", "month", "year"):
        return None                                      # "last month" is the calendar month
    if m["qty"] is None and m["unit"].endswith("s"):
        return None                                      # "the past years": vague (data/time_vague.csv)
    prec = "vague" if (fuzzy or m["plus"]) else _unit_precision(unit)
    if pub is None:
        return _unresolved(prec, "rolling")
    start = _shift(pub, -n, unit)
    return _span(start, pub, prec, "rolling")


def _ago(m: re.Match, pub: date | None) -> Resolution:
    unit, mult = lexicon().units[m["unit"]]
    n, fuzzy = _qty(m["qty"])
    n *= mult
    prec = "vague" if fuzzy else _unit_precision(unit)
    if pub is None:
        return _unresolved(prec, "ago")
    if fuzzy:                                 # "several days ago": between 2n and 1 units back
        return _span(_shift(pub, -2 * n, unit), _shift(pub, -1 if unit != "hour" else 0, unit), prec, "ago")
    d = pub - timedelta(days=n // 24) if unit == "hour" else _shift(pub, -n, unit)    # "two hours ago": today
    if unit in ("hour", "day"):
        return _span(d, d, prec, "ago")
    s, e = _window(unit, d)
    return _span(s, e, prec, "ago")


def _next_n(m: re.Match, pub: date | None) -> Resolution:
    unit, mult = lexicon().units[m["unit"]]
    n, fuzzy = _qty(m["qty"])
    prec = "vague" if fuzzy else _unit_precision(unit)
    if pub is None:
        return _unresolved(prec, "next_n", future=True)
    return _span(pub + timedelta(days=1), _shift(pub, n * mult, unit), prec, "next_n", future=True)


def _decade(m: re.Match) -> Resolution:
    dec = m["dec"]
    y0 = 1900 + int(dec[1:]) if dec.startswith("'") else int(dec)     # "the '90s": the 1990s
    s, e = y0, y0 + 9
    if m["part"] == "early":
        e = y0 + 3
    elif m["part"] == "mid":
        s, e = y0 + 3, y0 + 6
    elif m["part"] == "late":
        s = y0 + 6
    return _span(date(s, 1, 1), date(e, 12, 31), "vague", "decade")


def _century(m: re.Match) -> Resolution:
    """"the 20th century" = 1900-1999 (as usually meant); early/mid/late = its thirds."""
    y0 = (int(m["c"]) - 1) * 100
    s, e = {"early": (0, 32), "mid": (33, 66), "late": (67, 99)}.get(m["part"], (0, 99))
    return _span(date(max(1, y0 + s), 1, 1), date(y0 + e, 12, 31), "vague", "decade")


def _season(m: re.Match, pub: date | None, fut: bool) -> Resolution:
    first, last = lexicon().seasons[m["season"]]
    wraps = last < first
    mod = m["mod"]
    lexical_future = mod in ("next", "coming")

    def bounds(y: int) -> tuple[date, date]:            # the season that ends in year y
        return (date(y - 1 if wraps else y, first, 1), _month_end(y, last))

    if m["year"]:
        s, e = bounds(int(m["year"]))
        return _span(s, e, "vague", "season")
    if pub is None:
        return _unresolved("vague", "season", future=lexical_future)
    y = pub.year + (1 if wraps and pub.month >= first else 0)
    s, e = bounds(y)                                       # the season of pub's year (or running now)
    if mod in ("last", "past"):
        while e >= pub:
            y -= 1
            s, e = bounds(y)
    elif lexical_future:
        while s <= pub:
            y += 1
            s, e = bounds(y)
    elif mod != "this":
        if fut:
            while e < pub:
                y += 1
                s, e = bounds(y)
        else:
            while s > pub:
                y -= 1
                s, e = bounds(y)
    return _span(s, e, "vague", "season", future=lexical_future)


def _holiday(s: str, pub: date | None, fut: bool) -> Resolution | None:
    m = re.match(r"^(?:(?P<mod>last|this|next) )?(?P<h>.+?)(?:,? (?P<year>\d{4}))?$", s)
    if not m:
        return None
    for pat, month, day, wd, nth in lexicon().holidays:
        if not pat.fullmatch(m["h"]):
            continue

        def on(y: int, month=month, day=day, wd=wd, nth=nth) -> date:
            if day is not None:
                return date(y, month, day)
            first = date(y, month, 1)
            return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1))

        if m["year"]:
            d = on(int(m["year"]))
            return _span(d, d, "day", "holiday", month=month, day=day)
        if pub is None:
            return _unresolved("day", "holiday", month=month, day=day, future=m["mod"] == "next")
        forward = fut or m["mod"] == "next"
        y = pub.year
        if forward:
            while on(y) <= pub if m["mod"] == "next" else on(y) < pub:
                y += 1
        else:
            while on(y) >= pub if m["mod"] == "last" else on(y) > pub:
                y -= 1
        d = on(y)
        return _span(d, d, "day", "holiday", month=month, day=day, future=m["mod"] == "next")
    return None


def _vague(s: str, pub: date | None) -> Resolution | None:
    for pat, so, eo, prec, fut in lexicon().vague:
        if pat.fullmatch(s):
            if pub is None:
                return _unresolved(prec, "vague", future=fut)
            return _span(_offset(pub, so), _offset(pub, eo) if eo else None, prec, "vague", future=fut)
    return None


def _offset(pub: date, spec: str) -> date:
    n, unit = int(spec[:-1]), {"D": "day", "W": "week", "M": "month", "Y": "year"}[spec[-1]]
    return _shift(pub, n, unit)


# =========================================================================== ranges

def _fill_range(a: _Partial, b: _Partial) -> tuple[_Partial, _Partial] | None:
    """Give each end of a calendar range what the other states ("May 15-24", "October 25-26, 2016")."""
    if b.month is None and b.day is not None and b.weekday is None:
        if a.month is None:
            return None
        b = replace(b, month=a.month)
        if a.year is not None and b.year is None:
            b = replace(b, year=a.year)
    if a.month is None and a.day is not None and a.weekday is None:
        if b.month is None:
            return None
        a = replace(a, month=b.month)
    if (a.month is None) != (b.month is None) and (a.weekday is None or b.weekday is None):
        if not (a.month is None and a.day is None and a.year and b.year):
            return None
    if b.year is not None and a.year is None and a.month is not None:
        later = (a.month, a.day or 1) > (b.month or 12, b.day or 31)
        a = replace(a, year=b.year - 1 if later else b.year)
    if a.year is not None and b.year is None and b.month is not None:
        earlier = (b.month, b.day or 31) < (a.month or 1, a.day or 1)
        b = replace(b, year=a.year + 1 if earlier else a.year)
    for p in (a, b):
        if p.month is not None and p.day is not None and not _valid(p.year or 2000, p.month, p.day):
            return None
    return a, b


def _range(s: str, pub: date | None, fut: bool) -> Resolution | None:
    g = _g()
    fb = None
    body = s
    if m := g["from_between"].match(s):
        fb, body = m["fb"], m["rest"]
    for c in g["range_conn"].finditer(body):
        if c["w"] == "and" and fb != "between":
            continue
        left, right = body[:c.start()].strip(), body[c.end():].strip()
        if not left or not right:
            continue
        pa, pb = _partial(left), _partial(right)
        if pb is None and (m2 := g["d_only"].match(right)):
            pb = _Partial(_year_of(m2["year"]), None, int(m2["day"]))
        if pa is None and (m2 := g["d_only"].match(left)) and m2["year"] is None:
            pa = _Partial(None, None, int(m2["day"]))
        if pa is not None and pb is not None:
            if pa.year and pa.month is None and pb.year is None and pb.month is None and pb.weekday is None:
                pb = _Partial(year=(pa.year // 100) * 100 + pb.day)                        # "2014-17"
            filled = _fill_range(pa, pb)
            if filled is None:
                continue
            pa, pb = filled
            rb = _resolve_partial(pb, pub, fut, "range")
            if pb.year is not None or rb.resolved:
                anchor = rb.end if rb.resolved else None
                ra = _resolve_partial(pa, anchor if pa.year is None else None, False, "range")
            else:
                ra = _resolve_partial(pa, None, False, "range")
            out = _join(ra, rb, pub)
            if out is not None:
                return out
            continue
        ra, rb = _read(left, pub, fut), _read(right, pub, fut)
        if ra is not None and rb is not None and ra.rule and rb.rule and ra.rule != "range" and rb.rule != "range":
            out = _join(ra, rb, pub)
            if out is not None:
                return out
    return None


def _join(ra: Resolution, rb: Resolution, pub: date | None) -> Resolution | None:
    prec = _coarser(ra.precision, rb.precision)
    if ra.resolved and rb.resolved:
        if ra.start > rb.end:
            return None
        return _span(ra.start, rb.end, prec, "range", future=ra.future and rb.future, month=ra.month, day=ra.day)
    return _unresolved(prec, "range", future=ra.future and rb.future, month=ra.month, day=ra.day)


# =========================================================================== reading

def _read(s: str, pub: date | None, fut: bool) -> Resolution | None:
    """Apply the rules to a cleaned expression; None when no rule reads it."""
    g, lx = _g(), lexicon()
    if m := g["since"].match(s):
        inner = _read_inner(m["rest"], pub, False)
        if inner is None:
            return None
        if not inner.resolved:
            return replace(inner, rule="since", future=False)
        return replace(inner, end=pub, rule="since", future=False)
    if (p := _partial(s)) is not None:
        return _resolve_partial(p, pub, fut)
    if m := g["rel_day"].match(s):
        w = m["w"]
        if w.startswith("the "):
            w = w[4:]
        off = {"yesterday": -1, "last night": -1, "tomorrow": 1, "day before yesterday": -2,
               "day after tomorrow": 2}.get(w, 0)
        future = off > 0 or (m["mod"] == "later" and off == 0)
        if pub is None:
            return _unresolved("day", "relative_day", future=future)
        d = pub + timedelta(days=off)
        return _span(d, d, "day", "relative_day", future=future)
    if m := g["weekday"].match(s):
        return _weekday_rule(m["mod"], lx.weekdays[m["wd"]], pub, fut)
    if m := g["cal_unit"].match(s):
        return _cal_unit(m["mod"], m["u"], pub, fut)
    if m := g["weekend"].match(s):
        return _cal_unit("last" if m["past"] else "the", "weekend", pub, fut)
    if m := g["mod_month"].match(s):
        mo, mod = lx.months[m["mon"]], m["mod"]
        lexical_future = mod in ("next", "coming")
        if pub is None:
            return _unresolved("month", "month", month=mo, future=lexical_future)
        if mod == "this":
            y = pub.year
        elif lexical_future:
            y = pub.year if mo > pub.month else pub.year + 1
        else:                                              # last/past: strictly before this month
            y = pub.year if mo < pub.month else pub.year - 1
        return _span(date(y, mo, 1), _month_end(y, mo), "month", "month", month=mo, future=lexical_future)
    if m := g["earlier_later"].match(s):
        return _earlier_later(m["el"], m["mod"], m["u"], pub)
    if m := g["nth_week"].match(s):
        return _nth_week(lx.ordinals[m["ord"]], m["u"], m["rest"], pub, fut)
    if m := g["decade"].match(s):
        return _decade(m)
    if m := g["century"].match(s):
        return _century(m)
    if m := g["part"].match(s):
        return _part_rule(m["part"], m["rest"], pub, fut)
    if m := g["ago"].match(s):
        return _ago(m, pub)
    if m := g["next_n"].match(s):
        return _next_n(m, pub)
    if m := g["rolling"].match(s):
        if (r := _rolling(m, pub)) is not None:
            return r
    if m := g["season"].match(s):
        return _season(m, pub, fut)
    if (r := _vague(s, pub)) is not None:
        return r
    if (r := _holiday(s, pub, fut)) is not None:
        return r
    if m := g["anaphor"].match(s):
        u = m["u"] or m["u2"] or (lx.units[m["unit"]][0] if m["unit"] else "day")
        prec = {"morning": "day", "afternoon": "day", "evening": "day", "night": "day", "weekend": "week",
                "hour": "day"}.get(u, u)
        return _unresolved(prec, "anaphor")
    if (r := _range(s, pub, fut)) is not None:
        return r
    return None


_DP_PERIOD = {"day": "day", "time": "day", "week": "week", "month": "month", "year": "year"}


@functools.lru_cache(maxsize=4096)
def _dateparser(s: str, pub: date | None, fut: bool) -> Resolution | None:
    """The long tail of absolute forms, through dateparser."""
    g = _g()
    has_year = bool(g["has_year"].search(s))
    if pub is None and not has_year:
        return None
    if not all(g["calendar_token"].fullmatch(w) for w in s.replace(",", " ").split()):
        return None                      # only calendar words and numbers: "50 last december" is not one
    from dateparser.date import DateDataParser

    base = datetime.combine(pub, datetime.min.time()) if pub else datetime(2000, 1, 1)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if fut else "past",
                "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False}
    try:
        dd = DateDataParser(languages=["en"], settings=settings).get_date_data(s)
    except Exception:  # dateparser raises on some odd strings; they are simply not dates
        return None
    if dd is None or dd.date_obj is None:
        return None
    d = dd.date_obj.date()
    if has_year and str(d.year) not in s or not (1500 <= d.year <= 2100):
        return None
    prec = _DP_PERIOD.get(dd.period or "day", "day")
    s0, e0 = _window(prec, d)
    return _span(s0, e0, prec, "dateparser", month=d.month if prec in ("day", "month") else None,
                 day=d.day if prec == "day" else None)


def is_nontime(text: str) -> bool:
    """True when the expression names no date: a duration, an age, a frequency, a clock time, a stray number."""
    s = _clean(text)
    if not s:
        return True
    nt = lexicon().nontime
    return bool(nt.fullmatch(s) or nt.fullmatch(_strip_preps(s)))


def normalize(text: str, published: Any = None, *, future_tense: bool = False) -> Resolution | None:
    """Resolve one time expression against the publication date (an ISO string, a date, or None).

    Returns None when the text names no date (durations, ages, frequencies, clock times, stray
    numbers, or words without any time word). `future_tense` says that the clause the expression
    sits in speaks of the future (from the parse); it turns weekday and month searches forward.
    """
    return _normalize(text, as_date(published), bool(future_tense))


@functools.lru_cache(maxsize=65536)
def _normalize(text: str, pub: date | None, fut: bool) -> Resolution | None:
    g = _g()
    s = _clean(text)
    if not s or is_nontime(s):
        return None
    s2 = _strip_clock(s)
    if s2 != s:
        if not s2 or is_nontime(s2):
            return None
        s = s2
    s = _strip_preps(s)
    try:
        r = _read(s, pub, fut)
        if r is None and (g["month_word"].search(s) or g["numeric"].search(s)):
            r = _dateparser(s, pub, fut)
        if r is not None:
            return _done(r, pub)
    except (OverflowError, ValueError):
        # a date outside the calendar's years 1-9999 ("built 2500 years ago", "last 2025 year",
        # a publication date of 9999-12-31 and "next week"): this expression stays unresolved
        return Resolution()
    return Resolution() if g["time_word"].search(s) else None


def cache_clear() -> None:
    """Forget cached readings (for benchmarks that measure a cold start)."""
    _normalize.cache_clear()
    _dateparser.cache_clear()


# =========================================================================== event dating

_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "csubj", "csubjpass"})


def _published_date(published: Any) -> EventDate:
    pub = as_date(published)
    if pub is None:
        return EventDate(source="unknown")
    iso = pub.isoformat()
    return EventDate(start=iso, end=iso, precision="day", resolved=True, source="published")


def _from_timex(t) -> EventDate:
    return EventDate(start=t.start_date, end=t.end_date, precision=t.precision, resolved=bool(t.resolved),
                     source="text", text=t.text, start_char=t.start, end_char=t.end)


def _token_span(doc, start: int, end: int):
    sp = doc.char_span(start, end, alignment_mode="expand")
    return sp if sp is not None and len(sp) else None


def _attachment(doc, tx, chain_index: dict) -> tuple[int | None, bool]:
    """Where a time expression meets the trigger's head chain: (index in the chain or None,
    whether it gets there only through another clause — a background fact). A clause that
    modifies the trigger itself ("a raid carried out on Saturday", "the attack, which took
    place on Saturday") describes the trigger's event and is no crossing."""
    trigger_i = next((i for i, k in chain_index.items() if k == 0), None)
    sp = _token_span(doc, tx.start, tx.end)
    if sp is None:
        return None, False
    tok = sp.root
    crossed = False
    seen = 0
    while True:
        if tok.i in chain_index:
            return chain_index[tok.i], crossed
        if tok.dep_ in _CLAUSE_DEPS and tok.pos_ in ("VERB", "AUX") and not (
                tok.head.i == trigger_i and tok.dep_ in ("acl", "relcl")):
            crossed = True
        if tok.head.i == tok.i or seen > 64:
            return None, crossed
        tok = tok.head
        seen += 1


def event_date(trigger: Any, timexes: Sequence[Any], published: Any = None, *, doc=None,
               sentences: Sequence[tuple[int, int]] | None = None) -> EventDate:
    """The date of an event whose trigger sits at `trigger` (a char offset, a (start, end)
    pair, or anything with `.start`/`.end`), given the document's `timexes` (char offsets
    into the same text as `doc`) and the publication date.

    1. the time expression governing the trigger's clause: one that meets the trigger's head
       chain (the trigger itself or a head above it) without passing through another clause
       (relative, adverbial or complement clause); the lowest meeting point wins, then the
       nearest;
    2. else the nearest time expression of the sentence that is not inside another clause;
    3. else the previous sentence's (same paragraph; its main-clause one, else its last one);
    4. else the publication date, `source: "published"`; without a publication date
       `source: "unknown"`, `resolved: false`.
    Background facts keep their own dates: an expression inside a relative or adverbial
    clause dates that clause's event, not this one. With `doc=None`, `sentences` (char spans)
    stand in and only steps 2-4 apply (by distance).
    """
    if isinstance(trigger, int):
        t0, t1 = trigger, trigger + 1
    elif isinstance(trigger, tuple):
        t0, t1 = trigger
    else:
        t0, t1 = trigger.start, trigger.end
    if doc is not None:
        # Doc.text and the sentence list cost a pass over the document: once per document, not per event
        cached = doc.user_data.get("sitrep.text_and_sentences")
        if cached is None:
            cached = (doc.text, [(s.start_char, s.end_char) for s in doc.sents])
            doc.user_data["sitrep.text_and_sentences"] = cached
        text, sents = cached
    else:
        text, sents = None, list(sentences or [])
    k = bisect.bisect_right(sents, (t0, float("inf"))) - 1     # the sentences are in order: bisect
    si = k if k >= 0 and sents[k][0] <= t0 < sents[k][1] else None
    cands = [t for t in timexes if not (t.start < t1 and t0 < t.end)]

    def dist(t) -> int:
        return t.start - t1 if t.start >= t1 else t0 - t.end

    if si is None:
        return _published_date(published)
    s0, s1 = sents[si]
    in_sent = [t for t in cands if s0 <= t.start and t.end <= s1]

    if doc is not None and in_sent:
        sp = _token_span(doc, t0, t1)
        if sp is not None:
            chain = [sp.root] + list(sp.root.ancestors)
            index = {tok.i: k for k, tok in enumerate(chain)}
            governing, free = [], []
            for t in in_sent:
                k, crossed = _attachment(doc, t, index)
                if k is not None and not crossed:
                    governing.append((k, dist(t), t))
                if not crossed:
                    free.append(t)
            if governing:
                return _from_timex(min(governing, key=lambda x: (x[0], x[1]))[2])
            in_sent = free
    if in_sent:
        return _from_timex(min(in_sent, key=dist))
    if si > 0:
        p0, p1 = sents[si - 1]
        between = text[p1:s0] if text is not None else ""
        if "\n\n" not in between and not (text is not None and "\n\n" in text[p0:p1].strip()):
            prev = [t for t in cands if p0 <= t.start and t.end <= p1]
            if doc is not None and prev:
                root = next((s.root for s in doc.sents if s.start_char == p0), None)
                if root is not None:
                    main = []
                    for t in prev:
                        k, crossed = _attachment(doc, t, {root.i: 0})
                        if k is not None and not crossed:
                            main.append(t)
                    prev = main or prev
            if prev:
                return _from_timex(max(prev, key=lambda t: t.start))
    return _published_date(published)


# =========================================================================== ACLED

def acled_time_precision(precision: Any = None, start: Any = None, end: Any = None) -> int | None:
    """ACLED's `time_precision` for a date: 1 = the day is known; 2 = a range of at most a
    week (a week, a weekend, "January 2 to January 3"); 3 = a month, a longer range, a year,
    or vague. None when there is no date (unresolved): nothing to export.

    Takes a precision and start/end (ISO strings or dates), or a single `Timex`/`EventDate`.
    """
    if precision is not None and not isinstance(precision, str):
        obj = precision
        if not getattr(obj, "resolved", True):
            return None
        precision = getattr(obj, "precision", None)
        start = getattr(obj, "start_date", None) or getattr(obj, "start", None)
        end = getattr(obj, "end_date", None) or getattr(obj, "end", None)
        if isinstance(start, int):     # a Timex's char offsets, not dates
            start = getattr(obj, "start_date", None)
            end = getattr(obj, "end_date", None)
    s, e = as_date(start), as_date(end) or as_date(start)
    if s is None or precision is None:
        return None
    days = (e - s).days + 1 if e else 1
    if precision == "day" and days == 1:
        return 1
    if precision in ("day", "week") and days <= 7:
        return 2
    return 3
