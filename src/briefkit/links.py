"""Links and images in Markdown: which URLs a brief may use, by the same rules everywhere."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

#: Link schemes a reader may follow from the PDF; images may also be data: URLs.
LINK_SCHEMES = {"http", "https", "mailto"}


def check_url(url: str, image: bool, folder: Path, allow_remote: bool) -> str | None:
    """Why a link or image may not be used, or None. Images are read at build time, so they
    must be files inside the brief (or remote with --allow-remote); links are only printed.
    A relative link passes here: whether it may stay is brief.yaml's `allow_local_links`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if url == "#":  # WeasyPrint would make it the build folder's file:// address
        return "a link to '#' goes nowhere; write #id of a heading, or a full https:// URL"
    if url.startswith("#") or (scheme in LINK_SCHEMES and not image):
        return None
    if image and scheme in ("http", "https"):
        return None if allow_remote else f"remote image {url}: build with --allow-remote to fetch it"
    if image and scheme == "data":
        return None
    if scheme:
        return f"{scheme}: URLs are not allowed here ({url[:60]}); use http(s) links and local images"
    if url.startswith("//"):
        return f"{url[:60]} has no scheme; give a full https:// URL"
    target = (folder / unquote(parts.path)).resolve()
    if not target.is_relative_to(folder.resolve()):
        return f"{url} is outside the brief folder; copy it into the folder (e.g. images/)"
    if image and not target.is_file():
        return f"image {url} not found in the brief folder"
    return None


def is_local(url: str) -> bool:
    """A relative link (`annex.pdf`, `../x`): the renderer would resolve it against the brief
    folder, printing the build machine's path into the PDF."""
    return bool(url) and not url.startswith("#") and not urlsplit(url).scheme


def local_link_error(url: str) -> str:
    return (f"relative link {url[:60]!r}: a PDF would point into this machine's folders; give a full "
            "https:// URL, or set `allow_local_links: true` in brief.yaml to keep it relative as written")


def field_problems(text: str | None, folder: Path, allow_remote: bool,
                   allow_local_links: bool = False) -> list[str]:
    """Why a short Markdown field (summary, bio, disclaimer, an event's text) cannot be printed
    as written: its links and images by the commentary's rules; citations, which only the
    commentary and its notes can make; an unclosed comment; `{.footnote}`-like attributes."""
    from .rawhtml import reserved_attributes

    found = []
    for token in _field_parser().parse(text or ""):  # blocks too: the field is rendered as blocks
        found += reserved_attributes(token.attrs) if token.attrs else []
        for child in token.children or []:
            image = child.type == "image"
            if child.type in ("link_open", "image"):
                url = str(child.attrGet("src" if image else "href") or "")
                if error := check_url(url, image, folder, allow_remote):
                    found.append(error)
                elif not image and not allow_local_links and is_local(url):
                    found.append(local_link_error(url))
            elif child.type in ("citation", "citation_error"):
                found.append(f"{child.content}: citations are made in the commentary and its notes "
                             "(an event cites with `sources:`); move it there")
            elif child.type == "comment_unclosed":
                found.append("<!-- opens a comment that is never closed; end it with -->")
    return found


@functools.cache
def _field_parser():
    from .syntax import parser

    md = parser(False)
    md.validateLink = lambda url: True  # every URL is judged by check_url
    return md


def keep_relative(pages) -> None:
    """Give relative links back the href the author wrote, on laid-out pages (WeasyPrint's
    `Page.links`: (kind, target, rectangle, box) tuples; called by pdf/writing.py before writing).

    WeasyPrint resolves every href against the document's base URL (the brief folder), so
    `annex.pdf` would reach the PDF as file:///home/.../annex.pdf: a path of the build machine.
    A relative link gets this far only with `allow_local_links: true` (validation reports it
    otherwise), and then it is kept as written; a file: target with no href is dropped."""
    for page in pages:
        kept = []
        for kind, target, rectangle, box in page.links:
            if kind == "external" and target.startswith("file:"):
                element = getattr(box, "element", None)
                href = (element.get("href") or "").strip() if element is not None else ""
                if not is_local(href):
                    continue
                # a PDF URI is ASCII: percent-encode the rest, as WeasyPrint does for absolute URLs
                target = quote(href, safe="/:?#[]@!$&'()*+,;=~%")
            kept.append((kind, target, rectangle, box))
        page.links[:] = kept
