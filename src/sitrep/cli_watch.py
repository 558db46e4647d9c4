"""The command line of watching: `sitrep watch SOURCES` (rounds, `--status`) and `sitrep alert add|list|remove`.

Adds its commands to the main typer app of `sitrep.cli` (which imports this module at its end) and
shares its options and consoles.
"""
from __future__ import annotations

import json
import re
import signal
import threading
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sitrep.cli import (
    ACTOR,
    BBOX,
    COUNTRIES,
    COUNTRY,
    DB,
    DFROM,
    DTO,
    MAX_BYTES,
    NEAR,
    PLACE,
    SOURCE,
    SUBTYPES,
    TEXT,
    TYPES,
    _filters,
    _open_store,
    _set_countries,
    app,
    err,
    out,
)
from sitrep.ingest.readers import DEFAULT_MAX_BYTES

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """"15m", "1h", "90s", "2d" or a number of seconds → seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value or "")
    if not m or float(m.group(1)) <= 0:
        raise typer.BadParameter(f"{value!r} is not a duration like 90s, 15m, 1h or 2d")
    return float(m.group(1)) * _UNITS[m.group(2) or "s"]


def _print_status(st: dict) -> None:
    t = Table("source", "kind", "last success", "items", "stored", "waiting", "failing", "errors", "last error",
              title=f"sitrep watch: {len(st['sources'])} sources, {st['rounds']} rounds", title_justify="left")
    for s in st["sources"]:   # (plain Text cells: names, URLs and reasons are never read as markup)
        t.add_row(Text(s["name"] or s["url"]), s["kind"] or "?", (s["last_success"] or "never")[:19], str(s["items"]),
                  str(s["stored"]), str(s["pending"]), str(s["failed_items"]), str(s["errors"]),
                  Text(s["last_error"] or ""))
    out.print(t)
    r = st["last_round"]
    if r:
        out.print(f"Last round {r['id']}: started {r['started_at'][:19]}, "
                  f"{'finished ' + r['finished_at'][:19] if r['finished_at'] else 'did not finish'}; "
                  f"{r['sources']} sources, {r['new_items']} new items, {r['stored']} stored, "
                  f"{r['duplicates']} duplicates, {r['failed']} failed")
    if st["failures"]:
        f = Table("article", "reason", "tries", "status", title="Failing articles", title_justify="left")
        for x in st["failures"]:
            f.add_row(Text(x["url"]), Text(x["last_error"] or ""), str(x["attempts"]), x["status"])
        out.print(f)


def watch(sources_file: Annotated[str | None, typer.Argument(help="The sources file: one feed, sitemap or article "
                                                                  "URL per line.", show_default=False)] = None,
          db: DB = "sitrep.db",
          every: Annotated[str, typer.Option("--every", help="Time between rounds: 90s, 15m, 1h…")] = "15m",
          once: Annotated[bool, typer.Option("--once", help="One round over every source now, then exit.")] = False,
          status: Annotated[bool, typer.Option("--status", help="Show each source's last success, items and "
                                                                "errors, and the last round; fetch nothing.")] = False,
          delay: Annotated[float, typer.Option("--delay", help="Seconds between two requests to one host "
                                                               "(robots.txt's Crawl-delay if longer).")] = 1.0,
          timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a connection or data.")]
          = 20.0,
          retries: Annotated[int, typer.Option("--retries", help="Tries again on 429 and 5xx, with backoff.")] = 2,
          backoff: Annotated[float, typer.Option("--backoff", help="First backoff in seconds (doubles).")] = 2.0,
          max_attempts: Annotated[int, typer.Option("--max-attempts", help="Rounds an article is tried before "
                                                                           "sitrep gives up on it.")] = 5,
          batch_size: Annotated[int, typer.Option("--batch", min=1, help="Articles fetched before each "
                                                                         "extraction and store write.")] = 8,
          hosts: Annotated[int, typer.Option("--hosts", min=1, max=32, help="Hosts fetched from at once (each "
                                                                           "host's requests stay one at a time).")]
          = 4,
          user_agent: Annotated[str | None, typer.Option("--user-agent", help="User-Agent (default names sitrep; "
                                                                              "add a contact).")] = None,
          max_page_bytes: Annotated[int, typer.Option("--max-page-bytes", help="Refuse answers (pages, feeds) "
                                                                               "bigger than this (bytes).")]
          = 10_000_000,
          max_bytes: MAX_BYTES = DEFAULT_MAX_BYTES, countries: COUNTRIES = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print each round's summary (or the status) as "
                                                               "JSON.")] = False) -> None:
    """Follow feeds, sitemaps and article URLs: each round ingests the articles not seen before, then delivers alerts.

    Polite (robots.txt, one request at a time with a delay per host, a User-Agent naming sitrep) and
    resumable: what was seen, fetched and failed is kept in the store, so a restart never ingests
    an article twice. Failures are recorded with their reason and tried again in later rounds.
    """
    from sitrep.store import Store
    from sitrep.store import watch as W
    from sitrep.watch import alerts as A
    from sitrep.watch import rounds as R
    from sitrep.watch import sources as SRC
    from sitrep.watch.fetch import USER_AGENT, Fetcher

    if status:
        with _open_store(db) as store:
            st = W.status(store)
        if as_json:
            out.print_json(data=st)
        else:
            _print_status(st)
        return
    if sources_file is None:
        err.print("[red]Give a sources file[/] (or --status)")
        raise typer.Exit(2)
    seconds = parse_duration(every)
    try:
        sources = SRC.read(sources_file)
    except SRC.SourcesError as e:
        err.print(f"[red]{escape(str(e))}[/]")
        raise typer.Exit(2) from None
    _set_countries(countries)
    loaded = []

    def pipeline_of():
        if not loaded:
            with err.status("Loading the spaCy model…"):
                from sitrep.pipeline import Pipeline
                loaded.append(Pipeline())
        return loaded[0]

    def progress(phase: str, url: str, outcome: str) -> None:
        if phase == "articles":
            err.print(f"[bold]{outcome}[/] articles to fetch")
        else:
            colour = "red" if outcome.startswith("failed") else "green"
            err.print(f"  {phase} [{colour}]{escape(outcome)}[/] {escape(url)}", soft_wrap=True, highlight=False)

    from urllib.parse import urlsplit

    if threading.current_thread() is threading.main_thread():
        # Ctrl+C or `kill -INT` stops the loop even when a parent started it with SIGINT ignored
        # (a background job of a script, some test runners and supervisors)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    fetcher = Fetcher(user_agent=user_agent or USER_AGENT, delay=delay, timeout=timeout, retries=retries,
                      backoff=backoff, max_bytes=max_page_bytes,
                      trusted_hosts={urlsplit(s.url).hostname or "" for s in sources})
    deliverer = A.Deliverer(printer=lambda p: out.print_json(data=p))
    first = True
    try:
        with Store.open(db) as store:
            while True:
                err.print(f"[bold]Round[/] over {len(sources)} sources → {escape(db)}")
                s = R.run_round(store, sources, fetcher, pipeline_of, every=seconds, force=once or first,
                                max_attempts=max_attempts, batch_size=batch_size, max_bytes=max_bytes,
                                hosts=hosts, progress=progress)
                first = False
                report = A.run(store, deliverer)
                if as_json:
                    print(json.dumps({**s.as_dict(), "alerts": report}, ensure_ascii=False), flush=True)
                else:
                    err.print(f"[green]Round {s.round_id} done[/]: {s.sources} sources fetched "
                              f"({s.sources_failed} failed), {s.new_items} new items, {s.stored} stored, "
                              f"{s.duplicates} duplicates, {s.failed} failed"
                              + "".join(f"; alert {k}: {v['delivered']} delivered"
                                        + (f" ([red]{escape(v['error'])}[/])" if v["error"] else "")
                                        for k, v in report.items()))
                if once:
                    break
                R.sleep(R.seconds_to_next(store, sources, seconds))
    except KeyboardInterrupt:
        err.print("[yellow]Stopped[/] (the next run resumes where this one stopped)")
    finally:
        fetcher.close()
        deliverer.close()


alert_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                        help="Saved alerts: events matching filters, delivered after each watch round.")


@alert_app.command("add", epilog="Example: [bold]sitrep alert add ninewa-deaths --country IQ --place Ninawa "
                                 "--min-fatalities 3 --webhook http://127.0.0.1:9000/hook --db sitrep.db[/]")
def alert_add(name: Annotated[str, typer.Argument(help="A name for the alert.")], db: DB = "sitrep.db",
              type: TYPES = None, sub_type: SUBTYPES = None, actor: ACTOR = None, place: PLACE = None,
              country: COUNTRY = None, bbox: BBOX = None, near: NEAR = None, date_from: DFROM = None,
              date_to: DTO = None, source: SOURCE = None, text: TEXT = None,
              min_fatalities: Annotated[int | None, typer.Option("--min-fatalities", min=0,
                                                                 help="At least this many killed.")] = None,
              print_: Annotated[bool, typer.Option("--print", help="Print each event as JSON (the default).")]
              = False,
              jsonl: Annotated[str | None, typer.Option("--jsonl", help="Append each event to this JSON Lines "
                                                                        "file.")] = None,
              webhook: Annotated[str | None, typer.Option("--webhook", help="POST each event as JSON to this "
                                                                            "URL.")] = None,
              backfill: Annotated[bool, typer.Option("--backfill", help="Also deliver the matching events "
                                                                        "already stored.")] = False) -> None:
    """Save an alert: after each `sitrep watch` round, new or changed events that match are delivered once."""
    from sitrep.store import Store
    from sitrep.store import watch as W
    from sitrep.watch import alerts as A

    filters = {**_filters(type, sub_type, actor, place, country, bbox, near, date_from, date_to, source, text),
               "min_fatalities": min_fatalities}
    with Store.open(db) as store:
        try:
            deliver = A.parse_deliver(print_, jsonl, webhook)
            kept = A.check_filters(store, filters)
        except ValueError as e:
            err.print(f"[red]{escape(str(e))}[/]")
            raise typer.Exit(2) from None
        if any(a["name"] == name for a in W.alerts(store)):
            err.print(f"[red]An alert {escape(repr(name))} exists already[/] (sitrep alert remove {escape(name)})")
            raise typer.Exit(2)
        W.add_alert(store, name, kept, deliver, since="" if backfill else None)
    err.print(f"[green]Saved alert[/] {escape(name)}: {escape(json.dumps(kept, ensure_ascii=False))} → "
              f"{escape(deliver)}")


@alert_app.command("list", epilog="Example: [bold]sitrep alert list --db sitrep.db[/]")
def alert_list(db: DB = "sitrep.db",
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The saved alerts: filters, delivery, events delivered so far."""
    from sitrep.store import watch as W

    with _open_store(db) as store:
        rows = W.alerts(store)
    if as_json:
        out.print_json(data=rows)
        return
    t = Table("name", "filters", "delivery", "delivered", "checked", title=f"{len(rows)} alerts", title_justify="left")
    for a in rows:
        t.add_row(Text(a["name"]), Text(json.dumps(a["filters"], ensure_ascii=False)), Text(a["deliver"]),
                  str(a["delivered"]), (a["checked_at"] or "")[:19])
    out.print(t)


@alert_app.command("run", epilog="Example: [bold]sitrep alert run --db sitrep.db[/]  (after `sitrep ingest`, "
                                 "or from cron)")
def alert_run(db: DB = "sitrep.db",
              as_json: Annotated[bool, typer.Option("--json", help="Print what was delivered as JSON.")] = False
              ) -> None:
    """Deliver now what `sitrep watch` delivers after each round: each alert's new or changed matching events."""
    from sitrep.watch import alerts as A

    deliverer = A.Deliverer(printer=lambda p: out.print_json(data=p))
    try:
        with _open_store(db) as store:
            report = A.run(store, deliverer)
    finally:
        deliverer.close()
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    for name, r in report.items():
        err.print(f"alert {escape(name)}: {r['delivered']} delivered"
                  + (f" ([red]{escape(r['error'])}[/])" if r["error"] else ""))
    raise typer.Exit(1 if any(r["error"] for r in report.values()) else 0)


@alert_app.command("remove", epilog="Example: [bold]sitrep alert remove ninewa-deaths --db sitrep.db[/]")
def alert_remove(name: Annotated[str, typer.Argument(help="The alert's name.")], db: DB = "sitrep.db") -> None:
    """Remove a saved alert and its delivery log."""
    from sitrep.store import watch as W

    with _open_store(db) as store:
        if not W.remove_alert(store, name):
            err.print(f"[red]No alert {escape(repr(name))}[/]")
            raise typer.Exit(2)
    err.print(f"[green]Removed alert[/] {escape(name)}")


app.command(epilog="Example: [bold]sitrep watch sources.txt --db sitrep.db --every 15m[/]  ·  "
                   "[bold]sitrep watch sources.txt --once[/]  ·  [bold]sitrep watch --status[/]")(watch)
app.add_typer(alert_app, name="alert")
