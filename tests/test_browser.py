"""The web UI in a real browser: Debian's chromium driven by Playwright, against the app served
by uvicorn over a store built from examples/, with every request off this machine blocked.

It checks what a person would: the map draws country outlines and event markers, the filters
narrow the list, brushing the timeline sets the dates, an event shows its evidence highlighted
by role, a document view shows every annotation without losing a character of the text.
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


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    s = Store.open(copy_store(examples_db, tmp_path_factory.mktemp("browser")))
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
        page.goto(base_url + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        yield page, blocked, errors
        browser.close()
    assert not blocked, f"the page tried to reach outside this machine: {blocked}"


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
    assert page.locator("#page-view li.event").count() == len(Q.entity(store, ent["id"])["events"])
    shot(page, "entity")
    assert not errors, errors

