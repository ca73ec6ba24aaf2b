"""Timeline charts: vector SVG with real text, reproducible, literal, described."""

from __future__ import annotations

import re

from briefkit import charts, styles
from briefkit.models import Event, PartialDate, Timeline


def draw(timeline: Timeline, options=None):
    style = styles.find("think-tank")
    return charts.timeline_svg(timeline, options or {}, style.chart_styles,
                               [f.path for f in style.fonts], style.chart_font, "en")


def event(date: str, title: str, **kwargs) -> Event:
    return Event(date=PartialDate.parse(date), title=title, **kwargs)


TIMELINE = Timeline(tuple(event(f"{2000 + i}-0{1 + i % 9}", f"Event number {i}", group=g)
                          for i, g in enumerate(["Diplomacy", "Security"] * 6)))


def test_the_same_data_gives_the_same_svg():
    assert draw(TIMELINE).svg == draw(TIMELINE).svg


def test_labels_are_text_in_the_style_font():
    svg = draw(TIMELINE).svg
    assert "Event number 0" in svg
    assert "Source Sans Pro" in svg
    assert "<path" in svg and "<image" not in svg  # vector, no raster


def test_dollar_signs_and_braces_print_as_typed():
    svg = draw(Timeline((event("2020-01", "Aid of $30m {approx.} 5%"),))).svg
    assert "Aid of $30m {approx.} 5%" in svg


def test_ticks_are_not_repeated():
    ticks = re.findall(r"text-anchor: middle[^>]*>([^<]+)</text>", draw(TIMELINE).svg)
    assert len(ticks) == len(set(ticks)) >= 4


def test_alt_text_describes_range_groups_and_key_events():
    timeline = Timeline((event("1979-12", "Intervention", importance="high", group="Conflict"),
                         event("2026-01-16", "Credentials", group="Diplomacy")))
    alt = draw(timeline).alt
    assert alt.startswith("Timeline of 2 events, December 1979 to 16 January 2026")
    assert "2 groups: Conflict, Diplomacy" in alt and "December 1979: Intervention" in alt


def test_from_to_and_groups_select_events():
    picked = charts.select(TIMELINE, {"from": 2004, "to": "2008-06", "groups": ["Security"]})
    assert [e.title for e in picked] == ["Event number 5", "Event number 7"]
    assert re.search(r"Timeline of 2 events", draw(TIMELINE, {"from": 2004, "to": "2008-06",
                                                           "groups": ["Security"]}).alt)
