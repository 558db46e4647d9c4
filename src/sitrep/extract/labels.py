"""spaCy entity labels → contract entity types, places and time expressions (data/ner_types.csv)."""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class LabelUse:
    entity_type: str | None
    place: bool
    timex: bool


@functools.lru_cache(maxsize=1)
def label_uses() -> dict[str, LabelUse]:
    text = resources.files("sitrep.data").joinpath("ner_types.csv").read_text(encoding="utf-8")
    rows = csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {label: LabelUse(etype or None, place == "1", timex == "1") for label, etype, place, timex in rows}
