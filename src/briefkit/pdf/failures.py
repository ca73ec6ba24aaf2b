"""Failures: what the renderer reports while it lays out or writes, as briefkit's errors."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from ..errors import BriefError, InputError, Problem, RenderError


@contextmanager
def rendering(strict: bool, fetcher):
    """The renderer's errors as briefkit's: a refused resource, a failed load, a broken rule;
    with `strict`, its warnings too (an unknown CSS property, say)."""
    level = logging.WARNING if strict else logging.ERROR
    try:
        with _errors_fail(level):
            yield
    except fetcher.refused as exc:
        raise InputError([Problem("resource", 0, str(exc))]) from None


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
