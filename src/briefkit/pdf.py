"""PDF: WeasyPrint behind one resource gate, with every footnote kept on its call's page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import logger
from .errors import RenderError
from .layout import Corrector, Placement


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


def render(html: str, base_url: str, roots: list[Path]) -> Rendered:
    """Lay out the HTML, correct it until notes and figures sit right, and write PDF bytes."""
    from weasyprint import HTML

    source = HTML(string=html, base_url=base_url, url_fetcher=_gate(roots))
    corrector = Corrector(source.etree_element)
    with _errors_fail():
        document = source.render()
        while corrector.correct(document):
            document = source.render()
        placement = corrector.placement(document)
        if placement.displaced:
            logger.warning("footnotes %s are not on the page of their call", placement.displaced)
        pdf = document.write_pdf()
    return Rendered(pdf, len(document.pages), placement, corrector.passes)


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
