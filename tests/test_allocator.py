"""The Dask ingest's client re-executes itself with the C library's malloc; nothing else does."""
import os
import subprocess
import sys

import pytest

from sitrep.engine import allocator


@pytest.mark.parametrize("args, dask", [
    (["ingest", "a.jsonl", "--engine", "dask"], True),
    (["ingest", "--engine=dask", "a.jsonl", "--db", "x.db"], True),
    (["ingest", "a.jsonl"], False),
    (["ingest", "a.jsonl", "--engine", "local"], False),
    (["ingest", "--", "--engine", "dask"], False),          # file names after --, not options
    (["extract", "a.jsonl", "--engine", "dask"], False),
    ([], False),
])
def test_which_commands_are_a_dask_ingest(args, dask):
    assert allocator.is_dask_ingest(args) is dask


def test_a_dask_ingest_reexecutes_with_malloc_once():
    argv = ["/usr/bin/sitrep", "ingest", "feed.jsonl", "--engine", "dask", "--db", "s.db"]
    program, env = allocator.reexec_argv(argv, {"HOME": "/h"})
    assert program == [sys.executable, "-m", "sitrep", "ingest", "feed.jsonl", "--engine", "dask", "--db", "s.db"]
    assert env["PYTHONMALLOC"] == "malloc" and env["HOME"] == "/h"
    assert allocator.reexec_argv(argv, env) is None                  # the re-executed process goes on


def test_the_users_choice_and_other_commands_are_left_alone():
    argv = ["sitrep", "ingest", "f", "--engine", "dask"]
    assert allocator.reexec_argv(argv, {"PYTHONMALLOC": "pymalloc"}) is None
    assert allocator.reexec_argv(["sitrep", "serve", "--db", "s.db"], {}) is None


def test_settle_gives_child_processes_the_default_allocator():
    env = allocator.client_environ({"PATH": "/bin"})
    assert allocator.settle(env) == "malloc"
    assert env == {"PATH": "/bin"}
    user = {"PYTHONMALLOC": "debug"}
    assert allocator.settle(user) is None and user == {"PYTHONMALLOC": "debug"}


def test_the_command_line_survives_the_reexecution(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONMALLOC"}
    out = subprocess.run([sys.executable, "-m", "sitrep", "ingest", "--engine", "dask", "--help"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--scheduler" in out.stdout
    # a bad input is still reported by name, after the re-execution, and nothing is stored
    missing = tmp_path / "no-such-feed.jsonl"
    out = subprocess.run([sys.executable, "-m", "sitrep", "ingest", str(missing), "--engine", "dask",
                          "--workers", "1", "--db", str(tmp_path / "s.db"), "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert "no-such-feed.jsonl" in out.stdout + out.stderr


def test_the_reexecuted_process_runs_with_malloc(tmp_path):
    """The variable reaches the new interpreter (CPython's pymalloc statistics are empty under malloc)."""
    probe = "import sys; sys._debugmallocstats()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONMALLOC"}
    default = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    chosen = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env=allocator.client_environ(env))
    assert "arenas" in default.stderr
    assert "arenas" not in chosen.stderr


def test_free_heap_memory_goes_back_where_the_c_library_allows():
    import platform

    assert allocator.release() is (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")
