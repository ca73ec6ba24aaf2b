"""Chart text measured in points (`Metrics`), which text needs shaping, and the style sheet's `Look`."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

LINESPACING = 1.15
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
