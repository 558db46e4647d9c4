"""The real command line, run as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT
from sitrep.store.schema import SCHEMA_VERSION


def sitrep(*args, stdin=None, cwd=None):
    env = {**os.environ, "COLUMNS": "250"}   # wide enough that tables do not fold paths
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True,
                          input=stdin, cwd=cwd or ROOT, timeout=300, env=env)


@pytest.mark.parametrize("command", ["ingest", "extract", "show", "stats"])
def test_every_command_has_help_with_an_example(command):
    r = sitrep(command, "--help")
    assert r.returncode == 0
    assert "Example" in r.stdout and f"sitrep {command}" in r.stdout


def test_ingest_prints_a_summary_and_is_idempotent(db_path, tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"text": "ok text about Mosul."}\n{oops\n', encoding="utf-8")
    r = sitrep("ingest", str(EXAMPLES), str(tmp_path / "broken.jsonl"), "--db", db_path)
    assert r.returncode == 0, r.stderr
    for label in ("documents read", "stored", "skipped as duplicates", "failed", "entities", "places", "words/s"):
        assert label in r.stderr
    assert "broken.jsonl:2" in r.stderr and "broken JSON" in r.stderr
    again = sitrep("ingest", str(EXAMPLES), "--db", db_path, "--json")
    summary = json.loads(again.stdout)
    assert summary["stored"] == 0 and summary["skipped_duplicates"] == 21 and summary["documents_in_store"] == 22


def test_strict_exits_non_zero_on_any_failure(db_path, tmp_path):
    (tmp_path / "good.txt").write_text("Militants attacked a police post in Hit.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    assert sitrep("ingest", str(tmp_path), "--db", db_path).returncode == 0
    r = sitrep("ingest", str(tmp_path), "--db", db_path + "2", "--strict")
    assert r.returncode == 1 and "bad.txt" in r.stderr


def test_nothing_stored_is_an_error(db_path, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    assert sitrep("ingest", str(tmp_path / "bad.txt"), "--db", db_path).returncode == 1


def test_extract_from_stdin_to_stdout():
    lines = json.dumps({"id": "s1", "text": "Breaking News\nBAGHDAD, Jan. 5, 2025 (Reuters) - Gunmen killed two police officers in Kirkuk."}) + "\n"
    r = sitrep("extract", "-", "--output", "-", stdin=lines)
    assert r.returncode == 0, r.stderr
    (obj,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert obj["id"] == "s1" and obj["published"] == "2025-01-05" and obj["published_source"] == "text"
    (event,) = obj["events"]
    assert event["counts"]["fatalities"] == 2 and event["date"]["start"] == "2025-01-05"
    assert obj["debris"] == [{"text": "Breaking News", "start": 0, "end": 13}]
    kirkuk = [p for p in obj["places"] if p["text"] == "Kirkuk"]
    assert kirkuk and obj["text"][kirkuk[0]["start"]:kirkuk[0]["end"]] == "Kirkuk" and kirkuk[0]["geonameid"] == 94787


def test_extract_flags_near_duplicates_in_its_input(tmp_path):
    out = tmp_path / "out.jsonl"
    r = sitrep("extract", str(EXAMPLES / "08_wire_hasakah_ambush.txt"), str(EXAMPLES / "09_repost_hasakah_ambush.txt"),
               "--output", str(out), "--no-text")
    assert r.returncode == 0, r.stderr
    a, b = [json.loads(x) for x in out.read_text().splitlines()]
    assert a["near_duplicate_of"] is None and b["near_duplicate_of"] == a["id"]
    assert "text" not in a


def test_show_and_stats(db_path):
    assert sitrep("ingest", str(EXAMPLES / "13_feed.jsonl"), "--db", db_path).returncode == 0
    r = sitrep("show", "example-jsonl-1", "--db", db_path)
    assert r.returncode == 0, r.stderr
    assert "published 2025-03-01" in r.stdout and "Entities" in r.stdout
    # a unique prefix is enough; an unknown id says so
    assert sitrep("show", "example-jsonl-2", "--db", db_path, "--json").returncode == 0
    miss = sitrep("show", "nope", "--db", db_path)
    assert miss.returncode == 2 and "No document" in miss.stderr
    st = json.loads(sitrep("stats", "--db", db_path, "--json").stdout)
    assert st["documents"] == 2 and st["schema_version"] == SCHEMA_VERSION


def test_missing_database_is_a_clear_error(tmp_path):
    r = sitrep("stats", "--db", str(tmp_path / "none.db"))
    assert r.returncode == 2 and "No database" in r.stderr


def test_workers_give_the_same_output(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert sitrep("extract", str(EXAMPLES), "-o", str(one), "--workers", "1").returncode == 0
    assert sitrep("extract", str(EXAMPLES), "-o", str(two), "--workers", "2").returncode == 0
    assert one.read_text() == two.read_text() and len(one.read_text().splitlines()) == 21
