"""sitrep's HTTP API and web UI: `create_app(store)` (FastAPI) and `serve(db, …)` (uvicorn).

The routes live in `sitrep.api.app`, the parsing of the event filters in
`sitrep.api.params`, document ingestion over HTTP in `sitrep.api.ingest`; the
front-end's files are in `sitrep/web/`.
"""
from __future__ import annotations

from sitrep.api.app import create_app, missing_vendor

__all__ = ["create_app", "serve", "missing_vendor"]


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          announce=print) -> None:
    """Serve the API and the web UI over the store at `db` until interrupted."""
    import uvicorn

    from sitrep.store import Store

    store = Store.open(db)
    app = create_app(store, token=token)
    shown = f"[{host}]" if ":" in host else host
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else shown
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    mode = "accepting POST /api/documents with the token" if token else "read-only"

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started:   # bound: now the URL works
                announce(f"sitrep is serving {db} at http://{shown}:{port}/  "
                         f"(API docs: http://{shown}:{port}/docs; {mode}; Ctrl+C stops)")

    server = Server(config)
    try:
        server.run()
    finally:
        store.close()
