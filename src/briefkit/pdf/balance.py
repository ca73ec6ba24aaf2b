"""Balanced titles: a title that wraps with a short last line is broken where its lines come out even.

WeasyPrint 70 has no `text-wrap: balance`: it fills each line as far as it goes, so a title of
two lines can end with one word alone. Read from a layout, such a title gets a line break
before the words that start lines of even length, as a typesetter breaks a display line."""

from __future__ import annotations

from . import boxes, split

#: A title whose last line is shorter than this share of its longest line is set again, evened out.
SHORT = 0.67


def targets(root) -> list:
    """The elements balanced: the cover's title (`h1.title`) and subtitle."""
    return [element for element in root.iter() if element.tag in ("h1", "p")
            and {"title", "subtitle"} & set((element.get("class") or "").split())]


def widths(document, element) -> list[float]:
    """The inked width of each line `element` was laid out in, in order."""
    found = []
    for page in document.pages:
        for line in boxes.lines(boxes.page_root(page)):
            if boxes.element(line) is element:
                texts = [box for box in boxes.descendants(line)
                         if boxes.is_text(box) and boxes.text(box).strip()]
                if texts:
                    found.append(max(map(boxes.right, texts)) - min(map(boxes.left, texts)))
    return found


def unbalanced(line_widths: list[float]) -> bool:
    return len(line_widths) > 1 and line_widths[-1] < SHORT * max(line_widths)


def breaks(element, count: int) -> list[int]:
    """The printed characters before each word that starts a line, for at most `count` lines
    as even as they go: the narrowest measure (in printed characters, words never split) at
    which filling lines one after another still takes no more than `count` lines. No line is
    longer than the longest WeasyPrint made, so none can run past the measure."""
    words = [split.count(word) for word in "".join(element.itertext()).split()]

    def fill(measure: int) -> list[int] | None:
        starts, used, position = [], 0, 0
        for length in words:
            if used and used + length > measure:
                starts.append(position)
                used = 0
            used += length
            position += length
        return starts if len(starts) < count else None

    low, high = max(words, default=0), sum(words)
    while low < high:  # the narrowest measure that fills no more than `count` lines
        middle = (low + high) // 2
        low, high = (low, middle) if fill(middle) is not None else (middle + 1, high)
    return fill(low) or []


def insert_break(element, characters: int):
    """A <br> before the printed character after the first `characters` of `element`; the
    element inserted, or None when the text is shorter."""
    found = split.find(element, characters, lambda child: False)
    if found is None:
        return None
    where, kind, offset, _ = found
    text = where.text if kind == "text" else where.tail
    line_break = where.makeelement("br", {"class": "bk-balance"})
    line_break.tail = text[offset:]
    if kind == "text":
        where.text = text[:offset]
        where.insert(0, line_break)
    else:
        where.tail = text[:offset]
        parent = _parent(element, where)
        parent.insert(list(parent).index(where) + 1, line_break)
    return line_break


def remove_breaks(element, inserted: list) -> None:
    """Take the <br> elements `insert_break` made out again, their text joined back."""
    for line_break in inserted:
        parent = _parent(element, line_break)
        index = list(parent).index(line_break)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + (line_break.tail or "")
        else:
            parent.text = (parent.text or "") + (line_break.tail or "")
        parent.remove(line_break)


def _parent(root, child):
    return next(candidate for candidate in root.iter() if child in list(candidate))
