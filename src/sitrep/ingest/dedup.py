"""Duplicates: exact ones by content hash, near ones by MinHash over word shingles.

A document's MinHash signature (datasketch) is cut into bands; two documents that
share any band key are candidates, and a candidate whose estimated Jaccard
similarity reaches the threshold is a near duplicate. Band keys are plain 64-bit
integers, so the index can live in memory (`MemoryIndex`, used by `sitrep extract`)
or in the store's `doc_bands` table (used by `sitrep ingest`), which scales to
corpora that do not fit in memory.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

# datasketch (and the SciPy it loads) is imported where signatures are computed: a process that
# stores or serves them needs neither
if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
BANDS = 32               # 32 bands of 4 rows: candidates from a similarity of about 0.4
SHINGLE = 5              # words per shingle
THRESHOLD = 0.6          # estimated Jaccard similarity of shingles that makes a near duplicate

_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = SHINGLE) -> list[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) <= k:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i:i + k]).encode() for i in range(len(words) - k + 1)]


@functools.lru_cache(maxsize=1)
def _template() -> MinHash:
    """The hash permutations depend only on the seed: drawn once, not per document."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(text: str) -> np.ndarray:
    from datasketch import MinHash

    t = _template()
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=t.permutations, scheme=t.scheme)
    m.update_batch(shingles(text))
    return m.hashvalues.astype(np.uint64)


def band_keys(sig: np.ndarray, bands: int = BANDS) -> list[int]:
    """One signed 64-bit key per band; the band's number is part of the key."""
    rows = len(sig) // bands
    keys = []
    for b in range(bands):
        h = hashlib.blake2b(sig[b * rows:(b + 1) * rows].tobytes(), digest_size=8, person=b"sitrep-lsh",
                            salt=b.to_bytes(2, "little"))
        keys.append(int.from_bytes(h.digest(), "little", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


@dataclass
class Match:
    doc_id: str
    score: float


def best_match(sig: np.ndarray, candidates: Iterable[tuple[str, np.ndarray]],
               threshold: float = THRESHOLD) -> Match | None:
    best = None
    for doc_id, other in candidates:
        s = similarity(sig, other)
        if s >= threshold and (best is None or s > best.score):
            best = Match(doc_id, s)
    return best


class MemoryIndex:
    """Exact and near duplicates among the documents of one run."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.by_hash: dict[str, str] = {}
        self.by_band: dict[int, list[str]] = {}
        self.sigs: dict[str, np.ndarray] = {}

    def exact(self, content_hash: str) -> str | None:
        return self.by_hash.get(content_hash)

    def near(self, sig: np.ndarray) -> Match | None:
        ids = {d for k in band_keys(sig) for d in self.by_band.get(k, ())}
        return best_match(sig, ((d, self.sigs[d]) for d in sorted(ids)), self.threshold)

    def add(self, doc_id: str, content_hash: str, sig: np.ndarray) -> None:
        self.by_hash.setdefault(content_hash, doc_id)
        self.sigs[doc_id] = sig
        for k in band_keys(sig):
            self.by_band.setdefault(k, []).append(doc_id)

    def discard(self, doc_id: str, content_hash: str) -> None:
        """Forget a document (once the store holds it, the store answers for it)."""
        if self.by_hash.get(content_hash) == doc_id:
            del self.by_hash[content_hash]
        sig = self.sigs.pop(doc_id, None)
        if sig is not None:
            for k in band_keys(sig):
                ids = self.by_band.get(k, [])
                if doc_id in ids:
                    ids.remove(doc_id)
                if not ids:
                    self.by_band.pop(k, None)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.sigs
