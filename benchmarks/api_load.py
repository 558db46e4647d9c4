"""API throughput under load: mixed requests at a fixed rate against a real `sitrep serve`
while `sitrep ingest` writes into the same store.

What it measures
    A copy of a 2,000-document store is served by `sitrep serve` (a subprocess on 127.0.0.1,
    `--workers N`); once it answers, `sitrep ingest` starts adding fresh articles to the same
    SQLite file, and once the ingest has stored its first document (it loads its model and
    extracts a first batch before that), so that it commits throughout the measured window, the
    load begins: requests are *scheduled* at a fixed rate (--rate per
    second, open loop) for --duration seconds and sent by a pool of client threads over
    kept-alive connections. The mix is what the web UI and API users ask for: event pages
    with filters (type, country, dates, text, actor, place, sorts, offsets), single events,
    documents, entity lists and pages, places, timelines, /api/meta, the map's 1,000-event page
    and a static file. Each request's latency runs from its scheduled time to the end of its
    response, so a server that falls behind shows it (no coordinated omission). An error is any
    answer that is not 2xx, a refused connection, a timeout (10 s) or a request still unanswered
    10 s after the last one was due. Then the ingest and the server are stopped: the run is
    bounded (duration + 10 s + start-up) and stops by itself. req/s served counts the 2xx answers
    over the scheduled duration (or the time it took, if longer); the ingest's documents/s is
    what it stored during the load (the ingest must keep its pace: it is reported, not slowed).

Data
    Synthetic articles from `benchmarks/synthetic.py` (our own templates, real town names), 2,000
    of them ingested once into ~/.cache/sitrep/bench/ (about 10 minutes; reused afterwards), or
    any store given with --db (it is copied, never changed). The ingest during the run reads
    --ingest-docs further synthetic articles.

How to run
    make bench-api-load
    .venv/bin/python benchmarks/api_load.py [--rate 150] [--duration 60] [--workers 2] [--db STORE]
        [--ingest-docs 600] [--no-ingest | --ingest-only] [--max-staleness SECONDS] [--sitrep PATH/TO/sitrep]
        [--json] [--profile OUT.txt [--py-spy PATH]]
    --ingest-only sends no requests: the ingest's documents/s without the API load, to compare
    with the figure under load. --profile OUT samples the server's processes with py-spy (not a
    dependency of sitrep: `pip install py-spy` anywhere, --py-spy names the executable) over the
    measured window, writes the raw stacks to OUT.raw and the shares of the route handlers and
    the busiest frames to OUT (sampling costs the server some CPU: a profiled run's figures are
    not the benchmark's). The JSON answers' `X-Cache` header gives the share answered from
    the server's memory (see `sitrep serve --max-staleness`).

Target
    150 requests/s held with p95 < 250 ms and 0 errors on the 2-core development machine, the
    ingest running throughout. The last line is the summary.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402

GENERATOR_VERSION = 1
GRACE = 10.0   # seconds after the last scheduled request that answers are still counted
CACHE = Path.home() / ".cache" / "sitrep" / "bench"
BIN = Path(sys.executable).parent


def sitrep_cmd(args) -> list[str]:
    exe = args.sitrep or str(BIN / "sitrep")
    return [exe]


def write_articles(path: Path, n: int, start: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for a in synthetic.articles(n, start=start):
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def base_store(args) -> Path:
    """The 2,000-document store: --db, or the cached synthetic one (built on first use)."""
    if args.db:
        return Path(args.db)
    path = CACHE / f"api-load-{args.documents}-g{GENERATOR_VERSION}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"building the {args.documents}-document store once: {path} (about 10 minutes)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles.jsonl"
        write_articles(src, args.documents, 0)
        part = path.with_suffix(".part.db")
        subprocess.run(sitrep_cmd(args) + ["ingest", str(src), "--db", str(part)], check=True)
        checkpoint(part)
        os.replace(part, path)
        for ext in ("-wal", "-shm"):
            Path(str(part) + ext).unlink(missing_ok=True)
    return path


def checkpoint(db: Path) -> None:
    """Move the store's write-ahead log into its main file, so that the file alone is the store."""
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("select count(*) from documents").fetchone()
        con.execute("pragma wal_checkpoint(truncate)")


def copy_store(src: Path, dst: Path) -> None:
    checkpoint(src)
    shutil.copy(src, dst)


def sample_ids(db: Path, rng: random.Random) -> dict[str, list[str]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        def ids(sql: str) -> list[str]:
            return [r[0] for r in con.execute(sql) if r[0]]

        out = {"events": ids("select id from clusters order by random() limit 400"),
               "documents": ids("select id from documents order by random() limit 400"),
               "entities": ids("select id from canonical_entities order by random() limit 200"),
               "places": ids("select id from canonical_places where geonameid is not null order by random() limit 100"),
               "countries": ids("select distinct country_code from clusters where country_code is not null"),
               "names": ids("select name from canonical_entities where type != 'GPE' order by random() limit 50")}
    finally:
        con.close()
    assert out["events"] and out["documents"], f"{db} holds no events or documents"
    return out


TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
         "Strategic developments"]
WORDS = ["checkpoint", "convoy", "market", "patrol", "village", "soldiers", "drone", "bomb", "police"]


def request_mix(ids: dict[str, list[str]], rng: random.Random):
    """(weight, endpoint name, make path) for the mix of requests."""
    q = urllib.parse.quote

    def events_page():
        p: dict[str, str] = {"limit": "50"}
        for _ in range(rng.choice([0, 1, 1, 2])):
            k = rng.choice(["type", "country", "dates", "q", "actor", "place", "sort", "offset"])
            if k == "type":
                p["type"] = rng.choice(TYPES)
            elif k == "country" and ids["countries"]:
                p["country"] = rng.choice(ids["countries"])
            elif k == "dates":
                m = rng.randrange(1, 13)
                p.update(date_from=f"2024-{m:02d}-01", date_to=f"2024-{m:02d}-28")
            elif k == "q":
                p["q"] = rng.choice(WORDS)
            elif k == "actor" and ids["entities"]:
                p["actor"] = rng.choice(ids["entities"] + ids["names"])
            elif k == "place" and ids["places"]:
                p["place"] = rng.choice(ids["places"])
            elif k == "sort":
                p["sort"] = rng.choice(["date", "-fatalities", "-sources", "-updated_at"])
            elif k == "offset":
                p["offset"] = str(rng.randrange(0, 2000, 50))
        return "/api/events?" + urllib.parse.urlencode(p)

    return [
        (30, "events page", events_page),
        (15, "event", lambda: "/api/events/" + q(rng.choice(ids["events"]), safe=":")),
        (10, "document", lambda: "/api/documents/" + q(rng.choice(ids["documents"]), safe=":")),
        (8, "timeline", lambda: "/api/timeline" + rng.choice(["", "?type=Battles", "?interval=month",
                                                              f"?country={rng.choice(ids['countries'] or ['IQ'])}"])),
        (8, "entities", lambda: "/api/entities?limit=50" + rng.choice(["", "", "&q=" + q(rng.choice(WORDS[:4])),
                                                                       "&sort=-events"])),
        (8, "entity", lambda: "/api/entities/" + q(rng.choice(ids["entities"]), safe=":")),
        (5, "place", lambda: "/api/places/" + q(rng.choice(ids["places"] or ids["entities"]), safe=":")),
        (5, "meta", lambda: "/api/meta"),
        (2, "map (1,000 events)", lambda: "/api/events?limit=1000" + rng.choice(["", "&type=Battles"])),
        (4, "entities for the filter box", lambda: "/api/entities?limit=200"),
        (5, "static file", lambda: rng.choice(["/static/app.js", "/static/style.css", "/"])),
    ]


class Client(threading.Thread):
    """Takes (scheduled time, name, path) jobs; one kept-alive connection; records latency and status."""

    def __init__(self, port: int, jobs: queue.Queue, results: list, lock: threading.Lock, deadline: list):
        super().__init__(daemon=True)
        self.port, self.jobs, self.results, self.lock, self.deadline = port, jobs, results, lock, deadline
        self.conn = None

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            due, name, path = job
            if time.perf_counter() > self.deadline[0]:
                continue   # the run is over: what is still queued stays unanswered
            status = cached = None
            for attempt in range(2):   # a kept-alive connection the server closed: reconnect once
                try:
                    if self.conn is None:
                        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                    self.conn.request("GET", path)
                    resp = self.conn.getresponse()
                    resp.read()
                    status = resp.status
                    cached = resp.getheader("x-cache")
                    if resp.getheader("connection", "").lower() == "close":
                        self.conn.close()
                        self.conn = None
                    break
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                    self.conn = None
                    status = type(e).__name__
                    if attempt:
                        break
                except (OSError, http.client.HTTPException) as e:
                    self.conn = None
                    status = type(e).__name__
                    break
            done = time.perf_counter()
            with self.lock:
                if done <= self.deadline[0]:
                    self.results.append((name, done - due, status, cached))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"sitrep serve exited with {server.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/meta")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("sitrep serve did not answer within 90 s")


def documents_in(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("select count(*) from documents").fetchone()[0]
    finally:
        con.close()


def wait_writing(db: Path, before: int, ingest: subprocess.Popen, timeout: float = 300) -> None:
    """Wait until the ingest has stored its first document (it loads its model and extracts a first
    batch before it writes), so that the whole measured window runs while it commits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ingest.poll() is not None:
            raise SystemExit(f"sitrep ingest exited with {ingest.returncode} before storing anything")
        if documents_in(db) > before:
            return
        time.sleep(0.5)
    raise SystemExit(f"sitrep ingest stored nothing within {timeout:.0f} s")


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group (Linux /proc)."""
    total = 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:   # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def summarise_profile(raw: Path, out: Path, top: int = 25) -> str:
    """Shares of py-spy's samples (raw, collapsed stacks): by route handler, and by innermost frame."""
    import re

    routes: dict[str, int] = defaultdict(int)
    frames: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        names = [re.sub(r" \((.*):\d+\)$", lambda m: " (" + "/".join(m.group(1).split("/")[-2:]) + ")", f)
                 for f in stack.split(";")]
        if names[-1].startswith(("Condition.wait", "Queue.get", "Runner.run")):
            continue      # waiting, not working (the event loop's own C code shows as Runner.run)
        total += int(n)
        route = next((f.split(" ")[0] for f in names if f.startswith("create_app.<locals>.")), "(no route: HTTP, "
                     "middleware, the kept answers)")
        routes[route.replace("create_app.<locals>.", "")] += int(n)
        frames[names[-1]] += int(n)
    lines = [f"{total} samples of working threads"]
    for title, counts in (("by route handler", routes), ("by innermost frame", frames)):
        lines.append(f"-- {title}")
        lines += [f"{100 * v / max(total, 1):5.1f}%  {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:top]]
    out.write_text("\n".join(lines) + "\n")
    return "\n".join(lines[:top])


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def stop(proc: subprocess.Popen | None) -> None:
    """Stop a process started in its own session, and every process it started (worker pools)."""
    if proc is None:
        return
    import signal

    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.5)   # the group's other members get the signal too; give them a moment


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Example: .venv/bin/python benchmarks/api_load.py --rate 150 --duration 60")
    ap.add_argument("--rate", type=float, default=150, help="requests per second, scheduled (default 150)")
    ap.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    ap.add_argument("--workers", type=int, default=2, help="sitrep serve --workers (default 2)")
    ap.add_argument("--db", help="a store to copy and serve (default: the cached synthetic one)")
    ap.add_argument("--documents", type=int, default=2000, help="documents in the synthetic store (default 2000)")
    ap.add_argument("--ingest-docs", type=int, default=600, help="articles the concurrent ingest reads (default 600)")
    ap.add_argument("--no-ingest", action="store_true", help="no ingest during the load")
    ap.add_argument("--ingest-only", action="store_true",
                    help="no requests: the ingest's documents/s alone, for comparing with the figure under load")
    ap.add_argument("--max-staleness", type=float, default=None, metavar="SECONDS",
                    help="sitrep serve --max-staleness (default: sitrep serve's own default)")
    ap.add_argument("--clients", type=int, default=64, help="client threads (default 64)")
    ap.add_argument("--sitrep", help="the sitrep executable to run (default: the one beside this Python)")
    ap.add_argument("--profile", metavar="OUT", help="sample the server with py-spy over the load; summary to OUT")
    ap.add_argument("--py-spy", dest="py_spy", default=shutil.which("py-spy"), help="the py-spy executable")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args()
    if args.profile and not args.py_spy:
        ap.error("--profile needs py-spy (pip install py-spy, or --py-spy PATH)")
    rng = random.Random(args.seed)

    base = base_store(args)
    server = ingest = None
    with tempfile.TemporaryDirectory(prefix="sitrep-api-load-") as tmp:
        db = Path(tmp) / "served.db"
        copy_store(base, db)
        docs_before = documents_in(db)
        ids = sample_ids(db, rng)
        mix = request_mix(ids, rng)
        weights = [w for w, _, _ in mix]
        more = Path(tmp) / "more.jsonl"
        write_articles(more, args.ingest_docs, 1_000_000 + rng.randrange(1000) * 10_000)
        port = free_port()
        cmd = sitrep_cmd(args) + ["serve", "--db", str(db), "--port", str(port)]
        if args.workers > 1:
            cmd += ["--workers", str(args.workers)]
        if args.max_staleness is not None:
            cmd += ["--max-staleness", str(args.max_staleness)]
        log = open(Path(tmp) / "serve.log", "w")
        try:
            server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            wait_ready(port, server)
            if not args.no_ingest:
                ingest = subprocess.Popen(sitrep_cmd(args) + ["ingest", str(more), "--db", str(db)],
                                          stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "ingest.log", "w"),
                                          start_new_session=True)
                wait_writing(db, docs_before, ingest)   # the load starts once the ingest commits documents
            jobs: queue.Queue = queue.Queue()
            results: list = []
            lock = threading.Lock()
            deadline = [float("inf")]
            clients = [Client(port, jobs, results, lock, deadline) for _ in range(args.clients)]
            for c in clients:
                c.start()
            n = 0 if args.ingest_only else int(args.rate * args.duration)
            cpu0 = {"server": group_cpu_seconds(server.pid), "ingest": group_cpu_seconds(ingest.pid) if ingest else 0.0}
            docs_start = documents_in(db)
            if args.profile:
                spy = subprocess.Popen([args.py_spy, "record", "--pid", str(server.pid), "--subprocesses",
                                        "--duration", str(int(args.duration)), "--rate", "100", "--nonblocking",
                                        "-f", "raw", "-o", args.profile + ".raw"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            start = time.perf_counter()
            deadline[0] = start + args.duration + GRACE
            for i in range(n):
                due = start + i / args.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                _, name, make = rng.choices(mix, weights)[0]
                jobs.put((due, name, make()))
            if not n:
                time.sleep(args.duration)
            for _ in clients:
                jobs.put(None)
            for c in clients:
                c.join(timeout=max(0.0, deadline[0] - time.perf_counter()))
            elapsed = min(time.perf_counter(), deadline[0]) - start
            cpu = {"server": group_cpu_seconds(server.pid) - cpu0["server"],
                   "ingest": group_cpu_seconds(ingest.pid) - cpu0["ingest"] if ingest else 0.0}
            ingest_alive = ingest is not None and ingest.poll() is None
            if args.profile:
                spy.wait(60)
            docs_end = documents_in(db)
            with lock:
                done = list(results)
        finally:
            stop(ingest)
            stop(server)
            log.close()
        docs_after = documents_in(db)

    ok = [lat for _, lat, st, _ in done if isinstance(st, int) and 200 <= st < 300]
    kept = [c for _, _, _, c in done if c is not None]     # JSON answers: from the server's memory or computed
    errors = defaultdict(int)
    for _, _, st, _ in done:
        if not (isinstance(st, int) and 200 <= st < 300):
            errors[str(st)] += 1
    errors["unanswered"] = n - len(done)
    errors = {k: v for k, v in errors.items() if v}
    by_name: dict[str, list[float]] = defaultdict(list)
    for name, lat, _, _ in done:
        by_name[name].append(lat)
    report = {
        "offered_rps": args.rate, "served_rps": round(len(ok) / max(elapsed, args.duration), 1), "requests": n,
        "seconds": round(elapsed, 1), "p50_ms": round(pct(ok, 50) * 1000, 1), "p95_ms": round(pct(ok, 95) * 1000, 1),
        "p99_ms": round(pct(ok, 99) * 1000, 1), "max_ms": round(max(ok, default=0) * 1000, 1),
        "errors": sum(errors.values()), "error_kinds": errors, "workers": args.workers,
        "store_documents": docs_before, "ingested_during_run": docs_end - docs_start,
        "ingested_before_load": docs_start - docs_before, "ingested_in_all": docs_after - docs_before,
        "ingest_docs_per_s": round((docs_end - docs_start) / elapsed, 2),
        "ingest_still_running_at_end": ingest_alive,
        "cache_hit_rate": round(kept.count("hit") / len(kept), 3) if kept else None,
        "max_staleness_s": args.max_staleness,
        "server_cpu_ms_per_request": round(cpu["server"] * 1000 / len(done), 2) if done else None,
        "server_cores_used": round(cpu["server"] / elapsed, 2), "ingest_cores_used": round(cpu["ingest"] / elapsed, 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "endpoints": {k: {"n": len(v), "p50_ms": round(statistics.median(v) * 1000, 1),
                          "p95_ms": round(pct(v, 95) * 1000, 1)} for k, v in sorted(by_name.items())},
    }
    if args.profile:
        print(summarise_profile(Path(args.profile + ".raw"), Path(args.profile)), file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{'endpoint':<30}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}")
        for k, v in report["endpoints"].items():
            print(f"{k:<30}{v['n']:>6}{v['p50_ms']:>9.1f}{v['p95_ms']:>9.1f}")
        if errors:
            print("errors:", ", ".join(f"{k}: {v}" for k, v in errors.items()))
        if report["cache_hit_rate"] is not None:
            print(f"JSON answers from the server's memory: {report['cache_hit_rate']:.1%} "
                  f"(--max-staleness {'as sitrep serve sets it' if args.max_staleness is None else args.max_staleness})")
        per = report["server_cpu_ms_per_request"]
        print(f"server CPU {'-' if per is None else per} ms per answered request; cores used: server "
              f"{report['server_cores_used']}, ingest {report['ingest_cores_used']}; load average at the end "
              f"{report['load_average_1min']} on {os.cpu_count()} cores")
    ingest_note = ("no ingest" if args.no_ingest else
                   f"ingest +{report['ingested_during_run']} documents ({report['ingest_docs_per_s']}/s)"
                   f"{', still running at the end' if ingest_alive else ', FINISHED BEFORE THE END'}")
    hits = "" if report["cache_hit_rate"] is None else f", {report['cache_hit_rate']:.0%} of JSON answers kept"
    print(f"api_load: {report['served_rps']} req/s served of {0 if args.ingest_only else args.rate:g} offered, "
          f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, {report['errors']} errors{hits} "
          f"({report['seconds']} s, {docs_before:,}-document "
          f"store, {args.workers} worker{'s' if args.workers != 1 else ''}, {ingest_note})")


if __name__ == "__main__":
    main()
