"""Claims: quantity statements with their subject, unit, qualifier, speaker and date.

Every sentence here is written for these tests (none is taken from the seed articles).
"""
from __future__ import annotations


def _claims(pipeline, text, published="2023-06-15"):
    ext = pipeline.extract(text, published=published)
    return ext, ext.claims


def _get(claims, value):
    found = [c for c in claims if c.value == value]
    assert found, f"no claim of {value}: {[(c.value, c.subject) for c in claims]}"
    return found[0]


def test_a_level_of_troops_with_place_speaker_and_date(pipeline):
    text = ("Gen. Laura Benn said on Tuesday that Britain would keep its current level of 3,000 troops in Cyprus.")
    ext, cs = _claims(pipeline, text)
    c = _get(cs, 3000)
    assert c.unit == "troops" and c.subject == "troops in Cyprus" and c.qualifier is None
    assert c.speaker is not None and c.speaker.name == "Laura Benn"
    assert c.date is not None and c.date.start == "2023-06-13" and c.date.precision == "day"
    assert ext.text[c.evidence.start:c.evidence.end] == c.evidence.text and "3,000 troops" in c.evidence.text


def test_qualifiers(pipeline):
    text = ("About 75 families fled the town. More than 40 fighters surrendered, up to 600 people were displaced "
            "and approximately 1,200 soldiers took part. An estimated 9,000 residents remain.")
    ext, cs = _claims(pipeline, text)
    assert _get(cs, 75).qualifier == "about" and _get(cs, 75).unit == "families"
    assert _get(cs, 40).qualifier == "more than" and _get(cs, 40).unit == "fighters"
    assert _get(cs, 600).qualifier == "up to"
    assert _get(cs, 1200).qualifier == "approximately"
    assert _get(cs, 9000).qualifier == "estimated"


def test_a_figure_including_another(pipeline):
    text = ("The camps hold 8,000 militants, including 1,500 foreign fighters, still guarded by local forces.")
    ext, cs = _claims(pipeline, text)
    a, b = _get(cs, 8000), _get(cs, 1500)
    assert a.unit == "militants" and b.subject == "foreign fighters"


def test_counted_things_after_a_preposition_and_number_words(pipeline):
    text = "Delegates of 45 countries and three international agencies met in Geneva."
    ext, cs = _claims(pipeline, text)
    assert _get(cs, 45).unit == "countries"
    assert _get(cs, 3).unit == "agencies" and "international agencies" in _get(cs, 3).subject


def test_a_bare_figure_compared_with_a_counted_one(pipeline):
    text = ("The ministry said it had tripled its presence to roughly 2,100 police officers, up from 700 last year.")
    ext, cs = _claims(pipeline, text)
    assert _get(cs, 2100).qualifier == "about"
    up_from = _get(cs, 700)
    assert up_from.unit == _get(cs, 2100).unit


def test_millions(pipeline):
    ext, cs = _claims(pipeline, "Aid agencies said 1.5 million people need food in the province.")
    assert _get(cs, 1500000).unit == "people"


def test_a_number_in_a_quote_is_claimed_by_the_speaker(pipeline):
    text = "“We have trained 900 recruits since March,” said Col. Idris Malouf."
    ext, cs = _claims(pipeline, text)
    c = _get(cs, 900)
    assert c.unit == "recruits" and c.speaker is not None and c.speaker.name == "Idris Malouf"


def test_dates_durations_ages_percentages_and_names_are_not_claims(pipeline):
    text = ("In 2019 the unit served two years in the desert. Children aged 12 were among those held. "
            "F-16s flew 30 percent more sorties, and CTF 50 escorted ships on 5 May.")
    ext, cs = _claims(pipeline, text)
    assert not any(c.value in (2019, 2, 12, 16, 30, 50, 5) for c in cs), [(c.value, c.unit) for c in cs]
