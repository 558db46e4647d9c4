"""The pipeline: a cleaned `SourceDoc` in, an `Extraction` out, spaCy loaded once.

`Pipeline.process` streams documents through `nlp.pipe` in batches and never lets one
bad document stop the rest; `Pipeline.extract` is the one-text convenience behind
`sitrep.extract`. Extractions from `process` index the cleaned text (what the store
keeps); `Extraction.remapped` moves them onto the text as it was given.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sitrep import config
from sitrep import nlp as nlp_mod
from sitrep.extract.claims import extract_claims
from sitrep.extract.entities import extract_entities
from sitrep.extract.event_types import classify as classify_events
from sitrep.extract.events import extract_events
from sitrep.extract.events import prepare as prepare_events
from sitrep.extract.places import extract_places
from sitrep.extract.quote_events import link_quotes
from sitrep.extract.quotes import extract_quotes
from sitrep.extract.timexes import extract_timexes
from sitrep.ingest import prepare
from sitrep.ingest.readers import BadInput, RawRecord
from sitrep.model import Extraction, Failure, SourceDoc
from sitrep.resolve.seats import place_at_seats


class Pipeline:
    """Reusable extractor: `Pipeline().extract(text, published="2025-01-07")`."""

    def __init__(self, model: str = nlp_mod.MODEL, batch_size: int = 32, countries=None):
        """`countries`: the user's region of interest, ISO alpha-2 codes ("IQ,SY" or ["IQ", "SY"]); by
        default SITREP_COUNTRIES or the config file (`sitrep.config`). Strong evidence, not a filter."""
        self.countries = config.countries(countries)
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
        typings = self._typings(parsed)
        for d, sd, ty in zip(batch, parsed, typings):
            try:
                yield d, self.build(d, sd, ty)
            except Exception as e:  # a bug of ours on one document must not stop the batch
                yield d, Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}")

    @staticmethod
    def _typings(parsed: list) -> list:
        """Each document's passages for the event classifier, classified in one batch (a document
        whose passages cannot be prepared gets None, and is classified alone in `build`)."""
        typings = []
        for sd in parsed:
            try:
                typings.append(prepare_events(sd))
            except Exception:
                typings.append(None)
        try:
            classify_events([t for t in typings if t is not None])
        except Exception:
            return [None] * len(parsed)
        return typings

    def _one(self, d: SourceDoc) -> Extraction | Failure:
        try:
            return self.build(d, nlp_mod.parse(self.nlp, d.text))
        except Exception as e:
            return Failure(d.origin, f"extraction failed: {type(e).__name__}: {e}")

    # ------------------------------------------------------------------ the stages on one Doc
    def build(self, src: SourceDoc, doc, typing=None) -> Extraction:
        """One parsed document's items; each stage may use what the stages before it found.
        `typing`: the document's passages already classified (`_typings`), if they were."""
        places = extract_places(doc, self.gazetteer, self.countries)
        entities = extract_entities(doc, src.id, places, src.text,
                                    skip=[(b.start, b.end) for b in src.byline])   # a byline names no one in the story
        timexes = extract_timexes(doc, src.published)
        events = extract_events(doc, src.id, entities, places, timexes, src.published, typing)
        place_at_seats(events, self.gazetteer)     # province- or country-wide events at the division's seat
        quotes = extract_quotes(doc, src.id, entities, src.text)      # adds unnamed sources to entities
        link_quotes(doc, events, quotes, entities)                    # events get the quotes they rest on
        claims = extract_claims(doc, entities, quotes, timexes, src.published, src.text)
        return Extraction(
            id=src.id, published=src.published, published_source=src.published_source,
            entities=entities, places=places, timexes=timexes, events=events,
            quotes=quotes, claims=claims,
            title=src.title, url=src.url, source=src.source, text=src.text,
            published_evidence=src.published_evidence,
            author=src.author, outlet=src.outlet, byline=list(src.byline),
        )
