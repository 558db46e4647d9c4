"""What the API answers with: JSON bodies (encoded by orjson, straight from the query layer's
dicts), the error shape `{"detail": "message"}` and its OpenAPI entries, and streamed
downloads (`stream(write)`: an export written in a thread, sent as it is written)."""
from __future__ import annotations

import queue
import threading
from typing import Any

import orjson
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from sitrep.store.query import COUNT_CAP


class JSON(JSONResponse):
    """A JSON response encoded by orjson (no second pass over the data)."""

    def render(self, content: Any) -> bytes:
        # (the keys of SQLAlchemy rows are str subclasses, which orjson takes only with this option)
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class Error(BaseModel):
    """Every error: a message that names the parameter or id and says what was expected."""
    detail: str


def error(description: str) -> dict:
    return {"model": Error, "description": description}


BAD = {422: error("A parameter that cannot be used; the message names it")}
# for a route whose own responses are not JSON (a download): its errors still are
BAD_JSON = {422: {"description": BAD[422]["description"],
                  "content": {"application/json": {"schema": Error.model_json_schema()}}}}
NOT_FOUND = {404: error("No such id")}


class EventPage(BaseModel):
    """One page of real-world events."""
    total: int = Field(description=f"How many events match, counted up to {COUNT_CAP:,} (see total_exact)")
    total_exact: bool = Field(description=f"False when more than {COUNT_CAP:,} events match: total is then "
                                          f"{COUNT_CAP:,} and means at least that many (counting every match of "
                                          "a broad filter over a million events would cost more than the page)")
    limit: int
    offset: int
    next: str | None = Field(description="Pass as `after` for the page after this one (null on the last page): "
                                         "keyset paging, as fast deep in the results as at the start")
    items: list[dict[str, Any]]


EVENT_PAGE = {200: {"model": EventPage, "description": "One page of events, with the total and the next cursor"}}


class Download(StreamingResponse):
    """A streamed export (its media type is set per format)."""
    media_type = "text/csv"


class _QueueWriter:
    """A text file handle whose writes become chunks of a bounded queue (for streaming)."""
    def __init__(self, q: queue.Queue, cancelled: threading.Event, size: int = 1 << 16):
        self.q, self.cancelled, self.size, self.buf = q, cancelled, size, []
        self.n = 0

    def write(self, s: str) -> int:
        if self.cancelled.is_set():
            raise BrokenPipeError("client went away")
        self.buf.append(s)
        self.n += len(s)
        if self.n >= self.size:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.buf:
            self._put("".join(self.buf).encode("utf-8"))
            self.buf, self.n = [], 0

    def _put(self, item) -> None:
        while not self.cancelled.is_set():
            try:
                self.q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("client went away")


_END = object()


class _Failed:
    def __init__(self, exc: Exception):
        self.exc = exc


def stream(write):
    """Run `write(fh)` in a thread and return an iterator over what it writes, as it goes.

    Waits for the first chunk, so an error raised before any output (a bad filter)
    is raised here and becomes an ordinary JSON error instead of a broken download."""
    q: queue.Queue = queue.Queue(maxsize=16)
    cancelled = threading.Event()

    def run():
        fh = _QueueWriter(q, cancelled)
        try:
            write(fh)
            fh.flush()
            fh._put(_END)
        except BrokenPipeError:
            return
        except Exception as e:
            try:
                fh._put(_Failed(e))
            except BrokenPipeError:
                return

    threading.Thread(target=run, daemon=True, name="sitrep-export").start()
    first = q.get()
    if isinstance(first, _Failed):
        cancelled.set()
        raise first.exc

    def chunks():
        item = first
        try:
            while item is not _END:
                if isinstance(item, _Failed):   # the response has started: say so at its end
                    yield f"\n# export failed: {type(item.exc).__name__}: {item.exc}\n".encode()
                    return
                yield item
                item = q.get()
        finally:
            cancelled.set()

    return chunks()
