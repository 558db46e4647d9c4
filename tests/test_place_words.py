"""Which capitalised words are places: names the model mislabels after a place and a comma, English
words inside names ("Veterans on Patrol"), nicknames in quotes, the first word of a Romance name.

Sentences written here; the real spaCy model and the real gazetteer. Names like "Xyzstad" are made
up on purpose: the gazetteer cannot know them, so only the name after them can place them.
"""
from __future__ import annotations

from sitrep.nlp.place_spans import is_common_word
from sitrep.resolve import chains


def places(pipeline, text):
    return pipeline.extract(text).places


def texts(ps):
    return [p.text for p in ps]


def at(ps, text):
    hits = [p for p in ps if p.text == text]
    assert hits, f"{text!r} not among {texts(ps)}"
    return hits[0]


def test_a_name_after_a_place_and_a_comma_is_its_container_whatever_the_model_called_it(pipeline):
    # the small model tags "Luhansk" here as a PERSON; the writer's chain says it is where Xyzcheve lies
    ps = places(pipeline, "Rebels dropped grenades near Xyzcheve (west), Luhansk. No one was hurt.")
    p = at(ps, "Xyzcheve")
    assert p.fallback and p.country_code == "UA" and p.admin1 == "Luhanska oblast"
    assert at(ps, "Luhansk").geonameid is not None


def test_a_note_in_brackets_between_a_place_and_its_container_links_them():
    text = "near Xyzcheve (west), Luhansk."
    a, b = text.index("Xyzcheve"), text.index("Luhansk")
    assert chains.links(text, [(a, a + 8), (b, b + 7)]) == [1, None]
    # a bracket that names something is no note: "(Xyzane)" is a second name, read by its own rule
    assert not chains.linked(" (Xyzane), ")


def test_english_words_are_told_from_rare_names():
    assert is_common_word("Patrol") and is_common_word("White") and is_common_word("Constitution")
    assert not is_common_word("Markaryd") and not is_common_word("Xyzstad") and not is_common_word("Al Bab")


def test_a_capitalised_english_word_is_no_village_where_the_article_is_elsewhere(pipeline):
    # GeoNames has a village called Patrol (Indonesia); a group called "Veterans on Patrol" is no evidence of it
    ps = places(pipeline, "Members of Veterans on Patrol conducted a patrol near Tucson, Arizona.")
    assert "Patrol" not in texts(ps) and at(ps, "Tucson").country_code == "US"


def test_a_nickname_in_quotes_is_part_of_a_persons_name(pipeline):
    ps = places(pipeline, "Supporters of Ferdinand 'Bongbong' Marcos rallied in Manila on Monday.")
    assert texts(ps) == ["Manila"] and ps[0].country_code == "PH"


def test_the_first_word_of_a_romance_name_is_not_a_town_of_its_own(pipeline):
    # "Largo" is a town in Florida; "Largo do Xyzmeda" is a square's name
    ps = places(pipeline, "Workers marched from Largo do Xyzmeda to the square in Luanda on Monday.")
    assert "Largo" not in texts(ps) and at(ps, "Luanda").country_code == "AO"
    # a whole name the gazetteer knows stays one place
    assert at(places(pipeline, "Protesters marched in Sao Paulo de Olivenca on Monday."),
              "Sao Paulo de Olivenca").country_code == "BR"


def test_a_rare_name_right_after_in_is_a_town_whatever_the_model_called_it(pipeline):
    # the small model tags "Markaryd" (a Swedish town of 4,000) as an organisation; no word of English is in
    # it and "in" stands right before it
    ps = places(pipeline, "Activists of a nationalist group demonstrated in Markaryd on Saturday.")
    assert at(ps, "Markaryd").country_code == "SE"
    # an organisation's name after "to" with a possessive stays one
    ps = places(pipeline, "The drawings went to Prate's Paris office in March.")
    assert texts(ps) == ["Paris"]


def test_an_actors_name_is_no_place(pipeline):
    # GeoNames lists "Hamas" among the names of Hamm, in Germany
    assert places(pipeline, "Hundreds rallied in Hamas strongholds on Friday.") == []


def test_a_named_country_makes_its_neighbours_likelier():
    from sitrep.resolve.neighbours import neighbours

    nb = neighbours()
    assert "PS" in nb["IL"] and "IL" in nb["PS"] and "RU" in nb["UA"]
    assert all(a in nb[b] for a, bs in nb.items() for b in bs)          # symmetric


def test_gaza_in_an_article_about_israel_is_the_strip(pipeline):
    # Mozambique has a province called Gaza, larger than the city; the country named next door decides
    p = at(places(pipeline, "Israel said its aircraft struck targets in Gaza on Monday."), "Gaza")
    assert p.country_code == "PS"
