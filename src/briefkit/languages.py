"""What briefkit knows of a language tag, from CLDR through Babel: locale, direction, script, digits."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from . import logger

if TYPE_CHECKING:
    from babel import Locale

#: Language tags CLDR and the catalogues file under another name: Dari (prs) is Persian as
#: written in Afghanistan.
ALIASES = {"prs": "fa_AF", "prs_AF": "fa_AF"}
#: CLDR's native numbering systems: the digit zero, and WeasyPrint's counter style of the same digits.
NUMBERING = {"arab": (0x660, "arabic-indic"), "arabext": (0x6F0, "persian"), "deva": (0x966, "devanagari"),
             "beng": (0x9E6, "bengali"), "guru": (0xA66, "gurmukhi"), "gujr": (0xAE6, "gujarati"),
             "orya": (0xB66, "oriya"), "tamldec": (0xBE6, "tamil"), "telu": (0xC66, "telugu"),
             "knda": (0xCE6, "kannada"), "mlym": (0xD66, "malayalam"), "thai": (0xE50, "thai"),
             "laoo": (0xED0, "lao"), "mymr": (0x1040, "myanmar"), "khmr": (0x17E0, "khmer"),
             "tibt": (0xF20, "tibetan")}
#: Where briefkit departs from CLDR's default numbering system: Urdu is printed in ۰-۹ as
#: Pakistan's press prints it (CLDR 49 gives `ur` Latin digits, `ur-IN` Extended Arabic-Indic).
DEFAULT_NUMBERING = {"ur": "arabext"}
#: Scripts written right to left (ISO 15924), for a tag CLDR does not know ("xx-Arab").
RTL_SCRIPTS = {"Arab", "Aran", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Yezi"}
#: Languages CLDR has no data for that are written right to left (Dari, Aramaic).
RTL_UNKNOWN = {"prs", "arc"}
#: Languages read in Nastaliq (docs/languages.md, "Fonts"): set ragged, at their own leading.
NASTALIQ = ("ur", "ks")
#: HTML split into what keeps its digits (a link with its text, a tag) and text whose digits change.
_MARKUP = re.compile(r"(<a\b.*?</a>|<[^>]*>)|([^<]+)", re.S)


def nastaliq(language: str) -> bool:
    """Whether a brief in `language` is read in Nastaliq (`ur`, `ks-Arab`)."""
    return language.split("-")[0].split("_")[0].lower() in NASTALIQ


def candidates(language: str) -> list[str]:
    """The tag and the tags it falls back to, most specific first, as CLDR and the catalogues name
    them: fa-AF -> [fa_AF, fa]; prs -> [fa_AF, fa]; en-GB -> [en_GB, en]."""
    tag = (language or "en").replace("-", "_")
    tag = ALIASES.get(tag, tag)
    parts = tag.split("_")
    return list(dict.fromkeys("_".join(parts[:n]) for n in range(len(parts), 0, -1)))


@functools.cache
def locale_of(language: str) -> Locale:
    """The babel locale for a BCP 47 tag; English where babel has none (dates stay readable)."""
    from babel import Locale, UnknownLocaleError

    try:
        tag = language.replace("-", "_")
        return Locale.parse(ALIASES.get(tag, tag))
    except (ValueError, TypeError, UnknownLocaleError):
        logger.warning("language %r has no date formats here; dates are written in English", language)
        return Locale.parse("en")


@functools.cache
def month_names(language: str) -> tuple[str, ...]:
    """The language's month names as dates print them (full and short, in a date and alone),
    without an abbreviation's full stop: the words a day number is kept with."""
    months = locale_of(language).months
    return tuple(sorted({name.rstrip(".") for context in ("format", "stand-alone")
                         for width in ("wide", "abbreviated") for name in months[context][width].values()}))


@functools.cache
def direction(language: str) -> str:
    """`rtl` or `ltr` as CLDR has it for the tag, script subtag included: `uz-Arab`, `pa-Arab`
    and `ks` read right to left, `ks-Deva` and `sd-Deva` left to right."""
    from babel import Locale, UnknownLocaleError

    tag = language.replace("_", "-")
    try:
        return Locale.parse(tag, sep="-").text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        parts = tag.split("-")
        scripts = [part.title() for part in parts[1:] if len(part) == 4 and part.isalpha()]
        rtl = scripts[0] in RTL_SCRIPTS if scripts else parts[0].lower() in RTL_UNKNOWN
        return "rtl" if rtl else "ltr"


@functools.cache
def script(language: str) -> str:
    """The ISO 15924 script a tag is written in: its own subtag (`uz-Arab`), else CLDR's
    likely one (`hi` -> Deva, `fa` -> Arab); `Zyyy` (unknown) where CLDR has none."""
    from babel.core import get_global

    parts = candidates(language)[0].split("_")
    own = [part.title() for part in parts[1:] if len(part) == 4 and part.isalpha()]
    if own:
        return own[0]
    likely = get_global("likely_subtags").get(parts[0], "")
    found = [part for part in likely.split("_")[1:] if len(part) == 4]
    return found[0] if found else ("Arab" if direction(language) == "rtl" else "Zyyy")


@functools.cache
def _native_system(language: str) -> str | None:
    locale = locale_of(language)
    system = locale.default_numbering_system
    if system == "latn":
        system = locale.other_numbering_systems.get("native", "latn")
    return system if system in NUMBERING else None


@functools.cache
def native_by_default(language: str) -> bool:
    """Whether a brief in `language` that says nothing of `digits:` prints the language's own
    digits: CLDR's default numbering system for the tag (`fa`, `ar-EG`, `bn`: theirs; `ar`,
    `ar-MA`, `hi`, `ru`: Latin), but for the DEFAULT_NUMBERING exceptions."""
    for tag in candidates(language):
        if tag in DEFAULT_NUMBERING:
            return DEFAULT_NUMBERING[tag] != "latn" and _native_system(language) is not None
    return locale_of(language).default_numbering_system != "latn" and _native_system(language) is not None


def digits(text: str, language: str, native: bool) -> str:
    """`text` with 0-9 in the language's native digits (۰-۹ for Persian, ०-९ for Hindi) when
    `native` and the language has digits of its own; unchanged otherwise."""
    system = _native_system(language) if native else None
    if system is None:
        return text
    zero = NUMBERING[system][0]
    return text.translate({ord("0") + n: zero + n for n in range(10)})


def digits_in_html(html: str, language: str, native: bool) -> str:
    """`digits` for formatted HTML (a note, a reference): its text, never a tag or a link,
    whose address stays as typed."""
    if not native or _native_system(language) is None:
        return html
    return _MARKUP.sub(lambda m: m[1] or digits(m[2], language, True), html)


def counter_style(language: str, native: bool) -> str:
    """The CSS counter style for page, note and figure numbers."""
    system = _native_system(language) if native else None
    return NUMBERING[system][1] if system else "decimal"
