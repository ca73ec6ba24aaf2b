"""The pipeline: brief folder in, PDF out; one stage a line, in the order data flows."""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    blocks,
    cache,
    charts,
    commentary,
    coverage,
    distribution,
    layout,
    loading,
    logger,
    output,
    pdf,
    render,
    styles,
)
from .errors import InputError, Problem, Problems
from .models import Material


@dataclass
class Options:
    """What a build may be asked for; the defaults are what `briefkit build FOLDER` does."""

    output: Path | None = None  # default: dist/<date>-<slug>.pdf
    html: Path | None = None  # also write the HTML WeasyPrint laid out, corrections included
    style: str | None = None  # overrides brief.yaml's style
    allow_remote: bool = False  # let images and styles load http(s) resources
    timeout: float = 300.0  # seconds the layout may take before the build fails
    strict: bool = False  # renderer warnings fail the build too
    pdf_variant: str | None = None  # one of distribution.VARIANTS; else the brief's or style's
    cache: bool = True  # start from what earlier builds learned (cache.py); same bytes either way


@dataclass
class Result:
    pdf: Path
    pages: int
    footnotes: int
    html: Path | None = None
    corrections: int = 0  # layouts redone to keep notes and figures in place
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Prepared:
    """A brief read, checked and matched with its style: all that is known before rendering."""

    folder: Path
    material: Material
    body: commentary.Body
    style: styles.Style
    inputs: list[Path]


def prepare(folder: Path, options: Options) -> Prepared:
    """Read and check everything; raise once with every problem of every file."""
    problems = Problems()
    style_of = functools.cache(lambda name: styles.find(options.style or name, folder))
    material = loading.load(folder, problems, lambda name: style_of(name).settings["brief_keys"])
    body = commentary.render(material.commentary, material.commentary_file, set(material.sources),
                             material.brief.allow_html, problems, folder, options.allow_remote)
    _check_fields(material, problems, options.allow_remote)
    for block in body.blocks:
        for key, message in blocks.check_selection(block.kind, material.timeline, block.options,
                                                   material.events_file):
            problems.add(material.commentary_file, block.line_of(key), message)
    problems.raise_if_any()
    style = style_of(material.brief.style)
    for file, line, message in coverage.check(material, [font.path for font in style.fonts], style.name):
        if options.strict:
            problems.add(file, line, message)
        else:
            logger.warning("%s:%d: %s", file, line, message)
    problems.raise_if_any()
    inputs = [folder / "brief.yaml", material.commentary_file, material.sources_file, material.events_file]
    return Prepared(folder, material, body, style, [p for p in inputs if p])


def _check_fields(material: Material, problems: Problems, allow_remote: bool) -> None:
    """The links and images of the short Markdown fields, by the commentary's rules."""
    for file, line, field_name, text in coverage.texts(material):
        if field_name in coverage.MARKDOWN and text:
            for message in commentary.link_problems(text, material.folder, allow_remote):
                problems.add(file, line, message)


def build(folder: Path, options: Options | None = None) -> Result:
    options = options or Options()
    clock = _Clock()
    prepared = prepare(folder, options)
    target = output.check(options.output or output.default_path(prepared.material.brief), prepared.inputs)
    html_target = output.check(options.html, prepared.inputs) if options.html else None
    clock.lap("prepare")
    rendered = lay_out(prepared, options, draw_charts(prepared, options.cache))
    clock.lap("render")
    if html_target:
        output.write(html_target, layout.serialize(rendered.tree).encode())
    written = output.write(target, rendered.pdf)
    logger.info("%s: %d pages, %d footnotes, layouts: %d", written, rendered.pages,
                len(rendered.placement.call_pages), rendered.fixes + 1)
    return Result(written, rendered.pages, len(rendered.placement.call_pages), html_target,
                  rendered.fixes, clock.laps)


def lay_out(prepared: Prepared, options: Options, figures: dict[int, charts.Chart]) -> pdf.Rendered:
    """Fill the templates and render to PDF bytes (nothing is written)."""
    style, brief = prepared.style, prepared.material.brief
    document = render.document(prepared.material, prepared.body, figures, style, render.environment(style))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or
                dt.datetime(brief.date.year, brief.date.month, brief.date.day, tzinfo=dt.UTC).timestamp())
    variant = options.pdf_variant or brief.pdf_variant or style.settings["pdf_variant"]
    if variant in distribution.TAGGED and prepared.body.unlabelled:
        raise InputError([Problem(prepared.material.commentary_file, line, f"{variant} needs alt text for "
                                  "every image: write ![what it shows](file)")
                          for line in prepared.body.unlabelled])
    attached = distribution.payloads(prepared, dt.datetime.fromtimestamp(epoch, dt.UTC)) if variant else []
    rendered = pdf.render(document.html, document.base_url, [prepared.folder.resolve(), *style.roots],
                          options.allow_remote, options.timeout, options.strict, epoch, variant,
                          tuple(attached), options.cache)
    return rendered


def draw_charts(prepared: Prepared, remember: bool = True) -> dict[int, charts.Chart]:
    """One chart per `timeline` block, by the block's index; an unchanged chart comes from the
    cache, keyed by everything it depends on (a watch-mode edit of the text redraws none).
    The engine is loaded while the others are drawn (see _draw)."""
    from importlib.metadata import version

    style, material = prepared.style, prepared.material
    drawn, wanted, keys = {}, {}, {}
    for index, block in enumerate(prepared.body.blocks):
        if block.kind != "timeline":
            continue
        sheets = [(str(path), path.read_bytes().hex()) for path in style.chart_styles]
        fonts = [(str(font.path), font.path.stat().st_mtime_ns) for font in style.fonts]
        key = cache.key(repr((material.timeline, sorted(block.options.items()), sheets, fonts,
                              style.chart_font, material.brief.language, version("matplotlib"))))
        known = cache.get("charts", key) if remember else None
        if isinstance(known, dict) and set(known) == {"svg", "alt", "caption"}:
            drawn[index] = charts.Chart(**known)
            continue
        keys[index] = key
        wanted[index] = (material.timeline, block.options, style.chart_styles,
                         [f.path for f in style.fonts], style.chart_font, material.brief.language)
    for index, chart in _draw(wanted).items():
        drawn[index] = chart
        if remember:
            cache.put("charts", keys[index], vars(chart))
    return drawn


def _draw(wanted: dict[int, tuple]) -> dict[int, charts.Chart]:
    """Draw charts and load the engine. In a fresh process the charts go to a forked one, so
    Matplotlib's import and drawing take the other core while this one imports the engine
    (about a second of a cold build). They are drawn here instead where forking is unsafe
    (other threads; macOS and Windows, where Python does not fork by default) or gains
    nothing (the libraries already loaded: watch mode, batch workers), or if the fork fails."""
    import multiprocessing
    import sys
    import threading

    fresh = not {"matplotlib", "weasyprint"} & set(sys.modules) and threading.active_count() == 1
    if wanted and fresh and sys.platform.startswith("linux"):
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_draw_here, wanted)
            pdf.preload()
            try:
                drawn = future.result()
                logger.debug("%d chart(s) drawn in a second process", len(drawn))
                return drawn
            except Exception as error:  # drawn again below, where an error keeps its type
                logger.debug("drawing charts in a second process failed (%s); drawing here", error)
    drawn = _draw_here(wanted)
    pdf.preload()
    return drawn


def _draw_here(wanted: dict[int, tuple]) -> dict[int, charts.Chart]:
    return {index: charts.timeline_svg(*args) for index, args in wanted.items()}


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.start
        self.start = now
