"""Event files: the brief's YAML and CSV and TimelineJS JSON give the same timeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefkit.errors import Problems
from briefkit.events import read_events
from briefkit.dates import PartialDate

YAML = """\
events:
  - date: 1979-12-27
    title: Soviet troops enter Afghanistan
    group: Conflict
  - date: "2002"
    end: "2005"
    title: Arms supplies
    group: Security
  - date: "2025-07"
    title: Recognition
    sources: [mfa, reuters]
eras:
  - {start: "1979-12", end: "1989-02", title: Soviet-Afghan War}
"""

CSV = """\
date,end,title,group,sources
1979-12-27,,Soviet troops enter Afghanistan,Conflict,
2002,2005,Arms supplies,Security,
2025-07,,Recognition,,mfa; reuters
"""

TIMELINEJS = {
    "events": [
        {"start_date": {"year": 1979, "month": 12, "day": 27},
         "text": {"headline": "Soviet troops enter Afghanistan"}, "group": "Conflict"},
        {"start_date": {"year": "2002"}, "end_date": {"year": "2005"},
         "text": {"headline": "Arms supplies"}, "group": "Security"},
        {"start_date": {"year": "2025", "month": "7"}, "text": {"headline": "Recognition"}},
    ],
    "eras": [{"start_date": {"year": 1979, "month": 12}, "end_date": {"year": 1989, "month": 2},
              "text": {"headline": "Soviet-Afghan War"}}],
}


def read(name: str, text: str):
    problems = Problems()
    timeline = read_events(Path(name), text, problems)
    assert not problems, problems.items
    return timeline


def summary(timeline):
    return [(str(e.date), str(e.end) if e.end else None, e.title, e.group) for e in timeline.events]


def test_the_three_formats_agree():
    from_yaml = read("events.yaml", YAML)
    assert summary(read("events.csv", CSV)) == summary(from_yaml)
    from_tjs = read("events.json", json.dumps(TIMELINEJS, indent="\t"))  # as exports indent
    assert summary(from_tjs) == summary(from_yaml)
    assert [str(e.start) for e in from_tjs.eras] == [str(e.start) for e in from_yaml.eras]


def test_csv_splits_sources_and_events_know_their_line():
    timeline = read("events.csv", CSV)
    assert timeline.events[-1].sources == ["mfa", "reuters"]
    assert [e.line for e in timeline.events] == [2, 3, 4]


def test_events_are_sorted_by_date():
    text = "events:\n  - {date: '2020', title: B}\n  - {date: '1990-05', title: A}\n"
    assert [e.title for e in read("events.yaml", text).events] == ["A", "B"]


def test_a_utf8_bom_is_not_part_of_the_first_column(tmp_path):
    from briefkit.parsing import read_text

    path = tmp_path / "events.csv"
    path.write_bytes("\ufeff".encode() + CSV.encode())
    assert summary(read("events.csv", read_text(path, Problems())))[0][2] == "Soviet troops enter Afghanistan"


@pytest.mark.parametrize("value, precision, first, last", [
    ("2003", "year", "2003-01-01", "2003-12-31"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2025-07-03", "day", "2025-07-03", "2025-07-03"),
])
def test_partial_dates_keep_their_precision(value, precision, first, last):
    date = PartialDate.parse(value)
    assert (date.precision, str(date.start()), str(date.end())) == (precision, first, last)


def test_csl_json_sources_as_zotero_exports_them(make_brief, tmp_path):
    from briefkit.errors import Problems
    from briefkit.reading import load

    items = [{"id": "a", "type": "report", "title": "A “quoted” title",
              "author": [{"family": "Çiçek", "given": "Anil"}],
              "issued": {"date-parts": [[2015, 6]]}}]
    folder = make_brief({"sources.json": json.dumps(items, indent="\t", ensure_ascii=False),
                         "commentary.md": "Text.[@a]\n"})
    problems = Problems()
    material = load(folder, problems)
    assert not problems, problems.items
    assert material.sources["a"].csl()["author"][0]["family"] == "Çiçek"
    assert material.sources["a"].line == 2
