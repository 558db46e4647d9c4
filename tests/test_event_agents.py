"""Actor 1 as ACLED's codebook reads it: who did it, even where the small parser loses the subject,
and the crowd of a demonstration whoever leads it.

Sentences written for these tests; each names the class of report it stands for."""
import pytest

from conftest import primary


@pytest.mark.parametrize("text, acled, words", [
    # a fronted place swallows the subject as one more item of its list: "in Tula, soldiers and police"
    ("On 3 June 2022, in Tula, soldiers and police arrested 12 smugglers.", "Military Forces of Russia", "soldiers"),
    ("On 3 June 2022, in Tula, police and military forces arrested at least 40 members of local gangs.",
     "Police Forces of Russia", "police"),
    # a second place after the comma is no subject
    ("In Tula, Kursk and Orel, police arrested 12 smugglers.", "Police Forces of Russia", "police"),
])
def test_the_subject_a_fronted_place_swallowed_did_it(pipeline, text, acled, words):
    ev = primary(pipeline, text)
    assert ev.sub_event_type == "Arrests"
    assert ev.actor1.acled_actor == acled and ev.actor1.text == words


def test_a_demonstration_led_by_a_named_group_is_its_crowd_with_the_group_associated(pipeline):
    ev = primary(pipeline, "On 23 May 2022, members of the Green Party demonstrated in Lyon against a new motorway.")
    assert ev.event_type == "Protests"
    assert ev.actor1.acled_actor == ev.actor1.name == "Protesters (France)"
    assert ev.actor1.entity_id is None and ev.actor1.text == "Green Party"    # the words that name the crowd
    assert [a.text for a in ev.assoc_actors][:1] == ["Green Party"] and ev.assoc_actors[0].entity_id


def test_a_force_named_at_a_demonstration_stays_the_force(pipeline):
    ev = primary(pipeline, "On 23 May 2022, police dispersed protesters with tear gas in Lyon.")
    assert ev.event_type == "Protests"
    assert ev.actor1.acled_actor == "Protesters (France)"
    assert ev.actor2.acled_actor == "Police Forces of France"


def test_a_second_place_name_in_the_fronted_list_is_skipped(pipeline):
    ev = primary(pipeline, "On 5 February 2022, in Zaragoza, La Libertad, gang members shot and killed a bus driver.")
    assert ev.actor1.acled_actor == "Unidentified Gang (El Salvador)" and ev.actor1.text == "gang members"


@pytest.mark.parametrize("text, acled", [
    # of a joint force the codebook names the first; a force word modifying another names the force
    ("On 3 June 2022, military officers detained 35 migrants near Xpujil.", "Military Forces of Mexico"),
    ("On 3 June 2022, soldiers and police detained 35 migrants near Xpujil.", "Military Forces of Mexico"),
    ("On 3 June 2022, police and soldiers detained 35 migrants near Xpujil.", "Police Forces of Mexico"),
])
def test_the_first_force_named_is_the_actor(pipeline, text, acled):
    assert primary(pipeline, text).actor1.acled_actor == acled


@pytest.mark.parametrize("text, words", [
    # whoever placed the device did it, not the vehicle (or the people) that set it off
    ("On 27 April 2022, a tractor exploded on an anti-tank mine planted by Russian forces near Bucha.",
     "Russian forces"),
    ("On 2 May 2022, a truck hit a landmine laid by rebels near Kidal, killing two people.", "rebels"),
    ("On 2 May 2022, two soldiers stepped on a mine planted by rebels near Kidal.", "rebels"),
])
def test_who_planted_the_device_did_it(pipeline, text, words):
    ev = primary(pipeline, text)
    assert ev.event_type == "Explosions/Remote violence"
    assert ev.actor1.text == words


@pytest.mark.parametrize("text, acled", [
    # a force told as moved is the actor of its move (ACLED's Change to group/activity)
    ("On 6 January 2022, government forces stationed in Shuqrah were moved to Ataq.", "Military Forces of Yemen"),
    ("Around 29 May 2022, military forces were stationed at a monastery in Buthidaung township.",
     "Military Forces of Myanmar"),
])
def test_a_force_moved_is_the_actor_of_its_move(pipeline, text, acled):
    ev = primary(pipeline, text)
    assert ev.sub_event_type == "Change to group/activity"
    assert ev.actor1.acled_actor == acled and ev.actor2 is None


def test_who_defused_a_device_did_the_defusing_not_who_planted_it(pipeline):
    ev = primary(pipeline, "On 9 February 2022, soldiers discovered and defused two IEDs planted by militants near Fada.")
    assert ev.sub_event_type == "Disrupted weapons use"
    assert ev.actor1.text == "soldiers"


def test_an_islamic_state_province_by_its_short_form(pipeline):
    ev = primary(pipeline, "On 24 March 2022, IS Sahel militants ambushed an army convoy near Tera, killing six soldiers.")
    assert ev.actor1.name == "Islamic State Sahel Province" and ev.actor1.text == "IS Sahel"


@pytest.mark.parametrize("text, words", [
    # the act as the means of a verb: the verb's subject did it
    ("On 14 April 2022, BLA militants targeted a military convoy with a bomb attack in Margat.", "BLA"),
    # a passive act inside an operation: the operation's agent did it
    ("On 26 June 2022, two men were arrested in a raid by police in Kano.", "police"),
    ("On 26 June 2022, five members of a local militia were killed during an operation by the Taliban in Ghor.",
     "Taliban"),
])
def test_the_agent_of_the_means_or_the_operation_did_it(pipeline, text, words):
    assert primary(pipeline, text).actor1.text == words


def test_a_unit_of_a_force_is_that_force(pipeline):
    ev = primary(pipeline, "On 17 March 2022, 31 migrants were stopped off the coast of Bodrum and detained by the "
                           "Coast Guard Command of the Turkish army.")
    assert ev.sub_event_type == "Arrests" and ev.actor1.text == "Turkish army"
