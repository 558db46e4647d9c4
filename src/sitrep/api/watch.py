"""Read-only API of watching: `GET /api/alerts` (the saved alerts) and `GET /api/watch` (the
sources, the last round, the failing articles), for scripts and the web UI's watch page.

An alert's delivery is given by its kind only (print, jsonl, webhook): a webhook URL or a file
path may hold a secret or a local detail, and the API serves whoever can reach it.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from sitrep.api.responses import JSON
from sitrep.store import watch as W


class Alert(BaseModel):
    name: str
    filters: dict[str, Any]
    delivery: str
    created_at: str
    checked_at: str
    delivered: int


class Alerts(BaseModel):
    items: list[Alert]


class WatchSource(BaseModel):
    url: str
    name: str | None
    kind: str | None
    countries: str | None
    last_fetch: str | None
    last_success: str | None
    next_fetch: str | None
    items: int
    stored: int
    pending: int
    failed_items: int
    errors: int
    last_error: str | None


class WatchRound(BaseModel):
    id: int
    started_at: str
    finished_at: str | None
    sources: int
    new_items: int
    stored: int
    duplicates: int
    failed: int


class WatchFailure(BaseModel):
    url: str
    source_url: str
    status: str
    attempts: int
    last_error: str | None
    updated_at: str


class WatchStatus(BaseModel):
    sources: list[WatchSource]
    last_round: WatchRound | None
    rounds: int
    failures: list[WatchFailure]


def register(app: FastAPI, store) -> None:
    @app.get("/api/alerts", tags=["watch"], summary="The saved alerts (read-only; `sitrep alert add` makes them)",
             response_class=JSON, response_model=Alerts)
    def alerts() -> dict:
        return JSON({"items": [{"name": a["name"], "filters": a["filters"], "delivery": a["deliver"].split(":")[0],
                                "created_at": a["created_at"], "checked_at": a["checked_at"],
                                "delivered": a["delivered"]} for a in W.alerts(store)]})

    @app.get("/api/watch", tags=["watch"], summary="What `sitrep watch` follows: sources, last round, failures",
             response_class=JSON, response_model=WatchStatus)
    def watch() -> dict:
        return JSON(W.status(store))
