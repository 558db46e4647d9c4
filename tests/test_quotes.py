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
