"""Publication date detection: metadata first, then what the article's header states.

Only the header of an article is searched, and only in forms that state a
publication date: a `date YYYY-MM-DD` line, `Published:`/`Posted:`/`Updated:`
lines, a dateline ("BAGHDAD, March 4, 2025 (Reuters) -"), a byline or a line that is
nothing but a date. Dates inside sentences (a photo caption's "..., Aug. 24, 2017.")
and lines starting "FILE" are never taken. Nothing found means `None`: sitrep never
falls back to today's date.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from sitrep.model import Span

HEADER_LINES = 12        # how many non-empty lines count as the header
HEADER_CHARS = 2500      # ... and at most this many characters

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_YEAR = r"(?:19|20)\d\d"
# "March 4, 2025", "4 March 2025", "2025-03-04", with an optional weekday in front
_DATE = (rf"(?:{_WEEKDAY}?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR})"
         rf"|{_YEAR}-\d\d-\d\d)")
_DATE_NO_YEAR = rf"(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})"

_ISO_HEADER = re.compile(rf"^date\s+(?P<date>{_YEAR}-\d\d-\d\d)\b", re.IGNORECASE)
_LABELLED = re.compile(
    rf"^(?P<label>published|posted|first published|updated|last updated|date)\s*(?:on|at)?\s*[:\-–—]?\s*"
    rf"(?P<date>{_DATE})", re.IGNORECASE)
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z'.\- ]+(?:,\s*[A-Z][A-Za-z.\- ]+)?),\s+(?:{_WEEKDAY})?"
    rf"(?:(?P<date>{_DATE})|(?P<partial>{_DATE_NO_YEAR}))\s*(?:\([^)]{{1,60}}\))?\s*[-–—]")
_BYLINE = re.compile(rf"^By\s+[^\n]{{1,80}}?(?:\||,|—|–|-|•)\s*(?P<date>{_DATE})\b")
_ONLY_DATE = re.compile(rf"^(?P<date>{_DATE})(?:\s*[,|•]?\s*\d{{1,2}}:\d\d(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{{2,4}})?)?\.?$")
_URL_DATE = re.compile(rf"/(?P<y>{_YEAR})[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|-|$)")
_FILE_PHOTO = re.compile(r"^(FILE\b|FILE PHOTO|PHOTO\b)", re.IGNORECASE)


@dataclass
class PubDate:
    date: str                 # ISO YYYY-MM-DD
    source: str               # metadata | text
    evidence: Span | None = None


def from_metadata(value: object, where: str = "published") -> str | None:
    """Normalise a metadata date (ISO date or datetime) to YYYY-MM-DD; raise ValueError if it is none."""
    if value is None or value == "":
        return None
    s = str(value).strip()
    try:
        if len(s) == 10:
            return dt.date.fromisoformat(s).isoformat()
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"{where} {s!r} is not an ISO date or datetime") from None


@functools.lru_cache(maxsize=4096)
def parse_date(s: str) -> dt.date | None:
    """A full calendar date (day, month and year all stated), else None."""
    import dateparser  # slow import, needed only when a header states a date

    d = dateparser.parse(s.replace("Sept.", "Sep.").replace("Sept ", "Sep "), languages=["en"],
                         settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
                                   "RETURN_AS_TIMEZONE_AWARE": False})
    return d.date() if d else None


def from_url(url: str | None) -> dt.date | None:
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def from_text(text: str, url: str | None = None) -> PubDate | None:
    """The publication date the article's header states, with the words that state it."""
    seen = 0
    pos = 0
    for line in text[:HEADER_CHARS].split("\n"):
        start = pos
        pos += len(line) + 1
        body = line.strip()
        if not body:
            continue
        seen += 1
        if seen > HEADER_LINES:
            break
        if _FILE_PHOTO.match(body):
            continue
        off = start + (len(line) - len(line.lstrip()))
        for rx in (_ISO_HEADER, _LABELLED, _DATELINE, _BYLINE, _ONLY_DATE):
            m = rx.match(body)
            if not m:
                continue
            if m.groupdict().get("date"):
                d = parse_date(m["date"])
            elif m.groupdict().get("partial"):
                # "BAGHDAD, Jan. 5 (Reuters) -": the year must come from somewhere else
                year = from_url(url)
                d = parse_date(f"{m['partial']} {year.year}") if year else None
            else:
                d = None
            if d:
                g = "date" if m.groupdict().get("date") else "partial"
                return PubDate(d.isoformat(), "text", Span(m[g], off + m.start(g), off + m.end(g)))
    return None


def detect(text: str, metadata: str | None, url: str | None = None) -> PubDate | None:
    """Metadata wins; then the header of the text; then a date in the URL's path."""
    if metadata:
        return PubDate(metadata, "metadata")
    found = from_text(text, url)
    if found:
        return found
    d = from_url(url)
    return PubDate(d.isoformat(), "metadata") if d else None
