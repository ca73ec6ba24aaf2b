"""House styles: find one, resolve its `extends` chain, and say what it contributes."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import fontstack, stylefile
from .errors import StyleError
from .stylepaths import Font, font, inside, sheet
from .stylepaths import where as _where
from .stylesearch import BUILTIN_TEMPLATES, locate

#: The CSS the templates and the code rely on (notes at the page foot, running heads, the
#: chronology's repeated header...): the first layer of every style, so a style carries only its look.
MECHANICS = BUILTIN_TEMPLATES / "mechanics.css"
#: The mechanics of notes in the outer margin (`notes: margin`), layered after MECHANICS.
MARGIN_NOTES = BUILTIN_TEMPLATES / "margin-notes.css"

#: style.yaml keys and their defaults; a child inherits any key it does not set. Their types
#: and the values each takes: stylefile.StyleFile, which checks every style.yaml.
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
    "digits": None,  # latin or native; unset: CLDR's default for the language; a brief's `digits:` wins
    "timeline_direction": "ltr",  # or rtl: time runs right to left on the chart (labels follow the brief)
    "notes": "foot",  # or margin: each note in the outer margin beside its line (margin-notes.css)
}


@dataclass
class Style:
    """A resolved style: its chain from the child up to the root, merged settings."""

    name: str
    chain: list[Path]  # style folders, the chosen one first
    settings: dict[str, Any] = field(default_factory=dict)
    fonts: list[Font] = field(default_factory=list)
    own: list[dict[str, Any]] = field(default_factory=list)  # each folder's style.yaml, in chain order
    logo: Path | None = None
    sheets: list[str] = field(default_factory=list)  # each folder's style.css, read and checked
    citation_where: str = "the built-in default"  # style.yaml:line that sets citation_format
    csl: Any = None  # the CSL style citation_format names (cslstyles.CslStyle), None for a template

    def css(self, mirrored: bool = False) -> str:
        """The CSS layers: briefkit's mechanics, then from the root style down each folder's
        style.yaml knobs (colours, page) and its style.css, so a rule written by hand wins; a
        house font without U+2010 hyphenates with its own "-" (fontstack.hyphen_css).
        `mirrored` (a right-to-left brief) swaps the page's left and right margin boxes, which
        CSS names physically; the rest of a style mirrors itself through `dir` and logical
        properties (text-align: start, border-inline-start...)."""
        layers = [MECHANICS.read_text(encoding="utf-8")]
        if self.settings["notes"] == "margin":
            layers.append(MARGIN_NOTES.read_text(encoding="utf-8"))
        # Before the style's own sheets, so a hyphenate-character written there wins.
        layers.append(fontstack.hyphen_css(self))
        for data, text in zip(reversed(self.own), reversed(self.sheets), strict=True):
            layers += [_knobs(data), text]
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
        # Only a sheet inside its own folder: `chart_style: ../../x` reads nothing outside.
        return [folder / name for folder in reversed(self.chain)
                if (folder / name).is_file() and (folder / name).resolve().is_relative_to(folder)]

    @property
    def roots(self) -> list[Path]:
        """Folders and files a build may read for this style: the fonts themselves, never the
        folders they are in (a package's folder holds more than its fonts)."""
        return self.chain + [BUILTIN_TEMPLATES] + sorted({font.path for font in self.fonts})

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


def find(name_or_path: str, brief_folder: Path | None = None, places: Sequence[Path] | None = None) -> Style:
    """Resolve a style by name or path, following `extends` until a root style; `places`: folders
    of styles searched in place of $BRIEFKIT_STYLES (search_path)."""
    chain: list[Path] = []
    own: list[dict[str, Any]] = []
    settings: dict[str, Any] = {}
    fonts: list[Font] = []
    logo: Path | None = None
    sheets: list[str] = []
    target: str | None = name_or_path
    citation_where = ""  # the style.yaml:line nearest the child that sets citation_format
    while target:
        folder = locate(target, brief_folder, chain, places)
        data, lines = stylefile.read(folder / "style.yaml")
        chain.append(folder)
        own.append(data)
        for key, value in data.items():
            settings.setdefault(key, value)
        # labels merge down the chain: a child changes one word and keeps its parent's others
        settings["labels"] = {**(data.get("labels") or {}), **settings.get("labels", {})}
        where = functools.partial(_where, folder / "style.yaml", lines)
        fonts = [font(folder, spec, where("fonts", n, "file"))
                 for n, spec in enumerate(data.get("fonts", []))] + fonts
        if logo is None and data.get("logo"):
            logo = inside(folder, data["logo"], "logo", where("logo"))
        if data.get("chart_style"):
            inside(folder, data["chart_style"], "chart_style", where("chart_style"), must_exist=False)
        sheets.append(sheet(folder))
        if "citation_format" in data and not citation_where:
            citation_where = where("citation_format")
        target = data.get("extends")
    merged = {**STYLE_DEFAULTS, **settings, "name": own[0].get("name") or chain[0].name}
    _check_chart_font(merged["chart_font"], fonts, chain, own)
    style = Style(merged["name"], chain, merged, _dedupe(fonts), own, logo, sheets,
                  citation_where or "the built-in default")
    style.csl = _csl_style(style)
    return style


def _csl_style(style: Style):
    """A citation_format that names no template is a CSL style: found and checked now (cslstyles),
    and kept, so that composing the brief does not look for it again."""
    from . import cslstyles

    return cslstyles.find(style.settings["citation_format"], style.chain,
                          cslstyles.templates(style.template_dirs), style.citation_where)


def _check_chart_font(family: str | None, fonts: list[Font], chain: list[Path], own: list[dict]) -> None:
    """A chart font is a family the style declares under `fonts:` (or Matplotlib's DejaVu Sans):
    a system font name would draw differently on every machine, or not at all."""
    if family is None or family == "DejaVu Sans" or family in {font.family for font in fonts}:
        return
    folder = next(folder for folder, data in zip(chain, own, strict=True) if "chart_font" in data)
    text = (folder / "style.yaml").read_text(encoding="utf-8").splitlines()
    line = next((n for n, row in enumerate(text, start=1) if row.startswith("chart_font:")), 0)
    known = ", ".join(sorted({font.family for font in fonts})) or "none"
    raise StyleError(f"{folder / 'style.yaml'}:{line}: chart_font {family!r} is not a family declared under "
                     f"`fonts:` (declared: {known}); declare its file there, or name one of them")


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


def _dedupe(fonts: list[Font]) -> list[Font]:
    """A child's face replaces its parent's face of the same family, weight and style."""
    faces = {(f.family, f.weight, f.style): f for f in fonts}
    return list(faces.values())


def _declarations(css: Path) -> list[tuple[str, int]]:
    """(property, line) of each declaration in a style sheet's rules; comments are not read."""
    import tinycss2

    text = css.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return [(declaration.name, declaration.source_line) for rule in rules if rule.type == "qualified-rule"
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                               skip_whitespace=True)
            if declaration.type == "declaration"]
