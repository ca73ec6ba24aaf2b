"""House styles: find one, resolve its `extends` chain, and say what it contributes."""

from __future__ import annotations

import importlib.resources
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .errors import StyleError, did_you_mean
from .models import VARIANTS

_HERE = Path(__file__).resolve().parent
#: Built-in templates and styles: inside the wheel, or at the top of a source checkout.
BUILTIN_ROOT = _HERE if (_HERE / "templates").is_dir() else _HERE.parents[1]
BUILTIN_TEMPLATES = BUILTIN_ROOT / "templates"
BUILTIN_STYLES = BUILTIN_ROOT / "styles"
#: The CSS the templates and the code rely on (notes at the page foot, running heads, the
#: chronology's repeated header...): the first layer of every style, so a style carries only its look.
MECHANICS = BUILTIN_TEMPLATES / "mechanics.css"
#: The mechanics of notes in the outer margin (`notes: margin`), layered after MECHANICS.
MARGIN_NOTES = BUILTIN_TEMPLATES / "margin-notes.css"

#: style.yaml keys and their defaults; a child inherits any key it does not set.
STYLE_DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": "",
    "extends": None,
    "fonts": [],  # [{family, file, weight, style}]; file "pkg:module/path" or relative
    "citation_format": "chicago-note",  # a template in templates/citations/
    "chart_style": "chart.mplstyle",  # a Matplotlib style sheet in the style folder
    "chart_font": None,  # a family declared under fonts: (or DejaVu Sans); default: the first font's
    "brief_keys": [],  # extra brief.yaml keys the style's templates read
    "colours": {},  # name: CSS colour -> the custom property --name (e.g. accent: "#1f4e79")
    "page": {},  # size and margin of @page, e.g. {size: Letter, margin: 2cm}
    "logo": None,  # an image file in the style folder, shown by the cover template
    "max_pages": None,  # page budget for `briefkit check --layout`; a brief's max_pages wins
    "summary_words": None,  # the most words the summary box may hold
    "pdf_variant": None,  # one of models.VARIANTS, for every brief in this style
    "labels": {},  # briefkit's own words, e.g. {Summary: At a glance, ru: {Summary: Коротко}}
    "digits": "latin",  # or native: dates and numbers in the language's digits; a brief's `digits:` wins
    "notes": "foot",  # or margin: each note in the outer margin beside its line (margin-notes.css)
}


@dataclass(frozen=True)
class Font:
    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


@dataclass
class Style:
    """A resolved style: its chain from the child up to the root, merged settings."""

    name: str
    chain: list[Path]  # style folders, the chosen one first
    settings: dict[str, Any] = field(default_factory=dict)
    fonts: list[Font] = field(default_factory=list)
    own: list[dict[str, Any]] = field(default_factory=list)  # each folder's style.yaml, in chain order
    logo: Path | None = None

    def css(self, mirrored: bool = False) -> str:
        """The CSS layers: briefkit's mechanics, then from the root style down each folder's
        style.yaml knobs (colours, page) and its style.css, so a rule written by hand wins.
        `mirrored` (a right-to-left brief) swaps the page's left and right margin boxes, which
        CSS names physically; the rest of a style mirrors itself through `dir` and logical
        properties (text-align: start, border-inline-start...)."""
        layers = [MECHANICS.read_text(encoding="utf-8")]
        if self.settings["notes"] == "margin":
            layers.append(MARGIN_NOTES.read_text(encoding="utf-8"))
        for folder, data in zip(reversed(self.chain), reversed(self.own), strict=True):
            layers.append(_knobs(data))
            if (folder / "style.css").is_file():
                text = (folder / "style.css").read_text(encoding="utf-8")
                if "@import" in text:  # layers are inlined, where @import would be ignored
                    raise StyleError(f"{folder / 'style.css'}: @import is not supported; put the "
                                     "rules in style.css, or share them through `extends`")
                layers.append(text)
        css = "\n".join(layer for layer in layers if layer)
        return _MARGIN_BOX.sub(lambda m: m[1] + _OTHER_SIDE[m[2]] + (m[3] or ""), css) if mirrored else css

    def clashes(self) -> list[tuple[Path, int, str]]:
        """(style.css, line, name) for each colour a folder sets both in its style.yaml
        `colours:` and in its style.css: the style.css one wins, which may surprise."""
        found = []
        for folder, data in zip(self.chain, self.own, strict=True):
            css = folder / "style.css"
            if data.get("colours") and css.is_file():
                names = {f"--{name}" for name in data["colours"]}
                found += [(css, line, name[2:]) for name, line in _declarations(css) if name in names]
        return found

    @property
    def template_dirs(self) -> list[Path]:
        dirs = [folder / "templates" for folder in self.chain if (folder / "templates").is_dir()]
        return dirs + [BUILTIN_TEMPLATES]

    @property
    def chart_styles(self) -> list[Path]:
        name = self.settings["chart_style"]
        return [folder / name for folder in reversed(self.chain) if (folder / name).is_file()]

    @property
    def roots(self) -> list[Path]:
        """Folders whose files a build may read for this style."""
        return self.chain + [BUILTIN_TEMPLATES] + sorted({font.path.parent for font in self.fonts})

    @property
    def brief_keys(self) -> list[str]:
        return list(self.settings["brief_keys"])

    @property
    def chart_font(self) -> str:
        return self.settings["chart_font"] or (self.fonts[0].family if self.fonts else "DejaVu Sans")

    @property
    def chart_face(self) -> str:
        """What charts draw with: the file of the chart font as the style declares it (Matplotlib
        then measures and draws with that very face, whatever its internal name), or a family
        Matplotlib ships (DejaVu Sans)."""
        faces = [font for font in self.fonts if font.family == self.chart_font and font.style == "normal"]
        return str(min(faces, key=lambda font: abs(font.weight - 400)).path) if faces else self.chart_font


def find(name_or_path: str, brief_folder: Path | None = None) -> Style:
    """Resolve a style by name or path, following `extends` until a root style."""
    chain: list[Path] = []
    own: list[dict[str, Any]] = []
    settings: dict[str, Any] = {}
    fonts: list[Font] = []
    logo: Path | None = None
    target: str | None = name_or_path
    while target:
        folder = _locate(target, brief_folder, chain)
        data = _read(folder / "style.yaml")
        chain.append(folder)
        own.append(data)
        for key, value in data.items():
            settings.setdefault(key, value)
        # labels merge down the chain: a child changes one word and keeps its parent's others
        settings["labels"] = {**(data.get("labels") or {}), **settings.get("labels", {})}
        fonts = [_font(folder, spec) for spec in data.get("fonts", [])] + fonts
        if logo is None and data.get("logo"):
            logo = _inside(folder, data["logo"], "logo")
        target = data.get("extends")
    merged = {**STYLE_DEFAULTS, **settings, "name": own[0].get("name") or chain[0].name}
    _check_chart_font(merged["chart_font"], fonts, chain, own)
    return Style(merged["name"], chain, merged, _dedupe(fonts), own, logo)


def search_path(brief_folder: Path | None = None) -> list[tuple[str, Path]]:
    """Where a style name is looked up, first match wins: (origin, folder holding styles)."""
    places = [("brief", brief_folder / "styles")] if brief_folder is not None else []
    places += [("BRIEFKIT_STYLES", Path(p).expanduser())
               for p in os.environ.get("BRIEFKIT_STYLES", "").split(os.pathsep) if p]
    places.append(("user", Path(click.get_app_dir("briefkit")) / "styles"))
    places.append(("built-in", BUILTIN_STYLES))
    return places


def available(brief_folder: Path | None = None) -> list[tuple[str, str, Path, str]]:
    """Every style a name can reach: (name, origin, folder, description), shadowed ones left out."""
    found: dict[str, tuple[str, str, Path, str]] = {}
    for origin, place in search_path(brief_folder):
        for folder in sorted(place.iterdir()) if place.is_dir() else []:
            if (folder / "style.yaml").is_file() and folder.name not in found:
                try:
                    description = _read(folder / "style.yaml").get("description", "")
                except StyleError as exc:
                    description = f"(broken: {exc})"
                found[folder.name] = (folder.name, origin, folder, description)
    return list(found.values())


def _locate(target: str, brief_folder: Path | None, chain: list[Path]) -> Path:
    if "/" in target or target.startswith(".") or target.startswith("~"):
        # a path in `extends` is relative to the style that writes it, wherever the build runs
        candidates = [chain[-1] / Path(target).expanduser() if chain else Path(target).expanduser()]
    else:
        candidates = [place / target for _, place in search_path(brief_folder)]
        if chain:  # `extends` looks beside the extending style first: styles ship as families
            candidates.insert(0, chain[-1].parent / target)
        # A style may extend one of the same name further down the path (a brief's own
        # think-tank extending the built-in one): it never finds itself.
        candidates = [c for c in candidates if not chain or c.resolve() != chain[-1]]
    for candidate in candidates:
        if (candidate / "style.yaml").is_file():
            folder = candidate.resolve()
            if folder in chain:
                cycle = " -> ".join(p.name for p in chain + [folder])
                raise StyleError(f"{chain[-1] / 'style.yaml'}: extends makes a cycle: {cycle}")
            return folder
    known = ", ".join(name for name, *_ in available(brief_folder))
    raise StyleError(f"style {target!r} not found (looked in {', '.join(map(str, candidates))}); "
                     f"styles here: {known}")


def _check_chart_font(family: str | None, fonts: list[Font], chain: list[Path], own: list[dict]) -> None:
    """A chart font is a family the style declares under `fonts:` (or Matplotlib's DejaVu Sans):
    a system font name would draw differently on every machine, or not at all."""
    if family is None or family == "DejaVu Sans" or family in {font.family for font in fonts}:
        return
    folder = next(folder for folder, data in zip(chain, own, strict=True) if data.get("chart_font"))
    text = (folder / "style.yaml").read_text(encoding="utf-8").splitlines()
    line = next((n for n, row in enumerate(text, start=1) if row.startswith("chart_font:")), 0)
    known = ", ".join(sorted({font.family for font in fonts})) or "none"
    raise StyleError(f"{folder / 'style.yaml'}:{line}: chart_font {family!r} is not a family declared under "
                     f"`fonts:` (declared: {known}); declare its file there, or name one of them")


def _located(name: str, brief_folder: Path | None) -> Path | None:
    try:
        return _locate(name, brief_folder, [])
    except StyleError:
        return None


def _read(path: Path) -> dict[str, Any]:
    """A style.yaml, by the rules of every YAML file a brief reads (no tags or aliases, lines)."""
    from .errors import Problems
    from .parsing import Unreadable, parse_yaml, read_text

    problems = Problems()
    try:
        data, lines = parse_yaml(path, read_text(path, problems), problems)
    except Unreadable:
        data, lines = None, {}
    if problems:
        raise StyleError("\n".join(map(str, problems.items)))
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise StyleError(f"{path}:1: a style.yaml must be a mapping of keys")
    unknown = sorted(set(data) - set(STYLE_DEFAULTS), key=lambda key: lines.get((key,), 0))
    if unknown:
        hint = did_you_mean(unknown[0], STYLE_DEFAULTS) or f"; known: {', '.join(STYLE_DEFAULTS)}"
        raise StyleError(f"{path}:{lines.get((unknown[0],), 0)}: unknown key {unknown[0]!r}{hint}")
    for key, choices in (("digits", ("latin", "native")), ("notes", ("foot", "margin"))):
        if data.get(key) not in (None, *choices):
            raise StyleError(f"{path}:{lines.get((key,), 0)}: {key} {data[key]!r} is not "
                             f"{' or '.join(choices)}")
    if data.get("pdf_variant") not in (None, *VARIANTS):
        raise StyleError(f"{path}:{lines.get(('pdf_variant',), 0)}: pdf_variant {data['pdf_variant']!r} "
                         f"is not one of {', '.join(VARIANTS)}")
    return data


#: Page margin boxes named by a physical side: @top-left(-corner), @left-top...
_MARGIN_BOX = re.compile(r"(@(?:top-|bottom-)?)(left|right)(-corner|-top|-middle|-bottom)?\b")
_OTHER_SIDE = {"left": "right", "right": "left"}


def _knobs(data: dict[str, Any]) -> str:
    """style.yaml's colours and page settings as CSS, so a one-line change needs no CSS."""
    rules = []
    if data.get("colours"):
        props = " ".join(f"--{name}: {value};" for name, value in data["colours"].items())
        rules.append(f":root {{ {props} }}")
    if data.get("page"):
        rules.append("@page { " + " ".join(f"{k}: {v};" for k, v in data["page"].items()) + " }")
    return "\n".join(rules)


def _inside(folder: Path, name: str, what: str) -> Path:
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise StyleError(f"{folder / 'style.yaml'}: {what} {name!r} is not a file in the style folder")
    return path


def _font(folder: Path, spec: dict[str, Any]) -> Font:
    file = str(spec.get("file", ""))
    if file.startswith("pkg:"):
        module, _, inner = file[4:].partition("/")
        try:
            path = Path(str(importlib.resources.files(module).joinpath(inner)))
        except ModuleNotFoundError:
            raise StyleError(f"{folder / 'style.yaml'}: font package {module!r} is not installed") from None
    else:  # inside the style folder, like a logo: a style reads nothing outside itself
        path = _inside(folder, file, "font file")
    if not path.is_file():
        raise StyleError(f"{folder / 'style.yaml'}: font file {file!r} not found")
    return Font(spec["family"], path.resolve(), int(spec.get("weight", 400)), spec.get("style", "normal"))


def _dedupe(fonts: list[Font]) -> list[Font]:
    """A child's face replaces its parent's face of the same family, weight and style."""
    faces = {(f.family, f.weight, f.style): f for f in fonts}
    return list(faces.values())


_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);[ \t]*(?:/\*\s*(.*?)\s*\*/)?")


def scaffold(name: str, base: str, directory: Path, brief_folder: Path | None = None) -> Path:
    """Make a minimal child style: style.yaml extending `base`, a style.css listing the custom
    properties the chain defines (commented out), and a README."""
    parent = find(base, brief_folder)
    folder = directory / name
    # `extends:` must find the parent from the new style's folder, as a build will: by name when
    # it sits beside it (or is on the search path), else by a path relative to the new style.
    extends = parent.chain[0].name
    if parent.chain[0].parent != directory.resolve() and _located(extends, brief_folder) != parent.chain[0]:
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


def _declarations(css: Path) -> list[tuple[str, int]]:
    """(property, line) of each declaration in a style sheet's rules; comments are not read."""
    import tinycss2

    text = css.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return [(declaration.name, declaration.source_line) for rule in rules if rule.type == "qualified-rule"
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                               skip_whitespace=True)
            if declaration.type == "declaration"]
