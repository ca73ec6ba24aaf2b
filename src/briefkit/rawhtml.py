"""Raw HTML a brief passes through (`allow_html: true`): what may and may not reach the page.

briefkit marks notes, citations and figures in the HTML it builds (`bk-note`, `data-cites`,
`<briefkit-block>`) and fills them in later; raw HTML that spelt one of those would be
taken for briefkit's own (a crash, or a note made of nothing). Text and code are escaped, so
raw HTML is the only way such markup can come from a brief: it is refused there, and comments
are dropped before anything reads them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .syntax import drop_comments

#: What briefkit's own markup is made of; a brief's HTML may not use it. Each alternative
#: captures the name to report: an element, an attribute, a comment, an id or a class.
RESERVED = re.compile(r"(bk-note)|(data-(?:cites|role|row|source|n))(?![\w-])|(briefkit-block)"
                      r"""|\bid\s*=\s*["']?((?:note|call)-\d)"""
                      r"""|\bclass\s*=\s*["']?[^"'>]*?(?<![\w-])(footnote|note-ref)(?![\w-])""", re.I)


def _reserved(html: str) -> str:
    names = {next(name for name in match.groups() if name).lower() for match in RESERVED.finditer(html)}
    return ", ".join(sorted(names))


def reserved_attributes(attrs: dict) -> list[str]:
    """The same check for the attributes `{#id .class key=value}` gives a Markdown block."""
    found = _reserved(" ".join(f'{name}="{value}"' for name, value in attrs.items()))
    return [f"{found}: kept for briefkit's own notes and figures; use another name"] if found else []


def screen(html: str) -> tuple[str, list[str], list[str]]:
    """The HTML with comments dropped, why it may not be used, and the link targets it holds
    (`href` of any element), for the same checks as Markdown links."""
    html, unclosed = drop_comments(html)
    found = _reserved(html)
    errors = [f"raw HTML uses {found}, which briefkit keeps for its own notes and figures; "
              "remove it"] if found else []
    if unclosed:  # a browser would hide everything after it
        errors.append("<!-- opens a comment that is never closed; end it with -->")
    reader = _Hrefs()
    reader.feed(html)
    reader.close()
    return ("" if errors else html), errors, reader.hrefs


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [(value or "").strip() for name, value in attrs if name == "href"]
