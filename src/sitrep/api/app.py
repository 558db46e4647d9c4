"""The FastAPI application: JSON endpoints over a `Store`, and the web UI's static files.

`create_app(store, token=None)` builds it. Reads go through `sitrep.store.query`
(events, entities, places, documents, timeline) and `sitrep.export` (downloads);
the one write, POST /api/documents, needs the bearer token given at startup and
answers 403 on a server started without one. Every error is JSON
`{"detail": "message"}`: 422 for parameters that cannot be used, 404 for unknown ids.
"""

import csv
import hmac
import queue
import threading
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from sitrep import __version__
from sitrep.api import params as P
from sitrep.api.ingest import Ingester, NewDocument
from sitrep.store import Store

WEB = Path(str(resources.files("sitrep") / "web"))
VENDOR_FILES = ("leaflet.js", "leaflet.css", "leaflet.markercluster.js", "MarkerCluster.css",
                "MarkerCluster.Default.css", "topojson-client.min.js", "countries-50m.json", "d3.min.js")

DESCRIPTION = """Events of armed conflict extracted from news, each field pointing back to the characters of
the article it came from. Read-only unless the server was started with a token; then
`POST /api/documents` with `Authorization: Bearer <token>` ingests articles.

Ids contain colons (`actor:islamic-state`, `geonames:170794`); put them in the path as they are."""


def _query():
    from sitrep.store import query
    return query


def _export():
    from sitrep import export
    return export


def missing_vendor() -> list[str]:
    return [f for f in VENDOR_FILES if not (WEB / "vendor" / f).is_file()]


def _taxonomy() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    text = (resources.files("sitrep") / "data" / "acled_taxonomy.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        out.setdefault(row["event_type"], []).append(row["sub_event_type"])
    return out


def create_app(store: Store, *, token: str | None = None, pipeline=None) -> FastAPI:
    """The API and web UI over `store`; writes allowed only with `token`."""
    app = FastAPI(title="sitrep", version=__version__, description=DESCRIPTION,
                  openapi_tags=[{"name": "events", "description": "Real-world events, merged across articles."},
                                {"name": "entities"}, {"name": "places"}, {"name": "documents"},
                                {"name": "export"}, {"name": "meta"}])
    app.state.store = store
    ingester = Ingester(store, pipeline)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        msgs = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            msgs.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return JSONResponse({"detail": "; ".join(msgs) or "invalid request"}, status_code=422)

    @app.exception_handler(ValueError)
    async def _bad_value(_: Request, exc: ValueError):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def found(obj: Any, what: str, ident: str) -> Any:
        if obj is None:
            raise HTTPException(404, f"no {what} with id {ident!r}")
        return obj

    Filters = Annotated[P.EventFilters, Depends()]
    Limit = Annotated[int, Query(ge=1, le=1000, description="Page size, 1..1000.")]
    Offset = Annotated[int, Query(ge=0, description="Items to skip.")]

    # ------------------------------------------------------------------ events
    @app.get("/api/events", tags=["events"], summary="Events matching the filters, one page")
    def events(f: Filters, sort: Annotated[str, Query(description="One of " + ", ".join(P.SORTS))] = "-date",
               limit: Limit = 50, offset: Offset = 0) -> dict:
        kw = f.kwargs()
        P.choice("sort", sort, P.SORTS)
        return _query().events(store, **kw, sort=sort, limit=limit, offset=offset)

    @app.get("/api/events/{event_id:path}", tags=["events"],
             summary="One event with every article that reports it and the evidence")
    def event(event_id: str) -> dict:
        return found(_query().event(store, event_id), "event", event_id)

    @app.get("/api/timeline", tags=["events"], summary="Event counts per period and event type")
    def timeline(f: Filters, interval: Annotated[str, Query(description="day, week or month")] = "week"
                 ) -> list[dict]:
        kw = f.kwargs()
        P.choice("interval", interval, P.INTERVALS)
        return _query().timeline(store, interval=interval, **kw)

    # ------------------------------------------------------------------ entities, places, documents
    @app.get("/api/entities", tags=["entities"], summary="Canonical entities (actors, people, places…)")
    def entities(q: Annotated[str | None, Query(description="Name or alias contains this.")] = None,
                 type: Annotated[str | None, Query(description="Entity type, e.g. ARMED_GROUP, PERSON.")] = None,
                 sort: str = "-documents", limit: Limit = 50, offset: Offset = 0) -> dict:
        return _query().entities(store, q=q or None, type=type or None, sort=sort, limit=limit, offset=offset)

    @app.get("/api/entities/{entity_id:path}", tags=["entities"],
             summary="One entity: aliases, roles, events, quotes, involvement over time")
    def entity(entity_id: str) -> dict:
        return found(_query().entity(store, entity_id), "entity", entity_id)

    @app.get("/api/places/{place_id:path}", tags=["places"], summary="One place and the events there")
    def place(place_id: str) -> dict:
        return found(_query().place(store, place_id), "place", place_id)

    @app.get("/api/documents/{doc_id:path}", tags=["documents"],
             summary="A stored article with every annotation (offsets index its text)")
    def document(doc_id: str) -> dict:
        return found(_query().document(store, doc_id), "document", doc_id)

    @app.post("/api/documents", tags=["documents"], status_code=201,
              summary="Ingest articles (needs the server's token)",
              responses={200: {"description": "Nothing new was stored (duplicates or failures)"},
                         401: {"description": "Missing or wrong bearer token"},
                         403: {"description": "Read-only server (started without a token)"}})
    def post_documents(body: Annotated[NewDocument | list[NewDocument], Body()],
                       authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        if not token:
            raise HTTPException(403, "read-only server: start it with --token (or SITREP_TOKEN) to accept documents")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        docs = body if isinstance(body, list) else [body]
        if not docs:
            raise HTTPException(422, "no documents in the request")
        result = ingester.ingest(docs)
        return JSONResponse(result, status_code=201 if result["stored"] else 200)

    # ------------------------------------------------------------------ export
    @app.get("/api/export", tags=["export"], summary="Download the matching events (csv, geojson or jsonl)")
    def export(f: Filters, format: Annotated[str, Query(description="csv, geojson or jsonl")] = "csv"
               ) -> StreamingResponse:
        P.choice("format", format, P.FORMATS)
        kw = f.kwargs()
        ex = _export()
        ext = {"csv": "csv", "geojson": "geojson", "jsonl": "jsonl"}[format]
        return StreamingResponse(_stream(lambda fh: ex.write(store, format, fh, **kw)),
                                 media_type=ex.MEDIA_TYPES[format],
                                 headers={"Content-Disposition": f'attachment; filename="sitrep-events.{ext}"'})

    # ------------------------------------------------------------------ meta
    @app.get("/api/meta", tags=["meta"], summary="What the store holds, and the event taxonomy")
    def meta() -> dict:
        return {"version": __version__, "read_only": not token, "stats": store.stats(), "taxonomy": _taxonomy()}

    # ------------------------------------------------------------------ the web UI
    @app.get("/", include_in_schema=False)
    def index():
        missing = missing_vendor()
        if missing:
            return HTMLResponse(_MISSING.format(files=", ".join(missing)), status_code=503)
        return FileResponse(WEB / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app


_MISSING = """<!doctype html><meta charset="utf-8"><title>sitrep: web assets missing</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>The web UI's libraries are not installed</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> in <code>web/</code> and copies the libraries into
<code>src/sitrep/web/vendor/</code>), then reload this page.</p>
<p>Missing: {files}</p><p>The JSON API works without them: <a href="/docs">/docs</a>.</p></body>"""


class _QueueWriter:
    """A text file handle whose writes become chunks of a bounded queue (for streaming)."""
    def __init__(self, q: queue.Queue, cancelled: threading.Event, size: int = 1 << 16):
        self.q, self.cancelled, self.size, self.buf = q, cancelled, size, []
        self.n = 0

    def write(self, s: str) -> int:
        if self.cancelled.is_set():
            raise BrokenPipeError("client went away")
        self.buf.append(s)
        self.n += len(s)
        if self.n >= self.size:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.buf:
            self._put("".join(self.buf).encode("utf-8"))
            self.buf, self.n = [], 0

    def _put(self, item) -> None:
        while not self.cancelled.is_set():
            try:
                self.q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("client went away")


_END = object()


class _Failed:
    def __init__(self, exc: Exception):
        self.exc = exc


def _stream(write):
    """Run `write(fh)` in a thread and return an iterator over what it writes, as it goes.

    Waits for the first chunk, so an error raised before any output (a bad filter)
    is raised here and becomes an ordinary JSON error instead of a broken download."""
    q: queue.Queue = queue.Queue(maxsize=16)
    cancelled = threading.Event()

    def run():
        fh = _QueueWriter(q, cancelled)
        try:
            write(fh)
            fh.flush()
            fh._put(_END)
        except BrokenPipeError:
            return
        except Exception as e:
            try:
                fh._put(_Failed(e))
            except BrokenPipeError:
                return

    threading.Thread(target=run, daemon=True, name="sitrep-export").start()
    first = q.get()
    if isinstance(first, _Failed):
        cancelled.set()
        raise first.exc

    def chunks():
        item = first
        try:
            while item is not _END:
                if isinstance(item, _Failed):   # the response has started: say so at its end
                    yield f"\n# export failed: {type(item.exc).__name__}: {item.exc}\n".encode()
                    return
                yield item
                item = q.get()
        finally:
            cancelled.set()

    return chunks()
