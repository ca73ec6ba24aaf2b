"""Pandoc's HTML read back: each citation's text, the author a narrative cite prints, the bibliography."""

from __future__ import annotations

import re
import unicodedata

from markupsafe import escape

from .citesyntax import narrative
from .errors import RenderError


def read(html: str, calls: list[tuple[list, str, int]],
          note: bool) -> tuple[list[str], list[tuple[str, str]], dict[int, str]]:
    """Each call's text: the note the processor made of it (fn1, fn2... in call order), or its
    division's paragraph; the bibliography's entries, (item id, <li>); the author a narrative
    call of a note style prints in the text (its division's paragraph, without the note's call)."""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    texts, authors = [], {}
    for index, (cites, role, _) in enumerate(calls):
        if note and role == "note" and narrative(cites):
            holder = root.get_element_by_id(f"c{index}", None)
            authors[index] = _inner(holder.find("p")) if holder is not None else ""
        holder = root.get_element_by_id(f"fn{index + 1}" if note else f"c{index}", None)
        if holder is None:  # never seen: Pandoc makes a note or paragraph of every citation
            raise RenderError(f"the CSL processor (Pandoc) returned no text for the citation of "
                              f"{', '.join('@' + key for key, _ in cites)}")
        text = _inner(holder.find("p") if holder.find("p") is not None else holder)
        texts.append(text)
    entries = [((div.get("id") or "").removeprefix("ref-"), _inner(div.find("p") if div.find("p") is not None
                                                                    else div))
               for div in root.iter("div") if "csl-entry" in (div.get("class") or "")]
    # An item the style prints nothing for (a treaty in Chicago author-date) leaves no entry.
    return texts, [(key, f'<li class="reference">{entry}</li>') for key, entry in entries if entry], authors


def _inner(element) -> str:
    """An element's content as HTML, without Pandoc's back-links; emphasis as the templates write it."""
    from lxml import html as lxml_html

    # A note's back-link, and the call of the note Pandoc made of a narrative cite.
    for back in [a for a in element.iter("a")
                 if {"footnote-back", "footnote-ref"} & set((a.get("class") or "").split())]:
        back.drop_tree()
    for div in element.iter("div"):  # a numeric style's "[1]" and entry: one line, as the list item
        if div is not element:
            div.tag = "span"
    for span in list(element.iter("span")):
        if span.get("class") == "smallcaps":
            span.set("style", "font-variant: small-caps")
        elif span is not element and (not span.attrib or span.get("class") in ("citation", "nocase")):
            span.drop_tag()  # Pandoc's wrappers: nothing to show (.citation is briefkit's own class)
    text = str(escape(element.text or "")) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in element)
    return "".join(part if part.startswith("<") else _printable(part) for part in _TAGS.split(text.strip()))


def _printable(text: str) -> str:
    """Text (never a tag or its attributes) with superscript letters and non-breaking hyphens
    set as the text faces can print them."""
    text = _SUPERSCRIPTS.sub(lambda m: f'<sup style="line-height: 0">{"".join(map(_base, m[0]))}</sup>', text)
    return _NON_BREAKING.sub(lambda m: f'<span style="white-space: nowrap">{m[1]}\u2010{m[2]}</span>', text)


_TAGS = re.compile(r"(<[^>]*>)")


#: A range joined by a non-breaking hyphen (French's page-range-delimiter, "41‑42"): the text
#: faces have no glyph for it (another face's would be drawn), so a hyphen the line never breaks at.
_NON_BREAKING = re.compile(r"(\w+)\u2011(\w+)")


#: Superscript letters and digits (the "nᵒ" and "2ᵉ" of French terms), which citeproc-js prints
#: as superscript text: so here (not opening the line), and the face needs no modifier-letter glyphs.
_SUPERSCRIPTS = re.compile("[ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁᵂ⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _base(char: str) -> str:
    """The letter a superscript letter is the superscript of (its <super> decomposition)."""
    return chr(int(unicodedata.decomposition(char).split()[1], 16))
