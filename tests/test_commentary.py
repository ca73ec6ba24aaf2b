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
    assert "<!--briefkit-block-0-->" in result.html


def test_other_fences_stay_code():
    assert "<pre><code" in body("```python\nprint(1)\n```\n").html


def test_section_headings_are_collected_for_the_outline():
    assert body("## One\n\ntext\n\n## Two\n").headings == ["One", "Two"]


def test_unknown_key_names_line_and_nearest_keys():
    problems = Problems()
    parse("Line one.\n\nLine three cites [@crs-2030].\n", Path("c.md"), KEYS, False, problems)
    [problem] = problems.items
    assert problem.line == 3 and "@crs-2003" in problem.message
