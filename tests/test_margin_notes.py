"""Margin notes (`notes: margin`, the built-in `sidenotes` style): beside their lines, on their page."""

from __future__ import annotations

import re
import statistics

import pytest
import readback
from support import run, write_style

#: The sidenotes style's call (7 pt sans) and note marker ("N." in semibold 8 pt), as readback reads them.
_MARKER = re.compile(r"^(\d+)\.$")


@pytest.fixture
def sidenotes(styled):
    return styled("sidenotes")["pdf"]


def _positions(pdf_path):
    """Per page: {number: top of the call}, {number: (x0, top) of the note's marker}, the text
    column's right edge and the margin notes' lines as (top, bottom)."""
    pages = []
    every = readback.placed_words(pdf_path)
    right = max(x1 for words in every for _, _, size, _, _, x1, _ in words if 9.5 < size < 11.5)  # the column
    for words in every:
        calls = {int(text): top for text, font, size, _, top, _, _ in words
                 if abs(size - 7) < 0.1 and text.isdigit() and "Sans" in font}
        markers = {int(m.group(1)): (x0, top) for text, font, _, x0, top, _, _ in words
                   if (m := _MARKER.match(text)) and "semibold" in font.replace("-", "").lower()}
        lines = sorted({(round(top, 1), round(bottom, 1)) for _, _, size, x0, top, _, bottom in words
                        if x0 > right + 5 and size < 9})
        pages.append((calls, markers, right, lines))
    return pages


def test_the_sidenotes_style_sets_every_note_in_the_margin_beside_its_line(sidenotes):
    assert readback.misplaced(sidenotes, at_least=21) == []
    distances, in_margin = [], 0
    for calls, markers, right, lines in _positions(sidenotes):
        for number, (x0, top) in markers.items():
            if x0 > right:
                in_margin += 1
                distances.append(abs(top - calls[number]))
        for (top, bottom), (next_top, _) in zip(lines, lines[1:], strict=False):
            assert next_top >= bottom - 1 or abs(next_top - top) < 1, (top, bottom, next_top)  # no overlap
    assert in_margin >= 25, in_margin
    assert statistics.median(distances) < 12, distances  # beside the line of the call


def test_a_note_the_margin_cannot_hold_goes_to_the_foot_of_its_page(make_brief, runner, tmp_path):
    long = "A long explanation of the source and what it shows about the talks and the envoys. " * 6
    calls = "".join(f"Claim {i}.[^n{i}] " for i in range(12))
    notes = "".join(f"[^n{i}]: {long}\n\n" for i in range(12))
    folder = make_brief({"commentary.md": calls + "\n\n" + notes})
    write_style(folder / "styles", "side", "extends: sidenotes\n")
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "style: side\n")
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert readback.misplaced(out, at_least=12) == []
    calls, markers, right, _ = _positions(out)[0]
    at_foot = [n for n, (x0, _) in markers.items() if x0 < right]
    assert at_foot and len(at_foot) < 12, markers
    report = run(runner, "check", "--layout", str(folder))
    assert report.exit_code == 0, report.output
    said = f"commentary.md:1: note {at_foot[0]} did not fit in the margin of page 1"
    assert said in report.output, report.output


def test_notes_is_foot_or_margin(make_brief, runner):
    folder = make_brief()
    write_style(folder / "styles", "odd", "extends: think-tank\nnotes: sideways\n")
    result = run(runner, "check", str(folder), "--style", "odd")
    # the wording is the style validator's (issue 24, point 10); the line and both choices are ours
    assert result.exit_code == 1 and "style.yaml:2: notes" in result.output, result.output
    assert "foot" in result.output and "margin" in result.output
