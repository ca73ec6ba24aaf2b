"""PDF: WeasyPrint behind one resource gate, with every footnote kept on its call's page."""

from __future__ import annotations

import functools
import io
import logging
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import cache, conformance, logger, xmp
from .distribution import MANIFEST
from .errors import BriefError, InputError, Problem, RenderError
from .layout import Corrector, Findings, Placement, inspect, rules


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    placement: Placement
    fixes: int  # layouts redone to correct notes and figures
    findings: Findings
    tree: object  # the corrected element tree WeasyPrint laid out (layout.serialize: its HTML)


#: The largest resource (image, font, stylesheet) a build may load.
MAX_RESOURCE_BYTES = 50 * 2**20
#: Seconds a remote resource may take, with --allow-remote.
REMOTE_TIMEOUT = 10


def _gate(roots: list[Path], allow_remote: bool):
    """The one resource gate: files under `roots`, data: URLs, and http(s) only when allowed.

    Symlinks are followed, then the real path is checked; redirects are not followed; every
    body is read up to a size cap. A refusal stops the build (WeasyPrint would only log it)."""
    from weasyprint import URLFetcher
    from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

    allowed = [root.resolve() for root in roots]

    class Refused(FatalURLFetchingError):
        pass

    class Gate(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in allowed):
                    raise Refused(f"refused to read {path}: only files inside the brief folder "
                                  "and its style may be used")
            elif scheme in ("http", "https") and not allow_remote:
                raise Refused(f"refused to fetch {url}: build with --allow-remote to allow the network")
            elif scheme not in ("data", "http", "https"):
                raise Refused(f"refused to load {url}: {scheme}: URLs are not allowed")
            response = super().fetch(url, headers)
            body = response.read(MAX_RESOURCE_BYTES + 1)
            response.close()
            if len(body) > MAX_RESOURCE_BYTES:
                raise Refused(f"refused {url}: larger than {MAX_RESOURCE_BYTES // 2**20} MiB")
            return URLFetcherResponse(response.url, body, response.headers, response.status)

    gate = Gate(timeout=REMOTE_TIMEOUT, allow_redirects=False)
    gate.refused = Refused
    return gate


def preload() -> None:
    """Import the engine ahead of its first use (most of a second), e.g. while charts draw."""
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401


def render(html: str, base_url: str, roots: list[Path], allow_remote: bool = False,
           timeout: float = 300.0, strict: bool = False, epoch: int | None = None,
           variant: str | None = None, attach: tuple = (), remember: bool = True) -> Rendered:
    """Lay out the HTML, correct it until notes and figures sit right, and write PDF bytes.

    `timeout` bounds the whole layout (pathological CSS can make it run for hours); `strict`
    turns the renderer's warnings (an unknown CSS property, say) into failures; `remember`
    starts from the corrections an earlier build of the same HTML needed (see cache.py)."""
    from weasyprint import HTML

    gate = _gate(roots, allow_remote)
    source = HTML(string=html, base_url=base_url, url_fetcher=gate)
    corrector = Corrector(source.etree_element)
    memory = cache.key(html, rules()) if remember else None
    if memory:
        corrector.replay(cache.get("layout", memory))
    try:
        with _time_limit(timeout), _errors_fail(logging.WARNING if strict else logging.ERROR):
            images: dict = {}  # decoded once, not on every layout pass
            document = source.render(cache=images)
            while corrector.correct(document):
                document = source.render(cache=images)
            if memory:
                cache.put("layout", memory, corrector.log)
            placement = corrector.placement(document)
            findings = inspect(document)
            names = [item.name for item in attach]
            xmp.extend(document.metadata, html.encode(), names, MANIFEST if MANIFEST in names else None,
                       variant)
            with _source_date(epoch), _notes_tagged():
                pdf = document.write_pdf(finisher=functools.partial(_finish, variant),
                                         **_variant_options(variant, attach, epoch))
    except gate.refused as exc:
        raise InputError([Problem("resource", 0, str(exc))]) from None
    if placement.displaced:
        logger.warning("footnotes %s are not on the page of their call", placement.displaced)
    _check(pdf)
    return Rendered(pdf, len(document.pages), placement, corrector.passes, findings, source.etree_element)


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


def _finish(variant: str | None, document, pdf) -> None:
    """Last touches before WeasyPrint serialises: an XMP packet for plain PDFs (it writes one
    only for variants), the ID every tagged note needs in PDF/UA (Matterhorn 19-003), and
    what validators ask of every variant (conformance.finish)."""
    import pydyf

    if not variant:
        document.metadata.include_in_pdf(pdf, None, None, None, False)
    root = document.pages[0]._page_box.children[0] if document.pages else None
    if root is not None and root.style["direction"] == "rtl":  # viewers page right to left
        preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        preferences["Direction"] = "/R2L"
        pdf.catalog["ViewerPreferences"] = preferences
    elements = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    notes = [o for o in elements if o.get("S") == "/Note"]
    if notes:
        names = pydyf.Array()
        for number, note in enumerate(notes, start=1):
            note["ID"] = pydyf.String(f"note-{number}")
            names.extend([note["ID"], note.reference])
        root = next(o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructTreeRoot")
        root["IDTree"] = pydyf.Dictionary({"Names": names})  # sorted by conformance.finish
    conformance.finish(pdf)


@contextmanager
def _notes_tagged():
    """Tag `bk-note` elements /Note: WeasyPrint maps HTML tags to PDF tags and knows no notes."""
    from weasyprint.pdf import tags

    original = getattr(tags, "_get_pdf_tag", None)
    if original is None:  # another WeasyPrint: notes stay /NonStruct, the rest is unchanged
        yield
        return
    tags._get_pdf_tag = lambda tag: "Note" if tag == "bk-note" else original(tag)
    try:
        yield
    finally:
        tags._get_pdf_tag = original


@contextmanager
def _source_date(epoch: int | None):
    """Fix the time fontTools stamps into font subsets, so equal inputs give equal bytes.

    A SOURCE_DATE_EPOCH already set (reproducible-builds.org) wins over the brief's date."""
    if epoch is None or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that no `except Exception` in a library eats it."""


@contextmanager
def _time_limit(seconds: float):
    """Fail the build with a RenderError when the layout takes longer than `seconds`."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield  # signals reach the main thread only; worker builds rely on their parent's limit
        return
    expired = []

    def expire(signum, frame):
        expired.append(True)
        # Raised inside a __del__, the exception is only printed: fire again until it lands.
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise RenderError(f"the layout took longer than {seconds:g} s (raise --timeout)")


def _check(pdf: bytes) -> None:
    """The bytes are a PDF that opens and has pages, before they replace anything."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            if len(document.pages) == 0:
                raise RenderError("the renderer produced a PDF with no pages")
    except pikepdf.PdfError as exc:
        raise RenderError(f"the renderer produced a damaged PDF: {exc}") from None


class _errors_fail:
    """Turn WeasyPrint's log records at `level` and above (a failed load, a broken rule) into
    a RenderError, and any other exception of the renderer too."""

    def __init__(self, level: int = logging.ERROR):
        self.level = level

    def __enter__(self):
        self.records: list[logging.LogRecord] = []
        handler = logging.Handler(self.level)
        handler.emit = self.records.append
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
