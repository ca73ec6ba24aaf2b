"""Blank bands: a page other than the last that ends well above its notes or its foot, and why."""

from __future__ import annotations

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
    page_box = page._page_box
    root_box = page_box.children[0]
    area = next((box for box in page_box.children if type(box).__name__ == "FootnoteAreaBox"), None)
    top, height = page_box.content_box_y(), page_box.height
    bottom = area.position_y if area is not None and area.children else top + height
    used = max((_bottom(box) for box in _in_flow(root_box)), default=top)
    return max(0.0, bottom - used) / height


def _in_flow(box):
    """The lines and replaced boxes (images, charts) of the page's flow, not margin notes."""
    for child in getattr(box, "children", ()):
        if child.is_absolutely_positioned() or (child.is_floated() and child.element_tag != "figure"):
            continue
        if type(child).__name__ == "LineBox" or not getattr(child, "children", None):
            yield child
        else:
            yield from _in_flow(child)


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def reason(next_page) -> str:
    """What the next page starts with, in the words an editor would use."""
    root_box = next_page._page_box.children[0]
    first = next((box for box in root_box.descendants() if getattr(box, "element", None) is not None
                  and box.element_tag in _BLOCKS and box.element_tag not in ("section", "div")), None)
    if first is None:
        return "the next page starts with content that did not fit"
    element, text = first.element, _words(first)
    forced = "break-before: page" in (element.get("style") or "") or \
        first.style["break_before"] in ("page", "left", "right", "recto", "verso")
    what = {"figure": "a figure", "table": "a table", "li": "a list item"}.get(element.tag) or \
        ("the heading" if element.tag.startswith("h") else "the paragraph")
    quoted = f" {text!r}" if text else ""
    if forced and "break-before: page" in (element.get("style") or ""):
        return f"{what}{quoted} was moved to the next page to keep a note with its call"
    if forced:
        return f"the style starts {what}{quoted} on a new page (break-before)"
    return f"{what}{quoted} did not fit in the space left"


def _words(box, count: int = 6) -> str:
    words = " ".join(getattr(b, "text", "") for b in box.descendants() if getattr(b, "text", "")).split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
