"""POST /api/documents: articles sent as JSON go through the ordinary ingest run.

The records are written to a temporary JSON Lines file and handed to
`sitrep.batch.ingest`, so they are read, cleaned, dated, deduplicated, extracted
and stored exactly as `sitrep ingest` would do it. The spaCy pipeline is loaded on
the first request (or passed in), and one lock keeps ingests one at a time.
"""
from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from sitrep import batch
from sitrep.ingest import documents
from sitrep.model import Failure
from sitrep.store import Store


class NewDocument(BaseModel):
    """One article to ingest."""
    id: str | None = Field(None, description="Stable id; default: the first 16 hex digits of the sha256 of the "
                           "normalised text.", examples=["wire-2025-03-04-dez"])
    text: str = Field(..., min_length=1, description="The article's text.")
    title: str | None = None
    url: str | None = None
    source: str | None = Field(None, examples=["Example Wire"])
    published: str | None = Field(None, description="ISO date or datetime.", examples=["2025-03-04"])
    language: str | None = None


class Ingester:
    def __init__(self, store: Store, pipeline=None):
        self.store = store
        self._pipeline = pipeline
        self._lock = threading.Lock()

    def pipeline(self):
        if self._pipeline is None:
            from sitrep.pipeline import Pipeline
            self._pipeline = Pipeline()
        return self._pipeline

    def ingest(self, docs: list[NewDocument]) -> dict[str, Any]:
        with self._lock, tempfile.TemporaryDirectory(prefix="sitrep-api-") as tmp:
            path = Path(tmp) / "posted.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                for d in docs:
                    fh.write(json.dumps(d.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
            # the ids the records will get (the reader assigns them; reading twice is cheap)
            ids = [None if isinstance(item, Failure) else item.id for item in documents([str(path)])]
            summary = batch.ingest([str(path)], self.store, self.pipeline())
        result = summary.as_dict()
        for f in result["failures"]:   # "…/sitrep-api-xyz/posted.jsonl:2" → "document 2"
            line = f["origin"].rsplit(":", 1)[-1]
            f["origin"] = f"document {line}" if line.isdigit() else "request"
        result["ids"] = [i for i in ids if i is not None]
        return result
