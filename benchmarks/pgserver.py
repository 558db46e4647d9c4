"""A throwaway PostgreSQL server for the benchmarks (Debian's server binaries, as tests/test_postgres.py
starts one): `with throwaway_postgres() as url:` gives a SQLAlchemy URL, or None when the
binaries or psycopg are missing; the server and its files are gone afterwards."""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    found = sorted(root.glob("*/bin"), reverse=True) if root.exists() else []
    return next((b for b in found if (b / "initdb").exists()), None)


@contextlib.contextmanager
def throwaway_postgres():
    bin_ = _bin()
    if bin_ is None or importlib.util.find_spec("psycopg") is None:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="sitrep-bench-pg-"))
    data = root / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    as_user: list[str] = []
    if os.geteuid() == 0:                       # initdb refuses to run as root
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(as_user + [str(bin_ / "initdb"), "-D", str(data), "-A", "trust", "-U", "sitrep"],
                       check=True, capture_output=True)
        subprocess.run(as_user + [str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                                  f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True)
        for _ in range(50):
            if subprocess.run(as_user + [str(bin_ / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "sitrep",
                                         "sitrep"], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        yield f"postgresql+psycopg://sitrep@127.0.0.1:{port}/sitrep"
    finally:
        subprocess.run(as_user + [str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
