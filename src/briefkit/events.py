"""Event files in the formats analysts keep, told apart by their header or shape.

- `yaml`: the brief's events.yaml (or a bare list), as brief-format.md describes it.
- `csv`: the brief's CSV, one event a row, `sources` split on `;`.
- `timelinejs`: a TimelineJS JSON export: `start_date`/`end_date` parts, `text.headline`,
  `text.text`, `group`, `unique_id`, and `eras`.
- `timelinejs-sheet`: TimelineJS's Google-sheet template downloaded as CSV: `Year` `Month`
  `Day` (and `End Year`...), `Headline`, `Text`, `Group`; `Type` era rows are eras, the title
  row is skipped. `Time`, `Display Date`, `Media*` and `Background` have no place in a printed
  brief and are ignored.
- `acled`: an ACLED event export (CSV); see `_acled`.

TimelineJS text is HTML; it is reduced to plain text, since a brief's event text is Markdown.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import logger
from .dates import day, is_partial, joined
from .errors import Problems
from .models import Era, Event, Timeline
from .parsing import Lines, csv_rows, parse_yaml, validate

#: CSV columns of the brief format; `sources` holds keys separated by `;`.
CSV_FIELDS = ("date", "end", "title", "text", "group", "importance", "sources", "id")
FORMATS = ("yaml", "csv", "timelinejs", "timelinejs-sheet", "acled")
#: ACLED's time_precision codes: 1 the day, 2 a week (ACLED gives a day in it), 3 a month.
ACLED_PRECISION = {"1": "day", "2": "day", "3": "month"}
#: ACLED events with at least this many reported fatalities get a label first in charts.
ACLED_HIGH = 10
_ACLED_DATES = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d-%m-%Y", "%d/%m/%Y")


def read_events(path: Path, text: str, problems: Problems, format: str | None = None) -> Timeline:
    """Read an events file in `format` (one of FORMATS), or the format its content shows."""
    kind = format or detect(path, text)
    if kind in ("csv", "timelinejs-sheet", "acled"):
        reader = {"csv": _brief_csv, "timelinejs-sheet": _timelinejs_sheet, "acled": _acled}[kind]
        return reader(path, text, problems)
    data, lines = parse_yaml(path, text, problems)
    if kind == "timelinejs" or (kind != "yaml" and _is_timelinejs(data)):
        if not isinstance(data, dict):
            problems.add(path, 1, "a TimelineJS file is a JSON object with an events list")
            return Timeline()
        return _timelinejs(path, data, lines, problems)
    return read_events_data(path, data, lines, problems)


def detect(path: Path, text: str) -> str:
    """`csv`, `timelinejs-sheet` or `acled` from a CSV header's columns, else `yaml-or-json`
    (read_events tells a TimelineJS export from the brief's YAML by its shape)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    tabular = path.suffix.lower() in (".csv", ".tsv") or (
        path.suffix.lower() not in (".yaml", ".yml", ".json") and "," in first and ":" not in first)
    if not tabular:
        return "yaml-or-json"
    header = {name.strip().lower() for name in next(csv.reader([first]), [])}
    if "event_date" in header:
        return "acled"
    if {"year", "headline"} <= header:
        return "timelinejs-sheet"
    return "csv"


def _table(path: Path, text: str, problems: Problems, required: tuple[str, ...],
           kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows as (line the row starts on, {lower-case column: cell}), blank rows skipped;
    lazily, so that problems are reported in the order of the rows."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        names = [name.strip().lower() for name in next(reader, [])]
        missing = [column for column in required if column.lower() not in names]
        if missing:
            problems.add(path, 1, f"no {missing[0]!r} column, which {kind} files have")
            return
        start = reader.line_num + 1
        for cells in reader:
            if len(cells) != len(names) and any(c.strip() for c in cells):
                problems.add(path, start, f"row has {len(cells)} cells but the header has {len(names)}")
            elif any(c.strip() for c in cells):
                yield start, {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(path, reader.line_num, f"not valid CSV: {exc}")


def _brief_csv(path: Path, text: str, problems: Problems) -> Timeline:
    events = []
    for line, row in csv_rows(path, text, problems, CSV_FIELDS):
        item: dict[str, Any] = {k: v for k, v in row.items() if v}
        if "sources" in item:
            item["sources"] = [s.strip() for s in item["sources"].split(";") if s.strip()]
        if event := validate(Event, item, path, {(): line}, problems, line=line):
            events.append(event)
    return check_timeline(path, events, [], problems)


def _is_timelinejs(data: Any) -> bool:
    events = data.get("events") if isinstance(data, dict) else None
    return isinstance(events, list) and bool(events) and isinstance(events[0], dict) \
        and "start_date" in events[0]


def _plain(value: Any) -> str | None:
    """TimelineJS's HTML as plain text: tags dropped, entities decoded, spaces collapsed."""
    if not value:
        return None
    text = re.sub(r"<br\s*/?>|</p>|</li>", " ", str(value), flags=re.I)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return re.sub(r"[ \t\r\n]+", " ", text).strip() or None  # a no-break space stays one


def _tjs_date(value: Any) -> str | None:
    """TimelineJS's {year, month, day} to YYYY[-MM[-DD]]; bad parts are left for validation."""
    if not isinstance(value, dict) or not value.get("year"):
        return None
    return joined(value["year"], value.get("month"), value.get("day"))


def _timelinejs(path: Path, data: dict, lines: Lines, problems: Problems) -> Timeline:
    """A TimelineJS JSON export: start_date/end_date parts, text.headline and text.text."""
    events = []
    for index, item in enumerate(_list(data, "events", path, lines, problems)):
        line = lines.get(("events", index), 0)
        text = (item.get("text") or {}) if isinstance(item, dict) else {}
        if not isinstance(text, dict) or not _plain(text.get("headline")):
            problems.add(path, line, "event has no text.headline; TimelineJS needs one for each event")
            continue
        converted = {"date": _tjs_date(item.get("start_date")), "end": _tjs_date(item.get("end_date")),
                     "title": _plain(text.get("headline")), "text": _plain(text.get("text")),
                     "group": item.get("group") or None, "id": item.get("unique_id") or None}
        event = validate(Event, {k: v for k, v in converted.items() if v is not None},
                         path, {(): line}, problems, line=line)
        if event:
            events.append(event)
    eras = []
    for index, item in enumerate(_list(data, "eras", path, lines, problems)):
        item = item if isinstance(item, dict) else {}
        text = item.get("text") if isinstance(item.get("text"), dict) else {}
        converted = {"start": _tjs_date(item.get("start_date")), "end": _tjs_date(item.get("end_date")),
                     "title": _plain(text.get("headline"))}
        if era := validate(Era, converted, path, {(): lines.get(("eras", index), 0)}, problems):
            eras.append(era)
    return check_timeline(path, events, eras, problems)


def _sheet_date(row: dict[str, str], prefix: str, path: Path, line: int, problems: Problems) -> str | None:
    """`Year`/`Month`/`Day` (or `End Year`...) to YYYY[-MM[-DD]], checked, the columns named."""
    value = joined(*(row.get(f"{prefix}{part}") for part in ("year", "month", "day")))
    if value is None:
        return None
    if not is_partial(value):
        columns = "/".join(f"{prefix}{p}".title() for p in ("year", "month", "day"))
        problems.add(path, line, f"{columns} {value!r} is not a date: numbers, e.g. 2025 / 7 / 3")
        return None
    return value


def _timelinejs_sheet(path: Path, text: str, problems: Problems) -> Timeline:
    """TimelineJS's Google-sheet template as CSV: a slide a row, `Type` era or title or none."""
    events, eras = [], []
    for line, row in _table(path, text, problems, ("Year", "Headline"), "TimelineJS sheet"):
        kind, title = row.get("type", "").lower(), _plain(row.get("headline"))
        if kind == "title":  # the title slide names the whole timeline; a brief has its own title
            continue
        if not row.get("year"):
            problems.add(path, line, f"{title or 'row'!r} has no Year; every slide but the title needs one")
            continue
        start = _sheet_date(row, "", path, line, problems)
        end = _sheet_date(row, "end ", path, line, problems)
        if start is None or (row.get("end year") and end is None):
            continue
        if not title:
            problems.add(path, line, "no Headline; briefkit prints it as the event's title")
        elif kind == "era":
            if end is None:
                problems.add(path, line, f"era {title!r} has no End Year; an era needs an end")
            elif era := validate(Era, {"start": start, "end": end, "title": title}, path, {(): line},
                                 problems):
                eras.append(era)
        else:
            item = {"date": start, "end": end, "title": title, "text": _plain(row.get("text")),
                    "group": row.get("group") or None}
            if event := validate(Event, {k: v for k, v in item.items() if v}, path, {(): line}, problems,
                                 line=line):
                events.append(event)
    return check_timeline(path, events, eras, problems)


def _acled(path: Path, text: str, problems: Problems) -> Timeline:
    """An ACLED export: `event_date` at `time_precision` (1 day; 2 week, kept as ACLED's day
    with "Date known to the week." in the text; 3 month), `sub_event_type` as the group,
    "<sub_event_type> in <location>" as the title, `notes` as the text, `event_id_cnty` as
    the id, importance high from ACLED_HIGH fatalities.

    ACLED's `source` names outlets ("Pajhwok Afghan News; Reuters"), not the CSL items of a
    brief's sources file, which events may cite only by key; so the outlets are appended to
    the event's text ("Source: ..."), where the chronology prints them."""
    events = []
    for line, row in _table(path, text, problems, ("event_date",), "ACLED"):
        date = day(row["event_date"], _ACLED_DATES)
        precision = row.get("time_precision") or "1"
        if date is None:
            problems.add(path, line, f"event_date {row['event_date']!r} is not a date; "
                                     "ACLED writes 2024-03-22 or 22 March 2024")
            continue
        if precision not in ACLED_PRECISION:
            problems.add(path, line, f"time_precision {precision!r}: ACLED uses 1 (day), 2 (week), 3 (month)")
            continue
        fatalities = row.get("fatalities", "0") or "0"
        if not fatalities.isdigit():
            problems.add(path, line, f"fatalities {fatalities!r} is not a whole number")
            continue
        kind = row.get("sub_event_type") or row.get("event_type") or "Event"
        place = row.get("location") or row.get("admin1") or row.get("country")
        notes = [row.get("notes") or "", "Date known to the week." if precision == "2" else "",
                 f"Fatalities: {fatalities}." if int(fatalities) else "",
                 f"Source: {row['source']}." if row.get("source") else ""]
        item = {"date": date.isoformat()[:7 if ACLED_PRECISION[precision] == "month" else 10],
                "title": f"{kind} in {place}" if place else kind, "group": row.get("sub_event_type"),
                "text": " ".join(n for n in notes if n), "id": row.get("event_id_cnty"),
                "importance": "high" if int(fatalities) >= ACLED_HIGH else "normal"}
        item = {k: v for k, v in item.items() if v}
        if event := validate(Event, item, path, {(): line}, problems, line=line):
            events.append(event)
    return check_timeline(path, events, [], problems)


def read_events_data(path: Path, data: Any, lines: Lines, problems: Problems) -> Timeline:
    """The brief format's events mapping (or a bare list) to a Timeline."""
    if isinstance(data, list):
        data, lines = {"events": data}, {("events",) + k: v for k, v in lines.items()}
    if not isinstance(data, dict):
        problems.add(path, 1, "events must be a mapping with an events: list (and eras:)")
        return Timeline()
    for key in set(data) - {"events", "eras"}:
        problems.add(path, lines.get((key,), 0), f"unknown key {key!r}; expected events: and eras:")
    events = []
    for index, item in enumerate(_list(data, "events", path, lines, problems)):
        line = lines.get(("events", index), 0)
        event = validate(Event, item, path, lines, problems, prefix=("events", index), line=line)
        if event:
            events.append(event)
    eras = [era for index, item in enumerate(_list(data, "eras", path, lines, problems))
            if (era := validate(Era, item, path, lines, problems, prefix=("eras", index)))]
    return check_timeline(path, events, eras, problems)


def _list(data: dict, key: str, path: Path, lines: Lines, problems: Problems) -> list:
    """`data[key]` when it is a list (or absent: none); anything else is a problem at its line."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(path, lines.get((key,), 0), f"{key}: a list of items, each starting with `- `")
        return []
    return value


def check_timeline(path: Path, events: list[Event], eras: list[Era], problems: Problems) -> Timeline:
    ids: dict[str, int] = {}
    for event in events:
        if event.end and event.end.start() < event.date.start():
            problems.add(path, event.line, f"event {event.title!r} ends before it starts")
        if event.id and event.id in ids:
            problems.add(path, event.line, f"duplicate event id {event.id!r} (first on line {ids[event.id]})")
        ids.setdefault(event.id or "", event.line)
    events.sort(key=lambda e: (e.date.start(), e.line))
    logger.debug("%s: %d events, %d eras", path.name, len(events), len(eras))
    return Timeline(tuple(events), tuple(eras))
