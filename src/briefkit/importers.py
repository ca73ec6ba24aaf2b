"""Event files in the formats analysts keep: the brief's YAML/CSV and TimelineJS JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Problems
from .loading import Lines, check_timeline, csv_rows, parse_yaml, read_events_data, validate
from .models import Era, Event, Timeline

#: CSV columns of the brief format; `sources` holds keys separated by `;`.
CSV_FIELDS = ("date", "end", "title", "text", "group", "importance", "sources", "id")


def read_events(path: Path, text: str, problems: Problems) -> Timeline:
    """Read an events file, telling the format from its name and content."""
    if path.suffix.lower() == ".csv":
        return _brief_csv(path, text, problems)
    data, lines = parse_yaml(path, text, problems)
    if _is_timelinejs(data):
        return _timelinejs(path, data, lines, problems)
    return read_events_data(path, data, lines, problems)


def _brief_csv(path: Path, text: str, problems: Problems) -> Timeline:
    events = []
    for line, row in csv_rows(path, text, problems, CSV_FIELDS):
        item: dict[str, Any] = {k: v for k, v in row.items() if v}
        if "sources" in item:
            item["sources"] = [s.strip() for s in item["sources"].split(";") if s.strip()]
        lines = {(): line}
        if event := validate(Event, item, path, lines, problems, line=line):
            events.append(event)
    return check_timeline(path, events, [], problems)


def _is_timelinejs(data: Any) -> bool:
    events = data.get("events") if isinstance(data, dict) else None
    return bool(events) and isinstance(events[0], dict) and "start_date" in events[0]


def _tjs_date(value: Any) -> str | None:
    """TimelineJS's {year, month, day} to YYYY[-MM[-DD]]; bad parts are left for validation."""
    if not isinstance(value, dict) or not value.get("year"):
        return None
    text = str(value["year"])
    for part in ("month", "day"):
        if not value.get(part):
            break
        part_text = str(value[part])
        text += f"-{int(part_text):02d}" if part_text.isdigit() else f"-{part_text}"
    return text


def _timelinejs(path: Path, data: dict, lines: Lines, problems: Problems) -> Timeline:
    """A TimelineJS JSON export: start_date/end_date parts, text.headline and text.text."""
    events = []
    for index, item in enumerate(data.get("events") or []):
        text = item.get("text") or {}
        line = lines.get(("events", index), 0)
        if not text.get("headline"):
            problems.add(path, line, "event has no text.headline; TimelineJS needs one for each event")
            continue
        converted = {
            "date": _tjs_date(item.get("start_date")),
            "end": _tjs_date(item.get("end_date")),
            "title": text.get("headline"),
            "text": text.get("text") or None,
            "group": item.get("group") or None,
            "id": item.get("unique_id") or None,
        }
        prefix = ("events", index)
        event = validate(Event, {k: v for k, v in converted.items() if v is not None},
                         path, {prefix: line, (): line}, problems, line=line)
        if event:
            events.append(event)
    eras = []
    for index, item in enumerate(data.get("eras") or []):
        converted = {"start": _tjs_date(item.get("start_date")), "end": _tjs_date(item.get("end_date")),
                     "title": (item.get("text") or {}).get("headline")}
        line = lines.get(("eras", index), 0)
        if era := validate(Era, converted, path, {(): line}, problems):
            eras.append(era)
    return check_timeline(path, events, eras, problems)
