"""The files a style names (fonts, logo, chart style, style.css and its url()s): each resolved,
links followed, and kept inside its style folder or package; fonts opened, sheets read."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StyleError


@dataclass(frozen=True)
class Font:
    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


def where(path: Path, lines: dict, *loc) -> str:
    from .parsing import line_of

    return f"{path}:{line_of(lines, loc)}"


def inside(folder: Path, name: str, what: str, where: str, must_exist: bool = True,
            place: str = "the style folder") -> Path:
    """`name` resolved (links followed) inside `folder`; a style reads nothing outside itself."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise StyleError(f"{where}: {what} {name!r} lies outside {place} {folder}; "
                         "copy the file into the style folder and name it from there")
    if must_exist and not path.is_file():
        raise StyleError(f"{where}: {what} {name!r} is not a file in {place} {folder}")
    return path


#: What a font file may be: WeasyPrint and Matplotlib read these.
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".ttc")


def font(folder: Path, spec: dict[str, Any], where: str) -> Font:
    """A font file in the style folder, or `pkg:PACKAGE/PATH` inside an installed package's own
    folder (briefkit's Noto faces, the Source fonts), never a path that leaves either."""
    file = spec["file"]
    if file.startswith("pkg:"):
        module, _, inner = file[4:].partition("/")
        # find_spec, not import: naming a package must not run its code.
        found = importlib.util.find_spec(module) if module.isidentifier() else None
        places = list(found.submodule_search_locations or []) if found else []
        if not places:
            raise StyleError(f"{where}: font package {module!r} is not an installed package; "
                             "install it, or put the font file in the style folder")
        path = inside(Path(places[0]).resolve(), inner, f"font file {file!r}: file", where,
                       place=f"the package {module!r}")
    else:
        path = inside(folder, file, "font file", where)
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise StyleError(f"{where}: font file {file!r} is not a font ({', '.join(FONT_SUFFIXES)})")
    _readable_font(path, where, file)
    return Font(spec["family"], path, spec.get("weight", 400), spec.get("style", "normal"))


def _readable_font(path: Path, where: str, file: str) -> None:
    from .glyphs import font_facts

    problem = font_facts(path)[0]
    if problem:
        raise StyleError(f"{where}: font file {file!r} cannot be read as a font ({problem}); "
                         "replace it with an intact .ttf or .otf file")


def sheet(folder: Path) -> str:
    """A style folder's style.css, read by the brief's rules (UTF-8, a BOM dropped), its url()s
    made absolute inside the style folder (a style's images and fonts are its own)."""
    from .errors import Problems
    from .parsing import Unreadable, read_text

    path = folder / "style.css"
    if not path.is_file():
        return ""
    problems = Problems()
    try:
        text = read_text(path, problems)
    except Unreadable:
        raise StyleError("\n".join(map(str, problems.items))) from None
    if "@import" in text:  # layers are inlined, where @import would be ignored
        raise StyleError(f"{path}: @import is not supported; put the rules in style.css, or share "
                         "them through `extends`")
    return _URL.sub(lambda match: _url(folder, path, text, match), text)


#: url(...) in a style sheet, quoted or not.
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.IGNORECASE)


def _url(folder: Path, path: Path, text: str, match: re.Match) -> str:
    from urllib.parse import unquote, urlsplit

    url = next(group for group in match.groups() if group is not None)
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("data", "http", "https") or url.startswith("#"):
        return match[0]  # the resource gate decides on remote ones
    line = text.count("\n", 0, match.start()) + 1
    if scheme or url.startswith(("/", "\\")):
        raise StyleError(f"{path}:{line}: url({url}) names a file by an absolute path; name it relative "
                         "to the style folder (e.g. url(images/rule.svg))")
    target = inside(folder, unquote(url.split("#")[0].split("?")[0]), "url()", f"{path}:{line}")
    return f'url("{target.as_uri()}")'
