"""The HTTP API (`sitrep.api`) over a real store built from examples/ by the real pipeline.

Filters must narrow, pages must tile, sorts must order, unknown ids answer 404 and
parameters that cannot be used 422 — always as JSON {"detail": "message"} — and the
one write (POST /api/documents) needs the server's token.
"""
from __future__ import annotations

import csv
import io
import json
import warnings

import pytest

from conftest import copy_store

warnings.filterwarnings("ignore", message=".*httpx.*")   # starlette prefers httpx2; httpx works
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from sitrep.api import create_app  # noqa: E402
from sitrep.store import Store  # noqa: E402

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    s = Store.open(copy_store(examples_db, tmp_path_factory.mktemp("serve")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store))


@pytest.fixture(scope="module")
def all_events(client):
    page = client.get("/api/events", params={"limit": 1000}).json()
    assert page["total"] == len(page["items"]) > 10
    return page["items"]


def total(client, **params) -> int:
    r = client.get("/api/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def items(client, **params) -> list[dict]:
    r = client.get("/api/events", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


# ---------------------------------------------------------------------- events


def test_events_page_has_the_promised_shape(client, all_events):
    page = client.get("/api/events", params={"limit": 3}).json()
    assert page["limit"] == 3 and page["offset"] == 0 and len(page["items"]) == 3
    assert page["total"] == len(all_events)
    e = page["items"][0]
    assert e["id"].startswith("evt-")
    for key in ("event_type", "sub_event_type", "date", "location", "actor1", "actor2", "counts", "sources",
                "documents", "confidence"):
        assert key in e
    assert set(e["date"]) >= {"start", "end", "precision"}


def test_type_filter_narrows(client, all_events):
    battles = items(client, type="Battles")
    assert 0 < len(battles) < len(all_events)
    assert {e["event_type"] for e in battles} == {"Battles"}
    two = items(client, type=["Battles", "Strategic developments"])
    assert {e["event_type"] for e in two} == {"Battles", "Strategic developments"}
    assert len(two) > len(battles)
    assert total(client, type="Battles,Strategic developments") == len(two)   # a comma list works too


def test_sub_type_country_and_date_filters_narrow(client, all_events):
    strikes = items(client, sub_type="Air/drone strike")
    assert strikes and {e["sub_event_type"] for e in strikes} == {"Air/drone strike"}
    iraq = items(client, country="IQ")
    assert 0 < len(iraq) < len(all_events)
    assert all(e["location"]["country_code"] == "IQ" for e in iraq)
    assert total(client, country="iq") == len(iraq)
    window = items(client, date_from="2025-01-01", date_to="2025-01-31")
    assert 0 < len(window) < len(all_events)
    for e in window:   # overlaps the window
        assert e["date"]["start"] <= "2025-01-31" and (e["date"]["end"] or e["date"]["start"]) >= "2025-01-01"


def test_bbox_and_near_filters_narrow(client, all_events):
    syria = items(client, bbox="35.5,32.3,42.4,37.4")
    assert 0 < len(syria) < len(all_events)
    for e in syria:
        assert 35.5 <= e["location"]["lon"] <= 42.4 and 32.3 <= e["location"]["lat"] <= 37.4
    near = items(client, near="35.33,40.14,30")   # Deir ez-Zor, 30 km
    assert 0 < len(near) < len(syria) + 1
    assert all(abs(e["location"]["lat"] - 35.33) < 0.5 for e in near)


def test_actor_place_source_and_text_filters_narrow(client, all_events):
    with_actor = next(e for e in all_events if e["actor1"] and e["actor1"]["id"])
    actor_id = with_actor["actor1"]["id"]
    by_actor = items(client, actor=actor_id)
    assert with_actor["id"] in {e["id"] for e in by_actor} and len(by_actor) < len(all_events)
    for e in by_actor:
        ids = {a["id"] for a in [e["actor1"], e["actor2"], *e["assoc_actors"]] if a}
        assert actor_id in ids
    located = next(e for e in all_events if e["location"] and e["location"]["place_id"])
    at_place = items(client, place=located["location"]["place_id"])
    assert located["id"] in {e["id"] for e in at_place} and len(at_place) < len(all_events)
    doc = with_actor["documents"][0]
    from_doc = items(client, source=doc)
    assert from_doc and all(doc in e["documents"] for e in from_doc) and len(from_doc) < len(all_events)
    hawija = items(client, q="Hawija")
    assert 0 < len(hawija) < len(all_events)


def test_pages_tile_the_result(client):
    first = client.get("/api/events", params={"limit": 3, "offset": 0, "sort": "date"}).json()
    second = client.get("/api/events", params={"limit": 3, "offset": 3, "sort": "date"}).json()
    both = client.get("/api/events", params={"limit": 6, "offset": 0, "sort": "date"}).json()
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in both["items"]]
    assert second["offset"] == 3 and first["total"] == both["total"]
    past = client.get("/api/events", params={"offset": first["total"] + 5}).json()
    assert past["items"] == [] and past["total"] == first["total"]


def test_sorts_order_the_result(client, all_events):
    newest = [e["date"]["start"] for e in items(client, sort="-date") if e["date"]["start"]]
    assert newest == sorted(newest, reverse=True)
    oldest = [e["date"]["start"] for e in items(client, sort="date") if e["date"]["start"]]
    assert oldest == sorted(oldest)
    deadliest = items(client, sort="-fatalities", limit=1)[0]
    most = max(e["counts"]["fatalities"] or 0 for e in all_events)
    assert (deadliest["counts"]["fatalities"] or 0) == most > 0
    sources = [e["sources"] for e in items(client, sort="-sources")]
    assert sources == sorted(sources, reverse=True)


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize("params, word", [
    ({"bbox": "1,2,3"}, "bbox"), ({"bbox": "a,b,c,d"}, "bbox"), ({"bbox": "40,37,35,32"}, "bbox"),
    ({"bbox": "10,95,20,96"}, "bbox"), ({"near": "35,40"}, "near"), ({"near": "35,40,-5"}, "near"),
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset"), ({"limit": "many"}, "limit"),
    ({"sort": "loudest"}, "sort"), ({"date_from": "2025-13-01"}, "date_from"),
    ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_from"), ({"country": "Syria"}, "country"),
])
def test_bad_parameters_answer_422_with_a_message(client, params, word):
    r = client.get("/api/events", params=params)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and word in detail


def test_bad_export_format_and_interval_answer_422(client):
    r = client.get("/api/export", params={"format": "xls"})
    assert r.status_code == 422 and "format" in r.json()["detail"]
    r = client.get("/api/timeline", params={"interval": "fortnight"})
    assert r.status_code == 422 and "interval" in r.json()["detail"]
    r = client.get("/api/timeline", params={"bbox": "nope"})
    assert r.status_code == 422 and "bbox" in r.json()["detail"]


@pytest.mark.parametrize("path", ["/api/events/evt-does-not-exist", "/api/entities/actor:no-such-group",
                                  "/api/places/geonames:1", "/api/documents/no-such-document.txt"])
def test_unknown_ids_answer_404(client, path):
    r = client.get(path)
    assert r.status_code == 404, r.text
    assert "no " in r.json()["detail"] and path.rsplit("/", 1)[-1] in r.json()["detail"]


# ---------------------------------------------------------------------- one thing


def test_event_detail_points_into_its_articles(client, all_events):
    e = max(all_events, key=lambda x: (x["actor1"] is not None, x["sources"]))
    r = client.get(f"/api/events/{e['id']}")
    assert r.status_code == 200
    detail = r.json()
    assert detail["id"] == e["id"] and len(detail["reports"]) >= 1
    for rep in detail["reports"]:
        doc = client.get(f"/api/documents/{rep['doc_id']}").json()
        text, m = doc["text"], rep["mention"]
        assert text[m["trigger"]["start"]:m["trigger"]["end"]] == m["trigger"]["text"]
        for ev in m["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
        if m.get("actor1") and m["actor1"].get("start") is not None:
            assert text[m["actor1"]["start"]:m["actor1"]["end"]] == m["actor1"]["text"]


def test_entities_list_and_entity_with_a_colon_in_its_id(client):
    page = client.get("/api/entities", params={"q": "Islamic State"}).json()
    assert page["total"] >= 1
    ent = next(x for x in page["items"] if x["name"] == "Islamic State")
    assert ":" in ent["id"]
    r = client.get(f"/api/entities/{ent['id']}")
    assert r.status_code == 200
    d = r.json()
    assert d["id"] == ent["id"] and {"aliases", "roles", "events", "quotes", "timeline"} <= set(d)
    assert d["events"] and all(ev["role"] in ("actor1", "actor2", "assoc") for ev in d["events"])
    two = client.get("/api/entities", params={"limit": 2, "offset": 1}).json()
    assert two["limit"] == 2 and two["offset"] == 1 and len(two["items"]) == 2


def test_place_with_a_colon_in_its_id(client, all_events):
    e = next(x for x in all_events if x["location"] and x["location"]["place_id"])
    pid = e["location"]["place_id"]
    r = client.get(f"/api/places/{pid}")
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["id"] == pid and e["id"] in {x["id"] for x in p["events"]}


def test_document_has_every_annotation(client, store):
    d = client.get("/api/documents/12_page_kirkuk_ied.html").json()
    assert d["title"].startswith("Roadside bomb")
    text = d["text"]
    assert d["entities"] and d["places"] and d["timexes"] and d["events"] and d["quotes"]
    for ent in d["entities"]:
        for m in ent["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    assert set(d["event_ids"]) <= {e["id"] for e in d["events"]}
    assert any(v for v in d["event_ids"].values())
    assert all(v is None or v.startswith("evt-") for v in d["event_ids"].values())   # None: not clustered


def test_timeline_counts_weekly_by_type(client):
    rows = client.get("/api/timeline", params={"type": "Battles"}).json()
    assert rows and {r["event_type"] for r in rows} == {"Battles"}
    import datetime as dt
    assert all(dt.date.fromisoformat(r["period"]).weekday() == 0 for r in rows)   # weeks start on Monday
    assert sum(r["count"] for r in rows) <= total(client, type="Battles")
    everything = client.get("/api/timeline").json()
    assert len({r["event_type"] for r in everything}) > 1


# ---------------------------------------------------------------------- export


def test_export_csv_parses_and_matches_the_filter(client):
    n = total(client, type="Battles")
    r = client.get("/api/export", params={"format": "csv", "type": "Battles"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="sitrep-events.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    battles = items(client, type="Battles")
    assert len(battles) == n
    dated = {e["id"] for e in battles if e["date"]["start"]}   # ACLED rows need a date
    assert {row["event_id_cnty"] for row in rows} == dated and len(rows) == len(dated) > 0
    assert {row["event_type"] for row in rows} == {"Battles"}


def test_export_geojson_and_jsonl_parse(client):
    n = total(client, country="IQ")
    r = client.get("/api/export", params={"format": "geojson", "country": "IQ"})
    assert r.status_code == 200 and ".geojson" in r.headers["content-disposition"]
    fc = json.loads(r.text)
    assert fc["type"] == "FeatureCollection" and 0 < len(fc["features"]) <= n
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 38 < lon < 49 and 29 < lat < 38   # Iraq
    r = client.get("/api/export", params={"format": "jsonl", "country": "IQ"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    docs = [json.loads(x) for x in r.text.splitlines() if x.strip()]   # the documents reporting them
    assert {d["id"] for d in docs} == {doc for e in items(client, country="IQ") for doc in e["documents"]}
    assert all(d["text"] and d["events"] for d in docs)


# ---------------------------------------------------------------------- writing


NEW = {"id": "api-test-tal-afar", "title": "Car bomb kills four in Tal Afar", "source": "API Test Wire",
       "published": "2025-04-02",
       "text": "TAL AFAR, Iraq, April 2, 2025 (API Test Wire) - A car bomb killed four soldiers at a checkpoint "
               "in Tal Afar on Tuesday, Iraqi security officials said. Islamic State militants claimed "
               "responsibility for the attack."}


def test_post_is_refused_on_a_read_only_server(client):
    r = client.post("/api/documents", json=NEW)
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


def test_post_with_the_token_ingests_and_the_document_becomes_queryable(store, pipeline):
    c = TestClient(create_app(store, token=TOKEN, pipeline=pipeline))
    assert c.post("/api/documents", json=NEW).status_code == 401
    r = c.post("/api/documents", json=NEW, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and "token" in r.json()["detail"]
    assert c.get("/api/documents/api-test-tal-afar").status_code == 404
    r = c.post("/api/documents", json=NEW, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    assert r.json()["stored"] == 1 and r.json()["ids"] == ["api-test-tal-afar"]
    d = c.get("/api/documents/api-test-tal-afar").json()
    assert d["title"] == NEW["title"] and d["published"] == "2025-04-02"
    found = c.get("/api/events", params={"source": "api-test-tal-afar"}).json()
    assert found["total"] >= 1
    assert any("api-test-tal-afar" in e["documents"] for e in found["items"])
    # the same text again is a duplicate: nothing new
    again = c.post("/api/documents", json=[NEW], headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["stored"] == 0 and again.json()["skipped_duplicates"] == 1


def test_post_rejects_a_body_without_text(store):
    c = TestClient(create_app(store, token=TOKEN))
    r = c.post("/api/documents", json={"title": "no text"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422 and "text" in r.json()["detail"]


# ---------------------------------------------------------------------- docs and the page


def test_openapi_and_docs_answer(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/entities/{entity_id}", "/api/timeline",
                 "/api/export", "/api/documents"):
        assert path in spec["paths"], path
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()


def test_index_page_or_a_clear_message(client):
    from sitrep.api import missing_vendor

    r = client.get("/")
    if missing_vendor():
        assert r.status_code == 503 and "make install" in r.text
    else:
        assert r.status_code == 200 and "/static/app.js" in r.text
        assert client.get("/static/vendor/leaflet.js").status_code == 200
