"""A publish site folder: checked before any build, and the state earlier runs left in it."""

from __future__ import annotations

import json
from pathlib import Path

from . import output
from .errors import OutputError, UsageError


def prepare(site: Path, folders: list[Path], options, names: tuple[str, ...]) -> output.Reads:
    """Refuse, before any build, a site folder among the briefs' inputs, or one whose file
    `names` are taken by folders or links to inputs, or whose `thumbs` is a file; then make its
    folders. Each problem names its path. Returns what the briefs' builds read, all together."""
    from .batch import reads
    from .stylesearch import BUILTIN_ROOT

    each = [reads(folder, options) for folder in folders]
    output.refuse_site(site, each, BUILTIN_ROOT)
    every = output.Reads(tuple(dict.fromkeys(folder for one in each for folder in one.folders)),
                         frozenset().union(*(one.files for one in each)))
    for name in names:
        output.target(site / name, every)
    if (site / "thumbs").exists() and not (site / "thumbs").is_dir():
        raise UsageError(f"{site / 'thumbs'}: a file is where the site's thumbnail folder goes; "
                         "remove or rename it")
    try:
        (site / "thumbs").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{site}: cannot make the site folder here ({error.strerror or error}); "
                          "choose a writable folder") from None
    return every


def read_state(path: Path, fields: dict[str, str]) -> dict:
    """What earlier runs published: {folder: entry} and {folder: its style's template folders},
    entries having `fields` ({name: "str" or "int"}). A damaged state (any shape) only costs
    work: what is not of the expected shape is dropped, and the run writes it anew."""
    try:
        state = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, RecursionError):
        state = {}
    if not isinstance(state, dict) \
            or not {"styles", "entries"} <= set(state) <= {"styles", "entries", "base_url"} \
            or not all(isinstance(state[part], dict) for part in ("styles", "entries")):
        return {"styles": {}, "entries": {}}
    entries = {key: entry for key, entry in state["entries"].items()
               if isinstance(entry, dict) and set(entry) == set(fields)
               and all(isinstance(entry[name], int if kind == "int" else str)
                       for name, kind in fields.items())
               and _plain_name(entry["pdf"]) and _plain_name(entry["slug"])
               and entry["thumbnail"].startswith("thumbs/")
               and _plain_name(entry["thumbnail"].removeprefix("thumbs/"))}
    styles = {key: dirs for key, dirs in state["styles"].items()
              if isinstance(dirs, list) and all(isinstance(folder, str) for folder in dirs)}
    # The address the landing pages were written for: another one rewrites them all.
    base_url = state.get("base_url") if isinstance(state.get("base_url"), str) else None
    return {"styles": styles, "entries": entries, "base_url": base_url}


def _plain_name(name) -> bool:
    """A file name inside the site, not a path out of it (a state file is not trusted)."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name
