"""briefkit's Markdown syntax on top of CommonMark: citations, note calls, HTML comments.

The rules only recognise; commentary.py renders the tokens and reports what they found."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.link import link
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

from .errors import did_you_mean
from .typography import ENGLISH

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
#: An @ that starts a citation item: first in the bracket, or after a space, `;` or Pandoc's `-`
#: (author suppressed). `me@example.org` is not one.
_LOOKS_CITED = re.compile(r"^\s*-?@|(?:^|[\s;\-])@[^\s\]]")
#: An item: Pandoc's prefix (text ending in a space), `-` to suppress the author, `@`, the rest.
_ITEM = re.compile(r"^\s*(?P<prefix>(?:.*?\s)?)(?P<minus>-?)@(?P<rest>.*)$", re.S)
#: Pandoc's citation key: a letter, digit or _, then those and internal :.#$%&-+?<>~/
_KEY = re.compile(r"[\w][\w:.#$%&\-+?<>~/]*")
#: A key in running text (`@neale says`): its punctuation only inside it, so `@neale.` is `neale`.
_TEXT_KEY = re.compile(r"\w+(?:[:.#$%&\-+?<>~/]+\w+)*")
#: A locator, then Pandoc's suffix after a comma: `p. 3, for details`, `chap. 4`, `515`, `pp. 3-5`.
_NUMBER = r"[\dIVXLCDMivxlcdm]+\w*"
_LOCATOR = re.compile(rf"(?P<locator>(?:[^\W\d_]+\.?\s*)?{_NUMBER}(?:\s*[-–—,&]\s*{_NUMBER})*)"
                      r"(?P<suffix>,\s+\D.*)?", re.S)


class Cite(tuple):
    """One cited item: unpacks as (key, locator), as the rest of briefkit reads it, and carries
    Pandoc's prefix (`see`), suffix (`, for details`), `suppress` (`-@a`) and `narrative` (`@a`)."""

    def __new__(cls, key: str, locator: str = "", prefix: str = "", suffix: str = "",
                suppress: bool = False, narrative: bool = False):
        cite = super().__new__(cls, (key, locator))
        cite.prefix, cite.suffix, cite.suppress, cite.narrative = prefix, suffix, suppress, narrative
        return cite

    def __getnewargs__(self):  # copies and pickles keep the extras
        return (*self, self.prefix, self.suffix, self.suppress, self.narrative)


def split_locator(text: str) -> tuple[str, str]:
    """(locator, suffix) of what follows a key's comma: `p. 3, for details` -> (`p. 3`,
    `, for details`). Text that is not a locator and a suffix stays the locator, as written."""
    text = text.strip()
    match = _LOCATOR.fullmatch(text)
    if not match or not match["suffix"]:
        return text, ""
    return match["locator"].strip(), match["suffix"].rstrip()
#: The env entry holding the source ids, so the rule can accept an id that Pandoc's grammar would not.
KEYS = "briefkit_keys"


def normal_key(key: str) -> str:
    """A citation key or source id in one Unicode form (NFC), outer spaces removed: `müller`
    typed as u + combining diaeresis (macOS, some editors) is the same key."""
    return unicodedata.normalize("NFC", key.strip())


def parse_citation(inner: str, known: set[str]) -> tuple[list[Cite] | None, str]:
    """The items of a bracket's text, or None and why it is not a citation."""
    cites = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if not match:
            return None, f"each item of a citation needs an @key ({part.strip()!r} has none)"
        rest = match["rest"]
        if rest.startswith("{") and "}" in rest:  # Pandoc's @{any key}
            key, _, after = rest[1:].partition("}")
            locator = after.strip().removeprefix(",").strip()
        else:
            key, _, locator = rest.partition(",")
        key, locator = normal_key(key), locator.strip()
        if not key:
            return None, "an @ with no key after it; write [@key] with a key of sources.yaml"
        if key not in known and not _KEY.fullmatch(key):
            return None, _bad_key(key, known)
        locator, suffix = split_locator(locator)
        cites.append(Cite(key, locator, " ".join(match["prefix"].split()), suffix, bool(match["minus"])))
    return cites, ""


def _bad_key(key: str, known: set[str]) -> str:
    head = key.split()[0] if key.split() else ""
    if head in known:
        return f"put a comma after the key: [@{head}, {key[len(head):].strip()}]"
    hint = did_you_mean(key, known) or did_you_mean(re.sub(r"[\s'’]+", "-", key), known)
    return (f"a key has no spaces or quotes (an id that has them is written @{{{key}}})"
            f"{hint or '; check the ids in sources.yaml'}")


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """`[@key]`, `[@key, p. 20]`, `[@a; @b]` (Pandoc's bracketed citations). A bracket that looks
    like one but cannot be read becomes a `citation_error` token: never literal text, silently."""
    if state.src[state.pos] != "[":
        return False
    match = _BRACKET.match(state.src, state.pos, state.posMax)
    if not match or not _LOOKS_CITED.search(match.group(1)):
        return False
    start = state.pos
    is_link = link(state, True)  # [@handle](url), [@x][ref], or [@x] with `[@x]: url` defined
    state.pos = start
    if is_link:
        return False
    cites, why = parse_citation(match.group(1), state.env.get(KEYS, set()))
    if not silent:
        token = state.push("citation" if cites else "citation_error", "", 0)
        token.content = match.group(0)
        token.meta = {"cites": cites, "why": why, "line_offset": state.src.count("\n", 0, state.pos)}
    state.pos = match.end()
    return True


def _narrative_rule(state: StateInline, silent: bool) -> bool:
    """`@key` and `@key [p. 3]` in running text (Pandoc's narrative citation), where `key` is a
    source. Not after a letter or digit (`me@example.org`); an @word that is no source stays
    text (`@nytimes`), unless it is a near miss of one: then a `citation_error` says which."""
    pos = state.pos
    if state.src[pos] != "@" or state.linkLevel > 0 or (pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] == "_")):
        return False
    known = state.env.get(KEYS, set())
    if state.src.startswith("{", pos + 1) and "}" in state.src[pos + 2:state.posMax]:  # @{any key}
        end = state.src.index("}", pos + 2)
        key, stop = normal_key(state.src[pos + 2:end]), end + 1
    else:
        match = _TEXT_KEY.match(state.src, pos + 1, state.posMax)
        if not match:
            return False
        key, stop = normal_key(match[0]), match.end()
    if key not in known:
        hint = did_you_mean(key, known) if known else ""
        if not hint:
            return False
        if not silent:
            token = state.push("citation_error", "", 0)
            token.content = state.src[pos:stop]
            token.meta = {"cites": None, "line_offset": state.src.count("\n", 0, pos),
                          "why": f"no source has the key {key!r}{hint} (write \\@{key} to print an @)"}
        state.pos = stop
        return True
    locator, suffix = "", ""
    bracket = _BRACKET.match(state.src, stop + (state.src[stop:stop + 1] == " "), state.posMax)
    if bracket and not _LOOKS_CITED.search(bracket[1]) and not bracket[1].startswith("^"):
        state.pos = bracket.start()
        is_link = link(state, True)
        state.pos = pos
        if not is_link:
            locator, suffix = split_locator(bracket[1].strip().removeprefix(",").strip())
            stop = bracket.end()
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[pos:stop]
        token.meta = {"cites": [Cite(key, locator, "", suffix, narrative=True)], "why": "",
                      "line_offset": state.src.count("\n", 0, pos)}
    state.pos = stop
    return True


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
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "narrative_citation", _narrative_rule)
    # Like an HTML block, a comment may interrupt a paragraph, so it can follow a line of text.
    md.block.ruler.before("html_block", "comment", _comment_block,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("html_inline", "comment", _comment_inline)
    md.add_render_rule("comment", lambda *args: "")
    return md
