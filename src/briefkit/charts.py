"""Timeline charts: events, eras and a chart style in, a vector SVG with real text out."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .citations import human_date
from .models import Event, PartialDate, Timeline

#: Settings no house style may change: text stays text, output stays reproducible.
FIXED_RC = {
    "svg.fonttype": "none",  # labels as <text> in the document's font, searchable
    "svg.hashsalt": "briefkit",  # stable ids: the same data gives the same bytes
    "text.parse_math": False,  # `$` in a title prints as typed
    "text.usetex": False,
}
#: Chart geometry in inches; the house style's CSS scales the SVG to the text width.
WIDTH, HEIGHT = 6.5, 3.0
_IMPORTANCE = {"high": 0, "normal": 1, "low": 2}
LABEL_SIZE = 6.5  # points; the SVG is printed at about its own size
#: Label rows above (+) and below (-) the axis, nearest first.
LEVELS = (1, -1, 2, -2, 3, -3)
LABEL_WRAP = 24  # characters a label line


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


def describe(events: Sequence[Event], language: str) -> str:
    """Alt text that says what the chart shows, for screen readers and the PDF's tags."""
    if not events:
        return "An empty timeline."
    first, last = events[0].date, events[-1].date
    groups = sorted({e.group for e in events if e.group})
    text = (f"Timeline of {len(events)} events, {human_date(first, language)} to "
            f"{human_date(last, language)}")
    if groups:
        text += f", in {len(groups)} groups: {', '.join(groups)}"
    highlights = [f"{human_date(e.date, language)}: {e.title}" for e in events if e.importance == "high"]
    return text + (". Key events: " + "; ".join(highlights) + "." if highlights else ".")


def timeline_svg(timeline: Timeline, options: dict[str, Any], style_sheets: list[Path],
                 fonts: list[Path], font_family: str, language: str) -> Chart:
    """Draw the events of one `timeline` block as an SVG string."""
    import matplotlib

    matplotlib.use("agg")  # measures text for label placement; savefig still writes SVG
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    for font in fonts:
        font_manager.fontManager.addfont(str(font))
    events = select(timeline, options)
    with plt.style.context([str(p) for p in style_sheets]), matplotlib.rc_context(
            {**FIXED_RC, "font.family": font_family}):
        fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
        try:
            _draw(fig, ax, events, timeline, options, mdates)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: it is inlined in HTML
    return Chart(svg, options.get("alt") or describe(events, language), options.get("caption"))


def _num(date: dt.date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(date))


def _draw(fig, ax, events: list[Event], timeline: Timeline, options: dict[str, Any], mdates) -> None:
    colors = [c["color"] for c in matplotlib_cycle()]
    groups = list(dict.fromkeys(e.group or "" for e in events))
    color_of = {g: colors[i % len(colors)] for i, g in enumerate(groups)}
    if events:
        lo = min(e.date.start() for e in events)
        hi = max((e.end or e.date).end() for e in events)
    else:
        lo, hi = dt.date(2000, 1, 1), dt.date(2001, 1, 1)
    pad = (hi - lo) * 0.03 + dt.timedelta(days=30)
    x0, x1 = _num(lo - pad), _num(hi + pad)
    ax.set_xlim(x0, x1)
    ax.set_ylim(-4.2, 4.9)
    for era in timeline.eras:
        a, b = max(_num(era.start.start()), x0), min(_num(era.end.end()), x1)
        if a < b:
            ax.axvspan(a, b, color="0.5", alpha=0.12, lw=0, zorder=0)
            ax.text((a + b) / 2, 4.75, era.title, ha="center", va="top", fontsize=LABEL_SIZE,
                    color="0.35", clip_on=True)
    ax.axhline(0, color="0.3", lw=0.8, zorder=1)
    renderer = fig.canvas.get_renderer()
    labels: list[Any] = []
    stems: list[Any] = []
    order = sorted(events, key=lambda e: (_IMPORTANCE[e.importance], e.date.start()))
    for event in order:
        x = _num(event.date.start())
        color = color_of[event.group or ""]
        if event.end:
            ax.plot([x, _num(event.end.end())], [0, 0], color=color, lw=4, solid_capstyle="butt", zorder=2)
        ax.plot([x], [0], marker="o", ms=4 + 2 * (event.importance == "high"), color=color, zorder=3)
        _label(ax, renderer, event, x, color, labels, stems)
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if len(groups) > 1 or groups != [""]:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", ls="", color=color_of[g], label=g) for g in groups if g]
        ax.legend(handles=handles, loc="upper left", ncols=len(handles), frameon=False,
                  fontsize=LABEL_SIZE + 0.5, bbox_to_anchor=(0, 1.1), handletextpad=0.2, columnspacing=1)
    fig.tight_layout(pad=0.2)


def _label(ax, renderer, event: Event, x: float, color: str, labels: list, stems: list) -> None:
    """Put a label on the lowest level where neither it nor its stem crosses anything placed;
    a label that fits nowhere is left out (the marker stays)."""
    from matplotlib.transforms import Bbox

    levels = LEVELS if event.importance != "low" else LEVELS[:4]
    frame = ax.get_window_extent(renderer)
    title = textwrap.fill(event.title, LABEL_WRAP)
    for level in levels:
        text = ax.text(x, level, title, ha="left", va="bottom" if level > 0 else "top",
                       fontsize=LABEL_SIZE, color="0.1", zorder=4, linespacing=1.1)
        box = text.get_window_extent(renderer)
        if box.x1 > frame.x1:  # near the right edge the label hangs to the left of its stem
            text.set_ha("right")
            box = text.get_window_extent(renderer)
        base = ax.transData.transform((x, 0))[1]
        stem_end = box.y0 if level > 0 else box.y1
        stem = Bbox.from_extents(ax.transData.transform((x, 0))[0] - 1, min(base, stem_end) + 4,
                                 ax.transData.transform((x, 0))[0] + 1, max(base, stem_end) - 4)
        box = box.padded(2)
        if box.x0 >= frame.x0 and not any(box.overlaps(o) for o in labels + stems) \
                and not any(stem.overlaps(o) for o in labels):
            labels.append(box)
            stems.append(stem)
            ax.plot([x, x], [0, level], color=color, lw=0.6, zorder=2)
            return
        text.remove()


def matplotlib_cycle():
    import matplotlib.pyplot as plt

    return plt.rcParams["axes.prop_cycle"]
