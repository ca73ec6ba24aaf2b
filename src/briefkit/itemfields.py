"""Item fields: a CSL item as the citation templates read it (names joined, dates written out,
short titles), and dates as readers write them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from babel.dates import format_date

from . import dates
from .citesyntax import RANGE
from .languages import digits, locale_of
from .models import Source

#: babel patterns per precision, for dates in notes, charts and chronologies. A month alone
#: takes the standalone form (LLLL): "декабрь 1979", where MMMM would give "декабря 1979".
DATE_PATTERNS = {"day": "d MMMM y", "month": "LLLL y", "year": "y"}


def human_date(value: Any, language: str = "en", precision: str | None = None, native: bool = False) -> str:
    """A date as readers write it, at the precision it was given: 3 July 2025, July 2025, 2025;
    `native`: in the language's own digits."""
    date = dates.partial(value)
    text = format_date(date.start(), DATE_PATTERNS[precision or date.precision], locale=locale_of(language))
    return digits(text, language, native)


def _names(people: Any, conjunction: str = "and") -> tuple[str, str, str]:
    """Full names for a first note ("Charles de Gaulle", "Martin Luther King Jr."), family names
    with their particle for the short form ("de Gaulle"), and the names of a reference list entry
    (first name inverted, its particle after the given names as CSL demotes it: "Gaulle, Charles
    de"; "King, Martin Luther, Jr.")."""
    full, short, inverted = [], [], []
    for person in people or []:
        if not isinstance(person, dict):
            continue
        literal = person.get("literal")
        part = {key: str(person.get(key) or "").strip() for key in
                ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")}
        family = " ".join(p for p in (part["non-dropping-particle"], part["family"]) if p)
        suffix = (", " if person.get("comma-suffix") else " ") + part["suffix"] if part["suffix"] else ""
        full.append(literal
                    or " ".join(p for p in (part["given"], part["dropping-particle"], family) if p) + suffix)
        short.append(literal or family or part["given"])
        given = " ".join(p for p in (part["given"], part["dropping-particle"], part["non-dropping-particle"])
                         if p)
        inverted.append(full[-1] if inverted or literal or not part["given"]
                        else f"{part['family']}, {given}" + (f", {part['suffix']}" if part["suffix"] else ""))

    def join(names: list[str]) -> str:
        return "".join(names) if len(names) < 2 else ", ".join(names[:-1]) + f" {conjunction} " + names[-1]

    return join(full), join(short), join(inverted)


def prepare(source: Source, language: str, conjunction: str = "and", native: bool = False) -> dict[str, Any]:
    """The CSL item as the citation templates read it: names joined (`conjunction` before the
    last, in the brief's language), dates written out."""
    csl = source.csl()
    authors, short_authors, inverted_authors = _names(csl.get("author"), conjunction)
    issued = dates.csl(csl.get("issued"))
    title = csl.get("title") or source.id
    # Any CSL field a format reads but the item lacks is None, not a template error.
    return defaultdict(lambda: None, {
        **csl,
        "authors": authors,
        "short_authors": short_authors,
        "editors": _names(csl.get("editor"), conjunction)[0],
        "editor_count": len(csl.get("editor") or []),
        "translators": _names(csl.get("translator"), conjunction)[0],
        "edition_ordinal": _ordinal(csl.get("edition"), language),
        "inverted_authors": inverted_authors,
        # Who a reference is filed under: the authors, else the outlet that published it.
        "sort_name": inverted_authors or csl.get("container-title") or csl.get("publisher") or title,
        "title": title,
        "short_title": csl.get("title-short") or csl.get("short_title") or csl.get("shortTitle")
        or _shorten(title),
        "container": csl.get("container-title"),
        "collection": " ".join(str(csl[k]) for k in ("collection-title", "number") if csl.get(k)),
        "date": human_date(issued, language, native=native) if issued else None,
        "year": issued.year if issued else None,
        "url": csl.get("URL"),
        "page": RANGE.sub(r"\1–", str(csl["page"])) if csl.get("page") else None,
    })


def _ordinal(edition: Any, language: str) -> str | None:
    """A numbered edition as an ordinal ("2nd"; "2." outside English), None for a named one."""
    text = str(edition or "").strip()
    if not text.isdigit():
        return None
    if not language.startswith("en"):
        return f"{text}."
    n = int(text)
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def sort_key(name: str) -> str:
    """File "The Moscow Times" under M, as reference lists do."""
    return name.removeprefix("The ").casefold()


#: Words a short title does not end on ("Russia Invites Taliban to" -> "Russia Invites Taliban").
_FUNCTION_WORDS = {"a", "about", "after", "against", "amid", "among", "an", "and", "as", "at", "before",
                   "between", "but", "by", "during", "for", "from", "in", "into", "of", "on", "or", "over",
                   "since", "the", "through", "to", "under", "until", "with", "within", "without"}
#: Quotation marks and punctuation a cut title may not end on.
_TRAILING = ",;:–—-‘’“”«»‚„\"'"


def _shorten(title: str, words: int = 4, most: int = 6) -> str:
    """Chicago's short title (14.30): the main title if it has up to `words` words; else its
    words up to a phrase's end, where a preposition, article or conjunction, or a comma or dash,
    begins the next phrase: the first such end after `words` - 1 words and by `most` words
    ("Last Batch of Indian Nationals Evacuated", never "Last Batch of Indian"); a title with no
    such end keeps its first `words` words, not ending on a function word nor inside a quotation."""
    main = title.split(":")[0].split()
    if len(main) <= words:
        return " ".join(main)
    for end in range(words - 1, min(most, len(main) - 1) + 1):
        if main[end].strip(_TRAILING).casefold() in _FUNCTION_WORDS or main[end - 1][-1:] in ",;–—":
            return " ".join(main[:end]).rstrip(_TRAILING + " ")
    kept = main[:words]
    while len(kept) > 1 and kept[-1].strip(_TRAILING).casefold() in _FUNCTION_WORDS | {""}:
        kept.pop()
    return " ".join(kept).rstrip(_TRAILING + " ")


def without_author(item: dict[str, Any]) -> dict[str, Any]:
    """The item with its author left out (`[-@a]`, or a narrative cite's author already in the text)."""
    item = defaultdict(lambda: None, item)
    item.update(authors="", short_authors="", inverted_authors="", suppress_author=True)
    return item
