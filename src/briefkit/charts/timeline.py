"""Timeline charts: the events a block selects, its options, alt text, and the figure the style sets up."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import languages, translations
from ..blocks import select
from ..itemfields import human_date
from ..models import Event, Timeline
from ..spans import when
from .drawing import draw_chart
from .layout import WIDTH
from .metrics import needs_shaping

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
            zoomed = draw_chart(fig, events, timeline, options, language, native, rtl, mirrored)
            yield fig, describe(events, language, zoomed, labels, native)

