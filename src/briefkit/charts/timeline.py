"""Timeline charts: the events a block selects, its options, alt text, and the Matplotlib drawing."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import math
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import languages, translations
from ..blocks import select
from ..citations import human_date
from ..models import Event, Timeline
from ..spans import when
from .layout import (
    DATE_GAP,
    GAP,
    LINESPACING,
    MARGIN,
    MARK,
    STEM_PAD,
    WIDTH,
    Label,
    Layout,
    Look,
    Metrics,
    Panel,
    needs_shaping,
    place_eras,
    place_labels,
    place_legend,
    zoom_window,
)
from .ticks import ticks

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
BRACKET = 20.0  # points between the overview's tick labels and the enlarged panel
VAGUE_ALPHA = 0.3  # opacity of the bar over a date's month or year, in its group's colour
ZOOM_TINT = 0.07  # opacity of axes.edgecolor in the bracket
_FONTS_ADDED: set[str] = set()
#: Held while a chart is drawn and saved: Matplotlib's rcParams (the style sheet, FIXED_RC), its
#: font list and the warning filters are the whole process's, and builds may run in threads
#: (a cluster worker). Drawing is short and cached; the rest of a build runs beside it.
_DRAWING = threading.RLock()


def _bold_will_do(record: logging.LogRecord) -> bool:
    """A fallback font without the semibold the dates ask for: its bold is the right choice."""
    return "Failed to find font weight" not in record.getMessage()


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str
    caption: str | None


def describe(events: Sequence[Event], language: str, zoom: Sequence[Event] = (),
             labels: dict | None = None, native: bool = False) -> str:
    """Alt text that says what the chart shows, for screen readers and the PDF's tags, in the
    brief's language (translations.py; a style's `labels` first)."""
    words = translations.words(language, labels)
    if not events:
        return words.gettext("An empty timeline.")
    day = functools.partial(human_date, language=language, native=native)
    text = words.ngettext("Timeline of %(count)d event, %(start)s to %(end)s",
                          "Timeline of %(count)d events, %(start)s to %(end)s", len(events)) % {
        "count": len(events), "start": day(events[0].date), "end": day(events[-1].date)}
    groups = sorted({e.group for e in events if e.group})
    if groups:
        text += words.ngettext(", in %(count)d group: %(names)s", ", in %(count)d groups: %(names)s",
                               len(groups)) % {"count": len(groups), "names": ", ".join(groups)}
    if zoom:
        text += words.ngettext("; a second panel enlarges %(start)s to %(end)s (%(count)d event)",
                               "; a second panel enlarges %(start)s to %(end)s (%(count)d events)",
                               len(zoom)) % {"start": day(zoom[0].date), "end": day(zoom[-1].date),
                                             "count": len(zoom)}
    highlights = "; ".join(f"{day(e.date)}: {e.title}" for e in events if e.importance == "high")
    if highlights:
        return text + words.gettext(". Key events: %(events)s.") % {"events": highlights}
    return text + words.pgettext("sentence end", ".")


def timeline_svg(timeline: Timeline, options: dict[str, Any], style_sheets: list[Path],
                 fonts: list[Path], font_family: str, language: str, labels: dict | None = None,
                 native: bool = False, rtl: bool = False, mirrored: bool = False) -> Chart:
    """Draw the events of one `timeline` block as an SVG string. `rtl`: the brief reads right
    to left (labels and legend set from the right); `mirrored`: time runs right to left."""
    import matplotlib

    events = select(timeline, options)
    texts = [e.title for e in events] + [e.group or "" for e in events] + [e.title for e in timeline.eras]
    # Labels in Arabic, Devanagari... are drawn as outlines Matplotlib has shaped: as SVG text
    # WeasyPrint would print them letter by letter. The alt text then carries every label.
    shaped = any(map(needs_shaping, texts))
    with figure(timeline, options, style_sheets, fonts, font_family, language, labels, native,
                rtl, mirrored) as (fig, alt):
        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "path"} if shaped else {}):
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: it is inlined in HTML
    if shaped:
        every = "; ".join(f"{when(e, language, native)}: {e.title}" for e in events)
        alt += " " + translations.words(language, labels).gettext("Events: %(events)s.") % {"events": every}
    caption = options.get("caption") or _caption(events, translations.words(language, labels),
                                                 lambda text: languages.digits(text, language, native))
    return Chart(svg, options.get("alt") or alt, caption)


def _caption(events: Sequence[Event], words: translations.Words, digits=str) -> str | None:
    """A caption for a chart the author gave none, so the figure is still numbered."""
    if not events:
        return None
    years = sorted({events[0].date.year, events[-1].date.year})
    return words.gettext("Timeline of events, %(years)s") % {"years": digits("–".join(map(str, years)))}


def preload() -> None:
    """Import what drawing needs ahead of its first use (batch workers share it)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.style  # noqa: F401


@contextlib.contextmanager
def figure(timeline: Timeline, options: dict[str, Any], style_sheets: list[Path], fonts: list[Path],
           font_family: str, language: str, labels: dict | None = None,
           native: bool = False, rtl: bool = False, mirrored: bool = False) -> Iterator[tuple[Any, str]]:
    """The chart as a Matplotlib figure inside the style's settings (to save or to measure),
    and its alt text."""
    # A bare Figure on an Agg canvas (it measures text; savefig still writes SVG, PDF or PNG),
    # as Matplotlib advises for embedding: no pyplot state to close or leak between rebuilds.
    import matplotlib
    import matplotlib.style
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAWING:
        for font in map(str, fonts):
            if font not in _FONTS_ADDED:  # addfont appends a duplicate entry on every call
                font_manager.fontManager.addfont(font)
                _FONTS_ADDED.add(font)
        logging.getLogger("matplotlib.font_manager").addFilter(_bold_will_do)  # once: same object
        events = select(timeline, options)
        if Path(font_family).suffix.lower() in (".ttf", ".otf", ".ttc"):  # styles.Style.chart_face
            font_family = font_manager.get_font(font_family).family_name
        # The style's other fonts back the chart font up, glyph by glyph (Devanagari, Arabic...)
        families = dict.fromkeys([font_family, *(font_manager.get_font(str(f)).family_name for f in fonts),
                                  "DejaVu Sans"])
        with matplotlib.style.context([str(p) for p in style_sheets]), matplotlib.rc_context(
                {**FIXED_RC, "font.family": list(families)}), warnings.catch_warnings():
            # a letter no font has is reported once, with its file and line (glyphs.py)
            warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
            fig = Figure(figsize=(WIDTH, 3))
            FigureCanvasAgg(fig)
            zoomed = _draw(fig, events, timeline, options, language, native, rtl, mirrored)
            yield fig, describe(events, language, zoomed, labels, native)


def _draw(fig, events: list[Event], timeline: Timeline, options: dict[str, Any],
          language: str, native: bool = False, rtl: bool = False, mirrored: bool = False) -> list[Event]:
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
