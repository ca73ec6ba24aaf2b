"""Font stacks: letters, hyphen and italic their house faces lack; fonts a PDF draws outside them."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import glyphs

#: The stacks a style's text is set in: the built-in styles and the guide name the two custom
#: properties; a style of its own may set font-family on the root element instead.
STACKS = ("--body-font", "--head-font", "font-family")
#: CSS generic families: whatever the machine has, so no face briefkit can vouch for.
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji",
           "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"}


@dataclass(frozen=True)
class Stack:
    """One custom property's font stack as the brief's root element gets it."""

    name: str  # "--body-font"
    families: tuple[str, ...]  # in order, generic families left out
    serif: bool  # the stack ends in the generic serif: a serif fallback suits it best
    css: Path
    line: int
    value: str  # as written: '"Source Serif Pro", "Noto Serif Devanagari", serif'


def stacks(style, language: str, direction: str = "ltr") -> list[Stack]:
    """The style's body and head stacks for a brief in `language`: each folder's style.css from
    the root style down, rules matching the brief's <html> (":root", ":root:where(:lang(ur))"),
    the most specific and then the last declaration winning, as in the cascade."""
    return list(_stacks(tuple(style.chain), tuple(style.sheets), language, direction))


@functools.lru_cache(maxsize=64)
def _stacks(chain: tuple[Path, ...], sheets: tuple[str, ...], language: str,
            direction: str) -> tuple[Stack, ...]:
    """`stacks`, kept by the sheets' text: a build asks three times, a batch or watch for each
    brief, and each time parsed the style's CSS again (cssselect2 compiles every selector)."""
    from xml.etree import ElementTree

    import cssselect2
    import tinycss2

    html = cssselect2.ElementWrapper.from_html_root(
        ElementTree.fromstring(f'<html lang="{language}" dir="{direction}"><body/></html>'))
    found: dict[str, tuple] = {}
    order = 0
    for folder, text in zip(reversed(chain), reversed(sheets), strict=True):
        css = folder / "style.css"
        for rule in _rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)):
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue  # the renderer says so; here it sets no stack
            matched = [s.specificity for s in selectors if s.pseudo_element is None and s.test(html)]
            if not matched:
                continue
            items = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
            for item in (i for i in items if i.type == "declaration"):
                name = item.name if item.name.startswith("--") else item.lower_name  # only --x is cased
                if name in STACKS:
                    order += 1
                    rank = (item.important, max(matched), order)
                    if name not in found or rank > found[name][0]:
                        value = tinycss2.serialize(item.value).strip()
                        serif = value.endswith("serif") and not value.endswith("sans-serif")
                        found[name] = (rank, _families(item.value), css, item.source_line, serif, value)
    return tuple(Stack(name, families, serif, css, line, value)
                 for name, (_, families, css, line, serif, value) in sorted(found.items())
                 if families is not None)


def _rules(rules) -> Iterator:
    """The qualified rules of a sheet, those inside @supports and inside an @media a printed
    page matches (print, all, or no media type) included."""
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
            continue
        kind = rule.lower_at_keyword if rule.type == "at-rule" and rule.content is not None else None
        query = tinycss2.serialize(rule.prelude).lower() if kind == "media" else ""
        screen = "print" not in query and "all" not in query and ("screen" in query or "speech" in query)
        if kind in ("media", "supports") and not screen:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            yield from _rules(inner)


def _families(tokens) -> tuple[str, ...] | None:
    """The family names of a font-family value, generics left out; None when it holds a var()
    (what it stands for is not known here)."""
    families, words = [], []
    for token in [*tokens, None]:
        if token is None or token.type == "literal" and token.value == ",":
            name = " ".join(words)
            if name and name.lower() not in GENERIC:
                families.append(name)
            words = []
        elif token.type == "string":
            words.append(token.value)
        elif token.type == "ident":
            words.append(token.value)
        elif token.type == "function":
            return None
    return tuple(families)


def gaps(material, style) -> Iterator[tuple[Path, int, str]]:
    """(style.css, line, message) for each stack with no face for some letters of the brief:
    they fall to the machine's generic family, so print in a face the style never chose,
    differently on every machine."""
    brief = material.brief
    # Letters no font of the style has at all are glyphs.uncovered's warning, not this one's.
    declared = glyphs.covered(tuple(font.path for font in style.fonts))
    letters: dict[str, tuple[Path, int]] = {}
    for file, line, _, text in glyphs.texts(material):
        for char in text or "":
            if char not in letters and unicodedata.category(char)[0] in "LM" and ord(char) in declared:
                letters[char] = (file, line)
    faces: dict[str, list[Path]] = {}
    for font in style.fonts:
        faces.setdefault(font.family.casefold(), []).append(font.path)
    for stack in stacks(style, brief.language or "en", brief.text_direction):
        paths = [path for family in stack.families for path in faces.get(family.casefold(), [])]
        covered = glyphs.covered(tuple(paths))
        missing = [char for char in letters if ord(char) not in covered]
        if not missing:
            continue
        file, line = letters[missing[0]]
        shown = ", ".join(f"{c} U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        yield stack.css, stack.line, (f"{stack.name} has no face for {shown}{more} (first in {file}:{line}); "
                                      f"{_advice(style, missing, stack)}")


def _advice(style, missing: list[str], stack: Stack) -> str:
    """Which declared family to add to the stack, or that a font must be declared first."""
    files: dict[str, list[Path]] = {}
    for font in style.fonts:
        files.setdefault(font.family, []).append(font.path)
    having = [family for family, paths in files.items() if family not in stack.families
              and all(ord(c) in glyphs.covered(tuple(paths)) for c in missing)]
    # A serif stack takes a serif (or Naskh) face first, a sans stack a sans one.
    having.sort(key=lambda family: stack.serif != any(w in family for w in ("Serif", "Naskh", "Nastaliq")))
    if having:
        return (f"add \"{having[0]}\" to the stack before its generic family (a house font keeps "
                "the script fallbacks; docs/house-styles.md, step 3)")
    return ("add the families of style.yaml's `fonts:` that have them to the stack "
            "(docs/house-styles.md, step 3)")


#: The hyphen CSS prints at a line end unless told otherwise (hyphenate-character: auto).
HYPHEN = 0x2010
#: Elements the head stack sets that may hyphenate: headings.
HEADINGS = "h1, h2, h3, h4, h5, h6"


def hyphen_css(style) -> str:
    """hyphenate-character "-" where the stack's first house family has no U+2010: else Pango
    takes the hyphen from the next family that has one, a fallback or a system font."""
    first = {stack.name: _first_declared(style, stack) for stack in stacks(style, "en")}
    lacks = {name: paths is not None and HYPHEN not in glyphs.covered(paths)
             for name, paths in first.items()}
    body = lacks.get("--body-font") or lacks.get("font-family")
    if body:
        return ':root { hyphenate-character: "-"; }'
    return f'{HEADINGS} {{ hyphenate-character: "-"; }}' if lacks.get("--head-font") else ""


def _first_declared(style, stack: Stack) -> tuple[Path, ...] | None:
    """The files of the stack's first family the style declares (its upright faces), if any."""
    for family in stack.families:
        paths = tuple(font.path for font in style.fonts
                      if font.family.casefold() == family.casefold() and font.style == "normal")
        if paths:
            return paths
    return None


def italics(style) -> Iterator[tuple[Path, int, str]]:
    """(style.css, line, message) for each stack whose first house family has no italic face:
    its italic text is the upright face slanted by the renderer (or upright, where fontconfig
    synthesises no oblique), never another family's italic."""
    told = set()
    for stack in stacks(style, "en"):
        family = next((f.casefold() for f in stack.families
                       if any(font.family.casefold() == f.casefold() for font in style.fonts)), None)
        if family and family not in told and not any(
                font.family.casefold() == family and font.style != "normal" for font in style.fonts):
            told.add(family)
            family = next(font.family for font in style.fonts if font.family.casefold() == family)
            yield stack.css, stack.line, (
                f"{stack.name}: {family!r} has no italic face declared, so its italics print as its "
                "upright face slanted (upright where fontconfig slants nothing), and as the chart "
                "font its era labels print upright; declare an italic file under `fonts:` with "
                "`style: italic`")


def declared(style) -> set[str]:
    """The families a PDF of this style may draw with: those its `fonts:` declare, the names
    their files give themselves (the chart's SVG names those), and Matplotlib's DejaVu Sans when
    it is the chart font."""
    from fontTools.ttLib import TTFont

    names = {font.family for font in style.fonts}
    for path in {font.path for font in style.fonts}:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            names.update(filter(None, (font["name"].getDebugName(i) for i in (1, 16))))
    return names | ({"DejaVu Sans"} if style.chart_font == "DejaVu Sans" else set())


def strangers(pdf: bytes, style) -> Iterator[str]:
    """A message for each font of the laid-out PDF that the style does not declare: a system
    font the renderer fell back to, which prints differently on every machine."""
    for font, letters in sorted(glyphs.foreign(pdf, declared(style)).items()):
        pages = sorted(set().union(*letters.values()))
        shown = ", ".join("a hyphen at a line end" if c == glyphs.LINE_END_HYPHEN
                          else f"{c} U+{ord(c):04X}" for c in sorted(letters)[:6])
        more = f" and {len(letters) - 6} more" if len(letters) > 6 else ""
        where = ", ".join(map(str, pages[:5])) + ("..." if len(pages) > 5 else "")
        yield (f"{font} draws {shown}{more} (page{'s' if len(pages) > 1 else ''} {where}), "
               f"and style {style.name!r} declares no such font: "
               "the machine's fallback, different elsewhere; put a family that has these letters "
               "in the stack (docs/house-styles.md, step 3)")
