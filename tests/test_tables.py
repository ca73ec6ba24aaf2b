"""Split chronologies: never one row alone on a page, never a header or heading alone at a page's foot."""

from __future__ import annotations

import re

import pdfplumber
import pytest
import readback
from support import run

ROWS = 8
EVENTS = "events:\n" + "".join(f"  - date: {2001 + i}-05-01\n    title: Event number {i + 1} of the table\n"
                               "    text: What happened, in one line.\n" for i in range(ROWS))
#: Filler paragraphs before the chronology: from 8 (the table fits on page 1) to 23 (it starts on
#: page 2), each page break falls after every row once. Without the correction, 12 paragraphs
#: left the last row alone on page 2 and 22 the first row alone on page 1 (measured).
SWEEP = range(8, 24)
LONE_ROW = (12, 22)


def _build(make_brief, runner, tmp_path, filler: int):
    filling = "".join(f"Filler paragraph {i}.\n\n" for i in range(filler))
    commentary = filling + "## Chronology\n\n```chronology\n```\n"
    folder = make_brief({"events.yaml": EVENTS, "commentary.md": commentary}, name=f"rows{filler}")
    out = tmp_path / f"rows{filler}.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def _fragments(pdf_path) -> list[tuple[int, bool, bool]]:
    """Per page: (rows of the chronology, its header printed, its heading printed)."""
    with pdfplumber.open(pdf_path) as pdf:
        found = []
        for page in pdf.pages:
            words = [w["text"] for w in page.extract_words()]
            found.append((sum(bool(re.fullmatch(r"200[1-8]", w)) for w in words), "DATE" in words,
                          "Chronology" in words))
    return found


def _check(pdf_path) -> None:
    pages = _fragments(pdf_path)
    assert sum(rows for rows, _, _ in pages) == ROWS, pages
    split = [page for page in pages if page[0] or page[1]]
    if len(split) > 1:
        assert all(rows >= 2 for rows, _, _ in split), pages  # two rows on each side of a break
    for rows, header, heading in pages:
        assert rows or not header, pages  # no header alone
        assert not heading or rows, pages  # the heading stays with its table


@pytest.mark.parametrize("filler", LONE_ROW)
def test_a_lone_row_takes_a_neighbour_or_the_table_moves_with_its_heading(make_brief, runner, tmp_path,
                                                                          filler):
    _check(_build(make_brief, runner, tmp_path, filler))


@pytest.mark.slow
def test_no_split_leaves_one_row_alone_wherever_the_page_breaks(make_brief, runner, tmp_path):
    splits = set()
    for filler in SWEEP:
        pdf = _build(make_brief, runner, tmp_path, filler)
        _check(pdf)
        splits.add(tuple(rows for rows, _, _ in _fragments(pdf) if rows))
        assert readback.misplaced(pdf) == []
    assert len(splits) >= 4, splits  # the sweep did split the table in several places


def test_notes_called_in_table_cells_sit_at_the_foot_of_the_cells_page(make_brief, runner, tmp_path):
    commentary = ("Before.[^a]\n\n| Country | Position |\n|---|---|\n| Russia | Recognised in 2025[^b] |\n"
                  "| China | Accepted an ambassador[^c] |\n\n[^a]: Note a.\n[^b]: Note b.\n[^c]: Note c.\n")
    out = tmp_path / "cells.pdf"
    assert run(runner, "build", str(make_brief({"commentary.md": commentary})), "-o", str(out)).exit_code == 0
    assert readback.misplaced(out, at_least=3) == []
