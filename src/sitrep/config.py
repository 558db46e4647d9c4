"""User settings that outlive one command: the region of interest, read once per process.

`countries` — the ISO 3166 alpha-2 codes of the countries a user follows (their theatre):
strong evidence when a place name is ambiguous, never a filter. From, first found:
the `countries` argument (`Pipeline(countries=...)`, `--countries IQ,SY`), the environment
variable `SITREP_COUNTRIES` ("IQ,SY"), or the config file — `SITREP_CONFIG`, else
`~/.config/sitrep/config.toml` — with

    [places]
    countries = ["IQ", "SY"]
"""
from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

_CODE = re.compile(r"^[A-Z]{2}$")


class ConfigError(ValueError):
    """A bad setting, with where it came from."""


def config_path() -> Path:
    env = os.environ.get("SITREP_CONFIG")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "sitrep" / "config.toml"


def parse_countries(value: str | Iterable[str], origin: str = "countries") -> tuple[str, ...]:
    """"IQ,SY" or ["iq", "sy"] → ("IQ", "SY"); anything but two-letter codes is an error naming `origin`."""
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for item in items:
        code = str(item).strip().upper()
        if not code:
            continue
        if not _CODE.match(code):
            raise ConfigError(f"{origin}: {item!r} is not an ISO 3166 alpha-2 country code (like IQ or SY)")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def countries(explicit: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """The region of interest: the argument, else SITREP_COUNTRIES, else the config file, else none."""
    if explicit is not None:
        return parse_countries(explicit)
    env = os.environ.get("SITREP_COUNTRIES")
    if env is not None:
        return parse_countries(env, "SITREP_COUNTRIES")
    path = config_path()
    if not path.exists():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise ConfigError(f"{path}: cannot read the config file: {e}") from None
    value = (data.get("places") or {}).get("countries", [])
    if not isinstance(value, (list, str)):
        raise ConfigError(f"{path}: [places] countries must be a list of country codes")
    return parse_countries(value, f"{path}: [places] countries")
