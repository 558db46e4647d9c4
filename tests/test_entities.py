"""Entities: the actor knowledge base, acronyms, typing slips, forces by nationality, people and their roles.

Every sentence here is written for these tests (none is taken from the seed articles).
"""
from __future__ import annotations

import pytest

from sitrep.resolve.actors import load_kb, person_kb_id


def _ents(pipeline, text, published="2024-03-04"):
    return pipeline.extract(text, published=published).entities


def _of(ents, surface):
    """The entity one of whose mentions or aliases reads `surface`."""
    for e in ents:
        if e.canonical == surface or surface in e.aliases or any(m.text == surface for m in e.mentions):
            return e
    return None


# --------------------------------------------------------------------------- the knowledge base

def test_the_knowledge_base_is_large_and_consistent():
    kb = load_kb()
    assert len(kb.actors) >= 150
    for a in kb.actors.values():
        assert a.canonical and a.entity_type and a.acled_name is not None or a.type in ("media",)
        assert a.inter is None or 1 <= a.inter <= 8
        assert a.wikidata is None or a.wikidata.startswith("Q")
    isis = kb.actors["isis"]
    assert isis.canonical == "Islamic State" and isis.wikidata == "Q2429253" and isis.inter == 2
    assert {"ISIS", "ISIL", "IS"} <= set(isis.acronyms) and "Daesh" in isis.aliases
    assert kb.actors["sdf"].canonical == "Syrian Democratic Forces"
    assert kb.represents["forces:IQ"] == "isf"


def test_every_name_of_islamic_state_is_one_actor(pipeline):
    text = ("Daesh gunmen attacked a bakery in Tal Afar. ISIL later said its men had done it, and the Islamic State "
            "group posted photos. Officials blamed ISIS, while IS supporters celebrated online.")
    ents = _ents(pipeline, text)
    isis = [e for e in ents if e.kb_id == "actor:isis"]
    assert len(isis) == 1
    assert {m.text for m in isis[0].mentions} == {"Daesh", "ISIL", "Islamic State group", "ISIS", "IS"}
    assert isis[0].canonical == "Islamic State" and isis[0].type == "ARMED_GROUP"
    assert isis[0].wikidata == "Q2429253" and isis[0].inter == 2 and isis[0].actor_type == "jihadist group"
    # "Islamic" of Islamic State is no nationality of its own
    assert not any(e.type == "NORP" and e.canonical == "Islamic" for e in ents)


def test_the_verb_is_never_the_islamic_state(pipeline):
    text = "The situation is calm, and it is what it is. THE CEASEFIRE IS HOLDING, the banner read."
    ents = _ents(pipeline, text)
    assert not any(e.kb_id == "actor:isis" for e in ents)


# --------------------------------------------------------------------------- acronyms

def test_acronym_binds_to_its_expansion_in_parentheses(pipeline):
    text = ("Fighters of the Northern Valley Defence Brigade (NVDB) clashed with smugglers on Monday. "
            "The NVDB said two of its men were hurt, and an NVDB commander asked for reinforcements.")
    ents = _ents(pipeline, text)
    nvdb = _of(ents, "NVDB")
    assert nvdb is not None and nvdb.canonical == "Northern Valley Defence Brigade"
    assert sum(m.text == "NVDB" for m in nvdb.mentions) == 3
    assert "NVDB" in nvdb.aliases


def test_acronym_binds_after_comma_or(pipeline):
    text = ("In Nineveh, the Iraqi Security Forces, or ISF, cleared three villages. "
            "Later the ISF handed the area to local police.")
    ents = _ents(pipeline, text)
    isf = [e for e in ents if e.kb_id == "actor:isf"]
    assert len(isf) == 1 and {m.text for m in isf[0].mentions} >= {"Iraqi Security Forces", "ISF"}


def test_a_known_acronym_wins_over_a_wrong_expansion(pipeline):
    text = ("Near Hasakah the Syrian Defence Forces, or SDF, repelled an attack overnight, "
            "an SDF official told reporters.")
    ents = _ents(pipeline, text)
    sdf = _of(ents, "Syrian Defence Forces")
    assert sdf is not None and sdf.kb_id == "actor:sdf" and sdf.canonical == "Syrian Democratic Forces"
    assert any(m.text == "SDF" for m in sdf.mentions)


def test_an_acronym_shared_by_two_actors_follows_the_article_country(pipeline):
    somali = _ents(pipeline, "In Mogadishu, Somali officials said SNA troops pushed al-Shabaab out of two villages in Somalia.")
    syrian = _ents(pipeline, "In Afrin, Syrian activists said the SNA shelled a Kurdish village in northern Syria.")
    assert _of(somali, "SNA").kb_id == "actor:somalia-military"
    assert _of(syrian, "SNA").kb_id == "actor:sna"


# --------------------------------------------------------------------------- typing slips

def test_typing_slips_of_known_names_are_tolerated(pipeline):
    text = "Troops arrested two ISSIS couriers near Raqqa, and a Hezbolah commander was seen in Qusayr."
    ents = _ents(pipeline, text)
    assert _of(ents, "ISSIS").kb_id == "actor:isis"
    assert _of(ents, "Hezbolah").kb_id == "actor:hezbollah"


def test_words_and_unknown_acronyms_are_not_typos(pipeline):
    text = "The BASIS of the CRISIS was old, said the ISAF-era veteran; UNAMA and ICRC staff agreed."
    ents = _ents(pipeline, text)
    assert not any(e.kb_id == "actor:isis" for e in ents)
    assert _of(ents, "UNAMA").kb_id == "actor:unama"          # not UNAMI, one letter away
    assert _of(ents, "ICRC").kb_id == "actor:icrc"


# --------------------------------------------------------------------------- forces by nationality

def test_nationality_phrases_become_forces(pipeline):
    text = ("Turkish troops shelled a village while Iraqi forces and Iranian-backed militias held the road. "
            "Kenyan soldiers guarded the airport, and pro-Iranian militias fired rockets at U.S. forces.")
    ents = _ents(pipeline, text)
    assert _of(ents, "Turkish troops").kb_id == "actor:tsk"
    iraqi = _of(ents, "Iraqi forces")
    assert iraqi.kb_id == "actor:isf" and iraqi.canonical == "Iraqi Security Forces"
    backed = _of(ents, "Iranian-backed militias")
    assert backed.canonical == "Iran-backed militias" and backed.type == "ARMED_GROUP"
    assert any(m.text == "pro-Iranian militias" for m in backed.mentions)     # one actor, two phrasings
    kenya = _of(ents, "Kenyan soldiers")
    assert kenya.canonical == "Military Forces of Kenya" and kenya.kb_id == "forces:KE" and kenya.inter == 1
    assert _of(ents, "U.S. forces").kb_id == "actor:us-military"
    text_ = pipeline.extract(text).text
    for e in ents:
        for m in e.mentions:
            assert text_[m.start:m.end] == m.text


def test_a_proper_name_is_not_a_nationality_phrase(pipeline):
    ents = _ents(pipeline, "The Syrian Free Defence Forces announced a new offensive.")
    assert not any(e.kb_id == "actor:saa" for e in ents)


# --------------------------------------------------------------------------- people

def test_titles_are_stripped_and_kept_as_roles(pipeline):
    text = ("Brig. Gen. Tom Ellis, commander of the Manbij Military Council, met Iraqi Defense Minister "
            "Ahmed Saleh and U.N. envoy Clara Voss on Tuesday. Navy Capt. Jo Reyes also attended.")
    ents = _ents(pipeline, text)
    assert not any(e.canonical in ("Brig", "Gen", "Brig.", "Capt", "Capt.", "Navy") for e in ents)
    ellis = _of(ents, "Tom Ellis")
    assert ellis.type == "PERSON" and ellis.mentions[0].text == "Tom Ellis"
    titles = {(r.title, r.organization) for r in ellis.roles}
    assert ("Brig. Gen.", None) in titles
    assert any(t == "commander" and o and "Manbij Military Council" in o for t, o in titles)
    saleh = _of(ents, "Ahmed Saleh")
    assert ("Defense Minister", "Iraq") in {(r.title, r.organization) for r in saleh.roles}
    voss = _of(ents, "Clara Voss")
    assert ("envoy", "U.N.") in {(r.title, r.organization) for r in voss.roles}
    reyes = _of(ents, "Jo Reyes")
    assert ("Capt.", "Navy") in {(r.title, r.organization) for r in reyes.roles}


def test_a_name_after_a_title_is_found_when_the_model_misses_it(pipeline):
    ents = _ents(pipeline, "Oman’s Sultan Haitham bin Tariq received the envoy in Muscat.")
    p = next((e for e in ents if e.type == "PERSON"), None)
    assert p is not None and "Haitham" in p.canonical
    assert any(r.title == "Sultan" for r in p.roles)


def test_surnames_corefer_with_the_right_full_name(pipeline):
    # two people share the word "Price": Owen Price (surname) and Price Walker (first name)
    text = ("Captain Owen Price, a navy spokesman, said the convoy had arrived. Earlier, Commander Price Walker "
            "had warned of mines. Captain Price said the harbour was clear.")
    ents = _ents(pipeline, text)
    owen, walker = _of(ents, "Owen Price"), _of(ents, "Price Walker")
    assert owen is not None and walker is not None and owen is not walker
    assert _of(ents, "Captain Price") is owen                 # the titled surname is an alias of Owen Price
    assert sum(m.text == "Price" for m in owen.mentions) == 1


def test_a_surname_follows_the_title_that_fits(pipeline):
    text = ("Gen. Ali Hassan led the offensive. His deputy, Colonel Omar Hassan, stayed in Basra. "
            "Gen. Hassan told reporters the city would fall within days.")
    ents = _ents(pipeline, text)
    ali, omar = _of(ents, "Ali Hassan"), _of(ents, "Omar Hassan")
    assert ali is not omar
    assert any(m.text == "Hassan" for m in ali.mentions)       # the general, not the nearer colonel
    assert not any(m.text == "Hassan" for m in omar.mentions)


def test_spelling_variants_merge_only_with_titles_that_agree(pipeline):
    titled = _ents(pipeline, "Maj. Gen. Peter McAllister visited the base. Later Gen. Macallister said it was secure.")
    mc = _of(titled, "Peter McAllister")
    assert mc is not None and any(m.text == "Macallister" for m in mc.mentions)
    plain = _ents(pipeline, "Peter McAllister visited the base. Later Macallister said it was secure.")
    assert not any(m.text == "Macallister" for m in _of(plain, "Peter McAllister").mentions)


def test_the_same_actor_and_person_get_one_kb_id_across_documents(pipeline):
    a = _ents(pipeline, "ISIS fighters ambushed a patrol, said Maj. Joanna Whitfield, a coalition spokeswoman.")
    b = _ents(pipeline, "Daesh claimed the bombing. Joanna Whitfield later told reporters the coalition would respond.")
    assert _of(a, "ISIS").kb_id == _of(b, "Daesh").kb_id == "actor:isis"
    assert _of(a, "Joanna Whitfield").kb_id == _of(b, "Joanna Whitfield").kb_id == person_kb_id("Joanna Whitfield")
    assert person_kb_id("Joseph L. Votel") == person_kb_id("Joseph Votel") and person_kb_id("Votel") is None


def test_the_coalition_is_the_one_the_article_means(pipeline):
    yemen = _ents(pipeline, "The Saudi-led coalition struck Houthi positions near Hodeidah. The coalition said 12 fighters died.")
    syria = _ents(pipeline, "ISIS cells attacked a convoy east of Raqqa. The coalition said it had killed four militants.")
    assert _of(yemen, "coalition").kb_id == "actor:saudi-coalition"
    assert _of(syria, "coalition").kb_id == "actor:global-coalition"


@pytest.mark.parametrize("text,bad", [
    ("Clashes near Sinjar\nPeshmerga fighters repelled an attack on Friday.", "\n"),
])
def test_mentions_never_cross_a_line_break(pipeline, text, bad):
    for e in _ents(pipeline, text):
        assert all(bad not in m.text for m in e.mentions)


def test_actor_facts_roles_quotes_and_claims_survive_the_store(pipeline, db_path, tmp_path):
    from sitrep import batch
    from sitrep.store import Store

    f = tmp_path / "report.txt"
    f.write_text("date 2024-02-01 Clashes east of Raqqa\n\nISIS fighters attacked an SDF post east of Raqqa, "
                 "said Col. Dana Moss, spokesperson for the Global Coalition. “We expect 300 more recruits,” "
                 "she said.\n", encoding="utf-8")
    with Store.open(db_path) as store:
        batch.ingest([str(f)], store, pipeline)
        ext = store.extraction(store.find_documents("report")[0])
    isis = next(e for e in ext.entities if e.kb_id == "actor:isis")
    assert (isis.actor_type, isis.inter, isis.acled_actor) == ("jihadist group", 2, "Islamic State")
    moss = next(e for e in ext.entities if e.canonical == "Dana Moss")
    assert any(r.title == "spokesperson" and "Global Coalition" in (r.organization or "") for r in moss.roles)
    assert any(q.speaker.name == "Dana Moss" for q in ext.quotes)
    assert any(c.value == 300 for c in ext.claims)
