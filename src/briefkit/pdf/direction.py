"""Left-to-right runs inside right-to-left text, isolated so that WeasyPrint keeps their order.

WeasyPrint orders the inline boxes of a right-to-left line right to left, whatever they hold
(its bidi support is partial: WeasyPrint #106, #1711): "*Zamir Kabulov*, Special Envoy" in a
Dari sentence came out "Special Envoy Zamir Kabulov,", and a Latin citation in a note came out
backwards part by part. A run of left-to-right text (Latin words with the spaces, digits and
punctuation between them, across emphasis and links) wrapped in `<span dir="ltr">` is laid out
as one left-to-right unit, which is what the Unicode bidi algorithm would make of it."""

from __future__ import annotations

import unicodedata
from xml.etree.ElementTree import Element

#: Elements that sit inside a line: a run may go through them.
INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp", "small",
          "span", "strong", "sub", "sup", "time", "u", "var"}
#: Elements whose text is not the document's prose, or not laid out as text.
SKIP = {"head", "style", "script", "title", "svg", "math", "pre"}
#: Hebrew, Arabic, Syriac, Thaana, NKo... and the Arabic presentation forms.
_RIGHT_TO_LEFT_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def isolate(root: Element) -> int:
    """Wrap every left-to-right run of a right-to-left document; returns how many were wrapped."""
    return _process(root) if root.get("dir") == "rtl" else 0


def _process(element: Element) -> int:
    if not isinstance(element.tag, str) or element.tag in SKIP or element.get("dir") == "ltr":
        return 0
    spans = _wrap(element)
    return len(spans) + sum(_process(child) for child in element if child not in spans)


def _kind(char: str) -> str:
    """L (left-to-right letter), R (right-to-left letter or punctuation), D (European digit) or
    N (neutral). Arabic and Hebrew punctuation counts as R: a Persian comma between two Latin
    names separates items of a right-to-left list, it does not join them into one run."""
    if any(low <= ord(char) <= high for low, high in _RIGHT_TO_LEFT_BLOCKS):
        return "R"
    return {"L": "L", "R": "R", "AL": "R", "EN": "D"}.get(unicodedata.bidirectional(char), "N")


def _unit(element: Element) -> str:
    """How a run sees an inline element: R if it holds right-to-left letters, B (a boundary) if
    it is no inline element or a note (laid out on its own), else the strongest kind inside."""
    if element.tag not in INLINE or element.get("dir"):
        return "B"
    kinds = {_kind(char) for char in "".join(element.itertext())}
    return next((kind for kind in "RLD" if kind in kinds), "N")


def _wrap(parent: Element) -> set[Element]:
    """Wrap the runs among `parent`'s own text and children; returns the spans made."""
    nodes: list[str | Element] = [parent.text or ""]
    for child in parent:
        nodes += [child, child.tail or ""]
        child.tail = None
    # One token a character of text, one an element: (node, kind).
    tokens = [token for node in nodes for token in
              ([(char, _kind(char)) for char in node] if isinstance(node, str) else [(node, _unit(node))])]
    runs = dict(_runs([kind for _, kind in tokens]))
    out: list[str | Element] = []
    spans: set[Element] = set()
    index = 0
    while index < len(tokens):
        if index in runs:
            span = Element("span", {"dir": "ltr"})
            _fill(span, [piece for piece, _ in tokens[index:runs[index] + 1]])
            out.append(span)
            spans.add(span)
            index = runs[index] + 1
        else:
            out.append(tokens[index][0])
            index += 1
    for child in list(parent):
        parent.remove(child)
    _fill(parent, out)
    return spans


def _runs(kinds: list[str]):
    """(first, last) token of each run worth isolating: from a left-to-right letter to the last
    letter or digit before the next right-to-left letter or boundary, holding more than a word."""
    start = None
    for index, kind in enumerate([*kinds, "B"]):
        if kind in "RB":
            if start is not None:
                last = max(i for i in range(start, index) if kinds[i] in "LD")
                if any(kinds[i] != "L" for i in range(start, last + 1)):
                    yield start, last
            start = None
        elif kind == "L" and start is None:
            start = index


def _fill(element: Element, pieces: list[str | Element]) -> None:
    """Set an element's text and children from pieces in order (strings join into text or tails)."""
    element.text, last = "", None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text += piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            element.append(piece)
            last = piece
