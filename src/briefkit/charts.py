"""Timeline charts: events, eras and a chart style in, a vector figure with real text out.

One panel shows the whole period; when a short stretch holds far more events than the rest
(1979 ... 2021-2026), a second panel below enlarges it, joined to it by a shaded bracket. Labels
go in rows above and below the event line, most important first; a label that fits nowhere is
left out (its marker stays), so nothing overlaps. Layout is done in points with text widths
from the fonts' advance widths (`_Metrics`) and sorted intervals (`_Rows`), so 1,000 events
take well under a second. Every colour and size comes from the house style's Matplotlib style
sheet (`_Look`).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.dates import format_date

from . import logger
from .citations import human_date, locale_of
from .models import Event, PartialDate, Timeline

#: Settings no house style may change: text stays text, output stays reproducible.
FIXED_RC = {
    "svg.fonttype": "none",  # labels as <text> in the document's font, searchable
    "pdf.fonttype": 42,  # `briefkit chart -o x.pdf`: TrueType text, not outlines
    "svg.hashsalt": "briefkit",  # stable ids: the same data gives the same bytes
    "text.parse_math": False,  # `$` in a title prints as typed
    "text.usetex": False,
    # Unhinted text measures the same at every resolution and as the PDF prints it, so a
    # label placed for the SVG is where the PNG and the tests find it.
    "text.hinting": "no_hinting",
}
#: Figure width in inches; the house style's CSS scales the SVG to the text width.
WIDTH = 6.5
MARGIN = 8.0  # points left and right of the panels, for the first and last tick label
GAP = 2.5  # points: the least room between two labels, a label and a stem or a marker
STEM_PAD = 2.0  # points between a stem and the text it leads to
LABEL_WIDTH = 96.0  # points a label line; a longer title widens its label before a third line
LABEL_MIN = 28.0  # points: no label is narrower (a date and a word)
LINES = 2  # lines a label, the date on the first
LINESPACING = 1.15
DATE_GAP = 0.45  # ems between a label's date and its title
ROWS = (1, -1, 2, -2, 3, -3)  # label rows above (+) and below (-) the event line, nearest first
BRACKET = 20.0  # points between the overview's tick labels and the enlarged panel
LEGEND_GAP = 10.0  # points between legend entries
DATE_PATTERNS = {"day": "d MMM y", "month": "MMM y", "year": "y"}  # babel, short for labels
#: The least span in days a chart shows, by the finest precision of its dates.
MIN_SPAN = {"day": 21, "month": 5 * 30.5, "year": 5 * 365.25}
VAGUE_ALPHA = 0.3  # opacity of the bar over a date's month or year, in its group's colour
ZOOM_TINT = 0.07  # opacity of axes.edgecolor in the bracket
#: Automatic enlargement: a stretch of at most ZOOM_SHARE of the period, holding at least
#: ZOOM_EVENTS events and a tenth of them, whose density is an order of magnitude that of the
#: rest (to the nearest power of ten: at least 10**0.5 times), when one panel left labels out.
ZOOM_RATIO = 10 ** 0.5
ZOOM_SHARE = 0.25
ZOOM_EVENTS = 5
_IMPORTANCE = {"high": 0, "normal": 1, "low": 2}
_MARK = {"high": 1.0, "normal": 0.78, "low": 0.6}  # marker diameter, times lines.markersize
_EPOCH = dt.date(1970, 1, 1).toordinal()
_ADVANCES: dict[str, dict[str, float]] = {}  # font file -> character -> advance in ems
_FONTS_ADDED: set[str] = set()


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str
    caption: str | None


def select(timeline: Timeline, options: dict[str, Any]) -> list[Event]:
    """The events a block asks for: `from`, `to` (inclusive, at their precision) and `groups`."""
    start = PartialDate.parse(options["from"]).start() if options.get("from") else dt.date.min
    end = PartialDate.parse(options["to"]).end() if options.get("to") else dt.date.max
    groups = options.get("groups")
    return [e for e in timeline.events
            if start <= e.date.start() <= end and (not groups or e.group in groups)]


def check_options(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, message) for each option a `timeline` or `chronology` block cannot use, so the
    commentary can report it at its line instead of the chart failing to draw."""
    found = [(key, f"{key}: {options[key]!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
             for key in ("from", "to") if options.get(key) is not None and not _is_date(options[key])]
    groups = options.get("groups")
    if groups is not None and not (isinstance(groups, list) and all(isinstance(g, str) for g in groups)):
        found.append(("groups", "groups: a list of group names, e.g. [Diplomacy, Security]"))
    zoom = options.get("zoom", "auto")
    if zoom not in (None, True, False, "auto", "none", "off", "no"):
        bounds = zoom if isinstance(zoom, list) else [zoom]
        if not 1 <= len(bounds) <= 2 or not all(b is None or _is_date(b) for b in bounds[1:]) \
                or not _is_date(bounds[0]):
            found.append(("zoom", "zoom: a date, [from, to], auto or none"))
    return found


def _is_date(value: Any) -> bool:
    try:
        PartialDate.parse(value)
    except (ValueError, TypeError):
        return False
    return True


def describe(events: Sequence[Event], language: str, zoom: Sequence[Event] = ()) -> str:
    """Alt text that says what the chart shows, for screen readers and the PDF's tags."""
    if not events:
        return "An empty timeline."
    first, last = events[0].date, events[-1].date
    groups = sorted({e.group for e in events if e.group})
    text = (f"Timeline of {len(events)} events, {human_date(first, language)} to "
            f"{human_date(last, language)}")
    if groups:
        text += f", in {len(groups)} groups: {', '.join(groups)}"
    if zoom:
        text += (f"; a second panel enlarges {human_date(zoom[0].date, language)} to "
                 f"{human_date(zoom[-1].date, language)} ({len(zoom)} events)")
    highlights = [f"{human_date(e.date, language)}: {e.title}" for e in events if e.importance == "high"]
    return text + (". Key events: " + "; ".join(highlights) + "." if highlights else ".")


def timeline_svg(timeline: Timeline, options: dict[str, Any], style_sheets: list[Path],
                 fonts: list[Path], font_family: str, language: str) -> Chart:
    """Draw the events of one `timeline` block as an SVG string."""
    with figure(timeline, options, style_sheets, fonts, font_family, language) as (fig, alt):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: it is inlined in HTML
    caption = options.get("caption") or _caption(select(timeline, options))
    return Chart(svg, options.get("alt") or alt, caption)


def _caption(events: Sequence[Event]) -> str | None:
    """A caption for a chart the author gave none, so the figure is still numbered."""
    if not events:
        return None
    years = sorted({events[0].date.year, events[-1].date.year})
    return "Timeline of events, " + "–".join(map(str, years))


@contextlib.contextmanager
def figure(timeline: Timeline, options: dict[str, Any], style_sheets: list[Path], fonts: list[Path],
           font_family: str, language: str) -> Iterator[tuple[Any, str]]:
    """The chart as a Matplotlib figure inside the style's settings (to save or to measure),
    and its alt text; the figure is closed on exit."""
    import matplotlib

    matplotlib.use("agg")  # a canvas that measures text; savefig still writes SVG, PDF or PNG
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for font in map(str, fonts):
        if font not in _FONTS_ADDED:  # addfont appends a duplicate entry on every call
            font_manager.fontManager.addfont(font)
            _FONTS_ADDED.add(font)
    events = select(timeline, options)
    with plt.style.context([str(p) for p in style_sheets]), matplotlib.rc_context(
            {**FIXED_RC, "font.family": font_family}):
        fig = plt.figure(figsize=(WIDTH, 3))
        try:
            zoomed = _draw(fig, events, timeline, options, language)
            yield fig, describe(events, language, zoomed)
        finally:
            plt.close(fig)


class _Look:
    """What the style sheet decides, read once: every colour and size the chart uses."""

    def __init__(self, family: str):
        import matplotlib as mpl
        from matplotlib.font_manager import FontProperties

        rc = mpl.rcParams
        self.cycle = [c["color"] for c in rc["axes.prop_cycle"]]  # group colours, in order
        self.text = rc["text.color"]  # label titles
        self.line = rc["axes.edgecolor"]  # the event line, the bracket's tint
        self.linewidth = rc["axes.linewidth"]  # the event line and stems
        self.era = rc["grid.color"]  # era shading, alternately lighter and darker
        self.era_alpha = (0.2 * rc["grid.alpha"], 0.36 * rc["grid.alpha"])
        self.era_text = rc["xtick.color"]
        self.marker = rc["lines.markersize"]
        self.label = FontProperties(family=family, size="small")
        self.date = FontProperties(family=family, size="small", weight="semibold")
        self.era_font = FontProperties(family=family, size="small", style="italic")
        self.legend = FontProperties(family=family, size=rc["legend.fontsize"])
        self.tick = FontProperties(family=family, size=rc["xtick.labelsize"])
        self.tick_room = rc["xtick.major.size"] + rc["xtick.major.pad"]


class _Metrics:
    """Text sizes in points. `width` sums the font's advance widths, cached per character:
    Matplotlib shapes each string it measures (about a millisecond), too slow to try 1,000
    labels. The sum ignores kerning, so `room` pads it; the tests check the real extents."""

    def __init__(self, fig):
        self.fig = fig
        self.heights: dict[int, float] = {}
        self.fonts: dict[int, tuple[dict[str, float], float, Any]] = {}  # id(prop): advances, size, font

    def width(self, text: str, prop) -> float:
        if id(prop) not in self.fonts:  # findfont costs more than the sum: once per font
            from matplotlib.font_manager import findfont, get_font

            path = findfont(prop)
            self.fonts[id(prop)] = (_ADVANCES.setdefault(path, {}), prop.get_size_in_points(), get_font(path))
        advances, size, font = self.fonts[id(prop)]
        missing = set(text) - advances.keys()
        if missing:
            from matplotlib.ft2font import LoadFlags

            em = font.get_sfnt_table("head")["unitsPerEm"]
            for char in missing:
                advances[char] = font.load_char(ord(char), flags=LoadFlags.NO_SCALE).horiAdvance / em
        return sum(map(advances.__getitem__, text)) * size

    def room(self, text: str, prop) -> float:
        return self.width(text, prop) * 1.04 + 1.0

    def exact(self, text: str, prop) -> float:
        """Matplotlib's own measure, kerning included, for the few labels drawn."""
        renderer = self.fig.canvas.get_renderer()
        return renderer.get_text_width_height_descent(text, prop, ismath=False)[0] * 72 / self.fig.dpi

    def line(self, prop) -> float:
        """The height Matplotlib gives one line of text in this font, measured once."""
        if id(prop) not in self.heights:
            text = self.fig.text(0, 0, "Ag", fontproperties=prop, linespacing=LINESPACING)
            box = text.get_window_extent(self.fig.canvas.get_renderer())
            self.heights[id(prop)] = box.height * 72 / self.fig.dpi
            text.remove()
        return self.heights[id(prop)]


@dataclass
class _Label:
    event: Event
    x: float  # points from the panel's left: the stem
    date: str
    lines: list[str]  # the title, wrapped; the first line follows the date
    width: float  # points reserved, text and stem pad
    row: int = 0
    right: bool = False  # hangs to the left of its stem


@dataclass
class _Panel:
    lo: float  # x range, Matplotlib date numbers
    hi: float
    events: list[Event]  # drawn
    labelled: list[Event]  # may get a label
    labels: list[_Label] = field(default_factory=list)
    eras: list[tuple] = field(default_factory=list)  # (era, a, b, name's centre or None, shade)

    def pt(self, num: float, width: float) -> float:
        return (num - self.lo) / (self.hi - self.lo) * width

    def num(self, pt: float, width: float) -> float:
        return self.lo + pt / width * (self.hi - self.lo)

    def rows(self, sign: int) -> int:
        return max([0] + [label.row * sign for label in self.labels])


class _Rows:
    """Occupied x intervals of each label row and the stems crossing it, as sorted lists, so a
    label's place is checked in O(log n) however many labels there are."""

    def __init__(self) -> None:
        self.starts: dict[int, list[float]] = {r: [] for r in ROWS}
        self.ends: dict[int, list[float]] = {r: [] for r in ROWS}
        self.stems: dict[int, list[float]] = {r: [] for r in ROWS}

    def free(self, row: int, a: float, b: float, stems: bool = True) -> bool:
        i = bisect.bisect_left(self.starts[row], b + GAP)
        if i and self.ends[row][i - 1] > a - GAP:  # the intervals are disjoint: ends sorted too
            return False
        found = self.stems[row]
        j = bisect.bisect_left(found, a - GAP)
        return not stems or j == len(found) or found[j] > b + GAP

    def take(self, row: int, a: float, b: float, x: float) -> None:
        i = bisect.bisect_left(self.starts[row], a)
        self.starts[row].insert(i, a)
        self.ends[row].insert(i, b)
        for inner in range(1, abs(row)):
            bisect.insort(self.stems[inner if row > 0 else -inner], x)


@dataclass
class _Layout:
    """What every step of one chart shares: the style, text sizes, scale and the geometry."""

    look: _Look
    metrics: _Metrics
    language: str
    offset: float  # Matplotlib's number for 1970-01-01: a style may move the epoch
    width: float = WIDTH * 72 - 2 * MARGIN  # points, each panel
    line: float = 0.0  # a label line's height
    pitch: float = 0.0  # a label row's height
    base: float = 0.0  # from the event line to the first row

    def __post_init__(self) -> None:
        self.line = self.metrics.line(self.look.label)
        self.pitch = LINES * self.line + GAP
        self.base = self.look.marker * _MARK["high"] / 2 + GAP

    def num(self, date: dt.date) -> float:
        return float(date.toordinal() - _EPOCH) + self.offset

    def anchor(self, event: Event) -> float:
        """Where the marker stands: the middle of the date's day, month or year; a span's start."""
        start, end = event.date.start(), event.date.end()
        return self.num(start) + (0 if event.end else (end.toordinal() - start.toordinal() + 1) / 2)

    def extent(self, events: Sequence[Event]) -> tuple[float, float]:
        """The x range that shows these events' dates (not spans' ends) with a little room, and
        at least a few units of the finest precision, so ticks never go finer than the dates."""
        lo = min(self.num(e.date.start()) for e in events)
        hi = max(self.num(e.date.end()) + 1 for e in events)
        pad = (hi - lo) * 0.025 + 10
        grow = max(0.0, MIN_SPAN[_finest(events)] - (hi - lo) - 2 * pad) / 2
        return lo - pad - grow, hi + pad + grow


def _finest(events: Sequence[Event]) -> str:
    return min((e.date.precision for e in events), key=list(MIN_SPAN).index, default="day")


def _place(panel: _Panel, lay: _Layout) -> int:
    """Greedy placement by importance, then date. Of the places where the label, and its stem
    through the rows nearer the line, cross nothing, take the one that covers the fewest
    markers still waiting for a label (a label over a marker blocks that marker's stem on its
    side beyond it), nearer rows first. Returns how many labels were left out."""
    rows, dropped, depth = _Rows(), 0, max(ROWS)
    order = sorted(panel.labelled, key=lambda e: (_IMPORTANCE[e.importance], e.date.start(), e.line))
    waiting = sorted(panel.pt(lay.anchor(e), lay.width) for e in order)
    for event in order:
        x = panel.pt(lay.anchor(event), lay.width)
        del waiting[bisect.bisect_left(waiting, x)]
        if not any(rows.free(r, x - LABEL_MIN, x) or rows.free(r, x, x + LABEL_MIN) for r in ROWS):
            dropped += 1  # not even a short label fits on any row: no need to measure this one
            continue
        label = _label(event, x, lay)
        best: tuple[float, int, bool] | None = None
        for row in ROWS:
            if not all(rows.free(r if row > 0 else -r, x, x, stems=False) for r in range(1, abs(row))):
                continue
            for right in (False, True):
                a, b = (x - label.width, x) if right else (x, x + label.width)
                if a < 0 or b > lay.width or not rows.free(row, a, b):
                    continue
                covered = bisect.bisect_right(waiting, b + GAP) - bisect.bisect_left(waiting, a - GAP)
                cost = covered * (depth + 1 - abs(row)) + 0.5 * (abs(row) - 1) + 0.1 * right
                if best is None or cost < best[0]:
                    best = (cost, row, right)
        if best is None:
            dropped += 1
            continue
        _, label.row, label.right = best
        rows.take(label.row, *((x - label.width, x) if label.right else (x, x + label.width)), x)
        panel.labels.append(label)
    return dropped


def _label(event: Event, x: float, lay: _Layout) -> _Label:
    """Wrap the title after the date to at most LINES lines, widening the label if it must."""
    look, metrics = lay.look, lay.metrics
    pattern = DATE_PATTERNS[event.date.precision]
    date = format_date(event.date.start(), pattern, locale=locale_of(lay.language))
    space = DATE_GAP * look.label.get_size_in_points()
    lead = metrics.width(date, look.date) + space
    for limit in (LABEL_WIDTH * f for f in (1, 1.25, 1.5, 2, 2.5, 3)):
        lines: list[list[str]] = [[]]
        used = lead
        for word in event.title.split():
            size, gap = metrics.width(word, look.label), space if lines[-1] else 0.0
            if used + gap + size > limit and (lines[-1] or len(lines) == 1):
                lines.append([])
                used, gap = 0.0, 0.0
            used += gap + size
            lines[-1].append(word)
        if len(lines) <= LINES:
            break
    if len(lines) > LINES:  # a title far longer than a chart label: the chronology has it all
        lines = lines[:LINES - 1] + [lines[LINES - 1] + ["…"]]
    text = [" ".join(line) for line in lines]
    widths = [metrics.room(line, look.label) for line in text]
    widths[0] += metrics.room(date, look.date) + space
    return _Label(event, x, date, text, max(widths) + STEM_PAD)


def _window(events: list[Event], options: dict[str, Any], lay: _Layout,
            dropped: int) -> tuple[float, float] | None:
    """The stretch to enlarge: the block's `zoom` (dates, or `none`), else the densest stretch
    by Kulldorff's scan statistic when it passes the ZOOM_* tests and labels were left out."""
    spec = options.get("zoom", "auto")
    if spec in (False, "none", "off", "no") or len(events) < ZOOM_EVENTS:
        return None
    if spec not in (None, True, "auto"):
        bounds = spec if isinstance(spec, list) else [spec]
        start = PartialDate.parse(bounds[0]).start()
        end = PartialDate.parse(bounds[1]).end() if len(bounds) > 1 and bounds[1] else dt.date.max
        inside = [e for e in events if start <= e.date.start() <= end]
        return lay.extent(inside) if inside else None
    if not dropped:
        return None
    events = sorted(events, key=lay.anchor)  # a year's marker stands mid-year
    xs = [lay.anchor(e) for e in events]
    count, total = len(xs), xs[-1] - xs[0]
    marks = sorted(set(range(0, count, max(1, count // 48))) | {count - 1})  # at most 48² windows
    best: tuple[float, int, int] | None = None
    for i in marks:
        for j in (j for j in marks if j > i):
            n, span = j - i + 1, max(xs[j] - xs[i], 30.0)
            if span > ZOOM_SHARE * total:
                break
            denser = n / span >= ZOOM_RATIO * (count - n) / (total - span)
            if n < max(ZOOM_EVENTS, count / 10) or n == count or not denser:
                continue
            expected = count * span / total
            score = n * math.log(n / expected) + (count - n) * math.log((count - n) / (count - expected))
            if best is None or score > best[0]:
                best = (score, i, j)
    if best is None:
        return None
    logger.debug("chart: enlarging events %d to %d of %d", best[1] + 1, best[2] + 1, count)
    return lay.extent(events[best[1]:best[2] + 1])


def _draw(fig, events: list[Event], timeline: Timeline, options: dict[str, Any],
          language: str) -> list[Event]:
    """Lay the chart out in points, size the figure to it and draw; returns the enlarged events."""
    import matplotlib as mpl
    import matplotlib.dates as mdates

    lay = _Layout(_Look(mpl.rcParams["font.family"][0]), _Metrics(fig), language,
                  float(mdates.date2num(dt.date(1970, 1, 1))))
    lo, hi = lay.extent(events) if events else (lay.num(dt.date(2000, 1, 1)), lay.num(dt.date(2001, 1, 1)))
    hi = max([hi] + [lay.num(e.end.end()) + 1 for e in events if e.end])  # spans end in sight
    panels = [_Panel(lo, hi, events, events)]
    window = _window(events, options, lay, _place(panels[0], lay))
    inside: list[Event] = []
    if window:
        a, b = window
        inside = [e for e in events if a <= lay.anchor(e) <= b]
        ids = {id(e) for e in inside}
        shown = [e for e in events if lay.num(e.date.start()) <= b and lay.num((e.end or e.date).end()) >= a]
        panels = [_Panel(lo, hi, events, [e for e in events if id(e) not in ids]),
                  _Panel(a, b, shown, inside)]
        for panel in panels:
            _place(panel, lay)
    look, metrics = lay.look, lay.metrics
    groups = _groups(events, options)
    colour = {g: look.cycle[i % len(look.cycle)] for i, g in enumerate(groups)}
    colour[None] = look.line if groups else look.cycle[0]
    legend = _legend(groups, lay)
    heights = []  # (above, below) the event line, points
    for panel in panels:
        _place_eras(panel, timeline, lay)
        names = metrics.line(look.era_font) + GAP if any(e[3] is not None for e in panel.eras) else GAP
        heights.append((lay.base + panel.rows(1) * lay.pitch + names,
                        lay.base + max(panel.rows(-1) * lay.pitch, GAP)))
    legend_h = max(y for *_, y in legend) + metrics.line(look.legend) + GAP if legend else 0.0
    ticks = look.tick_room + metrics.line(look.tick) + GAP
    total = GAP + legend_h + sum(u + d + ticks for u, d in heights) + BRACKET * (len(panels) - 1)
    fig.set_size_inches(WIDTH, total / 72)
    top, boxes = total - GAP - legend_h, []
    for panel, (up, down) in zip(panels, heights, strict=True):
        bottom = top - up - down
        ax = fig.add_axes((MARGIN / 72 / WIDTH, bottom / total, lay.width / 72 / WIDTH, (up + down) / total))
        _draw_panel(ax, panel, up, down, colour, lay)
        boxes.append((bottom, top))
        top = bottom - ticks - BRACKET
    _draw_legend(fig, legend, colour, lay, total)
    if window:
        _draw_bracket(fig, panels[0], window, boxes, lay)
    return inside


def _groups(events: list[Event], options: dict[str, Any]) -> list[str]:
    """Groups in the order the block lists them, else in the order the file first uses them."""
    used = {e.group for e in events if e.group}
    if options.get("groups"):
        return [g for g in options["groups"] if g in used]
    first: dict[str, int] = {}
    for event in events:
        if event.group:
            first[event.group] = min(first.get(event.group, event.line), event.line)
    return sorted(first, key=lambda g: (first[g], g))


def _legend(groups: list[str], lay: _Layout) -> list[tuple[str, float, float]]:
    """(group, x, y) of each legend entry in points from the top left, wrapped to the width."""
    entries, x, y, dot = [], 0.0, 0.0, lay.look.marker * _MARK["normal"]
    for group in groups:
        size = dot + 3 + lay.metrics.room(group, lay.look.legend)
        if x and x + size > lay.width:
            x, y = 0.0, y + lay.metrics.line(lay.look.legend) + GAP
        entries.append((group, x, y))
        x += size + LEGEND_GAP
    return entries


def _place_eras(panel: _Panel, timeline: Timeline, lay: _Layout) -> None:
    """Era names centred over what shows of each era, widest first; a name that would touch
    another is left out (the shading stays)."""
    shade = {id(e): i for i, e in enumerate(sorted(timeline.eras, key=lambda e: e.start.start()))}
    visible = [(era, max(lay.num(era.start.start()), panel.lo), min(lay.num(era.end.end()) + 1, panel.hi))
               for era in timeline.eras]
    taken: list[tuple[float, float]] = []
    for era, a, b in sorted((v for v in visible if v[1] < v[2]), key=lambda v: (v[1] - v[2], v[1])):
        size = lay.metrics.room(era.title, lay.look.era_font)
        middle = (panel.pt(a, lay.width) + panel.pt(b, lay.width)) / 2
        centre = min(max(middle, size / 2), lay.width - size / 2)
        box = (centre - size / 2 - GAP, centre + size / 2 + GAP)
        fits = size <= lay.width and not any(box[0] < other[1] and other[0] < box[1] for other in taken)
        taken += [box] if fits else []
        panel.eras.append((era, a, b, centre if fits else None, shade[id(era)]))


def _draw_panel(ax, panel: _Panel, up: float, down: float, colour: dict, lay: _Layout) -> None:
    """One panel: eras, the event line, bars and markers by group, labels, date ticks.
    The y axis counts points from the event line, so the layout's points are its data."""
    look = lay.look
    ax.set_xlim(panel.lo, panel.hi)
    ax.set_ylim(-down, up)
    ax.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    for era, a, b, centre, shade in panel.eras:
        ax.axvspan(a, b, color=look.era, alpha=look.era_alpha[shade % 2], lw=0, zorder=0)
        if centre is not None:
            ax.text(panel.num(centre, lay.width), up - GAP / 2, era.title, ha="center", va="top",
                    fontproperties=look.era_font, color=look.era_text, linespacing=LINESPACING)
    ax.axhline(0, color=look.line, lw=look.linewidth, zorder=1)
    bar, tiny = look.marker * _MARK["normal"], (panel.hi - panel.lo) / lay.width / 4  # a quarter point
    for group in colour:
        mine = [e for e in panel.events if (e.group if e.group in colour else None) == group]
        spans = [(lay.num(e.date.start()), lay.num((e.end or e.date).end()) + 1, e) for e in mine]
        ends = _merge([(a, b) for a, b, e in spans if e.end], tiny)
        vague = _merge([(a, b) for a, b, e in spans if not e.end and e.date.precision != "day"], tiny)
        if ends:
            ax.broken_barh(ends, (-bar * 0.3, bar * 0.6), facecolors=colour[group], lw=0, zorder=2)
        if vague:  # a date known to the month or year is drawn over that month or year
            ax.broken_barh(vague, (-bar / 2, bar), facecolors=colour[group], alpha=VAGUE_ALPHA, lw=0,
                           zorder=2)
        marks: dict[float, float] = {}  # markers closer than a quarter point drawn once, the largest
        for event in mine:
            x = round(lay.anchor(event) / tiny) * tiny
            marks[x] = max(marks.get(x, 0.0), look.marker * _MARK[event.importance])
        if marks:
            ax.scatter(list(marks), [0] * len(marks), s=[size ** 2 for size in marks.values()],
                       c=[colour[group]], linewidths=0, zorder=4)
    stems = [_draw_label(ax, panel, label, colour, lay) for label in panel.labels]
    if stems:
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection([s for s, _ in stems], colors=[c for _, c in stems],
                                         linewidths=look.linewidth, zorder=3))
    _ticks(ax, panel, lay)


def _draw_label(ax, panel: _Panel, label: _Label, colour: dict, lay: _Layout) -> tuple[list, str]:
    """A label's texts, the date in the group's colour and semibold; returns its stem and colour.
    Its lines are placed at the widths Matplotlib measures, so the date and title never touch."""
    look, event = lay.look, label.event
    tint = colour[event.group if event.group in colour else None]
    edge = lay.base + (abs(label.row) - 1) * lay.pitch
    top = edge + len(label.lines) * lay.line if label.row > 0 else -edge
    space, style = DATE_GAP * look.label.get_size_in_points(), {"va": "top", "linespacing": LINESPACING}
    for i, text in enumerate(label.lines):
        parts = [(label.date, look.date, tint)] if i == 0 else []
        parts += [(text, look.label, look.text)] if text else []
        # Aligned at the stem side, whatever renders the SVG; parts follow at measured widths.
        x, step = (label.x - STEM_PAD, -1) if label.right else (label.x + STEM_PAD, 1)
        for part, prop, tone in parts[::step]:
            ax.text(panel.num(x, lay.width), top - i * lay.line, part, ha="right" if label.right else "left",
                    fontproperties=prop, color=tone, zorder=5, **style)
            x += step * (lay.metrics.exact(part, prop) + space)
    x = lay.anchor(event)
    return [(x, math.copysign(look.marker * _MARK[event.importance] / 2, label.row)),
            (x, math.copysign(edge, label.row))], tint


def _ticks(ax, panel: _Panel, lay: _Layout) -> None:
    """Date ticks: Matplotlib's concise dates, or years only when the dates are years."""
    import matplotlib.dates as mdates

    most = max(4, int(lay.width // 48))
    if _finest(panel.events) == "year":
        years = (panel.hi - panel.lo) / 365.25
        steps = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
        ax.xaxis.set_major_locator(mdates.YearLocator(next((s for s in steps if years / s <= most), 1000)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=most)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _merge(spans: list[tuple[float, float]], tiny: float) -> list[tuple[float, float]]:
    """Overlapping bars as one (start, width) each: the same picture in far fewer SVG paths."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + tiny:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end - start) for start, end in merged]


def _draw_legend(fig, legend: list[tuple[str, float, float]], colour: dict, lay: _Layout,
                 total: float) -> None:
    from matplotlib.lines import Line2D

    look = lay.look
    dot, line = look.marker * _MARK["normal"], lay.metrics.line(look.legend)
    for group, x, y in legend:
        middle = (total - GAP - y - line / 2) / 72
        fig.add_artist(Line2D([(MARGIN + x + dot / 2) / 72], [middle], transform=fig.dpi_scale_trans,
                              marker="o", ms=dot, mew=0, ls="", color=colour[group]))
        fig.text((MARGIN + x + dot + 3) / 72, middle, group, transform=fig.dpi_scale_trans, va="center",
                 fontproperties=look.legend, color=look.text, linespacing=LINESPACING)


def _draw_bracket(fig, overview: _Panel, window: tuple[float, float], boxes: list[tuple[float, float]],
                  lay: _Layout) -> None:
    """The shaded funnel from the stretch on the overview down to the panel that enlarges it."""
    from matplotlib.patches import Polygon

    (bottom, _), (_, top) = boxes
    a, b = (MARGIN + overview.pt(x, lay.width) for x in window)
    corners = [(a, bottom), (b, bottom), (MARGIN + lay.width, top), (MARGIN, top)]
    fig.add_artist(Polygon([(x / 72, y / 72) for x, y in corners], closed=True, transform=fig.dpi_scale_trans,
                           facecolor=lay.look.line, alpha=ZOOM_TINT, lw=0, zorder=0))
