"""The pipeline: brief folder in, PDF out; one stage a line, in the order data flows."""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, commentary, logger, output, reading, styles, translations, typography, validation
from .charts import figures
from .charts.timeline import Chart
from .document import compose
from .errors import Problems, StyleError, UsageError
from .models import Material, Variant
from .pdf import attachments, engine, pagination


@dataclass
class Options:
    """What a build may be asked for; the defaults are what `briefkit build FOLDER` does."""

    output: Path | None = None  # default: dist/<date>-<slug>.pdf
    html: Path | None = None  # also write the HTML WeasyPrint laid out, corrections included
    style: str | None = None  # overrides brief.yaml's style
    allow_remote: bool = False  # let images and styles load http(s) resources
    timeout: float = 300.0  # seconds the layout may take before the build fails
    strict: bool = False  # renderer warnings and letters no font has fail the build too
    pdf_variant: Variant | None = None  # else the brief's, else the style's
    cache: bool = True  # start from what earlier builds learned (cache.py); same bytes either way
    # The time written into the PDF (reproducible-builds.org), read where the build is asked
    # for: a cluster worker builds the same bytes without the client's environment.
    source_date_epoch: int | None = field(default_factory=lambda: _epoch(os.environ.get("SOURCE_DATE_EPOCH")))


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
    variant: Variant | None
    inputs: list[Path]


def prepare(folder: Path, options: Options) -> Prepared:
    """Read and check everything; raise once with every problem of every file."""
    problems = Problems()
    style_of = functools.cache(lambda name: styles.find(options.style or name, folder))
    material = reading.load(folder, problems, lambda name: style_of(name).brief_keys)
    marks = typography.quotes(translations.words(material.brief.language,
                                                 _labels(style_of, material.brief.style)))
    body = commentary.parse(material.commentary, material.commentary_file, set(material.sources),
                            material.brief.allow_html, problems, folder, options.allow_remote, marks)
    material = typography.dress(material, marks)
    validation.check_material(material, body, problems, options.allow_remote)
    problems.raise_if_any()
    style = style_of(material.brief.style)
    variant = options.pdf_variant or material.brief.pdf_variant or style.settings["pdf_variant"]
    validation.check_styled(material, body, style, variant, options.strict, problems)
    problems.raise_if_any()
    inputs = [folder / "brief.yaml", material.commentary_file, material.sources_file, material.events_file]
    return Prepared(folder, material, body, style, variant, [p for p in inputs if p])


def _labels(style_of, name: str) -> dict:
    """The style's own words, or none when the style cannot be read (reading reported why)."""
    try:
        return style_of(name).settings["labels"]
    except StyleError:
        return {}


def build(folder: Path, options: Options | None = None, prepared: Prepared | None = None) -> Result:
    """Build one brief; `prepared`, when the caller has read it already (publish, watch)."""
    options = options or Options()
    clock = _Clock()
    prepared = prepared or prepare(folder, options)
    target = output.target(options.output or output.default_path(prepared.material.brief), prepared.inputs)
    html_target = output.target(options.html, prepared.inputs) if options.html else None
    clock.lap("prepare")
    rendered = typeset(prepared, options)
    clock.lap("render")
    if html_target:
        output.write(html_target, pagination.serialize(rendered.tree).encode())
    written = output.write(target, rendered.pdf)
    logger.info("%s: %d pages, %d footnotes, layouts: %d", written, rendered.pages,
                len(rendered.placement.call_pages), rendered.fixes + 1)
    return Result(written, rendered.pages, len(rendered.placement.call_pages), html_target,
                  rendered.fixes, clock.laps)


def typeset(prepared: Prepared, options: Options, charts: dict[int, Chart] | None = None) -> engine.Rendered:
    """Charts, the filled templates and the laid-out PDF bytes; nothing is written.

    A chronology row that links to an earlier note printed on another page gets a note of its
    own (the short form) and the brief is composed again: a reader finds every call's note at
    the foot of the call's page. Each round adds rows, so it ends."""
    if charts is None:
        charts = figures.draw(prepared.material, prepared.body, prepared.style, options.cache)
    document = compose(prepared.material, prepared.body, charts, prepared.style)
    # The rows an earlier build of the same page gave notes of their own: one layout, not two.
    memory = cache.key(document.html, pagination.rules()) if options.cache else None
    known = cache.get("rows", memory) if memory else None
    own = frozenset(row for row in known if isinstance(row, int)) if isinstance(known, list) else frozenset()
    while True:
        if own:
            document = compose(prepared.material, prepared.body, charts, prepared.style, own)
        rendered = engine.render(document, settings(prepared, options))
        stray = rendered.placement.stray_links - own
        if not stray:
            if memory:
                cache.put("rows", memory, sorted(own))
            return rendered
        logger.debug("rows %s link to notes on other pages; giving them their own", sorted(stray))
        own |= stray


def settings(prepared: Prepared, options: Options) -> engine.Settings:
    """The engine's settings for this brief: the options, its dates, what a variant attaches."""
    brief = prepared.material.brief
    epoch = options.source_date_epoch
    if epoch is None:
        epoch = int(dt.datetime(brief.date.year, brief.date.month, brief.date.day, tzinfo=dt.UTC).timestamp())
    attached = attachments.payloads(prepared, dt.datetime.fromtimestamp(epoch, dt.UTC)) \
        if prepared.variant else []
    return engine.Settings((prepared.folder.resolve(), *prepared.style.roots), options.allow_remote,
                           options.timeout, options.strict, epoch, prepared.variant, tuple(attached),
                           options.cache)


def _epoch(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r}: give seconds since 1970 "
                         "(e.g. $(git log -1 --format=%ct)) or unset it") from None


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.start
        self.start = now
