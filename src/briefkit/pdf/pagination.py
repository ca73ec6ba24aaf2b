"""Pagination: correct what print forbids, from where WeasyPrint put things (placement.py).

Corrections, each applied to the element tree and followed by a new layout: a footnote
printed on a later page than its call; a figure that could not fit at the foot of a page and
left a gap there (it moves below the next paragraph, or the next heading and its paragraph, as
a float would); a table split with one row alone on a page (tables.py); margin notes set
beside their calls, or sent to the foot (margin.py)."""

from __future__ import annotations

from .. import logger
from . import balance, boxes, breaks, margin, split, tables
from .placement import Placement, gap, page_of, read, starts_page

#: Fixes tried, in order, for a note WeasyPrint moved off its call's page: first let lines
#: break anywhere from the call's paragraph to the last block of its page (WeasyPrint moves
#: notes to make room for a line that orphans or widows keep on the page, and that line may be
#: any later paragraph's, down to the page's foot), then start the call's paragraph on a new page.
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
                 MAX_PASSES, breaks.AFTER, breaks.BEFORE, breaks.STRETCH))


class Corrector:
    """Holds the element tree of one document and the corrections made to it so far."""

    def __init__(self, root) -> None:
        # The engine hands every tree to a Corrector before its first layout: URLs get their
        # break opportunities here, so that no layout (nor --html) sees an unbreakable address.
        breaks.urls(root)
        self.root = root
        self.notes = [el for el in root.iter() if "footnote" in (el.get("class") or "").split()]
        self.figures = [el for el in root.iter() if el.tag == "figure"]
        self.tables = [el for el in root.iter() if el.tag == "table"]
        self.rows = [row for table in self.tables for section in table if section.tag == "tbody"
                     for row in section if row.tag == "tr"]
        self.blocks = [el for el in root.iter() if el.tag in _BLOCKS]
        #: {title's index: (its lines before balancing, the <br> elements inserted)}
        self.titles, self.balanced = balance.targets(root), {}
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
            elif kind in ("split", "split-ragged") and isinstance(index, int) \
                    and 0 < index // 100_000 <= len(self.notes):
                self._split(index // 100_000, index % 100_000, kind == "split")
            elif kind == "balance" and isinstance(index, int) and 0 <= index // 100_000 < len(self.titles):
                balance.insert_break(self.titles[index // 100_000], index % 100_000)
                self.balanced[index // 100_000] = (0, [])  # as an earlier build of this HTML left it
                self.log.append((kind, index))
            elif kind == "calm" and isinstance(index, int) and 0 <= index < len(self.blocks):
                self._calm(self.blocks[index], index)
            elif kind == "foot" and isinstance(index, int) and 0 < index <= len(self.notes):
                self._to_foot(index)
            elif kind == "row" and isinstance(index, int) and 0 <= index < len(self.rows):
                self._break_before(self.rows[index], ("row", index))
            elif kind == "table" and isinstance(index, int) and 0 <= index < len(self.tables):
                self._break_before(tables.lead(self.tables[index], self.parents), ("table", index))

    def placement(self, document) -> Placement:
        return read(document, self.notes, sorted(index for kind, index in self.log if kind == "foot"))

    def correct(self, document) -> bool:
        """Apply the next corrections this layout needs; False when it needs none (or no more)."""
        if self.passes >= MAX_PASSES:
            return False
        balanced = self._balance_titles(document)  # moves nothing: the title keeps its lines
        moved = self._move_figures(document) | self._split_tables(document)
        moved |= self._set_margin_notes(document)
        # While figures and tables move, pages still change: only the harmless first note fix
        # is applied in the same pass (saving a layout); stronger ones wait for a settled layout.
        placement = self.placement(document)
        displaced = placement.displaced
        # A margin note the note area put on a later page goes to its call's foot (a footnote
        # keeps to its call's line), before any paragraph is moved for it.
        in_margin = any(margin.area(page) is not None for page in document.pages)
        to_foot = [n for n in displaced if in_margin and n not in placement.at_foot]
        for number in to_foot:
            self._to_foot(number)
        displaced = [n for n in displaced if n not in to_foot]
        fixed = any([self._fix_note(number, first_only=moved, document=document,
                                    page=placement.call_pages.get(number)) for number in displaced])
        fixed |= bool(to_foot)
        if fixed:
            logger.debug("notes %s left their call's page; laying out again", displaced)
        self.passes += moved or fixed or balanced
        return moved or fixed or balanced

    def _balance_titles(self, document) -> bool:
        """Titles that wrap with a short last line get line breaks where their lines come out
        even; breaks that made a title take more lines than before are taken out again."""
        changed = False
        for index, title in enumerate(self.titles):
            if index in self.balanced:
                lines, inserted = self.balanced[index]
                if inserted and len(balance.widths(document, title)) > lines:  # a line ran over: undo
                    balance.remove_breaks(title, inserted)
                    self.log = [entry for entry in self.log
                                if entry[0] != "balance" or entry[1] // 100_000 != index]
                    self.balanced[index] = (lines, [])
                    changed = True
                continue
            inserted, line_widths = [], balance.widths(document, title)
            if balance.unbalanced(line_widths):
                for characters in balance.breaks(title, len(line_widths)):
                    if (line_break := balance.insert_break(title, characters)) is not None:
                        inserted.append(line_break)
                        self.log.append(("balance", index * 100_000 + characters))
            self.balanced[index] = (len(line_widths), inserted)
            changed |= bool(inserted)
        if changed:
            logger.debug("title lines evened out")
        return changed

    def _fix_note(self, number: int, first_only: bool = False, document=None,
                  page: int | None = None) -> bool:
        block = self._block_of(number)
        step = self.note_level.get(id(block), -1) + 1
        if step >= len(NOTE_FIXES) or (first_only and step > 0):
            return False
        if step == len(NOTE_FIXES) - 1 and document is not None and page:
            # Before moving the paragraph: keep its lines above the call's line on this page.
            line = split.line_of(document, self.notes[number - 1], page)
            characters = split.characters_before(document, block, line) if line is not None else None
            justified = line is not None and boxes.style(line, "text_align_all") == "justify"
            if characters and self._split(number, characters, justified):
                return True
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
                self._calm(following)
            if document is not None:
                self._calm_page(document, number, page)
        return True

    def _block_of(self, number: int):
        """The paragraph (or list item, cell...) that holds note `number`'s call."""
        block = self.notes[number - 1]
        while block in self.parents and block.tag not in _BLOCKS:
            block = self.parents[block]
        return block

    def _split(self, number: int, characters: int, justified: bool) -> bool:
        """Cut the paragraph of note `number` before its call's line (after `characters` printed
        characters) and start the rest on a new page, as a continued paragraph."""
        block = self._block_of(number)
        notes = {id(note) for note in self.notes}
        rest = split.split(block, characters, lambda element: id(element) in notes)
        if rest is None:
            return False
        parent = self.parents[block]
        parent.insert(list(parent).index(block) + 1, rest)
        rest.set("class", " ".join(filter(None, (rest.get("class"), "bk-continued"))))
        rest.set("style", "; ".join(filter(None, (rest.get("style"), "break-before: page; text-indent: 0"))))
        if justified:  # the last line kept above the cut was a full line: it stays one
            block.set("style", "; ".join(filter(None, (block.get("style"), "text-align-last: justify"))))
        self.parents = {child: parent for parent in self.root.iter() for child in parent}
        self.blocks = [el for el in self.root.iter() if el.tag in _BLOCKS]
        self.note_level[id(rest)] = len(NOTE_FIXES) - 1  # its call now starts a page: nothing more to try
        self.log.append(("split" if justified else "split-ragged", number * 100_000 + characters))
        logger.debug("note %d: its paragraph continues on the next page from the call's line", number)
        return True

    def _calm_page(self, document, number: int, page: int | None) -> bool:
        """Let lines break anywhere in the blocks after note `number`'s paragraph down to the last
        block its call's page holds: the line WeasyPrint made room for may be the page's last."""
        if page is None or not 0 < page <= len(document.pages):
            return False
        root_box = boxes.page_root(document.pages[page - 1])
        on_page = {id(element) for element in map(boxes.element, boxes.descendants(root_box))
                   if element is not None}
        call = self._block_of(number)
        indexes = [i for i, block in enumerate(self.blocks) if id(block) in on_page]
        start = self.blocks.index(call) + 1 if call in self.blocks else None
        if start is None or not indexes:
            return False
        return any([self._calm(self.blocks[i], i) for i in range(start, max(indexes) + 1)])

    def _calm(self, block, index: int | None = None) -> bool:
        """Orphans and widows of 1 on a block that has no correction yet; logged for replay."""
        if block.get("style"):
            return False
        block.set("style", NOTE_FIXES[0])
        if index is not None:
            self.log.append(("calm", index))
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
            page = page_of(document, figure)
            if page is None or page == 0 or self.figure_moves.get(id(figure), 0) >= FIGURE_MOVES:
                continue
            if gap(document.pages[page - 1]) > FIGURE_GAP and starts_page(document.pages[page], figure):
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
