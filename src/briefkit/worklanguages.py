"""Work languages: a work written in the other direction than the brief is cited in its own terms.

A Persian brief citing an English book printed the citation in Persian digits, Persian commas
and right-to-left order: "The Taliban at War: ۲۰۰۱–۲۰۲۱" (a title's own digits changed), the
colon and the parenthesis torn to the other end of the line. As Persian and Arabic papers do,
such a work's citation is now written as its language writes it (its words, digits and
punctuation), and set apart as one left-to-right run (<span dir="ltr">, which WeasyPrint lays
out as one unit)."""

from __future__ import annotations

import collections
import re
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
    tag = tag_of(csl)
    if not (tag and languages.script(tag) not in _NONE):
        script = _script(" ".join(str(csl.get(key) or "") for key in ("title", "container-title")))
        tag = LATIN_DEFAULT if script == "Latn" else ""
    if not tag or languages.direction(tag) == languages.direction(language):
        return None
    return tag


def tag_of(csl: dict[str, Any]) -> str:
    """The item's `language` as a BCP 47 tag written the usual way ("EN_us" is en-US); "" if
    none, one that names no language (und, mul, zxx, mis) or no tag at all ("English")."""
    text = str(csl.get("language") or "").strip().replace("_", "-")
    parts = text.split("-")
    if parts[0].lower() in _NO_LANGUAGE or not well_formed(text):
        return ""
    return "-".join([parts[0].lower()] + [part.title() if len(part) == 4 else part.upper() if len(part) == 2
                                          else part.lower() for part in parts[1:]])


def well_formed(tag: str) -> bool:
    """Whether `tag` is written as a BCP 47 language tag: a language of two or three letters, then
    subtags of one to eight letters or digits ("en", "fa-AF", "zh-Hant-TW", "en-GB-oxendict")."""
    return bool(_TAG.fullmatch(tag.replace("_", "-")))


_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
#: ISO 639 codes that name no language.
_NO_LANGUAGE = {"", "und", "mul", "zxx", "mis"}
#: The CSL fields whose digits are the work's own, in a brief that prints digits of its own.
TITLES = ("title", "title-short", "shortTitle", "container-title", "collection-title")
#: Their digits while the citation processors run: MATHEMATICAL BOLD DIGITs, which no language
#: prints, so no conversion to the brief's digits touches them (release), while sorting, title
#: case ("21st") and the patterns that keep "2001–2021" on one line still read them as digits.
_HELD = {ord("0") + n: 0x1D7CE + n for n in range(10)}
_FREED = {held: digit for digit, held in _HELD.items()}


def hold(csl: dict[str, Any], language: str) -> dict[str, Any]:
    """The item with the digits of each title written in another script than the brief's held:
    "Vision 2030" stays so in a Marathi brief, whose years and pages are in Devanagari digits,
    however a CSL style cases or quotes it. Every citation's text is released (Citer.finish)."""
    own = languages.script(language)
    if own == "Latn":
        return csl
    held = {key: value.translate(_HELD) for key in TITLES
            if isinstance(value := csl.get(key), str) and _script(value) not in (own, "Zyyy")}
    return {**csl, **held} if held else csl


def release(text: str) -> str:
    """`text` with the digits `hold` held given back."""
    return text.translate(_FREED)


def given(csl: dict[str, Any], tongue: str) -> bool:
    """Whether `tongue` is the language the item names (not one guessed from its script)."""
    return tag_of(csl) == tongue


def words_of(tongue: str) -> str:
    """The language whose words (ed., trans., quotation marks) a work in `tongue` is cited in:
    its own where briefkit has them, else English (the work's language is no brief's: no
    warning that briefkit lacks it)."""
    from .translations import available

    known = set(available()) | {"en"}
    return next((tag for tag in languages.candidates(tongue) if tag in known), LATIN_DEFAULT)


def _script(text: str) -> str:
    """The ISO 15924 script most of `text`'s letters are in; Zyyy if it has none."""
    from fontTools import unicodedata as ucd

    counts = collections.Counter(ucd.script(char) for char in text if unicodedata.category(char)[0] == "L")
    return counts.most_common(1)[0][0] if counts else "Zyyy"


def set_apart(html: str, tongue: str, given: bool) -> Markup:
    """`html`, the citation of a work in `tongue` (or its reference-list <li>), as a run of its
    own in its direction (`foreign`: not the brief's), tagged with the work's language when its
    item gave it (a screen reader then reads it in that voice)."""
    attributes = f'dir="{languages.direction(tongue)}"'
    if given:
        attributes += f' lang="{Markup.escape(tongue)}"'

    item = _ITEM.match(html)
    opening, html, closing = (item[1], item[2], item[3]) if item else ("", html, "")
    return Markup(f"{opening}<span {attributes}>{html}</span>{closing}")


#: A reference-list entry: the span goes inside it, a list holding only items.
_ITEM = re.compile(r"(<li\b[^>]*>)(.*)(</li>)\Z", re.S)
