"""Pagination: read where WeasyPrint put things and correct what print forbids.

Corrections, each applied to the element tree and followed by a new layout: a footnote
printed on a later page than its call; a figure that could not fit at the foot of a page and
left a gap there (it moves below the next paragraph, or the next heading and its paragraph, as
a float would); a table split with one row alone on a page (tables.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import logger
from . import margin, tables

#: Fixes tried, in order, for a note WeasyPrint moved off its call's page: first let lines
#: break anywhere in the call's paragraph and the blocks after it (WeasyPrint moves notes to
#: make room for a line that orphans or widows keep on the page, and that line may be a later
#: paragraph's), then start the call's paragraph on a new page.
NOTE_FIXES = ("orphans: 1; widows: 1", "orphans: 1; widows: 1; break-before: page")
#: How many blocks after the call's paragraph the first fix reaches: the line WeasyPrint makes
#: room for can belong to a paragraph after a short one and a heading.
FOLLOWING_BLOCKS = 3
#: A figure that leaves more than this share of the previous page empty is moved down.
FIGURE_GAP = 0.1
#: How often one figure may move below the next block.
FIGURE_MOVES = 3
#: How often one table may be corrected (its rows rebalanced or the table moved).
TABLE_FIXES = 3
#: A layout is retried at most this many times.
MAX_PASSES = 8
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "td", "th", "blockquote", "dd", "figcaption"}


def rules() -> str:
    """The settings above: remembered corrections hold only for the rules that made them."""
    return repr((NOTE_FIXES, FOLLOWING_BLOCKS, FIGURE_GAP, FIGURE_MOVES, tables.MIN_ROWS, TABLE_FIXES,
                 MAX_PASSES))


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


class Corrector:
    """Holds the element tree of one document and the corrections made to it so far."""

    def __init__(self, root) -> None:
        self.notes = [el for el in root.iter() if "footnote" in (el.get("class") or "").split()]
        self.figures = [el for el in root.iter() if el.tag == "figure"]
        self.tables = [el for el in root.iter() if el.tag == "table"]
        self.rows = [row for table in self.tables for section in table if section.tag == "tbody"
                     for row in section if row.tag == "tr"]
        self.parents = {child: parent for parent in root.iter() for child in parent}
        self.table_fixes: dict[int, int] = {}
        self.note_level: dict[int, int] = {}
        self.figure_moves: dict[int, int] = {}
        self.passes = 0
        #: The corrections made, in order, as (kind, index): replaying them on the same HTML
        #: gives the same tree, so a build can start from what the last one learned.
        self.log: list[tuple[str, int]] = []

    def replay(self, log) -> None:
        """Make the corrections of an earlier build of the same HTML (skipping unknown ones)."""
        for entry in log if isinstance(log, list) else ():
            kind, index = entry if isinstance(entry, list) and len(entry) == 2 else (None, None)
            if kind == "note" and isinstance(index, int) and 0 < index <= len(self.notes):
                self._fix_note(index)
            elif kind == "figure" and isinstance(index, int) and 0 <= index < len(self.figures):
                self._move(index)
            elif kind == "margin" and isinstance(index, int) and 0 < index // 100_000 <= len(self.notes):
                self._margin_top(index // 100_000, index % 100_000)
            elif kind == "foot" and isinstance(index, int) and 0 < index <= len(self.notes):
                self._to_foot(index)
            elif kind == "row" and isinstance(index, int) and 0 <= index < len(self.rows):
                self._break_before(self.rows[index], ("row", index))
            elif kind == "table" and isinstance(index, int) and 0 <= index < len(self.tables):
                self._break_before(tables.lead(self.tables[index], self.parents), ("table", index))

    def placement(self, document) -> Placement:
        number = {id(el): i + 1 for i, el in enumerate(self.notes)}
        placement = Placement(sources={i + 1: el.get("data-source") for i, el in enumerate(self.notes)
                                       if el.get("data-source")},
                              at_foot=sorted(index for kind, index in self.log if kind == "foot"))
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

    def correct(self, document) -> bool:
        """Apply the next corrections this layout needs; False when it needs none (or no more)."""
        if self.passes >= MAX_PASSES:
            return False
        moved = self._move_figures(document) | self._split_tables(document)
        moved |= self._set_margin_notes(document)
        # While figures and tables move, pages still change: only the harmless first note fix
        # is applied in the same pass (saving a layout); stronger ones wait for a settled layout.
        displaced = self.placement(document).displaced
        fixed = any([self._fix_note(number, first_only=moved) for number in displaced])
        if fixed:
            logger.debug("notes %s left their call's page; laying out again", displaced)
        self.passes += moved or fixed
        return moved or fixed

    def _fix_note(self, number: int, first_only: bool = False) -> bool:
        block = self.notes[number - 1]
        while block in self.parents and block.tag not in _BLOCKS:
            block = self.parents[block]
        step = self.note_level.get(id(block), -1) + 1
        if step >= len(NOTE_FIXES) or (first_only and step > 0):
            return False
        self.note_level[id(block)] = step
        self.log.append(("note", number))
        block.set("style", NOTE_FIXES[step])
        heading = self._previous(block)
        if step == len(NOTE_FIXES) - 1 and heading is not None and heading.tag in _HEADINGS:
            # The paragraph's own heading goes along to the new page, not left at the foot.
            heading.set("style", "break-before: page")
            block.set("style", NOTE_FIXES[0])
        if step == 0:
            for following in self._next_blocks(block, FOLLOWING_BLOCKS):
                if not following.get("style"):
                    following.set("style", NOTE_FIXES[0])
        return True

    def _previous(self, element):
        parent = self.parents.get(element)
        siblings = list(parent) if parent is not None else [element]
        index = siblings.index(element)
        return siblings[index - 1] if index else None

    def _next_blocks(self, element, count: int) -> list:
        parent = self.parents.get(element)
        if parent is None:
            return []
        siblings = list(parent)
        index = siblings.index(element)
        return siblings[index + 1:index + 1 + count]

    def _set_margin_notes(self, document) -> bool:
        """Each margin note beside its call; one the margin cannot hold goes to the page's foot,
        once the others stand still (a note moved too early would stay at the foot)."""
        number = {id(el): i + 1 for i, el in enumerate(self.notes)}
        plans = [margin.plan(page) for page in document.pages]
        for plan in plans:
            for element, top in plan.margins.items():
                self._margin_top(number[id(element)], round(top))
        settled = not any(plan.margins for plan in plans)
        to_foot = [element for plan in plans for element in (plan.to_foot if settled else plan.lost)]
        for element in to_foot:
            self._to_foot(number[id(element)])
        return not settled or bool(to_foot)

    def _margin_top(self, number: int, top: int) -> None:
        element = self.notes[number - 1]
        rules = [rule for rule in (element.get("style") or "").split("; ")
                 if rule and not rule.startswith("margin-top")]
        element.set("style", "; ".join([*rules, f"margin-top: {top}px"]))
        self.log.append(("margin", number * 100_000 + top))

    def _to_foot(self, number: int) -> None:
        element = self.notes[number - 1]
        element.set("style", "position: static; float: footnote; margin-top: 0")
        self.log.append(("foot", number))

    def _split_tables(self, document) -> bool:
        fixed = False
        for number, table in enumerate(self.tables):
            fix = tables.stranded(tables.rows_by_page(document, table))
            if fix is None or self.table_fixes.get(number, 0) >= TABLE_FIXES:
                continue
            self.table_fixes[number] = self.table_fixes.get(number, 0) + 1
            kind, row = fix
            if kind == "row":
                self._break_before(row, ("row", self.rows.index(row)))
            else:
                self._break_before(tables.lead(table, self.parents), ("table", number))
            logger.debug("table %d: %s moved to keep %d rows on each page", number, kind, tables.MIN_ROWS)
            fixed = True
        return fixed

    def _break_before(self, element, entry: tuple[str, int]) -> None:
        element.set("style", "; ".join(filter(None, (element.get("style"), "break-before: page"))))
        self.log.append(entry)

    def _move_figures(self, document) -> bool:
        moved = False
        for number, figure in enumerate(self.figures):
            page = _page_of(document, figure)
            if page is None or page == 0 or self.figure_moves.get(id(figure), 0) >= FIGURE_MOVES:
                continue
            if _gap(document.pages[page - 1]) > FIGURE_GAP and _starts_page(document.pages[page], figure):
                if self._move(number):
                    logger.debug("figure moved below the next block to fill page %d", page)
                    moved = True
        return moved

    def _move(self, number: int) -> bool:
        """Move figure `number` below the block after it, as a float would go; a heading and the
        block it introduces count as one, so that no figure comes between them."""
        figure = self.figures[number]
        parent = self.parents[figure]
        siblings = list(parent)
        index = siblings.index(figure)
        step = 2 if index + 2 < len(siblings) and siblings[index + 1].tag in _HEADINGS else 1
        if index + step >= len(siblings):
            return False
        parent.remove(figure)
        parent.insert(index + step, figure)
        self.figure_moves[id(figure)] = self.figure_moves.get(id(figure), 0) + 1
        self.log.append(("figure", number))
        return True


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


def _page_of(document, element) -> int | None:
    for index, page in enumerate(document.pages):
        if any(box.element is element for box in page._page_box.children[0].descendants()):
            return index
    return None


def _starts_page(page, element) -> bool:
    root_box = page._page_box.children[0]
    top = page._page_box.content_box_y()
    return any(box.element is element and box.position_y - top < 24 for box in root_box.descendants())


def _gap(page) -> float:
    """The share of the page's text area left empty between the last line and the notes."""
    page_box = page._page_box
    root_box, footnote_area = _areas(page)
    bottom = footnote_area.position_y if footnote_area is not None and footnote_area.children else (
        page_box.content_box_y() + page_box.height)
    used = max((box.position_y + box.margin_height() for box in root_box.descendants()
                if getattr(box, "is_in_normal_flow", lambda: True)() and box.element_tag == "p"),
               default=page_box.content_box_y())
    return max(0.0, bottom - used) / page_box.height


def serialize(root) -> str:
    """The (corrected) element tree as HTML that WeasyPrint reads back into the same tree."""
    from xml.etree.ElementTree import tostring

    def local(name: str) -> str:
        namespace, _, name = name[1:].partition("}") if name.startswith("{") else ("", "", name)
        prefix = _PREFIXES.get(namespace)
        return f"{prefix}:{name}" if prefix and name != prefix else name

    def copy(element):
        if not isinstance(element.tag, str):  # a comment or processing instruction
            return element
        clone = element.makeelement(local(element.tag), {local(k): v for k, v in element.items()})
        clone.text, clone.tail = element.text, element.tail
        clone.extend(copy(child) for child in element)
        return clone

    return "<!DOCTYPE html>\n" + tostring(copy(root), encoding="unicode", method="html")


#: Namespaced attributes keep their usual prefix; SVG and MathML elements lose their namespace,
#: which the HTML parser gives back from the <svg> and <math> elements.
_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink", "http://www.w3.org/XML/1998/namespace": "xml",
             "http://www.w3.org/2000/xmlns/": "xmlns"}
