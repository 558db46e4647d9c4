"""Publication dates come from metadata, then from what the header states; captions never count."""
from __future__ import annotations

import pytest

from conftest import EXAMPLES, SHARED
from sitrep.ingest import pubdate
from sitrep.ingest.clean import clean_text


def detect(text, meta=None, url=None):
    found = pubdate.detect(clean_text(text).text, meta, url)
    return (found.date, found.source) if found else (None, None)


@pytest.mark.parametrize("text,expected", [
    (" date 2018-05-01 Forces Announce Drive\n\nThe coalition affirms ...", "2018-05-01"),
    ("Title\n\nBAGHDAD, Jan. 5, 2025 (Reuters) - Gunmen attacked ...", "2025-01-05"),
    ("Title\n\nDEIR EZ-ZOR, Syria, March 4, 2025 (Example Wire) - A strike ...", "2025-03-04"),
    ("Title\n\nMOSUL, Iraq, 22 October 2024 - Police said ...", "2024-10-22"),
    ("Title\nPublished: 2024-11-18\n\nTAMPA, Fla. - CENTCOM said ...", "2024-11-18"),
    ("Title\nPublished: March 3, 2024\n\nText.", "2024-03-03"),
    ("Title\nUpdated on Sept. 9, 2023 10:42 AM\n\nText.", "2023-09-09"),
    ("Title\nBy Jane Doe | February 2, 2022\n\nText.", "2022-02-02"),
    ("Title\nMonday, 4 March 2019\n\nText.", "2019-03-04"),
])
def test_dates_the_header_states(text, expected):
    assert detect(text) == (expected, "text")


@pytest.mark.parametrize("text", [
    # a photo caption's date is not the publication date
    "Title\n\nU.S. Army Colonel Ryan Dillon speaks during a press conference in Baghdad, Iraq, Aug. 24, 2017.\n\nOperations ...",
    "Title\n\nFILE - Secretary of State Mike Pompeo speaks at a news conference in Washington, April 29, 2020.\n\nText.",
    "FILE - March 4, 2020\n\nText.",
    # dates inside the story
    "Title\n\nISIS overran large swathes of Syria and Iraq in 2014. On June 10, 2014, Mosul fell.",
    # a year-less dateline with nothing to supply the year
    "Title\n\nBAGHDAD, Jan. 5 (Reuters) - Gunmen attacked ...",
    "",
])
def test_no_publication_date_stated(text):
    assert detect(text) == (None, None)


def test_yearless_dateline_takes_the_year_from_the_url():
    text = "Title\n\nBAGHDAD, Jan. 5 (Reuters) - Gunmen attacked ..."
    assert detect(text, url="https://example.org/world/2025/01/05/baghdad-attack") == ("2025-01-05", "text")


def test_metadata_wins_over_text():
    assert detect(" date 2018-05-01 Title\n\nText.", meta="2019-01-01") == ("2019-01-01", "metadata")


def test_metadata_formats():
    assert pubdate.from_metadata("2025-01-07") == "2025-01-07"
    assert pubdate.from_metadata("2025-01-07T23:10:00Z") == "2025-01-07"
    assert pubdate.from_metadata("2025-01-07T23:10:00+03:00") == "2025-01-07"
    with pytest.raises(ValueError, match="not an ISO date"):
        pubdate.from_metadata("last Tuesday")


def test_evidence_points_at_the_words():
    text = clean_text("Title\n\nRAQQA, Syria, January 8, 2025 (Example Wire) - Text.").text
    found = pubdate.from_text(text)
    assert text[found.evidence.start:found.evidence.end] == "January 8, 2025"


def test_seed_articles():
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    if not seeds:
        pytest.skip("../shared/seeds is not beside this checkout")
    got = {k: detect(v)[0] for k, v in sorted(seeds.items())}
    assert got == {"000": None, "001": "2018-05-01", "002": None, "003": None, "004": None}


def test_bundled_examples():
    from sitrep.ingest import documents

    got = {d.id: d.published for d in documents([str(EXAMPLES)])}
    assert got["06_debris_samarra_suicide_bombing.txt"] is None   # caption date is a trap
    assert got["04_nodate_dayr_az_zawr_protest.txt"] is None
    assert got["02_release_centcom_dayr_az_zawr.txt"] == "2024-11-18"
    assert got["03_monitor_deir_ezzor_checkpoint_clashes.txt"] == "2025-02-10"
    assert got["09_repost_hasakah_ambush.txt"] == "2024-12-03"
