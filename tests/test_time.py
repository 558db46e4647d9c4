"""Time: expressions resolved against the publication date, ranges, precision, event dating, ACLED precision.

* the battery (tests/data/time_battery.csv, written for these tests; it includes every time
  expression of the five seed articles, with and without their publication dates) through
  `sitrep.resolve.time.normalize`;
* the real Pipeline on short texts of our own: spans, offsets, range merging, "since",
  durations dropped, an undated article staying unresolved, future tense;
* the event dating rule on parsed sentences; ACLED's time_precision.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from sitrep.model import EventDate, Extraction, Timex
from sitrep.resolve.time import acled_time_precision, event_date, is_nontime, normalize

BATTERY = Path(__file__).parent / "data" / "time_battery.csv"


def _battery() -> list[dict]:
    lines = [ln for ln in BATTERY.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


ROWS = _battery()


def test_battery_is_big_and_covers_the_seeds():
    assert len(ROWS) >= 80
    seeds = [r for r in ROWS if r["note"].startswith("seed")]
    texts = {r["text"] for r in seeds}
    for t in ("on Saturday", "last Thursday", "the first week of August", "from December 30 to January 6",
              "in March", "in July of 2023", "Since 2016", "this week", "earlier this year"):
        assert t in texts
    assert {bool(r["published"]) for r in seeds} == {True, False}     # both runs


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{r['text']}|{r['published'] or '-'}" for i, r in enumerate(ROWS)])
def test_battery(row):
    r = normalize(row["text"], row["published"] or None, future_tense=row["tense"] == "future")
    if row["resolved"] == "drop":
        assert r is None, f"{row['text']!r} is no date, got {r}"
        return
    assert r is not None
    got = (r.start.isoformat() if r.start else "", r.end.isoformat() if r.end else "", r.precision or "",
           str(int(r.resolved)), str(int(r.future)))
    assert got == (row["start"], row["end"], row["precision"], row["resolved"], row["future"])
    if row["month"]:
        assert r.month == int(row["month"])
    if row["day"]:
        assert r.day == int(row["day"])


def test_without_publication_date_nothing_relative_resolves_and_today_never_appears():
    today = date.today()
    for row in ROWS:
        r = normalize(row["text"], None, future_tense=row["tense"] == "future")
        if r is None:
            continue
        assert r.start != today and r.end != today
        if r.resolved:    # only what states its own year (or decade) resolves
            assert any(ch.isdigit() for ch in row["text"]), row["text"]


def test_publication_datetime_strings_and_dates_are_accepted():
    a = normalize("yesterday", "2025-01-07T09:30:00Z")
    b = normalize("yesterday", date(2025, 1, 7))
    assert a == b and a.start == date(2025, 1, 6)
    assert normalize("yesterday", "not a date").resolved is False


def test_nontime():
    for t in ("two years", "four hours", "decades", "aged 12", "52-year-old", "daily", "71", "10 a.m.", "morning"):
        assert is_nontime(t), t
    for t in ("the past two weeks", "two years ago", "the day", "2014", "Saturday"):
        assert not is_nontime(t), t


# --------------------------------------------------------------------------- the real pipeline

def _timex(ext: Extraction, text: str) -> Timex:
    found = [t for t in ext.timexes if t.text == text]
    assert found, f"no timex {text!r} in {[t.text for t in ext.timexes]}"
    return found[0]


def _check_offsets(ext: Extraction, text: str):
    for t in ext.timexes:
        assert text[t.start:t.end] == t.text


def test_pipeline_merges_a_range_across_the_new_year(pipeline):
    text = ("Iraqi forces and coalition aircraft struck militant hideouts in the Hamrin mountains "
            "from December 30 to January 6, the command said. "
            "Between January 2 and January 3, a raid near Hajin detained a cell leader.")
    ext = pipeline.extract(text, published="2025-01-07")
    _check_offsets(ext, text)
    rng = _timex(ext, "from December 30 to January 6")
    assert (rng.start_date, rng.end_date, rng.precision, rng.resolved) == ("2024-12-30", "2025-01-06", "day", True)
    assert not any(t.text in ("December 30", "January 6") for t in ext.timexes)        # one timex, not two
    rng2 = _timex(ext, "Between January 2 and January 3")
    assert (rng2.start_date, rng2.end_date, rng2.precision) == ("2025-01-02", "2025-01-03", "day")
    assert rng.future is False


def test_pipeline_resolves_relative_dates(pipeline):
    text = ("Gunmen attacked a checkpoint east of the river on Saturday, and a roadside bomb hit a patrol "
            "last Thursday. Since 2016 the force has lost dozens of men, and attacks have grown recently. "
            "The first week of August was the deadliest so far.")
    ext = pipeline.extract(text, published="2021-12-13")           # a Monday
    _check_offsets(ext, text)
    assert (_timex(ext, "Saturday").start_date, _timex(ext, "last Thursday").start_date) == ("2021-12-11", "2021-12-09")
    since = _timex(ext, "Since 2016")
    assert (since.start_date, since.end_date, since.precision) == ("2016-01-01", "2021-12-13", "year")
    assert _timex(ext, "recently").precision == "vague"
    week = _timex(ext, "The first week of August")
    assert (week.start_date, week.end_date, week.precision) == ("2021-08-01", "2021-08-07", "week")


def test_pipeline_undated_article_stays_unresolved(pipeline):
    text = ("Militants attacked a checkpoint near Abu Hamam on Saturday. Last month the group claimed "
            "a bombing in March 4 raids, and on March 4, 2019 it had lost its last town.")
    ext = pipeline.extract(text)
    assert ext.published is None
    _check_offsets(ext, text)
    sat = _timex(ext, "Saturday")
    assert (sat.start_date, sat.end_date, sat.resolved, sat.precision) == (None, None, False, "day")
    assert _timex(ext, "Last month").resolved is False
    absolute = _timex(ext, "March 4, 2019")
    assert (absolute.start_date, absolute.resolved) == ("2019-03-04", True)
    assert all(t.start_date != date.today().isoformat() for t in ext.timexes)


def test_pipeline_keeps_month_and_day_of_a_yearless_date(pipeline):
    text = "Coalition aircraft struck a weapons depot on March 4, officials said."
    undated = _timex(pipeline.extract(text), "March 4")
    assert (undated.resolved, undated.month, undated.day, undated.start_date) == (False, 3, 4, None)
    dated = _timex(pipeline.extract(text, published="2025-03-10"), "March 4")
    assert (dated.resolved, dated.start_date) == (True, "2025-03-04")


def test_pipeline_drops_durations_and_ages(pipeline):
    text = ("The clashes lasted four hours and the siege of the town nearly two years. A 52-year-old "
            "farmer and a boy aged 12 were among the dead, and patrols now run daily.")
    ext = pipeline.extract(text, published="2025-01-07")
    _check_offsets(ext, text)
    assert ext.timexes == [], [t.text for t in ext.timexes]


def test_pipeline_future_tense_and_future_flag(pipeline):
    text = ("The council will meet on Thursday to discuss the ceasefire, and elections are expected "
            "over the coming weeks. Talks collapsed on Thursday.")
    ext = pipeline.extract(text, published="2025-01-06")            # a Monday
    _check_offsets(ext, text)
    thursdays = [t for t in ext.timexes if t.text == "Thursday"]
    assert [(t.start_date, t.future) for t in thursdays] == [("2025-01-09", True), ("2025-01-02", False)]
    coming = _timex(ext, "the coming weeks")
    assert coming.future is True and coming.precision == "vague" and coming.start_date == "2025-01-07"


def test_timex_json_carries_the_additions(pipeline):
    ext = pipeline.extract("The ministry said the raid happened on March 4.", published="2025-03-10")
    d = ext.to_dict()["timexes"][0]
    assert {"future", "month", "day"} <= set(d) and d["future"] is False and (d["month"], d["day"]) == (3, 4)
    assert Extraction.from_dict(ext.to_dict()).timexes == ext.timexes


# --------------------------------------------------------------------------- event dating

def _doc_and_timexes(pipeline, text, published):
    from sitrep.extract.timexes import extract_timexes

    doc = pipeline.nlp(text)
    return doc, extract_timexes(doc, published)


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return i, i + len(word)


def test_event_date_governing_expression(pipeline):
    text = "On Saturday, militants claimed responsibility for an attack on a base east of Deir ez-Zor."
    doc, tx = _doc_and_timexes(pipeline, text, "2021-12-13")
    d = event_date(_at(text, "attack"), tx, "2021-12-13", doc=doc)
    assert isinstance(d, EventDate)
    assert (d.start, d.end, d.source, d.text, d.resolved) == ("2021-12-11", "2021-12-11", "text", "Saturday", True)
    assert text[d.start_char:d.end_char] == "Saturday"


def test_event_date_reported_clause_takes_the_reporting_verbs_date(pipeline):
    text = ("The remarks came after Iraq announced last Thursday that the combat mission of the coalition "
            "had ended.")
    doc, tx = _doc_and_timexes(pipeline, text, "2021-12-13")
    d = event_date(_at(text, "ended"), tx, "2021-12-13", doc=doc)
    assert (d.start, d.text) == ("2021-12-09", "last Thursday")


def test_event_date_background_fact_keeps_its_own_date(pipeline):
    text = ("The coalition has killed many militants in recent years, including the group's leader in "
            "eastern Syria, who was killed in a strike in July of 2023.")
    doc, tx = _doc_and_timexes(pipeline, text, "2025-01-07")
    leader = event_date(_at(text, "killed", 1), tx, "2025-01-07", doc=doc)
    assert (leader.start, leader.end, leader.precision) == ("2023-07-01", "2023-07-31", "month")
    campaign = event_date(_at(text, "killed", 0), tx, "2025-01-07", doc=doc)
    assert campaign.text == "recent years"


def test_event_date_previous_sentence_then_publication(pipeline):
    text = ("Militants attacked an army post near Samarra on Sunday. Two soldiers were killed.\n\n"
            "Police arrested three suspects.")
    doc, tx = _doc_and_timexes(pipeline, text, "2025-01-07")
    killed = event_date(_at(text, "killed"), tx, "2025-01-07", doc=doc)
    assert (killed.start, killed.source, killed.text) == ("2025-01-05", "text", "Sunday")
    arrested = event_date(_at(text, "arrested"), tx, "2025-01-07", doc=doc)       # new paragraph
    assert (arrested.start, arrested.end, arrested.precision, arrested.resolved, arrested.source) == (
        "2025-01-07", "2025-01-07", "day", True, "published")
    assert arrested.text is None and arrested.start_char is None


def test_event_date_without_publication_date_is_honest(pipeline):
    text = "Police arrested three suspects. A second raid followed on Saturday."
    doc, tx = _doc_and_timexes(pipeline, text, None)
    d = event_date(_at(text, "arrested"), tx, None, doc=doc)
    assert (d.start, d.resolved, d.source) == (None, False, "unknown")
    d2 = event_date(_at(text, "raid"), tx, None, doc=doc)
    assert (d2.start, d2.resolved, d2.source, d2.text, d2.precision) == (None, False, "text", "Saturday", "day")


def test_event_date_without_a_parse_uses_the_nearest_in_the_sentence():
    text = "A bomb exploded in Kirkuk on Monday and another on Tuesday."
    tx = [Timex("Monday", 29, 35, "2025-01-06", "2025-01-06", "day", True),
          Timex("Tuesday", 51, 58, "2025-01-07", "2025-01-07", "day", True)]
    assert text[29:35] == "Monday" and text[51:58] == "Tuesday"
    d = event_date(_at(text, "another"), tx, "2025-01-08", sentences=[(0, len(text))])
    assert d.text == "Tuesday"
    d = event_date(_at(text, "exploded"), tx, "2025-01-08", sentences=[(0, len(text))])
    assert d.text == "Monday"


# --------------------------------------------------------------------------- ACLED precision

def test_acled_time_precision():
    assert acled_time_precision("day", "2021-12-11", "2021-12-11") == 1
    assert acled_time_precision("day", "2025-01-02", "2025-01-03") == 2          # two days
    assert acled_time_precision("week", "2018-08-01", "2018-08-07") == 2
    assert acled_time_precision("day", "2024-12-30", "2025-01-06") == 3          # eight days
    assert acled_time_precision("month", "2023-07-01", "2023-07-31") == 3
    assert acled_time_precision("year", "2014-01-01", "2014-12-31") == 3
    assert acled_time_precision("vague", "2020-01-01", "2020-06-03") == 3
    assert acled_time_precision("year", "2016-01-01", None) == 3                 # "since 2016", open end
    assert acled_time_precision(None, None, None) is None
    assert acled_time_precision(EventDate("2021-12-11", "2021-12-11", "day", True, "text")) == 1
    assert acled_time_precision(EventDate(None, None, "day", False, "text", "Saturday")) is None
    assert acled_time_precision(Timex("this week", 10, 19, "2020-06-01", "2020-06-07", "week", True)) == 2
    assert acled_time_precision(Timex("Saturday", 10, 18, None, None, "day", False)) is None
