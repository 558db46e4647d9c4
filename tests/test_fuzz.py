"""Fuzzing `sitrep.extract` on a time budget: mutated article texts and publication dates from a
seed (`benchmarks/fuzz.py` generates them; `benchmarks/fuzz.py --n 50000` is the long run).

For every input `sitrep.extract` returns an Extraction or raises ValueError, and every span of the
result quotes the text at its offsets. The seed changes daily (SITREP_FUZZ_SEED fixes it); a failure
prints it, with the command that replays each failing input.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time

import sitrep
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import fuzz  # noqa: E402

BUDGET_S = float(os.environ.get("SITREP_FUZZ_SECONDS", 50))
MIN_INPUTS = 100


def test_fuzzed_inputs_extract_or_are_refused_and_every_span_holds(pipeline):
    seed = int(os.environ.get("SITREP_FUZZ_SEED", dt.date.today().strftime("%Y%m%d")))
    tally = fuzz.Tally()
    t0 = time.perf_counter()
    i = 0
    while i < MIN_INPUTS or time.perf_counter() - t0 < BUDGET_S:
        fuzz.check_one(sitrep.extract, seed, i, tally)
        i += 1
    summary = fuzz.summary_line(tally, time.perf_counter() - t0, seed)
    print(summary)
    assert not tally.defects, f"{summary}\nSITREP_FUZZ_SEED={seed}\n" + "\n".join(tally.defects[:10])
    # the inputs reached every kind of span the contract has
    kinds = set(tally.kinds)
    for kind in ("entities.mentions", "places", "timexes", "events.trigger", "events.evidence", "events.location",
                 "events.actor1", "events.count_evidence", "events.date", "quotes.speaker", "quotes.cue",
                 "quotes.content", "claims.evidence"):
        assert kind in kinds, (kind, sorted(kinds))
    assert tally.refused and tally.extractions > tally.refused
