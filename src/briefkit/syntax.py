"""briefkit's Markdown syntax on top of CommonMark: citations (citesyntax.py), note calls, HTML comments.

The rules only recognise; commentary.py renders the tokens and reports what they found."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

from .citesyntax import KEYS, Cite, citation_rule, narrative_rule, normal_key, parse_citation
from .typography import ENGLISH

_NOTE_CALL = re.compile(r"\[\^[^\[\]\s]+\]")


def _note_call(state: StateInline, silent: bool) -> bool:
    """The plugin's `[^label]` rule, tried only where a label closes before the next bracket:
    its own scan runs to the end of the paragraph from every `[^`, quadratic on `[^[^[^...`."""
    if not _NOTE_CALL.match(state.src, state.pos, state.posMax):
        return False
    return footnote_ref(state, silent, always_match=True)


def comment_end(text: str, start: int) -> int:
    """The index after the HTML comment opening at `start`, or -1 if it is never closed.
    `<!-->` and `<!--->` are empty comments (HTML and CommonMark alike)."""
    for empty in ("<!-->", "<!--->"):
        if text.startswith(empty, start):
            return start + len(empty)
    end = text.find("-->", start + 4)
    return -1 if end < 0 else end + 3


_COMMENTS = re.compile(r"<!--(?:>|->|[\s\S]*?-->)")


def drop_comments(html: str) -> tuple[str, bool]:
    """Raw HTML without its comments, and whether one is left open (it runs to the end, as in
    a browser, and is dropped with what follows it)."""
    html = _COMMENTS.sub("", html)
    return html.partition("<!--")[0], "<!--" in html


def _comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A comment that stands on its own lines is dropped, whatever `allow_html` says: comments
    are the author's notes to themselves (brief-format.md). Text after `-->` on its last line
    makes it part of a paragraph instead (the inline rule drops the comment, keeps the text)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", pos):
        return False
    stop = comment_end(state.src, pos)
    if stop < 0:
        return False
    last = start
    while last < end and state.eMarks[last] < stop:
        last += 1
    if last >= end or state.src[stop:state.eMarks[last]].strip():
        return False
    if not silent:
        token = state.push("comment", "", 0)
        token.map = [start, last + 1]
    state.line = last + 1
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    stop = comment_end(state.src, state.pos)
    if not silent:
        token = state.push("comment" if 0 <= stop <= state.posMax else "comment_unclosed", "", 0)
        token.content = "<!--"
        token.meta = {"line_offset": state.src.count("\n", 0, state.pos)}
    state.pos = stop if 0 <= stop <= state.posMax else state.pos + 4
    return True


def parser(allow_html: bool, quotes: tuple[str, ...] = ENGLISH) -> MarkdownIt:
    # maxNesting bounds how deep quotes and lists may nest: deeper input stays flat text.
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True, "maxNesting": 20,
                                   "quotes": list(quotes)})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    md.inline.ruler.at("footnote_ref", _note_call)
    md.use(attrs_block_plugin)  # `{.pull-quote}` on the line before a block gives it a class
    md.inline.ruler.before("link", "citation", citation_rule)
    md.inline.ruler.before("link", "narrative_citation", narrative_rule)
    # Like an HTML block, a comment may interrupt a paragraph, so it can follow a line of text.
    md.block.ruler.before("html_block", "comment", _comment_block,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("html_inline", "comment", _comment_inline)
    md.add_render_rule("comment", lambda *args: "")
    return md


__all__ = ["KEYS", "Cite", "comment_end", "drop_comments", "normal_key", "parse_citation", "parser"]
