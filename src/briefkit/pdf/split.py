"""Splitting a paragraph before one of its laid-out lines, so the lines above it stay where they are.

WeasyPrint moves a note to the next page when its call's line is kept on the page by widows,
orphans or a note area that is full; moving the whole paragraph after it leaves the rest of the
page blank. Splitting the paragraph in the element tree before the call's line, and starting
the second part on a new page, keeps every line before it on its page, as a typesetter would."""

from __future__ import annotations

from . import boxes

#: Characters that count as none: the hyphen WeasyPrint adds where it hyphenates a word, soft
#: hyphens and joiners (not printed).
_UNCOUNTED = frozenset("\u2010\u00ad\u200b\u2060\ufeff")
#: Printed at the end of the kept part when the cut falls inside a word WeasyPrint hyphenated.
HYPHEN = "\u2010"


def line_of(document, note, page: int):
    """The line box on `page` (1-based) that holds the call of `note`, or None."""
    for line in boxes.lines(boxes.page_root(document.pages[page - 1])):
        if any(boxes.note_of(child) is note for child in boxes.descendants(line)):
            return line
    return None


def characters_before(document, block, line) -> int | None:
    """How many printed characters of `block` its lines before `line` hold (across pages); None
    when `line` is its first line (there is nothing above to keep)."""
    printed = 0
    for page in document.pages:
        for box in boxes.lines(boxes.page_root(page)):
            if boxes.element(box) is not block:
                continue
            if box is line:
                return printed or None
            printed += sum(count(text) for text in boxes.texts(box))
    return None


def split(block, characters: int, is_note):
    """Cut `block` after its first `characters` printed characters (notes, `is_note(element)`,
    hold none: their text prints elsewhere); return the new element holding the rest, inserted
    after `block` by the caller. None when the block has no more text than that."""
    found = find(block, characters, is_note)
    if found is None:
        return None
    element, kind, offset, previous = found
    text = element.text if kind == "text" else element.tail
    if previous.isalpha() and text[offset].isalpha():  # a word hyphenated at the line's end
        text = text[:offset] + HYPHEN + text[offset:]
        offset += 1
        if kind == "text":
            element.text = text
        else:
            element.tail = text
    return _cut(block, element, kind, offset)


def count(text: str | None) -> int:
    return sum(1 for c in text or "" if not c.isspace() and c not in _UNCOUNTED)


def find(block, characters: int, is_note):
    """(element, "text" or "tail", offset, the character before it) of the first printed
    character after `characters`."""
    left, previous = characters, " "

    def seek(text, kind, element):
        nonlocal left, previous
        for offset, char in enumerate(text or ""):
            if not (char.isspace() or char in _UNCOUNTED):
                if left == 0:
                    return element, kind, offset, previous
                left -= 1
            if char not in _UNCOUNTED:
                previous = char
        return None

    def walk(element):
        if (hit := seek(element.text, "text", element)) is not None:
            return hit
        for child in element:
            if isinstance(child.tag, str) and not is_note(child) and (hit := walk(child)) is not None:
                return hit
            if (hit := seek(child.tail, "tail", child)) is not None:
                return hit
        return None

    return walk(block)


def _cut(root, element, kind: str, offset: int):
    """Split `root` at the position; the returned clone holds what follows, ids left behind."""
    path = [element]
    parents = {child: parent for parent in root.iter() for child in parent}
    while path[-1] is not root:
        path.append(parents[path[-1]])
    path.reverse()  # root ... element
    if kind == "tail":  # the cut is in the text after `element`: inside its parent
        path = path[:-1]
    clone = None
    for depth in range(len(path) - 1, -1, -1):
        node = path[depth]
        copy = node.makeelement(node.tag, {k: v for k, v in node.items() if k != "id"})
        if depth == len(path) - 1:  # the innermost: the text itself is cut here
            if kind == "text":
                copy.text, node.text = node.text[offset:], node.text[:offset]
                moved = list(node)
            else:
                copy.text, element.tail = element.tail[offset:], element.tail[:offset]
                moved = list(node)[list(node).index(element) + 1:]
        else:
            inner = path[depth + 1]
            copy.append(clone)
            clone.tail, inner.tail = inner.tail, None
            moved = list(node)[list(node).index(inner) + 1:]
        for child in moved:
            node.remove(child)
            copy.append(child)
        clone = copy
    return clone
