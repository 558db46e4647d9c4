"""Every reader turns its format into records, and bad input into failures that say where and why."""
from __future__ import annotations

import io
import json
import os
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


# --------------------------------------------------------------------------- hostile input (issue 12)

def _by_origin(items):
    good = {i.id: i for i in items if isinstance(i, SourceDoc)}
    bad = {i.origin.rsplit("/", 1)[-1]: i.reason for i in items if isinstance(i, Failure)}
    return good, bad


def test_deeply_nested_json_fails_its_line_only(tmp_path):
    f = tmp_path / "deep.jsonl"
    deep = '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    f.write_text('{"id": "a", "text": "Gunmen attacked a post in Hit."}\n' + deep + "\n"
                 '{"id": "b", "text": "A drone struck a car near Baiji."}\n', encoding="utf-8")
    good, bad = _by_origin(_docs(f))
    assert set(good) == {"a", "b"}
    assert set(bad) == {"deep.jsonl:2"} and "nested too deeply" in bad["deep.jsonl:2"]


def test_deeply_nested_json_array_element(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text('[{"id": "a", "text": "Clashes in Hajin."}, ' + "[" * 100_000 + "]" * 100_000 + "]", encoding="utf-8")
    good, bad = _by_origin(_docs(f))
    assert set(good) == {"a"} and "nested too deeply" in bad["deep.json[2]"]


def test_lone_surrogate_escape_fails_its_record_only(tmp_path):
    f = tmp_path / "sur.jsonl"
    f.write_text('{"id": "s1", "text": "Gunmen \\ud800 attacked a post."}\n'
                 '{"id": "s2", "text": "Fine text about Mosul.", "title": "bad \\udfff title"}\n'
                 '{"id": "ok", "text": "A convoy was ambushed near Sinjar."}\n', encoding="utf-8")
    good, bad = _by_origin(_docs(f))
    assert set(good) == {"ok"}
    assert "'text' is not valid Unicode" in bad["sur.jsonl:1"] and "U+D800" in bad["sur.jsonl:1"]
    assert "'title' is not valid Unicode" in bad["sur.jsonl:2"]


def test_file_name_that_is_not_utf8_is_read_with_its_neighbours(tmp_path):
    bad_name = os.path.join(os.fsencode(tmp_path), b"r\xe9port.txt")
    with open(bad_name, "wb") as fh:
        fh.write(b"Militants attacked a checkpoint near Kirkuk on Sunday.")
    (tmp_path / "good.txt").write_text("Police arrested three men in Basra.", encoding="utf-8")
    items = _docs(tmp_path)
    assert all(isinstance(i, SourceDoc) for i in items), items
    ids = sorted(i.id for i in items)
    assert ids == ["good.txt", "r\\xe9port.txt"]
    for i in items:
        i.origin.encode("utf-8")          # printable and storable


def test_any_other_reader_error_fails_its_line_only(tmp_path):
    f = tmp_path / "bigint.jsonl"
    f.write_text('{"id": 1' + "0" * 5000 + ', "text": "An ambush near Mosul."}\n'
                 '{"id": "ok", "text": "A bomb exploded in Kirkuk."}\n', encoding="utf-8")
    good, bad = _by_origin(_docs(f))
    assert set(good) == {"ok"} and "unreadable JSON" in bad["bigint.jsonl:1"]


def test_undecodable_bytes_fail_their_line_only(tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(b'{"id": "a", "text": "Attaque pr\xe8s de Raqqa."}\n{"id": "b", "text": "Clashes in Raqqa."}\n')
    good, bad = _by_origin(_docs(f))
    assert set(good) == {"b"} and "not valid UTF-8" in bad["mixed.jsonl:1"] and "0xe8" in bad["mixed.jsonl:1"]


@pytest.mark.parametrize("name", ["empty.json", "empty.jsonl", "blank.jsonl", "empty.csv", "header.csv", "array.json"])
def test_files_without_records_are_reported(tmp_path, name):
    content = {"blank.jsonl": "\n  \n\n", "header.csv": "id,text,title\n", "array.json": " [ ] "}.get(name, "")
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    assert "no records" in _only_failure(f).reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".json"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, encoding, suffix):
    text = "Gunmen attacked a checkpoint near Deir ez-Zor on Monday — two were killed."
    content = {".txt": text, ".jsonl": json.dumps({"id": "u", "text": text}, ensure_ascii=False) + "\n",
               ".csv": 'id,text\nu,"' + text + '"\n', ".json": json.dumps([{"id": "u", "text": text}])}[suffix]
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    f = tmp_path / f"doc{suffix}"
    f.write_bytes(data)
    (d,) = _docs(f)
    assert isinstance(d, SourceDoc), d
    assert d.text == text


def test_utf16_without_a_byte_order_mark_is_named(tmp_path):
    f = tmp_path / "doc.txt"
    f.write_bytes("Gunmen attacked a checkpoint near Mosul.".encode("utf-16-le"))
    assert "UTF-16" in _only_failure(f).reason


def test_over_long_csv_field_fails_its_row_and_the_file_goes_on(tmp_path):
    f = tmp_path / "feed.csv"
    long_field = ('He said ""stop"" and\n' + "x" * 100) * 2000    # a quoted field over many lines, with quotes
    f.write_text('id,text\na,"First report about Mosul."\nlong,"' + long_field + '"\n'
                 'b,"Second report, about Raqqa."\nc,Third report about Hit.\n', encoding="utf-8")
    items = _docs(f, max_bytes=20_000)
    good, bad = _by_origin(items)
    assert set(good) == {"a", "b", "c"}
    assert set(bad) == {"feed.csv:3"} and "too large" in bad["feed.csv:3"]
    assert good["b"].origin.endswith(f"feed.csv:{3 + long_field.count(chr(10)) + 1}")


def test_jsonl_and_csv_are_streamed(tmp_path):
    """A 60 MB file is read with memory for one record at a time, not for the whole file."""
    import subprocess

    line = json.dumps({"text": "Gunmen attacked a checkpoint near Mosul on Monday. " * 40}) + "\n"
    jsonl = tmp_path / "big.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        for i in range(60_000_000 // len(line)):
            fh.write(line.replace("Gunmen", f"Gunmen {i}", 1))
    csvf = tmp_path / "big.csv"
    with open(csvf, "w", encoding="utf-8", newline="") as fh:
        w = __import__("csv").writer(fh)
        w.writerow(["text"])
        for i in range(60_000_000 // len(line)):
            w.writerow([f"Report {i}: " + "Militants ambushed a convoy near Kirkuk.\n" * 40])
    probe = ("import resource, sys; from sitrep.ingest.readers import read_path; "
             "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
             "n = sum(1 for r in read_path(sys.argv[1]) if r.text); "
             "print(n, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)")
    for f in (jsonl, csvf):
        out = subprocess.run([sys.executable, "-c", probe, str(f)], capture_output=True, text=True, check=True)
        n, grown_mb = map(int, out.stdout.split())
        assert n > 20_000
        assert grown_mb < 25, f"{f.name}: reading grew memory by {grown_mb} MB"
