"""Where styles are: the built-in ones, the search path a style name is looked up on, every style
a name can reach, and the folder a name, a path or an `extends:` finds."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from . import stylefile
from .errors import StyleError, did_you_mean
from .stylepaths import where as _where

_HERE = Path(__file__).resolve().parent
#: Built-in templates and styles: inside the wheel, or at the top of a source checkout.
BUILTIN_ROOT = _HERE if (_HERE / "templates").is_dir() else _HERE.parents[1]
BUILTIN_TEMPLATES = BUILTIN_ROOT / "templates"
BUILTIN_STYLES = BUILTIN_ROOT / "styles"


def search_path(brief_folder: Path | None = None,
                given: Sequence[Path] | None = None) -> list[tuple[str, Path]]:
    """Where a style name is looked up, first match wins: (origin, folder holding styles).
    `given` (Options.style_places) takes the place of $BRIEFKIT_STYLES: read from the process's
    environment, a setting would be shared by every build in it (a cluster worker's threads)."""
    places = [("brief", brief_folder / "styles")] if brief_folder is not None else []
    if given is not None:
        places += [("given", Path(p).expanduser()) for p in given]
    else:
        places += [("BRIEFKIT_STYLES", Path(p).expanduser())
                   for p in os.environ.get("BRIEFKIT_STYLES", "").split(os.pathsep) if p]
    places.append(("user", Path(click.get_app_dir("briefkit")) / "styles"))
    places.append(("built-in", BUILTIN_STYLES))
    return places


def available(brief_folder: Path | None = None,
              places: Sequence[Path] | None = None) -> list[tuple[str, str, Path, str]]:
    """Every style a name can reach: (name, origin, folder, description), shadowed ones left out."""
    found: dict[str, tuple[str, str, Path, str]] = {}
    for origin, place in search_path(brief_folder, places):
        for folder in sorted(place.iterdir()) if place.is_dir() else []:
            if (folder / "style.yaml").is_file() and folder.name not in found:
                try:
                    description = stylefile.read(folder / "style.yaml")[0].get("description", "")
                except StyleError as exc:
                    description = f"(broken: {exc})"
                found[folder.name] = (folder.name, origin, folder, description)
    return list(found.values())


def locate(target: str, brief_folder: Path | None, chain: list[Path],
           places: Sequence[Path] | None = None) -> Path:
    """The folder of the style `target` names, the next one up a `chain` of style folders (empty:
    the style a brief or --style names), found along the search path."""
    if is_path(target):
        # a path in `extends` is relative to the style that writes it, wherever the build runs
        candidates = [chain[-1] / Path(target).expanduser() if chain else Path(target).expanduser()]
    else:
        candidates = [place / target for _, place in search_path(brief_folder, places)]
        if chain:  # `extends` looks beside the extending style first: styles ship as families
            candidates.insert(0, chain[-1].parent / target)
        # A style may extend one of the same name further down the path (a brief's own
        # think-tank extending the built-in one): it never finds itself.
        candidates = [c for c in candidates if not chain or c.resolve() != chain[-1]]
        if chain and not any((c / "style.yaml").is_file() for c in candidates) and chain[-1].name == target:
            raise StyleError(f"{_extends_line(chain[-1])}: extends: {target} names this style itself; "
                             "name the style it builds on (e.g. think-tank), or remove the line")
    for candidate in candidates:
        if (candidate / "style.yaml").is_file():
            folder = candidate.resolve()
            if folder in chain:
                cycle = " -> ".join(p.name for p in chain + [folder])
                raise StyleError(f"{_extends_line(chain[-1])}: extends makes a cycle: {cycle}")
            return folder
    known = [name for name, *_ in available(brief_folder, places)]
    where = f"{_extends_line(chain[-1])}: extends: " if chain else ""
    raise StyleError(f"{where}style {target!r} not found{did_you_mean(target, known)} (looked in "
                     f"{', '.join(map(str, candidates))}); styles here: {', '.join(known)}")


def located(name: str, brief_folder: Path | None) -> Path | None:
    """The folder a style name finds, or None."""
    try:
        return locate(name, brief_folder, [])
    except StyleError:
        return None


def _extends_line(folder: Path) -> str:
    """style.yaml:LINE of a style's `extends:`, for the mistakes found in following it."""
    try:
        return _where(folder / "style.yaml", stylefile.read(folder / "style.yaml")[1], "extends")
    except StyleError:
        return str(folder / "style.yaml")


def is_path(name: str) -> bool:
    """Whether a style is named by its folder's path (`./house`, `~/styles/x`) rather than by name."""
    return "/" in name or name.startswith((".", "~"))
