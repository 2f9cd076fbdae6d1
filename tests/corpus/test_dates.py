"""Date normalisation: full dates only, local date of offset datetimes, never invented."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from corpus.dates import normalize_date, stated_dates
from corpus.ingest import read_article_bytes
from corpus.models import Article


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-01", "2026-06-01"),
        ("2026-06-01T08:30:00+02:00", "2026-06-01"),
        ("2026-06-01T23:30:00-07:00", "2026-06-01"),
        ("2019-11-19T13:03:00.000Z", "2019-11-19"),
        ("2022/06/13", "2022-06-13"),
        ("June 1, 2026", "2026-06-01"),
        ("1 June 2026", "2026-06-01"),
        ("Tue, 01 Jun 2026 10:00:00 GMT", "2026-06-01"),
        ("Sun, 31 May 2026 23:00:00 -0500", "2026-05-31"),
        ("06/13/2022", "2022-06-13"),
        ("13.06.2022", "2022-06-13"),
        ("Published: June 1, 2026 10:00 a.m. ET", "2026-06-01"),
        ("20220613", "2022-06-13"),
    ],
)
def test_full_dates_are_normalised(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "   ", "2026-13-45", "2020-02-30", "2022", "June", "June 2026", "2026-06",
     "Monday", "3 hours ago", "None", "null", "12", "01/06/2026", "not a date", "0001-01-01"],
)
def test_incomplete_impossible_or_ambiguous_dates_are_none(value: str) -> None:
    assert normalize_date(value) is None


@pytest.mark.parametrize("value", [None, 20260601, 1.5, ["2026-06-01"], {"date": "x"}])
def test_non_strings_are_none(value: object) -> None:
    assert normalize_date(value) is None


def test_date_and_datetime_objects() -> None:
    assert normalize_date(date(2026, 6, 1)) == "2026-06-01"
    tz = timezone(timedelta(hours=2))
    assert normalize_date(datetime(2026, 6, 1, 0, 30, tzinfo=tz)) == "2026-06-01"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026.06.01", "2026-06-01"),
        ("2026-6-1", "2026-06-01"),
        ("2026/06/01 10:00", "2026-06-01"),
        ("20220613T101010Z", "2022-06-13"),
        ("01-Jun-2026", "2026-06-01"),
        ("Jun 1st, 2026", "2026-06-01"),
        ("05/05/2022", "2022-05-05"),
        ("31/12/2025", "2025-12-31"),
        ("12/31/2025", "2025-12-31"),
        ("1 June 2026 | 10:30 BST", "2026-06-01"),
    ],
)
def test_unambiguous_dates_are_read(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "1/2/3",  # the tester's case: once read as 2003-01-02
        "1/2/03", "01/02/03", "3.4.5", "26-06-01", "01.06.26", "12/03/2026", "03/12/2026",
        "1-2-2026", "June 1, 26", "1 Jun 26", "Sun, 31 May 26 23:00:00 -0500", "1717200000",
        "2026 6", "6/2026", "1/2",
    ],
)
def test_ambiguous_numeric_dates_and_two_digit_years_are_none(value: str) -> None:
    assert normalize_date(value) is None


@pytest.mark.parametrize(
    "value",
    ["Tue,9" + "9" * 60 + " 01 Jun 2026 10:00:00 GMT", "Tue, 01 Jun 2026 10:00:" + "9" * 60,
     "June 1, 2026 " + "x" * 200],
)
def test_pathological_strings_give_none_without_raising(value: str) -> None:
    assert normalize_date(value) is None


# Case DATE-01 (../shared/cases/cases.jsonl): partial dates are unknown, never filled from today
DATE_01 = [
    ("2014-01", None), ("", None), ("   ", None), ("Feb 2011", None), ("at 7 pm", None),
    ("Remind me at 7 pm", None), ("June", None), ("2026", None), ("2026-02-30", None),
    ("Posted 3 hours ago", None), ("2026-02-03", "2026-02-03"),
    ("3 February 2026", "2026-02-03"),
]


@pytest.mark.parametrize(("value", "expected"), DATE_01)
def test_date_01_partial_relative_and_impossible_dates_are_none(
    value: str, expected: str | None
) -> None:
    assert normalize_date(value) == expected


def test_date_01_json_records_store_partial_dates_as_unknown() -> None:
    records = [{"title": f"Story {n}", "text": f"The council met for meeting number {n}.",
                "published": value} for n, (value, _) in enumerate(DATE_01)]
    items = list(read_article_bytes(json.dumps(records).encode(), filename="dates.json"))
    assert all(isinstance(item, Article) for item in items)
    assert [item.published for item in items if isinstance(item, Article)] == [
        expected for _, expected in DATE_01]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mo, 25 Jun 2018 11:41:36", "2018-06-25"),
        ("Dienstag, 26. Juni 2018", "2018-06-26"),
        ("mer. 3 févr. 2026 10:00:00 +0100", "2026-02-03"),
        ("25 de junho de 2018", "2018-06-25"),
        ("Thursday, March 5, 2026", "2026-03-05"),
        ("Montag, 25.06.2018", "2018-06-25"),
        ("junio 25, 2026", "2026-06-25"),
    ],
)
def test_weekday_in_any_language_and_foreign_month_names_are_read(
    value: str, expected: str
) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize("value", ["Juni 2018", "lun., juin", "Mo, 25 Jun", "at 7 pm",
                                   "Q3 2026", "2026-W05", "Spring 2026", "Week 5, 2026",
                                   "Tomorrow at 7 pm", "2 days ago", "29 Feb 2025"])
def test_foreign_partial_dates_stay_none(value: str) -> None:
    assert normalize_date(value) is None


def test_stated_dates_are_the_full_dates_written_in_a_text() -> None:
    text = ("Updated 18/11/2019, November 19th, 2019 and 3 Feb. 2026; /2019/11/20/ 20191121; "
            "not 2014-01, 2026-02-30 or Feb 2011; 05/10/2018 either way")
    assert stated_dates(text, "https://x.example/2018/10/09/a") == {
        "2018-10-09", "2019-11-18", "2019-11-19", "2019-11-20", "2019-11-21", "2026-02-03",
        "2018-10-05", "2018-05-10"}
