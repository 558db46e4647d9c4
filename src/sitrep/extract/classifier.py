"""The event classifier: which ACLED sub-event type (or none) a passage reports, as a probability.

A logistic-regression head, trained by `make train` (`training/train_event_classifier.py`) on
the corpus we wrote (`data/training/`), over two kinds of features of a passage (a sentence
and the one after it in its paragraph):

* its `sitrep.nlp.encoder` embedding (all-MiniLM-L6-v2, 384 numbers: the mean of its
  sentences' embeddings, weighted by their length, so that each sentence is embedded once),
  which reads meaning;
* which sub-types the trigger lexicon (`sitrep.extract.triggers`) finds in it, one bit each
  (weighted by `LEX_WEIGHT`), which keeps the head anchored to the words and grammar that
  report events when the topic misleads the embedding.

Probabilities are calibrated by one temperature fitted on cross-validated logits. The
weights are `data/event_classifier.npz`, loaded once per process. The decision that
combines these probabilities with the lexicon and the codebook is `sitrep.extract.event_types`.
"""
from __future__ import annotations

import functools
import json
from contextlib import nullcontext
from importlib import resources

import numpy as np

from sitrep.extract.lexicon import taxonomy

NONE = "none"
LEX_WEIGHT = 0.5


@functools.lru_cache(maxsize=1)
def lexicon_columns() -> tuple[str, ...]:
    return tuple(sorted(taxonomy()))


def lexicon_vector(subs) -> np.ndarray:
    """The lexicon features of a passage from the sub-types of the triggers found in it."""
    cols = lexicon_columns()
    v = np.zeros(len(cols) + 1, dtype=np.float32)
    for s in subs:
        v[cols.index(s)] = LEX_WEIGHT
    v[-1] = LEX_WEIGHT if subs else 0.0
    return v


class EventClassifier:
    def __init__(self, path=None):
        where = nullcontext(path) if path else resources.as_file(
            resources.files("sitrep.data").joinpath("event_classifier.npz"))
        with where as p, np.load(p) as z:
            self.W = z["W"].astype(np.float32)
            self.b = z["b"].astype(np.float32)
            self.classes: list[str] = [str(c) for c in z["classes"]]
            self.temperature = float(z["temperature"])
            self.fingerprint = str(z["fingerprint"])
            self.figures = json.loads(str(z["figures"]))
        self.index = {c: i for i, c in enumerate(self.classes)}

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities for feature rows (embedding, then lexicon bits)."""
        z = (X @ self.W.T + self.b) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def classify(self, sentences: list[str], passages: list[list[int]], lexicon_subs: list) -> np.ndarray:
        """Class probabilities for passages (each a list of indices into `sentences`, which are
        embedded once each), given the lexicon's sub-types found in each passage."""
        if not passages:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        emb = passage_embeddings(sentences, passages)
        lex = np.vstack([lexicon_vector(s) for s in lexicon_subs])
        return self.proba(np.hstack([emb, lex]))


def passage_embeddings(sentences: list[str], passages: list[list[int]], vectors: np.ndarray | None = None) -> np.ndarray:
    """A passage's embedding: the mean of its sentences' embeddings weighted by their length in
    words, made unit length again (each sentence is embedded once, however many passages hold it)."""
    from sitrep.nlp.encoder import encoder

    if vectors is None:
        vectors = encoder().encode(sentences)
    weights = np.array([max(1, len(s.split())) for s in sentences], dtype=np.float32)
    out = np.zeros((len(passages), vectors.shape[1]), dtype=np.float32)
    for k, idx in enumerate(passages):
        v = (vectors[idx] * weights[idx, None]).sum(axis=0)
        out[k] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


@functools.lru_cache(maxsize=1)
def classifier() -> EventClassifier:
    """The process's classifier, loaded on first use."""
    return EventClassifier()
