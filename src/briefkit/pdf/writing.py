"""Writing: the final layout's PDF bytes, finished for its variant (metadata, tags, each glyph's
text, what validators ask), and checked before they replace anything."""

from __future__ import annotations

import functools
import io
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import cache, links, logger, temporary_env_var
from ..errors import RenderError
from . import boxes, conformance, tagging, text, xmp
from .attachments import MANIFEST
from .failures import rendering
from .findings import Findings, read_findings
from .pagination import serialize
from .placement import Placement

if TYPE_CHECKING:
    from .engine import Layout, Settings


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    placement: Placement
    fixes: int  # layouts redone to correct notes and figures
    findings: Findings
    html: str | None = None  # the corrected HTML WeasyPrint laid out, when Settings.html asks


def write(layout: Layout, settings: Settings, fixes: int) -> Rendered:
    """The PDF bytes of the final layout; its corrections remembered for this exact HTML."""
    document, corrector, laid_out = layout.document, layout.corrector, layout.pages
    variant = settings.variant
    with rendering(settings.strict, layout.fetcher):
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


#: Held while a PDF is written (the environment's SOURCE_DATE_EPOCH is the whole process's).
_WRITING = threading.Lock()



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
