"""Placement: where WeasyPrint put each note's call and note, a row's links, figures and gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import margin


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
        root_box, footnote_area = _areas(page)
        for box in root_box.descendants():
            footnote = getattr(box, "footnote", None)
            if footnote is not None and id(footnote.element) in number:
                placement.call_pages.setdefault(number[id(footnote.element)], page_number)
            if getattr(box, "element_tag", "").endswith("::note-call") and id(box.element) in number:
                placement.call_pages.setdefault(number[id(box.element)], page_number)
            link = _link(box)
            if link and (page_number, link[1]) not in placement.links.get(link[0], []):
                placement.links.setdefault(link[0], []).append((page_number, link[1]))
        margin_notes = margin.area(page)
        for area in (footnote_area, margin_notes):
            for box in area.children if area is not None else ():
                if id(box.element) in number:
                    placement.note_pages.setdefault(number[id(box.element)], page_number)
    return placement


def _areas(page):
    """A laid-out page's content (the root box) and its footnote area (None when it has none);
    margin boxes (running heads, page numbers) may stand among the page box's children."""
    children = page._page_box.children
    notes = next((box for box in children if type(box).__name__ == "FootnoteAreaBox"), None)
    return children[0], notes


def _link(box) -> tuple[int, int] | None:
    """(row, note number) when the box is a row's link to an earlier note."""
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) != "a" or element.get("data-row") is None:
        return None
    href = element.get("href") or ""
    if not href.startswith("#note-") or not href[6:].isdigit():
        return None
    return int(element.get("data-row")), int(href[6:])


def page_of(document, element) -> int | None:
    for index, page in enumerate(document.pages):
        if any(box.element is element for box in page._page_box.children[0].descendants()):
            return index
    return None


def starts_page(page, element) -> bool:
    root_box = page._page_box.children[0]
    top = page._page_box.content_box_y()
    return any(box.element is element and box.position_y - top < 24 for box in root_box.descendants())


def gap(page) -> float:
    """The share of the page's text area left empty between the last line and the notes."""
    page_box = page._page_box
    root_box, footnote_area = _areas(page)
    bottom = footnote_area.position_y if footnote_area is not None and footnote_area.children else (
        page_box.content_box_y() + page_box.height)
    used = max((box.position_y + box.margin_height() for box in root_box.descendants()
                if getattr(box, "is_in_normal_flow", lambda: True)() and box.element_tag == "p"),
               default=page_box.content_box_y())
    return max(0.0, bottom - used) / page_box.height
