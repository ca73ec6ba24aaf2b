"""Script faces: for a brief in a script its stacks' first face lacks, the script's face first."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator

from . import glyphs, languages
from .fontstack import stacks

#: Scripts a stack's first face is not asked to have: Latin, and text in no script of its own.
_ANY_FACE = {"Latn", "Zyyy", "Zinh", "Zzzz"}
#: What the script's face sets besides its script's characters: the spaces, for the reason
#: script_first gives, and the joiners and dotted circle its shaping uses.
_SPACES_TOO = frozenset((0x20, 0xA0, 0x200C, 0x200D, 0x25CC))


def script_first(style, language: str, direction: str) -> str:
    """CSS that sets, in each stack, the first family with the letters of the brief's script
    before the families without them ("Noto Serif Devanagari" before "Source Serif Pro" for a
    Hindi brief); "" where each stack starts with such a family. What that family then sets
    is `ranges`'.

    WeasyPrint stretches a justified line by letter-spacing its spaces, and each stretched space
    is then a run of its own, which Pango sets in the stack's first family that has a space. In
    another family than the words around it, letter-spacing does not widen it: the line's slack
    piles up before its next inline element (a note's call, an italic) instead of being shared
    by its spaces. The rule wins over the style's (it is the style's stack, reordered)."""
    from tinycss2.serializer import serialize_string_value

    rules = [f'{stack.name}: "{serialize_string_value(first)}", {stack.value} !important;'
             for stack, first, _ in _promoted(style, language, direction)]
    return f":root {{ {' '.join(rules)} }}" if rules else ""


def ranges(style, language: str, direction: str) -> dict[str, str]:
    """{family, casefolded: its CSS unicode-range} for each family script_first sets first: its
    script's characters, the spaces, and what the families after it in the stack lack.

    The script's face has digits and punctuation of its own: first in the stack, it set them in
    every Latin run, upright in an italic (a cited book's "The Taliban at War: 2001–2021" lost
    its italic at the colon) and in its own design in a work cited in English. They now fall to
    the Latin face after it. Its @font-face rules carry the range, and it is declared as an
    italic too, from its upright file, unless the style has an italic of it (document.font_faces)."""
    found: dict[str, set[int]] = {}
    for _, first, after in _promoted(style, language, direction):
        paths = tuple(font.path for font in style.fonts if font.family.casefold() == first.casefold())
        others = tuple(font.path for font in style.fonts if font.family.casefold() in after)
        # A face that leads two stacks sets what the faces after it lack in either.
        found.setdefault(first.casefold(), set()).update(
            _points(glyphs.covered(paths), glyphs.covered(others), languages.script(language)))
    return {family: ", ".join(_ranges(tuple(sorted(points)))) for family, points in found.items()}


def _promoted(style, language: str, direction: str) -> Iterator[tuple]:
    """(stack, the family set first, the casefolded families after it) of each stack reordered."""
    script = languages.script(language)
    # Nastaliq lines are set ragged (mechanics.css), so no space is stretched, and the face
    # first would lend every line its 1.9 em ascent.
    if script in _ANY_FACE or languages.nastaliq(language):
        return
    for stack in stacks(style, language, direction):
        first = next((family for family in stack.families if _writes(style, family, script)), None)
        if first and first != stack.families[0]:
            yield stack, first, {family.casefold() for family in stack.families} - {first.casefold()}


@functools.lru_cache(maxsize=16)
def _points(covered: frozenset[int], others: frozenset[int], script: str) -> tuple[int, ...]:
    """The characters of `covered` its script writes with (its Script_Extensions: the danda,
    the Arabic comma), the marks, the spaces, and those `others` lack, in order."""
    from fontTools import unicodedata as ucd

    def kept(point: int) -> bool:
        char = chr(point)
        return point in _SPACES_TOO or point not in others or ucd.script(char) == "Zinh" \
            or script in ucd.script_extension(char)

    return tuple(sorted(filter(kept, covered)))


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
