"""Break opportunities in URLs, so that a long address wraps instead of running off the page.

Line breaking (UAX #14) finds almost no place to break a URL: a 5,000-character address in a
note ran 4,855 of its characters past the right edge of the page, and in a right-to-left brief
past the left one. Each URL in the laid-out tree is wrapped in `<span class="bk-url">` with a `<wbr>`
after every `/`, `.`, `?` and `&` and before every `-` (not inside the `://` of its scheme). `<wbr>` adds no
character to the PDF's text, so copying the URL, or pdftotext, gives it back whole but for
line breaks, and the link's `href` is not touched. A stretch of more than STRETCH characters
with none of those gets a `<wbr>` every STRETCH characters too (`overflow-wrap: anywhere` would
do it, but WeasyPrint then breaks the whole URL anywhere, not only there). mechanics.css keeps
hyphenation out of `.bk-url`: a hyphen would be added to the address."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

#: A URL in running text: a scheme (https:, mailto:, doi:...) or www., up to the next space;
#: punctuation that ends a sentence or closes a bracket is not part of it.
URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|doi|urn):)[^\s<>\"]*[^\s<>\".,;:!?)\]}'’”]",
                 re.IGNORECASE)
#: After these a URL may break, no hyphen added; before a hyphen rather than after it (as the
#: Chicago Manual has it), so no line ends in what readers and pdftotext take for a word's
#: hyphenation ("section-" + "112" would be copied as "section112").
AFTER = "/.?&"
BEFORE = "-"
#: The longest stretch of a URL left without a break opportunity.
STRETCH = 16
#: Elements whose text is not laid out as running text, or must stay as typed.
SKIP = {"head", "style", "script", "title", "svg", "math", "pre", "textarea"}
CLASS = "bk-url"


def urls(root: Element) -> int:
    """Wrap every URL in the tree's text and tails; returns how many were wrapped."""
    return _process(root)


def _process(element: Element) -> int:
    if not isinstance(element.tag, str) or element.tag in SKIP or CLASS in (element.get("class") or ""):
        return 0
    count = 0
    for child in list(element):
        count += _process(child)
        if child.tail and URL.search(child.tail):
            pieces = _split(child.tail)
            child.tail = pieces[0]
            _insert_after(element, child, pieces[1:])
            count += sum(isinstance(piece, Element) for piece in pieces)
    if element.text and URL.search(element.text):
        pieces = _split(element.text)
        element.text = pieces[0]
        for index, piece in enumerate(pieces[1:]):
            if isinstance(piece, Element):
                element.insert(index // 2, piece)
            else:
                element[index // 2].tail = piece
        count += sum(isinstance(piece, Element) for piece in pieces)
    return count


def _insert_after(parent: Element, anchor: Element, pieces: list) -> None:
    """Put [span, text, span, text...] after `anchor`, each text the tail of the span before."""
    index = list(parent).index(anchor)
    for offset, piece in enumerate(pieces[0::2]):
        parent.insert(index + 1 + offset, piece)
    for span, tail in zip(pieces[0::2], pieces[1::2], strict=True):
        span.tail = tail


def _split(text: str) -> list:
    """[text, span, text, span, ..., text]: the text with each URL made a span."""
    pieces: list = []
    start = 0
    for match in URL.finditer(text):
        pieces += [text[start:match.start()], _span(match.group())]
        start = match.end()
    return [*pieces, text[start:]]


def _span(url: str) -> Element:
    """<span class="bk-url"> holding `url` with a <wbr> after each break character."""
    span = Element("span", {"class": CLASS})
    scheme = re.match(r"[a-z][a-z0-9+.-]*://", url, re.IGNORECASE)
    head = scheme.end() if scheme else 0
    parts = [url[:head]] if head else []
    current = ""
    for char in url[head:]:
        if char in BEFORE and current:
            parts.append(current)
            current = ""
        current += char
        if char in AFTER or len(current) >= STRETCH:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    span.text = parts[0] if parts else ""
    for part in parts[1:]:
        wbr = Element("wbr")
        wbr.tail = part
        span.append(wbr)
    return span
