"""A throwaway PostgreSQL server on 127.0.0.1 (Debian's server binaries), for the tests and the
benchmarks alike: `tests/test_postgres.py` (its `pg_url` fixture) and `benchmarks/api.py` both
start theirs here (the tests import it as they import `fuzz`, from this folder).

    reason = missing()                    # None, or why no server can be started here
    with throwaway_postgres() as url:     # a SQLAlchemy URL; None when `missing()` says why
        ...

The server runs as the `postgres` user when we are root (initdb refuses root), trusts local
connections, lives in a temporary folder outside pytest's (the postgres user must reach it),
and is stopped and removed afterwards, whatever happened inside.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path("/usr/lib/postgresql")


def server_bin() -> Path | None:
    """The newest installed server's bin folder (with initdb), or None."""
    found = sorted(ROOT.glob("*/bin"), reverse=True) if ROOT.exists() else []
    return next((b for b in found if (b / "initdb").exists()), None)


def missing() -> str | None:
    """Why a throwaway server cannot be started here, or None when it can."""
    if server_bin() is None:
        return "PostgreSQL server binaries are not installed (apt-get install postgresql, or make postgres)"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(what: str, cmd: list[str]) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A fresh server with an empty database `sitrep` owned by user `sitrep`: its SQLAlchemy URL
    (None when `missing()` gives a reason). Stopped and deleted on exit."""
    if missing():
        yield None
        return
    bin_ = server_bin()
    root = Path(tempfile.mkdtemp(prefix="sitrep-pg-"))
    data, port = root / "data", _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:                       # initdb refuses to run as root
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    started = False
    try:
        _run("initdb", as_user + [str(bin_ / "initdb"), "-D", str(data), "-A", "trust", "-U", "sitrep"])
        _run("pg_ctl start", as_user + [str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                                        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"])
        started = True
        for _ in range(50):
            if subprocess.run(as_user + [str(bin_ / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "sitrep",
                                         "sitrep"], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"createdb: the server on port {port} did not accept the database within 10 s")
        yield f"postgresql+psycopg://sitrep@127.0.0.1:{port}/sitrep"
    finally:
        if started:
            subprocess.run(as_user + [str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
