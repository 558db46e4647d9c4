"""Place chains, fallbacks up the chain, relations, the document's country and the region of interest.

Sentences written here; the real spaCy model and the real gazetteer. Names like "Xyzabad" are
made up on purpose: the gazetteer cannot know them, so they exercise the fallbacks.
"""
from __future__ import annotations

import pytest

from sitrep.resolve import chains
from sitrep.resolve.gazetteer import Gazetteer, distance_km


def places(pipeline, text, **kw):
    return pipeline.extract(text, **kw).places


def at(ps, text):
    hits = [p for p in ps if p.text == text]
    assert hits, f"{text!r} not among {[p.text for p in ps]}"
    return hits[0]


def near(p, lat, lon, km=60):
    return p.lat is not None and distance_km((p.lat, p.lon), (lat, lon)) <= km


# --------------------------------------------------------------------------- the words that link

@pytest.mark.parametrize("gap", [" village in ", " (", ", ", " district, ", " area of ", " neighbourhood of the ",
                                 ") village in ", " township (", " in the ", " sub-district of ", " - Upper Town ("])
def test_words_that_make_the_next_name_a_container(gap):
    assert chains.linked(gap)


@pytest.mark.parametrize("gap", [" and ", " to ", " said that ", " where fighters from ", ". ", " after clashes in ",
                                 " - captured, "])
def test_words_that_do_not(gap):
    assert not chains.linked(gap)


# --------------------------------------------------------------------------- chain patterns

def test_village_in_district_in_province_falls_back_to_the_district(pipeline):
    ps = places(pipeline, "Airstrikes hit Xyzabad village in Amedi district, Duhok, on Sunday.")
    x, amedi, duhok = at(ps, "Xyzabad"), at(ps, "Amedi"), at(ps, "Duhok")
    assert x.geonameid is None and x.fallback and x.container.text == "Amedi"
    assert (x.lat, x.lon) == (amedi.lat, amedi.lon) and x.country_code == "IQ" and x.geo_precision == 2
    assert amedi.country_code == "IQ" and amedi.admin1 == duhok.admin1 and amedi.container.text == "Duhok"
    assert duhok.precision == "admin1" and duhok.geo_precision == 3


def test_a_second_name_in_brackets(pipeline):
    ps = places(pipeline, "Airstrikes hit Xyzabad (Xyzane) village in Amedi district, Duhok.")
    x = at(ps, "Xyzabad")
    assert x.container.text == "Xyzane" and x.fallback and x.country_code == "IQ"
    assert near(x, 37.09, 43.49, 30)                     # Amedi's point: the smallest known container


def test_bracketed_containers_after_an_unknown_village(pipeline):
    ps = places(pipeline, "Gunmen abducted two farmers in the village of Qaryat Zzyx (Bankass, Mopti) on Friday.")
    v = at(ps, "Qaryat Zzyx")
    assert v.fallback and v.container.text == "Bankass" and v.country_code == "ML" and v.admin1 == "Mopti"
    ev = pipeline.extract("Gunmen abducted two farmers in the village of Qaryat Zzyx (Bankass, Mopti).").events
    assert ev and ev[0].location.text == "Qaryat Zzyx" and ev[0].location.lat == v.lat and ev[0].location.fallback


def test_a_name_inside_a_province_must_lie_in_it(pipeline):
    # Hit (a town in Anbar) has namesakes elsewhere; "Anbar province" decides
    ps = places(pipeline, "Clashes broke out in the Hit district of Anbar province.")
    p = next(p for p in ps if p.text.startswith("Hit"))
    assert p.country_code == "IQ" and p.admin1 and "Anbar" in p.admin1


def test_the_area_of_a_governorate(pipeline):
    p = at(places(pipeline, "Shelling struck the Xyzane area of Idlib governorate."), "Xyzane")
    assert p.fallback and p.country_code == "SY" and p.geo_precision == 3


def test_the_neighbourhood_of_a_city(pipeline):
    p = at(places(pipeline, "A car bomb exploded in the Zzyxiya neighbourhood of Mosul city."), "Zzyxiya")
    assert p.fallback and p.country_code == "IQ" and near(p, 36.34, 43.13, 10) and p.geo_precision == 2


def test_a_sub_district_of_unknown_name_takes_its_province(pipeline):
    ps = places(pipeline, "Militants attacked Zzyxan sub-district in Kirkuk province.")
    p = at(ps, "Zzyxan")
    assert p.fallback and p.country_code == "IQ" and p.admin1 == at(ps, "Kirkuk province").admin1


def test_town_comma_province(pipeline):
    # a town and its province: the province decides between namesakes
    p = at(places(pipeline, "Protesters gathered outside the courthouse in Hartford, Connecticut."), "Hartford")
    assert p.country_code == "US" and p.admin1 == "Connecticut" and near(p, 41.76, -72.69, 10)


def test_a_list_is_not_a_chain(pipeline):
    ps = places(pipeline, "Militants remain active in the mountains of Kirkuk, Diyala and Salah ad-Din.")
    assert all(p.container is None for p in ps)
    assert at(ps, "Kirkuk").geonameid is not None and at(ps, "Diyala").geonameid is not None


def test_town_then_province_in_brackets(pipeline):
    p = at(places(pipeline, "Workers demonstrated in Hartford (Connecticut) on Tuesday."), "Hartford")
    assert p.admin1 == "Connecticut" and p.geo_precision == 1


@pytest.mark.parametrize("text,name,relation", [
    ("Militants attacked a checkpoint near Baiji on Monday.", "Baiji", "near"),
    ("Fighting went on in the outskirts of Mosul.", "Mosul", "outskirts"),
    ("Artillery shelled the Idlib countryside.", "Idlib", "countryside"),
    ("Gunmen attacked a checkpoint east of Ramadi.", "Ramadi", "east"),
])
def test_relations_keep_the_place_and_say_near(pipeline, text, name, relation):
    p = at(places(pipeline, text), name)
    assert p.relation == relation and p.geonameid is not None and p.geo_precision in (2, 3)
    assert p.phrase is not None and text[p.phrase.start:p.phrase.end] == p.phrase.text


def test_between_two_places(pipeline):
    ps = places(pipeline, "Clashes erupted between Tikrit and Samarra on Monday.")
    for name in ("Tikrit", "Samarra"):
        p = at(ps, name)
        assert p.relation == "between" and p.geo_precision == 2 and p.phrase.text == "between Tikrit and Samarra"


def test_a_road_between_two_towns(pipeline):
    text = "A roadside bomb exploded on the Kirkuk–Tikrit road."
    ps = places(pipeline, text)
    assert {p.relation for p in ps if p.text in ("Kirkuk", "Tikrit")} == {"road"}
    assert at(ps, "Kirkuk").phrase.text == "Kirkuk–Tikrit road"


def test_a_provincial_border(pipeline):
    ps = places(pipeline, "Clashes on the Anbar-Salahuddin provincial border killed two.")
    assert at(ps, "Anbar").relation == "border" and at(ps, "Salahuddin").relation == "border"


def test_nothing_known_in_the_chain_means_no_coordinates(pipeline):
    ps = places(pipeline, "Gunmen attacked Zzyxabad village in Qqxyane district.")
    for p in ps:
        if p.text in ("Zzyxabad", "Qqxyane"):
            assert p.lat is None and p.geonameid is None and not p.fallback


# --------------------------------------------------------------------------- the event's place

def test_the_event_takes_the_most_specific_place_of_its_chain(pipeline):
    ev = pipeline.extract("Turkish warplanes bombed Xyzabad village in Amedi district, Duhok, on Sunday.").events
    assert ev and ev[0].location.text == "Xyzabad" and ev[0].location.country_code == "IQ"
    assert ev[0].location.geo_precision == 2


def test_nationality_words_are_places_of_their_country_but_never_the_events(pipeline):
    ext = pipeline.extract("Turkish warplanes struck positions in Kirkuk on Monday.")
    t = at(ext.places, "Turkish")
    assert t.adjectival and t.country_code == "TR" and t.precision == "country"
    assert near(t, 39.0, 35.0, 25)                           # GeoNames' point for Turkey
    assert ext.events and ext.events[0].location.text == "Kirkuk"


# --------------------------------------------------------------------------- the document's country

def test_a_lone_ambiguous_town_follows_the_document_country(pipeline):
    # Hit: a town in Iraq's Anbar, and namesakes elsewhere; Iraqi actors and places decide
    p = at(places(pipeline, "Iraqi troops clashed with militants in Hit after leaving Ramadi and Baghdad."), "Hit")
    assert p.country_code == "IQ"


def test_the_region_of_interest_breaks_ties_without_excluding_the_world(pipeline):
    from sitrep.pipeline import Pipeline

    text = "Protesters gathered in Tripoli on Friday."
    lb = Pipeline(countries="LB")
    assert at(lb.extract(text).places, "Tripoli").country_code == "LB"
    ly = Pipeline(countries=["ly"])
    assert at(ly.extract(text).places, "Tripoli").country_code == "LY"
    # the rest of the world stays reachable: a place named with its country is that country's
    assert at(lb.extract("Protesters gathered in Lyon, France.").places, "Lyon").country_code == "FR"


def test_countries_from_the_environment_and_the_config_file(tmp_path, monkeypatch):
    from sitrep import config

    monkeypatch.delenv("SITREP_COUNTRIES", raising=False)
    monkeypatch.setenv("SITREP_CONFIG", str(tmp_path / "config.toml"))
    assert config.countries() == ()
    (tmp_path / "config.toml").write_text('[places]\ncountries = ["iq", "SY"]\n', encoding="utf-8")
    assert config.countries() == ("IQ", "SY")
    monkeypatch.setenv("SITREP_COUNTRIES", "LY")
    assert config.countries() == ("LY",)
    assert config.countries("TR,SY") == ("TR", "SY")
    with pytest.raises(config.ConfigError, match="SYR"):
        config.countries("IQ,SYR")
    monkeypatch.delenv("SITREP_COUNTRIES")
    (tmp_path / "config.toml").write_text("[places]\ncountries = 3\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="config.toml"):
        config.countries()


def test_countries_on_the_command_line(tmp_path):
    import json
    import os
    import subprocess
    import sys

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Protesters gathered in Tripoli on Friday."}) + "\n", encoding="utf-8")
    cli = [sys.executable, "-m", "sitrep"]
    env = {k: v for k, v in os.environ.items() if k != "SITREP_COUNTRIES"}
    for cc in ("LB", "LY"):
        out = tmp_path / f"{cc}.jsonl"
        r = subprocess.run(cli + ["extract", str(src), "-o", str(out), "--countries", cc, "--workers", "1"],
                           capture_output=True, text=True, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        got = json.loads(out.read_text(encoding="utf-8"))
        assert [p["country_code"] for p in got["places"] if p["text"] == "Tripoli"] == [cc]
    r = subprocess.run(cli + ["extract", str(src), "-o", str(tmp_path / "x.jsonl"), "--countries", "Libya"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 2 and "Libya" in r.stderr + r.stdout


# --------------------------------------------------------------------------- admin1 everywhere

def test_every_resolved_point_has_an_admin1(pipeline):
    text = ("Clashes in Hajin, Deir ez-Zor, spread to Mosul and Tal Afar. Protesters marched in Lyon, Metz and "
            "Hartford. Shelling hit Kharkiv and Sumy. A bomb exploded in Mogadishu. Police dispersed crowds in "
            "Nairobi and Bamako.")
    ps = [p for p in places(pipeline, text) if p.lat is not None and p.precision not in ("country", "region")]
    assert len(ps) >= 10
    assert all(p.admin1 for p in ps), [(p.text, p.name) for p in ps if not p.admin1]


def test_offsets_hold_for_every_place_and_phrase(pipeline):
    text = ("Airstrikes hit Xyzabad (Xyzane) village in Amedi district, Duhok, and the Kirkuk–Tikrit road; "
            "Turkish and U.S. officials met between Tikrit and Samarra.")
    for p in places(pipeline, text):
        assert text[p.start:p.end] == p.text
        if p.phrase:
            assert text[p.phrase.start:p.phrase.end] == p.phrase.text
        if p.container:
            assert text[p.container.start:p.container.end] == p.container.text


# --------------------------------------------------------------------------- containers the writer names

def test_a_namesake_outside_the_named_province_is_not_taken(pipeline):
    # every Novoselivka the gazetteer knows lies outside Luhansk oblast: the village stays unknown
    # and falls back to its container, which is read as written (Luhansk, not a village "Luhanske")
    ps = places(pipeline, "Russian artillery shelled positions in Novoselivka, Luhansk on Monday.",
                published="2022-05-02")
    village, container = at(ps, "Novoselivka"), at(ps, "Luhansk")
    assert container.name == "Luhansk" and container.admin1.startswith("Luhansk")
    assert village.geonameid is None and village.fallback and village.admin1 == container.admin1
    assert (village.lat, village.lon) == (container.lat, container.lon)


@pytest.mark.parametrize("text, name, admin1", [
    ("Gunmen killed two men in Campo Grande, Mato Grosso do Sul, on Sunday.", "Mato Grosso do Sul",
     "Mato Grosso do Sul"),
    ("Farmers blocked a highway near Natal (Rio Grande do Norte) on Tuesday.", "Rio Grande do Norte",
     "Rio Grande do Norte"),
])
def test_names_with_lower_case_words_inside(pipeline, text, name, admin1):
    p = at(places(pipeline, text, published="2022-05-02"), name)
    assert p.admin1 == admin1 and p.precision == "admin1"


# --------------------------------------------------------------------------- this round's error classes

def test_a_governorate_listed_under_a_geonames_division_is_not_the_division(pipeline):
    # ISO 3166-2 lists the West Bank's governorates at level 1, all under GeoNames' PS.WE
    p = at(places(pipeline, "Soldiers arrested a teacher in Beit Ummar, Hebron governorate, on Monday."), "Beit Ummar")
    assert p.country_code == "PS" and p.admin1 == "West Bank"


def test_an_unknown_township_falls_back_to_its_region_not_a_namesake_abroad(pipeline):
    ps = places(pipeline, "Soldiers burned houses in Gangaw township (Gangaw district, Magway region) on Sunday.")
    p = at(ps, "Gangaw")
    assert p.country_code == "MM" and p.admin1 == "Magway" and p.fallback


def test_a_division_named_before_state_is_a_container(pipeline):
    ps = places(pipeline, "Fighting displaced families near Xyzmoon (Xyzmoon locality, West Darfur state) on Friday.")
    p = at(ps, "Xyzmoon")
    assert p.fallback and p.country_code == "SD" and p.admin1 == "West Darfur"


def test_a_weak_division_written_as_a_container_is_kept(pipeline):
    ps = places(pipeline, "Militants stopped road users near the village of Xyzkongou (Xyzchari, Tapoa) on Tuesday.")
    p = at(ps, "Xyzkongou")
    assert p.fallback and p.country_code == "BF" and p.admin1 == "Est" and p.admin2 == "Tapoa"


def test_the_country_of_forces_is_not_where_they_fought(pipeline):
    text = "Rebels exchanged fire with military forces of Pakistan at Bolan town (Kachhi district, Balochistan)."
    ev = pipeline.extract(text).events
    assert ev and ev[0].location is not None and ev[0].location.precision != "country"
    assert ev[0].location.country_code == "PK" and ev[0].location.text == "Bolan"


def test_a_province_of_one_country_pins_its_chain(pipeline):
    # Toledo is a city in Spain and in the United States, none in Mozambique: the province the writer
    # names rules them out, so the town falls back to the province instead of leaving it unknown
    ps = places(pipeline, "Militants burned a market in Toledo (Toledo district, Cabo Delgado) on Monday.")
    p = at(ps, "Toledo")
    assert p.country_code == "MZ" and p.admin1 == "Cabo Delgado" and p.fallback
    assert at(ps, "Cabo Delgado").geonameid is not None


def test_a_province_written_last_is_the_province_not_a_village_of_its_name(pipeline):
    # GeoNames has a Benito Juárez and a village called Nuevo León side by side in Baja California; the
    # writer means the state of Nuevo León (the town there is "Ciudad Benito Juárez": not this name)
    ps = places(pipeline, "Police found two bodies in Benito Juarez, Nuevo Leon, on Sunday.")
    assert at(ps, "Nuevo Leon").feature_code == "ADM1"
    assert at(ps, "Benito Juarez").admin1 == "Nuevo León"
    # a city that is also its own province stays the city
    cairo = at(places(pipeline, "Riot police detained dozens in Cairo's Abbasiya district on Friday."), "Cairo")
    assert cairo.feature_code == "PPLC" and cairo.country_code == "EG"


def test_a_district_word_keeps_the_readings_of_the_bare_name(pipeline):
    # GeoNames has a "Mansa District" in Zambia and calls the Indian district "Mansa": "Mansa district,
    # Punjab" is the Indian one, and Punjab is resolved
    ps = places(pipeline, "Police arrested two farmers' leaders in Mansa (Mansa district, Punjab) on Friday.")
    assert at(ps, "Mansa").country_code == "IN" and at(ps, "Mansa district").country_code == "IN"
    assert at(ps, "Punjab").country_code == "IN" and at(ps, "Punjab").geonameid is not None


def test_a_name_that_qualifies_a_common_noun_is_weak(pipeline):
    ps = places(pipeline, "Later, the protesters gathered in front of the Marriott hotel in Yerevan.")
    assert [p.text for p in ps if p.lat is not None] == ["Yerevan"]


def test_a_nationality_word_tagged_as_a_place_votes_for_its_country(pipeline):
    ps = places(pipeline, "Russian forces fired artillery at Ukrainian positions near Xyzorivka, Kherson.")
    p = at(ps, "Xyzorivka")
    assert p.country_code == "UA" and p.fallback


# --------------------------------------------------------------------------- parts of a town

def test_a_neighbourhood_lies_in_the_town_the_story_is_in(pipeline):
    # a town called Villanueva lies 180 km away; the colonia is in Tegucigalpa
    ps = places(pipeline, "Police said armed men killed a bus driver on Sunday in Tegucigalpa, in the colonia Villanueva.")
    p = at(ps, "Villanueva")
    assert near(p, 14.08, -87.21, km=25) and p.country_code == "HN"


def test_an_unknown_neighbourhood_falls_back_to_its_town(pipeline):
    text = "In Mosul, gunmen killed a shopkeeper in the Xyzdiya neighbourhood on Monday."
    p = at(places(pipeline, text), "Xyzdiya")
    assert p.fallback and near(p, 36.34, 43.12, km=10) and p.container is None
    ev = pipeline.extract(text).events
    assert ev and near(ev[0].location, 36.34, 43.12, km=10)


def test_an_unknown_name_written_as_a_place_falls_back_to_the_storys_town(pipeline):
    text = "On Thursday, activists marched in Medellin. Later they gathered near La Xyzarra and blocked a road."
    p = at(places(pipeline, text), "La Xyzarra")
    assert p.fallback and p.country_code == "CO" and near(p, 6.25, -75.57, km=10) and p.container is None
    # a name with nothing that calls it a place gets no point
    assert "Xyzbert" not in [q.text for q in places(pipeline, "In Medellin, Xyzbert said the march was peaceful.")
                             if q.lat is not None]


def test_a_town_before_suburb_of_is_the_town_itself(pipeline):
    p = at(places(pipeline, "He grew up in the Cincinnati suburb of West Chester."), "Cincinnati")
    assert not p.fallback and p.geonameid is not None and near(p, 39.13, -84.51, km=10)


def test_where_people_came_from_is_not_where_the_event_happened(pipeline):
    ev = pipeline.extract("Police arrested 40 migrants from Eritrea at a checkpoint in Gedaref on Monday.").events
    assert ev and ev[0].location is not None and ev[0].location.country_code == "SD"


def test_names_in_brackets_are_the_chain_even_when_the_model_reads_them_otherwise(pipeline):
    # "Al Maslub" and "Al Jawf" are tagged ORG and PERSON by the small model: in brackets after a
    # place they are its district and province, and the unknown village falls back to the district
    p = at(places(pipeline, "Air raids targeted Xyzqiyah (Al Maslub, Al Jawf) on Thursday, killing cattle."), "Xyzqiyah")
    assert p.fallback and p.country_code == "YE" and p.container is not None and p.container.text == "Al Maslub"


def test_a_country_that_leads_a_coalition_is_not_where_it_strikes(pipeline):
    ps = places(pipeline, "Saudi-led coalition air raids targeted Xyzabad (Al Maslub, Al Jawf) on Thursday.")
    assert at(ps, "Al Jawf").country_code == "YE"
    from sitrep import nlp
    from sitrep.nlp.places import KEY
    doc = nlp.load()("Iran-backed militias fired rockets at a base in Anbar.")
    assert [c.sponsor for c in doc.user_data[KEY] if c.text == "Iran"] == [True]


def test_a_name_before_a_comma_and_a_province_is_a_place_in_it(pipeline):
    # the small model tags such village names ORG or nothing; after "shelled"/"on" and before ", Province"
    # they are places of that province, falling back to it when the gazetteer lacks them
    p = at(places(pipeline, "On Monday, artillery shelled Xyzivka, Kharkiv, damaging houses."), "Xyzivka")
    assert p.fallback and p.country_code == "UA"
    p = at(places(pipeline, "Two farmers were killed on Sunday in Xyzadillo (Norte de Santander)."), "Xyzadillo")
    assert p.fallback and p.country_code == "CO" and p.admin1 == "Norte de Santander"


@pytest.mark.parametrize("text,name,admin1", [
    ("Troops killed scores of militants in Marte LGA (Borno) on Monday.", "Marte", "Borno"),
    ("Jets struck militant positions in the area of Xyzata (Xyzmayel, Soum) on Friday.", "Xyzata", "Sahel"),
])
def test_local_division_words_and_the_broadest_container(pipeline, text, name, admin1):
    p = at(places(pipeline, text), name)
    assert p.lat is not None and p.admin1 == admin1


def test_a_possessive_puts_the_second_place_in_the_first(pipeline):
    ps = places(pipeline, "Rebels shelled Syria's Idlib province on Monday.")
    p = at(ps, "Idlib")
    assert p.country_code == "SY" and p.container is not None and p.container.text == "Syria"
    assert chains.links("Syria's Idlib", [(0, 5), (8, 13)]) == [None, 0]


def test_a_neighbourhood_after_a_comma_is_in_the_town_before_it(pipeline):
    # "Zahra" is also a district in Kuwait: the town named first holds the neighbourhood, not the reverse
    ps = places(pipeline, "In Mosul, the Zahra neighbourhood was shelled on Monday.")
    assert near(at(ps, "Mosul"), 36.34, 43.12, km=10) and near(at(ps, "Zahra"), 36.34, 43.12, km=25)
    # and a chain that would loop through the town ends: this returns
    ps = places(pipeline, "Gunmen attacked Xyzabad village, Mosul, the Zahra neighbourhood, on Monday.")
    assert at(ps, "Xyzabad").fallback


def test_a_reading_its_container_rules_out_is_dropped_not_the_container(pipeline):
    # Solhan is known only in Turkey, Yagha only in Burkina Faso: the writer's container wins
    ps = places(pipeline, "Militants and volunteer fighters clashed in the village of Xyzabad (Solhan, Yagha) on Monday.")
    solhan = at(ps, "Solhan")
    assert solhan.geonameid is None and solhan.fallback and solhan.country_code == "BF"
    assert at(ps, "Xyzabad").country_code == "BF"


def test_a_name_of_one_place_outweighs_a_name_many_countries_share(pipeline):
    # Kutkai is a town of Myanmar; Muse is known here only in the United States and Yemen: Kutkai stays
    ps = places(pipeline, "A villager stepped on a landmine near Xyzabad village of Kutkai township "
                          "(Muse district) on Sunday.")
    assert at(ps, "Kutkai").country_code == "MM" and at(ps, "Xyzabad").country_code == "MM"
    # a province by its short name, in the country of the town before it
    ps = places(pipeline, "Police dispersed a protest in Nuwara Eliya (Central) on Friday.")
    assert at(ps, "Central").country_code == "LK" and at(ps, "Central").precision == "admin1"


def test_a_named_park_or_square_is_part_of_the_town_it_is_in(pipeline):
    # "Centennial Park" is also a suburb of Sydney; "in downtown Lander" puts it in Lander
    ps = places(pipeline, "Students gathered at Centennial Park in downtown Lander, Wyoming, on Friday to protest.")
    park = at(ps, "Centennial Park")
    assert park.container.text == "Lander" and park.country_code == "US" and park.fallback
    assert near(park, 42.83, -108.73, km=5)


def test_a_capital_after_in_is_a_place_without_a_country_named(pipeline):
    ps = places(pipeline, "In Tunis on Sunday, hundreds of people rallied against the new constitution.")
    assert at(ps, "Tunis").country_code == "TN" and at(ps, "Tunis").feature_code == "PPLC"


def test_a_place_name_the_model_split_in_two_is_one_name(pipeline):
    from spacy.tokens import Span

    from sitrep.nlp.place_spans import glued_entities

    doc = pipeline.nlp.make_doc("Troops burned Xyz Taw Ma village and Zzy Thar town near Abc, Bcd.")
    doc.ents = [Span(doc, 2, 3, "GPE"), Span(doc, 3, 5, "PERSON"), Span(doc, 7, 8, "GPE"), Span(doc, 11, 12, "GPE"),
                Span(doc, 13, 14, "GPE")]
    merged = [(e.text, e.label_) for e in glued_entities(doc, {"GPE", "LOC", "FAC"}, {"village", "town"}, set())]
    # glued and followed by a kind of place: one name; separated by a comma: two
    assert merged == [("Xyz Taw Ma", "GPE"), ("Zzy Thar", "GPE"), ("Abc", "GPE"), ("Bcd", "GPE")]
    ps = places(pipeline, "Residents blocked a road in Mineral del Chico, Hidalgo, on Tuesday.")
    assert at(ps, "Mineral del Chico").country_code == "MX"


def test_a_town_written_as_a_container_is_a_place_without_a_country_named(pipeline):
    ps = places(pipeline, "The defence ministry said it had taken control of Xyzivka, Donetsk, on Tuesday.")
    donetsk, x = at(ps, "Donetsk"), at(ps, "Xyzivka")
    assert donetsk.geonameid is not None and x.fallback and x.container.text == "Donetsk"


def test_one_place_entity_with_a_comma_is_a_town_and_its_container(pipeline):
    from spacy.tokens import Span

    from sitrep.nlp.place_spans import glued_entities

    doc = pipeline.nlp.make_doc("Workers protested in Xyz county (Abcnan, Gansu) on Monday.")
    doc.ents = [Span(doc, 3, 4, "GPE"), Span(doc, 6, 9, "GPE")]
    assert [e.text for e in glued_entities(doc, {"GPE"}, {"county"}, set())] == ["Xyz", "Abcnan", "Gansu"]


def test_the_nationality_of_who_strikes_casts_no_vote_for_where(pipeline):
    # "Russian forces" names who shelled, not where: Donetsk is the Ukrainian city, not Rostov's Donetsk
    ps = places(pipeline, "On Monday, Russian forces shelled Xyzivka, Donetsk, killing one civilian.")
    assert at(ps, "Donetsk").country_code == "UA" and at(ps, "Xyzivka").country_code == "UA"


def test_a_division_with_a_compass_part_is_that_division(pipeline):
    # "Shan-North": the northern part of Shan State, a name the gazetteer does not list
    ps = places(pipeline, "Troops burned houses in Zzyxane village (Kyaukme district, Shan-North state) on Friday.")
    shan = at(ps, "Shan-North")
    assert (shan.country_code, shan.feature_code) == ("MM", "ADM1") and shan.admin1 == "Shan"
    village = at(ps, "Zzyxane")
    assert village.geonameid is None and village.country_code == "MM" and village.admin1 == "Shan"


@pytest.mark.parametrize("name,reads", [("Shan-North", True), ("Kutkai-North", False), ("Shan-Nowhere", False)])
def test_only_a_division_with_a_compass_word_joined_reads_as_the_division(pipeline, name, reads):
    # Kutkai is a town, not a division; "Nowhere" is no compass word
    from sitrep.nlp.place_spans import lookup
    from sitrep.nlp.places import cues
    from sitrep.resolve.gazetteer import Gazetteer
    entries = lookup(Gazetteer.open(), cues()["directions"], name)
    assert bool(entries) == reads and all(e.feature_code in ("ADM1", "ADM2") for e, _ in entries)


def test_a_sentence_opening_preposition_is_not_part_of_the_name(pipeline):
    ps = places(pipeline, "In Zzyxane village, soldiers searched every house.")
    assert [p.text for p in ps] == ["Zzyxane"]


def test_a_town_the_model_calls_an_organisation_is_a_place_when_its_province_follows(pipeline):
    # spaCy tags the town ORG here; the province written after it holds one of its readings
    ps = places(pipeline, "Soldiers fired at the farmers of Trostianets, Sumy, wounding three.")
    town = at(ps, "Trostianets")
    assert town.country_code == "UA" and town.admin1 == "Sumska oblast" and town.feature_code.startswith("PPL")


def test_an_unknown_name_written_again_is_where_its_first_mention_is(pipeline):
    ps = places(pipeline, "On Monday, in Zzyx Chaung village (Qqyaing township, Katha district, Sagaing region), "
                          "soldiers burned houses. The soldiers then turned back to the Qqyaing town and arrested two men.")
    first, second = [p for p in ps if p.text == "Qqyaing"]
    assert second.container is None and second.geonameid is None and second.fallback
    assert (second.lat, second.lon, second.admin1) == (first.lat, first.lon, first.admin1) and first.lat is not None


def test_a_district_whose_name_opens_with_a_compass_word_is_that_district(pipeline):
    ps = places(pipeline, "Locals held a protest in Lower Dir city against power cuts.")
    d = at(ps, "Lower Dir")
    assert (d.country_code, d.feature_code, d.relation) == ("PK", "ADM2", None)


def test_a_place_inside_an_armed_groups_short_name_is_in_its_name(pipeline):
    ps = places(pipeline, "IS Sahel militants killed three herders near Zzyxa (Ansongo, Gao).")
    assert at(ps, "Sahel").in_name == "IS Sahel"
    e = pipeline.extract("IS Sahel militants killed three herders near Zzyxa (Ansongo, Gao).").events[0]
    assert e.location is not None and e.location.country_code == "ML"


def test_nearness_to_places_spread_over_a_continent_does_not_count(pipeline):
    # the middle of Seattle, Portland, Miami and Boston is in Nebraska: it must not pull Louisville there
    ps = places(pipeline, "Rallies were held in Seattle, Portland, Miami and Boston, and in Louisville.")
    assert at(ps, "Louisville").admin1 == "Kentucky"


def test_a_name_the_writers_chain_left_unknown_stays_unknown_when_written_again(pipeline):
    # no Rio Negro lies in Huila (Colombia): the later mention is not the Argentine province or a Brazilian town
    ps = places(pipeline, "On Monday, in the rural area of Rio Negro corregimiento (Huila), gunmen threw an "
                          "explosive at a house near the Rio Negro reserve.")
    later = [p for p in ps if p.text == "Rio Negro"][-1]
    assert later.geonameid is None and later.country_code == "CO" and later.admin1 == "Huila"


def test_two_towns_that_are_neighbours_in_one_country_are_read_there(pipeline):
    # Edmonton and Enfield are each several towns; only in north London are they neighbours
    ps = places(pipeline, "Pupils from a primary school in Edmonton planted flowers, and the Enfield council praised them.")
    assert at(ps, "Edmonton").country_code == "GB" and at(ps, "Enfield").country_code == "GB"
    assert distance_km((at(ps, "Edmonton").lat, at(ps, "Edmonton").lon), (51.63, -0.06)) < 10


@pytest.mark.parametrize("text,where,code", [
    ("The government of Quebec announced new rules on Monday.", "Quebec", "ADM1"),
    ("Protesters marched in Quebec City on Saturday.", "Quebec City", "PPL"),
])
def test_a_bare_name_whose_city_is_written_city_is_the_province(pipeline, text, where, code):
    assert at(places(pipeline, text), where).feature_code == code


@pytest.mark.parametrize("text,name", [
    ("Ranchers from Montana and Wyoming met on Monday.", "Montana"),
    ("Ranchers from Montana and Wyoming met on Monday.", "Wyoming"),
    # GeoNames gives a village of Minnesota the alternate name "Minnesota": no reason to leave the state
    ("Police searched four Minnesota homes.", "Minnesota"),
])
def test_a_state_outranks_the_towns_named_like_it(pipeline, text, name):
    p = at(places(pipeline, text), name)
    assert (p.feature_code, p.country_code, p.admin1) == ("ADM1", "US", name)


def test_a_country_has_one_capital_not_every_town_of_its_name():
    washingtons = [e for e, t in Gazetteer.open().lookup("Washington") if t == 0 and e.country_code == "US"]
    assert len(washingtons) > 10
    assert [e.admin1 for e in washingtons if e.feature_code == "PPLC"] == ["District of Columbia"]


@pytest.mark.parametrize("text,name,province", [
    ("The sheriff of Plymouth said Massachusetts troopers had found the car.", "Plymouth", "Massachusetts"),
    ("Floods closed roads around Oxford, and North Carolina officials opened shelters.", "Oxford", "North Carolina"),
])
def test_a_town_is_read_in_the_province_the_article_names(pipeline, text, name, province):
    assert at(places(pipeline, text), name).admin1 == province


def test_a_capital_of_a_named_country_is_not_a_town_of_a_named_province(pipeline):
    # (a Paris of Kentucky exists; the article names France)
    ps = places(pipeline, "A nurse from Kentucky was on holiday in France when a gunman opened fire in Paris, "
                          "the Kentucky hospital that employs her told the Louisville Courier.")
    assert (at(ps, "Paris").country_code, at(ps, "Paris").feature_code) == ("FR", "PPLC")


@pytest.mark.parametrize("text,town,country", [
    # the model takes "Chisinau - Botanica" for an organisation's name
    ("On Friday, dozens of farmers rallied outside the Finance Ministry in Chisinau - Ciocana, demanding subsidies.",
     "Chisinau", "MD"),
    # and "Port-au-Prince - Carrefour Feuilles" for one unknown place
    ("On Monday, in Port-au-Prince - Carrefour Feuilles, gunmen killed a driver.", "Port-au-Prince", "HT"),
])
def test_a_town_with_its_part_after_a_spaced_dash_is_where_the_event_is(pipeline, text, town, country):
    e = pipeline.extract(text).events[0]
    assert e.location is not None and e.location.text == town and e.location.country_code == country


def test_a_town_with_its_part_after_a_dash_keeps_its_container(pipeline):
    ps = places(pipeline, "On Monday, in Sao Goncalo - Xyzabc (Rio de Janeiro), a crowd attacked a man.")
    assert at(ps, "Sao Goncalo").admin1 == "Rio de Janeiro" and at(ps, "Sao Goncalo").container is not None


def test_a_town_named_with_city_after_it_is_no_organisation(pipeline):
    # the model tags "Al Bayda City" ORG; the word after the town is a feature word, not a name's rest
    e = pipeline.extract("Two air strikes targeted Al Bayda City on Sunday.").events[0]
    assert e.location is not None and e.location.text == "Al Bayda City" and e.location.lat is not None


def test_a_place_in_a_report_that_names_no_country_is_kept(pipeline):
    # nothing names Yemen; "Marib", written as a container, is the only place the report gives
    ps = places(pipeline, "On 4 March 2022, the coalition conducted 2 air raids on Al Zzyq (coded to Jabal al Zzyq) "
                          "(Marib). Casualties unknown.")
    assert at(ps, "Marib").country_code == "YE"
