"""What the preflight reads off the final pages: headings left at a page foot, text outside the
page or outside its box, notes whose text did not all reach the page, chronologies that still
leave one row alone on a page, pages that end with a blank band (bands.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import logger
from ..errors import InputError, Problem
from . import boxes, tables
from .bands import blank_bands
from .boxwalk import Lost, Overflow, walk


@dataclass
class Findings:
    """What a preflight reads off the final layout."""

    stranded_headings: list[tuple[int, str]] = field(default_factory=list)  # (page, heading)
    overflow: list[Overflow] = field(default_factory=list)  # text outside the page or its box
    lone_rows: list[tuple[int, int]] = field(default_factory=list)  # (page, chronology index)
    blank_bands: list[tuple[int, float, str]] = field(default_factory=list)  # (page, share, why)


class LostText(InputError):
    """A note whose text is not all on the pages: never written, whatever the options."""


def read_findings(document) -> Findings:
    """Read the final layout; raise LostText when a note's text did not all reach the pages.

    Text outside the page or its box is logged as a warning; `build --strict` and
    `check --layout` report it as a problem at its file and line (preflight.overflow_problems)."""
    findings = Findings()
    root = boxes.element(boxes.page_root(document.pages[0])) if document.pages else None
    elements = list(root.iter()) if root is not None else []
    notes = [el for el in elements if "footnote" in (el.get("class") or "").split()]
    running = next((" ".join("".join(el.itertext()).split()) for el in elements
                    if "running-title" in (el.get("class") or "").split()), "")
    walked = walk(document, notes, running)
    lost = walked.lost
    if lost:
        folder = _folder(document)
        raise LostText([_lost_problem(item, folder) for item in lost])
    findings.overflow = walked.overflow
    for item in findings.overflow:
        logger.warning("%s", item.message)
    for number, page in enumerate(document.pages, start=1):
        blocks = [box for box in boxes.descendants(boxes.page_root(page)) if boxes.element(box) is not None
                  and boxes.tag(box) in ("h2", "h3", "p", "li", "table", "figure")]
        if blocks and boxes.tag(blocks[-1]) in ("h2", "h3") and number < len(document.pages):
            findings.stranded_headings.append((number, _text(blocks[-1])))
    findings.blank_bands = blank_bands(document)
    chronologies = [el for el in elements if el.tag == "table" and "chronology" in (el.get("class") or "")]
    for index, table in enumerate(chronologies):
        pages = tables.rows_by_page(document, table)
        if tables.stranded(pages):
            findings.lone_rows += [(page, index) for page, rows in pages.items()
                                   if len(rows) < tables.MIN_ROWS]
    return findings


def _folder(document) -> Path | None:
    """The brief folder: the document's base URL (document.py makes it the folder's file: URL)."""
    base = boxes.base_url(document.pages[0]) if document.pages else None
    parts = urlsplit(base or "")
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def _lost_problem(item: Lost, folder: Path | None) -> Problem:
    name, _, line = (item.source or "").rpartition(":")
    where = ((folder / name if folder else name), int(line)) if name and line.isdigit() else \
        (folder / "brief.yaml" if folder else "brief.yaml", 0)
    printed = f"only {item.printed} of its {item.total} characters are" if item.printed else "none of it is"
    if item.wide:
        side, points, text = item.wide
        return Problem(*where, f"note {item.number} has a line that runs {points:g} pt past the {side} "
                               f"edge of the page ({text!r}): {printed} on the page; put spaces into "
                               f"the long word (URLs break by themselves)")
    if not item.printed and not item.margin:  # a foot note WeasyPrint moved on and then lost
        return Problem(*where, f"note {item.number} is printed on no page (WeasyPrint moved it off "
                               f"its call's page and lost it); shorten it or the notes near it")
    place = "the margin or the foot of its page" if item.margin else "the foot of its page"
    return Problem(*where, f"note {item.number} is too long for {place}: {printed} on the page "
                           f"(WeasyPrint cannot continue a note on the next page); shorten it, or "
                           f"move part of it into the text")


def _text(box) -> str:
    return " ".join(boxes.texts(box)).strip()
