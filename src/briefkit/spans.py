"""An event's date as readers write it: one date, or its range in the language's own interval format."""

from __future__ import annotations

import re

from babel import Locale
from babel.dates import format_date, match_skeleton

from .dates import PartialDate
from .itemfields import human_date
from .languages import digits, locale_of
from .models import Event

#: CLDR interval skeletons per precision. CLDR gives day ranges with abbreviated months only
#: (yMMMd); the month is widened to the full name the single dates use (_wide).
SKELETONS = {"day": "yMMMd", "month": "yMMMM", "year": "y"}
#: Chart labels' dates, abbreviated: "8 Jan 2024", "8–12 Jan 2024".
SHORT_PATTERNS = {"day": "d MMM y", "month": "MMM y", "year": "y"}
SHORT_SKELETONS = {"day": "yMMMd", "month": "yMMM", "year": "y"}
#: The pattern field that first differs between two dates, most significant first.
_FIELDS = (("y", "year"), ("M", "month"), ("d", "day"))
#: Abbreviated month fields (MMM, LLL) outside quoted literals.
_SHORT_MONTH = re.compile(r"'[^']*'|(?<![ML])(MMM|LLL)(?![ML])")


def when(event: Event, language: str = "en", native: bool = False, short: bool = False) -> str:
    """The event's date, or its range from `date` to `end` at the precision given: "8–12 January
    2024", "8 January – 3 February 2024", "December 2023 – January 2024" (CLDR's interval
    formats, through Babel); `native`: in the language's own digits; `short`: months
    abbreviated, as chart labels write them ("8–12 Jan 2024")."""
    return span(event.date, event.end, language, native, short)


def span(start: PartialDate, end: PartialDate | None, language: str = "en", native: bool = False,
         short: bool = False) -> str:
    """`start` alone, or `start` to `end` as one interval of the language (see when)."""
    if end is None or end == start:
        return _single(start, language, native, short)
    locale = _locale(language)
    formats = locale.interval_formats
    halves = None
    if start.precision == end.precision:
        skeleton = (SHORT_SKELETONS if short else SKELETONS)[start.precision]
        skeleton = skeleton if skeleton in formats else match_skeleton(skeleton, formats)
        differs = next(field for field, part in _FIELDS
                       if getattr(start, part) != getattr(end, part))  # end != start
        halves = formats.get(skeleton, {}).get(differs) if skeleton else None
    if not halves:  # dates of different precision: each as it is, in the language's fallback
        pattern = formats.get(None) or "{0} – {1}"
        return pattern.replace("{0}", _single(start, language, native, short)).replace(
            "{1}", _single(end, language, native, short))
    text = "".join(format_date(date.start(), pattern if short else _wide(pattern), locale=locale)
                   for pattern, date in zip(halves, (start, end), strict=True))
    return digits(text, language, native)


def _single(date: PartialDate, language: str, native: bool, short: bool) -> str:
    if not short:
        return human_date(date, language, native=native)
    text = format_date(date.start(), SHORT_PATTERNS[date.precision], locale=locale_of(language))
    return digits(text, language, native)


def _locale(language: str) -> Locale:
    """The language's locale; English in day-month order (CLDR's world English), as its single
    dates are written ("8 January 2024"), not the United States' "January 8 – 12, 2024"."""
    locale = locale_of(language)
    if locale.language == "en" and locale.territory in (None, "US"):
        return Locale("en", "001")
    return locale


def _wide(pattern: str) -> str:
    return _SHORT_MONTH.sub(lambda m: m.group(1) + m.group(1)[0] if m.group(1) else m.group(0), pattern)
