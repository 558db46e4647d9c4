"""The event classifier's training corpus (data/training/): ours, complete, and sharing nothing
with the measuring corpora beside the repository."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from importlib import resources

import pytest

from conftest import SHARED
from sitrep.extract.lexicon import taxonomy

FIELDS = {"text", "label", "rule", "country", "style"}


def rows() -> list[dict]:
    out = []
    for f in sorted(resources.files("sitrep.data").joinpath("training").iterdir()):
        if f.name.endswith(".jsonl"):
            out += [json.loads(ln) for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return out


def _words(t: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", t).lower())


def _grams(t: str, n: int = 8) -> set[str]:
    w = _words(t)
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def test_every_row_is_complete_and_labelled_with_an_acled_sub_type_or_none():
    rs = rows()
    labels = set(taxonomy()) | {"none"}
    assert all(set(r) == FIELDS and all(isinstance(r[k], str) and r[k].strip() for k in FIELDS) for r in rs)
    assert {r["label"] for r in rs} == labels


def test_at_least_80_rows_per_sub_type_500_negatives_and_30_countries():
    rs = rows()
    n = Counter(r["label"] for r in rs)
    assert min(n[s] for s in taxonomy()) >= 80 and n["none"] >= 500
    assert len({r["country"] for r in rs}) >= 30
    assert len({" ".join(_words(r["text"])) for r in rs}) == len(rs)     # no duplicates


def test_no_row_shares_an_eight_word_sequence_with_the_measuring_corpora():
    if not (SHARED / "corpus").exists():
        pytest.skip("the shared corpora are not beside the repository")
    theirs: set[str] = set()
    files = [*(SHARED / "corpus").rglob("*.jsonl"), *(SHARED / "corpus").rglob("*.txt"), *(SHARED / "seeds").glob("*")]
    for p in files:
        for line in p.read_text(encoding="utf-8", errors="ignore").splitlines():
            theirs |= _grams(line)
    shared = [(r["text"][:80], sorted(_grams(r["text"]) & theirs)[:1]) for r in rows() if _grams(r["text"]) & theirs]
    assert not shared, shared[:5]


def test_training_is_reproducible():
    """`make train` on the same rows gives the same head (here on 8 rows of each class)."""
    import sys

    import numpy as np

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "training"))
    import train_event_classifier as T

    by_label: dict[str, list] = {}
    for r in T.load_rows():
        by_label.setdefault(r["label"], []).append(r)
    subset = [r for rs in by_label.values() for r in rs[:8]]
    a, b = T.train(subset, verbose=False), T.train(list(subset), verbose=False)
    assert list(a["classes"]) == list(b["classes"]) and len(a["classes"]) == 26
    assert np.allclose(a["W"], b["W"], atol=1e-5) and np.allclose(a["b"], b["b"], atol=1e-5)
    assert float(a["temperature"]) == float(b["temperature"])
