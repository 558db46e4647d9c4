"""`sitrep watch` against a real local news site (tests/watch_server.py, 127.0.0.1 only): feeds,
sitemaps and pages in, each allowed article ingested once, every failure recorded with its reason,
a run killed with SIGKILL resumed; alerts delivered once to a webhook."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from sitrep.store import Store
from sitrep.store import query as Q
from sitrep.store import watch as W
from sitrep.watch import alerts as A
from sitrep.watch import feeds, rounds
from sitrep.watch.fetch import Fetcher, FetchError, Response
from sitrep.watch.sources import SourcesError, read
from watch_server import ALLOWED, Site


@pytest.fixture
def site():
    with Site() as s:
        yield s


def sitrep(*args, **kw):
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env=env, **kw)


FAST = ["--delay", "0", "--timeout", "1", "--retries", "0", "--max-page-bytes", "1000000", "--json"]


def _docs(db: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as con:
        return con.execute("select url, id from documents order by url").fetchall()


# ------------------------------------------------------------------ the sources file
def test_sources_file_settings_and_errors(tmp_path):
    p = tmp_path / "sources.txt"
    p.write_text("# a theatre\n\nhttps://example.org/rss.xml source=\"Example Wire\" countries=iq,sy\n"
                 "https://example.org/sitemap.xml kind=sitemap  # trailing comment\n"
                 "https://example.org/rss.xml\n", encoding="utf-8")
    srcs = read(p)
    assert [(s.url, s.name, s.countries, s.kind) for s in srcs] == [
        ("https://example.org/rss.xml", "Example Wire", "IQ,SY", None),
        ("https://example.org/sitemap.xml", None, None, "sitemap")]
    for bad, why in [("ftp://example.org/x", "not an http(s) URL"), ("https://example.org/ kind=video", "kind="),
                     ("https://example.org/ countries=Iraq", "not an ISO 3166"),
                     ("https://example.org/ colour=red", "is not one of source=")]:
        p.write_text("# ok\n" + bad + "\n", encoding="utf-8")
        with pytest.raises(SourcesError) as e:
            read(p)
        assert f"{p}:2" in str(e.value) and why in str(e.value)


def test_the_readme_sample_sources_file_reads(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Following a theatre", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    p = tmp_path / "sources.txt"
    p.write_text(block, encoding="utf-8")
    srcs = read(p)
    assert len(srcs) == 5 and srcs[0].name == "BBC News" and srcs[0].countries == "IQ,SY"
    assert srcs[3].kind == "sitemap" and srcs[4].name is None


def test_canonical_urls_fold_tracking_and_case():
    assert feeds.canonical_url("HTTPS://Example.ORG:443/a/b.html?utm_source=x&id=3#top") == \
        "https://example.org/a/b.html?id=3"
    assert feeds.canonical_url("http://example.org:8080") == "http://example.org:8080/"


# ------------------------------------------------------------------ the fetcher
def test_fetcher_retries_5xx_with_backoff_and_names_sitrep(site):
    with Fetcher(delay=0, retries=2, backoff=0.01, timeout=2) as f:
        r = f.get(site.base + "/flaky2.html")
    assert r.status == 200 and site.hits["/flaky2.html"] == 2
    assert all(ua.startswith("sitrep/") for ua in site.user_agents)


def test_fetcher_refusals_say_why(site):
    with Fetcher(delay=0, retries=0, timeout=1, max_bytes=1_000_000) as f:
        cases = {"/private/p1.html": "disallowed by robots.txt", "/loop/1": "redirect loop",
                 "/huge.html": "too large", "/slow.html": "timed out", "/nowhere": "HTTP 404"}
        for path, why in cases.items():
            with pytest.raises(FetchError) as e:
                f.get(site.base + path)
            assert why in e.value.reason, (path, e.value.reason)
        assert site.hits["/private/p1.html"] == 0          # robots.txt was asked, the page never
        with pytest.raises(FetchError, match="not an http"):
            f.get("file:///etc/passwd")


def test_only_the_sources_hosts_may_be_private_addresses(site):
    """A feed on a trusted host cannot send sitrep to another local address, directly or by a redirect."""
    port = site.server.server_address[1]
    with Fetcher(delay=0, retries=0, timeout=2, trusted_hosts={"127.0.0.1"}) as f:
        assert f.get(site.base + "/news/a1.html").status == 200
        with pytest.raises(FetchError, match="private or local address"):
            f.get(f"http://localhost:{port}/news/a2.html")
        with pytest.raises(FetchError, match=r"private or local address .*\(redirected to http://localhost"):
            f.get(site.base + "/to-localhost")
    assert site.hits["/news/a2.html"] == 0


def test_hosts_are_fetched_at_once_and_each_host_one_request_at_a_time(site):
    port = site.server.server_address[1]
    rows = [{"url": f"http://{host}:{port}/pause/{i}.html"} for i in range(3) for host in ("127.0.0.1", "localhost")]
    with Fetcher(delay=0, retries=0, timeout=5) as f:
        got = rounds._fetch_all(f, rows, 5_000_000, hosts=4)
    assert [r["url"] for r, _ in got] == [r["url"] for r in rows]          # in the chunk's order
    assert all(d.title == "Gunmen kill four soldiers near Kirkuk" for _, d in got)
    assert site.max_inflight == 2 and site.max_inflight_per_host == 1


def test_fetcher_spaces_requests_to_one_host(site):
    with Fetcher(delay=0.3, retries=0, timeout=2) as f:
        f.get(site.base + "/news/a2.html")
        t = time.monotonic()
        f.get(site.base + "/news/b2.html")
        assert time.monotonic() - t >= 0.29


def test_charset_checks():
    ok = Response("u", "u", 200, {"content-type": "text/html; charset=windows-1256"}, "مرحبا".encode("cp1256"))
    assert ok.html_text() == "مرحبا"
    with pytest.raises(FetchError, match="unknown charset"):
        Response("u", "u", 200, {"content-type": "text/html; charset=klingon"}, b"x").html_text()
    with pytest.raises(FetchError, match="not valid utf-8"):
        Response("u", "u", 200, {"content-type": "text/html; charset=utf-8"}, b"caf\xe9").html_text()
    meta = Response("u", "u", 200, {"content-type": "text/html"}, b"<meta charset='iso-8859-1'>caf\xe9")
    assert meta.html_text().endswith("café")


def test_a_server_error_on_robots_txt_forbids_the_host_for_now():
    import httpx

    def handler(request):
        return httpx.Response(503 if request.url.path == "/robots.txt" else 200, text="<html>hi</html>")

    with Fetcher(delay=0, retries=0, transport=httpx.MockTransport(handler)) as f:
        with pytest.raises(FetchError, match="robots"):
            f.get("http://news.invalid/a.html")


# ------------------------------------------------------------------ sitrep watch --once, twice
def test_watch_once_twice_ingests_every_allowed_article_once(site, tmp_path):
    db = str(tmp_path / "w.db")
    sources = tmp_path / "sources.txt"
    sources.write_text(f"# the test theatre\n{site.base}/feed.rss source=\"Test Gazette\" countries=IQ\n"
                       f"{site.base}/atom.xml source='Test Wire'\n{site.base}/sitemap.xml\n"
                       f"{site.base}/news/d1.html\n", encoding="utf-8")
    r1 = sitrep("watch", str(sources), "--db", db, "--once", *FAST)
    assert r1.returncode == 0, r1.stderr
    s1 = json.loads(r1.stdout.strip().splitlines()[-1])
    reasons = {f["url"].removeprefix(site.base): f["reason"] for f in s1["failures"]}
    assert reasons["/private/p1.html"] == "disallowed by robots.txt"
    assert reasons["/news/flaky.html"] == "HTTP 500"                 # tried again in the next round
    assert reasons["/slow.html"].startswith("timed out")
    assert reasons["/loop/1"].startswith("redirect loop")
    assert reasons["/huge.html"].startswith("too large")
    assert reasons["/report.pdf"] == "not an HTML page: application/pdf"
    assert "article stored" in r1.stderr                               # progress as it goes
    assert site.hits["/private/p1.html"] == 0

    r2 = sitrep("watch", str(sources), "--db", db, "--once", *FAST)
    assert r2.returncode == 0, r2.stderr
    s2 = json.loads(r2.stdout.strip().splitlines()[-1])
    assert s2["new_items"] == 0 and s2["stored"] == 1                  # the flaky page, now answering
    assert site.not_modified["/feed.rss"] == 1 and site.not_modified["/atom.xml"] == 1   # conditional GETs
    docs = _docs(db)
    assert sorted(u.removeprefix(site.base) for u, _ in docs) == sorted(ALLOWED)
    for path in ALLOWED:                                               # each article fetched once, ever
        if path != "/news/flaky.html":
            assert site.hits[path] == (2 if path == "/news/d1.html" else 1), path   # d1: once to learn its kind
    with sqlite3.connect(db) as con:
        failures = dict(con.execute("select origin, reason from failures"))
        rows = dict(con.execute("select url, source from documents"))
    assert failures[site.base + "/report.pdf"] == "not an HTML page: application/pdf"
    assert rows[site.base + "/news/a1.html"] == "Test Gazette"      # the source= name, listed by both feeds
    with sqlite3.connect(db) as con:
        published = {u.removeprefix(site.base): (p, ps) for u, p, ps in
                     con.execute("select url, published, published_source from documents")}
    assert published["/news/a2.html"] == ("2025-05-05", "metadata")    # the feed's date, not the page's 05-06
    assert published["/news/c1.html"] == ("2025-05-09", "metadata")    # the sitemap's lastmod

    st = sitrep("watch", "--status", "--db", db, "--json")
    assert st.returncode == 0, st.stderr
    status = json.loads(st.stdout)
    by = {s["url"].removeprefix(site.base): s for s in status["sources"]}
    assert by["/feed.rss"]["kind"] == "feed" and by["/sitemap.xml"]["kind"] == "sitemap"
    assert by["/news/d1.html"]["kind"] == "page" and by["/atom.xml"]["stored"] == 2
    assert by["/feed.rss"]["failed_items"] == 5 and by["/feed.rss"]["last_success"]
    assert status["last_round"]["finished_at"] and status["rounds"] == 2
    text = sitrep("watch", "--status", "--db", db)
    assert "Test Gazette" in text.stdout and "disallowed by robots.txt" in text.stdout


def test_watch_resumes_after_being_killed_mid_round(site, tmp_path):
    db = str(tmp_path / "k.db")
    sources = tmp_path / "sources.txt"
    sources.write_text(f"{site.base}/kill.rss\n", encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "sitrep", "watch", str(sources), "--db", db, "--once", "--batch", "1",
                          "--delay", "0", "--timeout", "60"], cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        assert site.hang_seen.wait(300), "the watch never reached the hanging page"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
    before = _docs(db)
    assert [u.removeprefix(site.base) for u, _ in before] == ["/kill/a1.html", "/kill/a2.html"]
    r = sitrep("watch", str(sources), "--db", db, "--once", *FAST)
    assert r.returncode == 0, r.stderr
    after = _docs(db)
    assert [u.removeprefix(site.base) for u, _ in after] == ["/kill/a1.html", "/kill/a2.html", "/kill/b-hang.html",
                                                               "/kill/c3.html"]
    assert site.hits["/kill/a1.html"] == 1 and site.hits["/kill/a2.html"] == 1   # stored ones not fetched again
    with Store.open(db) as store:
        assert {i["status"] for i in W.items(store)} == {"done"}


def test_watch_runs_rounds_until_interrupted(site, tmp_path):
    db = str(tmp_path / "loop.db")
    sources = tmp_path / "sources.txt"
    sources.write_text(f"{site.base}/sitemap.xml\n", encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "sitrep", "watch", str(sources), "--db", db, "--every", "1s",
                          "--delay", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and site.hits["/sitemap.xml"] < 2:
            time.sleep(0.2)
        assert site.hits["/sitemap.xml"] >= 2, "a second round never came"
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=240)      # a loaded machine may take a while to close the round
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0 and "Stopped" in err
    assert [u.removeprefix(site.base) for u, _ in _docs(db)] == ["/news/c1.html"]
    assert site.hits["/news/c1.html"] == 1


def test_a_failing_source_is_asked_again_later_and_later(site, tmp_path):
    import datetime as dt

    srcs = read_text(tmp_path, f"{site.base}/gone.rss\n")
    with Store.open(str(tmp_path / "f.db")) as store, Fetcher(delay=0, retries=0, timeout=2) as f:
        waits = []
        for _ in range(3):
            t = dt.datetime.now(dt.UTC)
            s = rounds.run_round(store, srcs, f, lambda: None, every=3600)
            assert s.sources_failed == 1 and s.failures == [(srcs[0].url, "HTTP 404")]
            row = W.source(store, srcs[0].url)
            waits.append((dt.datetime.fromisoformat(row["next_fetch"]) - t).total_seconds())
        assert row["errors"] == 3 and row["consecutive_errors"] == 3 and row["last_error"] == "HTTP 404"
        assert 59 < waits[0] < 70 and 119 < waits[1] < 130 and 239 < waits[2] < 250
        assert rounds.seconds_to_next(store, srcs, 3600) > 200
    with sqlite3.connect(tmp_path / "f.db") as con:
        assert con.execute("select reason from failures").fetchall() == [("HTTP 404",)]


def test_a_sitemap_index_is_followed_one_level(site):
    with Fetcher(delay=0, retries=0, timeout=2) as f:
        r = f.get(site.base + "/sitemap-index.xml")
        assert feeds.kind_of(r) == "sitemap"
        found = rounds._listing(f, "sitemap", r)
    assert [(i.url, i.published) for i in found] == [(site.base + "/news/c1.html", "2025-05-09")]


def test_a_sources_countries_hint_reaches_the_pipeline(site, tmp_path, pipeline):
    """'Tripoli' is in Lebanon for a source marked countries=LB, in Libya (the bigger) without a hint."""
    srcs = read_text(tmp_path, f"{site.base}/lb/tripoli.html countries=LB\n{site.base}/any/tripoli.html\n")
    before = pipeline.countries
    with Store.open(str(tmp_path / "t.db")) as store, Fetcher(delay=0, retries=0, timeout=2) as f:
        assert rounds.run_round(store, srcs, f, lambda: pipeline).stored == 2
        got = {}
        for it in W.items(store):
            ext = store.extraction(it["doc_id"])
            got[it["url"].removeprefix(site.base)] = {(p.name, p.country_code) for p in ext.places}
    assert got == {"/lb/tripoli.html": {("Tripoli", "LB")}, "/any/tripoli.html": {("Tripoli", "LY")}}
    assert pipeline.countries == before                               # the hint does not outlive its articles


# ------------------------------------------------------------------ alerts
def test_alerts_deliver_each_matching_event_once(site, tmp_path, pipeline):
    db = str(tmp_path / "a.db")
    srcs = read_text(tmp_path, f"{site.base}/atom.xml countries=IQ\n{site.base}/sitemap.xml\n")
    with Store.open(db) as store, Fetcher(delay=0, retries=0, timeout=2) as f:
        W.add_alert(store, "iraq", A.check_filters(store, {"country": "IQ"}), f"webhook:{site.base}/hook")
        W.add_alert(store, "deadly", A.check_filters(store, {"min_fatalities": 2}), f"jsonl:{tmp_path}/d.jsonl")
        with pytest.raises(ValueError, match="country"):
            A.check_filters(store, {"country": "Iraq"})
        d = A.Deliverer(backoff=0.01)
        s = rounds.run_round(store, srcs, f, lambda: pipeline)
        assert s.stored == 4
        first = A.run(store, d)
        assert first["iraq"]["error"] is None and first["iraq"]["delivered"] >= 1
        rounds.run_round(store, srcs, f, lambda: pipeline)
        again = A.run(store, d)
        assert again["iraq"]["delivered"] == 0 and again["deadly"]["delivered"] == 0
        d.close()
        expected = {e["id"] for e in Q.events(store, country="IQ", limit=1000)["items"]}
        deadly = {e["id"] for e in Q.events(store, limit=1000)["items"] if (e["counts"]["fatalities"] or 0) >= 2}
        listed = {a["name"]: a["delivered"] for a in W.alerts(store)}
    got = [b["event"]["id"] for b in site.hook_bodies if b["alert"] == "iraq"]
    assert sorted(got) == sorted(expected) and len(got) == len(set(got))   # each once, after one 503
    assert site.hits["/hook"] == len(got) + 1
    lines = [json.loads(x) for x in open(tmp_path / "d.jsonl", encoding="utf-8")]
    assert {x["event"]["id"] for x in lines} == deadly and len(lines) == len(deadly)
    assert listed == {"iraq": len(expected), "deadly": len(deadly)}


def read_text(tmp_path, text: str):
    p = tmp_path / "s.txt"
    p.write_text(text, encoding="utf-8")
    return read(p)


def test_alert_commands(tmp_path):
    db = str(tmp_path / "c.db")
    r = sitrep("alert", "add", "kirkuk", "--db", db, "--country", "IQ", "--type", "Battles", "--min-fatalities", "3",
               "--jsonl", str(tmp_path / "out.jsonl"))
    assert r.returncode == 0, r.stderr
    assert sitrep("alert", "add", "kirkuk", "--db", db).returncode == 2           # the name is taken
    bad = sitrep("alert", "add", "x", "--db", db, "--bbox", "1,2,3")
    assert bad.returncode == 2 and "bbox" in bad.stderr
    two = sitrep("alert", "add", "y", "--db", db, "--jsonl", "a", "--webhook", "http://127.0.0.1:1/")
    assert two.returncode == 2 and "one way" in two.stderr
    listed = json.loads(sitrep("alert", "list", "--db", db, "--json").stdout)
    assert [(a["name"], a["filters"], a["deliver"]) for a in listed] == [
        ("kirkuk", {"types": ["Battles"], "country": "IQ", "min_fatalities": 3}, f"jsonl:{tmp_path}/out.jsonl")]
    assert sitrep("alert", "remove", "kirkuk", "--db", db).returncode == 0
    assert sitrep("alert", "remove", "kirkuk", "--db", db).returncode == 2


def test_alert_run_delivers_stored_events_once(examples_db, tmp_path):
    from conftest import copy_store

    db = copy_store(examples_db, tmp_path)
    out = tmp_path / "iq.jsonl"
    r = sitrep("alert", "add", "iq", "--db", db, "--country", "IQ", "--jsonl", str(out), "--backfill")
    assert r.returncode == 0, r.stderr
    first = sitrep("alert", "run", "--db", db, "--json")
    assert first.returncode == 0, first.stderr
    with Store.open(db) as store:
        want = {e["id"] for e in Q.events(store, country="IQ", limit=1000)["items"]}
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert want and {x["event"]["id"] for x in lines} == want and len(lines) == len(want)
    assert json.loads(first.stdout.strip().splitlines()[-1]) == {"iq": {"delivered": len(want), "error": None}}
    again = sitrep("alert", "run", "--db", db, "--json")
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {"iq": {"delivered": 0, "error": None}}
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(want)


@pytest.mark.parametrize("command", [["watch"], ["alert", "add"], ["alert", "list"], ["alert", "remove"],
                                     ["alert", "run"]])
def test_watch_commands_have_help_with_an_example(command):
    r = sitrep(*command, "--help")
    assert r.returncode == 0 and "Example" in r.stdout and f"sitrep {' '.join(command)}" in r.stdout


def test_api_serves_alerts_and_watch_status_read_only(tmp_path):
    from fastapi.testclient import TestClient

    from sitrep.api import create_app
    from sitrep.api import watch as api
    from sitrep.watch.sources import Source

    with Store.open(str(tmp_path / "api.db")) as store:
        W.add_alert(store, "hooked", {"country": "SY"}, "webhook:https://hooks.example/secret-token")
        W.sync_sources(store, [Source("https://example.org/rss.xml", "Example", "SY", None)])
        W.source_failed(store, "https://example.org/rss.xml", "HTTP 503")
        c = TestClient(create_app(store))
        r = c.get("/api/alerts")
        assert r.status_code == 200
        body = api.Alerts.model_validate(r.json())
        assert [(a.name, a.filters, a.delivery) for a in body.items] == [("hooked", {"country": "SY"}, "webhook")]
        assert "secret-token" not in r.text                        # a webhook's URL is not served
        st = api.WatchStatus.model_validate(c.get("/api/watch").json())
        assert st.sources[0].errors == 1 and st.sources[0].last_error == "HTTP 503"
        assert c.post("/api/alerts", json={}).status_code == 405
        spec = c.get("/openapi.json").json()
        assert "/api/alerts" in spec["paths"] and "/api/watch" in spec["paths"]


def test_a_store_from_before_watching_gains_its_tables(tmp_path):
    from sitrep.store import schema as S

    db = str(tmp_path / "old.db")
    Store.open(db).close()
    with sqlite3.connect(db) as con:
        for t in ("alert_deliveries", "alerts", "watch_rounds", "watch_items", "watch_sources"):
            con.execute(f"drop table {t}")
        con.execute("update meta set value = '5' where key = 'schema_version'")
    with Store.open(db) as store:
        assert store.schema_version() == S.SCHEMA_VERSION
        assert W.status(store) == {"sources": [], "last_round": None, "rounds": 0, "failures": []}
        assert W.alerts(store) == []


def test_robots_txt_rules(tmp_path):
    """RFC 9309: no robots.txt (4xx) allows everything; a long one is read up to its first 500 KB; rules
    for sitrep's own token apply."""
    import httpx

    robots = {"a.invalid": (404, ""), "b.invalid": (200, "User-agent: sitrep\nDisallow: /x/\n\nUser-agent: *\n"
                                                        "Disallow:\n" + "# padding\n" * 100_000)}

    def handler(request):
        if request.url.path == "/robots.txt":
            status, text = robots[request.url.host]
            return httpx.Response(status, text=text)
        return httpx.Response(200, text="<html><body>ok</body></html>", headers={"content-type": "text/html"})

    with Fetcher(delay=0, retries=0, transport=httpx.MockTransport(handler)) as f:
        assert f.get("http://a.invalid/anything.html").status == 200
        assert f.get("http://b.invalid/y/page.html").status == 200
        with pytest.raises(FetchError, match="robots"):
            f.get("http://b.invalid/x/page.html")
