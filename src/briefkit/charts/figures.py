"""A brief's charts, one per `timeline` block: from the cache, or drawn (in a process of their own
when one build runs from the command line, meanwhile the layout process loads the engine)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from .. import cache, logger
from ..commentary import Body
from ..document import native_digits
from ..models import Material
from ..styles import Style
from .timeline import Chart, timeline_svg


def draw(material: Material, body: Body, style: Style, remember: bool = True,
         meanwhile: Callable[[], object] | None = None) -> dict[int, Chart]:
    """One chart per `timeline` block, by the block's index; an unchanged chart comes from the
    cache, keyed by everything it depends on (a watch-mode edit of the text redraws none).
    The engine is loaded while the others are drawn (see _draw); `meanwhile` is called while
    a chart process draws."""
    drawn, wanted, keys = {}, {}, {}
    for index, block in enumerate(body.blocks):
        if block.kind != "timeline":
            continue
        sheets = [(str(path), path.read_bytes().hex()) for path in style.chart_styles]
        fonts = [(str(font.path), font.path.stat().st_mtime_ns) for font in style.fonts]
        labels, native = style.settings["labels"], native_digits(material.brief, style)
        rtl, mirrored = directions(material.brief, style)
        key = cache.key(repr((material.timeline, sorted(block.options.items()), sheets, fonts,
                              style.chart_face, material.brief.language, labels, native, rtl, mirrored,
                              cache.stamp("matplotlib"), cache.stamp("briefkit.charts.timeline"),
                              cache.stamp("briefkit.charts.drawing"), cache.stamp("briefkit.charts.layout"),
                              cache.stamp("briefkit.charts.labels"), cache.stamp("briefkit.charts.metrics"),
                              cache.stamp("briefkit.charts.ticks"))))
        known = cache.get("charts", key, _chart_shape) if remember else None
        if known:
            drawn[index] = Chart(**known)
            continue
        keys[index] = key
        wanted[index] = (material.timeline, block.options, style.chart_styles,
                         [f.path for f in style.fonts], style.chart_face, material.brief.language,
                         labels, native, rtl, mirrored)
    for index, chart in _draw(wanted, meanwhile).items():
        drawn[index] = chart
        if remember:
            cache.put("charts", keys[index], vars(chart))
    return drawn


def directions(brief, style: Style) -> tuple[bool, bool]:
    """Whether the brief reads right to left (its chart's labels and legend do too), and
    whether time runs right to left on its chart (the style's `timeline_direction: rtl`)."""
    return brief.text_direction == "rtl", style.settings["timeline_direction"] == "rtl"


def _chart_shape(value) -> bool:
    """A cached chart is {svg, alt, caption}: text, text, text or nothing."""
    return (isinstance(value, dict) and set(value) == {"svg", "alt", "caption"}
            and isinstance(value["svg"], str) and isinstance(value["alt"], str)
            and isinstance(value["caption"], str | None))


def stand_ins(body: Body) -> dict[int, Chart]:
    """Empty charts for every `timeline` block: the templates fill without drawing anything."""
    return {i: Chart("<svg></svg>", "chart", None) for i, block in enumerate(body.blocks)
            if block.kind == "timeline"}


#: Seconds the charts may take to draw in their own process.
DRAWING_SECONDS = 300.0


def _draw(wanted: dict[int, tuple], meanwhile: Callable[[], object] | None = None) -> dict[int, Chart]:
    """Draw charts. A command-line build's chart process draws them (children.drawing): the
    command never loads Matplotlib. Where layouts go to a reused child (watch, batch workers),
    they are drawn here. A build from Python in a fresh process forks one for them while it
    loads the engine its forked layouts inherit; where forking is unsafe (other threads; macOS
    and Windows) or the fork fails, they are drawn here, and the engine is loaded only where
    layouts fork from this process (children.forks)."""
    import multiprocessing
    import sys
    import threading

    from ..children import Limit, drawing, elsewhere, forks
    from ..pdf.engine import preload

    drawer = drawing()
    if drawer and wanted:  # a light child draws: Matplotlib never loads in this process
        drawer.send(functools.partial(_draw_here, wanted))
        if meanwhile:
            try:
                meanwhile()
            except BaseException:
                drawer.close()  # its answer must not reach the next call
                raise
        drawn = drawer.result(Limit(DRAWING_SECONDS, "drawing the charts",
                                    "look for a chart block with thousands of events"))
        logger.debug("%d chart(s) drawn in a second process", len(drawn))
        return drawn
    if elsewhere():  # the reused layout child has the engine: this process only draws
        return _draw_here(wanted)
    fresh = not {"matplotlib", "weasyprint"} & set(sys.modules) and threading.active_count() == 1
    if wanted and fresh and sys.platform.startswith("linux"):
        from concurrent.futures import ProcessPoolExecutor

        from ..children import pool_options

        # The child dies with this process: a build killed outright leaves no drawing process.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), **pool_options()) as pool:
            future = pool.submit(_draw_here, wanted)
            preload()
            try:
                drawn = future.result()
                logger.debug("%d chart(s) drawn in a second process", len(drawn))
                return drawn
            except Exception as error:  # drawn again below, where an error keeps its type
                logger.debug("drawing charts in a second process failed (%s); drawing here", error)
    drawn = _draw_here(wanted)
    if forks():
        preload()
    return drawn


def _draw_here(wanted: dict[int, tuple]) -> dict[int, Chart]:
    return {index: timeline_svg(*args) for index, args in wanted.items()}
