"""The filled page as a tree: figures and chronologies in their blocks, notes numbered in reading order."""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html
from lxml import etree

from .citations import Citer
from .citesyntax import narrative
from .commentary import BLOCK_TAG
from .typography import parse_page, write_page

#: WORD JOINER: no line break between a word (or its punctuation) and the note call after it.
JOIN = "\u2060"
#: After a letter or these, a citation inside a note needs a space from the sentence before
#: ("length. Sorensen").
_CLOSING = ".,;:!?)]”’»\"'"
#: Punctuation an author-date citation in the text moves before ("claim (Author 2020).").
_STOPS = ".,;:!?"
#: Chronology rows with a note of their own: row -> (its note, the earlier notes it would link to).
Instead = dict[int, tuple[int, tuple[int, ...]]]


def resolve(page: str, blocks: Sequence[str], cites: list, citer: Citer, number_text=str,
            own: frozenset[int] = frozenset(), sources: list[str] | None = None,
            instead: Instead | None = None, links: set[int] | None = None, reach: int | None = None) -> str:
    """The page with each block element replaced by its figure or chronology (`blocks`, by the
    block's index) and its notes and citations numbered (number_notes); one parse, one
    serialisation. The page's own markup is written back as the templates spelt it."""
    root = parse_page(page)
    for element in list(root.iter(BLOCK_TAG)):
        _replace(element, blocks[int(element.get("data-index"))])
    number_notes(root, cites, citer, number_text, own, sources, instead, links, reach)
    return write_page(root)


def number_notes(root, cites: list, citer: Citer, number_text=str, own: frozenset[int] = frozenset(),
                 sources: list[str] | None = None, instead: Instead | None = None,
                 links: set[int] | None = None, reach: int | None = None) -> None:
    """Format citations in reading order, so a source's first citation gets the full form.

    In a note format each citation in the text becomes a footnote; in an author-date format it
    stays in the text, in parentheses. A chronology row whose sources all have a note already
    points to that note (a linked number, `data-row` naming the row's citations) instead of
    repeating it, as a printed brief does, unless the row is in `own`: rows whose earlier note
    turned out to be on another page get a note of their own, in the short form. `sources`
    ("commentary.md:12", parallel to `cites`) tells layout reports where each note was written;
    `instead` receives, for each row with such an own note, its number and the earlier notes the
    row would link to, and `links` the rows that link. With `reach`, a row whose earlier notes
    are all more than `reach` characters of text before it gets a note of its own too."""
    in_text = citer.in_text
    if in_text:  # "claim.[@key]" cites inside the sentence: "claim (Author 2020)." (as citeproc does)
        _cite_before_stops(root)
    # What each place is next to is read before anything is replaced: the text as written.
    found = [(element, _before(element), _ends_note(element)) for element in root.iter("bk-note", "span")
             if _is_free_note(element) or element.get("data-cites") is not None]
    number, note_of, at = 0, {}, {}  # at: where each note is called, in characters of text
    offsets = _offsets(root) if reach is not None else {}
    for element, before, ends in found:
        if element.tag == "bk-note":  # the opening of a free note: the next number
            number += 1
            _number(element, number, number_text)
            _set_before(element, _text_before(element) + JOIN)
            continue
        row, role = int(element.get("data-cites")), element.get("data-role")
        group = cites[row]
        keys = [key for key, _ in group]
        earlier = sorted({note_of[key] for key in keys}) if all(key in note_of for key in keys) else None
        far = bool(earlier) and reach is not None and offsets[element] - max(at[n] for n in earlier) > reach
        if role == "row" and not in_text and earlier and row not in own and not far:
            html = "".join(f'<a class="note-ref" href="#note-{n}" data-row="{row}">{number_text(n)}</a>'
                           for n in earlier)
            if links is not None:
                links.add(row)
        elif role == "inline" and not in_text:  # a citation inside a note: part of its sentence
            # Its full stop only where it ends the note: no "p. 16.;", no "p. 16. for the memoirs".
            text = citer.note(group, terminate=ends, at=number, inline=True)
            html = (" " if before.isalnum() or before in _CLOSING else "") + str(text)
        else:
            text = citer.note(group, at=0 if in_text else number + 1)
            told = narrative(group)  # `@a says`: the author is in the text
            if in_text:  # the leading space is collapsed by HTML when the author already typed one
                html = f'{"" if told else " "}<span class="citation">{text}</span>'
            else:
                author = f'<span class="citation">{citer.author(group)}</span>' if told else ""
                number += 1
                if role == "row" and instead is not None and earlier:
                    instead[row] = (number, tuple(earlier))
                for key in keys:
                    note_of.setdefault(key, number)
                at[number] = offsets.get(element, 0)
                source = sources[row] if sources and row < len(sources) else None
                html = f'{author}{JOIN}{open_note(number, number_text, source)}{text}</bk-note>'
        _replace(element, html)


def _offsets(root) -> dict:
    """The characters of text before each element, in reading order, as written."""
    offsets, count = {}, 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            offsets[element] = count
            count += len(element.text or "")
        else:
            count += len(element.tail or "")
    return offsets


def open_note(number: int, number_text, source: str | None = None) -> str:
    # data-n: the number as printed, for margin notes and a note sent back to the foot alike;
    # data-source: the file and line that made the note, for `check --layout`.
    where = f' data-source="{source}"' if source else ""
    return f'<bk-note class="footnote" id="note-{number}" data-n="{number_text(number)}"{where}>'


def _number(note, number: int, number_text) -> None:
    """A free note given its number, its attributes in open_note's order."""
    source = note.attrib.pop("data-source", None)
    note.set("id", f"note-{number}")
    note.set("data-n", number_text(number))
    if source:
        note.set("data-source", source)


def _is_free_note(element) -> bool:
    return element.tag == "bk-note" and element.get("class") == "footnote" and element.get("id") is None


def _is_note_call(element) -> bool:
    return (element.tag == "span" and element.get("data-role") == "note"
            and element.get("data-cites") is not None)


def _cite_before_stops(root) -> None:
    """A run of citations right after punctuation moves before it."""
    for call in [element for element in root.iter("span") if _is_note_call(element)]:
        text = _text_before(call)
        if not text or text[-1] not in _STOPS:
            continue
        last = call
        while not last.tail and (following := last.getnext()) is not None and _is_note_call(following):
            last = following
        _set_before(call, text[:-1])
        last.tail = text[-1] + (last.tail or "")


def _text_before(element) -> str:
    """The text right before the element, in its parent; "" after a tag."""
    previous = element.getprevious()
    return (element.getparent().text if previous is None else previous.tail) or ""


def _set_before(element, text: str) -> None:
    previous = element.getprevious()
    if previous is None:
        element.getparent().text = text
    else:
        previous.tail = text


def _before(element) -> str:
    """The character before the element as written: ">" after a tag, as the HTML reads."""
    text = _text_before(element)
    return text[-1] if text else ">"


def _ends_note(element) -> bool:
    """Whether the element is the last thing in a note, with no text after it."""
    return (not element.tail and element.getnext() is None
            and element.getparent() is not None and element.getparent().tag == "bk-note")


def _replace(element, html: str) -> None:
    """The nodes of `html` where the element stood, the text after it kept."""
    # A wrapper of our own: parsed bare, leading whitespace would be dropped.
    holder = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    parent, tail, nodes = element.getparent(), element.tail or "", list(holder)
    _set_before(element, _text_before(element) + (holder.text or ""))
    if nodes:
        nodes[-1].tail = (nodes[-1].tail or "") + tail
        element.addnext(nodes[0])
        for node, following in zip(nodes, nodes[1:], strict=False):
            node.addnext(following)
    else:
        _set_before(element, _text_before(element) + tail)
    element.tail = None
    parent.remove(element)
