"""Web fonts for the site: the faces its pages' letters need, subset to those letters."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import cache, logger
from .errors import OutputError
from .languages import nastaliq

NOTO = Path(__file__).parent / "fonts" / "noto"
#: The faces the catalogue ships, a sans one per script from briefkit's own (OFL, no reserved
#: name, so a subset keeps its name). Latin, Greek and Cyrillic come from the reader's machine,
#: which has them: the catalogue's Source Sans Pro if installed, else the system's face.
FAMILIES = {
    "Noto Sans Devanagari": (NOTO / "NotoSansDevanagari-Regular.ttf", NOTO / "NotoSansDevanagari-Bold.ttf"),
    "Noto Nastaliq Urdu": (NOTO / "NotoNastaliqUrdu-Regular.ttf", NOTO / "NotoNastaliqUrdu-Bold.ttf"),
    "Noto Sans Arabic": (NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf"),
}
#: Before and after the shipped faces: what the reader's machine has (the catalogue's own stack).
LATIN, GENERIC = '"Source Sans Pro"', '"Segoe UI", system-ui, sans-serif'
#: Letters below this the machine's Latin face has (Latin, Greek, Cyrillic, Armenian); it has
#: General Punctuation (U+2000-206F: dashes, quotes) too.
FIRST = 0x0590
SILENT = ("Zs", "Zl", "Zp", "Cc", "Cf")
#: The names this module gives the files it writes into the site's fonts/ folder.
TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
NAME = re.compile(r"[A-Za-z0-9-]+-[0-9a-f]{10}\.(woff2|woff)")
#: The site's style sheet of those rules, which the landing pages link (index.html holds them).
SHEET = "fonts.css"


@dataclass(frozen=True)
class Shipped:
    """The @font-face rules and per-language font stacks, and the files they name {name: bytes}."""

    css: str
    files: dict[str, bytes]


def stack(language: str) -> list[str]:
    """The families, in order, for text in `language`."""
    names = list(FAMILIES)
    if not nastaliq(language):
        names.remove("Noto Nastaliq Urdu")
    return names


def ship(texts: list[tuple[str, str]]) -> Shipped:
    """For [(language, text)] of the catalogue: each letter given to the first family of its
    language's stack that has it, each family subset to its letters (regular and bold), and
    the CSS that declares them."""
    letters: dict[str, set[int]] = {}
    for language, text in texts:
        families = stack(language)
        for char in set(text):
            if ord(char) < FIRST or 0x2000 <= ord(char) <= 0x206F or unicodedata.category(char) in SILENT:
                continue  # the machine's face has it, or nothing is drawn (spaces, joiners)
            family = next((f for f in families if ord(char) in _cmap(FAMILIES[f][0])), None)
            if family:
                letters.setdefault(family, set()).add(ord(char))
    rules, files = [], {}
    for family in FAMILIES:
        if family not in letters:
            continue
        for weight, source in zip((400, 700), FAMILIES[family], strict=True):
            data, kind = _subset(source, letters[family])
            name = f"{source.stem}-{hashlib.sha256(data).hexdigest()[:10]}.{kind}"
            files[name] = data
            rules.append(f'@font-face {{ font-family: "{family}"; src: url("fonts/{name}") format("{kind}"); '
                         f"font-weight: {weight}; font-style: normal; font-display: block; }}")
    languages = dict.fromkeys(language for language, _ in texts)
    # The page's own text (its title, in any script) takes every face shipped but Nastaliq.
    everything = ", ".join(f'"{f}"' for f in stack("") if f in letters)
    if everything:
        rules.append(f"body {{ font-family: {LATIN}, {everything}, {GENERIC}; }}")
    for language in filter(TAG.fullmatch, languages):  # a tag, never text that could end the <style>
        shipped = ", ".join(f'"{f}"' for f in stack(language) if f in letters)
        if shipped:
            rules.append(f'[lang="{language}"] {{ font-family: {LATIN}, {shipped}, {GENERIC}; }}')
    if any(map(nastaliq, languages)):
        # Nastaliq's slope reaches far above and below its line (docs/languages.md, "Fonts").
        rules.append(":is(:lang(ur), :lang(ks)) { line-height: 2.2; }")
    logger.info("catalogue fonts: %s", ", ".join(f"{n} ({len(d) // 1024} KB)" for n, d in files.items()))
    return Shipped("\n".join(rules), files)


def write(site: Path, shipped: Shipped, put) -> None:
    """The font files into site/fonts/, and the ones earlier runs wrote that no rule names out."""
    folder = site / "fonts"
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot make the catalogue's font folder ({error.strerror or error}); "
                          "remove or rename what is there") from None
    for name, data in shipped.files.items():
        if not (folder / name).is_file():  # the name is its content's hash
            put(folder / name, data)
    if folder.is_symlink():
        return  # a folder of someone else's: nothing of it is removed
    for stale in folder.iterdir():
        if NAME.fullmatch(stale.name) and stale.name not in shipped.files:
            try:
                stale.unlink(missing_ok=True)
            except OSError as error:  # a stale face that stays costs nothing but its space
                logger.warning("%s: not removed (%s)", stale, error.strerror or error)


def _cmap(path: Path) -> frozenset[int]:
    from .glyphs import covered

    return covered((path,))


def _subset(path: Path, letters: set[int]) -> tuple[bytes, str]:
    """The face cut down to `letters` and what shaping them needs (every layout feature kept:
    conjuncts, joining forms, Nastaliq's cascades), as WOFF2 when brotli is there, else WOFF.
    Kept in briefkit's cache: Nastaliq's cascades take some eight seconds a face to cut."""
    try:
        import brotli  # noqa: F401
        kind = "woff2"
    except ImportError:
        kind = "woff"
    codes = ",".join(map(str, sorted(letters)))
    entry = cache.key("webfont", path.name, str(path.stat().st_size), kind, codes)
    stored = cache.get("webfonts", entry, lambda value: isinstance(value, str))
    try:
        if stored is not None:
            return base64.b64decode(stored, validate=True), kind
    except ValueError:  # a damaged entry is only a miss
        pass
    data = _cut(path, letters, kind)
    cache.put("webfonts", entry, base64.b64encode(data).decode())
    return data, kind


def _cut(path: Path, letters: set[int], kind: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.flavor = kind
    options.hinting = False  # browsers hint outlines themselves
    options.name_IDs = ["*"]  # the licence and copyright strings travel with the face (OFL)
    with TTFont(str(path)) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=letters)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = kind
        font.save(out)
    return out.getvalue()
