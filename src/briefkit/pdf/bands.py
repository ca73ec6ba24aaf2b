"""Blank bands: a page other than the last that ends well above its notes or its foot, and why."""

from __future__ import annotations

from . import boxes

#: The tallest empty band, as a share of the page's text area, that a page but the last may end
#: with: a line or two less than a full page is normal; a sixth of it is a page a reader notices.
BLANK_BAND = 0.12
_BLOCKS = ("figure", "table", "h2", "h3", "h4", "p", "li", "section", "aside", "div")


def blank_bands(document) -> list[tuple[int, float, str]]:
    """(page, share of the text area left empty at its foot, what pushed the next page's first
    block over) for every page but the last whose band is taller than BLANK_BAND."""
    found = []
    for number, page in enumerate(document.pages[:-1], start=1):
        share = band(page)
        if share > BLANK_BAND:
            found.append((number, share, reason(document.pages[number])))
    return found


def band(page) -> float:
    """The share of the page's text area between the foot of its last line, image or rule in
    the flow and the top of its notes (or of the page's foot when it has none)."""
    top, height = boxes.text_area(page)
    area = boxes.footnote_area(page)
    bottom = boxes.top(area) if area is not None and boxes.children(area) else top + height
    used = max((boxes.bottom(box) for box in _in_flow(boxes.page_root(page))), default=top)
    return max(0.0, bottom - used) / height


def _in_flow(box):
    """The lines and replaced boxes (images, charts) of the page's flow, not margin notes."""
    for child in boxes.children(box):
        if boxes.positioned(child) or (boxes.floated(child) and boxes.tag(child) != "figure"):
            continue
        if boxes.is_line(child) or not boxes.children(child):
            yield child
        else:
            yield from _in_flow(child)


def reason(next_page) -> str:
    """What the next page starts with, in the words an editor would use."""
    first = next((box for box in boxes.descendants(boxes.page_root(next_page))
                  if boxes.element(box) is not None and boxes.tag(box) in _BLOCKS
                  and boxes.tag(box) not in ("section", "div")), None)
    if first is None:
        return "the next page starts with content that did not fit"
    element, text = boxes.element(first), _words(first)
    forced = "break-before: page" in (element.get("style") or "") or \
        boxes.style(first, "break_before") in ("page", "left", "right", "recto", "verso")
    what = {"figure": "a figure", "table": "a table", "li": "a list item"}.get(element.tag) or \
        ("the heading" if element.tag.startswith("h") else "the paragraph")
    quoted = f" {text!r}" if text else ""
    if forced and "break-before: page" in (element.get("style") or ""):
        return f"{what}{quoted} was moved to the next page to keep a note with its call"
    if forced:
        return f"the style starts {what}{quoted} on a new page (break-before)"
    return f"{what}{quoted} did not fit in the space left"


def _words(box, count: int = 6) -> str:
    words = " ".join(boxes.texts(box)).split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
