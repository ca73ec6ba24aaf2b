"""Where a chart panel's event labels, era names and legend entries go, in points, none overlapping."""

from __future__ import annotations

import bisect

from ..models import Event, Timeline
from ..spans import when
from .layout import DATE_GAP, GAP, LINES, MARK, STEM_PAD, Label, Layout, Panel

LABEL_WIDTH = 96.0  # points a label line; a longer title widens its label before a third line
LABEL_MIN = 28.0  # points: no label is narrower (a date and a word)
ROWS = (1, -1, 2, -2, 3, -3)  # label rows above (+) and below (-) the event line, nearest first
LEGEND_GAP = 10.0  # points between legend entries
_IMPORTANCE = {"high": 0, "normal": 1, "low": 2}


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
