"""Items a CSL style cannot format fully: variables it prints for the item's type that the item lacks.

The rule (docs/house-styles.md, "Citation formats"): for each CSL item type, the variables a
reference of that type cannot do without by the conventions the CSL styles follow (a book's
publisher, an article's journal, a web page's address...); a variable counts only if the style
prints it at all (a `variable=` of the style names it), so a style that never prints publishers
does not ask for one. Names are not asked for: every style puts the title or the container in
an author's place when there is none."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

#: The variables each item type needs, by CSL's conventions (CSL 1.0.2 appendix, the Chicago,
#: APA and MHRA styles' own requirements); a type not here needs a title only.
REQUIRED: dict[str, tuple[str, ...]] = {
    "book": ("title", "publisher", "issued"),
    "chapter": ("title", "container-title", "publisher", "issued"),
    "article-journal": ("title", "container-title", "issued"),
    "article-magazine": ("title", "container-title", "issued"),
    "article-newspaper": ("title", "container-title", "issued"),
    "entry-dictionary": ("title", "container-title"),
    "entry-encyclopedia": ("title", "container-title"),
    "paper-conference": ("title", "issued"),
    "report": ("title", "publisher", "issued"),
    "thesis": ("title", "publisher", "issued"),
    "webpage": ("title", "URL"),
    "post-weblog": ("title", "container-title", "URL"),
}
#: Any one of these stands in for the variable: an event's title for a proceedings' container...
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "container-title": ("container-title", "container-title-short", "event-title", "event"),
    "URL": ("URL", "DOI"),
    "issued": ("issued", "original-date", "status"),
}
#: What a variable is called in a message, and how it is written in sources.yaml.
_WORDS = {"issued": "date (issued)", "URL": "URL (or DOI)",
          "container-title": "container-title (the journal, paper or book it is in)"}


def missing(item: dict[str, Any], style_path: Path) -> list[str]:
    """The variables `item` (CSL-JSON) lacks that its type needs and the style prints."""
    printed = _variables(style_path, style_path.stat().st_mtime_ns)
    needed = REQUIRED.get(str(item.get("type", "")), ("title",))
    return [name for name in needed if name in printed
            and not any(_given(item.get(other)) for other in ALTERNATIVES.get(name, (name,)))]


def message(key: str, item: dict[str, Any], names: list[str], style: str) -> str:
    """The warning for a source that lacks `names`, to follow its sources.yaml:line."""
    words = ", ".join(_WORDS.get(name, name) for name in names)
    fields = ", ".join(f"`{name}:`" for name in names)
    return (f"source {key!r} ({item.get('type', 'no type')}) has no {words}, which {style} prints for "
            f"this type: its citations will lack it; add {fields} or check `type:`")


def _given(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_given(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_given(v) for v in value)
    return value is not None and str(value).strip() != ""


@functools.cache
def _variables(path: Path, mtime: int) -> frozenset[str]:
    """Every variable the style names anywhere (its macros included): what it can print."""
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    return frozenset(name for element in root.iter() if isinstance(element.tag, str)
                     for name in (element.get("variable") or "").split())
