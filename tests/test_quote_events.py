"""Quotes feed events: who reports, claims or denies an event, and who gives its figures.

Every sentence here is written for these tests (none is taken from the seed articles or the shared corpora).
"""
from __future__ import annotations


def _extract(pipeline, text):
    return pipeline.extract(text, published="2024-05-06")


def _quote(ext, qid):
    return next(q for q in ext.quotes if q.id == qid)


def test_a_claim_of_responsibility_marks_its_event(pipeline):
    ext = _extract(pipeline, "A suicide bomber struck a market in Kabul on Monday, killing 12 people. "
                             "The Islamic State group claimed responsibility for the attack in a statement.")
    claimed = [e for e in ext.events if any(s.relation == "claims_responsibility" for s in e.sources)]
    assert len(claimed) == 1
    ev = claimed[0]
    assert ev.responsibility_claimed and ev.modality == "asserted"        # the bombing happened; the claim is who did it
    src = next(s for s in ev.sources if s.relation == "claims_responsibility")
    assert src.speaker.name == "Islamic State"
    q = _quote(ext, src.quote_id)
    assert "responsibility for the attack" in q.content.text and q.cue.text == "claimed"


def test_a_figure_given_by_a_source_names_it(pipeline):
    ext = _extract(pipeline, "Police said 12 people were killed when a car bomb exploded near a checkpoint "
                             "in Baghdad on Sunday.")
    ev = next(e for e in ext.events if e.counts.fatalities == 12)
    assert ev.modality == "asserted"                                      # what police report stands
    assert [s.relation for s in ev.sources] == ["reports"]
    fig = next(c for c in ev.count_evidence if c.field == "fatalities")
    assert fig.source is not None and fig.source.text == "Police"
    assert _quote(ext, fig.quote_id).speaker.text == "Police"


def test_an_armed_group_s_word_alone_is_a_claim(pipeline):
    ext = _extract(pipeline, "The Taliban claimed they killed 20 soldiers in an attack on a base in Helmand "
                             "province on Tuesday.")
    ev = next(e for e in ext.events if e.counts.fatalities == 20)
    assert ev.modality == "claimed"
    assert any(s.relation == "claims" and s.speaker.name == "Taliban" for s in ev.sources)
    ext = _extract(pipeline, "Al-Shabaab said its fighters killed 15 soldiers in an ambush near the border on Sunday.")
    ev = next(e for e in ext.events if e.counts.fatalities == 15)
    assert ev.modality == "claimed"
    assert next(c for c in ev.count_evidence if c.field == "fatalities").source.name == "al-Shabaab"


def test_a_denial_is_a_source_of_its_own_kind(pipeline):
    ext = _extract(pipeline, "Hamas denied any involvement in the rocket attack on the town of Sderot on Friday.")
    ev = next(e for e in ext.events if e.trigger.text == "attack")
    assert [(s.relation, s.speaker.name) for s in ev.sources] == [("denies", "Hamas")]


def test_an_event_told_by_the_narrator_has_no_source(pipeline):
    ext = _extract(pipeline, "Gunmen attacked a checkpoint near Mosul on Monday, killing four soldiers.")
    assert ext.events and all(not e.sources for e in ext.events)
    assert all(c.source is None for e in ext.events for c in e.count_evidence)


def test_no_claim_claims_nothing(pipeline):
    ext = _extract(pipeline, "A bomb exploded outside a police station in the town on Monday, wounding three "
                             "officers. No group has claimed responsibility for the attack.")
    assert ext.events and not any(e.sources for e in ext.events)
    assert not any(e.actor1 is not None and e.actor1.text == "No group" for e in ext.events)
    ext = _extract(pipeline, "Gunmen shot dead a village chief on Sunday. Police claimed the gunmen belonged to "
                             "a militia that had claimed responsibility for earlier killings.")
    assert not any(s.relation == "claims_responsibility" and s.speaker.text == "Police"
                   for e in ext.events for s in e.sources)
