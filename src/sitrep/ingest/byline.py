"""Who wrote a document and for whom: bylines and outlet lines at its head.

Owns reading the header of a cleaned text: "By Jane Doe", "By Jane Doe and Omar Haddad,
Example Desk", "By JANE DOE | Frontline Monitor", a standalone outlet line next to a byline
or just under the headline ("Frontline Monitor"), and the agency in a wire dateline
("MOSUL, Iraq, May 2 (Example Wire) -"). The words are data (`data/bylines.json`). The lines
found are the document's `byline`: the author and outlet are stored with the document, and the
extraction stages treat those lines as no part of the story (their names are no people that
speak or act).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources

from sitrep.model import Span

_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|da|del|der|van|von|al|el|bin|ibn|la|le|du))*"
_DATELINE = re.compile(r"^[A-Z][\w .,'’-]{1,80}?\((?P<outlet>[A-Z][^()\n]{1,40})\)\s*[-—–]")
_NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
              "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
              "then", "now", "late", "early", "dawn", "noon", "nightfall", "midday", "midnight"}


@dataclass
class Byline:
    author: str | None = None
    outlet: str | None = None
    lines: list[Span] = field(default_factory=list)      # the header lines that say so


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("sitrep.data").joinpath("bylines.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _byline_re() -> re.Pattern[str]:
    d = _data()
    openers = "|".join(sorted((re.escape(o) for o in d["openers"]), key=len, reverse=True))
    return re.compile(rf"^(?i:{openers})\s+(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*?)"
                      rf"(?:\s+in\s+(?P<place>{_NAME}))?"
                      rf"(?:\s*(?:,|\||/|—|–|-|\bfor\b)\s*(?P<rest>[^\n]{{1,60}}))?\s*$")


def _outlet_like(s: str) -> bool:
    """A short capitalised name that ends with an outlet's word ("Frontline Monitor", "Example Desk")."""
    words = s.split()
    if not 1 <= len(words) <= 5 or s.rstrip()[-1:] in ".!?:;,":
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in ("of", "the", "and", "for", "&") for w in words):
        return False
    return words[-1].lower().strip("()") in _data()["outlet_words"]


def _split_rest(rest: str) -> tuple[str | None, bool]:
    """What follows the names: a role ("Staff Writer"), an outlet, or "Role, Outlet"; (outlet, whether
    every part is one of these)."""
    roles = set(_data()["roles"])
    parts = [p.strip() for p in re.split(r"\s*(?:,|\||/|—|–)\s*", rest) if p.strip()]
    outlet = None
    for p in parts:
        low = p.lower().rstrip(".")
        if low in roles or any(low.startswith(r + " ") for r in roles):
            continue
        words = p.rstrip(".").split()
        if not (1 <= len(words) <= 6 and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in ("of", "the", "and", "&")
                                             for w in words)):
            return None, False
        outlet = outlet or p.rstrip(".")
    return outlet, True


def detect(text: str) -> Byline:
    """The byline of a cleaned text; an empty `Byline` when its head names no author nor outlet."""
    d = _data()
    out = Byline()
    pos = 0
    heads: list[tuple[int, str]] = []
    for line in text.split("\n"):
        if line.strip():
            heads.append((pos, line))
        pos += len(line) + 1
        if len(heads) >= d["lines"]:
            break
    rx = _byline_re()
    by_at = None
    for k, (start, line) in enumerate(heads):
        s = line.strip()
        lead = start + line.index(s) if s else start
        m = rx.match(s)
        if m is None or len(s.split()) > 14 or (s.endswith((".", "?", "!")) and len(s.split()) > 6):
            continue
        names = m.group("names").strip()
        first = names.split()[0].lower().rstrip(",.")
        if first in ("the", "a", "an") or first in _NOT_NAMES or not any(w[:1].isupper() for w in names.split()):
            continue
        outlet, ok = _split_rest(m.group("rest")) if m.group("rest") else (None, True)
        if not ok:
            continue
        out.author = names.rstrip(".")
        out.outlet = outlet
        out.lines.append(Span(s, lead, lead + len(s)))
        by_at = k
        break
    for k, (start, line) in enumerate(heads):
        s = line.strip()
        lead = start + line.index(s) if s else start
        near_byline = by_at is not None and abs(k - by_at) == 1
        under_title = by_at is None and k in (1, 2)
        if k != by_at and (near_byline or under_title) and _outlet_like(s) and out.outlet is None:
            out.outlet = s
            out.lines.append(Span(s, lead, lead + len(s)))
            break
    if out.outlet is None:
        for _start, line in heads[:4]:
            m = _DATELINE.match(line.strip())
            name = re.split(r"\s+[-—–]\s+|,", m.group("outlet"))[0].strip() if m else ""
            if name and not re.search(r"\d", name) and name.split()[0].lower() not in _NOT_NAMES:
                out.outlet = name
                break
    out.lines.sort(key=lambda sp: sp.start)
    return out
