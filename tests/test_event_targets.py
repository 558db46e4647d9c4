"""Actor 2 as ACLED's codebook reads it: who an act was done to, whose property it hit, who met a crowd.

Sentences written for these tests; each names the class of report it stands for."""
import pytest

from conftest import primary


@pytest.mark.parametrize("text, sub_event_type, acled, words", [
    # a mob's victim is a civilian
    ("On 3 May 2022, a mob beat a suspected thief to death in Lilongwe.", "Mob violence", "Civilians (Malawi)",
     "thief"),
    # whoever is detained is a person, whatever the noun
    ("On 5 May 2022, police detained an opposition lawmaker in Harare.", "Arrests", "Civilians (Zimbabwe)",
     "opposition lawmaker"),
])
def test_the_people_an_act_was_done_to_are_civilians(pipeline, text, sub_event_type, acled, words):
    ev = primary(pipeline, text)
    assert ev.sub_event_type == sub_event_type
    assert ev.actor2.acled_actor == acled and ev.actor2.text == words


def test_destroyed_property_names_its_owner(pipeline):
    ev = primary(pipeline, "On 2 May 2022, rioters torched a police station in Kano.")
    assert ev.sub_event_type == "Looting/property destruction"
    assert ev.actor2.acled_actor == "Police Forces of Nigeria" and ev.actor2.text == "police"
    ev = primary(pipeline, "On 3 June 2022, an unknown person set fire to the building of the Russian National Guard "
                           "in Khabarovsk.")
    assert ev.actor2 is not None and "National Guard" in ev.actor2.text


def test_property_of_nobody_named_belongs_to_civilians(pipeline):
    ev = primary(pipeline, "On 4 May 2022, unknown attackers burned down three houses in Gulu.")
    assert ev.sub_event_type == "Looting/property destruction"
    # the codebook's convention, not words of the article: no text, no offsets
    assert ev.actor2.acled_actor == "Civilians (Uganda)" and ev.actor2.text is None and ev.actor2.start is None


def test_people_of_a_nation_keep_their_nation(pipeline):
    ev = primary(pipeline, "On 6 May 2022, gendarmes detained 40 Syrian migrants near Edirne.")
    assert ev.actor2.acled_actor == "Civilians (Syria)" and ev.actor2.text == "Syrian migrants"


def test_who_dispersed_a_protest_is_its_second_actor(pipeline):
    ev = primary(pipeline, "On 9 May 2022, teachers marched in Nairobi to demand higher pay. "
                           "Police fired tear gas to disperse them.")
    assert ev.sub_event_type == "Protest with intervention"
    assert ev.actor2.acled_actor == "Police Forces of Kenya" and ev.actor1.text == "teachers"


def test_the_toll_of_a_shell_names_its_victims(pipeline):
    ev = primary(pipeline, "On 10 May 2022, a mortar shell hit a market in Aden, killing two civilians.")
    assert ev.event_type == "Explosions/Remote violence"
    assert ev.actor2.acled_actor == "Civilians (Yemen)"


@pytest.mark.parametrize("text", [
    "On 11 May 2022, warplanes struck Marib district.",                        # a place is no actor
    "On 12 May 2022, 3 air raids targeted Al Bayda city.",
])
def test_a_place_that_was_hit_is_no_second_actor(pipeline, text):
    ev = primary(pipeline, text)
    assert ev.actor2 is None


def test_a_device_that_was_hit_is_no_target(pipeline):
    ev = primary(pipeline, "On 12 May 2022, a truck hit a roadside bomb near Mopti, killing three soldiers.")
    assert ev.actor2 is not None and ev.actor2.text == "soldiers"


@pytest.mark.parametrize("text, country", [
    ("On 1 April 2022, rioters pelted stones at police officers during a march in Zomba.", "Malawi"),
    ("On 30 March 2022, striking nurses rallied outside the health ministry in Athens and then marched to "
     "parliament, where they clashed with riot police.", "Greece"),
])
def test_whom_rioters_fought_is_their_second_actor(pipeline, text, country):
    ev = primary(pipeline, text)
    assert ev.event_type == "Riots"
    assert ev.actor2 is not None and ev.actor2.acled_actor == f"Police Forces of {country}"
