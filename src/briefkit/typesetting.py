"""Typesetting: a prepared brief laid out into PDF bytes, its chronology rows' notes settled."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import cache, dates, logger
from .charts import figures
from .charts.timeline import Chart
from .document import compose, native_digits, warm
from .errors import BriefError
from .models import TAGGED
from .pdf import attachments, engine, pagination, writing
from .pdf.findings import LostText

if TYPE_CHECKING:
    from .build import Options, Prepared


def typeset(prepared: Prepared, options: Options, charts: dict[int, Chart] | None = None) -> writing.Rendered:
    """Charts, the filled templates and the laid-out PDF bytes; nothing is written.

    The layout runs in a child process killed at `options.timeout` (children.deadline): a
    layout stuck in C stops. A chronology row whose sources have an earlier note links to it
    when it is printed on the row's page, and gets a note of its own (the short form) when it
    is not: a reader finds every call's note at the foot of the call's page.

    Which rows need their own notes is known only after a layout, so each build starts from a
    guess that the layout checks both ways (a row linking to another page gets its note; a
    row's own note next to its earlier note is needless): the brief's last build (its rows, by
    event, so an edit elsewhere keeps them, and its corrections), found by the brief's title,
    date, language and style, not its folder; else the rows whose earlier notes lie more than a
    page of text back (REACH), as in a chronology placed after the text it cites. A last
    build's guess that fails gives way to the first build's; the first build's, to a start from
    no row, each round adding the rows that link to another page, as a build without a guess
    does. So the PDF is one however it was reached, and a first build lays out once where the
    guess holds."""
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
    first = Start(frozenset(), None, "first")  # the rows whose earlier notes lie pages back
    start = Start(frozenset(i for i, event in rows.items() if event in set(known["rows"])), known["log"],
                  "memory") if known else first
    layouts, (start, document) = 0, start.composed(compose_own)
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
        layouts += outcome.layouts if outcome else 1  # a round that lost text laid out once at least
        if start.guess is not None and (outcome is None or outcome.needless):
            start, document = start.failed(first).composed(compose_own, warn=False)
            continue
        if not outcome.stray:
            break
        start = Start(start.own | outcome.stray, outcome.log, start.guess)
        document = ahead.document(start.own) or compose_own(start.own, warn=False)
    if memory:
        cache.put("rows", memory, {"rows": sorted(rows[index] for index in start.own if index in rows),
                                   "log": outcome.log})
    writing.opens(outcome.rendered.pdf)
    return outcome.rendered


#: Characters of text, notes included, that no page of the built-in styles holds (the sample's
#: pages hold about 3,200): a chronology row whose earlier notes all lie further back prints on
#: another page than they do, unless a house style's pages hold more (the layout checks).
REACH = 3500


@dataclass(frozen=True)
class Start:
    """Where a round of layouts starts: the rows with notes of their own, the corrections to
    replay, and whose guess that is, which the layout checks (the brief's "memory", the "first"
    build's: the rows whose earlier notes lie more than REACH back), or None when the layout
    alone decides."""

    own: frozenset[int]
    log: list | None = None
    guess: str | None = None

    def composed(self, compose, warn: bool = True) -> tuple[Start, engine.Document]:
        """The brief composed from here, and where that starts: the first build's guess names
        the rows it gave notes of their own; none, and there is nothing to check."""
        if self.guess != "first":
            return self, compose(self.own, warn=warn)
        document = compose(self.own, warn=warn, reach=REACH)
        own = self.own | frozenset(document.instead)
        return Start(own, self.log, "first" if own else None), document

    def failed(self, first: Start) -> Start:
        """After a failed guess: a last build's gives way to the first build's; the first
        build's, to a start from no row of its own, the layout alone deciding, so the PDF is
        the one it would be without either."""
        if self.guess == "memory":
            logger.debug("what the brief's last build taught does not hold; laying out as a first build")
            return first
        logger.debug("rows guessed to need notes of their own do not all; laying out without the guess")
        return Start(frozenset())


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
    from .children import spare_core

    brief = prepared.material.brief
    epoch = options.source_date_epoch
    if epoch is not None:  # set in code (a cluster's Options), not read from the environment
        dates.epoch_seconds(str(epoch))
    else:
        epoch = int(dates.midnight(brief.date).timestamp())
    attached = attachments.payloads(prepared, dt.datetime.fromtimestamp(epoch, dt.UTC)) \
        if prepared.variant else []
    return engine.Settings((prepared.folder.resolve(), *prepared.style.roots), options.allow_remote,
                           options.strict, epoch, prepared.variant,
                           prepared.variant in TAGGED, tuple(attached), options.cache,
                           options.html is not None, spare_core())
