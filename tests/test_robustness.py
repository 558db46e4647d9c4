"""Nothing a source sends stops a batch or breaks an offset (issue 12): odd text and dates, long
documents, concurrent ingests, workers that die, a gazetteer built by two processes at once, and one
folder holding every hostile kind of file. Every hostile input is written here, by the tests."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

import sitrep
from conftest import EXAMPLES, ROOT
from sitrep import batch
from sitrep.model import Extraction, Failure, SourceDoc, iter_spans
from sitrep.store import Store


def _spans_hold(ext: Extraction) -> list:
    """Every span whose text is not what the document holds at its offsets."""
    return [(p, t, s, e) for p, t, s, e in iter_spans(ext.to_dict()) if ext.text[s:e] != t]


# --------------------------------------------------------------------------- odd text and dates

@pytest.mark.parametrize("text, odd", [
    ("The citadel was built 2500 years ago. On Monday gunmen attacked a checkpoint in Mosul, killing two.",
     "2500 years ago"),
    ("Over the last 3000 years the valley saw many wars. On Monday gunmen attacked a checkpoint in Mosul, "
     "killing two.", "the last 3000 years"),
    ("Last 2025 year a bridge was built. On Monday gunmen attacked a checkpoint in Mosul, killing two.",
     "2025 year"),
    ("2025 year ago a bridge was built. On Monday gunmen attacked a checkpoint in Mosul, killing two.",
     "2025 year ago"),
])
def test_a_date_outside_the_calendar_leaves_one_expression_unresolved(pipeline, text, odd):
    ext = pipeline.extract(text, "2025-01-07")
    odd_tx = [t for t in ext.timexes if odd in t.text or t.text in odd]
    assert odd_tx and not any(t.resolved for t in odd_tx), ext.timexes
    monday = [t for t in ext.timexes if t.text == "Monday"]
    assert monday and monday[0].start_date == "2025-01-06"
    (event,) = ext.events
    assert event.location.name == "Mosul" and event.counts.fatalities == 2


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
def test_publication_dates_at_the_ends_of_the_calendar(pipeline, published, db_path):
    text = ("Gunmen attacked a checkpoint in Mosul on Monday, killing two soldiers. Officials said more attacks "
            "were expected next week and that the town was founded 3000 years ago.")
    ext = pipeline.extract(text, published)
    assert ext.published == published and ext.events and not _spans_hold(ext)
    # and at store time: the event's dating window must not fall off the calendar either
    feed = os.path.join(os.path.dirname(db_path), "feed.jsonl")
    with open(feed, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "p1", "text": text, "published": published}) + "\n")
        fh.write(json.dumps({"id": "p2", "text": text.replace("Mosul", "Tikrit"), "published": published}) + "\n")
    with Store.open(db_path) as store:
        s = batch.ingest([feed], store, pipeline)
        assert s.stored == 2 and not s.failures, s.as_dict()
        assert store.extraction("p1").published == published


def test_text_that_is_not_valid_unicode_is_a_value_error():
    with pytest.raises(ValueError, match="not valid Unicode"):
        sitrep.extract("\udfff")
    with pytest.raises(ValueError, match="not valid Unicode"):
        sitrep.extract("Gunmen attacked a post in Hit. \ud800")


# --------------------------------------------------------------------------- offsets that hold

def test_evidence_before_a_line_with_a_trailing_space(pipeline):
    text = "Gunmen attacked a checkpoint near Mosul on Monday \nand killed two soldiers."
    ext = pipeline.extract(text, "2025-01-07")
    assert ext.events and not _spans_hold(ext)
    assert ext.events[0].evidence[0].text == "Gunmen attacked a checkpoint near Mosul on Monday"


def test_time_expression_over_an_indented_line_break(pipeline):
    text = "A car bomb exploded in Raqqa on Apr\n 2, killing four civilians."
    ext = pipeline.extract(text, "2025-04-07")
    (tx,) = [t for t in ext.timexes if t.text.startswith("Apr")]
    assert tx.text == "Apr\n 2" and text[tx.start:tx.end] == tx.text and tx.start_date == "2025-04-02"
    assert not _spans_hold(ext)


@pytest.mark.parametrize("text", ["Troops moved into East Kirkuk province on Sunday.",
                                  "Clashes in Southern Idlib governorate killed two."])
def test_a_relative_place_phrase_quotes_its_offsets(pipeline, text):
    ext = pipeline.extract(text, "2025-01-07")
    phrases = [p.phrase for p in ext.places if p.phrase]
    assert phrases and all(text[ph.start:ph.end] == ph.text for ph in phrases), phrases
    assert not _spans_hold(ext)


def test_carriage_returns_and_indents_keep_every_span_exact(pipeline):
    text = ("  BAGHDAD, Jan. 5, 2025 (Example Wire) - Gunmen attacked a checkpoint   \r\n"
            "\t near Mosul on Monday \r\n\r\n   \r\n and killed two soldiers, police said.  \r\n"
            "   \"We will find them,\" said Col. Jane Doe, \r\n a spokesperson for the police.\r\n")
    ext = pipeline.extract(text)
    assert ext.events and ext.quotes and not _spans_hold(ext)


def test_an_entity_of_only_a_determiner_and_white_space_is_no_name(pipeline):
    """Found by the fuzzer (seed 12, input 7125): spaCy tagged "The  " as an organisation."""
    from spacy.tokens import Span

    from sitrep.extract.entities import trim

    doc = pipeline.nlp.make_doc("The  militia attacked Basra.")
    assert [t.text for t in doc[:2]] == ["The", " "]
    assert trim(Span(doc, 0, 2, label="ORG")) is None
    assert trim(Span(doc, 1, 3, label="ORG")) == ("militia", 5, 12)


# --------------------------------------------------------------------------- long documents

def test_documents_over_a_million_characters_are_read_in_parts(pipeline):
    opening = ("Islamic State gunmen attacked a checkpoint in Mosul on Monday, killing two soldiers, "
               "police said.\n\n")
    filler = "".join(f"Annex line {i}:" + " " * 9000 + "nothing to report.\n\n" for i in range(120))
    closing = "On Tuesday Islamic State militants ambushed a convoy near Kirkuk, killing three officers.\n"
    text = opening + filler + closing
    assert len(text) > 1_000_000
    ext = pipeline.extract(text, "2025-01-08")
    assert not _spans_hold(ext)
    where = {e.location.name for e in ext.events if e.location}
    assert {"Mosul", "Kirkuk"} <= where
    last = max(ext.events, key=lambda e: e.trigger.start)
    assert last.trigger.start > 1_000_000 and text[last.trigger.start:last.trigger.end] == last.trigger.text
    # one entity across the parts: the group named in the first and in the last paragraph
    (isis,) = [e for e in ext.entities if e.kb_id == "actor:isis"]
    assert min(m.start for m in isis.mentions) < 100 and max(m.start for m in isis.mentions) > 1_000_000


def test_parsing_in_parts_matches_parsing_whole(pipeline):
    from sitrep import nlp as N

    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))[:6])
    parts = N.split_parts(text, 1500)
    assert "".join(parts) == text and len(parts) > 4 and all(len(p) <= 1500 for p in parts)
    whole, split = N.parse(pipeline.nlp, text), N.parse(pipeline.nlp, text, part_chars=1500)
    assert split.text == text
    assert [t.text for t in whole] == [t.text for t in split]
    assert [s.start_char for s in whole.sents] == [s.start_char for s in split.sents]
    ents = {(e.start_char, e.end_char, e.label_) for e in whole.ents}
    same = ents & {(e.start_char, e.end_char, e.label_) for e in split.ents}
    assert len(same) >= 0.97 * len(ents)


# --------------------------------------------------------------------------- concurrent ingests

def _ingest_examples(db: str, out) -> None:
    from sitrep.pipeline import Pipeline

    with Store.open(db) as store:
        s = batch.ingest([str(EXAMPLES)], store, Pipeline())
    out.put(s.as_dict())


def test_concurrent_ingests_into_one_store_skip_what_the_other_stored(pipeline, db_path):
    Store.open(db_path).close()
    ctx = multiprocessing.get_context("fork")      # the children share the loaded model
    out = ctx.Queue()
    procs = [ctx.Process(target=_ingest_examples, args=(db_path, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    for r in results:
        assert not r["failures"], r["failures"]
        assert r["stored"] + r["skipped_duplicates"] == 21
    assert sum(r["stored"] for r in results) == 21
    with Store.open(db_path) as store:
        assert store.stats()["documents"] == 21 and not store.failures()


# --------------------------------------------------------------------------- worker processes

def _short_docs(n: int) -> list[SourceDoc]:
    from sitrep.ingest import prepare
    from sitrep.ingest.readers import RawRecord

    places = ["Mosul", "Kirkuk", "Tikrit", "Baiji", "Hit", "Raqqa", "Hajin", "Sinjar"]
    return [prepare(RawRecord(f"doc{i}", f"Gunmen attacked a checkpoint in {places[i % len(places)]} on Monday, "
                                          f"killing {i % 5 + 2} soldiers (report {i}).",
                              {"id": f"doc{i}", "published": "2025-01-07"})) for i in range(n)]


def test_a_worker_that_dies_costs_no_document(tmp_path):
    from sitrep import parallel
    from sitrep.nlp import MODEL

    docs = _short_docs(40)
    got = []
    killed = None
    for d, result in parallel.process(docs, workers=2, model=MODEL, batch_size=2):
        got.append((d, result))
        if killed is None:
            workers = multiprocessing.active_children()
            assert workers
            killed = workers[0].pid
            os.kill(killed, signal.SIGKILL)    # as the kernel's OOM killer would
    assert killed is not None
    assert [d.id for d, _ in got] == [d.id for d in docs]            # all of them, in order
    failures = [r for _, r in got if isinstance(r, Failure)]
    assert not failures, failures
    assert all(r.events for _, r in got)


def test_first_use_of_a_gazetteer_by_two_workers_at_once(tmp_path):
    """Two worker processes open a gazetteer that is not built yet: one builds it, the other waits
    (the build takes a minute or two), and every document is extracted."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Gunmen attacked a checkpoint in Mosul on "
                                                           f"Monday, killing {i + 2} soldiers."}) + "\n"
                            for i in range(6)), encoding="utf-8")
    gaz = tmp_path / "cache" / "gazetteer-test.sqlite"
    gaz.parent.mkdir()
    (gaz.parent / "gazetteer-test.sqlite.k1ll3d.building").write_bytes(b"half a file from a build that was killed")
    env = {**os.environ, "SITREP_GAZETTEER": str(gaz), "COLUMNS": "250"}
    r = subprocess.run([sys.executable, "-m", "sitrep", "extract", str(feed), "-o", str(tmp_path / "out.jsonl"),
                        "--workers", "2"], capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [f"d{i}" for i in range(6)]
    assert all(o["places"] and o["places"][0]["geonameid"] for o in out)
    assert gaz.exists() and not list(gaz.parent.glob("*.building"))


# --------------------------------------------------------------------------- one folder, every hostile kind

def _article(place: str, n: int) -> str:
    return f"Gunmen attacked a checkpoint in {place} on Monday, killing {n} soldiers, police said."


def _jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


ODD_YEARS = [("The citadel was built 2500 years ago.", "2025-01-07"), ("Over the last 3000 years there were wars.", None),
             ("Last 2025 year a bridge fell.", "2025-01-07"), ("2025 year ago a town was founded.", "0001-01-01"),
             ("Next week talks resume.", "9999-12-31")]
FILLER = "".join(f"Annex line {i}:" + " " * 9000 + "nothing to report.\n\n" for i in range(115))

# (file name, content, ids that must be stored); the failures expected are in HOSTILE_FAILURES
HOSTILE = [
    ("good.txt", _article("Mosul", 2), ["good.txt"]),
    (b"r\xe9port.txt", _article("Kirkuk", 3), ["r\\xe9port.txt"]),
    ("deep.jsonl", _jsonl({"id": "deep-ok", "text": _article("Hit", 4)})
     + '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}\n", ["deep-ok"]),
    ("surrogate.jsonl", '{"id": "sur-bad", "text": "Gunmen \\ud800 attacked."}\n'
     + _jsonl({"id": "sur-ok", "text": _article("Baiji", 5)}), ["sur-ok"]),
    ("bigint.jsonl", '{"id": 1' + "0" * 5000 + ', "text": "x"}\n' + _jsonl({"id": "big-ok", "text": _article("Tikrit", 6)}),
     ["big-ok"]),
    ("odd_years.jsonl", _jsonl(*({"id": f"odd{i}", "text": t + " " + _article("Samarra", 7 + i), "published": p}
                                 for i, (t, p) in enumerate(ODD_YEARS))), [f"odd{i}" for i in range(5)]),
    ("offsets.txt", "Gunmen attacked a checkpoint near Sinjar on Monday \nand killed two soldiers on Apr\n 2.\r\n"
                    "Troops moved into East Kirkuk province on Sunday.\n", ["offsets.txt"]),
    ("long.txt", "Islamic State gunmen attacked a checkpoint in Raqqa on Monday, killing two soldiers.\n\n" + FILLER
     + "On Tuesday militants ambushed a convoy near Hasakah, killing three officers.\n", ["long.txt"]),
    ("empty.json", "", []),
    ("empty.jsonl", " \n\n", []),
    ("utf16.txt", "\ufeff".encode("utf-16-le") + _article("Tal Afar", 8).encode("utf-16-le"), ["utf16.txt"]),
    ("utf32.jsonl", _jsonl({"id": "u32", "text": _article("Fallujah", 9)}).encode("utf-32"), ["u32"]),
    ("utf16-nobom.txt", _article("Ramadi", 10).encode("utf-16-le"), []),
    ("feed.csv", 'id,text\ncsv1,"' + _article("Haditha", 11) + '"\ncsv-long,"' + ("x" * 100 + "\n") * 110_000
     + '"\ncsv2,"' + _article("Qaim", 12) + '"\n', ["csv1", "csv2"]),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", []),
]
HOSTILE_FAILURES = {"deep.jsonl:2", "surrogate.jsonl:1", "bigint.jsonl:1", "empty.json", "empty.jsonl",
                    "utf16-nobom.txt", "feed.csv:3", "binary.txt"}


def _hostile_folder(root) -> set[str]:
    """Write the good and the hostile files; the ids that must be stored."""
    good: set[str] = set()
    for name, data, ids in HOSTILE:
        path = os.path.join(os.fsencode(root), name if isinstance(name, bytes) else name.encode())
        with open(path, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        good.update(ids)
    return good


def test_ingest_of_a_folder_of_hostile_files(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good, bad = _hostile_folder(folder), HOSTILE_FAILURES
    env = {**os.environ, "COLUMNS": "250"}
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "sitrep", "ingest", str(folder), "--db", db_path, "--json"],
                       capture_output=True, text=True, env=env, timeout=1200, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout)
    failed = {f["origin"].rsplit("/", 1)[-1]: f["reason"] for f in summary["failures"]}
    assert set(failed) == bad, (failed, time.perf_counter() - t0)
    assert all(reason for reason in failed.values())
    assert "nested too deeply" in failed["deep.jsonl:2"] and "not valid Unicode" in failed["surrogate.jsonl:1"]
    assert "no records" in failed["empty.json"] and "UTF-16" in failed["utf16-nobom.txt"]
    assert "too large" in failed["feed.csv:3"] and "binary" in failed["binary.txt"]
    with Store.open(db_path) as store:
        for doc_id in good:
            ext = store.extraction(doc_id)
            assert ext is not None, doc_id
            assert not _spans_hold(ext), doc_id
        assert store.stats()["documents"] == len(good)
        assert {o.rsplit("/", 1)[-1] for o, _ in store.failures()} == bad
