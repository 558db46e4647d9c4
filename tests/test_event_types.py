"""The event classifier and the one decision it makes with the lexicon and the codebook,
on sentences we wrote (the real model, the real gazetteer)."""
from __future__ import annotations

import pytest

from sitrep.extract.classifier import classifier
from sitrep.extract.lexicon import taxonomy


def events(pipeline, text, published="2025-03-10"):
    return [e for e in pipeline.extract(text, published).events if e.modality == "asserted"]


def sub_types(pipeline, text):
    return [e.sub_event_type for e in events(pipeline, text)]


# --------------------------------------------------------------------------- the classifier itself

def test_the_committed_head_covers_acleds_25_sub_types_and_none():
    clf = classifier()
    assert set(clf.classes) == set(taxonomy()) | {"none"}
    assert clf.temperature > 0 and clf.W.shape == (26, 384 + 26)
    assert clf.figures["rows"] >= 2500 and 0 <= clf.figures["ece"] < 0.1


@pytest.mark.parametrize("text,label", [
    ("Warplanes bombed a fuel depot outside the town on Sunday, residents said.", "Air/drone strike"),
    ("Police used tear gas and water cannon to break up a sit-in by students outside the parliament.",
     "Protest with intervention"),
    ("The foreign minister met his counterpart in Paris to discuss trade.", "none"),
    ("Unknown assailants abducted two aid workers on the road to the camp and demanded a ransom.",
     "Abduction/forced disappearance"),
])
def test_the_classifier_reads_sentences_it_never_saw(text, label):
    clf = classifier()
    p = clf.classify([text], [[0]], [set()])[0]
    assert abs(float(p.sum()) - 1.0) < 1e-4
    assert clf.classes[int(p.argmax())] == label


# --------------------------------------------------------------------------- the codebook's distinctions

@pytest.mark.parametrize("text,sub", [
    # state forces arrest; a non-state armed group that detains civilians abducts
    ("Police arrested three opposition activists in Kaduna on Monday.", "Arrests"),
    ("Fighters of a local militia detained three shepherds at a checkpoint near Dhamar on Monday.",
     "Abduction/forced disappearance"),
    # violence by an armed group on civilians is an Attack, not a clash
    ("Gunmen shot dead a farmer in his field near Jos on Tuesday.", "Attack"),
    # what protesters did makes a protest violent; what was done to them makes an intervention or excessive force
    ("Protesters blocked the highway with burning tyres in Kasese on Monday.", "Violent demonstration"),
    ("Riot police fired tear gas to disperse protesters outside the governor's office in Lagos on Monday.",
     "Protest with intervention"),
    ("Soldiers opened fire on peaceful protesters in Mandalay on Sunday, killing three of them.",
     "Excessive force against protesters"),
    # a crowd outside any demonstration
    ("A mob beat a suspected thief to death at a market in Kampala on Friday.", "Mob violence"),
    # killing armed men (police, soldiers, militants) is a clash, however one-sided
    ("Militants shot and killed three police officers near a market in Garissa on Tuesday.", "Armed clash"),
    ("Police shot and killed two gang members in Cap-Haitien on Sunday.", "Armed clash"),
    # demonstrators who throw stones make a violent demonstration, though the police disperse them
    ("Students threw stones at police during a demonstration in Nairobi on Monday; police fired tear gas to "
     "disperse them.", "Violent demonstration"),
    # a crowd is no armed group: residents fighting soldiers riot, residents killing a thief are a mob
    ("A group of villagers clashed with soldiers at a fuel depot near Jaffna on Saturday.", "Mob violence"),
    ("A suspected thief was beaten and killed by residents of a market street in Recife on Sunday.", "Mob violence"),
    # a detention with violence against the detained is violence against civilians; one whose
    # victims vanish is a forced disappearance
    ("Police officers detained and tortured a journalist in Bukavu on Monday.", "Attack"),
    ("Soldiers arrested two farmers near Kayes on Friday. Their whereabouts are unknown.",
     "Abduction/forced disappearance"),
    # an arrest after another act of the same forces ("stopped a bus and detained …") is no prevention
    ("Gendarmes stopped a minibus near Van and detained 30 migrants on Sunday.", "Arrests"),
])
def test_codebook_distinctions(pipeline, text, sub):
    assert sub in sub_types(pipeline, text)


def test_a_militia_capturing_a_militant_leader_arrests_him(pipeline):
    text = "Kurdish-led forces captured the leader of an Islamic State cell near Hasakah on Tuesday."
    subs = sub_types(pipeline, text)
    assert "Arrests" in subs and "Non-state actor overtakes territory" not in subs


def test_a_sentence_without_a_trigger_word_can_still_report_an_event(pipeline):
    # "set ... alight" and "looted" aside, no lexicon word: the classifier finds the event
    evs = events(pipeline, "On 4 May 2024, armed men emptied the shops of the market in Gao and drove off with the goods.")
    assert [e.sub_event_type for e in evs] == ["Looting/property destruction"]
    assert evs[0].trigger.text in ("emptied", "drove") and evs[0].confidence >= 0.45


def test_a_clash_and_the_air_strikes_it_drew_stay_two_events(pipeline):
    text = ("Islamic State fighters engaged Coalition forces near Hajin on Monday, resulting in "
            "Coalition air strikes on their positions.")
    subs = sub_types(pipeline, text)
    assert "Armed clash" in subs and "Air/drone strike" in subs


def test_a_definite_noun_names_the_event_told_before(pipeline):
    text = ("A roadside bomb killed three soldiers near Baiji on Monday.\n\n"
            "The bomb struck their vehicle on the road north of the town, officials said.")
    evs = events(pipeline, text)
    assert len([e for e in evs if e.sub_event_type == "Remote explosive/landmine/IED"]) == 1


def test_a_killing_with_no_agent_is_the_toll_of_the_event_before_it(pipeline):
    evs = events(pipeline, "Troops and militants clashed near Sahel village on Sunday. Four militants were killed.")
    assert len(evs) == 1 and evs[0].sub_event_type == "Armed clash" and evs[0].counts.fatalities == 4


def test_confidence_is_the_classifiers_probability(pipeline):
    e = events(pipeline, "Warplanes bombed a fuel depot outside Idlib on Sunday, residents said.")[0]
    clf = classifier()
    assert 0.5 < e.confidence <= 1.0 and e.sub_event_type in clf.classes


# --------------------------------------------------------------------------- actors as ACLED names them

def test_protesters_and_civilians_as_acled_names_them(pipeline):
    protest = events(pipeline, "Hundreds of teachers marched in Nairobi on Monday to demand higher pay.")[0]
    assert protest.event_type == "Protests" and protest.actor1.acled_actor == "Protesters (Kenya)"
    attack = events(pipeline, "Gunmen killed two traders on the road outside Maiduguri on Sunday.")[0]
    assert attack.actor1.acled_actor == "Unidentified Armed Group (Nigeria)" and attack.actor1.text == "Gunmen"
    assert attack.actor2.acled_actor == "Civilians (Nigeria)"


def test_soldiers_and_police_are_the_forces_of_the_events_country(pipeline):
    e = events(pipeline, "Soldiers arrested five suspected militants in Mopti on Tuesday.")[0]
    assert e.sub_event_type == "Arrests" and e.actor1.acled_actor == "Military Forces of Mali"


def test_an_irregular_past_tagged_as_present_keeps_its_verb(pipeline):
    # the tagger calls "retook" a present form; its lemma must still be "retake"
    doc = pipeline.nlp("Ukrainian forces retook Hlybivka on Thursday.")
    assert [t.lemma_ for t in doc if t.text == "retook"] == ["retake"]
    assert any(e.event_type in ("Battles", "Strategic developments") for e in
               events(pipeline, "Ukrainian forces retook Hlybivka, Chernihiv. No details on any fighting."))


def test_a_crowd_of_a_nation_is_a_crowd_not_the_nation(pipeline):
    (ev,) = [e for e in events(pipeline, "Palestinian rioters clashed with Israeli soldiers near Nablus on Friday.")
             if e.event_type == "Riots"]
    assert ev.actor1.acled_actor == "Rioters (Palestine)"


@pytest.mark.parametrize("text,sub", [
    ("Militants destroyed two telephone masts on the road to Djibo on Sunday.", "Looting/property destruction"),
    ("Bandits rustled 200 cattle from herders near Zurmi on Sunday.", "Looting/property destruction"),
    ("The army deployed reinforcements to Beni on Tuesday.", "Change to group/activity"),
    ("Gunmen seized goats and money from herders near Zurmi on Sunday.", "Looting/property destruction"),
    ("Militants ran a checkpoint on the road to Djibo and searched passing trucks on Monday.", "Other"),
])
def test_strategic_developments_the_lexicon_names(pipeline, text, sub):
    assert sub in sub_types(pipeline, text)


def test_the_looting_rule_wants_an_agent_that_is_no_state_force(pipeline):
    from sitrep import nlp
    from sitrep.extract.triggers import find_triggers

    def rules(text):
        return [r.sub_event_type for _, r in find_triggers(nlp.load()(text))]
    assert rules("Gunmen seized goats and money from herders near Zurmi.") == ["Looting/property destruction"]
    assert "Looting/property destruction" not in rules("Police seized 300 smuggled goats at the border post.")


@pytest.mark.parametrize("text,sub", [
    ("Gunmen sexually abused a woman in a village near Beni on Sunday.", "Sexual violence"),
    ("Armed men held hostage twelve election workers near the town hall on Sunday.", "Abduction/forced disappearance"),
    ("Rebels took two road engineers hostage outside Kidal on Friday.", "Abduction/forced disappearance"),
])
def test_violence_against_civilians_the_lexicon_names(pipeline, text, sub):
    assert sub in sub_types(pipeline, text)


def test_damage_done_by_a_strike_is_the_strikes(pipeline):
    subs = sub_types(pipeline, "An airstrike destroyed a school in Hajjah on Monday.")
    assert subs == ["Air/drone strike"]



def test_what_the_crowd_does_makes_a_demonstration_violent(pipeline):
    (ev,) = [e for e in events(pipeline, "Residents set tyres on fire on the main road in Recife on Monday to "
                                         "demonstrate against water cuts.") if e.event_type in ("Riots", "Protests")]
    assert ev.sub_event_type == "Violent demonstration" and ev.actor1.acled_actor == "Rioters (Brazil)"
    # what is done to the crowd does not
    subs = sub_types(pipeline, "Workers protested in Dalian on Monday to demand unpaid wages. Protesters were "
                               "beaten by unknown men during the demonstration.")
    assert "Violent demonstration" not in subs


def test_who_planted_the_mine_set_it_off(pipeline):
    (ev,) = events(pipeline, "Two landmines planted by the army exploded near a village in Kayah state on Sunday, "
                             "injuring a farmer.")
    assert ev.sub_event_type == "Remote explosive/landmine/IED" and ev.actor1.acled_actor.startswith("Military Forces")


def test_a_place_in_brackets_before_the_subject_is_not_the_subject(pipeline):
    (ev,) = events(pipeline, "On 14 January, in Tabayin township (Shwebo district, Sagaing region), the military "
                             "conducted airstrikes on two villages.")
    assert ev.actor1.acled_actor == "Military Forces of Myanmar"


@pytest.mark.parametrize("text", [
    "Seventy people were evacuated from Hirske on Friday.",
    "Over 2,000 villagers were displaced by fighting near Jowhar on Sunday.",
    "Residents fled their homes in Teketia on Monday after militants threatened them.",
])
def test_displacement_is_other_with_the_civilians_as_actor_1(pipeline, text):
    evs = [e for e in events(pipeline, text) if e.sub_event_type == "Other"]
    assert evs and evs[0].actor1 is not None and evs[0].actor1.acled_actor.startswith("Civilians")


def test_a_force_word_qualifying_an_event_noun_is_its_agent(pipeline):
    ev = events(pipeline, "On 18 January 2025, three Saudi-led coalition air raids targeted Sanaa. Casualties unknown.")
    strike = next(e for e in ev if e.sub_event_type == "Air/drone strike")
    assert strike.actor1 is not None and "coalition" in strike.actor1.text


def test_anti_x_forces_are_not_x(pipeline):
    ev = events(pipeline, "On 8 February 2025, anti-Houthi forces conducted an air raid on Hays. Casualties unknown.")
    assert ev and ev[0].actor1 is not None and "Houthi" not in (ev[0].actor1.name or "")


def test_protesters_who_demand_make_a_protest_without_a_protest_verb(pipeline):
    ev = events(pipeline, "On 4 May 2025, in Merida, protesters demanded better public services and clean water.")
    assert [e.sub_event_type for e in ev] == ["Peaceful protest"] and ev[0].trigger.text == "protesters"


def test_demonstrators_beating_someone_make_a_violent_demonstration_not_mob_violence(pipeline):
    ev = events(pipeline, "On 15 March 2025, in Rosario, a group of demonstrators beat a driver and broke his "
                          "windshield after he tried to drive through the crowd.")
    assert ev and ev[0].sub_event_type == "Violent demonstration"


def test_violence_told_before_the_demonstration_still_makes_it_violent(pipeline):
    text = ("On 2 April 2025, marchers threw stones at a bank in Valdivia and set a car alight. Police said the "
            "march had drawn about 300 people. The demonstration ended in the evening.")
    subs = {e.sub_event_type for e in events(pipeline, text)}
    assert "Violent demonstration" in subs and "Peaceful protest" not in subs


def test_armed_men_shooting_a_police_officer_is_a_clash_between_armed_actors(pipeline):
    ev = events(pipeline, "On 5 March 2025, in Conchagua, several armed men shot and injured a police officer.")
    assert ev and ev[0].sub_event_type == "Armed clash"
    assert ev[0].actor1.text == "armed men" and ev[0].actor2.text == "police officer"


def test_armed_men_killing_farmers_are_an_armed_group_not_civilians(pipeline):
    ev = events(pipeline, "On 6 May 2025, armed men killed two farmers near Jos.")
    assert ev and ev[0].sub_event_type == "Attack" and ev[0].actor1.text == "armed men"
    assert ev[0].actor1.name.startswith("Unidentified Armed Group")


# --------------------------------------------------------------------------- what was done to a demonstration

@pytest.mark.parametrize("text", [
    "On 5 May 2025, around 200 nurses protested in front of the health ministry in Lusaka over unpaid wages. "
    "Police intervened and moved the protesters out of the area by force.",
    "On 5 May 2025, around 200 nurses protested in front of the health ministry in Lusaka over unpaid wages. "
    "The union said the strike would go on. Twelve people were arrested.",
    "On 5 May 2025, students staged a sit-in outside parliament in Lusaka. Security forces intervened and ended "
    "the sit-in.",
])
def test_an_intervention_later_in_the_paragraph_makes_one_protest_with_intervention(pipeline, text):
    ev = events(pipeline, text)
    assert [e.sub_event_type for e in ev] == ["Protest with intervention"]


def test_the_arrests_at_a_protest_go_into_the_protest_with_their_count(pipeline):
    ev = events(pipeline, "On 5 May 2025, nurses protested outside the health ministry in Lusaka. "
                          "Police detained 14 protesters.")
    assert [e.sub_event_type for e in ev] == ["Protest with intervention"]
    assert ev[0].counts.arrested == 14 and len(ev[0].evidence) == 2


@pytest.mark.parametrize("text", [
    "On 3 June 2025, dozens of teachers gathered in Lusaka to demand the release of colleagues arrested during "
    "earlier protests.",
    "On 3 June 2025, residents protested in Lusaka after officials warned that they would be removed from the "
    "market. Officials gave them a week to leave or be forcibly removed.",
])
def test_arrests_or_removals_told_as_background_are_no_intervention(pipeline, text):
    assert "Protest with intervention" not in sub_types(pipeline, text)


def test_police_beating_protesters_is_no_violent_demonstration(pipeline):
    ev = events(pipeline, "On 5 May 2025, teachers protested in front of the ministry in Lusaka. "
                          "Police beat the protesters and dispersed them.")
    assert ev and ev[0].sub_event_type == "Protest with intervention"


def test_stones_thrown_by_they_make_the_demonstration_violent(pipeline):
    ev = events(pipeline, "On 5 March 2025, about 20 street vendors staged a demonstration in Hyesan. "
                          "They threw stones at a police officer.")
    assert ev and ev[0].sub_event_type == "Violent demonstration"


@pytest.mark.parametrize("text", [
    "On 6 March 2025, unidentified gunmen shot and killed two members of the Barrio 18 gang in San Luis Talpa.",
    "On 4 March 2025, a leader of the Zintan militia was shot dead by a member of a rival brigade in Gharyan.",
    "On 21 May 2025, a military police officer was shot and injured by three armed individuals in Ibiam.",
])
def test_killing_members_of_an_armed_group_is_a_clash_not_an_attack(pipeline, text):
    ev = events(pipeline, text)
    assert ev and ev[0].sub_event_type == "Armed clash"


# --------------------------------------------------------------------------- one occurrence, coded by its gravest act

def test_bombing_and_destroying_a_tower_is_one_explosion(pipeline):
    ev = events(pipeline, "On 6 February 2025, local defence forces bombed and destroyed a telecom tower near Ye.")
    assert [e.sub_event_type for e in ev] == ["Remote explosive/landmine/IED"]


def test_houses_destroyed_after_an_air_raid_are_its_damage(pipeline):
    ev = events(pipeline, "On 8 March 2025, warplanes dropped a bomb on Sumy, killing at least 22 people. "
                          "Around 20 houses were destroyed.")
    assert [e.sub_event_type for e in ev] == ["Air/drone strike"] and ev[0].counts.fatalities == 22


def test_blowing_up_a_bridge_is_an_explosion(pipeline):
    ev = events(pipeline, "On 16 May 2025, retreating troops blew up a bridge near Polohy. There were no casualties.")
    assert [e.sub_event_type for e in ev] == ["Remote explosive/landmine/IED"]


def test_looting_beside_an_abduction_is_part_of_it(pipeline):
    ev = events(pipeline, "On 10 June 2025, armed individuals abducted a youth leader in Ihiala when they "
                          "invaded the council secretariat. The assailants also stole motorcycles.")
    assert [e.sub_event_type for e in ev] == ["Abduction/forced disappearance"] and len(ev[0].evidence) == 2


def test_looting_alone_stays_looting(pipeline):
    assert sub_types(pipeline, "On 5 May 2025, soldiers looted shops in the market of Bunia.") == [
        "Looting/property destruction"]


def test_a_crowd_beating_a_man_to_death_is_mob_violence_with_its_toll(pipeline):
    ev = events(pipeline, "On 9 May 2025, a group of locals beat a man they caught robbing a house in Bukavu. "
                          "The man died.")
    assert ev and ev[0].sub_event_type == "Mob violence" and ev[0].counts.fatalities == 1
    assert ev[0].actor2 is not None and ev[0].actor2.text == "man"


def test_an_exchange_of_fire_is_a_clash_and_its_dead_are_its_toll(pipeline):
    ev = events(pipeline, "On 28 March 2025, police and soldiers exchanged fire with militants during an operation "
                          "near Bannu. Four militants were killed in the encounter.")
    assert ev and ev[0].sub_event_type == "Armed clash" and ev[0].counts.fatalities == 4


def test_raiding_a_village_and_killing_a_woman_is_an_attack_on_civilians(pipeline):
    ev = events(pipeline, "On 6 April 2025, ADF elements attacked Idohu village and killed one woman.")
    assert ev and ev[0].sub_event_type == "Attack"


def test_a_member_of_a_group_names_the_group_as_the_actor(pipeline):
    ev = events(pipeline, "On 6 March 2025, unidentified assailants shot and killed four members of the Arakan "
                          "Liberation Party in Rowangchhari.")
    assert ev and ev[0].actor2 is not None and ev[0].actor2.text == "Arakan Liberation Party"


@pytest.mark.parametrize("text,sub", [
    ("On 28 February 2025, the local defence force attacked the checkpoint near the office at around 8 pm with mines.",
     "Remote explosive/landmine/IED"),
    ("On 14 March 2025, dissident fighters ambushed with explosives a private vehicle near Guadalupe, injuring three "
     "people.", "Remote explosive/landmine/IED"),
    ("On 12 February 2025, a joint force attacked the township office with M79 grenades in Pyinmana.", "Grenade"),
])
def test_the_weapon_an_attack_was_made_with_decides_its_type(pipeline, text, sub):
    ev = events(pipeline, text)
    assert ev and ev[0].sub_event_type == sub


def test_an_actor_claiming_its_own_strike_asserts_it(pipeline):
    ev = events(pipeline, "On 9 March 2025, the air force claimed an airstrike against militants in Gana.")
    assert ev and ev[0].sub_event_type == "Air/drone strike" and ev[0].responsibility_claimed


def test_a_date_before_the_agent_is_no_part_of_its_name(pipeline):
    ev = events(pipeline, "On 14 March 2025, dissident fighters ambushed a bus near Guadalupe.")
    assert ev and ev[0].actor1 is not None and "March" not in ev[0].actor1.text


def test_unknown_people_burning_a_shop_destroy_property_they_are_no_mob(pipeline):
    ev = events(pipeline, "On 29 January 2025, an unidentified group set ablaze a butcher's shop in Bon-Encontre.")
    assert ev and ev[0].sub_event_type == "Looting/property destruction"


def test_a_named_crowd_burning_a_house_is_mob_violence(pipeline):
    ev = events(pipeline, "On 9 May 2025, a mob of residents set ablaze the house of a suspected thief in Bukavu.")
    assert ev and ev[0].sub_event_type == "Mob violence"


def test_an_arrest_of_people_not_named_as_demonstrating_stays_an_arrest(pipeline):
    ev = events(pipeline, "On 24 May 2025, police arrested the former president in Chisinau on four charges. "
                          "The arrest might trigger a wave of protests.")
    assert ev and ev[0].sub_event_type == "Arrests"


def test_a_month_named_march_is_no_march(pipeline):
    assert "Peaceful protest" not in sub_types(
        pipeline, "On 12 March 2025, members of a far-right group dropped banners from an overpass in Quincy.")


@pytest.mark.parametrize("text,sub", [
    ("On 7 April 2025, air defence forces shot down three missiles over Zaporizhzhia. No casualties.",
     "Disrupted weapons use"),
    ("On 17 June 2025, soldiers deactivated two explosive devices placed near a gas pipeline in Guayabetal.",
     "Disrupted weapons use"),
    ("On 12 February 2025, one soldier and two policemen defected in Nay Pyi Taw.", "Change to group/activity"),
    ("On 15 April 2025, militants took control of Shirey village near Wanla Weyne without confrontation with "
     "government forces.", "Non-violent transfer of territory"),
])
def test_strategic_developments_the_codebook_names(pipeline, text, sub):
    ev = events(pipeline, text)
    assert ev and ev[0].sub_event_type == sub


@pytest.mark.parametrize("text,sub", [
    ("On 21 June 2025, rebel fighters took control of Tanda near Shangi.", "Non-violent transfer of territory"),
    ("On 18 May 2025, regional forces took over the control of Boocame town from rival forces. No clashes were "
     "reported.", "Non-violent transfer of territory"),
    ("On 20 March 2025, after heavy fighting, rebel fighters took control of the town of Varvarivka.",
     "Non-state actor overtakes territory"),
    ("On 14 April 2025, an anarchist cell carried out an arson attack in Istanbul, damaging a commercial truck.",
     "Looting/property destruction"),
])
def test_territory_changes_hands_by_battle_only_when_fighting_is_told(pipeline, text, sub):
    assert sub in sub_types(pipeline, text)


@pytest.mark.parametrize("text", [
    "On 17 June 2025, rioters staged a violent demonstration outside a petrol station in Colombo over fuel shortages.",
    "On 20 May 2025, residents of a village in Hidalgo demonstrated over the unpaved road and held and tied up their "
    "mayor for several hours.",
])
def test_a_demonstration_told_as_violent_is_a_violent_demonstration(pipeline, text):
    assert "Violent demonstration" in sub_types(pipeline, text)


def test_riot_police_at_a_peaceful_protest_make_no_riot(pipeline):
    subs = sub_types(pipeline, "On 3 May 2025, riot police watched as nurses marched peacefully through Nairobi.")
    assert "Violent demonstration" not in subs


def test_an_arrest_people_demand_is_no_arrest(pipeline):
    subs = sub_types(pipeline, "On 5 February 2025, residents blocked the highway near Goita by setting tyres on "
                               "fire to demand the arrest of a suspect.")
    assert "Arrests" not in subs and "Violent demonstration" in subs


@pytest.mark.parametrize("text", [
    "On 28 June 2025, unidentified armed individuals shot and killed an off-duty police officer in San Martin de Loba.",
    "On 13 January 2025, a former commander of a disbanded militia was shot dead by gunmen near Rustaq.",
    "On 22 February 2025, police officers assaulted a detainee at the district police station in Sokuluk.",
])
def test_violence_against_people_not_acting_as_armed_is_an_attack(pipeline, text):
    ev = events(pipeline, text)
    assert ev and ev[0].sub_event_type == "Attack"


def test_rioters_stoning_a_bus_with_no_demonstration_told_are_mob_violence(pipeline):
    ev = events(pipeline, "On 30 May 2025, rioters hurled stones and Molotov cocktails at a bus near Bayt El.")
    assert ev and ev[0].sub_event_type == "Mob violence"


def test_arrests_made_following_a_demonstration_are_an_intervention(pipeline):
    ev = events(pipeline, "On 24 February 2025, police detained several activists outside the consulate in Almaty "
                          "following an unsanctioned demonstration against the war.")
    assert ev and ev[0].sub_event_type == "Protest with intervention"


def test_soldiers_burning_empty_houses_destroy_property(pipeline):
    ev = events(pipeline, "On 6 May 2025, soldiers set houses on fire in Mei Ma Thaw village.")
    assert ev and ev[0].sub_event_type == "Looting/property destruction"


def test_burning_houses_and_killing_villagers_is_an_attack(pipeline):
    assert "Attack" in sub_types(pipeline, "On 6 May 2025, soldiers set houses on fire in Mei Ma Thaw village and "
                                           "killed two villagers.")
