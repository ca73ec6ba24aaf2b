"""The pipeline: brief folder in, PDF out; one stage a line, in the order data flows."""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, commentary, dates, logger, output, reading, styles, translations, typography, validation
from .charts import figures
from .charts.timeline import Chart
from .document import compose, native_digits, warm
from .errors import BriefError, InputError, Problems, StyleError, UsageError
from .models import TAGGED, Material, Variant
from .pdf import attachments, engine, gatekeeper, pagination
from .pdf.findings import LostText


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
    # Folders of styles searched in place of $BRIEFKIT_STYLES (styles.search_path), so that
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
    rendered = typeset(prepared, options)
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


def typeset(prepared: Prepared, options: Options, charts: dict[int, Chart] | None = None) -> engine.Rendered:
    """Charts, the filled templates and the laid-out PDF bytes; nothing is written.

    The layout runs in a child process killed at `options.timeout` (children.deadline): a
    layout stuck in C stops. A chronology row whose sources have an earlier note links to it
    when it is printed on the row's page, and gets a note of its own (the short form) when it
    is not: a reader finds every call's note at the foot of the call's page.

    Which rows need their own notes is known only after a layout, so each build starts from a
    guess that the layout checks both ways (a row linking to another page gets its note; a
    row's own note next to its earlier note is needless): the brief's last build (its rows, by
    event, so an edit elsewhere keeps them, and its corrections), found by the brief's title,
    date, language and style, not its folder; else every row with a note of its own, the usual
    outcome of a chronology placed after the text it cites. A last build's guess that fails
    gives way to the first build's; the first build's, to its needless rows linking. So the
    PDF is one however it was reached, and a first build lays out once where the usual holds."""
    from .children import Limit, deadline

    rows = _row_events(prepared)
    config = settings(prepared, options)
    brief = prepared.material.brief
    # Not by variant: a variant changes how the PDF is written, not how the brief is laid out.
    memory = cache.key("brief", brief.title, str(brief.date), str(brief.language), prepared.style.name,
                       pagination.rules()) if options.cache else None
    known = cache.get("rows", memory, _remembered) if memory else None
    if charts is None:  # the templates compile while a chart process draws
        charts = figures.draw(prepared.material, prepared.body, prepared.style, options.cache,
                              functools.partial(warm, prepared.style, brief.language,
                                                native_digits(brief, prepared.style)))
    compose_own = functools.partial(compose, prepared.material, prepared.body, charts, prepared.style)
    limit = Limit(options.timeout, "the layout",
                  "raise --timeout, or look for a huge table or deeply nested boxes")
    first = Start(frozenset(rows), None, "first" if rows else None)  # every row with a note of its own
    start = Start(frozenset(i for i, event in rows.items() if event in set(known["rows"])), known["log"],
                  "memory") if known else first
    layouts, document = 0, compose_own(start.own)
    while True:
        ahead = Ahead(functools.partial(compose_own, warn=False) if document.links else None,
                      start.own | document.links)
        try:
            outcome = deadline(functools.partial(engine.render, document, config, start.log, start.own,
                                                 layouts, guessed=start.guess is not None), limit, ahead)
        except LostText:
            if start.guess is None:  # the layout's own verdict: the brief's to fix
                raise
            # A guess never fails a build: a correction the last build needed (or another brief's
            # of the same title), or a note of its own, can push a long note off its page.
            outcome = None
        layouts += outcome.layouts if outcome else 0
        if start.guess is not None and (outcome is None or outcome.needless):
            start = start.failed(outcome, first)
            document = compose_own(start.own, warn=False)
            continue
        if not outcome.stray:
            break
        start = Start(start.own | outcome.stray, outcome.log, start.guess)
        document = ahead.document(start.own) or compose_own(start.own, warn=False)
    if memory:
        cache.put("rows", memory, {"rows": sorted(rows[index] for index in start.own if index in rows),
                                   "log": outcome.log})
    engine.opens(outcome.rendered.pdf)
    return outcome.rendered


@dataclass(frozen=True)
class Start:
    """Where a round of layouts starts: the rows with notes of their own, the corrections to
    replay, and whose guess that is, checked by the layout (the brief's "memory", the "first"
    build's), or None when the layout alone decides."""

    own: frozenset[int]
    log: list | None = None
    guess: str | None = None

    def failed(self, outcome: engine.Round | None, first: Start) -> Start:
        """After a failed guess: a last build's gives way to the first build's; the first
        build's, to the same rows but the needless ones. A layout that lost text under the
        first build's guess starts from no row of its own, so the brief's own verdict stands."""
        if self.guess == "memory":
            logger.debug("what the brief's last build taught does not hold; laying out as a first build")
            return first
        if outcome is None:
            return Start(frozenset())
        return Start(self.own - outcome.needless, outcome.log)


class Ahead:
    """While a layout runs: what checks the PDF is imported, and the brief composed again as the
    next round would compose it if every row that links now turned out to need a note of its
    own (the usual outcome: a chronology after the text it cites), to be used only then."""

    def __init__(self, compose=None, own: frozenset[int] = frozenset()) -> None:
        self.compose, self.own, self.made = compose, own, None

    def __call__(self) -> None:
        engine.preload_checks()
        if self.compose is None:
            return
        try:
            self.made = self.compose(self.own)
        except BriefError:  # this round may never need it; the one that does says why
            self.made = None

    def document(self, own: frozenset[int]) -> engine.Document | None:
        return self.made if self.made is not None and own == self.own else None


def _row_events(prepared: Prepared) -> dict[int, str]:
    """The chronology rows that cite sources, by their citation's index (as compose numbers
    them: after the commentary's), each named by its block and event: what stays when the
    text around it is edited."""
    from .blocks import select

    rows, index = {}, len(prepared.body.cites)
    for block, spec in enumerate(prepared.body.blocks):
        if spec.kind != "chronology":
            continue
        for event in select(prepared.material.timeline, spec.options):
            if event.sources:
                rows[index] = f"{block} {event.date} {event.title}"
                index += 1
    return rows


def _remembered(value) -> bool:
    """A brief's memory is {"rows": [event names], "log": corrections (engine._corrections)}."""
    return (isinstance(value, dict) and set(value) == {"rows", "log"} and isinstance(value["rows"], list)
            and all(isinstance(row, str) for row in value["rows"]) and isinstance(value["log"], list))


def settings(prepared: Prepared, options: Options) -> engine.Settings:
    """The engine's settings for this brief: the options, its dates, what a variant attaches."""
    brief = prepared.material.brief
    epoch = options.source_date_epoch
    if epoch is not None:  # set in code (a cluster's Options), not read from the environment
        _epoch(str(epoch))
    else:
        epoch = int(dates.midnight(brief.date).timestamp())
    attached = attachments.payloads(prepared, dt.datetime.fromtimestamp(epoch, dt.UTC)) \
        if prepared.variant else []
    return engine.Settings((prepared.folder.resolve(), *prepared.style.roots), options.allow_remote,
                           options.strict, epoch, prepared.variant,
                           prepared.variant in TAGGED, tuple(attached), options.cache,
                           options.html is not None)


#: The latest time a PDF date can say: 9999-12-31T23:59:59Z (PDF dates have four-digit years).
_LAST_EPOCH = 253402300799


def _epoch(value: str | None) -> int | None:
    """SOURCE_DATE_EPOCH as seconds, refused when it is not a time the PDF can carry."""
    fix = "give seconds since 1970 (e.g. $(git log -1 --format=%ct)) or unset it"
    try:
        seconds = int(value) if value else None
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r}: {fix}") from None
    if seconds is not None and not 0 <= seconds <= _LAST_EPOCH:
        unit = " (milliseconds? divide by 1000)" if _LAST_EPOCH < seconds <= _LAST_EPOCH * 1000 else ""
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is out of range{unit}: {fix}; "
                         f"it must lie between 0 (1970) and {_LAST_EPOCH} (9999-12-31)")
    return seconds


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.start
        self.start = now
