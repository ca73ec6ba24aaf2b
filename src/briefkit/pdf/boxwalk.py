"""Every piece of text on the laid-out pages, checked against the page and against its box.

Two questions, answered in one walk over every page's boxes (the text, the notes at the foot,
the margin notes' area, the running heads and page numbers in the margin boxes):

- Is any text outside the page, or outside the box that holds its line (a URL running past a
  note's right edge, a right-to-left line past its left one, a running head of many lines
  above the page)? Each is an Overflow, named by page, place and text.
- Did each note's whole text reach a page? A note's characters, as the HTML holds them, are
  compared with the characters of its laid-out boxes that lie on the page: WeasyPrint drops a
  margin note its note area cannot hold, and a note at the foot taller than the page runs off
  the top of it. Characters are compared as a multiset (right-to-left lines reorder boxes)
  with spaces, hyphens and invisible characters left out (breaking and hyphenation change
  those)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from . import boxes

#: CSS px a glyph may stand out of the page before it counts (rounding, italic overhang).
TOLERANCE = 1.5
#: CSS px a line may stand into its box's margin (4 px = 3 pt, under a millimetre): WeasyPrint's
#: justification of right-to-left lines overshoots by about 2 pt, which no reader sees.
BOX_TOLERANCE = 4.0
#: What breaking a line may add or remove: spaces, hyphens, soft hyphens, zero-width marks.
_IGNORED = set("-\u2010\u2011\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")


@dataclass(frozen=True)
class Overflow:
    """Text outside the page or outside its box."""

    pages: tuple[int, ...]
    place: str  # "the text", "note 3", "margin note 3", "the running head (@top-right)"
    side: str  # "right", "left", "top", "bottom"
    points: float
    outside: str  # "the page" or "its box"
    text: str
    source: str | None = None  # "commentary.md:12", for a note
    title: bool = False  # the running head holds the brief's (short) title

    @property
    def message(self) -> str:
        pages = f"page {self.pages[0]}" if len(self.pages) == 1 else \
            f"pages {', '.join(map(str, self.pages[:-1]))} and {self.pages[-1]}"
        where = f"{pages}, {self.place}" + (f" ({self.source})" if self.source else "")
        edge = {"right": "past the right edge of", "left": "past the left edge of",
                "top": "above", "bottom": "below"}[self.side]
        advice = ("; the title is too long for the running head: give brief.yaml a `short_title:` "
                  "that fits on one line" if self.title else "")
        return f"{where}: a line overflows by {self.points:g} pt {edge} {self.outside}: {self.text!r}{advice}"


@dataclass(frozen=True)
class Lost:
    """A note whose text did not all reach a page."""

    number: int
    source: str | None
    printed: int  # characters of the note on the pages
    total: int  # characters of the note
    margin: bool  # a margin note (notes: margin)
    #: When all that is missing runs past the page's side: (side, points, text) of that line.
    wide: tuple[str, float, str] | None = None


@dataclass
class Walked:
    overflow: list[Overflow] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)


def walk(document, notes: list, running: str = "") -> Walked:
    """Walk every page of `document`; `notes` are the note elements in number order, `running`
    the text of the running title's source (to tell a running head that holds it)."""
    state = _Walk(notes, running)
    for page_number, page in enumerate(document.pages, start=1):
        state.page, state.width, state.height = page_number, page.width, page.height
        for child in boxes.page_areas(page):
            state.visit(child, _place(child), None, None, False)
    walked = Walked(overflow=_merged(state.worst.values()))
    for element, n in ((el, state.notes[id(el)]) for el in notes):
        if n not in state.called:
            continue  # never laid out (display: none): nothing of it was meant to print
        # Parts of a note that has a box but hold none themselves are display: none (a style's
        # choice); a note with no box at all was dropped, and all of it counts.
        boxed = state.boxed if id(element) in state.boxed else None
        expected = _characters(_text_of(element, boxed))
        missing = expected - state.printed[n]
        if missing:
            total = sum(expected.values())
            margin = n in state.in_margin or "float: footnote" in (element.get("style") or "")
            side = state.wide.get(n)
            walked.lost.append(Lost(n, element.get("data-source"), total - sum(missing.values()), total,
                                    margin, side[1] if side and not missing - side[0] else None))
    return walked


def _text_of(element, boxed: set[int] | None) -> str:
    """The element's text, leaving out descendants that have no box (when `boxed` is given)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and (boxed is None or id(child) in boxed):
            parts.append(_text_of(child, boxed))
        parts.append(child.tail or "")
    return "".join(parts)


class _Walk:
    """What the walk gathers over all pages; `page`, `width` and `height` are the current page's."""

    def __init__(self, notes: list, running: str) -> None:
        self.notes = {id(el): index + 1 for index, el in enumerate(notes)}
        self.running = running
        self.page, self.width, self.height = 0, 0.0, 0.0
        self.printed: dict[int, Counter] = {n: Counter() for n in self.notes.values()}
        self.called: set[int] = set()  # notes with a box anywhere (a call or the note)
        self.in_margin: set[int] = set()  # notes called as margin notes
        self.boxed: set[int] = set()  # elements with a box of their own
        self.wide: dict[int, tuple] = {}  # {note: (characters past a side of the page, that line)}
        self.worst: dict[tuple, Overflow] = {}
        self.hang = 0.0  # how far the current line may start before its box (a hanging indent)
        self.line = None  # the line box the walk is in

    def visit(self, box, place: str, block, note: int | None, clipped: bool) -> None:
        tag = boxes.tag(box)
        element = boxes.element(box)
        if element is not None and "::" not in tag:
            self.boxed.add(id(element))
        if element is not None and id(element) in self.notes:
            self.called.add(self.notes[id(element)])
            if tag.endswith("::note-call"):
                self.in_margin.add(self.notes[id(element)])
            if "::" not in tag:  # the note itself, not its call or marker
                note = self.notes[id(element)]
                place = self._note_place(place, note, element)
        elif "::" in tag:
            note = None  # generated text (a marker, a quote mark) is not the note's own
        if boxes.is_text(box):
            self._text(box, place, block, note, clipped)
            return
        line = boxes.is_line(box)
        holder = block if line else box
        clipped = clipped or boxes.clips(box)
        if line:  # a negative text-indent (a hanging indent) puts the line's start out on purpose
            hang, self.hang = self.hang, max(0, -boxes.text_indent(box))
            outer, self.line = self.line, box
        for child in boxes.children(box):
            self.visit(child, place, holder, note, clipped)
        if line:
            self.hang, self.line = hang, outer

    def _note_place(self, place: str, note: int, element) -> str:
        """"note 3|commentary.md:12": the place and the note's source travel down the walk as one."""
        kind = "margin note" if place == "the margin notes" else "note"
        return f"{kind} {element.get('data-n') or note}|{element.get('data-source') or ''}"

    def _text(self, box, place: str, block, note: int | None, clipped: bool) -> None:
        text = boxes.text(box)
        if boxes.style(box, "visibility") != "visible" or not text.strip():
            return
        x0, y0 = boxes.left(box), boxes.top(box)
        x1, y1 = x0 + boxes.size(box)[0], y0 + boxes.size(box)[1]
        on_page = x0 >= -TOLERANCE and y0 >= -TOLERANCE and x1 <= self.width + TOLERANCE \
            and y1 <= self.height + TOLERANCE
        if note is not None and on_page:
            self.printed[note] += _characters(text)
        elif note is not None and y0 >= -TOLERANCE and y1 <= self.height + TOLERANCE:
            side = "left" if x0 < -TOLERANCE else "right"
            points = round((-x0 if side == "left" else x1 - self.width) * 0.75, 1)
            past, line = self.wide.get(note, (Counter(), None))
            self.wide[note] = (past + _characters(text), line or (side, points, _short(text)))
        if clipped:
            return  # cut off on purpose (overflow: hidden), as the running title's source is
        self._record(box, place, "the page", (-x0, x1 - self.width, -y0, y1 - self.height))
        if block is not None:
            left, top = boxes.content_left(block), boxes.content_top(block)
            width, height = boxes.size(block)
            vertical = boxes.is_margin_box(block)  # its height is fixed; others grow
            rtl = boxes.style(block, "direction") == "rtl"
            start, end = (0, self.hang) if rtl else (self.hang, 0)
            # Up and down, the lines are what must fit: a fallback font's content area (Arabic's
            # is tall) reaches past its line box, as CSS lets it, with the ink well inside.
            if self.line is not None:
                y0, y1 = boxes.top(self.line), boxes.bottom(self.line)
            self._record(box, place, "its box", (left - x0 - start, x1 - left - width - end,
                                                 top - y0 if vertical else 0,
                                                 y1 - top - height if vertical else 0))

    def _record(self, box, place: str, outside: str, excess: tuple) -> None:
        amount, side = max(zip(excess, ("left", "right", "top", "bottom"), strict=True))
        if amount <= (TOLERANCE if outside == "the page" else BOX_TOLERANCE):
            return
        label, _, source = place.partition("|")
        key = (self.page, label, side)  # one finding a side: off the page says it all
        previous = self.worst.get(key)
        rank = (outside == "the page", round(amount * 0.75, 1))
        if previous is None or rank > (previous.outside == "the page", previous.points):
            title = label.startswith("the running head") and bool(self.running) \
                and _bare(boxes.text(box)) in _bare(self.running)
            self.worst[key] = Overflow((self.page,), label, side, round(amount * 0.75, 1), outside,
                                       _short(boxes.text(box)), source or None,
                                       title or (previous.title if previous else False))


def _merged(found) -> list[Overflow]:
    """One finding for the same overflow on many pages (a running head on every page)."""
    groups: dict[tuple, Overflow] = {}
    for item in sorted(found, key=lambda o: (o.pages, o.place, o.side)):
        key = (item.place, item.side, item.outside, item.text, item.source)
        if key in groups:
            first = groups[key]
            item = Overflow(first.pages + item.pages, item.place, item.side, max(first.points, item.points),
                            item.outside, item.text, item.source, item.title)
        groups[key] = item
    return list(groups.values())


def _place(child) -> str:
    """What a child of the page box is, for messages."""
    tag = boxes.at_keyword(child) or boxes.tag(child)
    if boxes.is_footnote_area(child):
        return "the notes"
    if tag == "@note-area":
        return "the margin notes"
    if boxes.is_margin_box(child) or tag.startswith("@"):
        return f"the running head ({tag})" if tag.startswith("@top") else f"the page margin ({tag})"
    return "the text"


def _bare(text: str) -> str:
    """Text without spaces and hyphens, to find a line of a running head in the title."""
    return "".join(char for char in text if not char.isspace() and char not in _IGNORED)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _characters(text: str) -> Counter:
    text = unicodedata.normalize("NFC", text).casefold()
    return Counter(char for char in text if not char.isspace() and char not in _IGNORED)
