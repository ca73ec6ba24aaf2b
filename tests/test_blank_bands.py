"""No half-empty pages: a note kept with its call by cutting its paragraph at the call's line, not by
moving the paragraph; every page but the last ends with no blank band taller than 12% of it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import readback
from support import quick, run

from briefkit.pdf import split

STYLES = ["think-tank", "article", "policy-memo", "sidenotes"]


def _bands(path) -> list[float]:
    """For each page but the last, the tallest vertical gap between the text, images and rules of
    its text column (the margin notes' column left out), as a share of the page's height."""
    shares = []
    for width, height, found in readback.boxes(path)[:-1]:
        spans = sorted((top, bottom) for _, x0, top, _, bottom in found if x0 < width * 0.62)
        worst, reach = 0.0, spans[0][1]
        for top, bottom in spans[1:]:
            worst, reach = max(worst, top - reach), max(reach, bottom)
        shares.append(worst / height)
    return shares


@pytest.mark.parametrize("style", quick(STYLES, "think-tank", "sidenotes"))
def test_no_page_but_the_last_ends_with_a_blank_band(styled, style):
    bands = _bands(styled(style, keys=False)["pdf"])
    assert max(bands) <= 0.12, [(page, round(share, 2)) for page, share in enumerate(bands, start=1)]


@pytest.mark.parametrize("style", quick(STYLES, "think-tank", "sidenotes"))
def test_every_note_is_on_its_calls_page(styled, style):
    assert readback.misplaced(styled(style, keys=False)["pdf"], at_least=21) == []


_PAGE = """<html><head><style>@page { size: 90mm 62mm; margin: 6mm }
p { font: 10pt/1.3 serif; text-align: justify; hyphens: auto; margin: 0 }</style></head>
<body><p lang="en">{text}</p></body></html>"""
_WORDS = ("Representatives of internationalisation reconsidered the extraordinarily complicated "
          "counterinsurgency arrangements, notwithstanding considerable misunderstandings. ") * 6


def _lines(document) -> list[list[str]]:
    """Each page's lines of text, as WeasyPrint laid them out."""
    return [[" ".join(b.text for b in line.descendants() if hasattr(b, "text")).strip()
             for line in page._page_box.descendants() if type(line).__name__ == "LineBox"]
            for page in document.pages]


@pytest.mark.parametrize("keep", [2, 3, 4])
def test_a_paragraph_cut_before_a_line_keeps_the_lines_above_and_its_words(keep):
    """The cut (pagination's last resort for a note pushed off its call's page) leaves the
    lines above it as they were, hyphen included, and the next page goes on from that line."""
    from weasyprint import HTML

    html = HTML(string=_PAGE.replace("{text}", _WORDS))
    before = _lines(html.render())
    paragraph = html.etree_element.find(".//p")
    first = html.render()
    line = [box for box in first.pages[0]._page_box.descendants() if type(box).__name__ == "LineBox"][keep]
    rest = split.split(paragraph, split.characters_before(first, paragraph, line), lambda element: False)
    rest.set("style", "break-before: page; text-indent: 0")
    paragraph.set("style", "text-align-last: justify")
    parent = next(el for el in html.etree_element.iter() if paragraph in list(el))
    parent.insert(list(parent).index(paragraph) + 1, rest)
    after = _lines(html.render())
    assert after[0] == before[0][:keep]
    assert after[1][0] == before[0][keep]
    words = lambda pages: " ".join(" ".join(lines) for lines in pages).replace("\u2010 ", "")  # noqa: E731
    assert words(after) == words(before)


def test_check_layout_names_a_blank_band_and_its_cause(make_brief, runner):
    folder = make_brief({"commentary.md": "A first paragraph.\n\n<div style=\"break-before: page\"></div>\n\n"
                                          "A second paragraph on its own page.\n"}, name="gap")
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "allow_html: true\n")
    result = run(runner, "check", str(folder), "--layout")
    assert "page 1 ends" in result.output and "blank" in result.output, result.output


def _tree(html: str):
    return ET.fromstring(html)


def test_split_cuts_after_the_printed_characters_and_skips_notes():
    p = _tree('<p id="x">One <em>two three</em> four<bk-note class="footnote">a long note</bk-note> five six</p>')
    is_note = lambda element: element.tag == "bk-note"  # noqa: E731
    rest = split.split(p, len("Onetwothreefour"), is_note)
    kept = '<p id="x">One <em>two three</em> four<bk-note class="footnote">a long note</bk-note> </p>'
    assert ET.tostring(p, encoding="unicode") == kept
    assert ET.tostring(rest, encoding="unicode") == "<p>five six</p>"


def test_split_inside_an_element_copies_it_without_its_id():
    p = _tree('<p>One <a id="l" href="#n">two three four</a> five</p>')
    rest = split.split(p, len("Onetwo"), lambda element: False)
    assert ET.tostring(p, encoding="unicode") == '<p>One <a id="l" href="#n">two </a></p>'
    assert ET.tostring(rest, encoding="unicode") == '<p><a href="#n">three four</a> five</p>'


def test_split_inside_a_word_prints_its_hyphen():
    p = _tree("<p>A confer\u00adence here</p>")
    rest = split.split(p, len("Aconfer"), lambda element: False)
    assert p.text.endswith("confer\u00ad\u2010") and rest.text == "ence here"


def test_nothing_to_cut_after_the_last_character():
    p = _tree("<p>One two</p>")
    assert split.split(p, len("Onetwo"), lambda element: False) is None
