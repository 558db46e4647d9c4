"""The web UI's files served from memory: `KeptFiles`, Starlette's `StaticFiles` that keeps each
small file it has served once (its bytes and headers) and answers it again without a thread or a
read: under load a file request no longer waits behind the store's queries for the thread pool.

Paths are resolved by `StaticFiles` itself (the same checks against leaving the directory); a
kept file is checked with one `stat` per request and read again when it changed on disk.
Conditional requests get 304 as before; range requests and files over `max_size` take the
ordinary path.
"""
from __future__ import annotations

import os

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles


class KeptFiles(StaticFiles):
    """StaticFiles that keeps files of at most `max_size` bytes in memory once served."""

    def __init__(self, *args, max_size: int = 1 << 20, **kw):
        super().__init__(*args, **kw)
        self.max_size = max_size
        self.kept: dict[str, tuple[str, tuple[int, int], bytes, dict[str, str]]] = {}

    async def get_response(self, path: str, scope) -> Response:
        request_headers = Headers(scope=scope)
        ranged = "range" in request_headers
        hit = self.kept.get(path)
        if hit is not None and scope["method"] in ("GET", "HEAD") and not ranged:
            full_path, key, body, headers = hit
            try:
                st = os.stat(full_path)
            except OSError:
                st = None
            if st is not None and (st.st_mtime_ns, st.st_size) == key:
                if self.is_not_modified(Headers(headers=headers), request_headers):
                    return NotModifiedResponse(Headers(headers=headers))
                return Response(body, headers=headers)
            self.kept.pop(path, None)
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse) and response.status_code == 200 and not ranged:
            self._keep(path, response)
        return response

    def _keep(self, path: str, response: FileResponse) -> None:
        st = response.stat_result
        if st is None or st.st_size > self.max_size:
            return
        try:
            with open(response.path, "rb") as f:
                body = f.read(self.max_size + 1)
        except OSError:
            return
        if len(body) != st.st_size:   # changed while being read: keep nothing
            return
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        self.kept[path] = (str(response.path), (st.st_mtime_ns, st.st_size), body, headers)
