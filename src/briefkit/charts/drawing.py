"""The Matplotlib drawing of a laid-out chart: its panels, bars, markers, labels, legend and bracket."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..models import Event, Timeline
from .labels import place_eras, place_labels, place_legend
from .layout import DATE_GAP, GAP, MARGIN, MARK, STEM_PAD, WIDTH, Label, Layout, Panel, zoom_window
from .metrics import LINESPACING, Look, Metrics
from .ticks import ticks

BRACKET = 20.0  # points between the overview's tick labels and the enlarged panel
VAGUE_ALPHA = 0.3  # opacity of the bar over a date's month or year, in its group's colour
ZOOM_TINT = 0.07  # opacity of axes.edgecolor in the bracket


def draw_chart(fig, events: list[Event], timeline: Timeline, options: dict[str, Any],
               language: str, native: bool = False, rtl: bool = False,
               mirrored: bool = False) -> list[Event]:
    """Lay the chart out in points, size the figure to it and draw; returns the enlarged events."""
    import matplotlib as mpl
    import matplotlib.dates as mdates

    lay = Layout(Look(list(mpl.rcParams["font.family"])), Metrics(fig), language, native,
                  float(mdates.date2num(dt.date(1970, 1, 1))), rtl=rtl, mirrored=mirrored)
    lo, hi = lay.extent(events) if events else (lay.num(dt.date(2000, 1, 1)), lay.num(dt.date(2001, 1, 1)))
    hi = max([hi] + [lay.num(e.end.end()) + 1 for e in events if e.end])  # spans end in sight
    panels = [Panel(lo, hi, events, events, mirrored=mirrored)]
    window = zoom_window(events, options, lay, place_labels(panels[0], lay))
    inside: list[Event] = []
    if window:
        a, b = window
        inside = [e for e in events if a <= lay.anchor(e) <= b]
        ids = {id(e) for e in inside}
        shown = [e for e in events if lay.num(e.date.start()) <= b and lay.num((e.end or e.date).end()) >= a]
        panels = [Panel(lo, hi, events, [e for e in events if id(e) not in ids], mirrored=mirrored),
                  Panel(a, b, shown, inside, mirrored=mirrored)]
        for panel in panels:
            place_labels(panel, lay)
    look, metrics = lay.look, lay.metrics
    groups = _groups(events, options)
    colour = {g: look.cycle[i % len(look.cycle)] for i, g in enumerate(groups)}
    colour[None] = look.line if groups else look.cycle[0]
    legend = place_legend(groups, lay)
    heights = []  # (above, below) the event line, points
    for panel in panels:
        place_eras(panel, timeline, lay)
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


def _draw_panel(ax, panel: Panel, up: float, down: float, colour: dict, lay: Layout) -> None:
    """One panel: eras, the event line, bars and markers by group, labels, date ticks.
    The y axis counts points from the event line, so the layout's points are its data."""
    look = lay.look
    ax.set_xlim((panel.hi, panel.lo) if panel.mirrored else (panel.lo, panel.hi))
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
    bar, tiny = look.marker * MARK["normal"], (panel.hi - panel.lo) / lay.width / 4  # a quarter point
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
            marks[x] = max(marks.get(x, 0.0), look.marker * MARK[event.importance])
        if marks:
            ax.scatter(list(marks), [0] * len(marks), s=[size ** 2 for size in marks.values()],
                       c=[colour[group]], linewidths=0, zorder=4)
    stems = [_draw_label(ax, panel, label, colour, lay) for label in panel.labels]
    if stems:
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection([s for s, _ in stems], colors=[c for _, c in stems],
                                         linewidths=look.linewidth, zorder=3))
    ticks(ax, panel, lay)


def _draw_label(ax, panel: Panel, label: Label, colour: dict, lay: Layout) -> tuple[list, str]:
    """A label's texts, the date in the group's colour and semibold; returns its stem and colour.
    Its lines are placed at the widths Matplotlib measures, so the date and title never touch.
    Each line reads in its language's order: the date first, at the left of the first line, or
    at its right in a right-to-left brief, whose lines end flush right."""
    look, event = lay.look, label.event
    tint = colour[event.group if event.group in colour else None]
    edge = lay.base + (abs(label.row) - 1) * lay.pitch
    top = edge + len(label.lines) * lay.line if label.row > 0 else -edge
    space, style = DATE_GAP * look.label.get_size_in_points(), {"va": "top", "linespacing": LINESPACING}
    right = label.x - STEM_PAD
    if lay.rtl and not label.right:  # the text's right end: the widest line's, measured
        sizes = [lay.metrics.exact(text, look.label) if text else 0.0 for text in label.lines]
        sizes[0] += lay.metrics.exact(label.date, look.date) + (space if label.lines[0] else 0.0)
        right = label.x + STEM_PAD + max(sizes)
    for i, text in enumerate(label.lines):
        parts = [(label.date, look.date, tint)] if i == 0 else []
        parts += [(text, look.label, look.text)] if text else []
        # Aligned at the stem side (right to left: at the right), whatever renders the SVG;
        # parts follow at measured widths.
        if lay.rtl:
            x, step = right, -1
        else:
            x, step = (label.x - STEM_PAD, -1) if label.right else (label.x + STEM_PAD, 1)
            parts = parts[::step]
        for part, prop, tone in parts:
            ax.text(panel.num(x, lay.width), top - i * lay.line, part, ha="right" if step < 0 else "left",
                    fontproperties=prop, color=tone, zorder=5, **style)
            x += step * (lay.metrics.exact(part, prop) + space)
    x = lay.anchor(event)
    return [(x, math.copysign(look.marker * MARK[event.importance] / 2, label.row)),
            (x, math.copysign(edge, label.row))], tint


def _merge(spans: list[tuple[float, float]], tiny: float) -> list[tuple[float, float]]:
    """Overlapping bars as one (start, width) each: the same picture in far fewer SVG paths."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + tiny:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end - start) for start, end in merged]


def _draw_legend(fig, legend: list[tuple[str, float, float]], colour: dict, lay: Layout,
                 total: float) -> None:
    from matplotlib.lines import Line2D

    look = lay.look
    dot, line = look.marker * MARK["normal"], lay.metrics.line(look.legend)
    step = -1 if lay.rtl else 1  # right to left: the dot at the entry's right, its word to the left
    for group, x, y in legend:
        middle = (total - GAP - y - line / 2) / 72
        fig.add_artist(Line2D([(MARGIN + x + step * dot / 2) / 72], [middle], transform=fig.dpi_scale_trans,
                              marker="o", ms=dot, mew=0, ls="", color=colour[group]))
        fig.text((MARGIN + x + step * (dot + 3)) / 72, middle, group, transform=fig.dpi_scale_trans,
                 va="center", ha="right" if lay.rtl else "left", fontproperties=look.legend,
                 color=look.text, linespacing=LINESPACING)


def _draw_bracket(fig, overview: Panel, window: tuple[float, float], boxes: list[tuple[float, float]],
                  lay: Layout) -> None:
    """The shaded funnel from the stretch on the overview down to the panel that enlarges it."""
    from matplotlib.patches import Polygon

    (bottom, _), (_, top) = boxes
    a, b = sorted(MARGIN + overview.pt(x, lay.width) for x in window)  # either way time runs
    corners = [(a, bottom), (b, bottom), (MARGIN + lay.width, top), (MARGIN, top)]
    fig.add_artist(Polygon([(x / 72, y / 72) for x, y in corners], closed=True, transform=fig.dpi_scale_trans,
                           facecolor=lay.look.line, alpha=ZOOM_TINT, lw=0, zorder=0))
