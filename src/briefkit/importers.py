"""Event files in the formats analysts keep: the brief's YAML/CSV and TimelineJS JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import logger
from .errors import Problems
from .models import Era, Event, Timeline
from .readers import Lines, csv_rows, parse_yaml, validate

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
    for index, item in enumerate(data.get("events") or []):
        line = lines.get(("events", index), 0)
        event = validate(Event, item, path, lines, problems, prefix=("events", index), line=line)
        if event:
            events.append(event)
    eras = [era for index, item in enumerate(data.get("eras") or [])
            if (era := validate(Era, item, path, lines, problems, prefix=("eras", index)))]
    return check_timeline(path, events, eras, problems)


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
