"""Which memory allocator the ingesting process of a Dask run uses, and the re-execution that sets it.

The client of `sitrep ingest --engine dask` stores and clusters for hours. With Python's own
small-object allocator (pymalloc) its resident memory grows with the corpus although its live
data does not: each document's transient objects are freed, but the 1 MiB arenas they were
carved from stay partly used and cannot be returned (measured in session 27: live data 80 → 83 MB
while arenas went 101 → 128 over 10,000 replayed documents). With the C library's `malloc` for
every object (`PYTHONMALLOC=malloc`) the same run stays flat. The allocator is chosen when the
interpreter starts, so the command line re-executes itself once with that variable set
(`reexec_argv`); the new process then drops the variable (`settle`), so that the Dask workers it
starts, which parse text and gain from pymalloc's speed, start with the default.

A `PYTHONMALLOC` the user set is left alone: `PYTHONMALLOC=pymalloc sitrep ingest … --engine dask`
keeps Python's allocator.
"""
from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Mapping, Sequence

CLIENT_ENV = {"PYTHONMALLOC": "malloc"}
_MARK = "SITREP_CLIENT_ALLOCATOR"


def is_dask_ingest(args: Sequence[str]) -> bool:
    """Whether command-line arguments (without the program name) ask for `ingest --engine dask`."""
    if not args or args[0] != "ingest":
        return False
    rest = list(args[1:])
    if "--" in rest:
        rest = rest[:rest.index("--")]
    for i, a in enumerate(rest):
        if a == "--engine" and i + 1 < len(rest) and rest[i + 1] == "dask":
            return True
        if a == "--engine=dask":
            return True
    return False


def reexec_argv(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[list[str], dict[str, str]] | None:
    """The program and environment to re-execute `argv` with, or None when the process may go on as it is
    (not a Dask ingest, the user chose an allocator, or this is already the re-executed process)."""
    if os.name != "posix" or not is_dask_ingest(argv[1:]) or "PYTHONMALLOC" in environ or _MARK in environ:
        return None
    return [sys.executable, "-m", "sitrep", *argv[1:]], client_environ(environ)


def client_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` for a process that ingests with the client allocator (and calls `settle` first)."""
    return {**environ, **CLIENT_ENV, _MARK: CLIENT_ENV["PYTHONMALLOC"]}


def settle(environ=os.environ) -> str | None:
    """In the re-executed process: forget the variables (child processes start with the default allocator).
    Returns the allocator this process runs with when it was chosen here, else None."""
    chosen = environ.pop(_MARK, None)
    if chosen is not None and environ.get("PYTHONMALLOC") == chosen:
        del environ["PYTHONMALLOC"]
    return chosen


def ensure(argv: Sequence[str] | None = None) -> None:
    """Re-execute this command with the client allocator when it is a Dask ingest (does not return then)."""
    target = reexec_argv(sys.argv if argv is None else argv, os.environ)
    if target is None:
        settle()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    program, env = target
    os.execve(program[0], program, env)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):        # not glibc (musl, …)
        return None


def release() -> bool:
    """Give the C library's free heap memory back to the operating system (glibc's `malloc_trim`).

    Freed memory in the middle of the heap stays in the process until then: a long ingest's
    resident memory would creep up with the corpus although what it holds does not. Called after
    each stored batch; a few milliseconds. Returns False where the C library has no such call."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
