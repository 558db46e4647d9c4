"""The state of `sitrep watch` in the store: sources, their validators and errors, the queue of
article URLs (each one ingested once), the rounds; and saved alerts with their delivery log.

Each change is one transaction, so a watch killed at any moment resumes where it stopped: a
feed's new items are queued in the same transaction that saves its ETag, an article is marked
done only once its text is stored (and a text already stored counts as done).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select, update

from sitrep.store import schema as S

SRC, ITEM, ROUND = S.watch_sources.c, S.watch_items.c, S.watch_rounds.c
ALERT, DELIV = S.alerts.c, S.alert_deliveries.c


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def later(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat(timespec="microseconds")


# ------------------------------------------------------------------ sources
def sync_sources(store, sources: Iterable) -> None:
    """Add the sources of a sources file (each `.url`, `.name`, `.countries`, `.kind`); a source
    already known keeps its state and takes the file's settings."""
    with store.engine.begin() as c:
        for s in sources:
            row = c.execute(select(SRC.url, SRC.kind).where(SRC.url == s.url)).first()
            if row is None:
                c.execute(insert(S.watch_sources).values(url=s.url, name=s.name, countries=s.countries, kind=s.kind,
                                                         items=0, errors=0, consecutive_errors=0))
            else:
                c.execute(update(S.watch_sources).where(SRC.url == s.url).values(
                    name=s.name, countries=s.countries, kind=s.kind or row.kind))


def source(store, url: str) -> dict[str, Any] | None:
    with store.engine.connect() as c:
        r = c.execute(select(S.watch_sources).where(SRC.url == url)).mappings().first()
        return dict(r) if r else None


def is_due(row: dict[str, Any], at: str | None = None) -> bool:
    return row["next_fetch"] is None or row["next_fetch"] <= (at or now())


def source_fetched(store, url: str, *, kind: str, etag: str | None, last_modified: str | None,
                   found: list, next_in: float, not_modified: bool = False) -> int:
    """A successful fetch of a source: queue the items not seen before (each `.url`, `.title`,
    `.published`) and keep the validators, in one transaction. Returns how many were new."""
    t = now()
    new = 0
    with store.engine.begin() as c:
        urls = [i.url for i in found]
        known: set[str] = set()
        for k in range(0, len(urls), 500):
            known |= set(c.execute(select(ITEM.url).where(ITEM.url.in_(urls[k:k + 500]))).scalars())
        rows = [{"url": i.url, "source_url": url, "title": i.title, "published": i.published, "status": "pending",
                 "attempts": 0, "first_seen": t, "updated_at": t} for i in found if i.url not in known]
        if rows:
            c.execute(insert(S.watch_items), rows)
            new = len(rows)
        values = {"kind": kind, "last_fetch": t, "last_success": t, "next_fetch": later(next_in),
                  "consecutive_errors": 0, "last_error": None, "items": SRC["items"] + new}
        if not not_modified:
            values.update(etag=etag, last_modified=last_modified)
        c.execute(update(S.watch_sources).where(SRC.url == url).values(**values))
    return new


def source_failed(store, url: str, reason: str, *, retry_in: float = 0.0) -> None:
    with store.engine.begin() as c:
        c.execute(update(S.watch_sources).where(SRC.url == url).values(
            last_fetch=now(), next_fetch=later(retry_in), errors=SRC.errors + 1,
            consecutive_errors=SRC.consecutive_errors + 1, last_error=reason))


# ------------------------------------------------------------------ the queue of articles
def pending_items(store, max_attempts: int) -> list[dict[str, Any]]:
    """Articles to fetch: new ones, and failed ones with tries left, oldest first."""
    with store.engine.connect() as c:
        rows = c.execute(select(S.watch_items, SRC.name.label("source_name"), SRC.countries)
                         .join(S.watch_sources, SRC.url == ITEM.source_url)
                         .where(or_(ITEM.status == "pending",
                                    and_(ITEM.status == "failed", ITEM.attempts < max_attempts)))
                         .order_by(ITEM.first_seen, ITEM.url)).mappings().all()
    return [dict(r) for r in rows]


def item_done(store, url: str, doc_id: str | None) -> None:
    with store.engine.begin() as c:
        c.execute(update(S.watch_items).where(ITEM.url == url).values(
            status="done", doc_id=doc_id, last_error=None, attempts=ITEM.attempts + 1, updated_at=now()))


def item_failed(store, url: str, reason: str, max_attempts: int) -> None:
    with store.engine.begin() as c:
        c.execute(update(S.watch_items).where(ITEM.url == url).values(
            status=case((ITEM.attempts + 1 >= max_attempts, "gave_up"), else_="failed"),
            attempts=ITEM.attempts + 1, last_error=reason, updated_at=now()))


def items(store, status: str | None = None) -> list[dict[str, Any]]:
    with store.engine.connect() as c:
        q = select(S.watch_items).order_by(ITEM.first_seen, ITEM.url)
        if status:
            q = q.where(ITEM.status == status)
        return [dict(r) for r in c.execute(q).mappings()]


# ------------------------------------------------------------------ rounds
def start_round(store, sources: int) -> int:
    with store.engine.begin() as c:
        return c.execute(insert(S.watch_rounds).values(started_at=now(), sources=sources, new_items=0, stored=0,
                                                       duplicates=0, failed=0)).inserted_primary_key[0]


def finish_round(store, round_id: int, **counts: int) -> None:
    with store.engine.begin() as c:
        c.execute(update(S.watch_rounds).where(ROUND.id == round_id).values(finished_at=now(), **counts))


def status(store) -> dict[str, Any]:
    """Per source: kind, last success, items listed, stored, waiting, failing, errors, last error;
    the last round; the articles that failed, with their reasons."""
    with store.engine.connect() as c:
        per = {r.source_url: r for r in c.execute(
            select(ITEM.source_url,
                   func.sum(case((ITEM.status == "done", 1), else_=0)).label("stored"),
                   func.sum(case((ITEM.status == "pending", 1), else_=0)).label("pending"),
                   func.sum(case((ITEM.status.in_(["failed", "gave_up"]), 1), else_=0)).label("failed"))
            .group_by(ITEM.source_url))}
        out = []
        for r in c.execute(select(S.watch_sources).order_by(SRC.url)).mappings():
            p = per.get(r["url"])
            out.append({"url": r["url"], "name": r["name"], "kind": r["kind"], "countries": r["countries"],
                        "last_fetch": r["last_fetch"], "last_success": r["last_success"],
                        "next_fetch": r["next_fetch"], "items": r["items"],
                        "stored": int(p.stored or 0) if p else 0, "pending": int(p.pending or 0) if p else 0,
                        "failed_items": int(p.failed or 0) if p else 0, "errors": r["errors"],
                        "last_error": r["last_error"]})
        last = c.execute(select(S.watch_rounds).order_by(ROUND.id.desc()).limit(1)).mappings().first()
        fails = c.execute(select(ITEM.url, ITEM.source_url, ITEM.status, ITEM.attempts, ITEM.last_error,
                                 ITEM.updated_at).where(ITEM.status.in_(["failed", "gave_up"]))
                          .order_by(ITEM.updated_at.desc()).limit(200)).mappings().all()
        rounds = c.execute(select(func.count()).select_from(S.watch_rounds)).scalar_one()
    return {"sources": out, "last_round": dict(last) if last else None, "rounds": rounds,
            "failures": [dict(f) for f in fails]}


# ------------------------------------------------------------------ alerts
def add_alert(store, name: str, filters: dict, deliver: str, *, since: str | None = None) -> None:
    t = now()
    with store.engine.begin() as c:
        c.execute(insert(S.alerts).values(name=name, filters=filters, deliver=deliver, created_at=t,
                                          checked_at=t if since is None else since))


def alerts(store) -> list[dict[str, Any]]:
    with store.engine.connect() as c:
        counts = dict(c.execute(select(DELIV.alert, func.count()).group_by(DELIV.alert)).all())
        rows = c.execute(select(S.alerts).order_by(ALERT.name)).mappings().all()
    return [{**dict(r), "delivered": counts.get(r["name"], 0)} for r in rows]


def remove_alert(store, name: str) -> bool:
    with store.engine.begin() as c:
        c.execute(S.alert_deliveries.delete().where(DELIV.alert == name))
        return c.execute(S.alerts.delete().where(ALERT.name == name)).rowcount > 0


def delivered(store, name: str) -> set[str]:
    with store.engine.connect() as c:
        return set(c.execute(select(DELIV.event_id).where(DELIV.alert == name)).scalars())


def log_delivery(store, name: str, event_id: str, version: int | None) -> bool:
    """Record one delivery; False when it was already recorded (another process delivered it)."""
    with store.engine.begin() as c:
        if c.execute(select(DELIV.event_id).where(DELIV.alert == name, DELIV.event_id == event_id)).first():
            return False
        c.execute(insert(S.alert_deliveries).values(alert=name, event_id=event_id, version=version,
                                                    delivered_at=now()))
        return True


def alert_checked(store, name: str, at: str) -> None:
    with store.engine.begin() as c:
        c.execute(update(S.alerts).where(ALERT.name == name).values(checked_at=at))
