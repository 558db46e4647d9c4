"""GeoNames dump files added to a built gazetteer: `sitrep gazetteer import SY.zip alternateNamesV2.zip`.

Country or world dumps (`SY.zip`, `allCountries.zip`, plain `.txt`) add or complete places by
GeoNames id, village level included; alternate-name files attach names to the places the
gazetteer holds. The file is changed in place under the gazetteer's build lock.
"""
from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from sitrep.resolve.fold import is_latin, light, skeleton
from sitrep.resolve.gazetteer import Gazetteer, build, build_lock, default_path

_DUMP_CLASSES = set("PSTHLVA")


def import_dumps(paths: Iterable[str], gazetteer_path: Path | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Add GeoNames dump files (`SY.zip`, `SY.txt`, `allCountries.zip`, `alternateNamesV2.zip`).

    Places are added or completed by GeoNames id; alternate names are attached to the
    places the gazetteer holds. Returns counts of what was read.
    """
    say = progress or (lambda _m: None)
    path = Path(gazetteer_path or default_path())
    if not path.exists():
        build(path, progress, only_if_missing=True)
    with build_lock(path):
        counts = _import_locked(path, paths, say)
    Gazetteer.open.cache_clear()
    return counts


def _import_locked(path: Path, paths: Iterable[str], say: Callable[[str], None]) -> dict[str, int]:
    paths = list(paths)
    con = sqlite3.connect(path)
    counts = {"places": 0, "names": 0}
    alt_files = []
    try:
        for p in paths:
            if Path(p).name.lower().startswith("alternatenames"):     # alternateNamesV2.zip, alternateNames-SY.zip
                alt_files.append(p)
                continue
            for member, fh in _dump_members(p):
                if member.lower().startswith("alternatenames"):
                    alt_files.append(p)
                    break
                if member.lower().startswith(("readme", "iso-languagecodes")):
                    continue
                say(f"{p}: {member}")
                counts["places"] += _import_places(con, fh)
        for p in alt_files:
            for member, fh in _dump_members(p):
                if not member.lower().startswith(("readme", "iso-languagecodes")):
                    say(f"{p}: {member}")
                    counts["names"] += _import_alternate_names(con, fh)
        con.execute("insert or replace into meta values ('imported', ?)",
                    (json.dumps({"files": [str(p) for p in paths], **counts}),))
        con.commit()
    finally:
        con.close()
    return counts


def _dump_members(p: str):
    path = Path(p)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith(".txt"):
                    with z.open(info) as raw:
                        yield Path(info.filename).name, io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            yield path.name, fh


def _names_rows(pid: int, names: Iterable[str]) -> list[tuple]:
    rows = []
    for n in names:
        n = n.strip()
        if n and is_latin(n) and len(n) <= 80 and light(n):
            rows.append((light(n), 0, pid, n))
            rows.append((skeleton(n), 1, pid, n))
    return rows


def _import_places(con: sqlite3.Connection, fh) -> int:
    n = 0
    for line in fh:
        f = line.rstrip("\n").split("\t")
        if len(f) < 15 or f[6] not in _DUMP_CLASSES:
            continue
        gid, name, ascii_name, alts = int(f[0]), f[1], f[2], f[3]
        lat, lon, fcode, cc, a1 = float(f[4]), float(f[5]), f[7], f[8], f[10]
        pop = int(f[14] or 0)
        a1code = f"{cc}.{a1}" if a1 and a1 != "00" else None
        row = con.execute("select id from places where geonameid = ?", (gid,)).fetchone()
        if row:
            pid = row[0]
            con.execute("update places set lat = ?, lon = ?, feature_code = ?, country_code = ?, admin1_code = "
                        "coalesce(admin1_code, ?), population = max(population, ?) where id = ?",
                        (lat, lon, fcode, cc, a1code, pop, pid))
        else:
            pid = con.execute("insert into places (geonameid, name, lat, lon, country_code, admin1_code, "
                              "feature_code, population, source) values (?,?,?,?,?,?,?,?, 'geonames-dump')",
                              (gid, name, lat, lon, cc, a1code, fcode, pop)).lastrowid
        if fcode == "ADM1" and a1code:
            con.execute("insert or ignore into admin1 values (?,?,?)", (a1code, name, gid))
        con.executemany("insert or ignore into names values (?,?,?,?)",
                        _names_rows(pid, [name, ascii_name, *alts.split(",")]))
        n += 1
    return n


_SKIP_LANGS = {"link", "post", "iata", "icao", "faac", "fr_1793", "abbr", "wkdt", "unlc", "phon", "piny"}


def _import_alternate_names(con: sqlite3.Connection, fh) -> int:
    ids = dict(con.execute("select geonameid, id from places where geonameid is not null"))
    n = 0
    batch = []
    for line in fh:
        f = line.rstrip("\n").split("\t")
        if len(f) < 4 or f[2] in _SKIP_LANGS:
            continue
        pid = ids.get(int(f[1]))
        if pid is None:
            continue
        rows = _names_rows(pid, [f[3]])
        batch += rows
        n += bool(rows)
        if len(batch) > 50_000:
            con.executemany("insert or ignore into names values (?,?,?,?)", batch)
            batch = []
    con.executemany("insert or ignore into names values (?,?,?,?)", batch)
    return n
