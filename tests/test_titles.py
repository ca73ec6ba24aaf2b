"""Balanced titles: a cover title that wraps is set in lines of even length, never one word alone."""

from __future__ import annotations

from collections import defaultdict

import pdfplumber
import pytest
from support import run

TITLE = "Moscow Recognises the Taliban: What Recognition Means for Kabul and the Region"


def title_lines(pdf_path) -> list[float]:
    """The width of each line set in the title's size (the largest type on page 1)."""
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    size = max(round(c["size"], 1) for c in chars)
    lines = defaultdict(list)
    for c in chars:
        if round(c["size"], 1) == size:
            lines[round(c["top"])].append(c)
    return [max(c["x1"] for c in line) - min(c["x0"] for c in line) for _, line in sorted(lines.items())]


@pytest.mark.parametrize("style", ["think-tank", "article", "policy-memo", "sidenotes"])
def test_a_wrapped_title_is_set_in_even_lines(make_brief, runner, tmp_path, style):
    folder = make_brief({"brief.yaml": f"title: \"{TITLE}\"\ndate: 2026-01-29\nstyle: {style}\n"})
    result = run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf"), "--no-cache")
    assert result.exit_code == 0, result.output
    widths = title_lines(tmp_path / "out.pdf")
    if style != "policy-memo":  # the memo sets its title in the header's subject line
        assert len(widths) > 1
    assert min(widths) >= 0.67 * max(widths), widths
