"""Commentary: CommonMark with citations, notes and figure blocks, to body HTML."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

from . import logger
from .errors import Problems
from .typography import ENGLISH, smarten

#: Fenced blocks that become figures; their body is YAML options.
BLOCK_KINDS = ("timeline", "chronology")
BLOCK_OPTIONS = {"from", "to", "groups", "caption", "alt", "zoom"}

# A Pandoc citation item: optional prefix, @key, optional ", locator".
_CITE_ITEM = re.compile(r"^\s*(?P<prefix>[^@]*?)-?@(?P<key>[\w][\w:.#$%&\-+?<>~/]*)"
                        r"(?:\s*,\s*(?P<locator>.+?))?\s*$", re.S)
_CITE_BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")


@dataclass
class Block:
    """A `timeline` or `chronology` fenced block: where it stands and its options."""

    kind: str
    options: dict[str, Any]
    line: int
    #: The line of each option in the commentary.
    option_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int:
        return self.option_lines.get(key, self.line)


@dataclass
class Body:
    html: Markup
    blocks: list[Block] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    #: Citation groups, each [(key, locator)]; `cite_marker(i)` stands for the i-th in the HTML.
    cites: list[list[tuple[str, str]]] = field(default_factory=list)
    #: Where each citation group was written ("commentary.md:12"), for layout reports.
    cite_sources: list[str] = field(default_factory=list)
    #: Lines of images without alt text: a warning, and an error where tagged PDF needs one.
    unlabelled: list[int] = field(default_factory=list)


def cite_marker(index: int, role: str = "inline") -> str:
    """A placeholder the render stage replaces, in reading order, with the formatted citation.

    role: "note" for a citation in the text (a footnote, or "(Author 2020)" in an author-date
    format), "inline" inside a note, "row" for a chronology row (may point to an earlier note)."""
    return f'<span data-cites="{index}" data-role="{role}"></span>'


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for `[@key]`, `[@key, p. 20]` and `[@a; @b]` (Pandoc's bracketed citations)."""
    if state.src[state.pos] != "[":
        return False
    match = _CITE_BRACKET.match(state.src, state.pos)
    if not match or state.src[match.end():match.end() + 1] in ("(", "["):
        return False  # a link such as [@handle](url) stays a link
    items = [_CITE_ITEM.match(part) for part in match.group(1).split(";")]
    if not all(items):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {
            "cites": [(m["key"], m["locator"] or "") for m in items],
            "line_offset": state.src.count("\n", 0, state.pos),
        }
    state.pos = match.end()
    return True


_NOTE_CALL = re.compile(r"\[\^[^\[\]\s]+\]")


def _note_call(state: StateInline, silent: bool) -> bool:
    """The plugin's `[^label]` rule, tried only where a label closes before the next bracket:
    its own scan runs to the end of the paragraph from every `[^`, quadratic on `[^[^[^...`."""
    if not _NOTE_CALL.match(state.src, state.pos, state.posMax):
        return False
    return footnote_ref(state, silent, always_match=True)


def parser(allow_html: bool, quotes: tuple[str, ...] = ENGLISH) -> MarkdownIt:
    # maxNesting bounds how deep quotes and lists may nest: deeper input stays flat text.
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True, "maxNesting": 20,
                                   "quotes": list(quotes)})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    md.inline.ruler.at("footnote_ref", _note_call)
    md.use(attrs_block_plugin)  # `{.pull-quote}` on the line before a block gives it a class
    md.inline.ruler.before("link", "citation", _citation_rule)
    return md


def parse(text: str, path: Path, known_keys: set[str], allow_html: bool, problems: Problems,
          folder: Path | None = None, allow_remote: bool = False, quotes: tuple[str, ...] = ENGLISH) -> Body:
    """Markdown to HTML: notes and citations as inline `bk-note.footnote`, blocks as placeholders.

    Links and images are checked against `folder` (the brief's): see `_check_url`."""
    md = parser(allow_html, quotes)
    md.validateLink = lambda url: True  # every URL is judged by _check_url, with its line
    env: dict[str, Any] = {}
    try:
        tokens = md.parse(text, env)
    except RecursionError:
        problems.add(path, 0, "the Markdown nests too deeply (quotes or lists inside each other)")
        return Body(Markup(""))
    tokens, definitions = _take_definitions(tokens, path, problems)
    _set_lines(tokens)
    body = Body(Markup(""))
    for token in _inline_children(tokens, definitions):
        if token.type == "image" and not token.content.strip():
            body.unlabelled.append(token.meta.get("line", 0))
            logger.warning("%s:%d: an image has no alt text; write ![what it shows](%s)",
                           path, body.unlabelled[-1], token.attrGet("src"))
        if token.type in ("link_open", "image"):
            url = str(token.attrGet("href" if token.type == "link_open" else "src") or "")
            if error := _check_url(url, token.type == "image", folder or path.parent, allow_remote):
                problems.add(path, token.meta.get("line", 0), error)
                token.attrSet("href" if token.type == "link_open" else "src", "")
    seen_labels: set[str] = set()

    def note(html: str, line: int) -> str:
        return f'<bk-note class="footnote" data-source="{escape(path.name)}:{line}">{html}</bk-note>'

    def citation(tokens, idx, options, env) -> str:
        token = tokens[idx]
        missing = [key for key, _ in token.meta["cites"] if key not in known_keys]
        for key in missing:
            close = _closest(key, known_keys)
            problems.add(path, token.meta["line"], f"unknown source @{key}{close}")
        if missing:
            return ""
        body.cites.append(token.meta["cites"])
        body.cite_sources.append(f"{path.name}:{token.meta['line']}")
        # A citation inside a note stays inline in that note.
        return cite_marker(len(body.cites) - 1, "inline" if env.get("notes") else "note")

    def footnote_ref(tokens, idx, options, env) -> str:
        token = tokens[idx]
        label = token.meta["label"]
        if label not in definitions:
            problems.add(path, token.meta.get("line", 0),
                         f"footnote [^{label}] has no definition; add a line `[^{label}]: text`")
            return ""
        if label in env.get("notes", ()):  # its text would be printed inside itself, forever
            problems.add(path, token.meta.get("line", 0), f"footnote [^{label}] is called inside its own "
                         "text; a note cannot contain itself")
            return ""
        seen_labels.add(label)
        html = md.renderer.render(definitions[label][1], md.options,
                                  {**env, "notes": (*env.get("notes", ()), label)})
        return note(html.strip().removeprefix("<p>").removesuffix("</p>").replace("</p>\n<p>", " "),
                    token.meta.get("line", 0))

    def fence(tokens, idx, options, env) -> str:
        token = tokens[idx]
        kind = token.info.strip().split(" ")[0]
        if kind not in BLOCK_KINDS:
            return default_fence(tokens, idx, options, env)
        line = token.map[0] + 1 if token.map else 0
        options_, option_lines = _block_options(token.content, path, line, problems)
        options_.update({key: smarten(options_[key], quotes) for key in ("caption", "alt")
                         if isinstance(options_.get(key), str)})
        body.blocks.append(Block(kind, options_, line, option_lines))
        return f"<!--briefkit-block-{len(body.blocks) - 1}-->\n"

    def paragraph_open(tokens, idx, options, env) -> str:
        # A paragraph that is one image is a photo: a figure with caption (alt) and credit (title).
        children = tokens[idx + 1].children or []
        if len(children) == 1 and children[0].type == "image":
            image = children[0]
            tokens[idx + 1].children = []
            tokens[idx + 2].hidden = True
            caption, credit = (smarten(text, quotes) if text else text
                               for text in (image.content, image.attrGet("title")))
            credit_html = f' <span class="credit">{escape(credit)}</span>' if credit else ""
            return (f'<figure class="photo"><img src="{escape(image.attrGet("src"))}" '
                    f'alt="{escape(caption)}"><figcaption>{escape(caption)}{credit_html}'
                    "</figcaption></figure>\n")
        return default_render(tokens, idx, options, env)

    def heading_open(tokens, idx, options, env) -> str:
        if tokens[idx].tag == "h2":
            body.headings.append(tokens[idx + 1].content)
        return default_render(tokens, idx, options, env)

    rules = md.renderer.rules
    default_fence, default_render = rules["fence"], md.renderer.renderToken
    rules.update(citation=citation, footnote_ref=footnote_ref, fence=fence, heading_open=heading_open,
                 paragraph_open=paragraph_open)
    try:
        html = md.renderer.render(tokens, md.options, env)
    except RecursionError:
        problems.add(path, 0, "the Markdown nests too deeply (quotes or lists inside each other)")
        html = ""
    for label, (line, _) in definitions.items():
        if label not in seen_labels:
            problems.add(path, line, f"footnote [^{label}] is defined but never called")
    body.html = Markup(html)
    return body


def _take_definitions(tokens: list[Token], path: Path,
                      problems: Problems) -> tuple[list[Token], dict[str, tuple[int, list[Token]]]]:
    """Lift `[^label]: text` definitions out of the flow: their text goes where they are called."""
    kept, definitions = [], {}
    open_: list[tuple[str, int, list[Token]]] = []  # a definition may hold another (indented)
    for token in tokens:
        if token.type == "footnote_reference_open":
            open_.append((token.meta["label"], token.map[0] + 1 if token.map else 0, []))
        elif token.type == "footnote_reference_close" and open_:
            label, line, current = open_.pop()
            if not any(t.content.strip() for t in current if t.type in ("inline", "fence", "code_block")):
                problems.add(path, line, f"footnote [^{label}] is empty; write its text after `[^{label}]:`")
            if label in definitions:  # the author's first note would silently be lost
                problems.add(path, line, f"footnote [^{label}] is defined twice (first on line "
                             f"{definitions[label][0]}); give one of them another label")
            else:
                definitions[label] = (line, current)
        elif open_:
            open_[-1][2].append(token)
        else:
            kept.append(token)
    for _, inner in definitions.values():
        _set_lines(inner)
    return kept, definitions


def _inline_children(tokens: list[Token], definitions: dict):
    for token in [*tokens, *(t for _, inner in definitions.values() for t in inner)]:
        if token.type == "inline":
            yield from token.children or []


#: Link schemes a reader may follow from the PDF; images may also be data: URLs.
LINK_SCHEMES = {"http", "https", "mailto"}


def _check_url(url: str, image: bool, folder: Path, allow_remote: bool) -> str | None:
    """Why a link or image may not be used, or None. Images are read at build time, so they
    must be files inside the brief (or remote with --allow-remote); links are only printed."""
    scheme = urlsplit(url).scheme.lower()
    if url.startswith("#") or (scheme in LINK_SCHEMES and not image):
        return None
    if image and scheme in ("http", "https"):
        return None if allow_remote else f"remote image {url}: build with --allow-remote to fetch it"
    if image and scheme == "data":
        return None
    if scheme:
        return f"{scheme}: URLs are not allowed here ({url[:60]}); use http(s) links and local images"
    target = (folder / unquote(urlsplit(url).path)).resolve()
    if not target.is_relative_to(folder.resolve()):
        return f"{url} is outside the brief folder; copy it into the folder (e.g. images/)"
    if image and not target.is_file():
        return f"image {url} not found in the brief folder"
    return None


def _set_lines(tokens: list[Token]) -> None:
    """Give inline tokens the absolute line they stand on, for error messages."""
    for token in tokens:
        if token.type == "inline" and token.map:
            for child in token.children or []:
                offset = (child.meta or {}).get("line_offset", 0)
                child.meta = {**(child.meta or {}), "line": token.map[0] + 1 + offset}


def _block_options(text: str, path: Path, line: int, problems: Problems) -> tuple[dict[str, Any], dict]:
    """A fenced block's YAML options and the line of each; problems name the line in the commentary."""
    from .parsing import Unreadable, parse_yaml

    if not text.strip():
        return {}, {}
    local = Problems()
    try:
        options, lines = parse_yaml(path, text, local)
    except Unreadable:  # the problem is in `local`, with a line inside the block
        options, lines = None, {}
    for problem in local.items:
        problems.add(path, line + problem.line, f"block options: {problem.message}")
    if local:
        return {}, {}
    if not isinstance(options, dict):
        problems.add(path, line + 1, "block options must be key: value lines, e.g. `from: 2014`")
        return {}, {}
    for key in sorted(set(options) - BLOCK_OPTIONS):
        problems.add(path, line + lines[(key,)],
                     f"unknown block option {key!r}; options: {', '.join(sorted(BLOCK_OPTIONS))}")
    from .blocks import check_options

    for key, message in check_options(options):
        problems.add(path, line + lines.get((key,), 1), message)
    return options, {key: line + lines[(key,)] for key in options}


def _closest(key: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=3, cutoff=0.5)
    return f"; nearest: {', '.join('@' + c for c in close)}" if close else "; check sources.yaml"


def link_problems(text: str | None, folder: Path, allow_remote: bool) -> list[str]:
    """Why the links and images of a short Markdown field (summary, bio, an event's text) may
    not be used: the same rules as the commentary's."""
    found = []
    for token in _link_parser().parseInline(text or ""):
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                url = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
                if error := _check_url(url, child.type == "image", folder, allow_remote):
                    found.append(error)
    return found


@functools.cache
def _link_parser() -> MarkdownIt:
    md = parser(False)
    md.validateLink = lambda url: True  # every URL is judged by _check_url
    return md


def inline(text: str | None, allow_html: bool = False, quotes: tuple[str, ...] = ENGLISH) -> Markup:
    """A short Markdown field (summary, bio, disclaimer) to HTML."""
    if not text:
        return Markup("")
    return Markup(parser(allow_html, quotes).render(text))


__all__ = ["Block", "Body", "parse", "inline", "escape"]
