"""What the preflight reads off the final pages: headings left at a page foot, overfull lines,
chronologies that still leave one row alone on a page."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import tables


@dataclass
class Findings:
    """What a preflight reads off the final layout."""

    stranded_headings: list[tuple[int, str]] = field(default_factory=list)  # (page, heading)
    overfull_lines: list[tuple[int, float, str]] = field(default_factory=list)  # (page, points, text)
    lone_rows: list[tuple[int, int]] = field(default_factory=list)  # (page, chronology index)


def read_findings(document) -> Findings:
    """Headings left at the foot of a page, and lines wider than their column."""
    findings = Findings()
    for number, page in enumerate(document.pages, start=1):
        root_box = page._page_box.children[0]
        blocks = [box for box in root_box.descendants() if box.element is not None
                  and box.element_tag in ("h2", "h3", "p", "li", "table", "figure")]
        if blocks and blocks[-1].element_tag in ("h2", "h3") and number < len(document.pages):
            findings.stranded_headings.append((number, _text(blocks[-1])))
        for block in root_box.descendants():
            for line in getattr(block, "children", ()):
                if type(line).__name__ != "LineBox":
                    continue
                excess = line.position_x + line.width - (block.content_box_x() + block.width)
                if excess > 1.5:  # CSS px; a hair of rounding is not an overfull line
                    findings.overfull_lines.append((number, round(excess * 0.75, 1), _text(line)[:60]))
    root = document.pages[0]._page_box.children[0].element if document.pages else None
    chronologies = [el for el in (root.iter() if root is not None else ())
                    if el.tag == "table" and "chronology" in (el.get("class") or "")]
    for index, table in enumerate(chronologies):
        pages = tables.rows_by_page(document, table)
        if tables.stranded(pages):
            findings.lone_rows += [(page, index) for page, rows in pages.items()
                                   if len(rows) < tables.MIN_ROWS]
    return findings


def _text(box) -> str:
    return " ".join(getattr(b, "text", "") for b in box.descendants() if getattr(b, "text", "")).strip()
