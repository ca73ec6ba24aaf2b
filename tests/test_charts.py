"""Timeline charts: vector SVG with real text, reproducible, literal, described, uncluttered."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from pathlib import Path

import pytest

from briefkit import blocks, styles
from briefkit.charts import timeline as charts
from briefkit.charts.drawing import VAGUE_ALPHA
from briefkit.errors import Problems
from briefkit.events import read_events
from briefkit.dates import PartialDate
from briefkit.models import Era, Event, Timeline

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "taliban-russia"
STYLE = styles.find("think-tank")
ARGS = (STYLE.chart_styles, [f.path for f in STYLE.fonts], STYLE.chart_face, "en")


def draw(timeline: Timeline, options=None):
    return charts.timeline_svg(timeline, options or {}, *ARGS)


def event(date: str, title: str, **kwargs) -> Event:
    return Event(date=PartialDate.parse(date), title=title, **kwargs)


def texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def sample() -> Timeline:
    path = SAMPLE / "events.yaml"
    problems = Problems()
    timeline = read_events(path, path.read_text(encoding="utf-8"), problems)
    assert not problems
    return timeline


def generated(count: int, seed: int = 7, dense: bool = True) -> Timeline:
    """A long sparse history and, if `dense`, a dense recent period, as analysts' files look:
    every precision, importance and group, titles of real-looking words, some spans."""
    rng = random.Random(seed)
    words = ("talks envoy border attack delegation ministry agreement visit sanctions trade summit "
             "ceasefire strike recognition embassy pipeline aid wheat ban court treaty Kabul Moscow").split()
    events = []
    for index in range(count):
        recent = dense and rng.random() < 0.7
        start, days = (dt.date(2021, 1, 1), 5 * 365) if recent else (dt.date(1979, 1, 1), 42 * 365)
        day = start + dt.timedelta(days=rng.randrange(days))
        precision = rng.choice(["day", "day", "month", "year"])
        date = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
        title = " ".join(rng.choice(words) for _ in range(rng.randint(2, 8))).capitalize()
        end = str(day.year + rng.randint(1, 3)) if rng.random() < 0.03 else None
        events.append(Event(date=date, end=end, title=title, line=index + 1,
                            group=rng.choice(["Diplomacy", "Security", "Economy", "Conflict"]),
                            importance=rng.choice(["high", "normal", "normal", "low"])))
    events.sort(key=lambda e: (e.date.start(), e.line))
    eras = (Era(start="1979-12", end="1989-02", title="Soviet-Afghan War"),
            Era(start="2021-08", end="2026-01", title="Taliban 2.0 in power"))
    return Timeline(tuple(events), eras)


TIMELINE = Timeline(tuple(event(f"{2000 + i}-0{1 + i % 9}", f"Event number {i}", group=g)
                          for i, g in enumerate(["Diplomacy", "Security"] * 6)))


def collisions(timeline: Timeline, options=None) -> tuple[list[str], int]:
    """Draw the chart and measure what Matplotlib rendered: every text's real extent against
    every other text, every marker, every stem and the event line. Returns the collisions
    found and the number of labels drawn."""
    from matplotlib.collections import LineCollection, PathCollection

    found, labels = [], 0
    with charts.figure(timeline, options or {}, *ARGS) as (fig, _):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        frame = fig.bbox
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts]
        for ax in fig.axes:
            inside = ax.get_window_extent(renderer)
            boxes += [(t.get_text(), t.get_window_extent(renderer)) for t in ax.get_xticklabels()
                      if t.get_text() and inside.x0 - 1 <= t.get_window_extent(renderer).x0 <= inside.x1]
            own = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
            labels += sum(1 for t in ax.texts if t.get_fontweight() in (600, "semibold"))
            boxes += own
            line = ax.transData.transform((0, 0))[1]
            marks, stems = [], []
            for artist in ax.collections:
                if isinstance(artist, PathCollection):
                    radius = [s ** 0.5 / 2 * fig.dpi / 72 for s in artist.get_sizes()]
                    for (x, y), r in zip(ax.transData.transform(artist.get_offsets()), radius, strict=True):
                        marks.append((x - r, y - r, x + r, y + r))
                elif isinstance(artist, LineCollection):
                    for segment in artist.get_segments():
                        (x, y0), (_, y1) = ax.transData.transform(segment)
                        stems.append((x, min(y0, y1), x, max(y0, y1)))
            for text, box in own:
                if box.y0 < line < box.y1:
                    found.append(f"{text!r} crosses the event line")
                found += [f"{text!r} covers a marker" for m in marks if _hits(box, m)]
                found += [f"{text!r} crosses a stem" for s in stems if _hits(box, s)]
        for i, (text, box) in enumerate(boxes):
            if box.x0 < frame.x0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y0 < frame.y0 - 0.5:
                found.append(f"{text!r} is cut off by the figure's edge")
            found += [f"{text!r} overlaps {other!r}" for other, second in boxes[i + 1:]
                      if _hits(box, (second.x0, second.y0, second.x1, second.y1))]
    return found, labels


def _hits(box, other, tolerance: float = 0.2) -> bool:
    x0, y0, x1, y1 = other
    return (box.x0 + tolerance < x1 and x0 < box.x1 - tolerance
            and box.y0 + tolerance < y1 and y0 < box.y1 - tolerance)


def test_the_same_data_gives_the_same_svg():
    assert draw(TIMELINE).svg == draw(TIMELINE).svg
    assert draw(sample()).svg == draw(sample()).svg  # two panels, a bracket, eras


def test_labels_are_text_in_the_style_font():
    svg = draw(TIMELINE).svg
    assert "Event number 0" in texts(svg)
    assert "Source Sans Pro" in svg
    assert "<path" in svg and "<image" not in svg  # vector, no raster


def test_dollar_signs_backslashes_braces_and_percent_print_as_typed():
    title = r"Aid of $30m {approx.} 5% \ $x^2$"
    svg = draw(Timeline((event("2020-01-05", title), event("2020-03", "Other")))).svg
    assert title in " ".join(texts(svg))  # the label's lines, read in order
    assert "<g id=\"math" not in svg.lower()


def test_dates_are_labelled_at_their_precision():
    timeline = Timeline((event("2003", "A year"), event("2005-07", "A month"), event("2007-07-03", "A day")))
    labels = texts(draw(timeline).svg)
    assert {"2003", "Jul 2005", "3 Jul 2007"} <= set(labels)


def test_a_year_is_drawn_as_a_year_and_its_ticks_are_years():
    svg = draw(Timeline((event("2003", "A year"), event("2004", "Another")))).svg
    ticks = re.findall(r"text-anchor: middle[^>]*>([^<]+)</text>", svg)
    assert ticks and all(re.fullmatch(r"\d{4}", tick) for tick in ticks), ticks
    with charts.figure(Timeline((event("2003", "A year"),)), {}, *ARGS) as (fig, _):
        bars = [p.get_paths()[0].get_extents() for p in fig.axes[0].collections
                if p.get_alpha() == VAGUE_ALPHA]
        assert [round(bar.width) for bar in bars] == [365]  # the days of 2003, in data units


def test_ticks_are_not_repeated():
    ticks = re.findall(r"text-anchor: middle[^>]*>([^<]+)</text>", draw(TIMELINE).svg)
    assert len(ticks) == len(set(ticks)) >= 4


def test_alt_text_describes_range_groups_and_key_events():
    timeline = Timeline((event("1979-12", "Intervention", importance="high", group="Conflict"),
                         event("2026-01-16", "Credentials", group="Diplomacy")))
    alt = draw(timeline).alt
    assert alt.startswith("Timeline of 2 events, December 1979 to 16 January 2026")
    assert "2 groups: Conflict, Diplomacy" in alt and "December 1979: Intervention" in alt


def test_a_chart_without_a_caption_gets_one_so_it_is_numbered():
    assert draw(TIMELINE).caption == "Timeline of events, 2000–2011"
    assert draw(TIMELINE, {"caption": "Mine"}).caption == "Mine"


def test_from_to_and_groups_select_events():
    picked = blocks.select(TIMELINE, {"from": 2004, "to": "2008-06", "groups": ["Security"]})
    assert [e.title for e in picked] == ["Event number 5", "Event number 7"]
    assert re.search(r"Timeline of 2 events", draw(TIMELINE, {"from": 2004, "to": "2008-06",
                                                           "groups": ["Security"]}).alt)


def test_the_dense_recent_period_of_the_sample_gets_its_own_panel():
    chart = draw(sample())
    assert "a second panel enlarges 18 March 2021 to 16 January 2026 (15 events)" in chart.alt
    labels = texts(chart.svg)
    for title in ("Russia recognises", "Supreme Court", "The Taliban", "Soviet troops enter"):
        assert any(line.startswith(title) for line in labels), title
    assert "second panel" not in draw(sample(), {"zoom": "none"}).alt
    assert "enlarges 3 July 2025 to" in draw(sample(), {"zoom": ["2025-07", "2026"]}).alt


def test_an_even_spread_gets_one_panel():
    assert "second panel" not in draw(generated(200, dense=False)).alt
    assert "second panel" not in draw(TIMELINE).alt


@pytest.mark.parametrize("name, timeline, least", [
    ("sample", sample(), 24),
    pytest.param("200 events", generated(200), 25, marks=pytest.mark.slow),  # stress: sizes
    pytest.param("1,000 events", generated(1000), 25, marks=pytest.mark.slow),
    pytest.param("200 even", generated(200, seed=3, dense=False), 12, marks=pytest.mark.slow),
])
def test_no_label_overlaps_another_a_marker_a_stem_or_the_line(name, timeline, least):
    found, labels = collisions(timeline)
    assert found == [], found[:10]
    assert labels >= least  # and the chart is not empty for it


def test_important_labels_win_the_space():
    timeline = Timeline(tuple(event(f"2020-01-{d:02d}", f"Event {d} with a long enough title",
                                    importance="high" if d == 15 else "low") for d in range(1, 29)))
    labels = texts(draw(timeline, {"zoom": "none"}).svg)
    assert "15 Jan 2020" in labels and len([t for t in labels if t.endswith("Jan 2020")]) < 28


def test_colours_and_sizes_come_from_the_style_sheet(tmp_path):
    sheet = tmp_path / "chart.mplstyle"
    sheet.write_text("axes.prop_cycle: cycler('color', ['123456', 'abcdef'])\nfont.size: 11\n"
                     "text.color: 222222\n")
    chart = charts.timeline_svg(TIMELINE, {}, [sheet], ARGS[1], ARGS[2], "en")
    assert "#123456" in chart.svg and "#abcdef" in chart.svg and "#1f4e79" not in chart.svg
    assert "font-size: 9.163px" in chart.svg  # labels are the style's "small": 11 pt x 0.833
    assert "fill: #222222" in chart.svg


@pytest.fixture
def chart_cli(runner):
    """`briefkit chart ARGS`, as a user types it."""
    from briefkit.cli import main

    return lambda *args: runner.invoke(main, ["chart", *map(str, args)], catch_exceptions=False)


def test_the_chart_command_knows_every_format():
    from briefkit import cli, events

    assert cli.EVENT_FORMATS == events.FORMATS


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".png", b"\x89PNG")])
def test_the_chart_command_writes_the_type_of_its_suffix(chart_cli, tmp_path, suffix, magic):
    result = chart_cli(SAMPLE, "-o", tmp_path / f"chart{suffix}", "--from", "2014",
                       "--groups", "Diplomacy,Security")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"chart{suffix}").read_bytes().startswith(magic)
    assert "(19 events)" in result.output


def test_the_chart_command_reads_any_events_file(chart_cli, tmp_path):
    acled = Path(__file__).parent / "fixtures" / "events" / "acled.csv"
    result = chart_cli(acled, "-o", tmp_path / "acled.svg", "--zoom", "none")
    assert result.exit_code == 0 and "Armed clash in" in (tmp_path / "acled.svg").read_text()
    assert chart_cli(acled, "-o", tmp_path / "again.svg", "--zoom", "none").exit_code == 0
    assert (tmp_path / "again.svg").read_bytes() == (tmp_path / "acled.svg").read_bytes()
    bad = chart_cli(acled.with_name("acled-bad.csv"), "-o", tmp_path / "bad.svg")
    assert bad.exit_code == 1 and "acled-bad.csv:2: event_date" in bad.output
    assert not (tmp_path / "bad.svg").exists()


@pytest.mark.parametrize("args, message", [
    (["-o", "chart.jpg"], "give a file name ending in .svg, .pdf, .png"),
    (["-o", "c.svg", "--from", "2025-13"], "--from '2025-13': '2025-13' is not a date"),
    (["-o", "c.svg", "--zoom", ":2025"], "--zoom ':2025': a date, [from, to], auto or none"),
    (["-o", "c.svg", "--groups", "Diplomacy,Sport"], "no events in group 'Sport'; groups: Conflict"),
    (["-o", "c.svg", "--from", "2030"], "no events to draw"),
    (["-o", "c.svg", "--format", "acled"], "--format is for an events file"),
])
def test_the_chart_command_refuses_what_it_cannot_do(chart_cli, tmp_path, args, message):
    args = [tmp_path / a if a.startswith("c") and "." in a else a for a in args]
    result = chart_cli(SAMPLE, *args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_the_chart_command_never_writes_over_its_input(chart_cli, tmp_path):
    events = tmp_path / "events.svg"
    events.write_text("date,title\n2020,A\n")
    result = chart_cli(events, "-o", events, "--format", "csv")
    assert result.exit_code == 2 and "one of the brief's inputs" in result.output


def test_block_options_are_checked_before_drawing():
    assert blocks.check_options({"from": 2014, "to": "2026-01", "groups": ["A"], "zoom": [2021, None]}) == []
    assert blocks.check_options({"zoom": "none"}) == [] and blocks.check_options({"zoom": "2021-03"}) == []
    assert [key for key, _ in blocks.check_options(
        {"from": "2025-13", "to": "soon", "groups": "A", "zoom": ["x"]})] == ["from", "to", "groups", "zoom"]
