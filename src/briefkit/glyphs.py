"""Glyph coverage: the texts a brief prints, letters no font of its style has, PDF fonts none of its own."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from pathlib import Path

#: Categories that print nothing of their own: spaces, controls, joiners and format marks.
SILENT = ("Zs", "Zl", "Zp", "Cc", "Cf")


def covered(paths: tuple[Path, ...]) -> frozenset[int]:
    """The code points any of the font files maps (as they are now: watch mode sees a font
    file replaced)."""
    return _union(tuple((path, *_stamp(path)) for path in paths))


@functools.lru_cache(maxsize=64)
def _union(files: tuple[tuple[Path, int, int], ...]) -> frozenset[int]:
    return frozenset().union(*(_facts(*file)[1] for file in files))


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def font_facts(path: Path) -> tuple[str | None, frozenset[int]]:
    """(why fontTools cannot read the font file, or None; the code points it maps)."""
    return _facts(path, *_stamp(path))


@functools.lru_cache(maxsize=256)
def _facts(path: Path, size: int, mtime: int) -> tuple[str | None, frozenset[int]]:
    """font_facts, read once per version of the file and kept in the cache: decoding the cmaps
    of a style's fonts was most of what preparing a rebuild cost."""
    from . import cache

    entry = cache.key("font", str(path), str(size), str(mtime), cache.stamp("fontTools"))
    known = cache.get("fonts", entry, _facts_shape)
    if known is not None:
        return known["problem"], frozenset(code for first, last in known["ranges"]
                                           for code in range(first, last + 1))
    from fontTools.ttLib import TTFont

    codes: frozenset[int] = frozenset()
    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            _ = font["head"], font["maxp"], font["name"]  # reading them checks them
            codes = frozenset(font.getBestCmap() or {})
        problem = None
    except OSError as exc:  # the file, not its contents (permissions, a network share): not kept
        return f"{type(exc).__name__}: {exc}"[:160], codes
    # fontTools raises many kinds of exception for a damaged file
    except Exception as exc:  # noqa: BLE001
        problem = f"{type(exc).__name__}: {exc}"[:160]
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    cache.put("fonts", entry, {"problem": problem, "ranges": ranges})
    return problem, codes


def _facts_shape(value) -> bool:
    return (isinstance(value, dict) and set(value) == {"problem", "ranges"}
            and isinstance(value["problem"], str | None) and isinstance(value["ranges"], list)
            and all(isinstance(r, list) and len(r) == 2
                    and all(type(c) is int and 0 <= c <= 0x10FFFF for c in r)
                    and r[0] <= r[1] for r in value["ranges"]))


def uncovered(material, fonts: list[Path], style: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, message) for each printed text with letters that no font of the style has:
    they would print as empty boxes, or in whatever font the machine happens to have."""
    has = covered(tuple(fonts))
    for file, line, _, text in texts(material):
        missing = dict.fromkeys(c for c in text or "" if ord(c) not in has
                                and unicodedata.category(c) not in SILENT)
        if missing:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in list(missing)[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            yield file, line, (f"no font of style {style!r} has {names}{more}; add a font that has "
                               "it to the style (style.yaml `fonts:`)")


#: The fields of `texts` written in Markdown: their links and images follow the commentary's rules.
MARKDOWN = ("summary", "disclaimer", "bio", "text")


def texts(material) -> Iterator[tuple[Path, int, str, str | None]]:
    """Every text of the brief that is printed: (file, line, field, text)."""
    brief, lines, brief_file = material.brief, material.brief_lines, material.folder / "brief.yaml"
    for key in ("title", "subtitle", "short_title", "series", "number", "publisher", "summary",
                "disclaimer", "copyright"):
        yield brief_file, lines.get((key,), 0), key, getattr(brief, key)
    for index, author in enumerate(brief.authors):
        for key in ("name", "affiliation", "bio"):
            yield brief_file, lines.get(("authors", index, key), 0), key, getattr(author, key)
    yield brief_file, lines.get(("keywords",), 0), "keywords", " ".join(brief.keywords)
    for number, text in enumerate(material.commentary.splitlines(), start=1):
        yield material.commentary_file, number, "commentary", text
    for event in material.timeline.events:
        for key in ("title", "text", "group"):
            yield material.events_file, event.line, key, getattr(event, key)
    for era in material.timeline.eras:
        yield material.events_file, 0, "era", era.title
    for source in material.sources.values():
        yield material.sources_file, source.line, "source", " ".join(_strings(source.csl()))


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


#: Words Pango adds to a family in the names WeasyPrint gives a PDF's fonts ("Source-Serif-Pro-Semi-Bold").
STYLE_WORDS = {"thin", "ultra", "extra", "light", "semi", "book", "regular", "normal", "medium", "bold",
               "heavy", "black", "italic", "oblique", "condensed", "expanded", "small", "caps"}
#: What pdfium reads for a hyphen it finds at a line end.
LINE_END_HYPHEN = "\x02"


def foreign(pdf: bytes, families: set[str]) -> dict[str, dict[str, set[int]]]:
    """The fonts of a laid-out PDF that are none of `families` (the subset prefix and Pango's
    style words left out): {font name: {letter: pages}}, the letters read back by pdfium."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium

    known = {tuple(family.casefold().replace("-", " ").split()) for family in families}
    found: dict[str, dict[str, set[int]]] = {}
    document = pypdfium2.PdfDocument(pdf)
    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    try:
        for number, page in enumerate(document, start=1):
            text = page.get_textpage()
            for index in range(text.count_chars()):
                letter = chr(pdfium.FPDFText_GetUnicode(text.raw, index))
                if unicodedata.category(letter) in SILENT and letter != LINE_END_HYPHEN:
                    continue
                pdfium.FPDFText_GetFontInfo(text.raw, index, name, len(name), ctypes.byref(flags))
                font = name.value.decode("latin-1").rpartition("+")[2]
                if font and not _known(font, known):
                    found.setdefault(font, {}).setdefault(letter, set()).add(number)
    finally:
        document.close()
    return found


def _known(font: str, known: set[tuple[str, ...]]) -> bool:
    """Whether a PDF font name is one of the families, with style words or none after it."""
    words = tuple(font.casefold().replace("-", " ").split())
    return any(words[:len(family)] == family and set(words[len(family):]) <= STYLE_WORDS
               for family in known)
