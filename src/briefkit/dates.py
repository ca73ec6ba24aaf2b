"""Dates as briefs write them: one set of rules for a day, a month or a year, in every file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .errors import UsageError

#: YYYY, YYYY-MM or YYYY-MM-DD. Written, the year has four digits, as ISO 8601 and YAML have it
#: ("25-07-03" is a slip, not the year 25); ASCII digits only: ۱۴۰۴ is a year of another calendar.
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
#: What a message asks for.
WRITE = "write YYYY, YYYY-MM or YYYY-MM-DD"
#: Said to dates written in a language's own digits.
NATIVE = (" in the digits 0-9, a Gregorian date (pages print it in the brief's own digits: see "
          "`digits:` in brief.yaml)")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day; the precision given is the precision shown."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def parts(self) -> list[int]:
        """CSL's date-parts: [year], [year, month] or [year, month, day]."""
        return [p for p in (self.year, self.month, self.day) if p]

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        return partial(value)

    def start(self) -> dt.date:
        """The first day the date covers."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def end(self) -> dt.date:
        """The last day the date covers."""
        if self.day:
            return self.start()
        if self.month:
            following = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


def partial(value: Any) -> PartialDate:
    """A year, month or day: text as WRITE says, a year as a number, a YAML date (a date and
    time counts as its day: sources exported with the time they were accessed).
    ValueError says why not."""
    date, why = _read(value)
    if date is None:
        raise ValueError(why)
    return date


def _read(value: Any) -> tuple[PartialDate | None, str]:
    """The date, or None and the message: "'2025-13' is not a date: month must be in 1..12"."""
    if isinstance(value, PartialDate):
        return value, ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day), ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"  # a number is a year, the year 800 too
    match = _PARTIAL.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        # ۱۴۰۴ may be a Solar Hijri year: never read as Gregorian 1404, but told how to write it
        native = isinstance(value, str) and any(c.isdecimal() and not c.isascii() for c in value)
        return None, f"{value!r} is not a date: {WRITE}" + (NATIVE if native else "")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError as exc:  # 2025-02-30, year 0
        return None, f"{value!r} is not a date: {exc}"
    return PartialDate(year, month, day), ""


def is_partial(value: Any) -> bool:
    return _read(value)[0] is not None


def full(value: Any) -> dt.date:
    """A day: YYYY-MM-DD or a YAML date (a date and time counts as its day, as in `partial`).
    ValueError says why not."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    date, why = _read(value) if isinstance(value, str) else (None, WRITE)
    if date is None and not why.endswith(WRITE):  # the form is right, the day is not: 2026-02-30
        raise ValueError(f"{value!r} is not a date ({why.split(': ', 1)[1]}): write YYYY-MM-DD")
    if date is None or date.precision != "day":
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD")
    return date.start()


def midnight(value: Any) -> dt.datetime:
    """A day's first moment in UTC (a `full` date): the time a feed or a PDF gives a brief's date."""
    return dt.datetime.combine(full(value), dt.time(), dt.UTC)


def joined(*parts: Any) -> str | None:
    """Year, month and day given apart (TimelineJS, a sheet's columns, CSL's date-parts) as
    YYYY[-MM[-DD]] for `partial`; a part that is no number stays as written, for the message."""
    texts = []
    for index, part in enumerate(parts):
        if isinstance(part, float) and part.is_integer():
            part = int(part)
        text = "" if part is None else str(part).strip()
        if not text:
            break
        texts.append(f"{int(text):0{4 if index == 0 else 2}d}" if text.isascii() and text.isdigit() else text)
    return "-".join(texts) or None


def csl(value: Any) -> PartialDate | None:
    """A CSL date variable's date: {date-parts: [[y, m, d]]}, {raw: ...}, text or a YAML date;
    None for a season, a literal, or a date that is none."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        value = joined(*parts[0][:3]) if isinstance(parts, list) and parts and isinstance(parts[0], list) \
            else value.get("raw")
    return _read(value)[0]


def csl_json(value: Any) -> dict | None:
    """A date as CSL-JSON writes it, {"date-parts": [[y, m, d]]}; None when it is no date."""
    date = _read(value)[0]
    return {"date-parts": [date.parts]} if date else None


def day(text: str, formats: tuple[str, ...]) -> dt.date | None:
    """A day written in one of `formats` (strptime's), as an export writes it; None if in none."""
    for pattern in formats:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


#: The latest time a PDF date can say: 9999-12-31T23:59:59Z (PDF dates have four-digit years).
LAST_EPOCH = 253402300799


def epoch_seconds(value: str | None) -> int | None:
    """SOURCE_DATE_EPOCH as seconds, refused when it is not a time the PDF can carry."""
    fix = "give seconds since 1970 (e.g. $(git log -1 --format=%ct)) or unset it"
    try:
        seconds = int(value) if value else None
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r}: {fix}") from None
    if seconds is not None and not 0 <= seconds <= LAST_EPOCH:
        unit = " (milliseconds? divide by 1000)" if LAST_EPOCH < seconds <= LAST_EPOCH * 1000 else ""
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is out of range{unit}: {fix}; "
                         f"it must lie between 0 (1970) and {LAST_EPOCH} (9999-12-31)")
    return seconds
