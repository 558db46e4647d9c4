"""Bylines and outlets: the people and desks that wrote an article are not people in its story.

Every text here is written for these tests (none is taken from the seed articles or the shared corpora).
"""
from __future__ import annotations

import json

from sitrep import batch
from sitrep.ingest.byline import detect
from sitrep.store import Store

STORY = ("Army retakes border town after week of fighting\n\n"
         "By Jane Doe and Omar Haddad, Example Desk\n\n"
         "The army retook the border town of Qaim on Sunday after a week of fighting, officers said.\n\n"
         "“The town is ours again,” said Col. Sami Nour, a spokesman for the army.\n")


def test_a_byline_names_the_author_and_the_outlet():
    b = detect(STORY)
    assert b.author == "Jane Doe and Omar Haddad" and b.outlet == "Example Desk"
    assert [ln.text for ln in b.lines] == ["By Jane Doe and Omar Haddad, Example Desk"]
    assert STORY[b.lines[0].start:b.lines[0].end] == b.lines[0].text


def test_an_outlet_line_a_role_and_a_dateline():
    b = detect("Clashes in the north\nFrontline Monitor\n\nBy Lina Farouk, Staff Writer\n\nFighting went on.")
    assert b.author == "Lina Farouk" and b.outlet == "Frontline Monitor" and len(b.lines) == 2
    b = detect("Headline\n\nBY JANE DOE | Northern Example Times\nThe report goes on.")
    assert b.author == "JANE DOE" and b.outlet == "Northern Example Times"
    b = detect("Headline\n\nMOSUL, Iraq, May 2, 2024 (Example Wire) - Iraqi forces detained ten men.")
    assert b.author is None and b.outlet == "Example Wire" and b.lines == []


def test_sentences_that_open_with_by_are_no_byline():
    for text in ("By the time the convoy arrived, the town was empty.\n",
                 "Headline\n\nBy Monday, the army had withdrawn from the hills.",
                 "Headline\n\nBy nightfall the shelling had stopped."):
        b = detect(text)
        assert b.author is None and b.lines == [], text


def test_the_author_is_not_an_entity_nor_a_speaker(pipeline):
    ext = pipeline.extract(STORY, published="2024-05-06")
    assert ext.author == "Jane Doe and Omar Haddad" and ext.outlet == "Example Desk"
    names = {e.canonical for e in ext.entities}
    assert not {"Jane Doe", "Omar Haddad"} & names
    assert not any(m.start < ext.byline[0].end and ext.byline[0].start < m.end
                   for e in ext.entities for m in e.mentions)
    assert {q.speaker.name for q in ext.quotes} >= {"Sami Nour"}
    assert not any(q.speaker.name in ("Jane Doe", "Omar Haddad") for q in ext.quotes)


def test_author_and_outlet_are_stored_with_the_document(pipeline, db_path, tmp_path):
    f = tmp_path / "story.jsonl"
    f.write_text(json.dumps({"id": "story-1", "text": STORY, "published": "2024-05-06"}) + "\n", encoding="utf-8")
    with Store.open(db_path) as store:
        s = batch.ingest([str(f)], store, pipeline)
        assert s.stored == 1 and not s.failures
        row = store.document("story-1")
        ext = store.extraction("story-1")
    assert row["author"] == "Jane Doe and Omar Haddad" and row["outlet"] == "Example Desk"
    assert ext.author == row["author"] and ext.byline[0].text == "By Jane Doe and Omar Haddad, Example Desk"
    assert ext.text[ext.byline[0].start:ext.byline[0].end] == ext.byline[0].text
