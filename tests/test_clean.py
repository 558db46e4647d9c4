"""Debris lines leave the text; every offset of the cleaned text maps back to the original."""
from __future__ import annotations

from sitrep.ingest.clean import clean_text, content_hash

RAW = ("Accessibility links\r\n\r\nBreaking News\r\n\r\n  Destroying the Remnants  \r\n"
       "please wait\n\nNo media source currently available\n\n0:00 0:03:46 0:00\n\n\n\n"
       "Operations near Hajin are well underway, said Colonel Ryan.\nShare\n")


def test_debris_lines_are_removed():
    c = clean_text(RAW)
    assert c.text == "Destroying the Remnants\n\nOperations near Hajin are well underway, said Colonel Ryan."
    assert [d.text for d in c.debris] == ["Accessibility links", "Breaking News", "please wait",
                                          "No media source currently available", "0:00 0:03:46 0:00", "Share"]
    for d in c.debris:
        assert RAW[d.start:d.end] == d.text


def test_debris_words_inside_a_sentence_stay():
    text = "Breaking news from Mosul: please wait for the statement.\nBreaking News"
    assert clean_text(text).text == "Breaking news from Mosul: please wait for the statement."


def test_every_cleaned_span_maps_back():
    c = clean_text(RAW)
    for word in ("Destroying", "Remnants", "Hajin", "Colonel Ryan"):
        i = c.text.index(word)
        s, e = c.offsets.to_original(i), c.offsets.to_original(i + len(word), end=True)
        assert RAW[s:e] == word


def test_hash_ignores_layout_only():
    assert content_hash("A  strike\nnear Baiji.") == content_hash("A strike near Baiji.")
    assert content_hash("A strike near Baiji.") != content_hash("A strike near Bayji.")
