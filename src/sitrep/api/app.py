"""The FastAPI application: JSON endpoints over a `Store`, and the web UI's static files.

`create_app(store, token=None)` builds it. Reads go through `sitrep.store.query`
(events, entities, places, documents, timeline) and `sitrep.export` (downloads);
the one write, POST /api/documents, needs the bearer token given at startup and is
gated by `sitrep.api.security.Edge` before its body is read (403 on a server started
without a token, 401 with a wrong one, 413 over the maximum size). Every error is JSON
`{"detail": "message"}`: 422 for parameters that cannot be used, 404 for unknown ids;
every response carries the security headers (CSP and others, see `security`).
"""

import base64
import contextlib
import csv
import hashlib
import re
import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import Body, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from sitrep import __version__
from sitrep.api import params as P
from sitrep.api import security
from sitrep.api import watch as watch_api
from sitrep.api.cache import Memo, ResponseCache, StoreVersion
from sitrep.api.ingest import Ingester, NewDocument
from sitrep.api.responses import BAD, BAD_JSON, EVENT_PAGE, JSON, NOT_FOUND, Download, error, stream
from sitrep.api.shared import SharedAnswers
from sitrep.api.static import KeptFiles
from sitrep.store import Store
from sitrep.store.query import MAX_CURSOR, MAX_OFFSET, MAX_TEXT

WEB = Path(str(resources.files("sitrep") / "web"))
VENDOR_FILES = ("leaflet.js", "leaflet.css", "leaflet.markercluster.js", "MarkerCluster.css",
                "MarkerCluster.Default.css", "topojson-client.min.js", "countries-50m.json", "d3.min.js")

DESCRIPTION = f"""Events of armed conflict extracted from news, each field pointing back to the characters of
the article it came from. Read-only unless the server was started with a token; then
`POST /api/documents` with `Authorization: Bearer <token>` ingests articles (a body of at most
{security.MAX_BODY_BYTES:,} bytes).

Ids contain colons (`actor:islamic-state`, `geonames:170794`); put them in the path as they are.
Text filters match literally and hold at most {MAX_TEXT} characters; `offset` is at most {MAX_OFFSET:,}.
Every error is `{{"detail": "message"}}`."""


def freshness(max_staleness: float | None) -> str:
    """The API description's paragraph on how fresh answers are (None: nothing is kept)."""
    if max_staleness is None:
        return "\n\nEvery answer is computed from the store as it is when the request arrives."
    bound = (f"at most {max_staleness:g} seconds after it is committed (this server's `--max-staleness`)"
             if max_staleness > 0 else "in the very next answer (this server's `--max-staleness` is 0)")
    return (f"\n\nJSON answers are kept in memory and shared between clients: a write to the store (an ingest "
            f"running meanwhile) shows {bound}. Each such answer has an `ETag`; send it back in `If-None-Match` "
            "to get 304 Not Modified with no body while the answer is unchanged.")


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


def _docs_page(title: str) -> tuple[str, str]:
    """Swagger UI's page (from its CDN, as FastAPI serves it) and a policy that allows exactly that page."""
    page = get_swagger_ui_html(openapi_url="/openapi.json", title=title)
    html = page.body.decode()
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                      for s in re.findall(r"<script>(.*?)</script>", html, flags=re.S))
    cdn = "https://cdn.jsdelivr.net"
    csp = (f"default-src 'none'; script-src {cdn} {hashes}; style-src {cdn}; img-src 'self' data: "
           f"https://fastapi.tiangolo.com; connect-src 'self'; base-uri 'none'; form-action 'none'; "
           f"frame-ancestors 'none'")
    return html, csp


def create_app(store: Store, *, token: str | None = None, pipeline=None,
               max_body: int = security.MAX_BODY_BYTES, cache: bool = True, max_staleness: float = 0.0,
               clock=time.monotonic, shared: str | None = None) -> FastAPI:
    """The API and web UI over `store`; writes allowed only with `token`; JSON answers kept while
    the store is unchanged, or for `max_staleness` seconds after they were current (0: a commit
    shows in the next answer), unless `cache` is False. `clock` (seconds) times the staleness.
    `shared`: the directory of answers shared with the other worker processes of the same server
    (`sitrep.api.shared`; a path, made by `serve`), used within the staleness bound only."""
    version = StoreVersion(store)
    answers = (SharedAnswers(shared, max_staleness=max_staleness, clock=clock)
               if shared and cache and max_staleness > 0 else None)
    pool = getattr(store.engine.pool, "size", None)
    threads = max(2, min(16, pool() if callable(pool) else 8))

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        # the blocking store calls run in the thread pool: as many threads as the store has pooled
        # connections, so none waits for a connection or opens a throwaway one
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield
        version.close()
        if answers is not None:
            answers.close()

    app = FastAPI(title="sitrep", version=__version__, description=DESCRIPTION + freshness(max_staleness if cache else None), docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  openapi_tags=[{"name": "events", "description": "Real-world events, merged across articles."},
                                {"name": "entities"}, {"name": "places"}, {"name": "documents"},
                                {"name": "export"}, {"name": "meta"},
                                {"name": "watch", "description": "Sources followed by `sitrep watch`, and saved alerts."}])
    app.state.store = store
    app.state.version = version
    memo = Memo(version, max_staleness=max_staleness if cache else 0.0, clock=clock, shared=answers)
    if cache:
        app.add_middleware(ResponseCache, version=version, max_staleness=max_staleness, clock=clock, shared=answers)
    app.add_middleware(security.Edge, token=token, max_body=max_body)   # added last: the outermost
    ingester = Ingester(store, pipeline)
    Q = _query()
    taxonomy = _taxonomy()
    docs_html, docs_csp = _docs_page("sitrep - API")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        msgs = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            msgs.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return JSON({"detail": "; ".join(msgs) or "invalid request"}, status_code=422)

    @app.exception_handler(ValueError)
    async def _bad_value(_: Request, exc: ValueError):
        return JSON({"detail": str(exc)}, status_code=422)

    def found(obj: Any, what: str, ident: str) -> JSON:
        if obj is None:
            raise HTTPException(404, f"no {what} with id {ident!r}")
        return JSON(obj)

    Filters = Annotated[P.EventFilters, Depends()]
    Limit = Annotated[int, Query(ge=1, le=1000, description="Page size, 1..1000.")]
    Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip, 0..{MAX_OFFSET:,}.")]
    After = Annotated[str | None, Query(max_length=MAX_CURSOR, description=(
        "The `next` cursor of the page before, for the page after it (same filters and sort); "
        "`offset` then counts from there."))]
    SubLimit = Annotated[int, Query(ge=1, le=1000, description="Events per page, 1..1000.")]
    Text = Annotated[str | None, Query(max_length=MAX_TEXT, description="Name or alias contains this (literally).")]

    # ------------------------------------------------------------------ events
    @app.get("/api/events", tags=["events"], summary="Events matching the filters, one page",
             response_class=JSON, responses={**EVENT_PAGE, **BAD})
    def events(f: Filters, sort: Annotated[Literal[P.SORTS], Query(description="The order; - for descending.")]
               = "-date", limit: Limit = 50, offset: Offset = 0, after: After = None) -> dict:
        kw = f.kwargs()
        return JSON(Q.events(store, **kw, sort=sort, limit=limit, offset=offset, after=after))

    @app.get("/api/events/{event_id:path}", tags=["events"], response_class=JSON, responses=NOT_FOUND,
             summary="One event with every article that reports it and the evidence")
    def event(event_id: str) -> dict:
        return found(Q.event(store, event_id), "event", event_id)

    @app.get("/api/timeline", tags=["events"], summary="Event counts per period and event type",
             response_class=JSON, responses=BAD)
    def timeline(f: Filters, interval: Annotated[Literal[P.INTERVALS], Query(description="The period counted.")]
                 = "week") -> list[dict]:
        kw = f.kwargs()
        return JSON(Q.timeline(store, interval=interval, **kw))

    # ------------------------------------------------------------------ entities, places, documents
    @app.get("/api/entities", tags=["entities"], summary="Canonical entities (actors, people, places…)",
             response_class=JSON, responses=BAD)
    def entities(q: Text = None,
                 type: Annotated[str | None, Query(max_length=40, description="Entity type, e.g. ARMED_GROUP, "
                                                                               "PERSON.")] = None,
                 sort: Annotated[Literal[P.ENTITY_SORTS], Query(description="The order; - for descending.")]
                 = "-documents",
                 limit: Limit = 50, offset: Offset = 0) -> dict:
        # the counts of every entity, kept per store version; after a commit, a list of few entities
        # counts its own instead of every entity's (Q.entities calls this only for a long list)
        counts = memo.fresh("entity counts") or (lambda: memo.get("entity counts", lambda: Q.entity_counts(store)))
        return JSON(Q.entities(store, q=q or None, type=type or None, sort=sort, limit=limit, offset=offset,
                               counts=counts))

    @app.get("/api/entities/{entity_id:path}", tags=["entities"], response_class=JSON, responses={**BAD, **NOT_FOUND},
             summary="One entity: aliases, roles, events (a page), quotes (a page), involvement over time")
    def entity(entity_id: str, limit: SubLimit = 100, offset: Offset = 0,
               quotes_limit: Annotated[int, Query(ge=1, le=1000, description="Quotes per page, 1..1000.")] = 50,
               quotes_offset: Offset = 0) -> dict:
        # the counts of every entity when they are kept for this version (else the query counts this one's)
        return found(Q.entity(store, entity_id, limit=limit, offset=offset, quotes_limit=quotes_limit,
                              quotes_offset=quotes_offset, roles_limit=100, counts=memo.fresh("entity counts")),
                     "entity", entity_id)

    @app.get("/api/places/{place_id:path}", tags=["places"], response_class=JSON, responses={**BAD, **NOT_FOUND},
             summary="One place and the events there (a page)")
    def place(place_id: str, limit: SubLimit = 100, offset: Offset = 0) -> dict:
        return found(Q.place(store, place_id, limit=limit, offset=offset), "place", place_id)

    @app.get("/api/documents/{doc_id:path}", tags=["documents"], response_class=JSON, responses=NOT_FOUND,
             summary="A stored article with every annotation (offsets index its text)")
    def document(doc_id: str) -> dict:
        return found(Q.document(store, doc_id), "document", doc_id)

    @app.post("/api/documents", tags=["documents"], status_code=201, response_class=JSON,
              summary="Ingest articles (needs the server's token)",
              responses={200: {"description": "Nothing new was stored (duplicates or failures)"},
                         401: error("Missing or wrong bearer token"),
                         403: error("Read-only server (started without a token)"),
                         413: error(f"Body over {max_body:,} bytes"), **BAD})
    def post_documents(body: Annotated[NewDocument | list[NewDocument], Body()],
                       authorization: Annotated[str | None, Header()] = None) -> dict:
        refused = security.auth_failure(token, authorization)   # (the edge has checked this already)
        if refused:
            raise HTTPException(refused[0], refused[1])
        docs = body if isinstance(body, list) else [body]
        if not docs:
            raise HTTPException(422, "no documents in the request")
        result = ingester.ingest(docs)
        return JSON(result, status_code=201 if result["stored"] else 200)

    # ------------------------------------------------------------------ export
    ex = _export()
    download = {ex.MEDIA_TYPES["csv"]: {"schema": {"type": "string", "description": "ACLED-style CSV"}},
                ex.MEDIA_TYPES["jsonl"]: {"schema": {"type": "string", "description": "JSON Lines, one document a line"}},
                ex.MEDIA_TYPES["geojson"]: {"schema": {
                    "type": "object", "description": "A GeoJSON FeatureCollection of Point features",
                    "required": ["type", "features"],
                    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}}}}}

    @app.get("/api/export", tags=["export"], summary="Download the matching events (csv, geojson or jsonl)",
             response_class=Download, responses={200: {"content": download, "description": "The download"}, **BAD_JSON})
    def export(f: Filters, format: Annotated[Literal[P.FORMATS], Query(description="The file format.")] = "csv"):
        kw = f.kwargs()
        return Download(stream(lambda fh: ex.write(store, format, fh, **kw)), media_type=ex.MEDIA_TYPES[format],
                        headers={"Content-Disposition": f'attachment; filename="sitrep-events.{format}"'})

    # ------------------------------------------------------------------ meta
    @app.get("/api/meta", tags=["meta"], summary="What the store holds, and the event taxonomy", response_class=JSON)
    def meta() -> dict:
        return JSON({"version": __version__, "read_only": not token, "stats": memo.get("stats", store.stats),
                     "taxonomy": taxonomy})

    watch_api.register(app, store)             # GET /api/alerts, /api/watch

    # ------------------------------------------------------------------ docs and the web UI
    @app.get("/docs", include_in_schema=False)
    def docs():
        return HTMLResponse(docs_html, headers={"Content-Security-Policy": docs_csp})

    @app.get("/", include_in_schema=False)
    def index():
        missing = missing_vendor()
        if missing:
            return HTMLResponse(_MISSING.format(files=", ".join(missing)), status_code=503)
        return FileResponse(WEB / "index.html", media_type="text/html")

    app.mount("/static", KeptFiles(directory=WEB), name="static")
    return app


_MISSING = """<!doctype html><meta charset="utf-8"><title>sitrep: web assets missing</title>
<body>
<h1>The web UI's libraries are not installed</h1>
<p>Run <code>make install</code> (it runs <code>npm ci</code> in <code>web/</code> and copies the libraries into
<code>src/sitrep/web/vendor/</code>), then reload this page.</p>
<p>Missing: {files}</p><p>The JSON API works without them: <a href="/docs">/docs</a>.</p></body>"""
