"""The output of the real `sitrep extract` command against schema/extract.schema.json.

Runs the CLI in a subprocess (as a user would) on a small JSON Lines file and on the
bundled examples, validates every output line with format checking, makes sure the
validator is not vacuous, and checks that offsets slice `text` to the item's text.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema" / "extract.schema.json"
EXAMPLES = Path(__file__).parent.parent / "examples"

RECORDS = [
    {"id": "meta-1", "title": "Clashes near Hajin", "url": "https://example.org/hajin-clashes",
     "source": "Example Wire", "published": "2025-03-01",
     "text": "Fighters of the Syrian Democratic Forces (SDF) clashed with Islamic State militants near Hajin "
             "in Deir ez-Zor on Friday, killing three, said Col. Joel Harper, a spokesman for the coalition."},
    {"id": "textdate-2",
     "text": "date 2025-02-10 Militants attack SDF checkpoint near Abu Hamam\n"
             "Militants attacked a checkpoint of the Syrian Democratic Forces near Abu Hamam in Deir Ezzor "
             "late on Sunday. One SDF fighter was killed and three were wounded, the SDF said."},
    {"id": "debris-3",
     "text": "Accessibility links\nBreaking News\nSuicide bomber kills four soldiers north of Samarra\n\n"
             "A suicide bomber killed four Iraqi soldiers at a checkpoint north of Samarra on Thursday, "
             "officials said.\nBreaking News\nplease wait\n"
             "The Islamic State group claimed the attack in a statement last month, according to police in Tikrit."},
]


def _run_extract(inp: Path, out: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "sitrep", "extract", str(inp), "--output", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"sitrep extract exited {proc.returncode}\n{proc.stderr[-4000:]}"
    lines = [ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [json.loads(ln) for ln in lines]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def jsonl_output(tmp_path_factory) -> list[dict]:
    d = tmp_path_factory.mktemp("schema_jsonl")
    inp = d / "in.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    rows = _run_extract(inp, d / "out.jsonl")
    assert [r["id"] for r in rows] == [r["id"] for r in RECORDS]
    return rows


@pytest.fixture(scope="module")
def examples_output(tmp_path_factory) -> list[dict]:
    d = tmp_path_factory.mktemp("schema_examples")
    rows = _run_extract(EXAMPLES, d / "out.jsonl")
    assert len(rows) >= 14          # 12 single files + 2 JSONL records + 2 CSV rows, less any duplicate
    return rows


@pytest.fixture(params=["jsonl", "examples"])
def output(request, jsonl_output, examples_output) -> list[dict]:
    return {"jsonl": jsonl_output, "examples": examples_output}[request.param]


def _errors(validator: Draft202012Validator, obj: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]


# --------------------------------------------------------------------------- validity

def test_every_output_line_validates(validator, output):
    problems = {r.get("id"): errs for r in output if (errs := _errors(validator, r))}
    assert problems == {}


def test_jsonl_records_say_where_the_date_came_from(jsonl_output):
    by_id = {r["id"]: r for r in jsonl_output}
    assert (by_id["meta-1"]["published"], by_id["meta-1"]["published_source"]) == ("2025-03-01", "metadata")
    assert (by_id["textdate-2"]["published"], by_id["textdate-2"]["published_source"]) == ("2025-02-10", "text")
    assert by_id["debris-3"]["published"] is None and by_id["debris-3"]["published_source"] is None
    assert {d["text"] for d in by_id["debris-3"]["debris"]} >= {"Breaking News"}


def test_model_objects_with_events_quotes_claims_validate(validator):
    """The $defs for events, quotes and claims match what model.py serialises."""
    from sitrep import model as m

    text = "ISIS attacked the SDF near Hajin on Saturday, killing two. Col. Harper said about 2,500 troops remain."
    ex = m.Extraction(
        id="doc-1", published="2021-12-13", published_source="metadata", text=text,
        entities=[m.Entity(id="ent-isis", canonical="Islamic State", type="ARMED_GROUP", wikidata="Q2429253",
                           aliases=["ISIS"], mentions=[m.Span("ISIS", 0, 4)]),
                  m.Entity(id="ent-harper", canonical="Joel Harper", type="PERSON",
                           mentions=[m.Span("Col. Harper", 59, 70)],
                           roles=[m.Role(title="spokesperson", organization="CJTF-OIR")])],
        places=[m.Place("Hajin", 27, 32, name="Hajin", geonameid=170000, lat=34.69, lon=40.83, country_code="SY",
                        admin1="Dayr az Zawr", feature_code="PPL", precision="city", score=0.9)],
        timexes=[m.Timex("Saturday", 36, 44, "2021-12-11", "2021-12-11", "day", True)],
        events=[m.Event(id="ev-1", event_type="Battles", sub_event_type="Armed clash",
                        trigger=m.Span("attacked", 5, 13), plover=m.Plover("ASSAULT", "firearms"),
                        date=m.EventDate("2021-12-11", "2021-12-11", "day", True, "text", "Saturday", 36, 44),
                        location=m.EventLocation("Hajin", 170000, 34.69, 40.83, "SY", "Dayr az Zawr", "city",
                                                 "Hajin", 27, 32),
                        actor1=m.ActorRef("ent-isis", "Islamic State", "ISIS", 0, 4),
                        counts=m.Counts(fatalities=2),
                        count_evidence=[m.CountEvidence("fatalities", "killing two", 46, 57)],
                        confidence=0.8, evidence=[m.Span(text[:58], 0, 58)]),
                m.Event(id="ev-2", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                        trigger=m.Span("attacked", 5, 13), modality="planned")],
        quotes=[m.Quote(speaker=m.ActorRef("ent-harper", "Joel Harper", "Col. Harper", 59, 70),
                        cue=m.Span("said", 71, 75), content=m.Span("about 2,500 troops remain", 76, 101))],
        claims=[m.Claim(subject="troops", value=2500, unit="troops", qualifier="about",
                        speaker=m.ClaimSpeaker("ent-harper", "Joel Harper"),
                        date=m.ClaimDate("2021-12-13", "2021-12-13", "day"),
                        evidence=m.Span("about 2,500 troops remain", 76, 101))],
    )
    d = json.loads(json.dumps(ex.to_dict()))
    assert _errors(validator, d) == []

    bad = copy.deepcopy(d)
    bad["events"][0]["event_type"] = "Statements"
    assert _errors(validator, bad)
    bad = copy.deepcopy(d)
    bad["events"][0]["sub_event_type"] = "Air/drone strike"      # belongs to Explosions/Remote violence
    assert _errors(validator, bad)
    bad = copy.deepcopy(d)
    bad["events"][1]["modality"] = "rumoured"
    assert _errors(validator, bad)
    bad = copy.deepcopy(d)
    bad["events"][0]["date"]["source"] = "guess"
    assert _errors(validator, bad)
    bad = copy.deepcopy(d)
    del bad["events"][0]["counts"]["fatalities"]
    assert _errors(validator, bad)


# --------------------------------------------------------------------------- not vacuous

def _sample(rows: list[dict]) -> dict:
    """A real output object with at least one entity and one place."""
    for r in rows:
        if r["entities"] and r["places"]:
            return r
    pytest.fail("no output object has both an entity and a place")


def test_real_object_validates_and_extra_fields_are_allowed(validator, examples_output):
    obj = copy.deepcopy(_sample(examples_output))
    obj["some_future_field"] = {"anything": [1, 2]}
    obj["entities"][0]["some_future_field"] = 1
    assert _errors(validator, obj) == []


@pytest.mark.parametrize("mutation", [
    "entity_type_bogus", "published_source_guess", "place_start_string", "events_missing",
    "entity_id_prefix", "published_not_a_date", "timex_precision_bogus", "place_precision_bogus",
    "negative_offset", "geonameid_string",
])
def test_broken_objects_fail(validator, examples_output, mutation):
    obj = copy.deepcopy(_sample(examples_output))
    if mutation == "entity_type_bogus":
        obj["entities"][0]["type"] = "BOGUS"
    elif mutation == "published_source_guess":
        obj["published_source"] = "guess"
    elif mutation == "place_start_string":
        obj["places"][0]["start"] = "3"
    elif mutation == "events_missing":
        del obj["events"]
    elif mutation == "entity_id_prefix":
        obj["entities"][0]["id"] = "entity-1"
    elif mutation == "published_not_a_date":
        obj["published"] = "2025-13-45"                     # only caught with format checking
    elif mutation == "timex_precision_bogus":
        obj["timexes"] = [{"text": "x", "start": 0, "end": 1, "start_date": None, "end_date": None,
                           "precision": "fortnight", "resolved": False}]
    elif mutation == "place_precision_bogus":
        obj["places"][0]["precision"] = "street"
    elif mutation == "negative_offset":
        obj["entities"][0]["mentions"][0]["start"] = -1
    elif mutation == "geonameid_string":
        obj["places"][0]["geonameid"] = "170794"
    assert _errors(validator, obj), f"{mutation} was accepted"


# --------------------------------------------------------------------------- offsets

def test_offsets_slice_text(output):
    wrong = []
    for r in output:
        text = r["text"]
        assert isinstance(text, str)
        spans = [("mention", m) for e in r["entities"] for m in e["mentions"]]
        spans += [("place", p) for p in r["places"]] + [("timex", t) for t in r["timexes"]]
        for kind, s in spans:
            if not (0 <= s["start"] <= s["end"] <= len(text)) or text[s["start"]:s["end"]] != s["text"]:
                wrong.append((r["id"], kind, s["text"], s["start"], s["end"], text[s["start"]:s["end"]]))
    assert wrong == []
