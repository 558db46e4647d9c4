"""Fetching GeoNames' country dumps, for users with internet: every village GeoNames knows.

`sitrep gazetteer download IQ SY` fetches `IQ.zip` and `SY.zip` (all of GeoNames' places in
those countries) and, unless told not to, their alternate names (`alternatenames/IQ.zip`),
from GeoNames' export server or another `base_url` (a mirror), then imports them into the
gazetteer (`sitrep.resolve.gazetteer.import_dumps`). Nothing is ever fetched while
extracting: this runs only when a user asks for it.
"""
from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

GEONAMES_DUMPS = "https://download.geonames.org/export/dump/"
_CODE = re.compile(r"^(?:[A-Z]{2}|allCountries)$")


class DownloadError(RuntimeError):
    """A dump that could not be fetched: the URL and the reason."""


def dump_urls(codes: Iterable[str], base_url: str = GEONAMES_DUMPS, alternate_names: bool = True
              ) -> list[tuple[str, str]]:
    """(url, local file name) for each country's dump and, optionally, its alternate names."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    out = []
    for raw in codes:
        code = raw.strip() if raw.strip() == "allCountries" else raw.strip().upper()
        if not _CODE.match(code):
            raise ValueError(f"{raw!r} is not a country code (ISO 3166 alpha-2, like IQ) or allCountries")
        out.append((f"{base}{code}.zip", f"{code}.zip"))
        if alternate_names and code != "allCountries":
            out.append((f"{base}alternatenames/{code}.zip", f"alternateNames-{code}.zip"))
    return out


def download(codes: Iterable[str], dest: Path, base_url: str = GEONAMES_DUMPS, alternate_names: bool = True,
             progress: Callable[[str], None] | None = None, timeout: float = 60.0) -> list[Path]:
    """Fetch the dumps into `dest`; returns the files. Raises DownloadError naming the URL that failed."""
    say = progress or (lambda _m: None)
    dest.mkdir(parents=True, exist_ok=True)
    files = []
    for url, name in dump_urls(codes, base_url, alternate_names):
        target = dest / name
        tmp = dest / (name + ".part")
        say(f"fetching {url}")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp, open(tmp, "wb") as fh:
                shutil.copyfileobj(resp, fh)
        except (urllib.error.URLError, OSError, ValueError) as e:
            tmp.unlink(missing_ok=True)
            reason = getattr(e, "reason", None) or e
            raise DownloadError(f"{url}: {reason}") from None
        tmp.replace(target)
        files.append(target)
    return files
