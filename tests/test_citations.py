"""The chicago-note citation format, on CSL items like the ones Zotero exports."""

from __future__ import annotations

import html
import json
import re
import textwrap

import pytest

from briefkit import document, styles
from briefkit.citations import Citer
from briefkit.itemfields import human_date
from briefkit.models import Source

ITEMS = {
    "neale": Source(id="neale", type="article-magazine", title="Remembering the Saur Revolution",
                    author=[{"family": "Neale", "given": "Jonathan"}], **{"container-title": "Jacobin"},
                    issued="2018-05-15", URL="https://example.org/saur"),
    "cicek": Source(id="cicek", type="article-journal", title="The Quicksand of Afghanistan: A Study",
                    author=[{"family": "Çiçek", "given": "Anil"}], volume=4, issue=2,
                    issued={"date-parts": [[2015]]}, **{"container-title": "International Journal"}),
    "crs": Source(id="crs", type="report", title="Russia's Chechnya Conflict", publisher="CRS",
                  issued="2003-04-16"),
}


@pytest.fixture
def citer():
    env = document.brief_env(styles.find("think-tank"))
    return Citer(ITEMS, env.get_template("citations/chicago-note.html.j2").module, "en")


def test_first_note_has_author_linked_title_italic_container_and_date(citer):
    assert str(citer.note([("neale", "")])) == (
        'Jonathan Neale, <a href="https://example.org/saur">“Remembering the Saur Revolution”</a>, '
        "<i>Jacobin</i>, 15 May 2018.")


def test_journal_volume_issue_year_and_locator(citer):
    assert str(citer.note([("cicek", "p. 120")])).endswith(
        "<i>International Journal</i>, Vol. 4, No. 2, 2015, p. 120.")


def test_a_source_cited_again_gets_the_short_form(citer):
    citer.note([("cicek", "")])
    assert str(citer.note([("cicek", "p. 3")])) == "Çiçek, “The Quicksand of Afghanistan”, p. 3."


def test_several_sources_in_one_note(citer):
    text = html.unescape(re.sub(r"<[^>]+>", "", str(citer.note([("crs", ""), ("neale", "")]))))
    assert text.startswith("“Russia's Chechnya Conflict”, CRS, 16 April 2003; Jonathan Neale, ")
    assert text.endswith("15 May 2018.")


@pytest.mark.parametrize("value, language, expected", [
    ("2025-07-03", "en", "3 July 2025"), ("2025-07", "en", "July 2025"), (2003, "en", "2003"),
    ("2025-07-03", "fr", "3 juillet 2025"), ("2025-07-03", "xx-unknown", "3 July 2025"),
    ("1979-12", "ru", "декабрь 1979"), ("1979-12-27", "ru", "27 декабря 1979"),  # standalone month alone
    ("1979-12", "uk", "грудень 1979"), ("1979-12", "pl", "grudzień 1979"),
    ("2025-07", "fa-AF", "جولای 2025"), ("2025-07", "prs", "جولای 2025"),  # Dari, not Iranian, names
])
def test_dates_are_written_at_their_precision_in_the_brief_language(value, language, expected):
    assert human_date(value, language) == expected


#: A long explanatory note, as a brief on a canal would carry.
LONG_NOTE = ("This note explains at length how the canal’s design diverts water from the Amu Darya, what the "
             "engineers reported about seepage along its unlined bed, why downstream states worry about the "
             "share of the river it will take in dry years, and which agreements of the Soviet era still "
             "govern the basin’s allocation among the riparian states, none of which Afghanistan signed.")


@pytest.mark.slow  # a build of the sample; the quick run builds author-date in test_csl_styles.py (apa)
def test_an_author_date_brief_leaves_no_large_gap_at_the_foot_of_a_page(tmp_path, runner):
    """Author-date text with one long note: the chart no longer fits below the section before it,
    and WeasyPrint left a fifth of page 2 blank; the chart now moves below the next paragraph
    (pagination.FIGURE_GAP), as a float would."""

    import pdfplumber
    from support import copy_sample, run, write_style

    folder = copy_sample(tmp_path)
    write_style(folder / "styles", "ad", "extends: think-tank\ncitation_format: author-date\n")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text().replace("style: think-tank", "style: ad"))
    commentary = folder / "commentary.md"
    text = commentary.read_text()
    call = "strategic weight in Soviet eyes."
    assert call in text
    commentary.write_text(text.replace(call, call + "[^long]") + f"\n[^long]: {LONG_NOTE}\n")
    assert run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf")).exit_code == 0
    with pdfplumber.open(tmp_path / "out.pdf") as pdf:
        gaps = [_gap(page) for page in pdf.pages[:4]]
    assert max(gaps) < 0.12, gaps  # 0.18 of page 2 before


def _gap(page) -> float:
    """The share of the page between its last line of body text (10-11 pt) and the notes or the
    foot of the text area."""
    words = page.extract_words(extra_attrs=["size"])
    body = [w for w in words if 9.5 < w["size"] < 11 and w["top"] > 60]
    bottom = max(w["bottom"] for w in body)
    notes = [w["top"] for w in words if w["size"] < 9 and bottom < w["top"] < page.height - 40]
    return (min(notes, default=page.height - 60) - bottom) / page.height


def test_a_row_links_to_an_earlier_note_only_on_that_notes_page(make_brief, runner, tmp_path):
    """On one page the row's call is a link to the text's note; pushed to a later page (by
    filler), the row gets a note of its own there, in the short form."""
    import readback
    from support import run

    events = "events:\n  - date: 2025-07-03\n    title: Recognition\n    sources: [s]\n"
    sources = "- id: s\n  type: article-newspaper\n  title: Russia Recognises the Taliban Government\n" \
              "  container-title: Reuters\n  issued: 2025-07-03\n"
    for filler, notes, links in ((0, 1, [(1, 1, "note-1")]), (10, 2, [])):
        folder = make_brief({"events.yaml": events, "sources.yaml": sources, "commentary.md":
                             "Russia recognised the Taliban.[@s]\n\n" + "More text here. " * 40 * filler
                             + "\n\n```chronology\n```\n"}, name=f"brief{filler}")
        out = tmp_path / f"{filler}.pdf"
        result = run(runner, "build", str(folder), "-o", str(out))
        assert result.exit_code == 0 and f"{notes} footnotes" in result.output, result.output
        assert readback.note_links(out) == links
        found = readback.notes(out)
        assert found.off_page() == [] and sorted(found.notes) == list(range(1, notes + 1))
    assert "“Russia Recognises the Taliban”, Reuters." in readback.text(out)  # short form, outlet kept


# --- Pandoc's citation syntax in the citation templates ------------------------------------------

def _cite(key, locator="", prefix="", suffix="", suppress=False, narrative=False):
    from briefkit.citesyntax import Cite

    return Cite(key, locator, prefix, suffix, suppress, narrative)


def test_a_prefix_and_suffix_stand_around_the_cite_and_a_note_begins_with_a_capital(citer):
    text = html.unescape(str(citer.note([_cite("crs", "p. 3", "see", ", for details")])))
    assert text == "See “Russia's Chechnya Conflict”, CRS, 16 April 2003, p. 3, for details."


def test_a_suppressed_author_is_left_out_of_the_note(citer):
    assert str(citer.note([_cite("cicek", "515", suppress=True)])).startswith("“The Quicksand of Afghanistan")


def test_a_page_range_takes_an_en_dash(citer):
    assert str(citer.note([_cite("cicek", "pp. 3-5")])).endswith("pp. 3–5.")
    assert str(citer.note([_cite("cicek", "xii-xv")])).endswith("xii–xv.")


def _author_date():
    env = document.brief_env(styles.find("think-tank"))
    return Citer(ITEMS, env.get_template("citations/author-date.html.j2").module, "en")


def test_author_date_prints_a_narrative_cite_as_author_then_year_and_locator():
    citer = _author_date()
    assert str(citer.note([_cite("cicek", "p. 3", narrative=True)])) == "Çiçek (2015, p. 3)"
    assert str(citer.note([_cite("cicek", "515", suppress=True)])) == "(2015, 515)"
    assert html.unescape(str(citer.note([_cite("cicek", "p. 3", "see", ", for details")]))) == \
        "(see Çiçek 2015, p. 3, for details)"


SYNTAX_SOURCES = """\
- id: neale
  type: article-magazine
  title: Remembering the Saur Revolution
  author: [{family: Neale, given: Jonathan}]
  container-title: Jacobin
  issued: 2018-05-15
"""

SYNTAX_TEXT = ("As @neale [p. 3] argues, the revolution failed; write to me@example.org or @nytimes.\n\n"
               "It failed.[see @neale, pp. 4-6, for details]\n\nAgain.[-@neale, 515]\n")


def test_a_narrative_cite_prints_the_author_in_the_text_and_the_note_as_usual_in_the_pdf(
        make_brief, runner, tmp_path):
    import readback
    from support import run

    folder = make_brief({"sources.yaml": SYNTAX_SOURCES, "commentary.md": SYNTAX_TEXT})
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 0 and "3 footnotes" in result.output, result.output
    text = " ".join(readback.text(out).split())
    assert "As Neale1 argues" in text.replace("\u2060", "")
    assert "write to me@example.org or @nytimes." in text
    assert "“Remembering the Saur Revolution”, Jacobin, 15 May 2018, p. 3." in text  # author in the text
    assert "See Neale, “Remembering the Saur Revolution”, pp. 4–6, for details." in text
    assert "3. “Remembering the Saur Revolution”, 515." in text


def test_an_author_date_brief_prints_narrative_suppressed_and_prefixed_cites(make_brief):
    from support import html_of, text_of

    folder = make_brief({"sources.yaml": SYNTAX_SOURCES, "commentary.md": SYNTAX_TEXT,
                         "brief.yaml": _with_format("author-date")})
    text = " ".join(text_of(html_of(folder)).split())
    assert "As Neale (2018, p. 3) argues" in text
    assert "It failed (see Neale 2018, pp. 4–6, for details)." in text
    assert "Again (2018, 515)." in text


def _with_format(name: str) -> str:
    import textwrap

    from support import MINIMAL

    return textwrap.dedent(MINIMAL["brief.yaml"]).replace("authors:", f"citation_format: {name}\nauthors:")


def test_a_cite_inside_a_note_s_sentence_has_no_full_stop_of_its_own(make_brief):
    from support import html_of, text_of

    folder = make_brief({"sources.yaml": SYNTAX_SOURCES, "commentary.md":
                         "A claim.[^n] Another.[^m]\n\n[^n]: As @neale [p. 3] says, it failed.\n"
                         "[^m]: See [@neale, p. 4] for more; also [@neale, p. 5]\n"})
    found = re.findall(r"<bk-note[^>]*>(.*?)</bk-note>", html_of(folder))
    notes = [" ".join(text_of(n).split()) for n in found]
    assert notes == ["As Jonathan Neale, “Remembering the Saur Revolution”, Jacobin, 15 May 2018, p. 3 says, "
                     "it failed.", "See Neale, “Remembering the Saur Revolution”, p. 4 for more; also Neale, "
                     "“Remembering the Saur Revolution”, p. 5."]


# --- issue 25's opening complaints, under the built-in format of each built-in style, in the PDF ---

COMPLAINTS_SOURCES = """\
- id: gaulle
  type: book
  title: The Complete War Memoirs
  author: [{family: Gaulle, given: Charles, non-dropping-particle: de}]
  translator: [{family: Griffin, given: Jonathan}]
  edition: 2
  publisher: Simon & Schuster
  publisher-place: New York
  issued: 1998
- id: king
  type: book
  title: "Why We Can't Wait"
  author: [{family: King, given: Martin Luther, suffix: Jr.}]
  publisher: Harper & Row
  publisher-place: New York
  issued: 1964
- id: edited
  type: book
  title: The Afghanistan Papers Revisited
  editor: [{family: Whitlock, given: Craig}]
  publisher: Simon & Schuster
  publisher-place: New York
  issued: 2024
- id: chapter
  type: chapter
  title: Water Rights in the Helmand Basin
  author: [{family: Veer, given: Anna, non-dropping-particle: van der}]
  editor: [{family: Rubin, given: Barnett R.}]
  container-title: Rivers of Contention
  publisher: Hurst
  publisher-place: London
  page: 201-226
  issued: 2019
- id: article
  type: article-journal
  title: "Sanctions and the Afghan Banking System: A Quantitative Review"
  author: [{family: Noor, given: Samira}]
  container-title: Journal of Conflict Economics
  volume: 14
  issue: 2
  DOI: 10.1234/jce.2023.0142
  issued: 2023-06
- id: news
  type: article-newspaper
  title: Maldives Suspends Three Deputy Ministers Over Remarks on Modi
  container-title: The Hindu
  URL: https://www.thehindu.com/news/maldives
  issued: 2024-01-07
- id: report
  type: report
  title: Last Batch of Indian Nationals Evacuated from Kabul amid Security Concerns
  publisher: Ministry of External Affairs
  issued: 2021-08-22
- id: thesis
  type: thesis
  title: Tribal Councils and State Law in Southern Afghanistan
  author: [{family: Mohammadi, given: Farid}]
  genre: PhD diss.
  publisher: SOAS University of London
  issued: 2017
"""
COMPLAINTS_TEXT = ("A.[@gaulle, p. 45]\n\nB.[@king, pp. 12-14]\n\nC.[@edited]\n\nD.[@chapter, p. 203]\n\n"
                   "E.[@article, pp. 88-90]\n\nF.[@news]\n\nG.[@report]\n\nH.[@thesis, p. 3]\n\n"
                   "I.[@news, p. 2]\n\nJ.[@report, p. 4]\n\nK.[@gaulle, p. 50]\n")
#: Each complaint: what the notes must say (whitespace aside).
COMPLAINTS = {
    "particle": "1.CharlesdeGaulle,",
    "suffix": "2.MartinLutherKingJr.,",
    "book: edition, place, translator": "trans.JonathanGriffin,2nded.(NewYork:Simon&Schuster,1998),p.45.",
    "editor of an edited volume": "3.CraigWhitlock,ed.,TheAfghanistanPapersRevisited",
    "chapter: in … ed. …":
        "“WaterRightsintheHelmandBasin”,inRiversofContention,ed.BarnettR.Rubin(London:Hurst,2019)",
    "DOI": "pp.88–90,https://doi.org/10.1234/jce.2023.0142.",
    "page range with an en dash": "pp.12–14.",
    "thesis": "(PhDdiss.,SOASUniversityofLondon,2017),p.3.",
    "short title at a phrase's end, authorless keeps its outlet":
        "9.“MaldivesSuspendsThreeDeputyMinisters”,TheHindu,p.2.",
    "authorless report keeps its publisher":
        "10.“LastBatchofIndianNationalsEvacuated”,MinistryofExternalAffairs,p.4.",
    "short form with the particle": "11.deGaulle,TheCompleteWarMemoirs,p.50.",
}
#: Titles and containers set in italics, read from the PDF's fonts.
ITALIC = ["TheCompleteWarMemoirs", "WhyWeCan’tWait", "TheAfghanistanPapersRevisited", "RiversofContention",
          "JournalofConflictEconomics", "TheHindu"]


@pytest.fixture(scope="module")
def complaints_pdf(shared, runner):
    """style -> (the PDF's text in content order, its italic characters), whitespace removed."""
    import subprocess

    import pdfplumber
    from support import MINIMAL, run

    def get(style: str) -> tuple[str, str]:
        def make(out):
            folder = out / "brief"
            folder.mkdir()
            brief = textwrap.dedent(MINIMAL["brief.yaml"]).replace("authors:", f"style: {style}\nauthors:")
            (folder / "brief.yaml").write_text(brief + ("to: Staff\n" if style == "policy-memo" else ""))
            (folder / "sources.yaml").write_text(COMPLAINTS_SOURCES)
            (folder / "commentary.md").write_text(COMPLAINTS_TEXT)
            result = run(runner, "build", str(folder), "-o", str(out / "out.pdf"))
            assert result.exit_code == 0, result.output
            # content order (-raw): a margin note's lines stay together, beside the text or not
            text = subprocess.run(["pdftotext", "-raw", str(out / "out.pdf"), "-"],
                                  capture_output=True, text=True, check=True).stdout
            with pdfplumber.open(out / "out.pdf") as pdf:
                italic = "".join(c["text"] for page in pdf.pages for c in page.chars
                                 if "Italic" in c["fontname"])
            (out / "read.json").write_text(json.dumps(["".join(text.split()), "".join(italic.split())]))

        return tuple(json.loads((shared(f"complaints-{style}", make) / "read.json").read_text()))

    return get


@pytest.mark.parametrize("complaint", list(COMPLAINTS))
@pytest.mark.parametrize("style", ["think-tank", "article", "policy-memo", "sidenotes"])
def test_the_built_in_format_answers_each_complaint_of_issue_25(complaints_pdf, style, complaint):
    text, _ = complaints_pdf(style)
    assert COMPLAINTS[complaint] in text.replace("\u2060", "")


@pytest.mark.parametrize("style", ["think-tank", "article", "policy-memo", "sidenotes"])
def test_the_built_in_format_sets_book_titles_and_containers_in_italics(complaints_pdf, style):
    _, italic = complaints_pdf(style)
    for title in ITALIC:
        assert title in italic, title

