"""Every reader turns its format into records, and bad input into failures that say where and why."""
from __future__ import annotations

import io
import json
import sys

import pytest

from conftest import EXAMPLES
from sitrep.ingest import documents
from sitrep.ingest.readers import read_path
from sitrep.model import Failure, SourceDoc


def _docs(path, **kw):
    return list(documents([str(path)], **kw))


def test_text_file_id_is_its_name(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text("Gunmen attacked a checkpoint near Kirkuk on Saturday.\n", encoding="utf-8")
    (d,) = _docs(f)
    assert isinstance(d, SourceDoc)
    assert d.id == "report.txt"
    assert d.text == "Gunmen attacked a checkpoint near Kirkuk on Saturday."


def test_directory_is_read_recursively_with_relative_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("First report about Mosul.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Second report about Raqqa.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input format", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    ids = sorted(d.id for d in _docs(tmp_path))
    assert ids == ["a/one.txt", "two.txt"]


def test_html_keeps_main_text_title_and_date():
    (d,) = _docs(EXAMPLES / "12_page_kirkuk_ied.html")
    assert isinstance(d, SourceDoc)
    assert d.published == "2025-01-20" and d.published_source == "metadata"
    assert d.title and "Kirkuk" in d.text
    # navigation, related stories and the footer are not the article
    assert "Related stories" not in d.text and "cookie" not in d.text.lower()


def test_jsonl_records_keep_their_metadata():
    recs = _docs(EXAMPLES / "13_feed.jsonl")
    assert [r.id for r in recs] == ["example-jsonl-1", "example-jsonl-2"]
    assert [r.published for r in recs] == ["2025-03-01", "2025-03-05"]
    assert all(r.published_source == "metadata" and r.url and r.source and r.title for r in recs)
    assert recs[0].origin.endswith("13_feed.jsonl:1")


def test_json_array_file(tmp_path):
    f = tmp_path / "batch.json"
    f.write_text(json.dumps([{"id": "a", "text": "Clashes in Hajin."}, {"text": "Strike near Baiji.", "published": "2024-05-01T10:00:00Z"}]))
    recs = _docs(f)
    assert recs[0].id == "a"
    assert recs[1].published == "2024-05-01"
    assert len(recs[1].id) == 16  # content hash when the record brings no id


def test_csv_rows_with_quoted_newlines():
    recs = _docs(EXAMPLES / "14_feed.csv")
    assert len(recs) == 2 and all(isinstance(r, SourceDoc) for r in recs)
    assert [r.published for r in recs] == ["2024-09-15", "2024-08-02"]
    assert "\n" in recs[0].text
    assert recs[0].origin.endswith("14_feed.csv:2")  # the row's first line, after the header


def test_stdin_text_and_jsonl(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Militants ambushed a convoy near Hit.")))
    (rec,) = list(read_path("-"))
    assert rec.text.startswith("Militants") and rec.origin == "<stdin>"
    lines = b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert [r.meta["id"] for r in read_path("-")] == ["s1", "s2"]


def test_stable_id_is_content_hash_of_normalised_text(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text(json.dumps({"text": "Strike  near\nBaiji."}) + "\n" + json.dumps({"text": "Strike near Baiji."}) + "\n")
    a, b = _docs(f)
    assert a.id == b.id and a.content_hash == b.content_hash
    assert _docs(f)[0].id == a.id  # stable across runs


# --------------------------------------------------------------------------- bad input

def _only_failure(path, **kw):
    items = _docs(path, **kw)
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


def test_binary_file(tmp_path):
    f = tmp_path / "photo.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    fail = _only_failure(f)
    assert fail.origin == str(f) and "binary" in fail.reason


def test_undecodable_file(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Attaque près de Raqqa".encode("latin-1"))
    fail = _only_failure(f)
    assert "UTF-8" in fail.reason and "offset" in fail.reason


@pytest.mark.parametrize("content", ["", "   \n\n  ", "Breaking News\nplease wait\n"])
def test_empty_file(tmp_path, content):
    f = tmp_path / "empty.txt"
    f.write_text(content, encoding="utf-8")
    assert "empty" in _only_failure(f).reason


def test_oversized_file_and_configurable_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("word " * 300, encoding="utf-8")
    fail = _only_failure(f, max_bytes=1000)
    assert "too large" in fail.reason and "1,000" in fail.reason
    assert isinstance(_docs(f, max_bytes=10_000)[0], SourceDoc)


def test_broken_json_lines_do_not_stop_the_file(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text('{"id": "ok1", "text": "Fine."}\n{"id": "bad", "text": \n[1, 2]\n{"id": "nt"}\n'
                 '{"id": "ok2", "text": "Also fine.", "published": "yesterday"}\n{"id": "ok3", "text": "Fine too."}\n')
    items = _docs(f)
    good = [i.id for i in items if isinstance(i, SourceDoc)]
    bad = {i.origin.rsplit(":", 1)[1]: i.reason for i in items if isinstance(i, Failure)}
    assert good == ["ok1", "ok3"]
    assert set(bad) == {"2", "3", "4", "5"}
    assert "broken JSON" in bad["2"]
    assert "JSON object" in bad["3"]
    assert "missing 'text'" in bad["4"]
    assert "not an ISO date" in bad["5"]


def test_csv_without_text_column(tmp_path):
    f = tmp_path / "feed.csv"
    f.write_text("title,url\nA,http://x\n", encoding="utf-8")
    assert "'text' column" in _only_failure(f).reason


def test_missing_path():
    fail = _only_failure("/nonexistent/nowhere.txt")
    assert "no such file" in fail.reason


def test_html_without_main_text(tmp_path):
    f = tmp_path / "blank.html"
    f.write_text("<html><head><title>x</title><script>var a = 1;</script></head><body><img src='a.png'></body></html>", encoding="utf-8")
    assert "no main text" in _only_failure(f).reason
