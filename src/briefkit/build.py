"""The pipeline: brief folder in, PDF out; one stage a line, in the order data flows."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    commentary,
    dates,
    logger,
    output,
    reading,
    styles,
    translations,
    typesetting,
    typography,
    validation,
)
from .errors import InputError, Problems, StyleError, UsageError
from .models import Material, Variant
from .pdf import gatekeeper


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
    source_date_epoch: int | None = field(
        default_factory=lambda: dates.epoch_seconds(os.environ.get("SOURCE_DATE_EPOCH")))
    # Folders of styles searched in place of $BRIEFKIT_STYLES (stylesearch.search_path), so that
    # builds in threads of one process (a cluster worker) each find their own client's styles.
    style_places: tuple[Path, ...] | None = None


@dataclass
class Result:
    pdf: Path
    pages: int
    footnotes: int
    html: Path | None = None
    corrections: int = 0  # layouts redone to keep notes and figures in place
    timings: dict[str, float] = field(default_factory=dict)
    prepared: Prepared | None = field(default=None, repr=False)  # what the build read


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
    style_of = functools.cache(lambda name: styles.find(options.style or name, folder, options.style_places))
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


def read_by(prepared: Prepared) -> output.Reads:
    """Every file and folder the build reads, which no output may overwrite or land in: the
    brief folder, its style chain, briefkit's templates, the fonts and the inputs named."""
    style = prepared.style
    return output.Reads.of([prepared.folder, *style.roots, style.logo, *prepared.inputs])


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
    reads = read_by(prepared)
    target = output.target(options.output or output.default_path(prepared.material.brief), reads)
    html_target = output.target(options.html, reads) if options.html else None
    if html_target == target:
        raise UsageError(f"{options.html}: --html names the PDF's own file; give the HTML another name")
    for path in filter(None, (target, html_target)):  # what a killed build of them left behind
        output.remove_stale_parts(path)
    clock.lap("prepare")
    rendered = typesetting.typeset(prepared, options)
    clock.lap("render")
    if options.strict and rendered.findings.overflow:  # text outside the page: never written
        from .overflow import overflow_problems

        raise InputError(overflow_problems(prepared, rendered))
    if prepared.variant:  # a file that claims a conformance it lacks is never written
        gatekeeper.admit(rendered.pdf, prepared.variant, options.strict, (prepared.folder.resolve(),
                         *prepared.style.roots), target)
    if html_target:
        html = output.portable(rendered.html, prepared.folder, html_target)
        output.write(html_target, html.encode())
    written = output.write(target, rendered.pdf)
    logger.info("%s: %d pages, %d footnotes, layouts: %d", written, rendered.pages,
                len(rendered.placement.call_pages), rendered.fixes + 1)
    return Result(written, rendered.pages, len(rendered.placement.call_pages), html_target,
                  rendered.fixes, clock.laps, prepared)


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.start
        self.start = now
