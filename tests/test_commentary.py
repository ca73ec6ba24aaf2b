"""Commentary and citations: the Markdown stage on its own, read back from its HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.commentary import parse
from briefkit.errors import Problems

KEYS = {"a", "b", "crs-2003"}


def body(text: str, allow_html: bool = False):
    problems = Problems()
    result = parse(text, Path("commentary.md"), KEYS, allow_html, problems)
    assert not problems, problems.items
    return result


@pytest.mark.parametrize("text, cites", [
    ("Text.[@a]", [[("a", "")]]),
    ("Text.[@crs-2003, p. 20]", [[("crs-2003", "p. 20")]]),
    ("Text.[@a; @b, pp. 3-4]", [[("a", ""), ("b", "pp. 3-4")]]),
    ("One.[@a] Two.[@b]", [[("a", "")], [("b", "")]]),
])
def test_pandoc_citations_become_one_note_per_bracket(text, cites):
    result = body(text)
    assert result.cites == cites
    assert str(result.html).count('data-role="note"') == len(cites)


def test_a_link_whose_text_starts_with_at_stays_a_link():
    result = body("Ask [@a](https://example.org) or mail me@example.org.")
    assert result.cites == []
    assert '<a href="https://example.org">@a</a>' in result.html


def test_free_notes_go_where_they_are_called_and_keep_markdown():
    result = body("Claim.[^x] More.\n\n[^x]: A note with *emphasis* and a cite [@b].\n")
    html = str(result.html)
    assert html.index('class="footnote"') < html.index("More.")
    assert "<em>emphasis</em>" in html
    assert html.count('class="footnote"') == 1
    assert 'data-role="inline"' in html  # the cite inside the note stays in that note
    assert result.cites == [[("b", "")]]


def test_raw_html_is_text_unless_allowed():
    assert "&lt;script&gt;" in body("<script>alert(1)</script>\n").html
    assert "<b>bold</b>" in body("Some <b>bold</b> text.", allow_html=True).html


def test_fenced_blocks_become_placeholders_with_their_options():
    result = body("Before.\n\n```timeline\nfrom: 2014\ncaption: Recent\n```\n\nAfter.\n")
    assert [(b.kind, b.options, b.line) for b in result.blocks] == [
        ("timeline", {"from": 2014, "caption": "Recent"}, 3)]
    assert '<briefkit-block data-index="0"></briefkit-block>' in result.html


def test_other_fences_stay_code():
    assert "<pre><code" in body("```python\nprint(1)\n```\n").html


def test_section_headings_are_collected_for_the_outline():
    assert body("## One\n\ntext\n\n## Two\n").headings == ["One", "Two"]


def test_unknown_key_names_line_and_nearest_keys():
    problems = Problems()
    parse("Line one.\n\nLine three cites [@crs-2030].\n", Path("c.md"), KEYS, False, problems)
    [problem] = problems.items
    assert problem.line == 3 and "@crs-2003" in problem.message


# --- Pandoc's citation syntax: prefixes, suffixes, suppressed authors, narrative citations ------

def _extras(cite) -> tuple:
    return (*cite, cite.prefix, cite.suffix, cite.suppress, cite.narrative)


@pytest.mark.parametrize("text, expected", [
    ("Text.[see @a, p. 3, for details]", ("a", "p. 3", "see", ", for details", False, False)),
    ("Text.[@a, 515]", ("a", "515", "", "", False, False)),
    ("Text.[-@a, p. 3]", ("a", "p. 3", "", "", True, False)),
    ("Text.[compare -@a]", ("a", "", "compare", "", True, False)),
    ("Text.[@a, chap. 4, and passim]", ("a", "chap. 4", "", ", and passim", False, False)),
    ("Text.[@a, pp. 3-5]", ("a", "pp. 3-5", "", "", False, False)),
    ("As @a [p. 3] says.", ("a", "p. 3", "", "", False, True)),
    ("As @a[p. 3, for details] says.", ("a", "p. 3", "", ", for details", False, True)),
    ("As @a says.", ("a", "", "", "", False, True)),
    ("(@crs-2003).", ("crs-2003", "", "", "", False, True)),
])
def test_pandoc_s_prefixes_suffixes_suppressed_authors_and_narrative_citations_are_read(text, expected):
    result = body(text)
    assert [_extras(cite) for group in result.cites for cite in group] == [expected]


@pytest.mark.parametrize("text", [
    "Mail me@example.org or desk_1@example.org.",
    "Follow @nytimes and @un_news for updates.",  # handles that are no source stay text
    "Ask [@a](https://example.org).",
    "Write \\@a to print the key.",
    "Code `@a` is code.",
    "Read https://medium.com/@a/post and x=@a.",
])
def test_an_at_sign_that_is_no_source_stays_text(text):
    result = body(text)
    assert result.cites == []
    assert "@" in str(result.html)


def test_a_narrative_citation_s_bracket_that_is_a_note_call_or_a_link_is_not_its_locator():
    result = body("As @a [^n] says.\n\n[^n]: A note.\n")
    assert [list(group) for group in result.cites] == [[("a", "")]]
    assert 'class="footnote"' in str(result.html)


def test_a_narrative_key_close_to_a_source_s_is_an_error_with_did_you_mean():
    problems = Problems()
    parse("As @crs-2030 says.", Path("commentary.md"), KEYS, False, problems)
    assert [str(p) for p in problems.items] and "did you mean 'crs-2003'" in str(problems.items[0])
    assert "commentary.md" in str(problems.items[0]) and ":1" in str(problems.items[0])


@pytest.mark.parametrize("text", ["[@`[`]", "[@a; [@b]]"])
def test_a_citation_s_bracket_holding_another_bracket_is_an_error_not_text(text):
    """Found by the fuzz test (tests/hostile): `[@`[`]` printed as typed with no problem."""
    problems = Problems()
    parse(text, Path("commentary.md"), KEYS, False, problems)
    assert "is not a citation: a citation's brackets hold its items only" in str(problems.items[0])
