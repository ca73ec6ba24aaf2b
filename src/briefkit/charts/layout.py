"""Chart layout: which labels, era names and legend entries go where, in points, before drawing.

One panel shows the whole period; when a short stretch holds far more events than the rest
(1979 ... 2021-2026), a second panel below enlarges it, joined to it by a shaded bracket. Labels
go in rows above and below the event line, most important first; a label that fits nowhere is
left out (its marker stays), so nothing overlaps. Layout is done in points with text widths
from the fonts' advance widths (`Metrics`) and sorted intervals (`_Rows`), so 1,000 events
take well under a second. Every colour and size comes from the house style's Matplotlib style
sheet (`Look`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import logger
from ..dates import PartialDate
from ..models import Event, Timeline
from ..spans import when

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
LEGEND_GAP = 10.0  # points between legend entries
#: The least span in days a chart shows, by the finest precision of its dates.
MIN_SPAN = {"day": 21, "month": 5 * 30.5, "year": 5 * 365.25}
#: Automatic enlargement: a stretch of at most ZOOM_SHARE of the period, holding at least
#: ZOOM_EVENTS events and a tenth of them, whose density is an order of magnitude that of the
#: rest (to the nearest power of ten: at least 10**0.5 times), when one panel left labels out.
ZOOM_RATIO = 10 ** 0.5
ZOOM_SHARE = 0.25
ZOOM_EVENTS = 5
_IMPORTANCE = {"high": 0, "normal": 1, "low": 2}
MARK = {"high": 1.0, "normal": 0.78, "low": 0.6}  # marker diameter, times lines.markersize
_EPOCH = dt.date(1970, 1, 1).toordinal()
_ADVANCES: dict[str, dict[str, float]] = {}  # font file -> character -> advance in ems


# Here, not with the drawing: the layout measures with its fonts and marker size.
class Look:
    """What the style sheet decides, read once: every colour and size the chart uses."""

    def __init__(self, family: str | list[str]):
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
        self.era_font = FontProperties(family=family, size="small", style=_era_style(family))
        self.legend = FontProperties(family=family, size=rc["legend.fontsize"])
        self.tick = FontProperties(family=family, size=rc["xtick.labelsize"])
        self.tick_room = rc["xtick.major.size"] + rc["xtick.major.pad"]


def _era_style(family: str | list[str]) -> str:
    """Italic when the chart font has an italic face, else upright: asked for an italic it
    lacks, Matplotlib takes another family's (DejaVu Sans Oblique), never slants the upright."""
    from matplotlib.font_manager import FontProperties, findfont, get_font, ttfFontProperty

    first = family if isinstance(family, str) else family[0]
    try:
        path = findfont(FontProperties(family=first, style="italic"), fallback_to_default=False)
    except ValueError:
        return "normal"
    face = ttfFontProperty(get_font(path))
    return "italic" if face.name == first and face.style != "normal" else "normal"


#: Scripts whose letters change shape or order with their neighbours (by Unicode name).
COMPLEX_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO", "DEVANAGARI", "BENGALI", "GURMUKHI",
                   "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI",
                   "LAO", "TIBETAN", "MYANMAR", "KHMER")


def needs_shaping(text: str) -> bool:
    """Whether `text` needs shaping or bidi ordering: Matplotlib does both (libraqm), while
    WeasyPrint draws SVG text letter by letter, left to right."""
    return any(map(_complex, text))


@functools.cache
def _complex(char: str) -> bool:
    return (unicodedata.bidirectional(char) in ("R", "AL")
            or unicodedata.name(char, "").startswith(COMPLEX_SCRIPTS))


class Metrics:
    """Text sizes in points. `width` sums the font's advance widths, cached per character:
    Matplotlib shapes each string it measures (about a millisecond), too slow to try 1,000
    labels. The sum ignores kerning, so `room` pads it; the tests check the real extents."""

    def __init__(self, fig):
        self.fig = fig
        self.heights: dict[int, float] = {}
        self.fonts: dict[int, tuple[dict[str, float], float, Any]] = {}  # id(prop): advances, size, font

    def width(self, text: str, prop) -> float:
        if needs_shaping(text):  # letters join and reorder: only the shaped run has a width
            return self.exact(text, prop)
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
                try:
                    advances[char] = font.load_char(ord(char), flags=LoadFlags.NO_SCALE).horiAdvance / em
                except RuntimeError:  # not in this font: drawn from a fallback, or as a box
                    advances[char] = self.exact(char, prop) / size
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
class Label:
    event: Event
    x: float  # points from the panel's left: the stem
    date: str
    lines: list[str]  # the title, wrapped; the first line follows the date
    width: float  # points reserved, text and stem pad
    row: int = 0
    right: bool = False  # hangs to the left of its stem


@dataclass
class Panel:
    lo: float  # x range, Matplotlib date numbers
    hi: float
    events: list[Event]  # drawn
    labelled: list[Event]  # may get a label
    labels: list[Label] = field(default_factory=list)
    eras: list[tuple] = field(default_factory=list)  # (era, a, b, name's centre or None, shade)
    mirrored: bool = False  # time runs right to left (`timeline_direction: rtl`)

    # Layout works in points from the panel's left whichever way time runs: only these two
    # (and the axis limits) know the direction.
    def pt(self, num: float, width: float) -> float:
        return ((self.hi - num) if self.mirrored else (num - self.lo)) / (self.hi - self.lo) * width

    def num(self, pt: float, width: float) -> float:
        step = pt / width * (self.hi - self.lo)
        return self.hi - step if self.mirrored else self.lo + step

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
class Layout:
    """What every step of one chart shares: the style, text sizes, scale and the geometry."""

    look: Look
    metrics: Metrics
    language: str
    native: bool  # dates in the language's own digits
    offset: float  # Matplotlib's number for 1970-01-01: a style may move the epoch
    width: float = WIDTH * 72 - 2 * MARGIN  # points, each panel
    line: float = 0.0  # a label line's height
    pitch: float = 0.0  # a label row's height
    base: float = 0.0  # from the event line to the first row
    rtl: bool = False  # the brief reads right to left: labels and legend set from the right
    mirrored: bool = False  # the time axis runs right to left

    def __post_init__(self) -> None:
        self.line = self.metrics.line(self.look.label)
        self.pitch = LINES * self.line + GAP
        self.base = self.look.marker * MARK["high"] / 2 + GAP

    def num(self, date: dt.date) -> float:
        return float(date.toordinal() - _EPOCH) + self.offset

    def date(self, x: float) -> dt.date:
        """The day at `x`, within the calendar (year 1 to 9999)."""
        return dt.date.fromordinal(max(1, min(dt.date.max.toordinal(), int(x - self.offset) + _EPOCH)))

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
        grow = max(0.0, MIN_SPAN[finest(events)] - (hi - lo) - 2 * pad) / 2
        # Matplotlib draws dates from year 1 to 9999 only: the room ends where its calendar does
        return max(lo - pad - grow, self.num(dt.date.min)), min(hi + pad + grow, self.num(dt.date.max))


def finest(events: Sequence[Event]) -> str:
    return min((e.date.precision for e in events), key=list(MIN_SPAN).index, default="day")


def place_labels(panel: Panel, lay: Layout) -> int:
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


def _label(event: Event, x: float, lay: Layout) -> Label:
    """Wrap the title after the date to at most LINES lines, widening the label if it must."""
    look, metrics = lay.look, lay.metrics
    date = when(event, lay.language, lay.native, short=True)
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
    return Label(event, x, date, text, max(widths) + STEM_PAD)


def zoom_window(events: list[Event], options: dict[str, Any], lay: Layout,
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

def place_legend(groups: list[str], lay: Layout) -> list[tuple[str, float, float]]:
    """(group, x, y) of each legend entry in points from the top left, wrapped to the width:
    x is where its dot is, the entry's left edge, or its right edge in a right-to-left brief,
    whose entries run from the right, each dot to the right of its word."""
    entries, x, y, dot = [], 0.0, 0.0, lay.look.marker * MARK["normal"]
    for group in groups:
        size = dot + 3 + lay.metrics.room(group, lay.look.legend)
        if x and x + size > lay.width:
            x, y = 0.0, y + lay.metrics.line(lay.look.legend) + GAP
        entries.append((group, lay.width - x if lay.rtl else x, y))
        x += size + LEGEND_GAP
    return entries


def place_eras(panel: Panel, timeline: Timeline, lay: Layout) -> None:
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
