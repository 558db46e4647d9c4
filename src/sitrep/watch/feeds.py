"""What a source lists: the items of an RSS/Atom feed (feedparser) or a sitemap (lxml), and
canonical article URLs.

`kind_of(response)` tells a feed, a sitemap and a page apart by their content; `items(kind,
response)` gives the article URLs with the title and date the listing states (metadata for the
article's `published`). A canonical URL drops the fragment, tracking parameters (utm_*, fbclid…),
the default port and case differences in scheme and host, so one article listed twice is one item.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from sitrep.watch.fetch import FEED_TYPES, FetchError, Response
from sitrep.watch.sources import check_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "at_medium", "at_campaign")
MAX_ITEMS = 5000             # a listing longer than this is cut (its newest items come first, as a rule)


@dataclass(frozen=True)
class Item:
    url: str                  # canonical
    title: str | None = None
    published: str | None = None   # ISO date or datetime, as the listing states it
    sitemap: bool = False          # a sitemap index's entry: another sitemap, not an article


def canonical_url(url: str) -> str:
    p = urlsplit(url.strip())
    host = (p.hostname or "").lower()
    port = p.port
    if port and not ((p.scheme == "http" and port == 80) or (p.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if p.username:
        host = f"{p.username}@{host}"
    query = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING)]
    return urlunsplit((p.scheme.lower(), host, p.path or "/", urlencode(query), ""))


def kind_of(r: Response) -> str:
    """feed, sitemap or page, from the answer's type and first bytes."""
    head = r.content[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if r.is_html() and b"<rss" not in head and b"<feed" not in head:
        return "page"
    if r.content_type in FEED_TYPES or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    raise FetchError(f"neither a feed, a sitemap nor an HTML page (content type {r.content_type or 'unknown'!r})")


def items(kind: str, r: Response) -> list[Item]:
    if kind == "feed":
        return feed_items(r)
    if kind == "sitemap":
        return sitemap_items(r)
    return [Item(canonical_url(r.final_url))]


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return dt.datetime(*struct[:6], tzinfo=dt.UTC).isoformat()
    except (TypeError, ValueError):
        return None


def feed_items(r: Response) -> list[Item]:
    import feedparser  # only when a feed is read

    parsed = feedparser.parse(r.content, response_headers={"content-location": r.final_url,
                                                           "content-type": r.headers.get("content-type", "")})
    if not parsed.entries and parsed.get("bozo") and not parsed.get("version"):
        raise FetchError(f"not a readable feed: {parsed.get('bozo_exception')}")
    found: dict[str, Item] = {}
    for e in parsed.entries[:MAX_ITEMS]:
        link = e.get("link") or next((x.get("href") for x in e.get("links", []) if x.get("href")), None)
        if not link:
            continue
        url = _item_url(r, link)
        if url is None:
            continue
        published = _iso(e.get("published_parsed") or e.get("updated_parsed"))
        found.setdefault(url, Item(url, (e.get("title") or "").strip() or None, published))
    return list(found.values())


def _item_url(r: Response, link: str) -> str | None:
    """A feed's or sitemap's link made absolute and canonical; None for one `check_url` refuses."""
    url = urljoin(r.final_url, link)
    return None if check_url(url) else canonical_url(url)


def sitemap_items(r: Response) -> list[Item]:
    """A sitemap's <url><loc>s (with <lastmod> or news:publication_date); a sitemap index's
    <sitemap><loc>s are items marked `sitemap`, for the caller to read in turn."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(r.content, parser)
    except etree.XMLSyntaxError as e:
        raise FetchError(f"not a readable sitemap: {e}") from None
    index = isinstance(root.tag, str) and etree.QName(root).localname == "sitemapindex"
    found: dict[str, Item] = {}
    for el in root:
        if not isinstance(el.tag, str):
            continue
        loc = date = title = None
        for child in el.iter():
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name in ("publication_date", "lastmod") and text and date is None:
                date = text
            elif name == "title" and text:
                title = text
        if not loc:
            continue
        url = _item_url(r, loc)
        if url is None:
            continue
        found.setdefault(url, Item(url, title, date, sitemap=index))
        if len(found) >= MAX_ITEMS:
            break
    return list(found.values())
