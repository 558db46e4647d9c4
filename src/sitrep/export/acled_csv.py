"""The ACLED-compatible CSV export: one row per dated real-world event, ACLED's columns in
ACLED's order (the mapping is documented in `sitrep.export.acled`); empty cells for
unknown values, UTF-8, a header row, CRLF line ends (RFC 4180). Text cells are made safe for spreadsheets
(`common.spreadsheet_safe`): one that starts like a formula is written with a leading `'`."""
from __future__ import annotations

import csv
from typing import Any

from sitrep.export import acled, common


def _cell(v: Any) -> Any:
    return "" if v is None else common.spreadsheet_safe(v)


def write(store, out, filters: dict[str, Any]) -> dict[str, Any]:
    n, skipped, unlocated = 0, 0, 0
    with common.open_text(out, newline="") as f:
        # RFC 4180 line ends: a cell holding a bare carriage return is then quoted, not a row break
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(acled.COLUMNS)
        for events, ctx in common.batches(store, filters):
            for e in events:
                r = acled.row(e, ctx)
                if r is None:
                    skipped += 1
                    continue
                if r["latitude"] is None:
                    unlocated += 1
                w.writerow([_cell(r[c]) for c in acled.COLUMNS])
                n += 1
    return {"format": "csv", "events": n, "skipped": {"no date": skipped} if skipped else {},
            "without_coordinates": unlocated}
