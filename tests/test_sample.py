"""The sample brief, read back from its PDF: notes, metadata, outline, fonts, figures."""

from __future__ import annotations

import re

import pdfplumber
import pikepdf
import readback
import yaml
from support import SAMPLE, SAMPLE_NOTES


def test_sample_has_its_notes_each_once_on_its_calls_page_chronology_included(sample):
    found = readback.notes(sample["pdf"])
    assert sorted(found.calls) == list(range(1, SAMPLE_NOTES + 1))
    assert sorted(found.notes) == list(range(1, SAMPLE_NOTES + 1))
    assert all(len(pages) == 1 for pages in found.calls.values()), found.calls
    assert all(len(pages) == 1 for pages in found.notes.values()), found.notes
    assert found.off_page() == []
    assert all(page == target for page, target, _ in readback.note_links(sample["pdf"]))


def test_notes_are_formatted_like_the_reference(sample):
    text = readback.text(sample["pdf"])
    # First note: title in quotes, publisher, date written out.
    assert "“On the Presentation of Copies of Credentials" in text
    assert "Ministry of Foreign Affairs of the Russian Federation, 3 July 2025." in text
    # Locators from [@key, p. 20] end the note.
    assert re.search(r"16 April 2003, p\. 20\.", text)
    assert "Vol. 4, No. 2, 2015, p. 120." in text


def test_note_titles_link_to_their_urls(sample):
    with pikepdf.open(sample["pdf"]) as pdf:
        uris = [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if annot.get("/A") is not None and "/URI" in annot.A]
    sources = yaml.safe_load((SAMPLE / "sources.yaml").read_text())
    assert set(uris) >= {s["URL"] for s in sources}


def test_metadata(sample):
    brief = yaml.safe_load((SAMPLE / "brief.yaml").read_text())
    with pikepdf.open(sample["pdf"]) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]).startswith(brief["title"])
        assert str(info["/Author"]) == brief["authors"][0]["name"]
        assert str(info["/Keywords"]) == ", ".join(brief["keywords"])
        assert str(info["/Subject"]).startswith(brief["summary"].split()[0])
        assert str(info["/CreationDate"]).startswith("D:20260129")
        assert str(pdf.Root.Lang) == "en"


def test_outline_lists_the_section_headings(sample):
    headings = re.findall(r"^## (.+)$", (SAMPLE / "commentary.md").read_text(), re.M)
    with pikepdf.open(sample["pdf"]) as pdf, pdf.open_outline() as outline:
        top = outline.root[0]
        assert top.title.startswith("The Taliban-Russia Re-Connect")
        titles = [child.title for child in top.children]
    assert titles[: len(headings)] == headings
    assert "About the Author" in titles


def test_every_font_is_embedded(sample):
    fonts = {}
    with pikepdf.open(sample["pdf"]) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                for leaf in font.get("/DescendantFonts", [font]):
                    descriptor = leaf.get("/FontDescriptor")
                    fonts[str(font.BaseFont)] = descriptor is not None and any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("Source-Serif-Pro" in name for name in fonts)


def test_structure_of_the_reference(sample):
    text = readback.text(sample["pdf"])
    for part in ("ISSUE BRIEF", "The Taliban-Russia Re-Connect", "Eurasia Security Desk",
                 "29 January 2026", "SUMMARY", "How Does This Matter?", "The Road Ahead",
                 "About the Author", "© Meridian Institute for Policy Studies 2026"):
        assert part in text, part
    with pikepdf.open(sample["pdf"]) as pdf:
        pages = len(pdf.pages)
    assert re.search(rf"^2 / {pages}$", text, re.M)  # page numbers as "N / total"


def test_running_heads_from_page_two(sample):
    with pdfplumber.open(sample["pdf"]) as pdf:
        first, second = (page.extract_text().splitlines()[0] for page in pdf.pages[:2])
    assert first == "MERIDIAN INSTITUTE FOR POLICY STUDIES"  # no running head on the cover page
    assert second == "Issue Brief No. 7 The Taliban-Russia Re-Connect"


def test_chart_and_chronology_are_in_place(sample):
    text = readback.text(sample["pdf"])
    assert "Figure 1." in text and "Soviet-Afghan War" in text  # chart text is real text
    assert "16 January 2026" in text and "3 July 2025" in text  # chronology dates, at precision
    html = sample["html"].read_text()
    assert "data:image/svg+xml;base64," in html and "<link" not in html  # self-contained
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="Timeline of \d+ events', html)


def _squeezed(text: str) -> str:
    """TEXT without spaces, line breaks or hyphens, its quotation marks straight: to find a title
    that wraps or that typography curled."""
    return re.sub(r"[\s\u00ad\u2010-]", "", text).translate(str.maketrans("‘’“”", "''\"\""))


def test_the_pdf_prints_the_whole_reference_every_era_and_every_source(sample):
    """The sample is the reference in our words (three eras or more, 21 sources): its PDF draws
    every era in the chart as text and cites every source in a note, by its full title."""
    printed = _squeezed(readback.text(sample["pdf"]))
    eras = yaml.safe_load((SAMPLE / "events.yaml").read_text())["eras"]
    sources = yaml.safe_load((SAMPLE / "sources.yaml").read_text())
    assert len(eras) >= 3 and len(sources) == 21
    assert [era["title"] for era in eras if _squeezed(era["title"]) not in printed] == []
    assert [source["title"] for source in sources if _squeezed(source["title"]) not in printed] == []


def test_the_same_inputs_give_the_same_bytes_through_the_public_api(sample, tmp_path):
    """`briefkit.build(folder, briefkit.Options(...))`, as the README shows it, gives the CLI's bytes."""
    import briefkit

    result = briefkit.build(sample["folder"], briefkit.Options(output=tmp_path / "again.pdf"))
    assert result.pdf.read_bytes() == sample["pdf"].read_bytes()
    with pikepdf.open(result.pdf) as pdf:
        title = yaml.safe_load((SAMPLE / "brief.yaml").read_text())["title"]
        assert len(pdf.pages) == result.pages and str(pdf.docinfo["/Title"]).startswith(title)
    assert result.footnotes == SAMPLE_NOTES
