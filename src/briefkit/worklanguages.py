"""Work languages: a work written in the other direction than the brief is cited in its own terms.

A Persian brief citing an English book printed the citation in Persian digits, Persian commas
and right-to-left order: "The Taliban at War: ۲۰۰۱–۲۰۲۱" (a title's own digits changed), the
colon and the parenthesis torn to the other end of the line. As Persian and Arabic papers do,
such a work's citation is now written as its language writes it (its words, digits and
punctuation), and set apart as one left-to-right run (<span dir="ltr">, which WeasyPrint lays
out as one unit)."""

from __future__ import annotations

import collections
import unicodedata
from typing import Any

from markupsafe import Markup

from . import languages

#: Scripts that tell no work from another: digits, punctuation, marks.
_NONE = {"Zyyy", "Zinh", "Zzzz"}
#: The language a work in the Latin script is cited in when its item does not say.
LATIN_DEFAULT = "en"


def foreign(csl: dict[str, Any], language: str) -> str | None:
    """The language to cite the work of CSL item `csl` in, in a brief in `language`, if it is
    written in the other direction: its `language` field, else English for a work in the Latin
    script. None for a work read in the brief's direction (or whose script cannot be told): an
    English work in a Russian or Hindi brief is cited in the brief's terms, its Latin words
    simply read on in the same direction. A brief in the Latin script cites every work in its
    own terms, romanised or not, as Chicago (14.97) and APA do."""
    own = languages.script(language)
    if own == "Latn":
        return None
    tag = str(csl.get("language") or "").strip().replace("_", "-")
    if not (tag and languages.script(tag) not in _NONE):
        script = _script(" ".join(str(csl.get(key) or "") for key in ("title", "container-title")))
        tag = LATIN_DEFAULT if script == "Latn" and own != "Latn" else ""
    if not tag or languages.script(tag) == own or languages.direction(tag) == languages.direction(language):
        return None
    return tag


def _script(text: str) -> str:
    """The ISO 15924 script most of `text`'s letters are in; Zyyy if it has none."""
    from fontTools import unicodedata as ucd

    counts = collections.Counter(ucd.script(char) for char in text if unicodedata.category(char)[0] == "L")
    return counts.most_common(1)[0][0] if counts else "Zyyy"


def set_apart(html: str, tongue: str, language: str, given: bool) -> Markup:
    """`html`, the citation of a work in `tongue`, as a run of its own in a brief in `language`:
    left to right in a right-to-left brief, tagged with the work's language when its item gave
    it (a screen reader then reads it in that language's voice)."""
    attributes = []
    if languages.direction(tongue) != languages.direction(language):
        attributes.append(f'dir="{languages.direction(tongue)}"')
    if given:
        attributes.append(f'lang="{Markup.escape(tongue)}"')
    if not attributes:
        return Markup(html)
    return Markup(f"<span {' '.join(attributes)}>") + Markup(html) + Markup("</span>")


def given(csl: dict[str, Any], tongue: str) -> bool:
    """Whether `tongue` is the language the item names (not one guessed from its script)."""
    return str(csl.get("language") or "").strip().replace("_", "-") == tongue
