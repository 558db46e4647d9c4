"""Saved alerts: the `sitrep events` filters under a name, checked after each watch round.

An alert looks at the real-world events created or changed since it was last checked that match
its filters (the store's own filter code, `sitrep.store.query`, plus a minimum of fatalities), and
delivers each one it has not delivered before: printed, appended to a JSON Lines file, or POSTed
as JSON to a webhook (retried with backoff). The delivery log makes it once per event and alert;
an event whose delivery failed is tried again after the next round.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from sitrep.store import query as Q
from sitrep.store import schema as S
from sitrep.store import watch as W
from sitrep.watch.fetch import USER_AGENT
from sitrep.watch.sources import check_url

FILTER_KEYS = ("types", "sub_types", "actor", "place", "country", "bbox", "near", "date_from", "date_to", "source",
               "text")


class AlertError(ValueError):
    pass


def parse_deliver(print_: bool, jsonl: str | None, webhook: str | None) -> str:
    chosen = [x for x in (print_ and "print", jsonl and f"jsonl:{jsonl}", webhook and f"webhook:{webhook}") if x]
    if len(chosen) > 1:
        raise AlertError("choose one way to deliver: --print, --jsonl FILE or --webhook URL")
    target = chosen[0] if chosen else "print"
    if target.startswith("webhook:"):
        bad = check_url(target[8:])
        if bad:
            raise AlertError(f"--webhook: {bad}")
    return target


def check_filters(store, filters: dict[str, Any]) -> dict[str, Any]:
    """The filters with the empty ones left out; ValueError (naming the filter) for one that cannot be used."""
    kept = {k: v for k, v in filters.items() if v not in (None, [], "")}
    unknown = set(kept) - set(FILTER_KEYS) - {"min_fatalities"}
    if unknown:
        raise AlertError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    mf = kept.get("min_fatalities")
    if mf is not None and (not isinstance(mf, int) or mf < 0):
        raise AlertError(f"min_fatalities: {mf!r} is not a whole number ≥ 0")
    Q.events(store, limit=1, **{k: v for k, v in kept.items() if k in FILTER_KEYS})   # raises on a bad value
    return kept


def matching(store, filters: dict[str, Any], since: str) -> list[dict[str, Any]]:
    """Events updated at or after `since` that match the filters, oldest change first."""
    C = S.clusters.c
    near = Q.parse_near(filters["near"]) if filters.get("near") else None
    with store.engine.connect() as c:
        w = Q._filters(c, **{k: v for k, v in filters.items() if k in FILTER_KEYS and k != "near"},
                       near=near)
        w.append(C.updated_at >= since)
        if filters.get("min_fatalities") is not None:
            w.append(C.fatalities >= int(filters["min_fatalities"]))
        rows = c.execute(select(S.clusters).where(*w).order_by(C.updated_at, C.id)).mappings().all()
    events = [Q._event(r) for r in rows]
    if near:
        events = [e for e in events if e["location"] and e["location"]["lat"] is not None
                  and Q.distance_km((near[0], near[1]), (e["location"]["lat"], e["location"]["lon"])) <= near[2]]
    return events


def payload(alert: str, event: dict[str, Any]) -> dict[str, Any]:
    return {"alert": alert, "delivered_at": W.now(), "event": event}


class Deliverer:
    """Sends one alert's events to its target; `send` raises AlertError when it could not."""

    def __init__(self, printer: Callable[[dict], None] = lambda p: print(json.dumps(p, ensure_ascii=False)),
                 retries: int = 3, backoff: float = 1.0, timeout: float = 10.0):
        self.printer = printer
        self.retries = retries
        self.backoff = backoff
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False)

    def close(self) -> None:
        self.client.close()

    def send(self, target: str, body: dict[str, Any]) -> None:
        if target == "print":
            self.printer(body)
        elif target.startswith("jsonl:"):
            try:
                with open(target[6:], "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(body, ensure_ascii=False) + "\n")
            except OSError as e:
                raise AlertError(f"cannot append to {target[6:]}: {e}") from None
        elif target.startswith("webhook:"):
            self._post(target[8:], body)
        else:
            raise AlertError(f"unknown delivery {target!r}")

    def _post(self, url: str, body: dict[str, Any]) -> None:
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                r = self.client.post(url, content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
            except httpx.HTTPError as e:
                reason = f"{type(e).__name__}: {e}"
                continue
            if 200 <= r.status_code < 300:
                return
            reason = f"HTTP {r.status_code}"
            if r.status_code < 500 and r.status_code != 429:
                break                                  # the receiver refuses it: trying again will not help
        raise AlertError(f"webhook {url}: {reason}")


def run(store, deliverer: Deliverer) -> dict[str, dict[str, Any]]:
    """Check every alert once: {name: {"delivered": n, "error": reason or None}}."""
    report: dict[str, dict[str, Any]] = {}
    for a in W.alerts(store):
        t = W.now()
        done = W.delivered(store, a["name"])
        sent, error = 0, None
        for ev in matching(store, a["filters"], a["checked_at"]):
            if ev["id"] in done:
                continue
            try:
                deliverer.send(a["deliver"], payload(a["name"], ev))
            except AlertError as e:
                error = str(e)
                store.add_failure(f"alert:{a['name']}", error)
                break
            if W.log_delivery(store, a["name"], ev["id"], ev["version"]):
                sent += 1
        if error is None:
            W.alert_checked(store, a["name"], t)
        report[a["name"]] = {"delivered": sent, "error": error}
    return report
