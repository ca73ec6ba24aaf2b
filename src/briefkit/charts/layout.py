"""Chart layout: the panels, their scale from dates to points, and which stretch a second panel enlarges.

One panel shows the whole period; when a short stretch holds far more events than the rest
(1979 ... 2021-2026), a second panel below enlarges it, joined to it by a shaded bracket. Labels
go in rows above and below the event line, most important first; a label that fits nowhere is
left out (its marker stays), so nothing overlaps (labels.py). Layout is done in points with text
widths from the fonts' advance widths (`metrics.Metrics`) and sorted intervals (`labels._Rows`),
so 1,000 events take well under a second. Every colour and size comes from the house style's
Matplotlib style sheet (`metrics.Look`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import logger
from ..dates import PartialDate
from ..models import Event
from .metrics import Look, Metrics

#: Figure width in inches; the house style's CSS scales the SVG to the text width.
WIDTH = 6.5
MARGIN = 8.0  # points left and right of the panels, for the first and last tick label
GAP = 2.5  # points: the least room between two labels, a label and a stem or a marker
STEM_PAD = 2.0  # points between a stem and the text it leads to
LINES = 2  # lines a label, the date on the first
DATE_GAP = 0.45  # ems between a label's date and its title
#: The least span in days a chart shows, by the finest precision of its dates.
MIN_SPAN = {"day": 21, "month": 5 * 30.5, "year": 5 * 365.25}
#: Automatic enlargement: a stretch of at most ZOOM_SHARE of the period, holding at least
#: ZOOM_EVENTS events and a tenth of them, whose density is an order of magnitude that of the
#: rest (to the nearest power of ten: at least 10**0.5 times), when one panel left labels out.
ZOOM_RATIO = 10 ** 0.5
ZOOM_SHARE = 0.25
ZOOM_EVENTS = 5
MARK = {"high": 1.0, "normal": 0.78, "low": 0.6}  # marker diameter, times lines.markersize
_EPOCH = dt.date(1970, 1, 1).toordinal()


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
