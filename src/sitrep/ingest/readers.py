"""Readers: files, directories and stdin into raw records, or failures that say why.

Formats: `.txt` (any unknown suffix given by name is read as text), `.html/.htm`
(trafilatura keeps the main text, title and date), `.jsonl/.ndjson/.json` (the
contract's input fields; a `.json` file may also hold one JSON array), `.csv`
(columns text,title,url,source,published; id optional), directories (recursively,
supported suffixes only) and `-` for stdin.

A reader never raises for bad input: it yields a `Failure` naming the file (and line,
row or array element) and the reason, and goes on with the next record. JSON Lines, CSV
and JSON arrays are streamed (memory holds one record at a time, whatever the file's
size); UTF-8 is expected, and a UTF-16 or UTF-32 file with a byte-order mark is decoded.
File names that are not valid UTF-8 are read, and named with their bytes escaped (`\\xe9`).
"""
from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sitrep.model import Failure, printable

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES

DEFAULT_MAX_BYTES = 5_000_000
INPUT_FIELDS = ("id", "text", "title", "url", "source", "published", "language")
_CHUNK = 1 << 20

# byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))   # each codec reads its mark and drops it


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
        yield from _guarded("<stdin>", _read_stdin(max_bytes))
        return
    for item in files(path):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_file(item[0], max_bytes, name=item[1])


def files(path: str) -> Iterator[tuple[Path, str] | Failure]:
    """The files a path names (itself, or every supported file under a directory, in name order)
    with the name a single-document file takes as its id; failures for what cannot be walked."""
    p = Path(path)
    try:
        is_dir, exists = p.is_dir(), p.exists()
    except OSError as e:
        yield Failure(printable(str(path)), f"cannot read: {e.strerror or e}")
        return
    if is_dir:
        yield from _walk_dir(p)
    elif exists:
        yield p, printable(p.name)
    else:
        yield Failure(printable(str(path)), "no such file or directory")


def _walk_dir(root: Path) -> Iterator[tuple[Path, str] | Failure]:
    """Every supported file under `root` (hidden ones left out), in name order; an unreadable
    folder is a failure of its own and the walk goes on."""
    unreadable: list[OSError] = []
    for here, dirs, names in os.walk(root, onerror=unreadable.append):
        while unreadable:
            e = unreadable.pop()
            yield Failure(printable(e.filename or here), f"cannot read the folder: {e.strerror or e}")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(names):
            fp = Path(here) / f
            if f.startswith(".") or fp.suffix.lower() not in SUPPORTED:
                continue
            if not fp.is_file():        # a pipe or a device would block the walk; a broken link holds nothing
                yield Failure(printable(str(fp)), "not a regular file (a pipe, a device or a broken link)")
                continue
            yield fp, printable(fp.relative_to(root).as_posix())
    for e in unreadable:
        yield Failure(printable(e.filename or str(root)), f"cannot read the folder: {e.strerror or e}")


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None,
              origin: str | None = None) -> Iterator[RawRecord | Failure]:
    """Records of one file; a single-document file (text, HTML) takes `name` as its id. `origin`
    names the file in records and failures (default: the path)."""
    origin = origin or printable(str(path))
    yield from _guarded(origin, _read_file(path, origin, max_bytes, name))


def _guarded(origin: str, items: Iterator[RawRecord | Failure]) -> Iterator[RawRecord | Failure]:
    """The records of one file; whatever goes wrong in reading it becomes one failure naming it."""
    try:
        yield from items
    except BadInput as e:
        yield Failure(origin, str(e))
    except OSError as e:
        yield Failure(origin, f"cannot read: {e.strerror or e}")
    except Exception as e:  # a reader's own bug, or a library's: this file fails, the batch goes on
        yield Failure(origin, f"cannot read: {type(e).__name__}: {e}")


def _read_file(path: Path, origin: str, max_bytes: int, name: str | None) -> Iterator[RawRecord | Failure]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES or suffix in JSON_SUFFIXES or suffix in CSV_SUFFIXES:
        with _open_text(path, newline="" if suffix in CSV_SUFFIXES else "\n") as fh:
            if suffix in CSV_SUFFIXES:
                yield from _records_from_csv(fh, origin, max_bytes)
            elif suffix in JSON_SUFFIXES and _first_char(fh) == "[":
                yield from _records_from_json_array(fh, origin, max_bytes)
            else:
                yield from _records_from_jsonl(fh, origin, max_bytes)
    elif suffix in HTML_SUFFIXES:
        html = _decode(_read_bytes(path, 4 * max_bytes))
        rec = _record_from_html(html, origin, max_bytes)
        rec.meta["id"] = name
        yield rec
    else:
        # up to 4 bytes a character (UTF-32) on disk; the limit is on the text, counted in UTF-8
        yield RawRecord(origin, _check_size(_decode(_read_bytes(path, 4 * max_bytes)), max_bytes), {"id": name})


def _read_stdin(max_bytes: int) -> Iterator[RawRecord | Failure]:
    origin = "<stdin>"
    raw = sys.stdin.buffer
    head = raw.peek(8192)[:8192] if hasattr(raw, "peek") else b""
    encoding, _ = _encoding_of(head)
    fh = _text_stream(raw, encoding, newline="\n")
    try:
        if _first_char(fh) == "{":
            yield from _records_from_jsonl(fh, origin, max_bytes)
        else:
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise BadInput(f"too large: more than {max_bytes:,} characters (limit {max_bytes:,}; see --max-bytes)")
            _check_decoded(data, encoding)
            yield RawRecord(origin, _check_size(data, max_bytes))
    finally:
        fh.detach()       # stdin itself stays open


# --------------------------------------------------------------------------- bytes and text

def _read_bytes(path: Path, limit: int | None) -> bytes:
    size = path.stat().st_size
    if limit is not None and size > limit:
        raise BadInput(f"too large: {size:,} bytes (limit {limit:,}; see --max-bytes)")
    return path.read_bytes()


def _encoding_of(head: bytes) -> tuple[str, str]:
    """The codec and the name of the encoding a file's first bytes call for (a byte-order
    mark, else UTF-8); BadInput for what is not text."""
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return codec, label
    if b"\x00" in head:
        if len(head) >= 4 and head[1::2].count(0) > 0.9 * (len(head) // 2) and head[0::2].count(0) == 0:
            raise BadInput("UTF-16 text without a byte-order mark: re-encode the file as UTF-8 "
                           "(or save it as UTF-16 with a byte-order mark)")
        raise BadInput("binary file (contains NUL bytes), not text")
    return "utf-8", "UTF-8"


def _decode(data: bytes) -> str:
    encoding, label = _encoding_of(data[:8192])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        if label == "UTF-8":
            raise BadInput(f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} "
                           f"(re-encode the file as UTF-8)") from None
        raise BadInput(f"not valid {label} (the byte-order mark says {label}): {e.reason} at offset {e.start}") from None


def _open_text(path: Path, newline: str) -> IO[str]:
    """A text stream over a file: UTF-8, or UTF-16/32 when a byte-order mark says so.
    Undecodable bytes come through as lone surrogates (surrogateescape), so that the one
    line or row that holds them fails and the rest of the file is still read."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    encoding, _ = _encoding_of(head)
    return open(path, encoding=encoding, errors="surrogateescape", newline=newline)


def _text_stream(raw, encoding: str, newline: str) -> IO[str]:
    import io

    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=newline)


def _first_char(fh: IO[str]) -> str:
    """The first character that is not white space, without consuming it from `fh`
    (for a seekable file: reads ahead and seeks back; else peeks into the buffer)."""
    if fh.seekable():
        pos = fh.tell()
        while True:
            chunk = fh.read(4096)
            if not chunk:
                fh.seek(pos)
                return ""
            stripped = chunk.lstrip()
            if stripped:
                fh.seek(pos)
                return stripped[0]
    peek = fh.buffer.peek(4096)[:4096].decode(fh.encoding, errors="ignore") if hasattr(fh, "buffer") else ""
    return peek.lstrip("\ufeff \t\r\n")[:1]


def _check_decoded(text: str, encoding: str, where: str = "") -> None:
    """BadInput when decoding left undecodable bytes behind (as lone surrogates U+DC80-U+DCFF)."""
    try:
        text.encode("utf-8")            # the common case, at C speed: nothing was left behind
        return
    except UnicodeEncodeError as e:
        i = e.start
    ch = text[i]
    if "\udc80" <= ch <= "\udcff":
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        raise BadInput(f"not valid {label}: byte 0x{ord(ch) - 0xDC00:02x} at {where or 'character'} {i + 1}"
                       + (" (re-encode the file as UTF-8)" if label == "UTF-8" else ""))


def _check_size(text: str, max_bytes: int) -> str:
    n = len(text.encode("utf-8", "surrogatepass"))
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
        if v is not None and (not isinstance(v, (str, int)) or isinstance(v, bool)):
            raise BadInput(f"'{k}' must be a string, got {type(v).__name__}")
        meta[k] = str(v) if v is not None and str(v) != "" else None
    return RawRecord(origin, _check_size(text, max_bytes), meta)


def _json_value(s: str) -> Any:
    """json.loads, with the ways it fails on hostile input turned into BadInput."""
    try:
        return json.loads(s)
    except json.JSONDecodeError as e:
        raise BadInput(f"broken JSON: {e.msg} at column {e.colno}") from None
    except RecursionError:
        raise BadInput("JSON nested too deeply") from None
    except ValueError as e:   # e.g. an integer with more digits than Python converts
        raise BadInput(f"unreadable JSON: {e}") from None


def _lines(fh: IO[str], limit: int) -> Iterator[tuple[int, str | None]]:
    """(line number, line) of a text stream; a line longer than `limit` characters is not held
    in memory: it comes as None, and the stream goes on after it."""
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith("\n"):
            while True:
                rest = fh.readline(_CHUNK)
                if not rest or rest.endswith("\n"):
                    break
            yield n, None
        else:
            yield n, line


def _records_from_jsonl(fh: IO[str], origin: str, max_bytes: int, first: int = 1,
                        count: int | None = None) -> Iterator[RawRecord | Failure]:
    """The records of a JSON Lines stream; of `count` lines numbered from `first` when it is one
    part of a file (`read_jsonl_part`)."""
    limit = 6 * max_bytes + 65536       # a line may spell its text with \uXXXX escapes
    seen = count is not None
    for n, line in _lines(fh, limit):
        if count is not None and n > count:
            return
        n += first - 1
        where = f"{origin}:{n}"
        if line is None:
            seen = True
            yield Failure(where, f"too large: a line of more than {limit:,} characters (see --max-bytes)")
            continue
        if not line.strip():
            continue
        seen = True
        try:
            _check_decoded(line, fh.encoding, "column")
            yield _record_from_mapping(_json_value(line), where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))
        except Exception as e:  # whatever else one line does, the next is still read
            yield Failure(where, f"cannot read: {type(e).__name__}: {e}")
    if not seen:
        yield Failure(origin, "no records: the file is empty")


def jsonl_parts(path: Path, lines_per_part: int) -> list[tuple[int, int, int]] | None:
    """Where a UTF-8 JSON Lines file splits into parts of `lines_per_part` lines: (byte offset,
    first line number, lines); None when it is not to be split (another encoding, or one part)."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
        try:
            if _encoding_of(head)[0] not in ("utf-8", "utf-8-sig"):
                return None
        except BadInput:
            return None
        fh.seek(0)
        parts, start, line, n, pos, tail = [], 0, 1, 0, 0, b""
        while chunk := fh.read(_CHUNK):
            i = chunk.find(b"\n")
            while i >= 0:
                n += 1
                if n == lines_per_part:
                    parts.append((start, line, n))
                    start, line, n = pos + i + 1, line + n, 0
                i = chunk.find(b"\n", i + 1)
            pos += len(chunk)
            tail = chunk[-1:]
        if pos > start:
            parts.append((start, line, n + (tail != b"\n")))
    return parts if len(parts) > 1 else None


def read_jsonl_part(path: Path, origin: str, start: int, first: int, count: int,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawRecord | Failure]:
    """The records of `count` lines of a UTF-8 JSON Lines file from byte `start` (line `first`),
    named as when the whole file is read."""
    def records():
        with open(path, "rb") as raw:
            raw.seek(start)
            with _text_stream(raw, "utf-8-sig" if start == 0 else "utf-8", "\n") as fh:
                yield from _records_from_jsonl(fh, origin, max_bytes, first, count)
    yield from _guarded(origin, records())


def _records_from_json_array(fh: IO[str], origin: str, max_bytes: int) -> Iterator[RawRecord | Failure]:
    """The elements of one JSON array, decoded one at a time from a sliding buffer."""
    decoder = json.JSONDecoder()
    buf, pos, eof, n = "", 0, False, 0

    def fill() -> bool:
        nonlocal buf, pos, eof
        chunk = fh.read(max(_CHUNK, len(buf) - pos))      # doubles what is held when an element is long
        buf, pos = buf[pos:] + chunk, 0
        eof = not chunk
        return bool(chunk)

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            if pos < len(buf) or not fill():
                return buf[pos] if pos < len(buf) else ""

    skip_ws()
    pos += 1                                     # the opening '['
    first = True
    while True:
        c = skip_ws()
        if c == "]":
            break
        if not first:
            if c != ",":
                yield Failure(f"{origin}[{n + 1}]", "broken JSON: expected ',' or ']' after an array element; "
                                                    "the rest of the file is not read")
                return
            pos += 1
            c = skip_ws()
        if c == "":
            yield Failure(origin, "broken JSON: the array is not closed")
            return
        first = False
        n += 1
        where = f"{origin}[{n}]"
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as e:
                if not eof and len(buf) - pos <= 6 * max_bytes + 65536 and fill():
                    continue                     # the element may go on past what is read
                reason = "too large" if not eof else f"broken JSON: {e.msg}"
                yield Failure(where, f"{reason}; the rest of the file is not read")
                return
            except RecursionError:
                yield Failure(where, "JSON nested too deeply; the rest of the file is not read")
                return
            except ValueError as e:
                yield Failure(where, f"unreadable JSON: {e}; the rest of the file is not read")
                return
        start, pos = pos, end
        try:
            _check_decoded(buf[start:end], fh.encoding)
            yield _record_from_mapping(obj, where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))
        except Exception as e:
            yield Failure(where, f"cannot read: {type(e).__name__}: {e}")
    if n == 0:
        yield Failure(origin, "no records: the JSON array is empty")


class _QuoteTracker:
    """The lines a CSV reader consumes, counting double quotes since the current row began:
    an odd count means the reader stopped inside a quoted field."""

    def __init__(self, fh: IO[str]):
        self.fh = fh
        self.odd = False
        self.n = 0          # lines read so far

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.fh)
        self.n += 1
        if line.count('"') % 2:
            self.odd = not self.odd
        return line

    def skip_rest_of_field(self) -> None:
        """Read on to the line that closes the open quoted field (and drop the rest of that row)."""
        while self.odd:
            try:
                next(self)
            except StopIteration:
                return


def _records_from_csv(fh: IO[str], origin: str, max_bytes: int) -> Iterator[RawRecord | Failure]:
    field_limit = 2 * max_bytes + 65536       # a text within max_bytes, its quotes doubled
    csv.field_size_limit(field_limit)
    lines = _QuoteTracker(fh)
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as e:
        raise BadInput(f"broken CSV header: {e}") from None
    if not fieldnames:
        raise BadInput("no records: the file is empty")
    if "text" not in [f.strip() for f in fieldnames]:
        raise BadInput(f"CSV needs a 'text' column; found {fieldnames}")
    reader.fieldnames = [f.strip() for f in fieldnames]
    lines.odd = False
    rows = 0
    while True:
        first_line = lines.n + 1   # a quoted field may span lines: name the row's first
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            rows += 1
            over = "larger than field limit" in str(e)
            lines.skip_rest_of_field()
            lines.odd = False
            yield Failure(f"{origin}:{first_line}",
                          f"too large: a field of more than {field_limit:,} characters (see --max-bytes)"
                          if over else f"broken CSV: {e}")
            continue
        lines.odd = False
        rows += 1
        where = f"{origin}:{first_line}"
        if None in row:
            yield Failure(where, f"row has {len(reader.fieldnames) + len(row[None])} fields, header has {len(reader.fieldnames)}")
            continue
        try:
            for v in row.values():
                _check_decoded(v or "", fh.encoding)
            yield _record_from_mapping(row, where, max_bytes)
        except BadInput as e:
            yield Failure(where, str(e))
        except Exception as e:
            yield Failure(where, f"cannot read: {type(e).__name__}: {e}")
    if rows == 0:
        yield Failure(origin, "no records: the CSV file has a header and no rows")


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
