"""Countries and first-level divisions: their true points, names, and outlines.

* Country points are GeoNames' own (the nominal point GeoNames gives each country,
  e.g. Russia 60°N 100°E), as the registry package `countryinfo` carries them, with
  `data/country_points.csv` for the few whose GeoNames point has since moved.
* First-level divisions come from Natural Earth 10m admin-1 (public domain), derived by
  `scripts/derive_admin1.py` into `data/admin1.csv` (names, GeoNames codes and ids, label
  points) and `data/admin1_shapes.txt` (simplified outlines, for point in polygon).
* `data/admin1_aliases.csv` adds the spellings English news uses ("Ky.", "B.C.",
  "Duhok", "Salahuddin").

The gazetteer build reads these once; nothing here runs per article.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


def _data_lines(name: str) -> list[str]:
    text = resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@functools.lru_cache(maxsize=1)
def country_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 → GeoNames' point for the country (from `countryinfo`)."""
    from countryinfo import CountryInfo

    out = {}
    for info in CountryInfo.all().values():
        cc = (info.get("ISO") or {}).get("alpha2")
        ll = info.get("latlng")
        if cc and ll and len(ll) == 2:
            out[cc] = (float(ll[0]), float(ll[1]))
    for r in csv.DictReader(_data_lines("country_points.csv")):
        out[r["country_code"]] = (float(r["lat"]), float(r["lon"]))
    return out


@functools.lru_cache(maxsize=1)
def country_demonyms() -> dict[str, str]:
    """Demonym (lower case) → ISO alpha-2, from `countryinfo` ("Afghan" → AF)."""
    from countryinfo import CountryInfo

    out = {}
    for info in CountryInfo.all().values():
        cc = (info.get("ISO") or {}).get("alpha2")
        dem = (info.get("demonym") or "").strip()
        if cc and dem and dem.isascii():
            out.setdefault(dem.lower(), cc)
    return out


@dataclass(frozen=True)
class Division:
    ne_code: str
    country_code: str
    admin1_code: str | None        # GeoNames' ("IQ.11"), when Natural Earth gives it
    geonameid: int | None
    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float

    @property
    def code(self) -> str:
        """The code places carry: GeoNames' where known, else Natural Earth's own."""
        return self.admin1_code or f"{self.country_code}.NE-{self.ne_code}"


@functools.lru_cache(maxsize=1)
def divisions() -> list[Division]:
    out = []
    for r in csv.DictReader(_data_lines("admin1.csv")):
        out.append(Division(r["ne_code"], r["country_code"], r["admin1_code"] or None,
                            int(r["geonameid"]) if r["geonameid"] else None, r["name"],
                            tuple(a for a in r["aliases"].split("|") if a), float(r["lat"]), float(r["lon"])))
    return out


@functools.lru_cache(maxsize=1)
def admin1_names() -> dict[str, tuple[str, list[str]]]:
    """GeoNames admin1 code → (name, aliases) of the divisions the sources list only by their parts
    (data/admin1_names.csv)."""
    return {r["admin1_code"]: (r["name"], [a.strip() for a in (r["aliases"] or "").split("|") if a.strip()])
            for r in csv.DictReader(_data_lines("admin1_names.csv"))}


@functools.lru_cache(maxsize=1)
def admin1_aliases() -> dict[str, list[str]]:
    """GeoNames admin1 code → extra names (data/admin1_aliases.csv)."""
    out: dict[str, list[str]] = {}
    for r in csv.DictReader(_data_lines("admin1_aliases.csv")):
        out.setdefault(r["admin1_code"], []).extend(a.strip() for a in r["aliases"].split("|") if a.strip())
    return out


class Outlines:
    """Point in polygon over the divisions' simplified outlines (ray casting, bounding boxes first)."""

    def __init__(self) -> None:
        self.shapes: list[tuple[str, tuple[float, float, float, float], list[list[list[tuple[float, float]]]]]] = []
        for line in _data_lines("admin1_shapes.txt"):
            code, bbox, polys = line.split("\t")
            box = tuple(float(v) for v in bbox.split(","))
            parsed = []
            for poly in polys.split("|"):
                rings = []
                for ring in poly.split(";"):
                    x = y = 0
                    pts = []
                    for pair in ring.split(" "):
                        dx, dy = pair.split(",")
                        x, y = x + int(dx), y + int(dy)
                        pts.append((x / 100, y / 100))
                    rings.append(pts)
                parsed.append(rings)
            self.shapes.append((code, box, parsed))    # type: ignore[arg-type]

    def locate(self, lat: float, lon: float) -> str | None:
        """The Natural Earth code of the division holding the point, else None."""
        for code, (x0, y0, x1, y1), polys in self.shapes:
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                continue
            for rings in polys:
                inside = False
                for ring in rings:            # the outer ring and its holes: an odd count is inside
                    inside ^= _in_ring(lon, lat, ring)
                if inside:
                    return code
        return None


@functools.lru_cache(maxsize=1)
def _outlines() -> tuple[Outlines, dict[str, str]]:
    return Outlines(), {d.ne_code: d.code for d in divisions() if d.code}


def admin1_at(lat: float, lon: float) -> str | None:
    """The GeoNames admin1 code of the division whose outline holds the point (GeoNames' own code
    for a place can be stale where a boundary moved). The outlines load once, on first use."""
    outlines, codes = _outlines()
    found = outlines.locate(lat, lon)
    return codes.get(found) if found else None


def _in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside
