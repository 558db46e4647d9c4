"""The sources file of `sitrep watch`: one URL per line, with optional settings.

    # comments and blank lines are ignored
    https://example.org/world/rss.xml  source="Example Wire"  countries=IQ,SY
    https://example.org/sitemap-news.xml  kind=sitemap
    https://example.org/2025/05/01/an-article.html

A line is a URL followed by `key=value` settings: `source=` (the outlet's name, stored with each
article; quote it when it has spaces), `countries=` (ISO codes: the region hint for the places in
its articles), `kind=feed|sitemap|page` (otherwise found out from the first answer). A bad line is
an error that names the file, the line and the reason.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sitrep import config

KINDS = ("feed", "sitemap", "page")


class SourcesError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    url: str
    name: str | None = None
    countries: str | None = None     # "IQ,SY", checked
    kind: str | None = None          # feed | sitemap | page; None: found out when fetched


def check_url(url: str) -> str | None:
    """Why `url` cannot be fetched (None when it can): only absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError as e:
        return f"not a URL: {e}"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url!r}"
    if not parts.hostname:
        return f"no host in {url!r}"
    return None


def parse_line(line: str, where: str) -> Source | None:
    body = line.strip()
    if not body or body.startswith("#"):
        return None
    try:
        words = shlex.split(body, comments=True)
    except ValueError as e:
        raise SourcesError(f"{where}: {e}") from None
    if not words:
        return None
    url, settings = words[0], {}
    bad = check_url(url)
    if bad:
        raise SourcesError(f"{where}: {bad}")
    for w in words[1:]:
        key, eq, value = w.partition("=")
        if not eq or key not in ("source", "countries", "kind"):
            raise SourcesError(f"{where}: {w!r} is not one of source=NAME, countries=IQ,SY, kind=feed|sitemap|page")
        settings[key] = value
    kind = settings.get("kind")
    if kind is not None and kind not in KINDS:
        raise SourcesError(f"{where}: kind={kind!r} is not one of {', '.join(KINDS)}")
    countries = settings.get("countries")
    if countries:
        try:
            countries = ",".join(config.parse_countries(countries, f"{where}: countries"))
        except config.ConfigError as e:
            raise SourcesError(str(e)) from None
    return Source(url=url, name=settings.get("source") or None, countries=countries or None, kind=kind)


def read(path: str | Path) -> list[Source]:
    """Every source in a sources file, in order, each URL once; SourcesError names file and line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SourcesError(f"{p}: cannot read: {e}") from None
    found: dict[str, Source] = {}
    for n, line in enumerate(text.splitlines(), 1):
        src = parse_line(line, f"{p}:{n}")
        if src is not None and src.url not in found:
            found[src.url] = src
    if not found:
        raise SourcesError(f"{p}: no sources (one URL per line)")
    return list(found.values())
