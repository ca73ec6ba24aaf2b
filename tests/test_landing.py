"""Landing pages: each published brief's page, its tags read back, its citation files parsed, axe-core in a browser."""

from __future__ import annotations

import json

import bibtexparser
import lxml.html
import pytest
import rispy
from support import chromium, copy_sample, needs_chromium, run, served
from test_scripts import BRIEFS as SCRIPTS

from briefkit import reading
from briefkit.errors import Problems

BASE = "https://briefs.example.org/series/"


@pytest.fixture(scope="module")
def site(tmp_path_factory, runner):
    """English, Hindi and Persian briefs published into one site, with a base URL."""
    root = tmp_path_factory.mktemp("landing")
    copy_sample(root, "russia")
    for language in ("hi", "fa-AF"):
        folder = root / language
        folder.mkdir()
        for name, text in SCRIPTS[language].items():
            (folder / name).write_text(text, encoding="utf-8")
    folders = [str(root / name) for name in ("russia", "hi", "fa-AF")]
    result = run(runner, "publish", *folders, "-o", str(root / "site"), "--base-url", BASE.rstrip("/"))
    assert result.exit_code == 0, result.output
    return {"root": root, "site": root / "site", "folders": folders, "runner": runner}


def _page(site, folder: str) -> tuple[object, object]:
    """(the brief as read, the lxml tree of its landing page)."""
    from pathlib import Path

    brief = reading.load(Path(folder), Problems(), lambda name: []).brief
    pages = [path for path in site["site"].glob("*.html") if path.name != "index.html"]
    for path in pages:
        tree = lxml.html.fromstring(path.read_bytes())
        if tree.findtext(".//h1") == brief.title:
            return brief, tree, path
    raise AssertionError(f"no landing page for {brief.title}: {[p.name for p in pages]}")


def _meta(tree, name: str) -> list[str]:
    return [m.get("content") for m in tree.xpath(f'//meta[@name="{name}" or @property="{name}"]')]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_scholar_open_graph_and_json_ld_tags_match_the_brief(site, which):
    brief, tree, path = _page(site, site["folders"][which])
    pdf = path.with_suffix(".pdf").name
    assert tree.get("lang") == brief.language
    assert tree.get("dir") == ("rtl" if brief.language.startswith("fa") else "ltr")
    assert _meta(tree, "citation_title") == [brief.title]
    assert _meta(tree, "citation_author") == [author.name for author in brief.authors]
    assert _meta(tree, "citation_publication_date") == [brief.date.strftime("%Y/%m/%d")]
    assert _meta(tree, "citation_pdf_url") == [BASE + pdf]
    assert _meta(tree, "citation_language") == [brief.language]
    assert _meta(tree, "og:title") == [brief.title]
    assert _meta(tree, "og:image")[0].startswith(BASE + "thumbs/")
    if brief.number:
        assert _meta(tree, "citation_technical_report_number") == [brief.number]
    if brief.publisher:
        assert _meta(tree, "citation_publisher") == [brief.publisher]
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert data["@type"] == "Report" and data["headline"] == brief.title
    assert data["datePublished"] == brief.date.isoformat() and data["inLanguage"] == brief.language
    assert [a["name"] for a in data["author"]] == [a.name for a in brief.authors]
    assert data["encoding"]["contentUrl"] == BASE + pdf
    assert data["encoding"]["encodingFormat"] == "application/pdf"
    # The download link, its size and page count, and the page-1 image, all siblings in the site.
    assert tree.xpath(f'//a[@download and @href="{pdf}"]')
    (image,) = tree.xpath("//main//img")
    assert (site["site"] / image.get("src")).is_file() and image.get("alt")


def test_cite_this_brief_in_the_house_style_with_bibtex_and_ris(site):
    brief, tree, path = _page(site, site["folders"][0])
    citation = " ".join(tree.xpath('//section[@class="cite"]//blockquote')[0].text_content().split())
    assert "Eurasia Security Desk" in citation and brief.title in citation and "2026" in citation
    assert path.read_text(encoding="utf-8").count("<!DOCTYPE") == 1  # the citation is no document of its own
    library = bibtexparser.parse_string(path.with_suffix(".bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "techreport" and entry["title"].strip("{}") == brief.title
    assert entry["year"] == "2026" and entry["institution"] == brief.publisher
    assert entry["url"] == BASE + path.name
    (record,) = rispy.loads(path.with_suffix(".ris").read_text(encoding="utf-8"))
    assert record["type_of_reference"] == "RPRT" and record["title"] == brief.title
    assert record["year"] == "2026" and record["urls"] == [BASE + path.name]
    assert record["keywords"] == brief.keywords


def test_the_catalogue_links_each_landing_page(site):
    index = lxml.html.fromstring((site["site"] / "index.html").read_bytes())
    links = {a.get("href") for a in index.xpath("//a")}
    for path in site["site"].glob("*.html"):
        if path.name != "index.html":
            assert path.name in links, path.name


def test_without_a_base_url_one_warning_names_the_tags_left_out(site, tmp_path):
    result = run(site["runner"], "publish", site["folders"][1], "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert result.output.count("--base-url") == 1 and "citation_pdf_url" in result.output
    (page,) = [p for p in (tmp_path / "site").glob("*.html") if p.name != "index.html"]
    tree = lxml.html.fromstring(page.read_bytes())
    assert not _meta(tree, "citation_pdf_url") and not _meta(tree, "og:image")
    assert _meta(tree, "citation_title")
    # A later run with an address writes the pages anew, though no brief changed.
    again = run(site["runner"], "publish", site["folders"][1], "-o", str(tmp_path / "site"),
                "--base-url", BASE)
    assert again.exit_code == 0 and "--base-url" not in again.output
    assert _meta(lxml.html.fromstring(page.read_bytes()), "citation_pdf_url")[0].startswith(BASE)


@needs_chromium
@pytest.mark.slow
def test_axe_core_finds_no_wcag_violation_on_the_catalogue_or_any_landing_page(site):
    from selenium_axe_python import Axe

    pages = ["index.html"] + sorted(p.name for p in site["site"].glob("*.html") if p.name != "index.html")
    assert len(pages) == 4
    with served(site["site"]) as url, chromium() as driver:
        for name in pages:
            driver.get(url + name)
            axe = Axe(driver)
            axe.inject()
            results = axe.run(options={"runOnly": {"type": "tag", "values": [
                "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]
            assert results["passes"] and not violations, (name, violations)


def test_a_landing_page_gets_the_faces_its_script_needs(site):
    """The Hindi page links the site's fonts.css, whose shipped faces hold every Devanagari
    letter the page shows, so a machine without Devanagari fonts shows text, not boxes."""
    import re

    from fontTools.ttLib import TTFont

    brief, tree, path = _page(site, site["folders"][1])
    assert tree.xpath('//link[@rel="stylesheet" and @href="fonts.css"]')
    sheet = (site["site"] / "fonts.css").read_text()
    covered = set()
    for name in re.findall(r'url\("([^"]+)"\)', sheet):
        covered |= set(TTFont(site["site"] / name).getBestCmap())
    letters = {ord(c) for c in tree.text_content() if 0x0900 <= ord(c) <= 0x097F}
    assert letters and letters <= covered, sorted(map(chr, letters - covered))


def test_a_brief_in_an_in_text_csl_style_is_published_with_its_reference_entry(make_brief, runner, tmp_path):
    """The landing page cites the brief by its reference-list entry, which Pandoc prints only
    when asked (nocite): the publish failed ("Document is empty")."""
    folder = make_brief({"brief.yaml": "title: A Minimal Brief\ndate: 2026-02-01\ncitation_format: apa\n"
                                       "authors:\n  - name: Test Desk\n"})
    result = run(runner, "publish", str(folder), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    (page,) = (tmp_path / "site").glob("2026-02-01-*.html")
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    citation = " ".join(tree.xpath('//section[@class="cite"]//blockquote')[0].text_content().split())
    assert citation == "Desk, T. (2026). A Minimal Brief [Issue Brief].", citation
