"""Print quality (issue 29), continued: tables set as a publisher sets them, locators kept with
their numbers, page ranges with an en dash, dashed compounds whole in titles; read from the PDFs."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pdfplumber
import pytest
from support import MINIMAL

from briefkit.build import Options, build

STYLES = ("think-tank", "policy-memo", "article", "sidenotes")

TABLES = textwrap.dedent("""\
    A paragraph before the table.

    Table: Estimated flows, 2023–2025

    | Year | Route | Low estimate | High estimate |
    |---|---|---|---|
    | 2023 | Termez | 1,200 | 3,400 |
    | 2024 | Kushka | 980 | 2,150.5 |
    | 2025 | Hairatan | 12 | 45 |

    Following paragraph after the table, long enough to wrap onto a second line in every style,
    so that its first line is a full line of body text set at the body size.

    | Crossing | Tonnes |
    |---|---|
    """) + "".join(f"| Crossing row {i} | {i * 7} |\n" for i in range(1, 91)) + textwrap.dedent("""\

    : A long table that runs over a page
    """)


def _brief(folder, commentary: str, files: dict[str, str] | None = None):
    folder.mkdir()
    for name, text in {**MINIMAL, "commentary.md": commentary, **(files or {})}.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=STYLES)
def tables_pdf(request, shared):
    style = request.param

    def make(out):
        build(_brief(out / "brief", TABLES), Options(output=out / "brief.pdf", style=style))

    return style, shared(f"print-quality-2-tables-{style}", make) / "brief.pdf"


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped by line (their tops within 2 pt), top to bottom."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _covers(rules: list[dict], start: float, end: float) -> bool:
    """Whether rules at one height (a collapsed table draws one segment a cell) run from start to end."""
    for y in {round(r["bottom"]) for r in rules}:
        reach = start
        for rule in sorted((r for r in rules if round(r["bottom"]) == y), key=lambda r: r["x0"]):
            if rule["x0"] <= reach + 1:
                reach = max(reach, rule["x1"])
        if reach >= end - 1:
            return True
    return False


def test_tables_are_captioned_ruled_and_spaced(tables_pdf):
    style, pdf_path = tables_pdf
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Table 1. Estimated flows, 2023–2025" in " ".join(text.split()), style
    assert "Table 2. A long table that runs over a page" in " ".join(text.split()), style
    with pdfplumber.open(pdf_path) as pdf:
        page = next(p for p in pdf.pages if "Estimated flows" in (p.extract_text() or ""))
        lines = _lines(page.extract_words(extra_attrs=["size"]))
        head = next(line for line in lines if sum(w["text"].casefold() == "estimate" for w in line) == 2)
        # The header cells are separate words with a gap between them ("Low estimate High estimate").
        first = next(i for i, w in enumerate(head) if w["text"].casefold() == "estimate")
        assert head[first + 1]["text"].casefold() == "high", (style, head)
        assert head[first + 1]["x0"] - head[first]["x1"] >= 8, (style, "header cells run together")
        rows = lines[lines.index(head) + 1:lines.index(head) + 4]
        assert [line[0]["text"] for line in rows] == ["2023", "2024", "2025"], (style, rows)
        # A rule (a line, or the edge of a filled head) between the head and the first row.
        below, above = max(w["bottom"] for w in head), min(w["top"] for w in rows[0])
        rules = [r for r in page.lines + page.rects if below - 1 <= r["bottom"] <= above + 1]
        assert _covers(rules, head[0]["x0"], head[-1]["x1"]), (style, "no rule under the table's head")
        # Numbers are right-aligned: the cells of a column of numbers end at one x.
        ends = [line[2]["x1"] for line in rows]
        assert max(ends) - min(ends) < 0.5, (style, ends)
        # The paragraph after the table stands at least a line's gap below it.
        after = next(line for line in lines if line[0]["text"] == "Following")
        gap = after[0]["top"] - max(w["bottom"] for w in rows[-1])
        assert gap >= after[0]["size"], (style, f"the paragraph after the table is {gap:.1f} pt below it")
        # The long table's head is printed again on each page it runs over.
        pages = [p for p in pdf.pages if "Crossing row" in (p.extract_text() or "")]
        assert len(pages) >= 2, style
        for later in pages:
            words = [w["text"].casefold() for w in later.extract_words()]
            assert "crossing" in words and "tonnes" in words, (style, later.page_number)


def test_table_caption_may_follow_the_table_and_a_table_without_one_takes_no_number(tmp_path):
    folder = _brief(tmp_path / "brief", "| A | B |\n|---|---|\n| x | 1 |\n\nText.\n\n| C | D |\n|---|---|\n"
                    "| y | 2 |\n\nTable: Second, captioned after\n")
    build(folder, Options(output=tmp_path / "out.pdf", style="think-tank"))
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Table 1. Second, captioned after" in text
    assert "Table:" not in text and "Table 2" not in text
