"""`briefkit style new`'s scaffold: a minimal child style whose style.yaml extends its parent and
whose style.css lists the custom properties the parent's chain defines, commented out."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .errors import StyleError
from .styles import find
from .stylesearch import located

_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);[ \t]*(?:/\*\s*(.*?)\s*\*/)?")


def scaffold(name: str, base: str, directory: Path, brief_folder: Path | None = None) -> Path:
    """Make a minimal child style: style.yaml extending `base`, a style.css listing the custom
    properties the chain defines (commented out), and a README."""
    parent = find(base, brief_folder)
    folder = directory / name
    # `extends:` must find the parent from the new style's folder, as a build will: by name when
    # it sits beside it (or is on the search path), else by a path relative to the new style.
    extends = parent.chain[0].name
    if parent.chain[0].parent != directory.resolve() and located(extends, brief_folder) != parent.chain[0]:
        extends = os.path.relpath(parent.chain[0], directory.resolve() / name)
    if folder.exists():
        raise StyleError(f"{folder}: already exists; choose another name or --dir")
    properties: dict[str, tuple[str, str]] = {}
    for match in _PROPERTY.finditer(parent.css()):
        properties[match.group(1)] = (match.group(2).strip(), match.group(3) or "")
    lines = [f"/* {name}: layered after {parent.name}'s CSS. Uncomment a line to change it. */",
             ":root {"]
    lines += [f"  /* {prop}: {value}; */" + (f"  /* {note} */" if note else "")
              for prop, (value, note) in properties.items()]
    lines += ["}", ""]
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(
        "# A house style; every key and its default: docs/house-styles.md, 'What a style can set'.\n"
        f"name: {json.dumps(name, ensure_ascii=False)}\n"
        f"description: {json.dumps(f'{name}, based on {parent.name}', ensure_ascii=False)}\n"
        f"extends: {json.dumps(extends, ensure_ascii=False)}\n", encoding="utf-8")
    (folder / "style.css").write_text("\n".join(lines), encoding="utf-8")
    (folder / "README.md").write_text(
        f"# {name}\n\nA child of `{parent.name}`. Change a colour or a font in `style.css`, add a logo with "
        "`logo: logo.svg` in `style.yaml`, or override one template by copying it from briefkit's "
        "`templates/` into `templates/` here (same relative name) and editing it; "
        '`{% extends "base/partials/cover.html.j2" %}` reaches the one below it: the parent style\'s, '
        "or the built-in.\n", encoding="utf-8")
    return folder
