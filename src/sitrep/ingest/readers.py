"""Readers: files, directories and stdin into raw records, or failures that say why.

Formats: `.txt` (any unknown suffix given by name is read as text), `.html/.htm`
(trafilatura keeps the main text, title and date), `.jsonl/.ndjson/.json` (the
contract's input fields), `.csv` (columns text,title,url,source,published; id
optional), directories (recursively, supported suffixes only) and `-` for stdin.
A reader never raises for bad input: it yields a `Failure` naming the file (and
line or row) and the reason, and goes on with the next record.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitrep.model import Failure

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES

DEFAULT_MAX_BYTES = 5_000_000
INPUT_FIELDS = ("id", "text", "title", "url", "source", "published", "language")


@dataclass
class RawRecord:
    """One document as read, before cleaning."""
    origin: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    published_from_html: bool = False


class BadInput(Exception):
    """A record or file that cannot be read; its message is the reason."""


def read_paths(paths: list[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawRecord | Failure]:
    for p in paths:
        yield from read_path(p, max_bytes)


def read_path(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawRecord | Failure]:
    if path == "-":
        yield from _read_stdin(max_bytes)
        return
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                       and not any(part.startswith(".") for part in f.relative_to(p).parts))
        for f in files:
            yield from read_file(f, max_bytes, name=f.relative_to(p).as_posix())
    elif p.exists():
        yield from read_file(p, max_bytes, name=p.name)
    else:
        yield Failure(str(path), "no such file or directory")


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None) -> Iterator[RawRecord | Failure]:
    """Records of one file; a single-document file (text, HTML) takes `name` as its id."""
    origin = str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES or suffix in JSON_SUFFIXES or suffix in CSV_SUFFIXES:
            data = _decode(_read_bytes(path, None), origin)
            if suffix in CSV_SUFFIXES:
                yield from _records_from_csv(data, origin, max_bytes)
            elif suffix in JSON_SUFFIXES and data.lstrip().startswith("["):
                yield from _records_from_json_array(data, origin, max_bytes)
            else:
                yield from _records_from_jsonl(data, origin, max_bytes)
        elif suffix in HTML_SUFFIXES:
            html = _decode(_read_bytes(path, 4 * max_bytes), origin)
            rec = _record_from_html(html, origin, max_bytes)
            rec.meta["id"] = name
            yield rec
        else:
            yield RawRecord(origin, _check_size(_decode(_read_bytes(path, max_bytes), origin), max_bytes),
                            {"id": name})
    except BadInput as e:
        yield Failure(origin, str(e))
    except OSError as e:
        yield Failure(origin, f"cannot read: {e.strerror or e}")


def _read_stdin(max_bytes: int) -> Iterator[RawRecord | Failure]:
    origin = "<stdin>"
    try:
        data = _decode(sys.stdin.buffer.read(), origin)
    except BadInput as e:
        yield Failure(origin, str(e))
        return
    if data.lstrip().startswith("{"):
        yield from _records_from_jsonl(data, origin, max_bytes)
    else:
        try:
            yield RawRecord(origin, _check_size(data, max_bytes))
        except BadInput as e:
            yield Failure(origin, str(e))


# --------------------------------------------------------------------------- bytes and text

def _read_bytes(path: Path, limit: int | None) -> bytes:
    size = path.stat().st_size
    if limit is not None and size > limit:
        raise BadInput(f"too large: {size:,} bytes (limit {limit:,}; see --max-bytes)")
    return path.read_bytes()


def _decode(data: bytes, origin: str) -> str:
    if b"\x00" in data[:8192]:
        raise BadInput("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput(f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} "
                       f"(re-encode the file as UTF-8)") from None


def _check_size(text: str, max_bytes: int) -> str:
    n = len(text.encode("utf-8"))
    if n > max_bytes:
        raise BadInput(f"too large: {n:,} bytes of text (limit {max_bytes:,}; see --max-bytes)")
    return text


# --------------------------------------------------------------------------- structured inputs

def _record_from_mapping(obj: Any, origin: str, max_bytes: int) -> RawRecord:
    if not isinstance(obj, dict):
        raise BadInput(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise BadInput("missing 'text' (a string)" if text is None else f"'text' must be a string, got {type(text).__name__}")
    meta = {}
    for k in INPUT_FIELDS:
        if k == "text":
            continue
        v = obj.get(k)
        if v is not None and not isinstance(v, (str, int)):
            raise BadInput(f"'{k}' must be a string, got {type(v).__name__}")
        meta[k] = str(v) if v is not None and str(v) != "" else None
    return RawRecord(origin, _check_size(text, max_bytes), meta)


def _records_from_jsonl(data: str, origin: str, max_bytes: int) -> Iterator[RawRecord | Failure]:
    for n, line in enumerate(io.StringIO(data), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Failure(where, f"broken JSON: {e.msg} at column {e.colno}")
            continue
        try:
            yield _record_from_mapping(obj, where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))


def _records_from_json_array(data: str, origin: str, max_bytes: int) -> Iterator[RawRecord | Failure]:
    try:
        items = json.loads(data)
    except json.JSONDecodeError as e:
        yield Failure(origin, f"broken JSON: {e.msg} at line {e.lineno} column {e.colno}")
        return
    for n, obj in enumerate(items, start=1):
        where = f"{origin}[{n}]"
        try:
            yield _record_from_mapping(obj, where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))


def _records_from_csv(data: str, origin: str, max_bytes: int) -> Iterator[RawRecord | Failure]:
    csv.field_size_limit(max(max_bytes * 2, 131072))
    reader = csv.DictReader(io.StringIO(data, newline=""))
    if not reader.fieldnames or "text" not in [f.strip() for f in reader.fieldnames]:
        raise BadInput(f"CSV needs a 'text' column; found {reader.fieldnames or 'no header'}")
    while True:
        first_line = reader.line_num + 1   # a quoted field may span lines: name the row's first
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Failure(f"{origin}:{first_line}", f"broken CSV: {e}")
            return
        where = f"{origin}:{first_line}"
        if None in row:
            yield Failure(where, f"row has {len(reader.fieldnames) + len(row[None])} fields, header has {len(reader.fieldnames)}")
            continue
        try:
            yield _record_from_mapping({k.strip(): v for k, v in row.items()}, where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))


def _record_from_html(html: str, origin: str, max_bytes: int) -> RawRecord:
    import trafilatura  # heavy import, only when HTML is read

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True})
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise BadInput("no main text found in the HTML")
    meta = {"title": getattr(doc, "title", None), "url": getattr(doc, "url", None),
            "source": getattr(doc, "sitename", None), "published": getattr(doc, "date", None)}
    return RawRecord(origin, _check_size(text, max_bytes), meta, published_from_html=bool(meta["published"]))


def environ_max_bytes() -> int:
    return int(os.environ.get("SITREP_MAX_BYTES", DEFAULT_MAX_BYTES))
