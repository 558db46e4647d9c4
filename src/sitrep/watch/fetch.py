"""A polite, bounded HTTP fetcher for `sitrep watch` (httpx).

Polite: robots.txt is read once per host (and again after a day) and obeyed, with its
Crawl-delay; requests to one host go one at a time, spaced by `delay` seconds (different hosts
may be fetched from different threads at once); the User-Agent names sitrep. Bounded: a connect/read timeout and a deadline for the
whole answer, a size cap checked on the declared length and while the body streams in, at most
`max_redirects` redirects (each hop checked against robots.txt, a loop named as one), answers
of 429 and 5xx retried `retries` times with exponential backoff (Retry-After honoured up to
a minute). Guarded: a URL on a host that is not trusted (the caller trusts the hosts of its
sources file) must not lead to a private, loopback or link-local address — a feed cannot make
sitrep read an intranet page or a cloud metadata service, directly or by a redirect. Every refusal
is a `FetchError` whose message is the reason, stored by the caller.
"""
from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from sitrep import __version__
from sitrep.watch.sources import check_url

USER_AGENT = f"sitrep/{__version__} (news monitor for conflict-event data; honours robots.txt)"
ROBOTS_TOKEN = "sitrep"
ROBOTS_TTL = 24 * 3600.0
ROBOTS_MAX_BYTES = 500_000
REDIRECTS = {301, 302, 303, 307, 308}

HTML_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/feed+xml", "application/x-rss+xml", "text/rss+xml", "text/atom+xml"}


class FetchError(Exception):
    """A URL that could not be fetched; the message says why. `retry_after`: seconds the server asked for."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Response:
    url: str                    # the URL asked for
    final_url: str              # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", self.headers.get("content-type", ""), re.I)
        return m.group(1) if m else None

    def is_html(self) -> bool:
        if self.content_type in HTML_TYPES:
            return True
        head = self.content[:1024].lstrip().lower()
        return self.content_type in ("", "text/plain", "application/octet-stream") and (
            head.startswith(b"<!doctype html") or head.startswith(b"<html"))

    def html_text(self) -> str:
        """The body as text: the declared charset, else the page's <meta charset>, else UTF-8;
        FetchError when the bytes are not valid in it or the charset is unknown."""
        charset = self.charset or _meta_charset(self.content[:4096]) or "utf-8"
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            raise FetchError(f"unknown charset {charset!r}") from None
        try:
            return self.content.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as e:
            raise FetchError(f"the page is not valid {charset} (byte {e.start})") from None


def _meta_charset(head: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", head, re.I)
    return m.group(1).decode("ascii", "replace") if m else None


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None    # None: everything allowed
    disallow_all: bool
    fetched: float


class Fetcher:
    def __init__(self, *, user_agent: str = USER_AGENT, delay: float = 1.0, timeout: float = 20.0,
                 deadline: float | None = None, max_bytes: int = 5_000_000, max_redirects: int = 5,
                 retries: int = 2, backoff: float = 2.0, transport: httpx.BaseTransport | None = None,
                 trusted_hosts: set[str] | None = None):
        self.user_agent = user_agent
        self.delay = delay
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 3 * timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.client = httpx.Client(headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
                                   timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport,
                                   trust_env=False)
        self.trusted_hosts = {h.lower() for h in trusted_hosts} if trusted_hosts is not None else None
        self._public: dict[str, str | None] = {}     # host → why it may not be fetched (None: it may)
        self._robots: dict[str, _Robots] = {}
        self._last: dict[str, float] = {}       # host → when its last request ended
        self._locks: dict[str, threading.Lock] = {}   # one per host: its requests one at a time
        self._locks_lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ the one entry point
    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET `url` politely: robots.txt, spacing, redirects, retries. A 304 is returned as it is;
        any other answer but 2xx, and every refusal, is a FetchError with the reason."""
        bad = check_url(url)
        if bad:
            raise FetchError(bad)
        seen = [url]
        current = url
        while True:
            refused = self.private(current)
            if refused:
                raise FetchError(refused + ("" if current == url else f" (redirected to {current})"))
            if not self.allowed(current):
                raise FetchError("disallowed by robots.txt" + ("" if current == url else f" (redirected to {current})"))
            r = self._with_retries(current, headers)
            if r.status in REDIRECTS:
                loc = r.headers.get("location")
                if not loc:
                    raise FetchError(f"HTTP {r.status} redirect without a Location")
                nxt = urljoin(current, loc.strip())
                bad = check_url(nxt)
                if bad:
                    raise FetchError(f"redirected to a URL that cannot be fetched: {bad}")
                if nxt in seen:
                    raise FetchError("redirect loop: " + " → ".join(seen + [nxt]))
                if len(seen) > self.max_redirects:
                    raise FetchError(f"too many redirects (more than {self.max_redirects})")
                seen.append(nxt)
                current = nxt
                continue
            r.url, r.final_url = url, current
            if r.status == 304 or 200 <= r.status < 300:
                return r
            raise FetchError(f"HTTP {r.status}")

    def new_round(self) -> None:
        """Forget which hosts resolve to public addresses (names move); robots.txt keeps its day."""
        self._public.clear()

    # ------------------------------------------------------------------ private addresses
    def private(self, url: str) -> str | None:
        """Why `url` may not be fetched for lying on a private address (None: it may). Every host is
        trusted when `trusted_hosts` is None; a trusted host is never checked."""
        host = (urlsplit(url).hostname or "").lower()
        if self.trusted_hosts is None or host in self.trusted_hosts:
            return None
        if host not in self._public:
            self._public[host] = _private_reason(host)
        return self._public[host]

    # ------------------------------------------------------------------ robots.txt
    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rb = self._robots.get(origin)
        if rb is None or time.monotonic() - rb.fetched > ROBOTS_TTL:
            rb = self._robots[origin] = self._fetch_robots(origin)
        if rb.disallow_all:
            return False
        return rb.parser is None or rb.parser.can_fetch(ROBOTS_TOKEN, url)

    def _fetch_robots(self, origin: str) -> _Robots:
        """RFC 9309: a 4xx (no robots.txt) allows everything; a 5xx or no answer forbids everything
        for now (asked again in an hour)."""
        url = origin + "/robots.txt"
        try:
            current = url
            for _ in range(self.max_redirects + 1):
                r = self._request(current, None, ROBOTS_MAX_BYTES, truncate=True)   # RFC 9309: the first 500 KB
                if r.status in REDIRECTS and r.headers.get("location"):
                    current = urljoin(current, r.headers["location"])
                    if check_url(current) or self.private(current):
                        raise FetchError("robots.txt redirected where sitrep may not go")
                    continue
                break
        except FetchError:
            return _Robots(None, True, time.monotonic() - ROBOTS_TTL + 3600)
        if 400 <= r.status < 500:
            return _Robots(None, False, time.monotonic())
        if r.status != 200:
            return _Robots(None, True, time.monotonic() - ROBOTS_TTL + 3600)
        parser = urllib.robotparser.RobotFileParser(url)
        parser.parse(r.content.decode("utf-8", "replace").splitlines())
        return _Robots(parser, False, time.monotonic())

    def crawl_delay(self, url: str) -> float:
        parts = urlsplit(url)
        rb = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        cd = rb.parser.crawl_delay(ROBOTS_TOKEN) if rb and rb.parser else None
        return max(self.delay, float(cd or 0))

    # ------------------------------------------------------------------ one request
    def _with_retries(self, url: str, headers: dict[str, str] | None) -> Response:
        attempt = 0
        while True:
            r = self._request(url, headers, self.max_bytes)
            if not (r.status == 429 or 500 <= r.status < 600):
                return r
            wait = _retry_after(r.headers.get("retry-after"))
            if attempt >= self.retries or (wait is not None and wait > 60):
                raise FetchError(f"HTTP {r.status}" + (f" after {attempt + 1} tries" if attempt else ""),
                                 retry_after=wait)
            time.sleep(wait if wait is not None else self.backoff * 2 ** attempt)
            attempt += 1

    def _wait_turn(self, host: str, url: str) -> None:
        last = self._last.get(host)
        if last is not None:
            gap = self.crawl_delay(url) - (time.monotonic() - last)
            if gap > 0:
                time.sleep(gap)

    def _request(self, url: str, headers: dict[str, str] | None, cap: int, truncate: bool = False) -> Response:
        host = urlsplit(url).netloc
        with self._locks_lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:                                       # one request at a time per host
            self._wait_turn(host, url)
            try:
                return self._stream(url, headers, cap, truncate)
            finally:
                self._last[host] = time.monotonic()
                self.requests += 1

    def _stream(self, url: str, headers: dict[str, str] | None, cap: int, truncate: bool = False) -> Response:
        start = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                hdrs = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in REDIRECTS or r.status_code == 304 or r.status_code >= 300:
                    return Response(url, url, r.status_code, hdrs)
                declared = hdrs.get("content-length")
                if declared and declared.isdigit() and int(declared) > cap and not truncate:
                    raise FetchError(f"too large: {int(declared):,} bytes declared, the limit is {cap:,}")
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > cap:
                        if truncate:
                            return Response(url, url, r.status_code, hdrs, bytes(body[:cap]))
                        raise FetchError(f"too large: more than {cap:,} bytes")
                    if time.monotonic() - start > self.deadline:
                        raise FetchError(f"too slow: no complete answer within {self.deadline:g} s")
                return Response(url, url, r.status_code, hdrs, bytes(body))
        except httpx.TimeoutException as e:
            raise FetchError(f"timed out ({type(e).__name__}, limit {self.timeout:g} s)") from None
        except httpx.DecodingError as e:
            raise FetchError(f"cannot decode the body: {e}") from None
        except httpx.HTTPError as e:
            raise FetchError(f"{type(e).__name__}: {e}") from None


def _private_reason(host: str) -> str | None:
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError) as e:
        return f"cannot resolve {host}: {e}"
    for a in addrs:
        ip = ipaddress.ip_address(a.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return f"refused: {host} is at a private or local address ({ip}), and only the sources file's hosts may be"
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from email.utils import parsedate_to_datetime

        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
