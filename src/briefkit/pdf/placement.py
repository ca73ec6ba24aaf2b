"""Placement: where WeasyPrint put each note's call and note, a row's links, figures and gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import boxes


@dataclass
class Placement:
    """Where each footnote's call and note landed, by footnote number (1-based)."""

    call_pages: dict[int, int] = field(default_factory=dict)
    note_pages: dict[int, int] = field(default_factory=dict)
    #: Links to an earlier note (a chronology row's), by the row's `data-row`: [(page, note)].
    links: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    #: Where each note was written ("commentary.md:12"), from its `data-source`.
    sources: dict[int, str] = field(default_factory=dict)
    #: Margin notes the margin could not hold, printed at the foot of their page instead.
    at_foot: list[int] = field(default_factory=list)

    @property
    def displaced(self) -> list[int]:
        return [n for n, page in self.call_pages.items() if self.note_pages.get(n) != page]

    @property
    def stray_links(self) -> set[int]:
        """Rows that link to a note printed on another page than the link."""
        return {row for row, links in self.links.items()
                if any(self.note_pages.get(note) != page for page, note in links)}


def read(document, notes: list, at_foot: list[int]) -> Placement:
    """Where the calls and notes of `notes` (the note elements, in number order) landed."""
    number = {id(el): i + 1 for i, el in enumerate(notes)}
    placement = Placement(sources={i + 1: el.get("data-source") for i, el in enumerate(notes)
                                   if el.get("data-source")},
                          at_foot=at_foot)
    for page_number, page in enumerate(document.pages, start=1):
        for box in boxes.descendants(boxes.page_root(page)):
            note = boxes.note_of(box)
            if note is not None and id(note) in number:
                placement.call_pages.setdefault(number[id(note)], page_number)
            link = _link(box)
            if link and (page_number, link[1]) not in placement.links.get(link[0], []):
                placement.links.setdefault(link[0], []).append((page_number, link[1]))
        for area in (boxes.footnote_area(page), boxes.note_area(page)):
            for box in boxes.children(area) if area is not None else ():
                if id(boxes.element(box)) in number:
                    placement.note_pages.setdefault(number[id(boxes.element(box))], page_number)
    return placement


def _link(box) -> tuple[int, int] | None:
    """(row, note number) when the box is a row's link to an earlier note."""
    element = boxes.element(box)
    if element is None or boxes.tag(box) != "a" or element.get("data-row") is None:
        return None
    href = element.get("href") or ""
    if not href.startswith("#note-") or not href[6:].isdigit():
        return None
    return int(element.get("data-row")), int(href[6:])


def page_of(document, element) -> int | None:
    for index, page in enumerate(document.pages):
        if any(boxes.element(box) is element for box in boxes.descendants(boxes.page_root(page))):
            return index
    return None


def starts_page(page, element) -> bool:
    top = boxes.text_area(page)[0]
    return any(boxes.element(box) is element and boxes.top(box) - top < 24
               for box in boxes.descendants(boxes.page_root(page)))


def gap(page) -> float:
    """The share of the page's text area left empty between the last line and the notes."""
    top, height = boxes.text_area(page)
    notes = boxes.footnote_area(page)
    bottom = boxes.top(notes) if notes is not None and boxes.children(notes) else top + height
    used = max((boxes.bottom(box) for box in boxes.descendants(boxes.page_root(page))
                if boxes.in_flow(box) and boxes.tag(box) == "p"), default=top)
    return max(0.0, bottom - used) / height
