"""Script faces: for a brief in a script its stacks' first face lacks, the script's face first."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator

from . import glyphs, languages
from .fontstack import stacks

#: Scripts a stack's first face is not asked to have: Latin, and text in no script of its own.
_ANY_FACE = {"Latn", "Zyyy", "Zinh", "Zzzz"}
#: What the script's face sets in italic text besides its script's characters: the spaces, for
#: the reason script_first gives, and the joiners and dotted circle its shaping uses.
_ITALIC_TOO = (0x20, 0xA0, 0x200C, 0x200D, 0x25CC)


def script_first(style, language: str, direction: str) -> str:
    """CSS that sets, in each stack, the first family with the letters of the brief's script
    before the families without them ("Noto Serif Devanagari" before "Source Serif Pro" for a
    Hindi brief), with the italic faces `_italic_faces` gives; "" where each stack starts with
    such a family.

    WeasyPrint stretches a justified line by letter-spacing its spaces, and each stretched space
    is then a run of its own, which Pango sets in the stack's first family that has a space. In
    another family than the words around it, letter-spacing does not widen it: the line's slack
    piles up before its next inline element (a note's call, an italic) instead of being shared
    by its spaces. The rule wins over the style's (it is the style's stack, reordered)."""
    from tinycss2.serializer import serialize_string_value

    script = languages.script(language)
    # Nastaliq lines are set ragged (mechanics.css), so no space is stretched, and the face
    # first would lend every line its 1.9 em ascent.
    if script in _ANY_FACE or languages.nastaliq(language):
        return ""
    rules, firsts = [], {}
    for stack in stacks(style, language, direction):
        first = next((family for family in stack.families if _writes(style, family, script)), None)
        if first and first != stack.families[0]:
            # The name as a CSS string, escaped: a house's family name is text of its own.
            rules.append(f'{stack.name}: "{serialize_string_value(first)}", {stack.value} !important;')
            firsts[first.casefold()] = first
    if not rules:
        return ""
    return "\n".join([*_italic_faces(style, firsts, script), f":root {{ {' '.join(rules)} }}"])


def _italic_faces(style, families: dict[str, str], script: str) -> Iterator[str]:
    """@font-face rules that give each of `families` (casefolded: as named) an italic that is its
    upright face with only the script's characters and the spaces (unicode-range), unless the
    style has an italic of it. Put first, the script's face had the digits and punctuation of
    every Latin italic in the brief, drawn upright: a cited book's "The Taliban at War: 2001–2021"
    lost its italic at the colon. They now fall to the Latin face's italic, after it."""
    from tinycss2.serializer import serialize_string_value

    italic = {(font.family.casefold(), font.weight) for font in style.fonts if font.style != "normal"}
    for font in style.fonts:
        family = font.family.casefold()
        if family in families and font.style == "normal" and (family, font.weight) not in italic:
            ranges = ", ".join(_ranges(_italic_points(glyphs.covered((font.path,)), script)))
            yield (f'@font-face {{ font-family: "{serialize_string_value(families[family])}"; '
                   f'src: url("{font.path.as_uri()}"); font-weight: {font.weight}; font-style: italic; '
                   f"unicode-range: {ranges}; }}")


@functools.lru_cache(maxsize=16)
def _italic_points(covered: frozenset[int], script: str) -> tuple[int, ...]:
    """The characters of `covered` the script writes with (its Script_Extensions: the danda,
    the Arabic comma), its marks and the spaces, in order."""
    from fontTools import unicodedata as ucd

    return tuple(sorted(point for point in covered if point in _ITALIC_TOO
                        or script in ucd.script_extension(chr(point))))


def _ranges(points: tuple[int, ...]) -> Iterator[str]:
    """CSS unicode-range values for sorted code points: U+900-97F, U+964."""
    start = previous = None
    for point in [*points, None]:
        if previous is not None and point == previous + 1:
            previous = point
            continue
        if start is not None:
            yield f"U+{start:X}" if start == previous else f"U+{start:X}-{previous:X}"
        start = previous = point


def _writes(style, family: str, script: str) -> bool:
    """Whether the style's faces of `family` have the letters of `script` (an ISO 15924 code)."""
    paths = tuple(font.path for font in style.fonts if font.family.casefold() == family.casefold())
    return bool(paths) and _letters(glyphs.covered(paths), script) >= 10


@functools.lru_cache(maxsize=64)
def _letters(covered: frozenset[int], script: str) -> int:
    from fontTools import unicodedata as ucd

    return sum(1 for point in covered if unicodedata.category(chr(point))[0] == "L"
               and ucd.script(chr(point)) == script)
