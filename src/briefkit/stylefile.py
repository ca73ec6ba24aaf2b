"""style.yaml as a typed model: each key's type checked, each mistake named at its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .errors import Problems, StyleError
from .models import Variant

#: A CSS identifier: a colour's custom-property name, a brief key a template reads.
_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
#: A citation format names a template in templates/citations/ or a CSL style id, never a path...
_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: ...or a .csl file of the style folder (where it really is gets checked on loading: cslstyles).
_CSL_FILE = re.compile(r"^[^\0]+\.csl$", re.IGNORECASE)
#: The @page descriptors style.yaml's `page:` may set.
PAGE_KEYS = ("size", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
             "margin-inside", "margin-outside", "bleed", "marks")
_WEIGHTS = {"normal": 400, "bold": 700}


def _identifier(value: str) -> str:
    if not _IDENT.match(value):
        raise ValueError(f"{value!r} is not a name of letters, digits, '-' and '_'")
    return value


def _colour(value: str) -> str:
    import tinycss2.color3

    if tinycss2.color3.parse_color(value) is None:
        raise ValueError(f"{value!r} is not a CSS colour; "
                         "write e.g. \"#1f4e79\", \"rgb(31 78 121)\" or \"navy\"")
    return value


def _css_value(value: str | int | float) -> str:
    value = str(value)
    if any(char in value for char in ";{}<>\\") or "url(" in value.lower():
        raise ValueError(f"{value!r} is not a plain CSS value (no ';', braces or url())")
    return value


def _weight(value: Any) -> Any:
    """CSS weights as CSS writes them: 100 to 1000, `normal` (400) or `bold` (700)."""
    if isinstance(value, str) and value.strip().lower() in _WEIGHTS:
        return _WEIGHTS[value.strip().lower()]
    return value


def _template_name(value: str) -> str:
    if not (_TEMPLATE_NAME.match(value) or _CSL_FILE.match(value)):
        raise ValueError(f"{value!r} is not a template name (letters, digits, '-' and '_'; no path), "
                         "a CSL style id, nor a .csl file of the style folder")
    return value


def _plain_file(value: str) -> str:
    """A file named relative to the style folder: where it really is gets checked on loading."""
    if not value.strip() or "\0" in value:
        raise ValueError("give a file name relative to the style folder")
    return value


Ident = Annotated[str, AfterValidator(_identifier)]
Colour = Annotated[str, AfterValidator(_colour)]
CssValue = Annotated[str | int | float, AfterValidator(_css_value)]
File = Annotated[str, AfterValidator(_plain_file)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class FontSpec(_Strict):
    family: Annotated[str, Field(min_length=1, pattern=r'^[^"\\;{}<>]+$')]
    file: File
    weight: Annotated[int, BeforeValidator(_weight), Field(ge=1, le=1000)] = 400
    style: Literal["normal", "italic", "oblique"] = "normal"


class StyleFile(_Strict):
    """Every key style.yaml may set; defaults and what each does: styles.STYLE_DEFAULTS."""

    name: str | None = None
    description: str = ""
    extends: str | None = None
    fonts: list[FontSpec] = []
    citation_format: Annotated[str, AfterValidator(_template_name)] = "chicago-note"
    chart_style: File = "chart.mplstyle"
    chart_font: str | None = None
    brief_keys: list[Ident] = []
    colours: dict[Ident, Colour] = {}
    page: dict[Literal[PAGE_KEYS], CssValue] = {}  # type: ignore[valid-type]
    logo: File | None = None
    max_pages: Annotated[int, Field(ge=1)] | None = None
    summary_words: Annotated[int, Field(ge=1)] | None = None
    pdf_variant: Variant | None = None
    labels: dict[str, str | dict[str, str]] = {}
    digits: Literal["latin", "native"] | None = None
    timeline_direction: Literal["ltr", "rtl"] | None = None
    notes: Literal["foot", "margin"] | None = None


def read(path: Path) -> tuple[dict[str, Any], dict]:
    """The keys a style.yaml sets (checked, with CSS words made numbers) and the line of each key.

    Read by the rules of every YAML file a brief reads (UTF-8 with or without a BOM, no tags or
    aliases); every mistake of the file is reported at once, each at its line."""
    from .parsing import Unreadable, parse_yaml, read_text, validate

    problems = Problems()
    try:
        data, lines = parse_yaml(path, read_text(path, problems), problems)
    except Unreadable:
        data, lines = None, {}
    if not problems and data is not None and not isinstance(data, dict):
        problems.add(path, 1, "a style.yaml must be a mapping of keys such as name: and fonts:")
    model = validate(StyleFile, data or {}, path, lines, problems) if not problems else None
    if problems:
        raise StyleError("\n".join(map(str, problems.items)))
    return model.model_dump(exclude_unset=True), lines
