"""Keyset paging: opaque cursors (`next` of one page, `after` of the next) and the conditions that
select what follows a cursor, so that a page deep in the results costs what the first does.

A cursor is the sort, the sort value and the id of a page's last row, in URL-safe base64 JSON;
one that was not made here, or for another sort, is a ValueError naming `after`.
"""
from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import and_, or_

MAX_CURSOR = 1000         # characters of an `after` cursor


def make_cursor(sort: str, value: Any, event_id: str) -> str:
    """An opaque cursor: the sort, the sort value and the id of the last event of a page."""
    raw = json.dumps([sort, value, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(value: str | None, sort: str) -> tuple[Any, str] | None:
    """The (sort value, id) a cursor made by `make_cursor` for this sort holds; a ValueError naming
    `after` otherwise."""
    if value in (None, ""):
        return None
    bad = ValueError("after: not a cursor from this API's `next` (ask again without it)")
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        raise bad
    try:
        got = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, TypeError):
        raise bad from None
    if not (isinstance(got, list) and len(got) == 3 and isinstance(got[0], str) and isinstance(got[2], str)
            and (got[1] is None or (isinstance(got[1], str | int | float) and not isinstance(got[1], bool)))):
        raise bad
    if got[0] != sort:
        raise ValueError(f"after: the cursor is for sort={got[0]!r}, not {sort!r} (ask again without it)")
    key = sort.lstrip("-")
    if got[1] is not None and (key in ("date", "updated_at")) != isinstance(got[1], str):
        raise bad
    return got[1], got[2]


def beyond(col, id_col, sort: str, cursor: tuple[Any, str]):
    """The rows after the cursor in this order (`col` the sort column, nulls last, then `id_col`),
    as (the condition on the rows with a sort value, None when none can follow; the condition on
    those without, True for all of them)."""
    value, last = cursor
    if value is None:
        return None, id_col > last
    if sort.startswith("-"):
        return and_(col <= value, or_(col < value, id_col > last)), True
    return and_(col >= value, or_(col > value, id_col > last)), True


def is_beyond(sort: str, cursor: tuple[Any, str], value: Any, event_id: str) -> bool:
    v, last = cursor
    if v is None:
        return value is None and event_id > last
    if value is None:
        return True
    return (value < v if sort.startswith("-") else value > v) or (value == v and event_id > last)
