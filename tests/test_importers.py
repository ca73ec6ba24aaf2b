"""Event importers: every format on a fixture, detection by header, errors that name the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.errors import Problems
from briefkit.events import detect, read_events

FIXTURES = Path(__file__).parent / "fixtures" / "events"
SAME = ["events.yaml", "events.csv", "timelinejs.json", "timelinejs-sheet.csv"]


def read(name: str, format: str | None = None):
    path = FIXTURES / name
    problems = Problems()
    timeline = read_events(path, path.read_text(encoding="utf-8"), problems, format=format)
    return timeline, [str(p).removeprefix(f"{path}:") for p in problems.items]


def summary(timeline):
    return [(str(e.date), str(e.end) if e.end else None, e.title, e.text, e.group) for e in timeline.events]


@pytest.mark.parametrize("name, format", [
    ("events.yaml", "yaml-or-json"), ("events.csv", "csv"), ("timelinejs.json", "yaml-or-json"),
    ("timelinejs-sheet.csv", "timelinejs-sheet"), ("acled.csv", "acled"),
])
def test_the_format_is_told_by_the_header(name, format):
    assert detect(FIXTURES / name, (FIXTURES / name).read_text(encoding="utf-8")) == format


@pytest.mark.parametrize("name", SAME)
def test_each_format_gives_the_same_timeline(name):
    timeline, problems = read(name)
    assert problems == []
    expected, _ = read("events.yaml")
    assert summary(timeline) == summary(expected)
    assert [(str(e.start), str(e.end), e.title) for e in timeline.eras] == (
        [] if name == "events.csv" else [("1979-12", "1989-02", "Soviet-Afghan War")])


def test_timelinejs_html_becomes_plain_text():
    timeline, _ = read("timelinejs-sheet.csv")
    assert timeline.events[0].text == "The Red Army crosses the Amu Darya."
    assert timeline.events[-1].text == "Russia’s recognition of the Taliban government."


def test_acled_rows_become_events():
    timeline, problems = read("acled.csv")
    assert problems == []
    clash, protest, agreement = timeline.events
    assert (str(clash.date), clash.title, clash.group, clash.id, clash.importance) == (
        "2024-03-02", "Armed clash in Kabul", "Armed clash", "AFG90001", "high")
    assert clash.text == ('On 2 March 2024, Taliban forces clashed with IS fighters in Kabul, "heavily" '
                          "armed. Fatalities: 12. Source: Pajhwok Afghan News; Reuters.")
    assert clash.sources == [] and clash.line == 2  # outlets are text, not source keys
    assert str(protest.date) == "2024-03-10" and "Date known to the week." in protest.text
    assert (str(agreement.date), agreement.importance) == ("2024-04", "normal")  # precision 3: a month


def test_format_can_be_forced():
    timeline, problems = read("acled.csv", format="csv")
    assert timeline.events == () and len(problems) == 1
    assert problems[0].startswith("1: unknown column 'event_id_cnty'")
    timeline, problems = read("timelinejs.json", format="timelinejs")
    assert len(timeline.events) == 3 and problems == []


def test_acled_errors_name_the_row():
    timeline, problems = read("acled-bad.csv")
    assert timeline.events == ()
    assert problems == [  # in the order of the rows
        "2: event_date '2024-02-30' is not a date; ACLED writes 2024-03-22 or 22 March 2024",
        "3: time_precision '4': ACLED uses 1 (day), 2 (week), 3 (month)",
        "4: fatalities 'about 5' is not a whole number",
        "5: row has 7 cells but the header has 8",
    ]


def test_timelinejs_sheet_errors_name_the_row():
    _, problems = read("timelinejs-sheet-bad.csv")
    assert problems == [
        "2: Year/Month/Day '2025-13' is not a date: numbers, e.g. 2025 / 7 / 3",
        "3: 'No year at all' has no Year; every slide but the title needs one",
        "4: era 'An era without an end' has no End Year; an era needs an end",
        "5: no Headline; briefkit prints it as the event's title",
    ]


def test_a_sheet_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("Year,Title\n2020,x\n")
    problems = Problems()
    read_events(path, path.read_text(), problems, format="timelinejs-sheet")
    assert [p.message for p in problems.items] == ["no 'Headline' column, which TimelineJS sheet files have"]


def test_an_events_file_in_any_format_loads_in_a_brief(make_brief):
    from briefkit.reading import load

    folder = make_brief({"brief.yaml": "title: T\ndate: 2026-02-01\nevents: acled.csv\n",
                         "acled.csv": (FIXTURES / "acled.csv").read_text()})
    problems = Problems()
    material = load(folder, problems)
    assert not problems and len(material.timeline.events) == 3
