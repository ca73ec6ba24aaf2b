"""The brief as typed models: what every later stage may rely on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .dates import PartialDate, full, partial

#: What `--pdf-variant` offers: archival PDF/A-3 (b: appearance, u: plus searchable Unicode
#: text, a: plus tags), accessible tagged PDF/UA-1, and both at once.
Variant = Literal["pdf/a-3b", "pdf/a-3u", "pdf/a-3a", "pdf/ua-1", "pdf/a-3a+ua-1"]
VARIANTS: tuple[str, ...] = get_args(Variant)
#: Variants tagged for assistive technology, so every image needs alt text.
TAGGED = ("pdf/a-3a", "pdf/ua-1", "pdf/a-3a+ua-1")


def _nonblank(value: str) -> str:
    from .parsing import visible

    if not visible(value):  # zero-width spaces, joiners, soft hyphens print nothing either
        raise ValueError("must not be empty" if not value.strip() else
                         "must not be empty (it holds only invisible characters)")
    return value


#: Text a reader must see: a title or name that is empty would print as nothing.
Text = Annotated[str, AfterValidator(_nonblank)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _partial(value: Any) -> PartialDate | None:
    return None if value is None else partial(value)


class Author(_Model):
    name: Text
    affiliation: str | None = None
    bio: str | None = None


class Era(_Model):
    start: PartialDate
    end: PartialDate
    title: Text

    _dates = field_validator("start", "end", mode="before")(_partial)


class Event(_Model):
    date: PartialDate
    end: PartialDate | None = None
    title: Text
    text: str | None = None
    group: str | None = None
    importance: Literal["high", "normal", "low"] = "normal"
    sources: list[str] = Field(default_factory=list)
    id: str | None = None
    #: Line of the event in its file, for messages about it.
    line: int = 0

    _dates = field_validator("date", "end", mode="before")(_partial)


class Source(BaseModel):
    """A CSL item; fields beyond these are kept as they are for the citation format."""

    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    type: str = "document"
    title: str | None = None
    #: Line of the item in its file, for messages about it; not part of the CSL item.
    line: int = Field(0, exclude=True)

    def csl(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Brief(_Model):
    """brief.yaml; the keys and their defaults are the contract in brief-format.md."""

    title: Text
    subtitle: str | None = None
    short_title: str | None = None
    series: str | None = "Issue Brief"
    number: str | None = None
    publisher: str | None = None
    date: dt.date
    language: str = "en"
    #: ltr or rtl; by default the language's, from its script (languages.direction).
    direction: Literal["ltr", "rtl"] | None = None
    authors: list[Author] = Field(default_factory=list)
    summary: str | None = None
    keywords: list[str] = Field(default_factory=list)
    style: str = "think-tank"
    commentary: str = "commentary.md"
    events: str | None = None
    sources: str | None = None
    disclaimer: str | None = None
    copyright: str | None = None
    allow_html: bool = False
    #: Relative links ([annex](annex.pdf)) kept as written; by default they are errors, since a
    #: PDF cannot say what they are relative to and WeasyPrint would make them build-machine paths.
    allow_local_links: bool = False
    #: Page budget checked by `briefkit check --layout` (the style may set one too).
    max_pages: int | None = Field(None, gt=0)
    #: native: every number printed in the language's digits (۱۴۰۴, १२३); default: the style's, else CLDR's
    digits: Literal["latin", "native"] | None = None
    #: `--pdf-variant` wins; the style may set one too.
    pdf_variant: Variant | None = None
    #: The style's citation_format, overridden: a citation template or a CSL style (id or .csl file).
    citation_format: str | None = None
    #: The file name's slug (`dist/<date>-<slug>.pdf`) instead of the one spelled from the title.
    slug: str | None = None
    #: Keys declared by the house style for its own templates.
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        from .output import slug_problem

        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # slug: 2026 is a slug, though YAML reads a number
        if isinstance(value, str) and (problem := slug_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _full_date(cls, value: Any) -> Any:
        return value if value is None else full(value)

    @property
    def running_title(self) -> str:
        return self.short_title or self.title

    @property
    def text_direction(self) -> str:
        from .languages import direction

        return self.direction or direction(self.language)


@dataclass(frozen=True)
class Timeline:
    """The events file: events in date order and the eras shaded behind them."""

    events: tuple[Event, ...] = ()
    eras: tuple[Era, ...] = ()


@dataclass(frozen=True)
class Material:
    """Everything read from a brief folder, validated."""

    folder: Any  # pathlib.Path
    brief: Brief
    commentary: str
    commentary_file: Any
    timeline: Timeline
    sources: dict[str, Source]
    sources_file: Any
    events_file: Any = None
    #: The line of every key and item of brief.yaml, for messages about its values.
    brief_lines: dict = field(default_factory=dict)
    #: "brief", "events", "sources": files that had problems of their own. Checks across files
    #: skip what follows only from them (no "unknown source" when sources.yaml did not parse).
    incomplete: frozenset = frozenset()
    #: Every id the sources file lists, valid items or not; None when that cannot be known
    #: (the file did not parse, or an item has no usable id).
    listed_ids: frozenset | None = frozenset()
