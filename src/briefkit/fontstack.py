"""Font stacks: letters of a brief that no face of its style's --body-font or --head-font has."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import coverage

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


def stacks(style, language: str, direction: str = "ltr") -> list[Stack]:
    """The style's body and head stacks for a brief in `language`: each folder's style.css from
    the root style down, rules matching the brief's <html> (":root", ":root:where(:lang(ur))"),
    the most specific and then the last declaration winning, as in the cascade."""
    from xml.etree import ElementTree

    import cssselect2
    import tinycss2

    html = cssselect2.ElementWrapper.from_html_root(
        ElementTree.fromstring(f'<html lang="{language}" dir="{direction}"><body/></html>'))
    found: dict[str, tuple] = {}
    order = 0
    for folder, text in zip(reversed(style.chain), reversed(style.sheets), strict=True):
        css = folder / "style.css"
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
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
                        found[name] = (rank, _families(item.value), css, item.source_line, serif)
    return [Stack(name, families, serif, css, line)
            for name, (_, families, css, line, serif) in sorted(found.items()) if families is not None]


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
    # Letters no font of the style has at all are coverage.uncovered's warning, not this one's.
    declared = coverage.covered(tuple(font.path for font in style.fonts))
    letters: dict[str, tuple[Path, int]] = {}
    for file, line, _, text in coverage.texts(material):
        for char in text or "":
            if char not in letters and unicodedata.category(char)[0] in "LM" and ord(char) in declared:
                letters[char] = (file, line)
    faces: dict[str, list[Path]] = {}
    for font in style.fonts:
        faces.setdefault(font.family.casefold(), []).append(font.path)
    for stack in stacks(style, brief.language or "en", brief.text_direction):
        paths = [path for family in stack.families for path in faces.get(family.casefold(), [])]
        covered = coverage.covered(tuple(paths))
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
              and all(ord(c) in coverage.covered(tuple(paths)) for c in missing)]
    # A serif stack takes a serif (or Naskh) face first, a sans stack a sans one.
    having.sort(key=lambda family: stack.serif != any(w in family for w in ("Serif", "Naskh", "Nastaliq")))
    if having:
        return (f"add \"{having[0]}\" to the stack before its generic family (a house font keeps "
                "the script fallbacks; docs/house-styles.md, step 3)")
    return ("add the families of style.yaml's `fonts:` that have them to the stack "
            "(docs/house-styles.md, step 3)")
