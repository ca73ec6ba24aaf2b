"""Print quality (issue 29), continued: tables set as a publisher sets them, locators kept with
their numbers, page ranges with an en dash, dashed compounds whole in titles; read from the PDFs."""

from __future__ import annotations

import re
import subprocess
import textwrap

import pdfplumber
import pytest
from support import MINIMAL, quick

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


@pytest.fixture(scope="module", params=quick(STYLES, "think-tank", "sidenotes"))
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
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
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
        # Numbers are right-aligned: the cells of a column of numbers end at one x, under the end
        # of their head (within a spaced capital head's letter-spacing); years are labels, set at
        # the start of their column with their head.
        ends = [line[2]["x1"] for line in rows]
        assert max(ends) - min(ends) < 0.5 and abs(head[first]["x1"] - ends[0]) < 1.5, (style, ends)
        assert abs(rows[0][0]["x0"] - head[0]["x0"]) < 0.5, (style, "the years are not at the start")
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


# Locators kept with their numbers (point 3) and page ranges with an en dash (point 4).

WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november".split()
LOCATORS = ("p. 7", "pp. 4-5", "chap. 4", "p. 112", "pp. 12‐14", "p. 3", "pp. 210 - 219", "p. 9")


def _sources() -> str:
    """Sources of many title lengths (so notes end their lines at many places), journals with a
    volume, an issue and a page range typed with a hyphen."""
    items = []
    for i in range(16):
        title = " ".join(WORDS[(i + j) % len(WORDS)].capitalize() for j in range(2 + i % 4))
        journal = f"Journal of {WORDS[i % len(WORDS)].capitalize()} Studies"
        item = (f"- id: s{i}\n  type: article-journal\n  title: {title}\n  author:\n"
                f"    - family: Author{i}\n      given: Ann\n  container-title: {journal}\n"
                f"  volume: {41 + i}\n  issue: {3 + i % 4}\n  page: {4 + i}-{9 + i}\n"
                f"  issued: 2024-04-{1 + i:02d}\n")
        items.append(item)
    return "".join(items)


#: Body text between citations, so that the margin holds every note beside its call.
BODY = ("The sentence that follows runs on for a while about the matter in hand, so that the notes "
        "of this paragraph find room in the margin beside the lines that call them, one after another.")


def _commentary() -> str:
    paragraphs = []
    for i in range(16):
        filler = " ".join(WORDS[(i * 3 + j) % len(WORDS)] for j in range(6 + i % 9))
        first, second = LOCATORS[i % len(LOCATORS)], LOCATORS[(i + 3) % len(LOCATORS)]
        paragraphs.append(f"Claim {i} about {filler}.[@s{i}, {first}] {BODY} Then again "
                          f"{filler}.[@s{(i + 5) % 16}, {second}] {BODY}")
    return "\n\n".join(paragraphs) + "\n"


FORMATS = ("chicago-note", "author-date", "chicago-notes-bibliography")


@pytest.fixture(scope="module", params=quick(FORMATS, "chicago-note"))
def locators_pdf(request, shared):
    name = request.param

    def make(out):
        brief = textwrap.dedent(MINIMAL["brief.yaml"]).replace("authors:",
                                                               f"citation_format: {name}\nauthors:")
        folder = _brief(out / "brief", _commentary(), {"sources.yaml": _sources(), "brief.yaml": brief})
        build(folder, Options(output=out / "brief.pdf", style="sidenotes"))

    pdf = shared(f"print-quality-2-locators-{name}", make) / "brief.pdf"
    lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    return name, [line.strip() for line in lines if line.strip()]


TERMS = ("p.", "pp.", "No.", "no.", "Vol.", "vol.", "chap.")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def test_a_locator_is_never_torn_from_its_number(locators_pdf):
    name, lines = locators_pdf
    assert sum(term in line.split() for line in lines for term in TERMS) >= 8, name
    torn = [(a, b) for a, b in zip(lines, lines[1:], strict=False)
            if a.split()[-1] in TERMS
            or (re.search(r"(?:^|\s)\d{1,2}$", a) and b.split()[0].rstrip(",") in MONTHS)]
    assert not torn, (name, torn)


def test_page_ranges_take_an_en_dash(locators_pdf):
    name, lines = locators_pdf
    text = " ".join(lines)
    ranges = re.findall(r"\b\d+\s*[-‐‑−–]\s*\d+\b", text)
    assert len(ranges) >= 8, (name, ranges)
    assert all(re.fullmatch(r"\d+–\d+", r) for r in ranges), (name, [r for r in ranges if "–" not in r])


# Dashed compounds whole in titles and headings (point 2).

COMPOUNDS = ("India–Maldives", "2023–2026", "Debt–Climate", "Male–Delhi", "Gulf–Asia", "Sino–Indian",
             "1991–2001", "Kabul–Moscow")
DASHED_TITLE = ("The India–Maldives Quarrel of 2023–2026 and the Debt–Climate Bargain: Male–Delhi Ties, "
                "Gulf–Asia Routes and Sino–Indian Rivalry")


@pytest.mark.parametrize("style", ("article", "sidenotes", "think-tank"))
def test_titles_and_headings_never_break_after_a_dash_in_a_compound(tmp_path, style):
    brief = f"title: \"{DASHED_TITLE}\"\nsubtitle: \"Kabul–Moscow ties, 1991–2001 and 2023–2026\"\n" \
            "date: 2026-02-01\nauthors:\n  - name: Test Desk\n"
    heading = "## " + " ".join(f"{word} then" for word in COMPOUNDS[::-1]) + "\n\nText.\n"
    folder = _brief(tmp_path / "brief", heading, {"brief.yaml": brief})
    build(folder, Options(output=tmp_path / "out.pdf", style=style))
    lines = subprocess.run(["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    text = " ".join(lines)
    for compound in COMPOUNDS:  # as typed: no joiner, no space, no other dash
        assert compound in text, (style, compound)
    assert "\u2060" not in text
    torn = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if a.rstrip().endswith("–")]
    assert not torn, (style, torn)
