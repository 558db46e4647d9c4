"""The web UI in a real browser: Debian's chromium driven by Playwright, against the app served
by uvicorn over a store built from examples/, with every request off this machine blocked.

It checks what a person would: the map draws country outlines and event markers, the filters
narrow the list, brushing the timeline sets the dates, an event shows its evidence highlighted
by role, a document view shows every annotation without losing a character of the text. The
page runs under the server's Content-Security-Policy and every test fails on a violation; a
hostile article (a javascript: URL, markup in its title) is shown as text, never as a link or code.
"""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT, copy_store

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is absent (make test installs Debian's chromium)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

import uvicorn  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from sitrep.api import create_app, missing_vendor  # noqa: E402
from sitrep.store import Store  # noqa: E402
from sitrep.store import query as Q  # noqa: E402

if missing_vendor():
    pytest.skip(f"the web UI's libraries are missing ({', '.join(missing_vendor())}): run make install",
                allow_module_level=True)

LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}


HOSTILE = {"id": "hostile-link", "url": "javascript:alert(document.domain)",
           "title": "<img src=x onerror=alert(1)> Raid near Baiji", "source": "<b>Wire</b>", "published": "2025-05-06",
           "text": "BAIJI, Iraq, May 6, 2025 - Iraqi Security Forces killed four Islamic State militants in a raid "
                   "near Baiji on Monday, officials said."}


def _add_events(store, actor: str, n: int) -> None:
    """`n` more real-world events of `actor` (copies of one of its events, a day apart)."""
    import datetime as dt

    from sqlalchemy import insert, select

    from sitrep.store import clusters as X
    from sitrep.store import schema as S

    with store.engine.begin() as c:
        row = dict(c.execute(select(S.clusters).where(S.clusters.c.actor1_id == actor).order_by(S.clusters.c.id)
                             .limit(1)).mappings().one())
        day = dt.date(2023, 1, 1)
        rows = [{**row, "id": f"evt-more-{i:04d}", "summary_hash": f"more{i}",
                 "date_start": (day + dt.timedelta(days=i)).isoformat(), "date_end": None} for i in range(n)]
        c.execute(insert(S.clusters), rows)
        X.write_actors(c, rows, fresh=True)   # their event-actor rows, as the store writes them


@pytest.fixture(scope="module")
def store(examples_db, pipeline, tmp_path_factory):
    import json

    from sitrep import batch

    tmp = tmp_path_factory.mktemp("browser")
    s = Store.open(copy_store(examples_db, tmp))
    feed = tmp / "hostile.jsonl"
    feed.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    assert batch.ingest([str(feed)], s, pipeline).stored == 1
    _add_events(s, "actor:isis", 130)   # a big entity: its page comes in pages
    yield s
    s.close()


@pytest.fixture(scope="module")
def base_url(store):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser_page(base_url):
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})

        def gate(route):
            host = urlparse(route.request.url).hostname or ""
            if host in LOCAL:
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", gate)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: (errors.append(f"a dialog opened: {d.message}"), d.dismiss()))
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                             "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        response = page.goto(base_url + "/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        yield page, blocked, errors
        browser.close()
    assert not blocked, f"the page tried to reach outside this machine: {blocked}"


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """After each test that used the page: the Content-Security-Policy blocked nothing."""
    yield
    if "browser_page" in request.fixturenames:
        page = request.getfixturevalue("browser_page")[0]
        blocked = page.evaluate("(() => { const b = window.__csp; window.__csp = []; return b; })()")
        assert blocked == [], f"the page broke its Content-Security-Policy: {blocked}"


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    return path


def go(page, base_url, hash_: str) -> None:
    page.evaluate("h => { location.hash = h; }", hash_)


def test_map_draws_outlines_markers_and_the_timeline(browser_page, base_url, store):
    page, blocked, errors = browser_page
    go(page, base_url, "#/")
    page.wait_for_function("document.querySelectorAll('path.country').length > 100")
    markers = page.locator(".evt-marker, .evt-cluster")
    expect(markers.first).to_be_visible()
    page.wait_for_function("document.querySelectorAll('#timeline rect').length > 0")
    total = Q.events(store, limit=1)["total"]
    expect(page.locator("#list-count")).to_have_text(f"{total} events")
    assert page.locator("#event-list li.event").count() == min(total, 50)
    shot(page, "map")
    assert not blocked and not errors, (blocked, errors)


def test_type_filter_narrows_the_list(browser_page, base_url, store):
    page, _, errors = browser_page
    go(page, base_url, "#/")
    want = Q.events(store, types=["Strategic developments"], limit=1)["total"]
    assert 0 < want < Q.events(store, limit=1)["total"]
    page.locator("input[name=type][value='Strategic developments']").check()
    expect(page.locator("#list-count")).to_have_text(f"{want} events")
    types = page.locator("#event-list li.event").evaluate_all("els => els.map(e => e.dataset.type)")
    assert types and set(types) == {"Strategic developments"}
    assert "type=Strategic" in page.evaluate("location.hash")
    page.locator("#reset").click()
    expect(page.locator("#list-count")).to_have_text(f"{Q.events(store, limit=1)['total']} events")
    assert not errors, errors


def test_brushing_the_timeline_sets_the_dates(browser_page, base_url, store):
    page, _, errors = browser_page
    go(page, base_url, "#/")
    page.wait_for_function("document.querySelectorAll('#timeline rect').length > 0")
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.97, y, steps=8)
    page.mouse.up()
    page.wait_for_function("location.hash.includes('date_from=') && location.hash.includes('date_to=')")
    frm = page.locator("input[name=date_from]").input_value()
    to = page.locator("input[name=date_to]").input_value()
    assert frm and to and frm <= to
    want = Q.events(store, date_from=frm, date_to=to, limit=1)["total"]
    expect(page.locator("#list-count")).to_have_text(f"{want} event{'s' if want != 1 else ''}")
    page.locator("#clear-dates").click()
    page.wait_for_function("!location.hash.includes('date_from=')")
    assert not errors, errors


def _event_with_full_evidence(store):
    page = Q.events(store, limit=1000)
    for e in page["items"]:
        if not (e["actor1"] and e["location"]):
            continue
        detail = Q.event(store, e["id"])
        for rep in detail["reports"]:
            m = rep["mention"]
            if (m.get("actor1") or {}).get("start") is not None and (m.get("location") or {}).get("start") is not None:
                return detail, m
    pytest.fail("no event in the examples has an actor and a place with offsets")


def test_event_page_highlights_the_evidence_by_role(browser_page, base_url, store):
    page, _, errors = browser_page
    detail, m = _event_with_full_evidence(store)
    go(page, base_url, f"#/event/{detail['id']}")
    page.wait_for_selector("article.report")
    expect(page.locator(".legend .hl-trigger")).to_be_visible()

    def texts(cls: str) -> list[str]:
        return page.locator(f"article.report mark.{cls}").all_inner_texts()

    assert m["trigger"]["text"] in texts("hl-trigger")
    assert m["actor1"]["text"] in texts("hl-actor")
    assert m["location"]["text"] in texts("hl-place")
    shot(page, "event")
    assert not errors, errors


def test_document_view_shows_every_annotation(browser_page, base_url, store):
    page, _, errors = browser_page
    doc = Q.document(store, "12_page_kirkuk_ied.html")
    go(page, base_url, "#/document/12_page_kirkuk_ied.html")
    page.wait_for_selector(".doc-text")
    body = page.locator(".doc-text")
    assert body.evaluate("el => el.textContent") == doc["text"]   # highlighting loses no character
    for cls in ("hl-entity", "hl-place", "hl-date", "hl-trigger", "hl-count", "hl-quote"):
        assert body.locator(f".{cls}").count() > 0, cls
    triggers = body.locator(".hl-trigger").all_inner_texts()
    assert {e["trigger"]["text"] for e in doc["events"]} <= set(triggers)
    shot(page, "document")
    # an event trigger links to its real-world event
    linked = body.locator("a.hl-trigger").first
    linked.click()
    page.wait_for_selector("article.report")
    assert page.evaluate("location.hash").startswith("#/event/evt-")
    assert not errors, errors


def test_entity_page(browser_page, base_url, store):
    page, _, errors = browser_page
    ent = next(x for x in Q.entities(store, q="Islamic State")["items"] if x["name"] == "Islamic State")
    go(page, base_url, f"#/entity/{ent['id']}")
    expect(page.locator("#page-view h1")).to_contain_text("Islamic State")
    assert page.locator("#page-view li.event").count() == len(Q.entity(store, ent["id"], limit=100)["events"])
    shot(page, "entity")
    assert not errors, errors



def test_a_hostile_article_is_shown_as_text(browser_page, base_url, store):
    page, _, errors = browser_page
    go(page, base_url, "#/document/hostile-link")
    page.wait_for_selector(".doc-text")
    expect(page.locator("#page-view h1")).to_have_text(HOSTILE["title"])   # the markup is text
    assert page.locator("#page-view img").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert HOSTILE["url"] in page.locator("dl.facts").inner_text()       # shown, not linked
    event_id = next(v for v in Q.document(store, "hostile-link")["event_ids"].values() if v)
    go(page, base_url, f"#/event/{event_id}")
    page.wait_for_selector("article.report[data-doc='hostile-link']")
    head = page.locator("article.report[data-doc='hostile-link'] .report-head")
    assert head.locator("a[href^='javascript' i]").count() == 0 and "javascript:" in head.inner_text()
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert not errors, errors


def test_a_big_entity_page_loads_more_events(browser_page, base_url, store):
    page, _, errors = browser_page
    full = Q.entity(store, "actor:isis")
    n = len(full["events"])
    assert n > 130
    go(page, base_url, "#/entity/actor:isis")
    rows = page.locator("#page-view ol.events > li.event")
    expect(rows).to_have_count(100)
    more = page.locator("#page-view button.more")
    expect(more).to_contain_text(f"100 of {n} shown")
    more.click()
    expect(rows).to_have_count(n)
    expect(more).to_have_count(0)
    shown = rows.evaluate_all("els => els.map(e => e.querySelector('a.event-title').getAttribute('href'))")
    assert shown == ["#/event/" + e["id"] for e in full["events"]]   # in the API's order, none twice
    assert not errors, errors


def _reload(page, hash_: str = "#/") -> None:
    page.evaluate("h => { location.hash = h; }", hash_)
    page.reload()
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)


def _ms(iso: str) -> int:
    import datetime as dt

    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def test_events_first_seen_since_the_last_visit_are_marked_new(browser_page, base_url, store):
    """The last visit is kept in the browser; events first seen after it carry a 'new' marker."""
    import datetime as dt

    page, _, errors = browser_page
    items = Q.events(store, limit=50)["items"]
    stamps = sorted({_ms(e["first_seen"]) for e in items})
    gaps = [(a, b) for a, b in zip(stamps, stamps[1:]) if b - a >= 2]
    assert gaps, "the first page's events were all first seen within one millisecond"
    a, _b = gaps[len(gaps) // 2]
    since = dt.datetime.fromtimestamp((a + 1) / 1000, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    want = sorted(e["id"] for e in items if _ms(e["first_seen"]) > a + 1)
    assert 0 < len(want) < len(items)
    page.evaluate("s => localStorage.setItem('sitrep.lastVisit', s)", since)
    _reload(page)
    page.wait_for_function("document.querySelectorAll('#event-list li.event').length > 0")
    got = page.locator("#event-list li.event.is-new a.event-title").evaluate_all(
        "els => els.map(a => decodeURIComponent(a.getAttribute('href').replace('#/event/', '')))")
    assert sorted(got) == want
    expect(page.locator("#new-count")).to_have_text(f"{len(want)} new on this page since your last visit")
    assert page.evaluate("s => Date.parse(localStorage.getItem('sitrep.lastVisit')) > Date.parse(s)", since)
    _reload(page)                                   # the next visit: nothing is new any more
    page.wait_for_function("document.querySelectorAll('#event-list li.event').length > 0")
    assert page.locator("#event-list li.event.is-new").count() == 0
    assert not errors, errors


def test_the_map_opens_fitted_to_the_events(browser_page, base_url, store):
    page, _, errors = browser_page
    _reload(page, "#/?country=IQ")
    page.wait_for_function("document.querySelectorAll('.evt-marker, .evt-cluster').length > 0")
    view = page.evaluate("S.map.view()")
    south, west, north, east = view["bounds"]
    pts = [(e["location"]["lat"], e["location"]["lon"]) for e in Q.events(store, country="IQ", limit=1000)["items"]
           if e["location"] and e["location"]["lat"] is not None]
    assert pts and view["zoom"] >= 4
    assert all(south <= lat <= north and west <= lon <= east for lat, lon in pts)
    assert north - south < 60                       # Iraq, not the world
    assert not errors, errors


def test_watch_page_shows_sources_failures_and_alerts_as_text(browser_page, base_url, store):
    from sitrep.store import watch as W
    from sitrep.watch.sources import Source

    page, _, errors = browser_page
    url = "https://wire.example/rss.xml"
    W.sync_sources(store, [Source(url, "<img src=x onerror=alert(1)> Wire", "IQ", None)])
    W.source_failed(store, url, "<script>alert(2)</script> HTTP 503")
    W.add_alert(store, "iraq-watch", {"country": "IQ"}, "webhook:https://hooks.example/secret")
    go(page, base_url, "#/watch")
    row = page.locator("tr.watch-source")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("<img src=x onerror=alert(1)> Wire")
    expect(row).to_contain_text("<script>alert(2)</script> HTTP 503")
    assert page.locator(".watch-page img, .watch-page script").count() == 0
    expect(page.locator("tr.watch-alert")).to_contain_text("iraq-watch")
    assert "secret" not in page.locator(".watch-page").inner_text()
    expect(page.locator("#last-round")).to_contain_text("No round yet")
    shot(page, "watch")
    assert not errors, errors
