"""Reading whole rows on the API's hot paths without SQLAlchemy's statement and result machinery.

`rows_where(c, table, column, value, order)` is `select(table).where(column == value)
.order_by(*order)` as mappings: on SQLite its SQL text is made once per (table, column, order)
and run by the driver, and each row becomes a dict here with the values SQLAlchemy's column
types would give (JSON decoded by the store's reader, booleans as bool; the other types of our
schema come back from SQLite as they are). Other databases take SQLAlchemy's own path. The SQL
holds names from our schema only; the value is always a bound parameter.
"""
from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import JSON, Boolean, Table, select


def _json():
    from sitrep.store import _json_loads
    return _json_loads


@functools.cache
def _plan(table: Table, column: str, order: tuple[str, ...]):
    names = tuple(col.name for col in table.columns)
    loads = _json()
    convert = []
    for i, col in enumerate(table.columns):
        if isinstance(col.type, JSON):
            convert.append((i, loads))
        elif isinstance(col.type, Boolean):
            convert.append((i, bool))
    cols = ", ".join(f'"{n}"' for n in names)
    sql = f'SELECT {cols} FROM "{table.name}" WHERE "{column}" = ?'
    if order:
        sql += " ORDER BY " + ", ".join(f'"{n}"' for n in order)
    return sql, names, tuple(convert)


def rows_where(c, table: Table, column: str, value: Any, order: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The rows of `table` whose `column` equals `value`, in `order` (column names), as dicts."""
    if c.dialect.name != "sqlite":
        q = select(table).where(table.c[column] == value).order_by(*(table.c[n] for n in order))
        return [dict(r) for r in c.execute(q).mappings().all()]
    sql, names, convert = _plan(table, column, tuple(order))
    out = []
    for row in c.exec_driver_sql(sql, (value,)).all():
        if convert:
            row = list(row)
            for i, f in convert:
                if row[i] is not None:
                    row[i] = f(row[i])
        out.append(dict(zip(names, row)))
    return out
