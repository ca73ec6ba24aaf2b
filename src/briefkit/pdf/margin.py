"""Margin notes (`notes: margin`): each note beside the line of its call, none overlapping.

WeasyPrint 70 puts a page's notes in its note area (`@note-area`, margin-notes.css) one under
the other from the top. Read from a layout, each note gets the margin above it that brings it
down to its call's line, or as far as the note above it allows; a note that would then run
past the foot of the text area goes to the foot of the page as a footnote."""

from __future__ import annotations

from dataclasses import dataclass

from . import boxes

#: Space kept between two margin notes, in CSS px.
GAP = 6
#: Margins closer than this to what a layout shows are left alone (no endless re-layouts).
TOLERANCE = 1.5


@dataclass
class Plan:
    """What one laid-out page needs: {note element: margin-top in px}, and the notes to send to
    the foot of the page: `lost` (WeasyPrint dropped them from a full note area) and the rest
    of `to_foot` (they would not fit beside the others)."""

    margins: dict
    to_foot: list
    lost: list


def area(page):
    """The page's note area, or None when it holds no notes."""
    return boxes.note_area(page)


def call_tops(page) -> dict:
    """{note element: top of its call on this page}, in reading order."""
    tops: dict = {}
    for box in boxes.descendants(boxes.page_root(page)):
        if boxes.tag(box).endswith("::note-call") and boxes.element(box) is not None:
            tops.setdefault(boxes.element(box), boxes.top(box))
    return tops


def plan(page) -> Plan:
    """The margins that set each note of the page beside its call."""
    tops = call_tops(page)
    notes_box = area(page)
    present = {boxes.element(note) for note in boxes.children(notes_box)} if notes_box is not None else set()
    # WeasyPrint drops the notes its note area cannot hold: they go to the foot at once.
    lost = [element for element in tops if element not in present]
    if notes_box is None:
        return Plan({}, lost, lost)
    top, height = boxes.text_area(page)
    bottom = top + height
    # Figures wider than the text reach into the margin: a note steps below them.
    wide = [(boxes.top(box), boxes.bottom(box)) for box in boxes.descendants(boxes.page_root(page))
            if boxes.tag(box) == "figure" and boxes.right(box) > boxes.left(notes_box)]
    notes = [(boxes.element(note), boxes.outer_height(note) - boxes.margin_top(note), boxes.margin_top(note))
             for note in boxes.children(notes_box)]
    to_foot = []
    first = boxes.content_top(notes_box)
    while notes:
        placed = _place(notes, tops, first, bottom, wide)
        if placed is not None:
            break
        to_foot.append(notes.pop()[0])  # the last note the margin cannot hold goes to the foot
    else:
        placed = []
    margins, above = {}, first
    for (element, height, current), top in zip(notes, placed, strict=True):
        if abs(top - above - current) > TOLERANCE:
            margins[element] = top - above
        above = top + height
    return Plan(margins, lost + list(reversed(to_foot)), lost)


def _place(notes, tops, first, bottom, wide) -> list[float] | None:
    """The top of each note: at its call's line or just below the note above, stepping below
    wide figures; notes that would run past the foot move up, together, as far as the first
    line of the area. None when they cannot all fit."""
    placed, above = [], first
    for element, height, _ in notes:
        top = max(tops.get(element, above), above)
        for start, end in wide:
            if top < end and top + height > start:
                top = end + GAP
        placed.append(top)
        above = top + height + GAP
    limit = bottom
    for index in range(len(notes) - 1, -1, -1):
        placed[index] = min(placed[index], limit - notes[index][1])
        limit = placed[index] - GAP
    if placed and placed[0] < first:
        return None
    crossing = any(top < end and top + height > start
                   for (_, height, _), top in zip(notes, placed, strict=True) for start, end in wide)
    return None if crossing else placed
