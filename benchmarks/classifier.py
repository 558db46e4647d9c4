#!/usr/bin/env python3
"""The event classifier's figures: cross-validated accuracy, macro-F1 and per-class F1 on our
training corpus, calibration (expected calibration error and the reliability table), ms per
sentence (encoder and head, batched as the pipeline runs them), and whether `make train`
reproduces the committed weights.

    python benchmarks/classifier.py            # all figures
    python benchmarks/classifier.py --no-check # skip retraining the head on every row

The corpus is ours (src/sitrep/data/training/); the figures say how well the head separates
the classes we wrote, not how it does on real reports: `../shared/tools/score_acled_notes.py`
measures that.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "src"))

import train_event_classifier as T  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-check", action="store_true", help="do not retrain on every row to compare with the weights")
    ap.add_argument("--timing", type=int, default=400, help="sentences to time the encoder and head on (default 400)")
    a = ap.parse_args(argv)

    from sitrep.extract.classifier import classifier

    rows = T.load_rows()
    classes = sorted({r["label"] for r in rows}, key=lambda c: (c == "none", c))
    y = np.array([classes.index(r["label"]) for r in rows])
    print(f"{len(rows)} rows, {len(classes)} classes, {len({r['country'] for r in rows})} countries")
    X = T.features([r["text"] for r in rows])
    oof = T.cross_validate(X, y)
    temp = T.fit_temperature(oof, y)
    probs = T.softmax(oof / temp)
    figures = T.report(y, probs, classes)
    raw, _ = T.ece(T.softmax(oof), y)
    cal, table = T.ece(probs, y)
    print(f"expected calibration error: {raw:.3f} uncalibrated, {cal:.3f} with temperature {temp:.3f}")
    print("reliability (out of fold): bin, n, mean confidence, accuracy")
    for b, k, c, acc in table:
        print(f"  {b}  {k:5d}  {c:.3f}  {acc:.3f}")

    clf = classifier()
    sents = [r["text"] for r in rows[:a.timing]]
    clf.classify(sents[:8], [[i] for i in range(8)], [set()] * 8)          # load and warm up
    t0 = time.perf_counter()
    clf.classify(sents, [[i] for i in range(len(sents))], [set()] * len(sents))
    ms = (time.perf_counter() - t0) * 1000 / len(sents)
    print(f"speed: {ms:.2f} ms per sentence (encoder and head, batches of 32, one thread)")

    same = None
    if not a.no_check:
        model = T.train(rows, verbose=False)
        same = (list(clf.classes) == list(model["classes"]) and np.allclose(clf.W, model["W"], atol=1e-3)
                and np.allclose(clf.b, model["b"], atol=1e-3))
        print("make train reproduces the committed weights" if same else
              "the committed weights DIFFER from a fresh training (run make train)")
    print(f"classifier: rows={len(rows)} cv_accuracy={figures['cv_accuracy']:.3f} "
          f"cv_macroF1={figures['cv_macro_f1']:.3f} ece={cal:.3f} ms_per_sentence={ms:.2f}"
          + ("" if same is None else f" reproduced={same}"))
    return 0 if same in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
