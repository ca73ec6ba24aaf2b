"""PDF: WeasyPrint behind one resource gate, with every footnote kept on its call's page."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import logger
from .errors import RenderError

#: Paragraph fixes tried, in order, for a note WeasyPrint moved off its call's page:
#: first let lines break anywhere in that paragraph, then start the paragraph on a new page.
FIXES = ("orphans: 1; widows: 1", "orphans: 1; widows: 1; break-before: page")
_BLOCKS = {"p", "li", "td", "th", "blockquote", "dd", "figcaption"}


@dataclass
class Placement:
    """Where each footnote's call and note landed, by footnote number (1-based)."""

    call_pages: dict[int, int] = field(default_factory=dict)
    note_pages: dict[int, int] = field(default_factory=dict)

    @property
    def displaced(self) -> list[int]:
        return [n for n, page in self.call_pages.items() if self.note_pages.get(n) != page]


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    placement: Placement
    fixes: int


def _gate(roots: list[Path]):
    """A URL fetcher that serves files under `roots` and data: URLs, and refuses the rest."""
    from weasyprint import URLFetcher

    allowed = [root.resolve() for root in roots]

    class Gate(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise RenderError(f"refused to load {url}: only files inside the brief and its "
                              "style may be used")

    return Gate(allow_redirects=False)


def _note_elements(root) -> list:
    return [el for el in root.iter() if "footnote" in (el.get("class") or "").split()]


def _placement(document, notes: list) -> Placement:
    """Read the laid-out pages: the page of each footnote call and of each note's body."""
    number = {id(el): i + 1 for i, el in enumerate(notes)}
    placement = Placement()
    for page_number, page in enumerate(document.pages, start=1):
        root_box, footnote_area = page._page_box.children[:2]
        for box in root_box.descendants():
            footnote = getattr(box, "footnote", None)
            if footnote is not None and id(footnote.element) in number:
                placement.call_pages.setdefault(number[id(footnote.element)], page_number)
        for box in footnote_area.children:
            if id(box.element) in number:
                placement.note_pages.setdefault(number[id(box.element)], page_number)
    return placement


def render(html: str, base_url: str, roots: list[Path]) -> Rendered:
    """Lay out the HTML, move notes back to their call's page if needed, and write PDF bytes."""
    from weasyprint import HTML

    fetcher = _gate(roots)
    document_html = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    notes = _note_elements(document_html.etree_element)
    parents = {child: parent for parent in document_html.etree_element.iter() for child in parent}
    level: dict[int, int] = {}
    fixes = 0
    with _errors_fail():
        while True:
            document = document_html.render()
            placement = _placement(document, notes)
            displaced = placement.displaced
            if not displaced or not _escalate(displaced, notes, parents, level):
                break
            fixes += 1
            logger.debug("notes %s left their call's page; relaying out", displaced)
        if displaced:
            logger.warning("footnotes %s are not on the page of their call", displaced)
        pdf = document.write_pdf()
    return Rendered(pdf, len(document.pages), placement, fixes)


def _escalate(displaced: list[int], notes: list, parents: dict, level: dict[int, int]) -> bool:
    """Apply the next fix to the paragraph of each displaced note; False when none is left."""
    changed = False
    for number in displaced:
        block = notes[number - 1]
        while block in parents and block.tag not in _BLOCKS:
            block = parents[block]
        step = level.get(id(block), -1) + 1
        if step < len(FIXES):
            level[id(block)] = step
            block.set("style", FIXES[step])
            changed = True
    return changed


class _errors_fail:
    """Turn WeasyPrint's ERROR log records (a failed load, a broken rule) into a RenderError."""

    def __enter__(self):
        self.records: list[logging.LogRecord] = []
        handler = logging.Handler(logging.ERROR)
        handler.emit = self.records.append
        self.handler = handler
        logging.getLogger("weasyprint").addHandler(handler)
        return self

    def __exit__(self, kind, value, tb):
        logging.getLogger("weasyprint").removeHandler(self.handler)
        if kind is None and self.records:
            messages = "; ".join(record.getMessage() for record in self.records[:5])
            raise RenderError(f"the renderer reported errors: {messages}")
        if kind is not None and not issubclass(kind, RenderError) and issubclass(kind, Exception):
            raise RenderError(f"the renderer failed: {value}") from value
        return False
