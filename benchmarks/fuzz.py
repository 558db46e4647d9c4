"""Fuzzing `sitrep.extract`: mutated article texts and publication dates from a seed.

What it checks, for every generated input
    1. `sitrep.extract(text, published)` returns an `Extraction` or raises `ValueError`
       (the documented refusal of bad input); any other exception is a defect;
    2. every span of the result quotes the text it indexes: `ext.text[start:end] == item.text`
       for entities' mentions, places and their `phrase`, timexes, events' trigger,
       evidence, location, actors, count evidence and date, quotes' speaker, cue and
       content, claims' evidence, the publication date's evidence and the debris lines
       (`sitrep.model.iter_spans` walks them all).

Inputs
    Texts are cut from the bundled examples (`examples/`, written for this project) and from
    snippets written here, spliced together and mutated: line breaks with trailing or leading
    white space, carriage returns, tabs, Unicode spaces and line separators, zero-width and
    combining characters, other scripts, emoji, unbalanced quotes and brackets, markup, very
    long words, odd numbers and dates ("built 2500 years ago", "Apr\\n 2", "last 2025 year"),
    lone surrogates, and empty or white-space-only texts. `published` is one of: none, an
    ordinary date, a datetime, the calendar's ends (0001-01-01, 9999-12-31), an impossible
    date, or words. Input i of seed S is `generate(S, i)`: a failure names S and i, and
    `--seed S --only i` replays it.

How to run
    .venv/bin/python benchmarks/fuzz.py --n 50000 --seed 7      # the long run (progress shown)
    .venv/bin/python benchmarks/fuzz.py --seed 7 --only 1234     # replay one input, print it
    tests/test_fuzz.py runs the same checks on a time budget in `make test`.

Output: a progress bar, each defect as it is found (seed, index, what went wrong), and a
summary line: inputs, extractions, ValueErrors, defects (exceptions, span mismatches),
spans checked, inputs/s. Exit status 1 if any defect was found.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# Snippets written for this harness: ordinary news phrasing with the shapes that broke
# extraction before (years out of range, odd line breaks, trailing spaces before a break).
SNIPPETS = [
    "The citadel was built 2500 years ago and was shelled on Monday.",
    "Over the last 3000 years the valley has seen many wars; on Tuesday gunmen attacked a post in Mosul.",
    "Last 2025 year militants ambushed a convoy near Kirkuk.",
    "2025 year ago a bomb exploded in a market in Baghdad.",
    "Gunmen attacked a checkpoint near Mosul on Monday \nand killed two soldiers.",
    "A car bomb exploded in Raqqa on Apr\n 2, killing four civilians.",
    "Security forces arrested 12 suspects in Hasakah on 31 February 2024.",
    "An air strike hit a depot east of Deir ez-Zor in the year 10000, officials said.",
    "Clashes broke out in Tal Afar between 1 January 0001 and 31 December 9999.",
    "\"We will respond,\" said Col. Jane Doe, a spokesperson for the coalition.",
    "According to the ministry, more than 50 people were killed in the attack on the village of Abu Hamam.",
    "Protesters gathered in Basra on Friday (local time) to demand jobs.",
    "Next week the forces will withdraw from the base north of Baiji, the minister said on Sunday.",
    "On 9999-12-31 a drone struck a vehicle in Hajin.",
    "The militia said it had fired 1e400 rockets since the 1990s.",
    "BAGHDAD, Jan. 5, 2025 (Example Wire) - Gunmen killed two police officers in Kirkuk.",
    "date 2025-02-10\nGunmen attack SDF checkpoint\n\n  Suspected Islamic State gunmen attacked a checkpoint.",
    "Two soldiers were killed   \n\n\n   in an ambush  \r\n near Sinjar on\tSaturday.",
    "ISIS claimed the attack in Anbar, saying its fighters killed \u201cdozens\u201d of troops.",
    "The 3rd of March, 2019, and 05/01/2018 and 2019-13-45 and 12:00 PM were mentioned.",
]

INSERTS = [
    "\n", " \n", "\n ", "\r\n", " \r\n  ", "\n\n", "  \n\n  ", "\t", "\u00a0", "\u2028", "\u2029", "\u200b",
    "\u0301", "\u202e", "\ufeff", "\x0b", "\x0c", "\x85", " ", "  ", "...", "!!!", "\u2014", "\u2026",
    "\"", "\u201c", "\u201d", "'", "\u2018", "(", ")", "[", "]", "{", "}", "<b>", "</p>", "&amp;", "*", "#",
    "http://example.org/a?b=c", "2500 years ago", "last 3000 years", "last 2025 year", "2025 year ago",
    "Apr\n 2", "Dec.\n  27", "on Monday \n", "9999", "0", "-1", "10000 BC", "year 99999", "since 1", "in 1900s",
    "the 0s", "last Thursday", "from December 30 to January 6", "3 days ago", "next 5000 weeks",
    "in 10,000 years", "the coming 9999 months", "the 1st week of Smarch", "99/99/9999",
    "killed 1000000000000000000000", "dozens", "Mosul", "Deir ez-Zor", "Islamic State", "said",
    "\u0645\u0648\u0635\u0644", "\u4e2d\u6587", "\U0001f4a5", "\U0001f1fa\U0001f1f8", "x" * 300, "A" * 50,
]

PUBLISHED = [None, "2025-01-07", "2024-02-29", "2021-12-10", "2025-01-07T10:00:00Z", "2025-01-07T23:59:59+14:00",
             "0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "1970-01-01", "1900-03-01", ""]
BAD_PUBLISHED = ["2025-02-29", "2025-13-01", "99999-01-01", "yesterday", " ", "2025-01-07T25:00"]


def _examples() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    for line in (EXAMPLES / "13_feed.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
    return texts


_BASES: list[str] | None = None


def _bases() -> list[str]:
    global _BASES
    if _BASES is None:
        _BASES = _examples() + SNIPPETS
    return _BASES


def _piece(rng: random.Random) -> str:
    base = rng.choice(_bases())
    if rng.random() < 0.2:
        return base
    a = rng.randrange(len(base))
    return base[a:a + rng.randint(20, 700)]


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.choice((0, 1, 2, 4, 8, 16, 40))):
        if not chars:
            chars = list(rng.choice(SNIPPETS))
        i = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.45:
            chars[i:i] = list(rng.choice(INSERTS))
        elif op < 0.6 and i < len(chars):
            del chars[i:i + rng.randint(1, 5)]
        elif op < 0.7 and i < len(chars):
            chars[i] = chr(rng.choice((rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2fff), rng.randint(0x3000, 0xd7ff),
                                       rng.randint(0xe000, 0xfffd), rng.randint(0x10000, 0x10ffff))))
        elif op < 0.8:
            # indent or trail the line this position is in
            chars[i:i] = list(rng.choice((" \n   ", "   \n", "\n\t", " \r\n ")))
        elif op < 0.9 and i < len(chars):
            j = min(len(chars), i + rng.randint(1, 40))
            chars[i:j] = [c.upper() if rng.random() < 0.5 else c.lower() for c in chars[i:j]]
        else:
            chars[i:i] = list(rng.choice(SNIPPETS))
    return "".join(chars)


def generate(seed: int, index: int) -> tuple[str, str | None]:
    """Input `index` of `seed`: (text, published)."""
    rng = random.Random(f"sitrep-fuzz:{seed}:{index}")
    kind = rng.random()
    if kind < 0.02:
        text = rng.choice(("", " ", "\n\n", " \t\r\n", "\u200b", "Breaking News\nplease wait\n"))
    elif kind < 0.04:
        text = _mutate(rng, _piece(rng)) + rng.choice(("\ud800", "\udfff", "\udce9")) + _piece(rng)
    else:
        text = "".join(_mutate(rng, _piece(rng)) + rng.choice(("", " ", "\n", "\n\n", " \n"))
                       for _ in range(rng.choice((1, 1, 2, 3, 5))))
    r = rng.random()
    if r < 0.03:
        return text, rng.choice(BAD_PUBLISHED)
    if r < 0.2:
        return text, rng.choice(("0001-01-01", "9999-12-31"))
    if r < 0.5:
        return text, None
    return text, rng.choice(PUBLISHED) if rng.random() < 0.5 else _random_date(rng)


def _random_date(rng: random.Random) -> str:
    import datetime as dt

    return (dt.date(1, 1, 1) + dt.timedelta(days=rng.randrange(3652059))).isoformat()


# --------------------------------------------------------------------------- checking

@dataclass
class Tally:
    inputs: int = 0
    extractions: int = 0
    refused: int = 0
    spans: int = 0
    defects: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)


def span_kind(path: str) -> str:
    """'events[3].actor1' → 'events.actor1': the kind of item a span belongs to."""
    import re

    return re.sub(r"\[\d+\]", "", path)


def check_one(extract, seed: int, index: int, tally: Tally) -> None:
    """Run one input through `extract` (a `sitrep.extract`-like callable) and record what happened."""
    from sitrep.model import Extraction, iter_spans

    text, published = generate(seed, index)
    tally.inputs += 1
    where = f"seed {seed} input {index} (replay: benchmarks/fuzz.py --seed {seed} --only {index})"
    try:
        ext = extract(text, published)
    except ValueError:
        tally.refused += 1
        return
    except Exception as e:  # any other exception is a defect
        tally.defects.append(f"{where}: {type(e).__name__}: {e}\n{traceback.format_exc(limit=-4)}")
        return
    if not isinstance(ext, Extraction):
        tally.defects.append(f"{where}: returned {type(ext).__name__}, not an Extraction")
        return
    tally.extractions += 1
    if ext.text != text:
        tally.defects.append(f"{where}: the extraction's text is not the text given")
    for path, item_text, start, end in iter_spans(ext.to_dict()):
        tally.spans += 1
        kind = span_kind(path)
        tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
        if not (0 <= start <= end <= len(text)) or text[start:end] != item_text:
            tally.defects.append(f"{where}: {path} says {item_text!r} at {start}:{end}, "
                                 f"the text there is {text[start:end]!r}")


def summary_line(tally: Tally, seconds: float, seed: int) -> str:
    return (f"fuzz seed {seed}: {tally.inputs:,} inputs, {tally.extractions:,} extractions, {tally.refused:,} "
            f"refused (ValueError), {len(tally.defects):,} defects, {tally.spans:,} spans checked, "
            f"{tally.inputs / seconds if seconds else 0:,.1f} inputs/s")


def _run_chunk(job: tuple[int, int, int]) -> Tally:
    """Inputs start..stop-1 of a seed, in a worker process (the model was loaded before the fork)."""
    import sitrep

    seed, start, stop = job
    tally = Tally()
    for i in range(start, stop):
        check_one(sitrep.extract, seed, i, tally)
    return tally


def _merge(into: Tally, t: Tally) -> None:
    into.inputs += t.inputs
    into.extractions += t.extractions
    into.refused += t.refused
    into.spans += t.spans
    into.defects += t.defects
    for k, v in t.kinds.items():
        into.kinds[k] = into.kinds.get(k, 0) + v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Example: .venv/bin/python benchmarks/fuzz.py --n 50000 --seed 7")
    ap.add_argument("--n", type=int, default=2000, help="how many inputs (default 2000)")
    ap.add_argument("--seed", type=int, default=None, help="the seed (default: random, printed)")
    ap.add_argument("--start", type=int, default=0, help="first input index (default 0)")
    ap.add_argument("--only", type=int, default=None, help="run and print this one input")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--max-defects", type=int, default=50, help="stop after this many defects")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)

    sys.path.insert(0, str(ROOT / "src"))
    import multiprocessing

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    import sitrep

    if args.only is not None:
        text, published = generate(seed, args.only)
        print(json.dumps({"text": text, "published": published}, ensure_ascii=True))
        tally = Tally()
        check_one(sitrep.extract, seed, args.only, tally)
        print("\n".join(tally.defects) or "no defect")
        return 1 if tally.defects else 0

    print(f"fuzz: seed {seed}, inputs {args.start}..{args.start + args.n - 1}, {args.workers} processes",
          file=sys.stderr)
    sitrep.extract("Loading.")       # the model loads once, before the workers fork, outside the timing
    step = 25
    jobs = [(seed, a, min(a + step, args.start + args.n)) for a in range(args.start, args.start + args.n, step)]
    tally = Tally()
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    plain = not sys.stderr.isatty()       # a log file: a plain line every 1,000 inputs instead of a bar
    with Progress(TextColumn("[bold]fuzz"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[defects]} defects"), TimeRemainingColumn(), transient=False,
                  disable=plain) as bar, ctx.Pool(max(1, args.workers)) as pool:
        task = bar.add_task("fuzz", total=args.n, defects=0)
        for t in pool.imap_unordered(_run_chunk, jobs):
            for d in t.defects:
                print(f"DEFECT {d}", flush=True)
            before = tally.inputs
            _merge(tally, t)
            bar.update(task, advance=t.inputs, defects=len(tally.defects))
            if plain and tally.inputs // 1000 > before // 1000:
                print(f"  {tally.inputs:,}/{args.n:,} inputs, {len(tally.defects)} defects, "
                      f"{tally.inputs / (time.perf_counter() - t0):.1f} inputs/s", file=sys.stderr, flush=True)
            if len(tally.defects) >= args.max_defects:
                print(f"stopping after {len(tally.defects)} defects", file=sys.stderr)
                pool.terminate()
                break
    seconds = time.perf_counter() - t0
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(tally.kinds.items()))
    print(f"spans by kind: {kinds}")
    print(summary_line(tally, seconds, seed))
    return 1 if tally.defects else 0


if __name__ == "__main__":
    sys.exit(main())
