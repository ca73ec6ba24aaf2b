"""Commentary: CommonMark with citations, notes and figure blocks, to body HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.attrs import attrs_plugin

from . import links, logger, pipetables, rawhtml
from .blocks import read_options
from .errors import Problems
from .parsing import visible
from .syntax import KEYS, normal_key, parser
from .typography import ENGLISH, smarten

#: What an image may carry: Markdown's own, and the credit line printed under its caption.
IMAGE_ATTRIBUTES = {"src", "alt", "title", "credit"}
#: Fenced blocks that become figures; their body is YAML options.
BLOCK_KINDS = ("timeline", "chronology")
#: The element a fenced block leaves in the body; the page's figure or chronology replaces it
#: (placeholders.resolve). Raw HTML may not spell it (rawhtml.RESERVED).
BLOCK_TAG = "briefkit-block"

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
    #: Citation groups, each [(key, locator)]; `cite_marker(i)` stands for the i-th in the HTML,
    #: as `block_marker(i)` stands for `blocks[i]`.
    cites: list[list[tuple[str, str]]] = field(default_factory=list)
    #: Where each citation group was written ("commentary.md:12"), for layout reports.
    cite_sources: list[str] = field(default_factory=list)
    #: Lines of images without alt text: a warning, and an error where tagged PDF needs one.
    unlabelled: list[int] = field(default_factory=list)
    #: (line, url) of relative links: errors unless brief.yaml allows them (validation.py).
    local_links: list[tuple[int, str]] = field(default_factory=list)
    #: (problem, key) for each unknown citation key, so that validation can withdraw the ones
    #: that only follow from a sources file that could not be read.
    unknown: list[tuple[object, str]] = field(default_factory=list)


def cite_marker(index: int, role: str = "inline") -> str:
    """An element the page replaces, in reading order, with the formatted citation (placeholders.py).

    role: "note" for a citation in the text (a footnote, or "(Author 2020)" in an author-date
    format), "inline" inside a note, "row" for a chronology row (may point to an earlier note)."""
    return f'<span data-cites="{index}" data-role="{role}"></span>'


def block_marker(index: int) -> str:
    """The element the page's i-th figure or chronology replaces (placeholders.resolve)."""
    return f'<{BLOCK_TAG} data-index="{index}"></{BLOCK_TAG}>'


def parse(text: str, path: Path, known_keys: set[str], allow_html: bool, problems: Problems,
          folder: Path | None = None, allow_remote: bool = False, quotes: tuple[str, ...] = ENGLISH) -> Body:
    """Markdown to HTML: notes and citations as inline `bk-note.footnote`, blocks as elements.

    Links and images are checked against `folder` (the brief's): see `links.check_url`."""
    md = parser(allow_html, quotes)
    md.use(attrs_plugin, after=("image",))  # `![alt](photo.jpg "Caption"){credit="Photo: Agency"}`
    md.validateLink = lambda url: True  # every URL is judged by links.check_url, with its line
    known_keys = {normal_key(key) for key in known_keys}
    env: dict[str, Any] = {KEYS: known_keys}
    try:
        tokens = md.parse(text, env)
    except RecursionError:
        problems.add(path, 0, "the Markdown nests too deeply (quotes or lists inside each other)")
        return Body(Markup(""))
    tokens, definitions = _take_definitions(tokens, path, problems)
    tokens = pipetables.prepare(tokens)  # `Table: caption` paragraphs into their tables
    _set_lines(tokens)
    body = Body(Markup(""))
    before = len(problems.items)
    _screen(tokens, definitions, path, folder or path.parent, allow_remote, body, problems)
    seen_labels: set[str] = set()

    def note(html: str, line: int) -> str:
        return f'<bk-note class="footnote" data-source="{escape(path.name)}:{line}">{html}</bk-note>'

    def citation(tokens, idx, options, env) -> str:
        token = tokens[idx]
        missing = [key for key, _ in token.meta["cites"] if key not in known_keys]
        for key in missing:
            problems.add(path, token.meta["line"], f"unknown source @{key}{_closest(key, known_keys)}")
            body.unknown.append((problems.items[-1], key))
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
        options_, option_lines = read_options(token.content, path, line, problems)
        options_.update({key: smarten(options_[key], quotes) for key in ("caption", "alt")
                         if isinstance(options_.get(key), str)})
        body.blocks.append(Block(kind, options_, line, option_lines))
        return block_marker(len(body.blocks) - 1) + "\n"

    def paragraph_open(tokens, idx, options, env) -> str:
        # A paragraph that is one image is a photo: a figure whose caption is the image's title,
        # numbered with the charts; the alt text is only the image's (tags, screen readers).
        children = tokens[idx + 1].children or []
        if len(children) == 1 and children[0].type == "image":
            tokens[idx + 1].children = []
            tokens[idx + 2].hidden = True
            return photo(children[0])
        return default_render(tokens, idx, options, env)

    def photo(image: Token) -> str:
        alt, caption, credit = (smarten(str(text), quotes) if text else ""
                                for text in (image.content, image.attrGet("title"), image.attrGet("credit")))
        credit_html = f'<span class="credit">{escape(credit)}</span>' if credit else ""
        # No title, no caption and no number: a figure the text cannot name takes none.
        below = (f"<figcaption>{escape(caption)}{credit_html}</figcaption>" if caption
                 else f'<div class="credit">{escape(credit)}</div>' if credit else "")
        return (f'<figure class="photo"><img src="{escape(image.attrGet("src"))}" '
                f'alt="{escape(alt)}">{below}</figure>\n')

    def table_open(tokens, idx, options, env) -> str:
        # The caption is the table's first child; CSS numbers it ("Table 1.") in its own counter.
        caption = (tokens[idx].meta or {}).get("caption")
        inner = md.renderer.renderInline(caption.children, options, env) if caption else ""
        return default_render(tokens, idx, options, env) + (f"<caption>{inner}</caption>\n" if inner else "")

    def heading_open(tokens, idx, options, env) -> str:
        if tokens[idx].tag == "h2":
            body.headings.append(tokens[idx + 1].content)
        return default_render(tokens, idx, options, env)

    def literal(tokens, idx, options, env) -> str:  # the build fails: the reason is recorded
        return str(escape(tokens[idx].content))

    rules = md.renderer.rules
    default_fence, default_render = rules["fence"], md.renderer.renderToken
    rules.update(citation=citation, footnote_ref=footnote_ref, fence=fence, heading_open=heading_open,
                 table_open=table_open,
                 paragraph_open=paragraph_open, citation_error=literal, comment_unclosed=literal)
    try:
        html = md.renderer.render(tokens, md.options, env)
    except RecursionError:
        problems.add(path, 0, "the Markdown nests too deeply (quotes or lists inside each other)")
        html = ""
    for label, (line, _) in definitions.items():
        if label not in seen_labels:
            problems.add(path, line, f"footnote [^{label}] is defined but never called")
    body.html = Markup(html)
    if len(problems.items) == before and visible(text) and not (
            body.blocks or body.cites or "<img" in html or visible(_text_of(html))):
        problems.add(path, 1, "the commentary prints nothing (only comments, empty headings or "
                     "rules); write the brief's text")
    return body


def _screen(tokens: list[Token], definitions: dict, path: Path, folder: Path, allow_remote: bool,
            body: Body, problems: Problems) -> None:
    """What the tokens hold that cannot be printed, each reported once at its line: URLs that
    may not be used, raw HTML that spells briefkit's own markup, brackets that look like
    citations but are not, unclosed comments; images with no alt text are noted."""
    reported: set[tuple[int, str]] = set()

    def report(line: int, message: str) -> None:  # an element's opening and closing tags: once
        if (line, message) not in reported:
            reported.add((line, message))
            problems.add(path, line, message)

    for token in _all_tokens(tokens, definitions):
        line = token.meta.get("line") or (token.map[0] + 1 if token.map else 0)
        for message in rawhtml.reserved_attributes(token.attrs) if token.attrs else ():
            report(line, message)
        if token.type == "image" and (unknown := set(token.attrs) - IMAGE_ATTRIBUTES):
            report(line, f"an image takes only a credit in braces after it ({{credit=\"Photo: Agency\"}}); "
                         f"remove {', '.join(sorted(unknown))}")
            for name in unknown:
                del token.attrs[name]
        if token.type == "image" and not token.content.strip():
            body.unlabelled.append(line)
            logger.warning("%s:%d: an image has no alt text; write ![what it shows](%s)",
                           path, line, token.attrGet("src"))
        if token.type in ("link_open", "image"):
            attribute = "href" if token.type == "link_open" else "src"
            url = str(token.attrGet(attribute) or "")
            if error := links.check_url(url, token.type == "image", folder, allow_remote):
                report(line, error)
                token.attrSet(attribute, "")
            elif token.type == "link_open" and links.is_local(url):
                body.local_links.append((line, url))
        elif token.type == "citation_error":
            report(line, f"{token.content} is not a citation: {token.meta['why']}")
        elif token.type == "comment_unclosed":
            report(line, "<!-- opens a comment that is never closed; end it with --> "
                         "(in the same paragraph), or put it in `backticks` to print it")
        elif token.type in ("html_block", "html_inline"):
            token.content, errors, hrefs = rawhtml.screen(token.content)
            for message in errors + [e for url in hrefs if (e := links.check_url(url, False, folder,
                                                                                 allow_remote))]:
                report(line, message)
            body.local_links += [(line, url) for url in hrefs if links.is_local(url)]


def _all_tokens(tokens: list[Token], definitions: dict):
    """Every token, block and inline, of the text and of the note definitions."""
    for token in [*tokens, *(t for _, inner in definitions.values() for t in inner)]:
        yield token
        yield from token.children or []


def _text_of(html: str) -> str:
    import html as entities

    return entities.unescape(re.sub(r"<[^>]+>", "", html))


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
            if not any(visible(t.content) for t in current if t.type in ("inline", "fence", "code_block")):
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


def _set_lines(tokens: list[Token]) -> None:
    """Give inline tokens the absolute line they stand on, for error messages."""
    for token in tokens:
        if token.type == "inline" and token.map:
            for child in token.children or []:
                offset = (child.meta or {}).get("line_offset", 0)
                child.meta = {**(child.meta or {}), "line": token.map[0] + 1 + offset}


def _closest(key: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=3, cutoff=0.5)
    return f"; nearest: {', '.join('@' + c for c in close)}" if close else "; check sources.yaml"


def inline(text: str | None, allow_html: bool = False, quotes: tuple[str, ...] = ENGLISH) -> Markup:
    """A short Markdown field (summary, bio, disclaimer) to HTML; what field_problems refuses is
    printed as typed (the build has failed by then)."""
    if not text:
        return Markup("")
    md = parser(allow_html, quotes)
    for name in ("citation", "citation_error", "comment_unclosed"):
        md.add_render_rule(name, lambda self, tokens, idx, *args: str(escape(tokens[idx].content)))
    return Markup(md.render(text))


__all__ = ["Block", "Body", "parse", "inline", "escape"]
