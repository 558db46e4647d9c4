"""Quotes: direct and indirect speech, their cues, and who the speaker is.

Every sentence here is written for these tests (none is taken from the seed articles).
"""
from __future__ import annotations


def _quotes(pipeline, text, published="2024-05-06"):
    ext = pipeline.extract(text, published=published)
    return ext, ext.quotes


def _find(quotes, words):
    found = [q for q in quotes if words in q.content.text]
    assert found, f"no quote contains {words!r}: {[q.content.text for q in quotes]}"
    return found[0]


def _offsets_ok(ext):
    for q in ext.quotes:
        assert ext.text[q.content.start:q.content.end] == q.content.text
        if q.cue is not None:
            assert ext.text[q.cue.start:q.cue.end] == q.cue.text
        if q.speaker.start is not None:
            assert ext.text[q.speaker.start:q.speaker.end] == q.speaker.text


def test_said_after_the_quote_with_the_speaker_after_the_verb(pipeline):
    text = ("“The road to the border is open again, and trucks are moving,” said Lt. Col. Dana Price, "
            "a spokeswoman for the task force.")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "The road to the border is open again")
    assert q.direct and q.speaker.name == "Dana Price" and q.cue.text == "said"
    assert q.content.text.endswith("trucks are moving")          # the comma before the mark is left out
    _offsets_ok(ext)


def test_speaker_before_the_verb_and_straight_quotes(pipeline):
    text = '"We will not leave the villages undefended," Nadia Karam said on Tuesday.'
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "We will not leave the villages")
    assert q.direct and q.speaker.name == "Nadia Karam" and q.cue.text == "said"
    _offsets_ok(ext)


def test_told_an_outlet_and_an_unnamed_source(pipeline):
    text = ("“The cells are smaller now but far better organised,” a senior intelligence official told Reuters, "
            "declining to be named.")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "The cells are smaller now")
    assert q.direct and q.cue.text == "told"
    assert q.speaker.text == "a senior intelligence official" and q.speaker.name == "senior intelligence official"
    src = next(e for e in ext.entities if e.id == q.speaker.entity_id)
    assert src.type == "PERSON" and src.kb_id is None and src.actor_type == "unnamed source"
    assert src.mentions[0].text == "a senior intelligence official"
    _offsets_ok(ext)


def test_a_pronoun_is_the_last_person_who_spoke(pipeline):
    text = ("“We lost two vehicles on the highway,” Major Karim Haddad said.\n\n"
            "“Nobody was hurt, but the drivers are shaken,” he warned.")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "Nobody was hurt")
    assert q.direct and q.speaker.name == "Karim Haddad" and q.speaker.text == "he" and q.cue.text == "warned"


def test_the_statement_and_it_are_the_organisation_that_issued_it(pipeline):
    text = ("The Syrian Democratic Forces (SDF) released a statement on Sunday.\n\n"
            "“Our units detained four suspects in the desert,” the SDF statement said.\n\n"
            "“The operation continues,” it added.\n\n"
            "The statement said that the suspects had planned attacks on a prison.")
    ext, qs = _quotes(pipeline, text)
    first = _find(qs, "Our units detained four suspects")
    assert first.speaker.name == "Syrian Democratic Forces"
    assert _find(qs, "The operation continues").speaker.name == "Syrian Democratic Forces"
    indirect = _find(qs, "the suspects had planned attacks")
    assert not indirect.direct and indirect.speaker.name == "Syrian Democratic Forces"


def test_a_role_phrase_is_the_person_who_holds_the_role(pipeline):
    text = ("Col. Miriam Sand, spokesperson for the Global Coalition, spoke in Erbil on Monday.\n\n"
            "“The partnership will continue,” the coalition spokesperson said.")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "The partnership will continue")
    assert q.speaker.name == "Miriam Sand" and q.speaker.text == "the coalition spokesperson"


def test_multi_sentence_quotes_and_quotes_continued_across_paragraphs(pipeline):
    text = ("“The town is quiet. Shops have reopened and schools will follow next week,” said Mayor Hana Aziz.\n\n"
            "“We still need water pumps and generators.\n\n"
            "“Without them the summer will be hard for everyone,” she said.")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "Shops have reopened")
    assert q.content.text.startswith("The town is quiet.") and q.speaker.name == "Hana Aziz"
    open_ended = _find(qs, "We still need water pumps")      # the paragraph ends without a closing mark
    assert open_ended.direct and open_ended.speaker.name == "Hana Aziz"
    assert _find(qs, "Without them the summer").speaker.name == "Hana Aziz"
    _offsets_ok(ext)


def test_a_quote_split_by_its_cue_is_one_quote_in_parts(pipeline):
    text = ("“The checkpoint was hit twice,” said Sgt. Lina Farouk. “Both attackers escaped into the orchards.”")
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "Both attackers escaped")
    assert q.direct and q.speaker.name == "Lina Farouk" and q.cue.text == "said"
    assert [p.text for p in q.parts] == ["The checkpoint was hit twice", "Both attackers escaped into the orchards."]
    assert q.content.text.startswith("The checkpoint") and q.content.text.endswith("orchards.")
    assert len([x for x in qs if "orchards" in x.content.text]) == 1
    _offsets_ok(ext)


def test_a_cue_before_the_quote(pipeline):
    text = "Gen. Farid Aziz warned that the militias were “preparing for a long and bloody summer.”"
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "preparing for a long and bloody summer")
    assert q.direct and q.speaker.name == "Farid Aziz" and q.cue.text == "warned"


def test_indirect_speech(pipeline):
    text = ("Defense Minister Omar Latif said that the army would reopen the highway within a week. "
            "The supply convoys are expected to resume on Friday, said Capt. Rami Nasser. "
            "According to a senior police officer, the curfew will be lifted on Sunday.")
    ext, qs = _quotes(pipeline, text)
    a = _find(qs, "the army would reopen the highway")
    assert not a.direct and a.speaker.name == "Omar Latif" and a.cue.text == "said"
    assert not a.content.text.startswith("that")
    b = _find(qs, "The supply convoys are expected to resume")
    assert not b.direct and b.speaker.name == "Rami Nasser"
    c = _find(qs, "the curfew will be lifted")
    assert not c.direct and c.speaker.name == "senior police officer" and c.cue.text == "According to"
    _offsets_ok(ext)


def test_a_cue_in_the_middle_of_a_sentence(pipeline):
    text = "In the north, said Brig. Gen. Sami Okar, the militants have withdrawn from three villages."
    ext, qs = _quotes(pipeline, text)
    q = _find(qs, "the militants have withdrawn from three villages")
    assert not q.direct and q.speaker.name == "Sami Okar"


def test_scare_quotes_and_acts_are_not_quotes(pipeline):
    text = ("The group proclaimed a “caliphate” in 2014. The ministry announced a new campaign in the "
            "western desert on Monday.")
    ext, qs = _quotes(pipeline, text)
    assert not any("caliphate" == q.content.text for q in qs)
    assert not any("new campaign" in q.content.text for q in qs)


def test_a_headline_is_not_speech(pipeline):
    text = "Army Says Border Crossing Will Reopen\n\nThe crossing near Qaim reopened on Monday, officials said."
    ext, qs = _quotes(pipeline, text)
    assert not any("Border Crossing" in q.content.text for q in qs)
    q = _find(qs, "The crossing near Qaim reopened")
    assert q.speaker.name == "officials"


# ------------------------------------------------------------------ reported speech, beliefs, intentions

def _one(qs, words, cue=None):
    """The quote whose content holds `words` (and whose cue is `cue`, when given)."""
    if cue is None:
        return _find(qs, words)
    found = [q for q in qs if words in q.content.text and q.cue is not None and q.cue.text == cue]
    assert found, f"no quote with cue {cue!r} holds {words!r}: {[(q.cue and q.cue.text, q.content.text) for q in qs]}"
    return found[0]


def test_reporting_verbs_with_a_clause(pipeline):
    text = ("The interior ministry claimed that the convoy had been carrying weapons. "
            "Rebel commanders insisted the town was still in their hands. "
            "The governor warned that the dam could fail within days. "
            "Residents fear the militia will return after the harvest. "
            "The army acknowledged that two of its soldiers had been captured.")
    ext, qs = _quotes(pipeline, text)
    a = _one(qs, "the convoy had been carrying weapons", "claimed")
    assert a.speaker.name == "interior ministry" or "ministry" in a.speaker.text
    assert not a.direct and a.kind == "speech" and a.content.text == "the convoy had been carrying weapons"
    assert _one(qs, "the town was still in their hands", "insisted").speaker.text == "Rebel commanders"
    assert _one(qs, "the dam could fail within days", "warned").kind == "speech"
    fear = _one(qs, "the militia will return after the harvest", "fear")
    assert fear.kind == "belief" and fear.speaker.text == "Residents"
    assert _one(qs, "two of its soldiers had been captured", "acknowledged").speaker.text.endswith("army")
    _offsets_ok(ext)


def test_reporting_verbs_with_an_object_or_a_preposition(pipeline):
    text = ("Hamas denied any involvement in the rocket attack. "
            "The army accused the rebels of shelling a school in the town. "
            "The foreign minister condemned the killing of two aid workers. "
            "The United Nations called for an immediate ceasefire in the province.")
    ext, qs = _quotes(pipeline, text)
    d = _one(qs, "any involvement in the rocket attack", "denied")
    assert d.speaker.name == "Hamas" and not d.direct
    acc = _one(qs, "the rebels of shelling a school", "accused")
    assert acc.content.text.startswith("the rebels")
    assert _one(qs, "the killing of two aid workers", "condemned").kind == "speech"
    call = _one(qs, "an immediate ceasefire", "called for")
    assert "United Nations" in (call.speaker.name or "") or "United Nations" in call.speaker.text
    _offsets_ok(ext)


def test_intentions_and_demands(pipeline):
    text = ("The militia vowed to retake the airport before the end of the month. "
            "Police urged residents to stay indoors after dark. "
            "The protesters demanded the release of the detained students.")
    ext, qs = _quotes(pipeline, text)
    v = _one(qs, "to retake the airport", "vowed")
    assert v.kind == "intention" and v.speaker.text == "The militia"
    u = _one(qs, "residents to stay indoors", "urged")
    assert u.kind == "speech" and u.content.text.startswith("residents")
    assert _one(qs, "the release of the detained students", "demanded").speaker.text == "The protesters"
    _offsets_ok(ext)


def test_claims_of_responsibility_and_acts_are_told_apart(pipeline):
    text = ("The Islamic State group claimed responsibility for the bombing. "
            "The blast claimed the lives of nine people. "
            "A spokesman for the militia, who asked not to be named, said the group would retaliate.")
    ext, qs = _quotes(pipeline, text)
    c = _one(qs, "responsibility for the bombing", "claimed")
    assert c.speaker.name == "Islamic State" or "Islamic State" in c.speaker.text
    assert not any("lives of nine people" in q.content.text for q in qs)       # a blast says nothing
    assert not any("not to be named" in q.content.text for q in qs)            # a condition, not a report
    r = _one(qs, "the group would retaliate", "said")
    assert r.speaker.text == "A spokesman for the militia" and r.source.text.endswith("asked not to be named")


def test_nominal_cues(pipeline):
    text = ("The ministry's claim that 40 people died in the raid could not be verified. "
            "According to a senior police officer, the curfew will be lifted on Sunday. "
            "In its latest report, the monitor counted 14 air strikes on the city in one week.")
    ext, qs = _quotes(pipeline, text)
    n = _one(qs, "40 people died in the raid", "claim")
    assert n.speaker.text == "The ministry" and not n.direct
    a = _one(qs, "the curfew will be lifted", "According to")
    assert a.speaker.text == "a senior police officer"
    r = _one(qs, "the monitor counted 14 air strikes", "In")
    assert r.kind == "evidence" and r.speaker.text == "its latest report"
    _offsets_ok(ext)


def test_a_cue_after_the_content_and_after_a_colon(pipeline):
    text = ("The checkpoint was attacked twice overnight, the provincial governor said on Tuesday. "
            "The aid convoy, the mayor said, would reach the camp by Friday. "
            "The commander said: the operation will go on until the last village is cleared.")
    ext, qs = _quotes(pipeline, text)
    a = _one(qs, "The checkpoint was attacked twice overnight", "said")
    assert a.speaker.text == "the provincial governor" and not a.content.text.endswith("said")
    b = _one(qs, "would reach the camp by Friday", "said")
    assert b.content.text.startswith("The aid convoy") and len(b.parts) == 2
    assert [p.text for p in b.parts] == ["The aid convoy", "would reach the camp by Friday"]
    c = _one(qs, "the operation will go on", "said")
    assert c.content.text.startswith("the operation")
    _offsets_ok(ext)


def test_partial_quotes_stay_inside_the_reported_content(pipeline):
    text = ("The president called the attack on the crowded market “a cowardly act” and promised a full inquiry. "
            "The minister said the strike was “a flagrant violation of international law.”")
    ext, qs = _quotes(pipeline, text)
    a = _one(qs, "a cowardly act", "called")
    assert a.content.text.startswith("the attack on the crowded market") and not a.direct   # mostly not quoted
    assert [x.text for x in a.quoted] == ["a cowardly act"]
    assert not any(q.content.text == "a cowardly act" for q in qs)             # one quote, not two
    b = _one(qs, "a flagrant violation of international law", "said")
    assert b.content.text.startswith("the strike was") and b.direct           # the quoted words are most of it
    _offsets_ok(ext)


def test_a_quote_split_by_its_cue_and_words_leading_into_a_quote(pipeline):
    text = ("“We will respond,” the commander said, “at a time and place of our choosing.”\n\n"
            "Without more fuel, “the hospital will close within a week,” the director said.")
    ext, qs = _quotes(pipeline, text)
    q = _one(qs, "at a time and place of our choosing", "said")
    assert q.content.text.startswith("We will respond") and len(q.parts) == 2 and q.direct
    lead = _one(qs, "the hospital will close within a week", "said")
    assert lead.content.text.startswith("Without more fuel") and lead.speaker.text == "the director"
    _offsets_ok(ext)


def test_nested_attribution(pipeline):
    text = "The governor said a police officer had told him that the gunmen fled towards the river."
    ext, qs = _quotes(pipeline, text)
    outer = _one(qs, "a police officer had told him", "said")
    inner = _one(qs, "the gunmen fled towards the river", "told")
    assert outer.content.text.startswith("a police officer") and inner.content.text == "the gunmen fled towards the river"
    assert inner.within == outer.id and outer.within is None
    assert inner.speaker.text == "a police officer"


def test_a_belief_inside_someone_s_words_is_not_a_quote_of_its_own(pipeline):
    text = "The mayor said he believed the bridge could be repaired within a month."
    ext, qs = _quotes(pipeline, text)
    assert [q.cue.text for q in qs] == ["said"]


def test_sources_that_are_not_people(pipeline):
    text = ("State television reported that air defences had intercepted two drones over the capital. "
            "A new survey by the aid group shows that most families in the camp eat one meal a day. "
            "The regional police, which said the suspects were foreign nationals, did not give their names.")
    ext, qs = _quotes(pipeline, text)
    tv = _one(qs, "air defences had intercepted two drones", "reported")
    assert tv.speaker.text == "State television" and tv.speaker.entity_id is None    # an honest null
    survey = _one(qs, "most families in the camp eat one meal a day", "shows")
    assert survey.kind == "evidence" and "survey" in survey.speaker.text
    rel = _one(qs, "the suspects were foreign nationals", "said")
    assert rel.speaker.text == "which"                                     # the words that name the source
    _offsets_ok(ext)


def test_a_line_that_attributes_its_quote(pipeline):
    text = ("What displaced families told us\n\n"
            "“We left everything behind when the shelling started.” ― Amira Saleh\n"
            "“Nobody has told us when we can go home.” ― Yusuf Karim\n\n"
            "An interview with the commander\n\n"
            "HOST: When will the offensive begin?\n"
            "KARIM: We are ready, but we wait for the order.\n")
    ext, qs = _quotes(pipeline, text)
    a = _one(qs, "We left everything behind", "―")
    assert a.speaker.text == "Amira Saleh" and a.direct
    assert _one(qs, "Nobody has told us when", "―").speaker.text == "Yusuf Karim"
    turn = _one(qs, "We are ready, but we wait for the order")
    assert turn.speaker.text == "KARIM" and turn.cue.text == ":"
    _offsets_ok(ext)


def test_passives_name_no_source_unless_an_agent_or_a_feeling(pipeline):
    text = ("Peacekeepers were accused of abusing civilians in the camp. "
            "The strike was first reported by a local radio station. "
            "Officials were convinced that the fire had spread to the depot. "
            "Ten houses were mentioned in the list.")
    ext, qs = _quotes(pipeline, text)
    acc = _one(qs, "abusing civilians in the camp", "accused of")
    assert acc.speaker.text is None and acc.speaker.entity_id is None and acc.source is None   # nobody is named
    assert acc.content.text.startswith("Peacekeepers") and [p.text for p in acc.parts][0] == "Peacekeepers"
    radio = _one(qs, "The strike", "reported")
    assert radio.speaker.text == "a local radio station"
    alarm = _one(qs, "the fire had spread to the depot", "convinced")
    assert alarm.speaker.text == "Officials" and alarm.kind == "belief"
    assert not any(q.speaker.text == "Ten houses" for q in qs)                # what is mentioned does not speak
    _offsets_ok(ext)


def test_beliefs_held_in_adjectives(pipeline):
    text = "The commander was confident that the town would fall within days."
    ext, qs = _quotes(pipeline, text)
    q = _one(qs, "the town would fall within days", "confident")
    assert q.kind == "belief" and q.speaker.text == "The commander"


def test_a_headline_that_opens_with_its_speaker(pipeline):
    text = ("Nasser: Army Will Not Withdraw From the Northern Villages\n\n"
            "Defense Minister Karim Nasser said on Monday that the army would stay in the north.")
    ext, qs = _quotes(pipeline, text)
    h = _one(qs, "Army Will Not Withdraw", ":")
    assert h.speaker.text == "Nasser" and h.speaker.name == "Karim Nasser" and not h.direct
    _offsets_ok(ext)
