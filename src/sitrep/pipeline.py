"""The pipeline: a cleaned `SourceDoc` in, an `Extraction` out, spaCy loaded once.

`Pipeline.process` streams documents through `nlp.pipe` in batches and never lets one
bad document stop the rest; `Pipeline.extract` is the one-text convenience behind
`sitrep.extract`. Extractions from `process` index the cleaned text (what the store
keeps); `Extraction.remapped` moves them onto the text as it was given.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sitrep import nlp as nlp_mod
from sitrep.extract.claims import extract_claims
from sitrep.extract.entities import extract_entities
from sitrep.extract.events import extract_events
from sitrep.extract.places import extract_places
from sitrep.extract.quotes import extract_quotes
from sitrep.extract.timexes import extract_timexes
from sitrep.ingest import prepare
from sitrep.ingest.readers import BadInput, RawRecord
from sitrep.model import Extraction, Failure, SourceDoc


class Pipeline:
    """Reusable extractor: `Pipeline().extract(text, published="2025-01-07")`."""

    def __init__(self, model: str = nlp_mod.MODEL, batch_size: int = 32):
        self.model = model
        self.nlp = nlp_mod.load(model)
        self.gazetteer = self.nlp.get_pipe("sitrep_places").gazetteer
        self.batch_size = batch_size

    # ------------------------------------------------------------------ one text
    def extract(self, text: str, published: str | None = None, *, id: str | None = None,
                title: str | None = None, url: str | None = None, source: str | None = None) -> Extraction:
        """Extract one text; offsets index `text` exactly as given. Raises ValueError on bad input."""
        raw = RawRecord("<python>", text, {"id": id, "published": published, "title": title,
                                           "url": url, "source": source})
        try:
            src = prepare(raw)
        except BadInput as e:
            raise ValueError(str(e)) from None
        return self.build(src, nlp_mod.parse(self.nlp, src.text)).remapped(src)

    # ------------------------------------------------------------------ many documents
    def process(self, docs: Iterable[SourceDoc]) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
        """Yield (document, extraction or failure) in input order."""
        batch: list[SourceDoc] = []
        for d in docs:
            batch.append(d)
            if len(batch) >= self.batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, batch: list[SourceDoc]) -> Iterator[tuple[SourceDoc, Extraction | Failure]]:
        try:
            parsed = list(nlp_mod.pipe(self.nlp, (d.text for d in batch)))
        except Exception:  # one document broke the batch: find it, keep the others
            for d in batch:
                yield d, self._one(d)
            return
        for d, sd in zip(batch, parsed):
            try:
                yield d, self.build(d, sd)
            except Exception as e:  # a bug of ours on one document must not stop the batch
                yield d, Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}")

    def _one(self, d: SourceDoc) -> Extraction | Failure:
        try:
            return self.build(d, nlp_mod.parse(self.nlp, d.text))
        except Exception as e:
            return Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}")

    # ------------------------------------------------------------------ the stages on one Doc
    def build(self, src: SourceDoc, doc) -> Extraction:
        """One parsed document's items; each stage may use what the stages before it found."""
        places = extract_places(doc, self.gazetteer)
        entities = extract_entities(doc, src.id, places, src.text)
        timexes = extract_timexes(doc, src.published)
        events = extract_events(doc, src.id, entities, places, timexes, src.published)
        quotes = extract_quotes(doc, src.id, entities, src.text)      # adds unnamed sources to entities
        claims = extract_claims(doc, entities, quotes, timexes, src.published, src.text)
        return Extraction(
            id=src.id, published=src.published, published_source=src.published_source,
            entities=entities, places=places, timexes=timexes, events=events,
            quotes=quotes, claims=claims,
            title=src.title, url=src.url, source=src.source, text=src.text,
            published_evidence=src.published_evidence,
        )
