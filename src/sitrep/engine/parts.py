"""Inputs as partitions that a worker reads by itself: a group of small files, or a range of lines
of a big JSON Lines file. Reading a partition gives the records, named (file, line) exactly as
reading the inputs whole does (`sitrep.ingest.documents`), so failures and ids do not depend on
where the work ran. Paths travel as absolute paths: the workers must see the same files (one
machine, or a shared file system)."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitrep.ingest import DEFAULT_MAX_BYTES, prepare
from sitrep.ingest.readers import JSONL_SUFFIXES, BadInput, files, jsonl_parts, read_file, read_jsonl_part
from sitrep.model import Failure, SourceDoc, printable

SPLIT_BYTES = 256 << 10        # JSON Lines files larger than this are split into line ranges


@dataclass(frozen=True)
class FilePart:
    path: str                  # absolute
    origin: str                # as the user named it (the origin of its records)
    name: str                  # the id of a single-document file


@dataclass(frozen=True)
class LinesPart:
    path: str
    origin: str
    start: int                 # byte offset of its first line
    first: int                 # the number of its first line
    count: int                 # lines


@dataclass(frozen=True)
class Partition:
    items: tuple[FilePart | LinesPart, ...]


def plan(paths: Iterable[str], lines_per_part: int = 50, files_per_part: int = 8,
         ) -> Iterator[Partition | Failure]:
    """The partitions of the inputs, in input order (failures of walking where they occur)."""
    group: list[FilePart] = []
    for path in paths:
        if path == "-":
            yield Failure("<stdin>", "standard input cannot be read by Dask workers (use --engine local, or a file)")
            continue
        for item in files(path):
            if isinstance(item, Failure):
                if group:
                    yield Partition(tuple(group))
                    group = []
                yield item
                continue
            fp, name = item
            origin = printable(str(fp))
            split = None
            if fp.suffix.lower() in JSONL_SUFFIXES:
                try:
                    split = jsonl_parts(fp, lines_per_part) if fp.stat().st_size > SPLIT_BYTES else None
                except OSError:
                    split = None       # reading it whole reports why
            if split:
                if group:
                    yield Partition(tuple(group))
                    group = []
                for start, first, count in split:
                    yield Partition((LinesPart(os.path.abspath(fp), origin, start, first, count),))
                continue
            group.append(FilePart(os.path.abspath(fp), origin, name))
            if len(group) >= files_per_part or fp.suffix.lower() in JSONL_SUFFIXES:
                yield Partition(tuple(group))
                group = []
    if group:
        yield Partition(tuple(group))


def read(part: Partition, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[SourceDoc | Failure]:
    """The documents of one partition (as `sitrep.ingest.documents` gives them)."""
    for item in part.items:
        if isinstance(item, LinesPart):
            raw = read_jsonl_part(Path(item.path), item.origin, item.start, item.first, item.count, max_bytes)
        else:
            raw = read_file(Path(item.path), max_bytes, name=item.name, origin=item.origin)
        for rec in raw:
            if isinstance(rec, Failure):
                yield rec
                continue
            try:
                yield prepare(rec)
            except BadInput as e:
                yield Failure(rec.origin, str(e))
            except Exception as e:  # our bug on one record must not stop the batch
                yield Failure(rec.origin, f"cannot prepare: {type(e).__name__}: {e}")
