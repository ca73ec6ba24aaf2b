"""Blocks and notes resolved on the page's tree (placeholders.py): reading order, and the page's own markup kept."""

from markupsafe import Markup

from briefkit import placeholders
from briefkit.commentary import block_marker, cite_marker

HEAD = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>'
TAIL = "</body></html>"
J = placeholders.JOIN


class Citer:
    """Writes each citation as its key, with a full stop when it ends its note; records the calls."""

    def __init__(self, in_text: bool = False):
        self.in_text, self.calls = in_text, []

    def note(self, group, terminate=True, at=0, inline=False):
        self.calls.append((group[0][0], terminate, at, inline))
        return Markup(f"<i>{group[0][0]}</i>" + ("." if terminate else ""))

    def author(self, group):
        return "Author"


def resolve(body: str, cites: list, citer=None, blocks=(), own=frozenset(), sources=None) -> str:
    page = placeholders.resolve(HEAD + body + TAIL, blocks, cites, citer or Citer(), str, own, sources)
    assert page.startswith(HEAD) and page.endswith(TAIL)
    return page[len(HEAD):-len(TAIL)]


def test_a_page_without_placeholders_is_written_back_as_it_was():
    body = ('<p class="dek">A &amp; B, “quoted” &lt;tags&gt;</p>\n  <ul>\n<li>one</li>\n</ul>\n'
            '<figure><img src="x.png" alt=""><figcaption>C</figcaption></figure>\n')
    assert resolve(body, []) == body


def test_blocks_take_their_place_and_keep_the_text_after_them():
    body = f"<p>Before.</p>\n{block_marker(1)}\n<p>Between.</p>\n{block_marker(0)}\n"
    blocks = ["<figure>zero</figure>", '\n<table class="chronology"><tr><td>one</td></tr></table>\n']
    assert resolve(body, [], blocks=blocks) == (
        '<p>Before.</p>\n\n<table class="chronology"><tr><td>one</td></tr></table>\n\n'
        "<p>Between.</p>\n<figure>zero</figure>\n")


def test_notes_are_numbered_in_reading_order_with_rows_pointing_back():
    cites = [[("a", "")], [("b", "")], [("a", "")], [("c", "")]]
    citer = Citer()
    body = (f'<p>One{cite_marker(0, "note")}. A note<bk-note class="footnote" data-source="c.md:3">'
            f'See{cite_marker(1)}</bk-note> and{cite_marker(3, "note")}.</p>'
            f'<table><tr><td>Row{cite_marker(2, "row")}</td></tr></table>')
    out = resolve(body, cites, citer, sources=["c.md:1", "c.md:3", "e.yaml:4", "c.md:5"])
    assert out == (
        f'<p>One{J}<bk-note class="footnote" id="note-1" data-n="1" data-source="c.md:1"><i>a</i>.</bk-note>. '
        f'A note{J}<bk-note class="footnote" id="note-2" data-n="2" data-source="c.md:3">See <i>b</i>.</bk-note>'
        f' and{J}<bk-note class="footnote" id="note-3" data-n="3" data-source="c.md:5"><i>c</i>.</bk-note>.</p>'
        '<table><tr><td>Row<a class="note-ref" href="#note-1" data-row="2">1</a></td></tr></table>')
    # The first citation of a note is formatted knowing its number; one inside a note, the note's.
    assert citer.calls == [("a", True, 1, False), ("b", True, 2, True), ("c", True, 3, False)]


def test_a_row_in_own_gets_a_note_of_its_own():
    cites = [[("a", "")], [("a", "")]]
    out = resolve(f'<p>One{cite_marker(0, "note")}.</p><p>Row{cite_marker(1, "row")}</p>', cites, own={1})
    assert 'id="note-2"' in out and "note-ref" not in out


def test_a_citation_inside_a_note_ends_it_only_at_its_end():
    citer = Citer()
    body = (f'<p>X<bk-note class="footnote">First{cite_marker(0)}; then <em>so</em>{cite_marker(1)} '
            f'more.</bk-note></p>')
    out = resolve(body, [[("a", "")], [("b", "")]], citer)
    assert "First <i>a</i>; then <em>so</em><i>b</i> more." in out  # no space after a tag
    assert [terminate for _, terminate, _, _ in citer.calls] == [False, False]


def test_author_date_citations_move_before_the_punctuation():
    citer = Citer(in_text=True)
    out = resolve(f'<p>Claim.{cite_marker(0, "note")}{cite_marker(1, "note")} Next</p>',
                  [[("a", "")], [("b", "")]], citer)
    assert out == ('<p>Claim <span class="citation"><i>a</i>.</span> '
                   '<span class="citation"><i>b</i>.</span>. Next</p>')
