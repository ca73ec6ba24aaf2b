"""Charts of right-to-left briefs read from the right; `timeline_direction: rtl` mirrors time."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from briefkit import styles
from briefkit.build import Options, prepare
from briefkit.charts import figures
from briefkit.charts.timeline import timeline_svg
from briefkit.dates import PartialDate
from briefkit.models import Event, Timeline

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
EVENTS = (("2021-08-15", "طالبان کابل را تصرف کردند و دولت را در دست گرفتند", "امنیت"),
          ("2022-03-01", "نشست مسکو با حضور نمایندگان طالبان", "دیپلماسی"),
          ("2023-09-29", "روسیه از طالبان برای نشست قازان دعوت کرد", "دیپلماسی"),
          ("2025-07-03", "روسیه طالبان را به رسمیت شناخت", "دیپلماسی"))
HINDI = (("2021-08-15", "तालिबान ने काबुल पर कब्ज़ा किया और सरकार बनाई", "सुरक्षा"),
         ("2025-07-03", "रूस ने तालिबान सरकार को मान्यता दी", "कूटनीति"))


@dataclass
class Text:
    """A text as the chart's SVG draws it (an outline, named in a comment): its ink's extent."""

    text: str
    left: float
    right: float
    y: float


def _texts(svg: str) -> list[Text]:
    """Every shaped text of a chart's SVG, from Matplotlib's own markup: a comment naming the
    text, a group placed at the text's origin and scaled to its size, one <use> per glyph at
    its advance, each glyph an outline defined once (in 1/64 font units) for the whole file."""
    extents = {}  # a space has no outline, and no ink to measure
    for name, path in re.findall(r'<path id="([^"]+)" d="([^"]*)"', svg):
        xs = [float(x) for x in re.findall(r"(-?[\d.]+) -?[\d.]+", path)]
        if xs:
            extents[name] = (min(xs) / 64, max(xs) / 64)
    found = []
    for text, x, y, scale, body in re.findall(
            r'<!-- (.*?) -->\s*<g [^>]*transform="translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+) '
            r'[-\d.e]+\)">(.*?)</g>', svg, re.S):
        uses = re.findall(r'<use xlink:href="#([^"]+)"(?: transform="translate\(([-\d.e]+) [-\d.e]+\)")?',
                          body)
        glyphs = [(extents[name], float(dx or 0)) for name, dx in uses if name in extents]
        left = min(dx + low for (low, _), dx in glyphs)
        right = max(dx + high for (_, high), dx in glyphs)
        found.append(Text(text, float(x) + left * float(scale), float(x) + right * float(scale), float(y)))
    return found


def _dots(svg: str) -> list[tuple[float, float]]:
    """(x, y) of the legend's dots: single markers drawn as lines (the events' are a collection)."""
    return [(float(x), float(y)) for group in re.findall(r'<g id="line2d_\d+">(.*?)</g>', svg, re.S)
            for x, y in re.findall(r'<use xlink:href="#m[0-9a-f]+" x="([-\d.e]+)" y="([-\d.e]+)"', group)]


def _chart(events, language, **directions) -> str:
    style = styles.find("think-tank")
    timeline = Timeline(tuple(Event(date=PartialDate.parse(d), title=t, group=g, line=1)
                              for d, t, g in events))
    return timeline_svg(timeline, {}, style.chart_styles, [f.path for f in style.fonts], style.chart_face,
                        language, None, True, **directions).svg


def _labels(texts: list[Text], events) -> list[tuple[Text, list[Text]]]:
    """Each label's date and its title's lines, top first, by the words of each title."""
    found = []
    for _, title, _ in events:
        lines = sorted((t for t in texts if t.text and t.text in title and not t.text.isdigit()),
                       key=lambda t: t.y)
        # the date on the first line's baseline nearest to it (another label may share the row)
        dates = [t for t in texts if re.search(r"\d", t.text) and not t.text.isdigit()
                 and lines and abs(t.y - lines[0].y) < 1]
        if lines and dates:
            first = lines[0]
            found.append((min(dates, key=lambda d: min(abs(d.left - first.right), abs(first.left - d.right))),
                          lines))
    return found


@pytest.fixture(scope="module")
def persian():
    return _chart(EVENTS, "fa", rtl=True)


def test_a_persian_label_puts_its_date_first_at_the_right_and_ends_its_lines_flush_right(persian):
    labels = _labels(_texts(persian), EVENTS)
    assert len(labels) == len(EVENTS)
    for date, lines in labels:
        first = lines[0]
        assert date.left > first.right, (date, first)  # read from the right: the date, then the title
        ends = [date.right] + [line.right for line in lines[1:]]
        assert max(ends) - min(ends) < 1.0, (date, lines)  # each line begins at the same right edge


def test_a_persian_legend_runs_from_the_right_with_each_dot_right_of_its_word(persian):
    texts = _texts(persian)
    words = [t for t in texts if t.text in ("امنیت", "دیپلماسی")]
    dots = [d for d in _dots(persian) if any(abs(d[1] - word.y) < 6 for word in words)]  # not tick marks
    assert len(words) == 2 and len(dots) == 2
    for word in words:
        dot = min(dots, key=lambda d: abs(d[1] - word.y) + min(abs(d[0] - word.left), abs(d[0] - word.right)))
        assert word.right < dot[0] < word.right + 12, (word, dot)
    first, second = words  # in the order the events file uses them: the first at the right
    assert first.text == "امنیت" and first.left > second.right


def test_a_left_to_right_label_keeps_its_date_at_the_left():
    labels = _labels(_texts(_chart(HINDI, "hi")), HINDI)
    assert labels
    for date, lines in labels:
        assert date.right < lines[0].left
        assert abs(date.left - min(line.left for line in lines)) < 1.0  # lines begin flush left


def _ticks(svg: str) -> list[Text]:
    return sorted((t for t in _texts(svg) if t.text.isdigit()), key=lambda t: t.left)


def test_time_runs_left_to_right_by_default_and_right_to_left_when_the_style_says(make_brief):
    files = {"brief.yaml": "title: T\ndate: 2026-01-29\nlanguage: fa\n",
             "commentary.md": "متن.\n\n```timeline\n```\n",
             "events.yaml": "events:\n" + "".join(f"  - date: {d}\n    title: {t}\n    group: {g}\n"
                                                   for d, t, g in EVENTS)}
    folder = make_brief(files)
    style = folder / "styles" / "mirrored"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text("extends: think-tank\ntimeline_direction: rtl\n")
    years = {}
    for name in ("think-tank", "mirrored"):
        prepared = prepare(folder, Options(style=name))
        svg = figures.draw(prepared.material, prepared.body, prepared.style, remember=False)[0].svg
        years[name] = [int(t.text.translate({ord(c): str(i) for i, c in enumerate(PERSIAN)}))
                       for t in _ticks(svg)]
    assert len(years["think-tank"]) >= 3
    assert years["think-tank"] == sorted(years["think-tank"])
    assert years["mirrored"] == sorted(years["mirrored"], reverse=True)
    assert styles.STYLE_DEFAULTS["timeline_direction"] == "ltr"


def test_a_mirrored_chart_enlarges_a_dense_stretch_in_a_second_panel_mirrored_too():
    many = [(f"2024-{m:02d}-{d:02d}", f"رویداد {m}/{d}", "امنیت")
            for m in (1, 2, 3) for d in (3, 9, 15, 21, 27)]
    svg = _chart([("2001-01-01", "آغاز", "امنیت"), *EVENTS, *many], "fa", rtl=True, mirrored=True)
    years = [t for t in _ticks(svg) if len(t.text) == 4]
    overview = [t for t in years if abs(t.y - years[0].y) < 1]
    assert len(overview) >= 3
    numbers = [int(t.text.translate({ord(c): str(i) for i, c in enumerate(PERSIAN)})) for t in overview]
    assert numbers == sorted(numbers, reverse=True)  # earliest at the right
    assert len({round(t.y) for t in _ticks(svg)}) == 2  # the enlarged panel's ticks on a line of their own


def test_briefkit_chart_of_a_brief_draws_it_as_its_pdf_does(make_brief, tmp_path):
    from briefkit.charts import export

    events = "events:\n" + "".join(f"  - date: {d}\n    title: {t}\n    group: {g}\n" for d, t, g in EVENTS)
    folder = make_brief({"brief.yaml": "title: T\ndate: 2026-01-29\nlanguage: fa\n", "events.yaml": events})
    path, _ = export.draw(folder, tmp_path / "chart.svg", {})
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))
    ticks = [t for t in texts if t.isdigit()]
    assert ticks and all(set(t) <= set(PERSIAN) for t in ticks), texts  # the brief's digits
    assert not [t for t in texts if re.search("[0-9]", t)], texts
