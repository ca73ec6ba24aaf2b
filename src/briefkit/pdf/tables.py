"""Split tables: no page holds a single row of a table that runs over a page break.

WeasyPrint breaks a table between any two rows (and repeats its header), so a chronology
can leave its last row alone at the top of a page, or its first row alone under the header at
the foot of one. Corrections, each followed by a new layout: a lone last row takes the row
before it along (a forced break before that row); a lone first row, or a table too short to
keep two rows on each side, moves whole to the next page with the heading that introduces it."""

from __future__ import annotations

from . import boxes

#: Rows a table keeps on each side of a page break.
MIN_ROWS = 2
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def rows_by_page(document, table) -> dict[int, list]:
    """{page number (1-based): the table's body rows that start on it}, in page order."""
    rows = [row for section in table if section.tag == "tbody" for row in section if row.tag == "tr"]
    wanted = {id(row): row for row in rows}
    pages: dict[int, list] = {}
    seen: set[int] = set()
    for number, page in enumerate(document.pages):
        for box in boxes.descendants(boxes.page_root(page)):
            element = boxes.element(box)
            if element is not None and id(element) in wanted and id(element) not in seen:
                seen.add(id(element))
                pages.setdefault(number + 1, []).append(element)
    return dict(sorted(pages.items()))


def stranded(pages: dict[int, list]) -> tuple[str, object] | None:
    """The correction a split table needs: ("row", the row to break before) or ("table", None)
    to move it whole; None when every fragment has MIN_ROWS rows or the table is not split."""
    fragments = list(pages.values())
    if len(fragments) < 2:
        return None
    total = sum(len(fragment) for fragment in fragments)
    if len(fragments[0]) < MIN_ROWS or total < 2 * MIN_ROWS:
        return "table", None
    last, before = fragments[-1], fragments[-2]
    if len(last) < MIN_ROWS and len(before) > MIN_ROWS:
        return "row", before[len(before) - (MIN_ROWS - len(last))]
    return None


def lead(table, parents: dict):
    """What starts the table on the page: the table, or the heading right before it, which must
    not stay behind at the foot of a page."""
    parent = parents.get(table)
    siblings = list(parent) if parent is not None else [table]
    index = siblings.index(table)
    return siblings[index - 1] if index > 0 and siblings[index - 1].tag in _HEADINGS else table
