"""The Python API: `sitrep.extract` and a reusable `sitrep.Pipeline`, returning model types."""
from __future__ import annotations

import pytest

import sitrep
from sitrep.model import Entity, Event, Extraction, Place, Timex

TEXT = ("Accessibility links\n\nBreaking News\n\nMOSUL, Iraq, October 22, 2024 (Example Wire) - Iraqi Security Forces "
        "arrested three suspected Islamic State financiers in Mosul on Monday, the Iraqi Security Forces said. "
        "Brig. Gen. Karim Hassan told reporters the suspects had moved money to cells near Hawija.")


def test_extract_returns_the_contract_types():
    ext = sitrep.extract(TEXT)
    assert isinstance(ext, Extraction)
    assert ext.published == "2024-10-22" and ext.published_source == "text"
    assert all(isinstance(e, Entity) for e in ext.entities)
    assert all(isinstance(p, Place) for p in ext.places) and all(isinstance(t, Timex) for t in ext.timexes)
    assert all(isinstance(e, Event) for e in ext.events)
    assert [e.sub_event_type for e in ext.events] == ["Arrests"]
    assert ext.events[0].counts.arrested == 3 and ext.events[0].location.name == "Mosul"


def test_offsets_index_the_text_as_given():
    ext = sitrep.extract(TEXT)
    assert ext.text == TEXT
    for e in ext.entities:
        for m in e.mentions:
            assert TEXT[m.start:m.end] == m.text
    for item in ext.places + ext.timexes:
        assert TEXT[item.start:item.end] == item.text
    assert TEXT[ext.published_evidence.start:ext.published_evidence.end] == "October 22, 2024"


def test_entities_group_mentions_without_determiners():
    text = ("The Syrian Democratic Forces said on Sunday that the Syrian Democratic Forces had detained 14 men in "
            "Raqqa. A Syrian Democratic Forces spokesman said the raid in Raqqa lasted hours.")
    ext = sitrep.extract(text)
    sdf = [e for e in ext.entities if e.canonical == "Syrian Democratic Forces"]
    assert len(sdf) == 1 and len(sdf[0].mentions) == 3
    assert all(m.text == "Syrian Democratic Forces" for m in sdf[0].mentions)   # "The", "the", "A" left out
    raqqa = [e for e in ext.entities if e.canonical == "Raqqa"]
    assert len(raqqa) == 1 and raqqa[0].type == "GPE" and len(raqqa[0].mentions) == 2


def test_places_and_timexes():
    ext = sitrep.extract(TEXT)
    assert {p.text for p in ext.places} >= {"Mosul", "Hawija"}
    assert any(t.text == "Monday" and t.resolved is True and t.start_date == "2024-10-21" for t in ext.timexes)


def test_published_argument_is_metadata():
    ext = sitrep.extract("Gunmen attacked a checkpoint near Tikrit on Saturday.", published="2025-01-07")
    assert (ext.published, ext.published_source) == ("2025-01-07", "metadata")
    ext = sitrep.extract("Gunmen attacked a checkpoint near Tikrit on Saturday.")
    assert (ext.published, ext.published_source) == (None, None)


def test_pipeline_is_reusable(pipeline):
    a = pipeline.extract("A drone strike hit a vehicle near al-Bukamal.", id="a")
    b = pipeline.extract("Police arrested five men in Ramadi.", id="b")
    assert (a.id, b.id) == ("a", "b")
    assert sitrep.Pipeline is type(pipeline)


def test_bad_text_is_a_value_error():
    with pytest.raises(ValueError, match="empty"):
        sitrep.extract("   \n")


def test_extraction_round_trips_through_json():
    ext = sitrep.extract(TEXT)
    assert Extraction.from_dict(ext.to_dict()) == ext


def test_a_name_never_runs_across_a_line_break():
    text = "Clashes near Abu Hamam\nMilitants attacked an SDF post near Abu Hamam on Friday."
    for e in sitrep.extract(text).entities:
        assert all("\n" not in m.text for m in e.mentions), e
