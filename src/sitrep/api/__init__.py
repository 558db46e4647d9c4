"""sitrep's HTTP API and web UI: `create_app(store)` (FastAPI) and `serve(db, …)` (uvicorn).

The routes live in `sitrep.api.app`, the parsing of the event filters in
`sitrep.api.params`, the response types in `sitrep.api.responses`, the security headers
and the write gate in `sitrep.api.security`, document ingestion over HTTP in
`sitrep.api.ingest`, running the server (one process or several) in `sitrep.api.server`;
the front-end's files are in `sitrep/web/`.
"""
from __future__ import annotations

from sitrep.api.app import create_app, missing_vendor
from sitrep.api.server import serve

__all__ = ["create_app", "serve", "missing_vendor"]
