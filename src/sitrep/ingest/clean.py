"""Text cleaning: scraping debris out, an offset map back to the text as read, the content hash.

The cleaned text is what sitrep analyses and stores. Cleaning works line by line:
surrounding whitespace and carriage returns are trimmed, lines matching a pattern of
`data/debris.txt` are removed, and runs of blank lines collapse to one. Every kept
run of characters is recorded in an `OffsetMap`, so any span of the cleaned text can
be mapped back onto the original.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

from sitrep.model import OffsetMap, Span

_LINE = re.compile(r"[^\n]*(?:\n|$)")


@functools.lru_cache(maxsize=1)
def debris_pattern() -> re.Pattern[str]:
    """One compiled alternation of the whole-line patterns in data/debris.txt."""
    lines = resources.files("sitrep.data").joinpath("debris.txt").read_text(encoding="utf-8").splitlines()
    parts = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@dataclass
class Cleaned:
    text: str
    offsets: OffsetMap
    debris: list[Span]


def clean_text(raw: str) -> Cleaned:
    """Remove debris lines and extra blank lines; keep the map from cleaned to raw offsets."""
    pattern = debris_pattern()
    out: list[str] = []
    segments: list[tuple[int, int, int]] = []
    debris: list[Span] = []
    pos = 0                # length of the cleaned text so far
    blank_pending = False  # a blank line was seen after kept content
    breaks: list[int] = []  # where each kept line's line break stands in `raw`
    for m in _LINE.finditer(raw):
        line = m.group()
        if not line:
            break
        body = line.rstrip("\n").rstrip("\r")
        stripped = body.strip()
        if not stripped:
            blank_pending = pos > 0
            continue
        if pattern.fullmatch(stripped):
            lead = len(body) - len(body.lstrip())
            debris.append(Span(stripped, m.start() + lead, m.start() + lead + len(stripped)))
            continue
        if pos > 0:
            out.append("\n\n" if blank_pending else "\n")
            pos += len(out[-1])
        blank_pending = False
        lead = len(body) - len(body.lstrip())
        segments.append((pos, m.start() + lead, len(stripped)))
        breaks.append(m.end() - 1)
        out.append(stripped)
        pos += len(stripped)
    text = "".join(out)
    return Cleaned(text, OffsetMap(_with_gaps(segments, breaks)), debris)


def _with_gaps(segments: list[tuple[int, int, int]], breaks: list[int]) -> list[tuple[int, int, int]]:
    """Add a segment for the line break(s) that follow each kept line in the cleaned text.

    A break maps to the line's own line break in the original (past any trailing white
    space or carriage return), a second one (a paragraph break) to the character after it,
    so every index stays mappable and the map monotonic. Where cleaning reshaped white
    space, a span across it quotes the original text (`Extraction.remapped`).
    """
    out = []
    for i, (cs, os_, n) in enumerate(segments):
        out.append((cs, os_, n))
        nxt = segments[i + 1][0] if i + 1 < len(segments) else cs + n
        if nxt > cs + n:
            out.append((cs + n, max(breaks[i], os_ + n), nxt - cs - n))
    return out


def normalise_for_hash(text: str) -> str:
    """NFC, whitespace collapsed: two texts differing only in layout hash alike."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def doc_id_for(text: str) -> str:
    """The stable id of a record that brings none: the content hash, shortened."""
    return content_hash(text)[:16]
