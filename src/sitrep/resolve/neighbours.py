"""Which countries border which: the land neighbours the registry package `countryinfo` lists for each
country (its `borders`, ISO alpha-3), made symmetric and keyed by ISO alpha-2.

An article about Israel that names "Gaza" means the strip next door, not Mozambique's province: a
country the article points to lends part of its weight to its neighbours (`sitrep.resolve.places`).
"""
from __future__ import annotations

import functools
import json
from importlib import resources


@functools.lru_cache(maxsize=1)
def neighbours() -> dict[str, frozenset[str]]:
    """ISO alpha-2 → the alpha-2 codes of the countries it shares a land border with."""
    records = []
    for f in resources.files("countryinfo").joinpath("data").iterdir():
        if f.name.endswith(".json"):
            try:
                records.append(json.loads(f.read_text(encoding="utf-8")))
            except ValueError:
                continue
    alpha2 = {r["ISO"]["alpha3"]: r["ISO"]["alpha2"] for r in records
              if isinstance(r.get("ISO"), dict) and r["ISO"].get("alpha2") and r["ISO"].get("alpha3")}
    out: dict[str, set[str]] = {}
    for r in records:
        a = alpha2.get((r.get("ISO") or {}).get("alpha3"))
        for b3 in r.get("borders") or ():
            b = alpha2.get(b3)
            if a and b and a != b:
                out.setdefault(a, set()).add(b)
                out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}
