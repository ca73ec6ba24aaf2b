"""The engine: WeasyPrint lays out the HTML, corrected until every note and figure sits right."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import cache, logger
from ..speculation import Speculation
from . import direction, fontconfigs
from .attachments import Payload
from .failures import rendering
from .pagination import Corrector, rules
from .placement import Placement
from .resources import gate
from .writing import Rendered, write


@dataclass(frozen=True)
class Document:
    """The HTML to lay out, self-contained but for files under `base_url` (document.compose)."""

    html: str
    base_url: str
    #: Chronology rows with a note of their own: row -> (its note, the earlier notes it would
    #: link to instead).
    instead: dict[int, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    #: The chronology rows that link to an earlier note instead of having their own.
    links: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Settings:
    """How to render: what the build options and the brief decide, in one place."""

    roots: tuple[Path, ...]  # folders whose files may be read (the brief's, its style's)
    allow_remote: bool = False  # http(s) resources allowed
    strict: bool = False  # the renderer's warnings (an unknown CSS property, say) fail the build
    epoch: int | None = None  # the time written into the PDF, for equal bytes from equal inputs
    variant: str | None = None  # models.Variant
    tagged: bool = False  # the variant is tagged: ActualText in reading order
    attachments: tuple[Payload, ...] = ()  # carried by PDF/A-3 variants
    remember: bool = True  # start from the corrections an earlier build of the same HTML needed
    html: bool = False  # keep the corrected HTML (Rendered.html), for --html
    speculate: bool = False  # a core is free for the likely second layout (render)


#: Corrections a guess (the brief's last build, made from other HTML) may replay: each only moves
#: a figure down or lets a paragraph's lines break anywhere, so a wrong one costs no page, and the
#: corrector still checks the layout. Page breaks and paragraph cuts are found again.
GUESSABLE = ("figure", "calm", "note", "margin")


@dataclass
class Layout:
    """One document laid out, with the corrections made to its tree so far."""

    document: Document
    source: object  # weasyprint.HTML, whose element tree the corrector changes
    corrector: Corrector
    fetcher: object
    memory: str | None  # the cache key of this exact HTML
    pages: object = None  # WeasyPrint's laid-out document
    images: dict = field(default_factory=dict)  # decoded once, not on every layout pass
    count: int = 0  # layouts made

    @property
    def placement(self) -> Placement:
        return self.corrector.placement(self.pages)


def preload() -> None:
    """Import the engine ahead of its first use (most of a second), e.g. while charts draw."""
    import weasyprint  # noqa: F401


def preload_checks() -> None:
    """Import what checks the PDF here (opens), e.g. while the layout process works."""
    import pikepdf  # noqa: F401


@dataclass
class Round:
    """What a layout process sends back: the PDF, or the chronology rows that need notes of
    their own (then the brief is composed again) or whose guessed own notes are needless, with
    the corrections made so far."""

    log: list
    layouts: int
    stray: frozenset[int] = frozenset()
    rendered: Rendered | None = None
    needless: frozenset[int] = frozenset()  # rows with notes of their own on their earlier notes' page


def needless(placement: Placement, instead: dict[int, tuple[int, tuple[int, ...]]]) -> frozenset[int]:
    """The rows whose own note (a guess) is needless: the notes each would link to are all on its
    page. Then the guess was wrong, and the brief is laid out again without it (typesetting.typeset)."""
    on = placement.call_pages.get
    return frozenset(row for row, (own, notes) in instead.items()
                     if all(placement.note_pages.get(note) == on(own) for note in notes))


def render(document: Document, settings: Settings, guess: list | None, own: frozenset[int],
           made: int = 0, guessed: bool = False, passes: int = 0) -> Round:
    """Lay out and correct until every note and figure sits right, then write the PDF; or stop
    early with the rows (`own` aside) that link to a note printed on another page, or (when
    `own` was `guessed`) with those whose own notes are needless.
    `made`: layouts of earlier rounds, counted in the PDF's fixes; `passes`: correction passes
    `guess` stands for (a speculation's).
    Runs in the layout process, which needs WeasyPrint and briefkit.pdf only: the brief was
    read and composed by its parent."""
    spec = _speculation(document, settings, guess)
    # Run ahead without the cache: what it learned is stored here, and only if it is taken.
    alone = replace(settings, speculate=False, remember=False)
    ahead = Speculation(functools.partial(render, document, alone, spec, own, made + 1, guessed, 1)) \
        if spec else None
    try:
        layout = lay_out(document, settings, guess, passes)
        while True:
            stray = layout.placement.stray_links - own
            corrected = layout.corrector.correct(layout.pages)
            wrong = needless(layout.placement, document.instead) if guessed and not stray else frozenset()
            if ahead:  # its layout is this one's next, if this one needs just its correction
                taken = (corrected and not stray and not wrong
                         and [list(entry) for entry in layout.corrector.log] == spec)
                outcome = _taken(ahead.result(), layout) if taken else None
                ahead.cancel()
                if outcome is not None:
                    logger.debug("the layout run ahead with %s is the one needed", spec)
                    return replace(outcome, layouts=outcome.layouts + layout.count)
            if stray:
                logger.debug("rows %s link to notes on other pages; giving them their own", sorted(stray))
                return Round(layout.corrector.log, layout.count, frozenset(stray))
            if wrong:
                logger.debug("rows %s have notes of their own on their earlier notes' page", sorted(wrong))
                return Round(layout.corrector.log, layout.count, needless=wrong)
            if not corrected:
                break
            again(layout, settings)
    finally:
        if ahead is not None:
            ahead.cancel()  # a no-op once taken or thrown away
    rendered = write(layout, settings, made + layout.count - 1)
    return Round(layout.corrector.log, layout.count, rendered=rendered)


#: What a first layout most often needs next: the chart moved below the next block, as a float
#: would go, so as not to leave the page before it part empty (pagination.FIGURE_GAP).
LIKELY = [["figure", 0]]


def _taken(outcome: Round | None, layout: Layout) -> Round | None:
    """The layout run ahead's outcome, unless it balanced a title: this process checked the
    titles on its own first layout and would not again, so that PDF could differ. What it
    learned is remembered for this exact HTML, as this process would have."""
    if outcome is None or any(entry[0] == "balance" for entry in outcome.log):
        return None
    if layout.memory and outcome.rendered is not None:
        cache.put("layout", layout.memory, outcome.log)
    return outcome


def _speculation(document: Document, settings: Settings, guess: list | None) -> list | None:
    """The corrections to lay out ahead, on a spare core, while the first layout runs: the
    likely one, for a brief with one figure and nothing known of its layout (no guess, no
    corrections of this exact HTML). Its layout is the one this process would make next if
    the first needs exactly that correction, because replaying a correction gives the tree
    making it gave (Corrector.replay), so the PDF is the same whichever process makes it. Not
    with remote resources: a second fetch could bring other bytes (the next layout here reuses
    the first's), and a server is asked once."""
    if (not settings.speculate or settings.allow_remote or guessable(guess or [])
            or document.html.count("<figure") != 1):
        return None
    if settings.remember and cache.get("layout", cache.key(document.html, rules()), _corrections) is not None:
        return None
    return LIKELY


def lay_out(document: Document, settings: Settings, guess: list | None = None, passes: int = 0) -> Layout:
    """Lay the HTML out once, with the corrections an earlier build of this exact HTML needed,
    else with the safe part of `guess` (corrections of other HTML: the brief before an edit);
    `passes`: the correction passes those stand for."""
    from weasyprint import HTML

    fetcher = gate(list(settings.roots), settings.allow_remote)
    source = HTML(string=document.html, base_url=document.base_url, url_fetcher=fetcher)
    direction.isolate(source.etree_element)
    memory = cache.key(document.html, rules()) if settings.remember else None
    known = cache.get("layout", memory, _corrections) if memory else None
    layout = Layout(document, source, Corrector(source.etree_element), fetcher, memory)
    layout.corrector.replay(known if known is not None else guessable(guess or []))
    layout.corrector.passes = passes
    again(layout, settings)
    return layout


def guessable(log: list) -> list:
    """The entries of a correction log made on other HTML that are safe to try (GUESSABLE),
    a note's first fix only."""
    noted, kept = set(), []
    for entry in log:
        if not (isinstance(entry, list | tuple) and len(entry) == 2 and entry[0] in GUESSABLE):
            continue
        if entry[0] == "note":
            if entry[1] in noted:
                continue
            noted.add(entry[1])
        kept.append(list(entry))
    return kept


def again(layout: Layout, settings: Settings) -> None:
    """Lay out the (corrected) tree anew."""
    with rendering(settings.strict, layout.fetcher):
        fonts = fontconfigs.for_document(layout.document)
        layout.pages = layout.source.render(cache=layout.images, font_config=fonts)
    layout.count += 1


def _corrections(log) -> bool:
    """A cached correction log is a list of [kind, number] pairs (Corrector.log as JSON)."""
    return isinstance(log, list) and all(
        isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
        and type(entry[1]) is int for entry in log)
