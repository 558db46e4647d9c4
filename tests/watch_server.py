"""A local news site for the watch tests (127.0.0.1 only, started by the tests): RSS and Atom feeds,
a sitemap, article pages, a robots.txt that forbids /private/, a slow page, a 500-then-200 page,
a redirect loop, a huge page, a PDF, a page that hangs once, and a webhook receiver.

Every article is written here for the tests."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLES = {
    "/news/a1.html": ("Gunmen kill four soldiers near Kirkuk", "2025-05-05",
                      "KIRKUK, Iraq - Gunmen attacked an army checkpoint near Kirkuk on Monday, killing four "
                      "soldiers and wounding two others, security officials said. The attackers fled towards "
                      "the Hamrin hills after the clash, which lasted about an hour."),
    "/news/a2.html": ("Protesters rally in Basra over power cuts", "2025-05-06",
                      "BASRA, Iraq - Hundreds of people protested in Basra on Tuesday against long power cuts, "
                      "blocking a main road with burning tyres. Police said the demonstration ended peacefully "
                      "in the evening and nobody was hurt."),
    "/news/b1.html": ("Roadside bomb hits convoy in Diyala", "2025-05-07",
                      "BAQUBA, Iraq - A roadside bomb struck a military convoy in Diyala province on Wednesday, "
                      "killing two soldiers, an army officer told reporters. No group claimed the bombing, which "
                      "happened on the road between Baquba and Muqdadiya."),
    "/news/b2.html": ("Drone strike in Sinjar", "2025-05-08",
                      "SINJAR, Iraq - A drone strike on a vehicle near Sinjar on Thursday killed three members of "
                      "an armed group, local officials said. The strike set the car on fire on a road west of "
                      "the town, witnesses added."),
    "/news/c1.html": ("Police arrest smugglers in Anbar", "2025-05-09",
                      "RAMADI, Iraq - Police arrested six suspected smugglers in Anbar province on Friday and seized "
                      "a truck loaded with weapons, the provincial police chief said. The men were taken to "
                      "Ramadi for questioning."),
    "/news/d1.html": ("Shelling damages homes in Tuz Khurmatu", "2025-05-10",
                      "TUZ KHURMATU, Iraq - Mortar shells fired by unknown attackers hit homes in Tuz Khurmatu on "
                      "Saturday, injuring five civilians, a local health official said. Residents said the "
                      "shelling began after midnight and went on for two hours."),
    "/news/flaky.html": ("Clashes in Tal Afar", "2025-05-11",
                         "TAL AFAR, Iraq - Fighters clashed with security forces on the edge of Tal Afar on Sunday, "
                         "killing one policeman, officials said. Reinforcements arrived from Mosul during the "
                         "afternoon and the fighting stopped by nightfall."),
    "/private/p1.html": ("Not for robots", "2025-05-12",
                         "MOSUL, Iraq - This page is behind a robots.txt rule and must never be fetched by a "
                         "polite crawler, whatever its feed says about it."),
    "/slow.html": ("Slow page", "2025-05-12", "KIRKUK, Iraq - This page answers too slowly to be read."),
    "/lb/tripoli.html": ("Checkpoint attacked in Tripoli", "2025-05-05",
                         "Gunmen attacked an army checkpoint in Tripoli on Monday, killing two soldiers, officials "
                         "said. The gunmen fled on motorcycles after a short exchange of fire."),
    "/any/tripoli.html": ("Clash in Tripoli", "2025-05-06",
                          "Fighters clashed with a rival militia in Tripoli on Tuesday, killing three people, "
                          "residents said. Schools in the district closed for the day."),
    "/kill/a1.html": ("Attack on a market in Hit", "2025-06-01",
                      "HIT, Iraq - Gunmen opened fire in a market in Hit on Sunday, killing two traders, police "
                      "said. The gunmen escaped in a white car towards the desert."),
    "/kill/a2.html": ("Bomb defused in Fallujah", "2025-06-02",
                      "FALLUJAH, Iraq - Army engineers defused a bomb planted under a bridge in Fallujah on Monday, "
                      "a military spokesman said. Traffic on the bridge was stopped for three hours."),
    "/kill/b-hang.html": ("Curfew in Samarra", "2025-06-03",
                          "SAMARRA, Iraq - Authorities imposed a curfew in Samarra on Tuesday after an attack on "
                          "a police patrol killed one officer, the mayor said."),
    "/kill/c3.html": ("Strike on a depot near Qaim", "2025-06-04",
                      "QAIM, Iraq - An air strike destroyed a weapons depot near Qaim on Wednesday, killing four "
                      "militants, the security media cell said."),
}


def page(path: str) -> bytes:
    title, date, text = ARTICLES[path]
    paras = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='article:published_time' content='{date}T08:00:00Z'></head>"
            f"<body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{paras}</article><footer>Copyright The Test Gazette</footer>"
            f"</body></html>").encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{ARTICLES.get(p, ('Item', ''))[0]}</title><link>{base}{p}</link>"
                    f"<guid>{base}{p}</guid><pubDate>Mon, 05 May 2025 09:00:00 GMT</pubDate></item>" for p in paths)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Test Gazette</title>"
            f"<link>{base}/</link><description>tests</description>{items}</channel></rss>").encode()


def atom(base: str, paths: list[str]) -> bytes:
    entries = "".join(f"<entry><title>{ARTICLES.get(p.split('?')[0], ('Item', ''))[0]}</title>"
                      f"<link href='{base}{p}'/><id>{base}{p}</id><updated>2025-05-07T10:00:00Z</updated></entry>"
                      for p in paths)
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            f"<title>Test Wire</title><id>{base}/atom</id><updated>2025-05-07T10:00:00Z</updated>"
            f"{entries}</feed>").encode()


RSS_PATHS = ["/news/a1.html", "/news/a2.html", "/private/p1.html", "/slow.html", "/news/flaky.html", "/loop/1",
             "/huge.html", "/report.pdf"]
ATOM_PATHS = ["/news/b1.html", "/news/a1.html?utm_source=atom", "/news/b2.html"]
KILL_PATHS = ["/kill/a1.html", "/kill/a2.html", "/kill/b-hang.html", "/kill/c3.html"]
ALLOWED = ["/news/a1.html", "/news/a2.html", "/news/b1.html", "/news/b2.html", "/news/c1.html", "/news/d1.html",
           "/news/flaky.html"]


class Site:
    def __init__(self):
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.hook_bodies: list[dict] = []
        self.hook_fail_first = 1
        self.hang_seen = threading.Event()
        self.release = threading.Event()
        self.user_agents: set[str] = set()
        self.inflight: Counter[str] = Counter()        # /pause/ requests in progress, per Host header
        self.max_inflight = 0
        self.max_inflight_per_host = 0
        self._guard = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                     headers: dict | None = None, length: bool = True):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if body and self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                if self.path != "/hook":
                    return self.send(404)
                site.hits["/hook"] += 1
                if site.hook_fail_first > 0:
                    site.hook_fail_first -= 1
                    return self.send(503, b"busy")
                site.hook_bodies.append(json.loads(body))
                self.send(200, b"{}", "application/json")

            def do_GET(self):
                path = self.path
                site.hits[path] += 1
                site.user_agents.add(self.headers.get("User-Agent", ""))
                base = f"http://{self.headers['Host']}"
                if path == "/robots.txt":
                    return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                if path in ("/feed.rss", "/atom.xml", "/kill.rss"):
                    etag = f'"{path}-v1"'
                    if self.headers.get("If-None-Match") == etag:
                        site.not_modified[path] += 1
                        return self.send(304, length=False, headers={"ETag": etag})
                    body = (rss(base, RSS_PATHS) if path == "/feed.rss" else atom(base, ATOM_PATHS)
                            if path == "/atom.xml" else rss(base, KILL_PATHS))
                    ctype = "application/atom+xml" if path == "/atom.xml" else "application/rss+xml"
                    return self.send(200, body, ctype, {"ETag": etag, "Last-Modified": "Mon, 05 May 2025 09:00:00 GMT"})
                if path == "/sitemap-index.xml":
                    body = (f"<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns='http://www.sitemaps.org/"
                            f"schemas/sitemap/0.9'><sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>"
                            ).encode()
                    return self.send(200, body, "application/xml")
                if path == "/sitemap.xml":
                    body = (f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                            f"sitemap/0.9'><url><loc>{base}/news/c1.html</loc><lastmod>2025-05-09</lastmod></url>"
                            f"</urlset>").encode()
                    return self.send(200, body, "application/xml")
                if path == "/slow.html":
                    time.sleep(3)
                    return self.send(200, page(path))
                if path == "/news/flaky.html" and site.hits[path] == 1:
                    return self.send(500, b"oops")
                if path == "/flaky2.html":
                    if site.hits[path] == 1:
                        return self.send(503, b"busy", headers={"Retry-After": "0"})
                    return self.send(200, page("/news/a1.html"))
                if path.startswith("/pause/"):
                    host = self.headers["Host"]
                    with site._guard:
                        site.inflight[host] += 1
                        site.max_inflight = max(site.max_inflight, sum(site.inflight.values()))
                        site.max_inflight_per_host = max(site.max_inflight_per_host, site.inflight[host])
                    time.sleep(0.4)
                    with site._guard:
                        site.inflight[host] -= 1
                    return self.send(200, page("/news/a1.html"))
                if path == "/to-localhost":
                    port = self.server.server_address[1]
                    return self.send(302, headers={"Location": f"http://localhost:{port}/news/a1.html"})
                if path == "/loop/1":
                    return self.send(302, headers={"Location": "/loop/2"}, length=True)
                if path == "/loop/2":
                    return self.send(302, headers={"Location": "/loop/1"}, length=True)
                if path == "/huge.html":         # no Content-Length: the cap must hold while it streams
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    try:
                        self.wfile.write(b"<html><body><p>" + b"war " * 1_000_000 + b"</p></body></html>")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if path == "/report.pdf":
                    return self.send(200, b"%PDF-1.4 not html", "application/pdf")
                if path == "/kill/b-hang.html" and site.hits[path] == 1:
                    site.hang_seen.set()
                    site.release.wait(120)
                    return self.send(200, page(path))
                if path in ARTICLES:
                    return self.send(200, page(path))
                self.send(404, b"not found")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
