#!/usr/bin/env python3
"""Train the event classifier (`make train`): sentence embeddings of our own training corpus → a
logistic-regression head over ACLED's 25 sub-event types and `none`, calibrated by temperature.

Reads `src/sitrep/data/training/*.jsonl` (rows we wrote: text, label, rule, country, style),
turns each text into the classifier's features (its `sitrep.nlp.encoder` embedding, and the
sub-types the trigger lexicon finds in it after spaCy parses it: `sitrep.extract.classifier`),
and:

1. cross-validates (stratified 5 folds, fixed seed) to print accuracy, macro-F1, per-class F1
   and the confusion table, and to collect out-of-fold logits;
2. fits one temperature on those out-of-fold logits (calibration: the probabilities it gives
   are then measured, not assumed) and prints the expected calibration error before and after;
3. fits the head on every row and writes `src/sitrep/data/event_classifier.npz` (weights,
   bias, classes, temperature, the corpus fingerprint and the figures above).

Deterministic: fixed seeds, a fixed regularisation, lbfgs; the same corpus (and lexicon) gives
the same weights (to float rounding). Embeddings are cached in ~/.cache/sitrep by text, which
changes nothing but the time. Example:

    python training/train_event_classifier.py            # train, print figures, write weights
    python training/train_event_classifier.py --check    # train and compare with the committed weights
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "sitrep" / "data"
CORPUS = DATA / "training"
WEIGHTS = DATA / "event_classifier.npz"
SEED = 20241
C = 8.0            # inverse L2 strength of the head (chosen once by cross-validation; see the README)
FOLDS = 5


def load_rows(corpus: Path = CORPUS) -> list[dict]:
    rows = []
    for p in sorted(corpus.glob("*.jsonl")):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                r = json.loads(line)
                r["_where"] = f"{p.name}:{n}"
                rows.append(r)
    return rows


def fingerprint(rows: list[dict]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r['label']}\x1f{r['text']}\x1e".encode())
    return h.hexdigest()[:16]


def _cache_path() -> Path:
    import os

    from sitrep.nlp.encoder import MODEL_ID

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitrep" / f"training-embeddings-{MODEL_ID}.npz"


def embed(texts: list[str], progress: bool = True) -> np.ndarray:
    """Embeddings of `texts`; those embedded before come from a cache keyed by the text (the
    encoder is deterministic, so the cache changes nothing but the time)."""
    from sitrep.nlp.encoder import encoder

    keys = [hashlib.sha256(t.encode()).hexdigest()[:20] for t in texts]
    cache: dict[str, np.ndarray] = {}
    path = _cache_path()
    if path.exists():
        with np.load(path) as z:
            cache = dict(zip(z["keys"].tolist(), z["vectors"]))
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    step = 256
    for lo in range(0, len(todo), step):
        part = todo[lo:lo + step]
        for (k, _), v in zip(part, encoder().encode([t for _, t in part])):
            cache[k] = v
        if progress:
            print(f"\r  embedding {min(lo + step, len(todo))}/{len(todo)}", end="", file=sys.stderr, flush=True)
    if todo:
        if progress:
            print(file=sys.stderr)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=np.array(list(cache)), vectors=np.array(list(cache.values()), dtype=np.float32))
    return np.array([cache[k] for k in keys], dtype=np.float32).reshape(len(texts), 384)


def features(texts: list[str], progress: bool = True) -> np.ndarray:
    """The classifier's features of each text, made as at run time: spaCy parses it, each
    sentence is embedded (`embed`), the passage embedding is their weighted mean, and the
    lexicon bits are the sub-types of the triggers `find_triggers` finds in it."""
    from sitrep.extract.classifier import lexicon_vector, passage_embeddings
    from sitrep.extract.events import prepare
    from sitrep.nlp import load

    nlp = load()
    sentences, passages, lex = [], [], []
    for n, doc in enumerate(nlp.pipe(texts, batch_size=64), 1):
        sents = [s.text for s in doc.sents if s.text.strip()] or [doc.text]
        passages.append(list(range(len(sentences), len(sentences) + len(sents))))
        sentences += sents
        lex.append(lexicon_vector({r.sub_event_type for _, r in prepare(doc).found}))
        if progress and n % 200 == 0:
            print(f"\r  parsed {n}/{len(texts)}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return np.hstack([passage_embeddings(sentences, passages, embed(sentences, progress)), np.vstack(lex)])


def _head(c: float = C):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, tol=1e-5, random_state=SEED)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = softmax(logits / np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None))))

    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method="bounded").x))


def ece(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, list[tuple]]:
    """Expected calibration error of the top class, and the reliability table (bin, n, conf, acc)."""
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == y
    table, total = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if sel.any():
            table.append((f"{lo:.1f}-{hi:.1f}", int(sel.sum()), float(conf[sel].mean()), float(right[sel].mean())))
            total += sel.sum() / len(y) * abs(conf[sel].mean() - right[sel].mean())
    return float(total), table


def cross_validate(X: np.ndarray, y: np.ndarray, c: float = C) -> np.ndarray:
    """Out-of-fold logits."""
    from sklearn.model_selection import StratifiedKFold

    out = np.zeros((len(y), int(y.max()) + 1))
    for tr, te in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(X, y):
        m = _head(c).fit(X[tr], y[tr])
        out[np.ix_(te, m.classes_)] = m.decision_function(X[te])
        missing = np.setdiff1d(np.arange(out.shape[1]), m.classes_)
        out[np.ix_(te, missing)] = -1e4
    return out


def report(y: np.ndarray, probs: np.ndarray, classes: list[str], out=sys.stdout) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    pred = probs.argmax(axis=1)
    acc = accuracy_score(y, pred)
    macro = f1_score(y, pred, average="macro")
    per = f1_score(y, pred, average=None, labels=range(len(classes)))
    print(f"cross-validated accuracy {acc:.3f}, macro-F1 {macro:.3f} ({FOLDS} folds, {len(y)} rows)", file=out)
    print("per-class F1:", file=out)
    n = Counter(y.tolist())
    for i, c in enumerate(classes):
        print(f"  {per[i]:.2f}  {n[i]:4d}  {c}", file=out)
    print("confusions (gold -> predicted), top 15:", file=out)
    conf = Counter((classes[a], classes[b]) for a, b in zip(y, pred) if a != b)
    for (a, b), k in conf.most_common(15):
        print(f"  {k:4d}  {a} -> {b}", file=out)
    return {"cv_accuracy": round(float(acc), 4), "cv_macro_f1": round(float(macro), 4),
            "per_class_f1": {c: round(float(per[i]), 4) for i, c in enumerate(classes)}}


def train(rows: list[dict], verbose: bool = True) -> dict:
    classes = sorted({r["label"] for r in rows}, key=lambda c: (c == "none", c))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[r["label"]] for r in rows])
    t0 = time.perf_counter()
    X = features([r["text"] for r in rows], progress=verbose)
    out = sys.stdout if verbose else open("/dev/null", "w")
    print(f"features of {len(rows)} rows in {time.perf_counter() - t0:.1f}s", file=out)
    oof = cross_validate(X, y)
    temp = fit_temperature(oof, y)
    raw_ece, _ = ece(softmax(oof), y)
    cal_ece, table = ece(softmax(oof / temp), y)
    figures = report(y, softmax(oof / temp), classes, out)
    print(f"temperature {temp:.3f}; expected calibration error {raw_ece:.3f} before, {cal_ece:.3f} after", file=out)
    print("reliability (calibrated, out of fold): bin, n, mean confidence, accuracy", file=out)
    for b, k, c, a in table:
        print(f"  {b}  {k:5d}  {c:.3f}  {a:.3f}", file=out)
    head = _head().fit(X, y)
    figures.update({"temperature": round(temp, 4), "ece_raw": round(raw_ece, 4), "ece": round(cal_ece, 4),
                    "rows": len(rows), "C": C, "seed": SEED})
    return {"W": head.coef_.astype(np.float32), "b": head.intercept_.astype(np.float32),
            "classes": np.array(classes), "temperature": np.float32(temp),
            "fingerprint": np.array(fingerprint(rows)), "figures": np.array(json.dumps(figures))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="train, then compare with the committed weights (no write)")
    ap.add_argument("--corpus", default=str(CORPUS), help=f"folder of training JSON Lines (default {CORPUS})")
    ap.add_argument("--output", default=str(WEIGHTS), help=f"where to write the weights (default {WEIGHTS})")
    a = ap.parse_args(argv)
    rows = load_rows(Path(a.corpus))
    if not rows:
        sys.exit(f"no training rows under {CORPUS}")
    print(f"{len(rows)} rows, {len({r['label'] for r in rows})} classes, {len({r['country'] for r in rows})} countries")
    model = train(rows)
    if a.check:
        old = np.load(WEIGHTS)
        same = (list(old["classes"]) == list(model["classes"]) and np.allclose(old["W"], model["W"], atol=1e-3)
                and np.allclose(old["b"], model["b"], atol=1e-3))
        print("the committed weights are reproduced" if same else "the committed weights DIFFER from a fresh training")
        return 0 if same else 1
    np.savez_compressed(a.output, **model)
    print(f"wrote {a.output} ({Path(a.output).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
