"""The engine: WeasyPrint lays out the HTML, corrected until every note and figure sits right."""

from __future__ import annotations

import functools
import io
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import cache, links, logger, temporary_env_var
from ..errors import BriefError, InputError, Problem, RenderError
from ..speculation import Speculation
from . import boxes, conformance, direction, fontconfigs, tagging, text, xmp
from .attachments import MANIFEST, Payload
from .findings import Findings, read_findings
from .pagination import Corrector, rules, serialize
from .placement import Placement
from .resources import gate


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


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    placement: Placement
    fixes: int  # layouts redone to correct notes and figures
    findings: Findings
    html: str | None = None  # the corrected HTML WeasyPrint laid out, when Settings.html asks


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
    ahead = Speculation(functools.partial(render, document, replace(settings, speculate=False), spec, own,
                                          made + 1, guessed, 1)) if spec else None
    try:
        layout = lay_out(document, settings, guess, passes)
        while True:
            stray = layout.placement.stray_links - own
            corrected = layout.corrector.correct(layout.pages)
            wrong = needless(layout.placement, document.instead) if guessed and not stray else frozenset()
            if ahead is not None:  # its layout is this one's next, if this one needs just its correction
                taken = (corrected and not stray and not wrong
                         and [list(entry) for entry in layout.corrector.log] == spec)
                outcome = ahead.result() if taken else ahead.cancel()
                ahead = None
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
            ahead.cancel()
    rendered = write(layout, settings, made + layout.count - 1)
    return Round(layout.corrector.log, layout.count, rendered=rendered)


#: What a first layout most often needs next: the chart moved below the next block, as a float
#: would go, so as not to leave the page before it part empty (pagination.FIGURE_GAP).
LIKELY = [["figure", 0]]


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
    with _rendering(settings, layout.fetcher):
        fonts = fontconfigs.for_document(layout.document)
        layout.pages = layout.source.render(cache=layout.images, font_config=fonts)
    layout.count += 1


def write(layout: Layout, settings: Settings, fixes: int) -> Rendered:
    """The PDF bytes of the final layout; its corrections remembered for this exact HTML."""
    document, corrector, laid_out = layout.document, layout.corrector, layout.pages
    variant = settings.variant
    with _rendering(settings, layout.fetcher):
        placement = corrector.placement(laid_out)
        findings = read_findings(laid_out)
        if layout.memory:  # only what gives a PDF: a layout that lost text teaches nothing
            cache.put("layout", layout.memory, corrector.log)
        links.keep_relative(laid_out.pages)  # no file:// path of this machine in the PDF
        names = [item.name for item in settings.attachments]
        xmp.extend(laid_out.metadata, document.html.encode(), names,
                   MANIFEST if MANIFEST in names else None, variant)
        # fontTools stamps SOURCE_DATE_EPOCH into font subsets: the build's epoch, not whatever
        # this process's environment holds, so a cluster worker stamps what the client would.
        # It reads it from the environment only: one PDF is written at a time in a process.
        epoch = None if settings.epoch is None else str(settings.epoch)
        with _WRITING, temporary_env_var("SOURCE_DATE_EPOCH", epoch):
            pdf = laid_out.write_pdf(finisher=functools.partial(_finish, variant, settings.tagged),
                                     **_variant_options(variant, settings.attachments, settings.epoch))
    if placement.displaced:
        logger.warning("footnotes %s are not on the page of their call", placement.displaced)
    html = serialize(layout.source.etree_element) if settings.html else None
    return Rendered(pdf, len(laid_out.pages), placement, fixes, findings, html)


@contextmanager
def _rendering(settings: Settings, fetcher):
    """The renderer's errors as briefkit's: a refused resource, a failed load, a broken rule."""
    level = logging.WARNING if settings.strict else logging.ERROR
    try:
        with _errors_fail(level):
            yield
    except fetcher.refused as exc:
        raise InputError([Problem("resource", 0, str(exc))]) from None


#: Held while a PDF is written (the environment's SOURCE_DATE_EPOCH is the whole process's).
_WRITING = threading.Lock()


def _corrections(log) -> bool:
    """A cached correction log is a list of [kind, number] pairs (Corrector.log as JSON)."""
    return isinstance(log, list) and all(
        isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
        and type(entry[1]) is int for entry in log)


def _variant_options(variant: str | None, attach: tuple, epoch: int | None) -> dict:
    """write_pdf options for a variant; PDF/A-3 carries `attach` as associated files."""
    import datetime as dt

    from weasyprint import Attachment

    options: dict = {"custom_metadata": True}  # series and number travel in the Info dict
    if not variant:
        return options
    # WeasyPrint declares one part; xmp.py adds PDF/UA's identifier to a tagged PDF/A-3a
    options.update(pdf_variant=variant.removesuffix("+ua-1"), pdf_tags="ua" in variant)
    if variant.startswith("pdf/a-3"):
        when = dt.datetime.fromtimestamp(epoch or 0, dt.UTC)
        options["attachments"] = [
            Attachment(string=item.data, name=item.name, description=item.description,
                       created=when, modified=when, relationship=item.relationship)
            for item in attach]
    return options


def _finish(variant: str | None, tagged: bool, document, pdf) -> None:
    """Last touches before WeasyPrint serialises: an XMP packet for plain PDFs (it writes one
    only for variants), page order for right-to-left briefs, each glyph's own text
    (text.searchable), notes tagged /Note with IDs (tagging.tag_notes), and what validators ask
    of every variant (conformance.finish). It changes this PDF's objects only: builds in other
    threads are untouched."""
    import pydyf

    if not variant:
        document.metadata.include_in_pdf(pdf, None, None, None, False)
    if document.pages and boxes.direction(document.pages[0]) == "rtl":  # viewers page right to left
        preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        preferences["Direction"] = "/R2L"
        pdf.catalog["ViewerPreferences"] = preferences
    # Tagged variants are read aloud: their ActualText is in reading order (PDF 32000 14.9.4).
    text.searchable(document, pdf, logical=tagged)
    tagging.tag_notes(document, pdf)
    conformance.finish(pdf)


def opens(pdf: bytes) -> None:
    """The bytes are a PDF that opens and has pages, before they replace anything (in the
    process that writes them: the layout process does without pikepdf)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            if len(document.pages) == 0:
                raise RenderError("the renderer produced a PDF with no pages")
    except pikepdf.PdfError as exc:
        raise RenderError(f"the renderer produced a damaged PDF: {exc}") from None


#: WeasyPrint warnings that describe the machine, not the document.
MACHINE_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


class _errors_fail:
    """Turn WeasyPrint's log records at `level` and above (a failed load, a broken rule) into
    a RenderError, and any other exception of the renderer too."""

    def __init__(self, level: int = logging.ERROR):
        self.level = level

    def __enter__(self):
        self.records: list[logging.LogRecord] = []
        handler = logging.Handler(self.level)
        handler.emit = self.records.append
        # A notice about this machine (no HarfBuzz-Subset library, so fontTools subsets the
        # fonts), not about the brief: --strict must not fail a brief for it.
        handler.addFilter(lambda record: not record.getMessage().startswith(MACHINE_NOTICES))
        self.handler = handler
        logging.getLogger("weasyprint").addHandler(handler)
        return self

    def __exit__(self, kind, value, tb):
        from weasyprint.urls import FatalURLFetchingError  # the gate's refusals, handled above

        logging.getLogger("weasyprint").removeHandler(self.handler)
        if kind is None and self.records:
            messages = "; ".join(record.getMessage() for record in self.records[:5])
            raise RenderError(f"the renderer reported errors: {messages}")
        ours = (BriefError, FatalURLFetchingError)
        if kind is not None and issubclass(kind, Exception) and not issubclass(kind, ours):
            raise RenderError(f"the renderer failed: {value}") from value
        return False
