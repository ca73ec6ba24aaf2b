"""dates.py: every date a brief gives, in any file or format, read by one set of rules."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from briefkit import dates
from briefkit.dates import PartialDate
from briefkit.models import Brief, Event


@pytest.mark.parametrize("value, expected", [
    ("2025", PartialDate(2025)),
    ("2025-07", PartialDate(2025, 7)),
    ("2025-07-03", PartialDate(2025, 7, 3)),
    (" 2025-7-3 ", PartialDate(2025, 7, 3)),  # one-digit month and day, spaces around
    (2025, PartialDate(2025)),  # YAML reads `date: 2025` as a number
    (800, PartialDate(800)),  # a number is a year, however small
    ("0800", PartialDate(800)),
    (dt.date(2025, 7, 3), PartialDate(2025, 7, 3)),  # YAML reads an unquoted date as a date
    (dt.datetime(2025, 7, 3, 10, 30, tzinfo=dt.UTC), PartialDate(2025, 7, 3)),  # `accessed` with its time
    (PartialDate(2024, 2), PartialDate(2024, 2)),
])
def test_a_partial_date_is_read_at_the_precision_it_is_written(value, expected):
    date = dates.partial(value)
    assert date == expected and date.precision == expected.precision


@pytest.mark.parametrize("value, why", [
    ("2025-13", "'2025-13' is not a date: month must be in 1..12"),
    ("2025-02-30", "'2025-02-30' is not a date: day is out of range for month"),
    ("0000", "'0000' is not a date: year 0 is out of range"),
    (0, "'0000' is not a date: year 0 is out of range"),
    ("25-07-03", "'25-07-03' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),  # a slip, not the year 25
    ("12345", "'12345' is not a date: write YYYY"),
    ("۱۴۰۴", "'۱۴۰۴' is not a date: write YYYY"),  # a Solar Hijri year, not Gregorian 1404
    ("٢٠٢٥-٠٧", "is not a date: write YYYY"),
    ("3 July 2025", "'3 July 2025' is not a date: write YYYY"),
    ("20250703", "is not a date: write YYYY"),
    (True, "True is not a date: write YYYY"),
    (2025.0, "2025.0 is not a date: write YYYY"),
    (None, "None is not a date"),
    ({"date-parts": [[2025]]}, "is not a date"),  # CSL's form is read by dates.csl only
])
def test_what_is_not_a_date_says_why(value, why):
    with pytest.raises(ValueError) as error:
        dates.partial(value)
    assert why in str(error.value)
    assert not dates.is_partial(value)


def test_a_partial_date_covers_its_year_month_or_day():
    assert (PartialDate(2024).start(), PartialDate(2024).end()) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert PartialDate(2024, 2).end() == dt.date(2024, 2, 29)  # a leap year's February
    assert PartialDate(2023, 12).end() == dt.date(2023, 12, 31)
    assert PartialDate(2025, 7, 3).end() == PartialDate(2025, 7, 3).start() == dt.date(2025, 7, 3)
    assert [str(PartialDate(800)), str(PartialDate(2025, 7)), str(PartialDate(2025, 7, 3))] == \
        ["0800", "2025-07", "2025-07-03"]
    assert PartialDate(2025, 7, 3).parts == [2025, 7, 3] and PartialDate(2025).parts == [2025]


@pytest.mark.parametrize("value", ["2025-07-03", " 2025-07-03", "2025-7-3", dt.date(2025, 7, 3),
                                   dt.datetime(2025, 7, 3), dt.datetime(2025, 7, 3, 10, 0)])
def test_a_full_date_is_a_day(value):
    assert dates.full(value) == dt.date(2025, 7, 3)


@pytest.mark.parametrize("value, message", [
    ("2025-07", "'2025-07' is not a date: write YYYY-MM-DD"),
    ("2025", "'2025' is not a date: write YYYY-MM-DD"),
    (2025, "2025 is not a date: write YYYY-MM-DD"),
    ("2026-02-30", "'2026-02-30' is not a date (day is out of range for month): write YYYY-MM-DD"),
    ("20250703", "'20250703' is not a date: write YYYY-MM-DD"),  # fromisoformat took it
    ("2025-W27-4", "'2025-W27-4' is not a date: write YYYY-MM-DD"),  # so too an ISO week date
    (1751500800, "1751500800 is not a date: write YYYY-MM-DD"),  # pydantic took seconds since 1970
])
def test_a_full_date_refuses_what_is_no_day(value, message):
    with pytest.raises(ValueError) as error:
        dates.full(value)
    assert str(error.value) == message


def test_the_models_read_dates_with_the_same_rules():
    assert Brief(title="T", date="2025-07-03").date == dt.date(2025, 7, 3)
    with pytest.raises(ValidationError, match="'2025-07' is not a date: write YYYY-MM-DD"):
        Brief(title="T", date="2025-07")
    event = Event(date=2025, end="2025-03", title="E")
    assert (event.date, event.end) == (PartialDate(2025), PartialDate(2025, 3))
    with pytest.raises(ValidationError, match="'2025-13' is not a date: month must be in 1..12"):
        Event(date="2025-13", title="E")


@pytest.mark.parametrize("parts, expected", [
    ((2025, 7, 3), "2025-07-03"),
    (("2025", "7", ""), "2025-07"),  # a sheet's empty Day column
    (("2025", "", "3"), "2025"),  # no month: the day means nothing
    ((800,), "0800"),  # TimelineJS writes a year as a number
    ((2025.0, 7.0), "2025-07"),  # JSON's numbers
    (("2025", "July"), "2025-July"),  # kept as written, for the message
    ((None, 7, 3), None),
    (("", "7"), None),
    ((), None),
])
def test_parts_given_apart_are_joined_for_reading(parts, expected):
    assert dates.joined(*parts) == expected


@pytest.mark.parametrize("value, expected", [
    ({"date-parts": [[2025, 7, 3]]}, PartialDate(2025, 7, 3)),
    ({"date-parts": [["2025", "7"]]}, PartialDate(2025, 7)),
    ({"date-parts": [[2025, 7], [2025, 9]]}, PartialDate(2025, 7)),  # a range: its start
    ({"raw": "2025-07-03"}, PartialDate(2025, 7, 3)),
    ("2019", PartialDate(2019)),
    (dt.date(2019, 5, 1), PartialDate(2019, 5, 1)),
    ({"literal": "Spring 2019"}, None),
    ({"season": 1}, None),
    ({"date-parts": [[2025, 13]]}, None),
    ({"date-parts": []}, None),
    ("forthcoming", None),
    (None, None),
])
def test_a_csl_date_variable_gives_its_date_or_none(value, expected):
    assert dates.csl(value) == expected


def test_csl_json_writes_dates_as_date_parts():
    assert dates.csl_json(dt.date(2025, 7, 3)) == {"date-parts": [[2025, 7, 3]]}
    assert dates.csl_json("2025-07") == {"date-parts": [[2025, 7]]}
    assert dates.csl_json(2019) == {"date-parts": [[2019]]}
    assert dates.csl_json("n.d.") is None


def test_a_day_in_an_exports_own_format():
    formats = ("%Y-%m-%d", "%d %B %Y")
    assert dates.day("2024-03-22", formats) == dates.day(" 22 March 2024", formats) == dt.date(2024, 3, 22)
    assert dates.day("2024-02-30", formats) is None
    assert dates.day("March 2024", formats) is None


def test_midnight_is_a_days_first_moment_in_utc():
    assert dates.midnight("2026-01-29") == dates.midnight(dt.date(2026, 1, 29)) == \
        dt.datetime(2026, 1, 29, tzinfo=dt.UTC)
    assert int(dates.midnight("1970-01-02").timestamp()) == 86400
    with pytest.raises(ValueError, match="write YYYY-MM-DD"):
        dates.midnight("2026-01")


def test_a_date_in_a_language_s_own_digits_is_refused_with_how_to_write_it():
    """۱۴۰۴ may be a Solar Hijri year: it is never read as Gregorian 1404, and the message says
    how to write a date (the pages still print it in the brief's digits)."""
    for value in ("۲۰۲۵-۰۷-۰۳", "۱۴۰۴", "२०२५"):
        with pytest.raises(ValueError) as error:
            dates.partial(value)
        assert "in the digits 0-9, a Gregorian date" in str(error.value)
    with pytest.raises(ValueError) as error:
        dates.partial("25-07-03")
    assert "0-9" not in str(error.value)
