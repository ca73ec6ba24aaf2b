"""Print quality (issue 29): chart text size, ranged dates, summary paragraphs, the closing block
and photos as numbered figures, read from the PDFs of the sample and of small test briefs."""

from __future__ import annotations

import base64
import re
import textwrap

import pdfplumber
import pytest
import readback
from support import MINIMAL

from briefkit.build import Options, build

STYLES = ("think-tank", "policy-memo", "article", "sidenotes")
#: The smallest text any built-in style prints, charts included.
SMALLEST = 6.5


@pytest.fixture(params=STYLES)
def styled_sample(request, styled):
    """The sample in each built-in style: its PDF and the HTML laid out."""
    built = styled(request.param)
    return request.param, built["pdf"], built["html"].read_text(encoding="utf-8")


def _chart_texts(html: str) -> tuple[float, set[str]]:
    """The chart's smallest font size as drawn (SVG units) and the texts drawn at it."""
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()
    texts = [(float(size), re.sub(r"<[^>]+>", "", body).strip())
             for size, body in re.findall(r'<text style="font-size: ([\d.]+)px[^>]*>(.*?)</text>', svg, re.S)]
    smallest = min(size for size, _ in texts)
    return smallest, {text for size, text in texts if size == smallest and text}


def test_chart_text_prints_at_least_the_smallest_size(styled_sample):
    """Every label drawn at the chart's smallest size is found on the page as text at 6.5 pt or
    more: the chart is laid out no narrower than it was drawn for (sidenotes printed it at 5.4 pt)."""
    style, pdf_path, html = styled_sample
    drawn, texts = _chart_texts(html)
    words = {w for w in " ".join(texts).split() if len(w) > 3}
    sizes = [size for page in readback.sized_words(pdf_path) for word, size in page
             if word in words and size < drawn * 1.5]
    assert len(sizes) > len(words) / 2, (style, "the chart's labels are not found as text")
    assert min(sizes) >= SMALLEST, (style, f"chart labels drawn at {drawn} print at {min(sizes):.2f} pt")


def test_no_text_below_the_smallest_size(styled_sample):
    style, pdf_path, _ = styled_sample
    small = [(number, size, word) for number, page in enumerate(readback.sized_words(pdf_path), start=1)
             for word, size in page if size < SMALLEST]
    assert not small, (style, small[:10])


FIRST = ("The first paragraph of the summary says what the brief finds, in enough words to run "
         "over three lines of the summary box in every built-in style, so that its lines can be "
         "measured against the gap that ends it and opens the next one.")
SUMMARIES = {
    # One blank line: YAML folds it into a single line break.
    "folded": "summary: >-\n  " + FIRST + "\n\n  Secondly, the paragraph after one blank line.\n",
    # A line break inside the first paragraph is a space; the blank line is a break.
    "literal": ("summary: |\n  " + FIRST.replace(" in enough", "\n  in enough")
                + "\n\n  Secondly, the paragraph after one blank line.\n"),
}


@pytest.mark.parametrize("form", sorted(SUMMARIES))
def test_a_blank_line_in_the_summary_starts_a_paragraph(form, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": textwrap.dedent(MINIMAL["brief.yaml"]) + SUMMARIES[form]})
    pdf_path = build(folder, Options(output=tmp_path / "out.pdf")).pdf
    with pdfplumber.open(pdf_path) as pdf:
        words = pdf.pages[0].extract_words()
    first = next(i for i, w in enumerate(words) if w["text"] == "first")
    second = next(i for i, w in enumerate(words) if w["text"] == "Secondly,")
    box = words[first - 1: second + 1]
    tops = sorted({round(w["top"], 1) for w in box})
    assert len(tops) >= 4, tops  # three lines or more of the first paragraph, then the second
    steps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    # The second paragraph opens a line at the box's left edge, after a wider gap than the first's lines.
    assert round(words[second]["top"], 1) == tops[-1]
    assert abs(words[second]["x0"] - words[first - 1]["x0"]) < 1
    # One wider gap only: in the literal form the line break inside the first paragraph is a space.
    assert steps[-1] > max(steps[:-1]) + 2, steps


RANGED_EVENTS = """\
    events:
      - date: 2024-01-08
        end: 2024-01-12
        title: Talks in Doha
        group: Diplomacy
      - date: 2024-01-20
        end: 2024-02-03
        title: Envoy tours the provinces
        group: Diplomacy
      - date: 2023-12
        end: 2024-01
        title: Winter aid appeal
        group: Aid
      - date: 2024-03-01
        title: Embassy reopens
        group: Diplomacy
    """
#: (language, chronology's dates, chart labels' dates) as CLDR writes the three ranges.
RANGES = {
    "en": (["8–12 January 2024", "20 January – 3 February 2024", "December 2023 – January 2024",
            "1 March 2024"], ["8–12 Jan 2024", "20 Jan – 3 Feb 2024", "Dec 2023 – Jan 2024"]),
    "fr": (["8–12 janvier 2024", "20 janvier – 3 février 2024", "décembre 2023 – janvier 2024",
            "1 mars 2024"], ["8–12 janv. 2024", "20 janv. – 3 févr. 2024", "déc. 2023 – janv. 2024"]),
}


def _squeezed(text: str) -> str:
    """Text without its spaces (CLDR puts thin spaces around a range's dash; a cell may wrap)."""
    return "".join(text.split())


@pytest.mark.parametrize("language", sorted(RANGES))
def test_an_event_with_an_end_prints_its_range(language, make_brief, tmp_path):
    folder = make_brief({
        "brief.yaml": textwrap.dedent(MINIMAL["brief.yaml"]) + f"language: {language}\n",
        "events.yaml": RANGED_EVENTS,
        "commentary.md": "Some text.\n\n```timeline\n```\n\n```chronology\n```\n"})
    pdf_path = build(folder, Options(output=tmp_path / "out.pdf")).pdf
    chronology, labels = RANGES[language]
    with pdfplumber.open(pdf_path) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    text = _squeezed(" ".join(line["text"] for line in lines))
    for date in chronology + labels:
        assert _squeezed(date) in text, (date, text)
    # The chart's labels are the short forms, at the chart's size; the chronology's the full ones.
    small = _squeezed(" ".join(line["text"] for line in lines if line["chars"][0]["size"] < 9))
    for date in labels:
        assert _squeezed(date) in small


PHOTO_TEXT = """\
    The desk sent a photograph.

    ![Hidden alt words of the street](street.png "A street in Kabul at dusk"){credit="Photo: Jane Doe"}

    Then the chart.

    ```timeline
    caption: The year in talks
    ```

    ![A map with no title](map.png)

    The end.
    """


def test_photos_and_charts_are_numbered_figures(make_brief, tmp_path):
    """The image's title is its caption, numbered with the charts; its alt text is only in the
    tags (the Figure element's /Alt); its credit prints under the caption; an image with no title
    has no caption and takes no number."""
    import pikepdf
    from PIL import Image

    folder = make_brief({"events.yaml": RANGED_EVENTS, "commentary.md": PHOTO_TEXT})
    Image.new("RGB", (300, 120), (40, 60, 160)).save(folder / "street.png")
    Image.new("RGB", (300, 60), (160, 60, 40)).save(folder / "map.png")
    pdf_path = build(folder, Options(output=tmp_path / "out.pdf", pdf_variant="pdf/ua-1")).pdf
    with pdfplumber.open(pdf_path) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    text = [line["text"] for line in lines]
    captions = [t for t in text if t.startswith("Figure ")]
    assert captions == ["Figure 1. A street in Kabul at dusk", "Figure 2. The year in talks"], text
    at = text.index(captions[0])
    assert text[at + 1] == "Photo: Jane Doe"  # the line under the caption
    assert lines[at + 1]["top"] > lines[at]["bottom"] - 0.5
    assert not any("Hidden alt words" in t or "A map with no title" in t for t in text)
    assert "Figure 3" not in " ".join(text)
    with pikepdf.open(pdf_path) as pdf:
        alts = [str(o.get("/Alt")) for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure"]
    assert "Hidden alt words of the street" in alts and "A map with no title" in alts, alts


#: docs/house-styles.md, step 6: a house style's own closing block.
GUIDE_CLOSING = """\
{% extends "base.html.j2" %}
{% block closing %}
<footer class="closing">
  {{ disclaimer }}
  <p class="copyright">© Acme Policy Lab {{ brief.date.year }}. Cite as: {{ brief.title }}.</p>
</footer>
{% endblock %}
"""
PARAGRAPH = "The talks went on for another week, and the envoys said little in public about them. " * 6


def test_the_closing_block_never_stands_alone_on_a_page(tmp_path):
    """Five paragraphs fill most of page 1; one-line paragraphs after them push the closing block
    (the guide's step-6 override) over the page's foot one line at a time. Whichever line
    count puts it at the top of page 2, the last lines of the text go with it."""
    from support import write_style

    moved = 0
    for lines in range(2, 8):
        folder = tmp_path / f"brief-{lines}"
        write_style(folder / "styles", "acme", "extends: think-tank\n",
                    templates={"brief.html.j2": GUIDE_CLOSING})
        (folder / "brief.yaml").write_text(
            "title: Closing\ndate: 2026-02-01\nstyle: acme\nauthors:\n  - name: Test Desk\n"
            "disclaimer: Views expressed are the author's own, not those of the Acme Policy Lab.\n")
        (folder / "commentary.md").write_text(
            "\n\n".join([PARAGRAPH] * 5 + [f"Line {i} of the end." for i in range(lines)]) + "\n")
        pdf_path = build(folder, Options(output=tmp_path / f"out-{lines}.pdf")).pdf
        pages = [text.split("\n") for text in readback.page_texts(pdf_path)]
        last = pages[-1]
        at = next(i for i, text in enumerate(last) if text.startswith("Views expressed"))
        assert last[at + 1].startswith("© Acme Policy Lab"), last
        above = [text for text in last[:at] if text.startswith(("Line ", "The talks", "them."))
                 or "envoys" in text]
        assert above, (lines, last)  # text of the body above the closing block, on its page
        moved += len(pages) > 1
    assert moved, "no line count put the closing block on a page of its own: the test proves nothing"


def test_an_image_takes_a_credit_and_nothing_else(make_brief, runner):
    """Only `credit=` is read after an image; another attribute (a width, a handler) is an error
    at its line, never passed to the page."""
    from support import check_finds

    folder = make_brief({"commentary.md": 'Text.\n\n![A map](map.png "The map"){width=300 .wide}\n'})
    (folder / "map.png").write_bytes(b"")
    check_finds(runner, folder, "commentary.md:3: an image takes only a credit", "remove class, width")
