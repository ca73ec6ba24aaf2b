"""The one reader of WeasyPrint's private layout objects: pages, boxes, lines, notes, structure.

WeasyPrint documents `Document.pages` and `Page.width`/`height`, not the boxes a page holds;
every other module asks these functions, so a WeasyPrint that renames them is mended here
(tests/test_adapter.py fails, naming this file, when one does)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# Pages: the page box and its areas.


def page_areas(page) -> list:
    """The page box's children: the root (html) box first, then the footnote area, the margin
    notes' area and the margin boxes (running heads, page numbers), in WeasyPrint's order."""
    return list(page._page_box.children)


def page_root(page):
    """The page's part of the document: the root (html) box."""
    return page._page_box.children[0]


def text_area(page) -> tuple[float, float]:
    """(top, height) of the page's text area (inside its margins), in CSS px."""
    page_box = page._page_box
    return page_box.content_box_y(), page_box.height


def footnote_area(page):
    """The page's footnote area (@footnote), or None."""
    return next((box for box in page_areas(page) if is_footnote_area(box)), None)


def note_area(page):
    """The page's margin notes' area (@note-area), or None."""
    return next((box for box in page_areas(page) if tag(box) == "@note-area"), None)


def base_url(page) -> str | None:
    """The base URL the page's document was read with."""
    return getattr(page._page_box.style, "base_url", None)


def direction(page) -> str:
    """The root box's `direction` ("ltr" or "rtl")."""
    return page_root(page).style["direction"]


# Boxes: what they are.


def is_line(box) -> bool:
    return type(box).__name__ == "LineBox"


def is_text(box) -> bool:
    return type(box).__name__ == "TextBox"


def is_footnote_area(box) -> bool:
    return type(box).__name__ == "FootnoteAreaBox"


def is_margin_box(box) -> bool:
    """A page-margin box: a running head, a page number (@top-right...)."""
    return type(box).__name__ == "MarginBox"


def at_keyword(box) -> str | None:
    """A margin box's at-rule ("@top-right"), else None."""
    return getattr(box, "at_keyword", None)


def tag(box) -> str:
    """The element's tag ("p"), a pseudo-element's ("bk-note::note-call"), an area's
    ("@note-area"); "" for an anonymous box."""
    return getattr(box, "element_tag", "") or ""


def element(box):
    """The element of the document tree the box was made for, or None."""
    return getattr(box, "element", None)


def children(box) -> list:
    return list(getattr(box, "children", ()) or ())


def descendants(box) -> Iterator:
    """The box and every box inside it, in tree order."""
    return box.descendants()


def lines(box) -> Iterator:
    """The line boxes inside `box` (a page's root box, a paragraph), in tree order."""
    return (child for child in descendants(box) if is_line(child))


def page_texts(page) -> Iterator:
    """Every text box of the page: its text, notes, margin notes, running heads."""
    return (box for box in descendants(page._page_box) if is_text(box))


@contextmanager
def first_line(box):
    """A text box's line as WeasyPrint draws it (draw.text.draw_first_line): (its Pango line,
    the line's text), or None for a box WeasyPrint draws otherwise (no size, an ellipsis,
    hidden). The layout is WeasyPrint's, made active for the while."""
    from weasyprint.text.ffi import pango

    style = box.style
    if style["font_size"] < 1e-6 or style["text_overflow"] == "ellipsis" \
            or style["block_ellipsis"] != "none" or style["visibility"] != "visible":
        yield None
        return
    layout = box.pango_layout
    layout.reactivate(style)
    try:
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        yield layout.get_first_line()[0], layout.text
    finally:
        layout.deactivate()


def added_hyphen(box, line_text: str) -> str:
    """The hyphenate character WeasyPrint ended a hyphenated line with (the text has none), or ""."""
    character = box.style["hyphenate_character"]
    hyphenated = box.style["hyphens"] != "none" and line_text.endswith(character) \
        and line_text[:-1][-1:].isalpha()
    return character if hyphenated else ""


def text(box) -> str:
    """A text box's text; "" for any other box."""
    return getattr(box, "text", "") or "" if is_text(box) else ""


def texts(box) -> Iterator[str]:
    """The text of every text box inside `box`, in tree order."""
    return (child.text for child in descendants(box) if is_text(child) and child.text)


def note_of(box):
    """The note element `box` calls (a footnote's ::footnote-call, a margin note's
    ::note-call), else None."""
    footnote = getattr(box, "footnote", None)
    if footnote is not None:
        return footnote.element
    if tag(box).endswith("::note-call"):
        return element(box)
    return None


def style(box, name: str):
    """A computed style value of the box, by WeasyPrint's name ("direction", "break_before")."""
    return box.style[name]


def clips(box) -> bool:
    """Whether the box cuts off what overflows it (`overflow` other than visible)."""
    return getattr(box, "style", None) is not None and box.style["overflow"] != "visible"


def in_flow(box) -> bool:
    """Neither floated nor absolutely positioned."""
    return getattr(box, "is_in_normal_flow", lambda: True)()


def floated(box) -> bool:
    return box.is_floated()


def positioned(box) -> bool:
    """Absolutely (or fixed) positioned."""
    return box.is_absolutely_positioned()


def text_indent(box) -> float:
    """A line's text-indent in px (negative for a hanging indent), 0 when it has none."""
    return getattr(box, "text_indent", 0) or 0


# Boxes: where they are, in CSS px from the page's top left corner.


def top(box) -> float:
    """The top of the box's margin box."""
    return box.position_y


def left(box) -> float:
    return box.position_x


def bottom(box) -> float:
    """The foot of the box's margin box."""
    return box.position_y + box.margin_height()


def right(box) -> float:
    return box.position_x + box.margin_width()


def outer_height(box) -> float:
    """The height of the margin box, margins included."""
    return box.margin_height()


def margin_top(box) -> float:
    return box.margin_top


def content_top(box) -> float:
    return box.content_box_y()


def content_left(box) -> float:
    return box.content_box_x()


def size(box) -> tuple[float, float]:
    """(width, height) of the content box."""
    return box.width, box.height


# Structure: which box made which element of the PDF's structure tree.


def structure(document, elements: list) -> Iterator[tuple[object, dict]]:
    """(box, structure element) pairs: `elements` are the /StructElem dictionaries WeasyPrint's
    tagging wrote after the /Document one, in the order it wrote them; the page boxes are
    walked in that order (weasyprint.pdf.tags._build_box_tree). Raises LookupError where the
    two disagree, which a WeasyPrint that tags otherwise would make them."""
    from weasyprint.pdf.tags import _get_pdf_tag

    queue = iter(elements)

    def take(expected: str, box):
        made = next(queue, None)
        if made is None or made.get("S") != f"/{expected}":
            raise LookupError(f"{box!r}: expected a /{expected} element, found {made and made.get('S')}")
        return made

    def walk(box, parent: str):
        box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
        name = tag(box) if element(box) is not None else None
        kind = _get_pdf_tag(name)
        if name in ("html", "body") or type(box).__name__ == "PageBox":
            if hasattr(box, "children") and not is_line(box):
                for child in box.children:
                    yield from walk(child, parent)
                return
        elif is_margin_box(box):  # tagged, but left out of the tree
            for child in box.children:
                yield from walk(child, parent)
            return
        elif kind in ("TD", "TH") and parent in ("TD", "TH"):
            kind = "NonStruct"
        elif kind == "LI":
            if parent == "LI":
                kind = "LBody"
            elif parent == "LBody":
                kind = "NonStruct"
            elif name in ("dt", "dd") or (name == "li" and (
                    "list-item" not in box.style["display"] or box.style["list_style_type"] == "none")):
                take("LI", box)  # WeasyPrint wraps the item in a list item of its own
                yield from walk(box, "LI")
                return
        made = take(kind, box)
        yield box, made
        content = box.children if hasattr(box, "children") else []
        if kind == "Table" and box.is_table_wrapper and box.get_wrapped_table():
            table = box.get_wrapped_table()
            content = [item for child in box.children
                       for item in (child.children if child is table else [child])]
        if getattr(box, "widget_annotation", None):
            take("Form", box)
        for child in content:
            for item in child.children if is_line(child) else [child]:
                if is_text(item):
                    if kind != "Link":
                        take("Span", item)
                else:
                    # a list in a list item hangs from the item's parent in PDF
                    nested = tag(item) in ("ul", "ol") and kind == "LI"
                    yield from walk(item, parent if nested else kind)

    for page in document.pages:
        yield from walk(page._page_box, "Document")
