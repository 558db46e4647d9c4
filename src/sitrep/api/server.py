"""Running the app: `serve(db, …)` under uvicorn, in one process or several.

One process serves the routes from a thread pool (the store calls block; SQLite in WAL mode
lets them read while an ingest writes). With `workers` > 1 the listening socket is bound
once here and uvicorn's supervisor starts that many processes on it, each opening the store
itself (`app_from_env`: the database and the token reach them through the environment), so
the API uses more than one core; they share the answers they compute through files in a
directory made for the run (`sitrep.api.shared`), within the staleness bound. uvicorn runs on
uvloop and httptools when they are installed (they are dependencies of sitrep).
"""
from __future__ import annotations

import os

ENV_DB, ENV_TOKEN, ENV_STALENESS = "SITREP_SERVE_DB", "SITREP_SERVE_TOKEN", "SITREP_SERVE_MAX_STALENESS"
ENV_SHARED = "SITREP_SERVE_SHARED"   # the directory of answers the worker processes share (sitrep.api.shared)
MAX_STALENESS = 1.0   # seconds a kept answer may lag the store (see sitrep.api.cache): the default of `sitrep serve`


def app_from_env():
    """The app for one worker process: the store and token named by the environment."""
    from sitrep.api.app import create_app
    from sitrep.store import Store

    return create_app(Store.open(os.environ[ENV_DB]), token=os.environ.get(ENV_TOKEN) or None,
                      max_staleness=float(os.environ.get(ENV_STALENESS) or 0), shared=os.environ.get(ENV_SHARED) or None)


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None, workers: int = 1,
          max_staleness: float = MAX_STALENESS, announce=print) -> None:
    """Serve the API and the web UI over the store at `db` until interrupted; a commit shows in the
    answers at most `max_staleness` seconds later (0: in the next one)."""
    if not max_staleness >= 0:
        raise ValueError(f"max_staleness: {max_staleness} is not a number of seconds >= 0")
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else shown
    mode = "accepting POST /api/documents with the token" if token else "read-only"
    ready = (f"sitrep is serving {db} at http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs; {mode}; "
             f"{workers} worker process{'es' if workers > 1 else ''}; answers at most {max_staleness:g} s behind "
             f"the store; Ctrl+C stops)")
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        os.environ[ENV_DB] = db
        os.environ[ENV_STALENESS] = repr(float(max_staleness))
        if token:
            os.environ[ENV_TOKEN] = token
        else:
            os.environ.pop(ENV_TOKEN, None)
        config = uvicorn.Config("sitrep.api.server:app_from_env", factory=True, host=host, port=port,
                                workers=workers, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
        sock = config.bind_socket()
        announce(ready)
        from sitrep.api.shared import make_dir

        with make_dir() as shared:    # the workers share their answers through files in it (removed at the end)
            os.environ[ENV_SHARED] = os.path.join(shared, "answers")
            Multiprocess(config, sockets=[sock]).run()
        return

    from sitrep.api.app import create_app
    from sitrep.store import Store

    store = Store.open(db)
    config = uvicorn.Config(create_app(store, token=token, max_staleness=max_staleness), host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started:   # bound: now the URL works
                announce(ready)

    try:
        Server(config).run()
    finally:
        store.close()
