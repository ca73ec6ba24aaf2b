"""Templates and styles at the HTML stage (no layout): golden pages, the template search path."""

from __future__ import annotations

import os
import re

import pytest
from support import ROOT, copy_sample, html_of, run, text_of, write_style

from briefkit import styles, stylesearch

GOLDEN = ROOT / "tests" / "golden"


def _portable(html: str) -> str:
    """File URIs differ between machines (checkout, virtualenv): keep only the file's name."""
    return re.sub(r"file://[^\"')\s]*/", "file:///.../", html)


@pytest.mark.parametrize("name", ["think-tank", "policy-memo", "article"])
def test_each_built_in_style_fills_its_templates_as_recorded(tmp_path, name):
    """The whole page a style makes of the sample, against a recorded copy: any change to a
    template, a style's CSS, escaping or citations shows here as a diff. After an intended
    change, record again with BRIEFKIT_GOLDEN=update and read the diff before committing."""
    html = _portable(html_of(copy_sample(tmp_path, style=name)))
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("BRIEFKIT_GOLDEN") == "update":
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), f"{name}: the page changed; see the docstring"



def test_base_reaches_the_parent_styles_template_then_the_built_in(brief):
    """A child of policy-memo extends policy-memo's memo head (not the built-in cover), and a
    grandchild reaches the child's: `base/` is one step down the chain from where it is written."""
    write_style(brief / "styles", "memo-child", "extends: policy-memo\n",
                templates={"partials/cover.html.j2": '<p class="confidential">Confidential</p>\n'
                                           '{% include "base/partials/cover.html.j2" %}\n'})
    write_style(brief / "styles", "memo-grandchild", "extends: memo-child\n",
                templates={"partials/cover.html.j2": '{% extends "base/partials/cover.html.j2" %}\n'})
    for name in ("memo-child", "memo-grandchild"):
        html = html_of(brief, style=name)
        assert '<p class="confidential">Confidential</p>' in html, name
        assert 'class="cover memo-head"' in html and html.count('class="cover') == 1, name


def test_asked_from_outside_a_template_base_is_the_built_in():
    from briefkit.document import brief_env

    env = brief_env(styles.find("policy-memo"))
    source = env.loader.get_source(env, "base/partials/cover.html.j2")[1]
    assert source == str(stylesearch.BUILTIN_TEMPLATES / "partials" / "cover.html.j2")
    assert env.loader.get_source(env, "partials/cover.html.j2")[1].startswith(
        str(stylesearch.BUILTIN_STYLES / "policy-memo"))


def test_base_below_the_built_ins_is_an_error_naming_the_template(brief, runner):
    write_style(brief / "styles", "deep", "extends: think-tank\n",
                templates={"partials/cover.html.j2": '{% extends "base/partials/nothing.html.j2" %}\n'})
    result = run(runner, "check", str(brief), "--style", "deep")
    assert result.exit_code == 1, result.output
    assert "styles/deep/templates/partials/cover.html.j2:1: template base/partials/nothing.html.j2 " \
        "not found" in result.output
    assert "unexpected error" not in result.output


def test_a_citation_inside_a_note_reads_as_part_of_its_sentence(make_brief):
    """A space after the note's own sentence, no full stop of its own before the author's
    punctuation, and Chicago's short title for a source without an author (no ellipsis)."""
    folder = make_brief({
        "sources.yaml": "- id: s\n  type: book\n  title: Central Asia's Water Crisis\n"
                        "  author: [{family: Sorensen, given: Ann}]\n  issued: 2019\n"
                        "- id: w\n  type: report\n  title: Amu Darya Basin Water Management Study\n"
                        "  publisher: World Bank\n  issued: 2010\n",
        "commentary.md": "Text.[^a] More.[^b] Once.[@w, p. 3] Again.[@w, p. 33]\n\n"
                         "[^a]: As much as the canal's length.[@s, p. 15]\n"
                         "[^b]: See [@s, p. 16]; and [@s].\n"})
    notes = [text_of(note) for note in re.findall(r"<bk-note[^>]*>.*?</bk-note>", html_of(folder))]
    assert notes[0].endswith("length. Ann Sorensen, Central Asia’s Water Crisis (2019), p. 15.")
    short = "Sorensen, Central Asia’s Water Crisis"
    assert notes[1] == f"See {short}, p. 16; and {short}."
    assert notes[3] == "“Amu Darya Basin Water”, World Bank, p. 33."  # no author: the publisher kept


#: CSL types a brief cites, each as an authorless source in the test below.
CSL_TYPES = ["book", "report", "article-journal", "article-newspaper", "article-magazine", "webpage",
             "post-weblog", "chapter", "thesis", "dataset", "legislation", "legal_case", "document",
             "interview", "speech", "broadcast", "map", "manuscript"]


@pytest.mark.parametrize("kind", CSL_TYPES)
def test_a_source_without_an_author_is_shortened_to_the_first_four_words_of_its_title(make_brief, kind):
    folder = make_brief({
        "sources.yaml": f"- id: w\n  type: {kind}\n  title: 'Amu Darya Basin Water Management: A Study'\n"
                        "  publisher: World Bank\n  issued: 2010\n",
        "commentary.md": "Once.[@w, p. 3] Again.[@w, p. 33]\n"})
    notes = [text_of(note) for note in re.findall(r"<bk-note[^>]*>.*?</bk-note>", html_of(folder))]
    title = "Amu Darya Basin Water Management: A Study"  # a book-like item's is in italics, not quoted
    assert notes[0].startswith(title if kind in ("book", "dataset", "map") else f"“{title}”"), notes[0]
    short = "Amu Darya Basin Water" if kind in ("book", "dataset", "map") else "“Amu Darya Basin Water”"
    assert notes[1] == f"{short}, World Bank, p. 33."  # no author: the publisher kept


@pytest.mark.parametrize(("language", "marks"), [("en", "“”‘’"), ("ru", "«»„“"), ("de", "„“‚‘")])
def test_titles_names_events_and_source_fields_get_the_typographic_quotes_the_body_gets(
        make_brief, language, marks):
    """The language's quotation marks, outer and inner, and ’ for apostrophes, wherever briefkit
    prints text; a URL keeps its straight quotes."""
    o, c, io, ic = marks
    folder = make_brief({
        "brief.yaml": f"""\
            title: The "Moscow Format's" Test
            subtitle: Kabul's 'quiet' turn
            date: 2026-02-01
            language: {language}
            authors:
              - name: Sean O'Brien
                affiliation: Institute for "Peace"
            summary: A "summary" that's short.
            """,
        "sources.yaml": "- id: s\n  type: article-newspaper\n  title: Russia's \"historic\" step\n"
                        "  container-title: The Times' Wire\n  URL: https://example.org/it's\n",
        "events.yaml": "events:\n  - date: 2025-07-03\n    title: Envoy's \"credentials\"\n",
        "commentary.md": "He said \"it's 'done'\".[@s]\n\n```chronology\ncaption: The envoy's year\n```\n\n"
                         "![A photo](photo.png \"A \\\"photo\\\"\"){credit=\"Desk's\"}\n"})
    (folder / "photo.png").write_bytes((ROOT / "docs" / "images" / "sample-page-1.png").read_bytes())
    html = html_of(folder)
    text = text_of(re.sub(r"<(style|title)>.*?</\1>", "", html, flags=re.S))
    for printed in (f"The {o}Moscow Format’s{c} Test", f"Kabul’s {io}quiet{ic} turn", "Sean O’Brien",
                    f"A {o}summary{c} that’s short.", f"Envoy’s {o}credentials{c}", "The Times’ Wire",
                    "The envoy’s year", f"A {o}photo{c}", "Desk’s",
                    f"He said {o}it’s {io}done{ic}{c}", f"{o}Russia’s {o}historic{c} step{c}"):
        assert printed in text, printed
    assert 'href="https://example.org/it&#39;s"' in html or "href=\"https://example.org/it's\"" in html
    assert "'" not in text.replace("https://example.org/it's", "") and '"' not in text


def test_a_house_fills_one_named_block_and_a_block_that_does_not_exist_is_an_error(brief, runner):
    """The built-in partials have blocks for what a house changes (logo, publisher, series,
    title, subtitle, byline, date, summary_heading, disclaimer, colophon); a misspelt one is
    an error naming the template and line, where Jinja would drop it without a word."""
    write_style(brief / "styles", "house", "extends: think-tank\n",
                templates={"partials/cover.html.j2": '{% extends "base/partials/cover.html.j2" %}\n'
                                           '{% block publisher %}<p class="publisher">Meridian House</p>'
                                           '{% endblock %}\n',
                 "partials/closing.html.j2": '{% extends "base/partials/closing.html.j2" %}\n'
                                             '{% block colophon %}<p>© Meridian</p>{% endblock %}\n'})
    html = html_of(brief, style="house")
    assert '<p class="publisher">Meridian House</p>' in html and "<p>© Meridian</p>" in html
    assert "Meridian Institute for Policy Studies</p>" not in html and 'class="title"' in html
    write_style(brief / "styles", "typo", "extends: think-tank\n",
                templates={"partials/cover.html.j2": '{% extends "base/partials/cover.html.j2" %}\n\n'
                                           '{% block publsher %}x{% endblock %}\n'})
    result = run(runner, "check", str(brief), "--style", "typo")
    assert result.exit_code == 1
    assert "typo/templates/partials/cover.html.j2:3: block 'publsher' is not in base/partials/cover.html.j2" \
        in result.output and "publisher" in result.output


def test_an_author_date_citation_goes_inside_its_sentence_and_may_break(brief):
    """`claim.[@key]` (as the sample writes it) prints "claim (Author Year)." in author-date
    formats, and the citation may break at its spaces (no nowrap stretching justified lines)."""
    write_style(brief / "styles", "ad", "extends: think-tank\ncitation_format: author-date\n")
    html = html_of(brief, style="ad")
    assert re.search(r'[a-z] <span class="citation">\([^<]+\)</span>\.', html)
    assert not re.search(r'\.\s*<span class="citation">', html)
    assert not re.search(r"\.citation\s*\{[^}]*nowrap", html)
