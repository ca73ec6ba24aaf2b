"""Read a brief folder into validated models, keeping the file and line of every value."""

from __future__ import annotations

import csv
import difflib
import io
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import logger
from .errors import Problems
from .models import Brief, Era, Event, Material, Source, Timeline

#: The names tried, in order, when brief.yaml does not name the events or sources file.
EVENT_FILES = ("events.yaml", "events.yml", "events.csv", "events.json")
SOURCE_FILES = ("sources.yaml", "sources.yml", "sources.json")
#: Bigger input files are refused: a brief is text, not a data dump.
MAX_FILE_BYTES = 20 * 1024 * 1024

Lines = dict[tuple, int]


class Unreadable(Exception):
    """A file could not be read or parsed; the problem is already recorded."""


def read_text(path: Path, problems: Problems) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(path, 0, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB")
            raise Unreadable
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(path, 0, f"not UTF-8 text ({exc.reason}); save it as UTF-8")
    except OSError as exc:
        problems.add(path, 0, f"cannot read: {exc.strerror}")
    raise Unreadable


def parse_yaml(path: Path, text: str, problems: Problems) -> tuple[Any, Lines]:
    """YAML (or JSON, a subset) to plain data plus the line of every key and item."""
    loader = yaml.SafeLoader(text)
    try:
        _refuse_aliases(text)
        root = loader.get_single_node()
        if root is None:
            return None, {}
        lines: Lines = {(): root.start_mark.line + 1}
        return _construct(loader, root, (), lines), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(path, mark.line + 1 if mark else 0, f"not valid YAML: {exc.problem}")
    except _Located as exc:
        problems.add(path, exc.line, str(exc))
    finally:
        loader.dispose()
    raise Unreadable


class _Located(ValueError):
    """A problem found while building values, with the line it stands on."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _refuse_aliases(text: str) -> None:
    """Aliases can multiply a small file into a huge value (an "alias bomb"); briefs need none."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _Located(f"YAML aliases (*{event.anchor}) are not supported; write the value out",
                           event.start_mark.line + 1)


def _scalar(loader, node) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. an impossible unquoted date such as 2025-02-30
        kind = "date" if node.tag.endswith("timestamp") else "value"
        raise _Located(f"{node.value!r} is not a valid {kind}: {exc}", node.start_mark.line + 1) from None


def _construct(loader, node, path: tuple, lines: Lines) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in result:
                raise _Located(
                    f"duplicate key {key!r} (first on line {lines[path + (key,)]})", line)
            lines[path + (key,)] = line
            result[key] = _construct(loader, value_node, path + (key,), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            items.append(_construct(loader, item, path + (index,), lines))
        return items
    return _scalar(loader, node)


def validate(model: type[BaseModel], data: Any, path: Path, lines: Lines, problems: Problems,
             prefix: tuple = (), **extra) -> Any:
    """Validate one item; each pydantic error becomes a problem at the line of its key."""
    try:
        return model.model_validate({**data, **extra} if isinstance(data, dict) else data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = prefix + tuple(error["loc"])
            problems.add(path, _line_of(lines, loc), _explain(model, error, loc))
    return None


def _line_of(lines: Lines, loc: tuple) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 0)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model that holds the last key of `loc`, e.g. Author for ("authors", 0, "bio")."""
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            continue
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), model)
    return model


def _explain(model: type[BaseModel], error: dict, loc: tuple) -> str:
    field = ".".join(str(part) for part in loc) or "this file"
    if error["type"] == "extra_forbidden":
        known = [k for k in _model_at(model, loc).model_fields if k not in ("line", "extra")]
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
        return f"unknown key {loc[-1]!r}{hint}"
    if error["type"] == "missing":
        return f"{field} is required"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def load(folder: Path, problems: Problems, style_keys: frozenset[str] = frozenset()) -> Material:
    """Read and validate every file of the brief, adding what is wrong to `problems`.

    Raises at once only when brief.yaml itself is unusable; otherwise the caller goes on to
    check the commentary too and raises once with everything found."""
    brief_file = folder / "brief.yaml"
    if not brief_file.is_file():
        problems.add(folder, 0, "no brief.yaml here; is this a brief folder? (`briefkit new` makes one)")
        problems.raise_if_any()
    try:
        data, lines = parse_yaml(brief_file, read_text(brief_file, problems), problems)
    except Unreadable:
        problems.raise_if_any()
    if not isinstance(data, dict):
        problems.add(brief_file, 1, "brief.yaml must be a mapping of keys such as title: and date:")
        problems.raise_if_any()
    extra = {key: data.pop(key) for key in list(data) if key in style_keys}
    brief = validate(Brief, data, brief_file, lines, problems, extra=extra)
    if brief is None:
        problems.raise_if_any()

    commentary_file = folder / brief.commentary
    commentary = _optional(commentary_file, problems, required=True)
    timeline, sources, sources_file = Timeline(), {}, None
    events_file = _pick(folder, brief.events, EVENT_FILES, brief_file, problems)
    if events_file:
        timeline = _load_events(events_file, problems)
    sources_file = _pick(folder, brief.sources, SOURCE_FILES, brief_file, problems)
    if sources_file:
        sources = _load_sources(sources_file, problems)
    for event in timeline.events:
        for key in event.sources:
            if key not in sources:
                problems.add(events_file, event.line, f"event {event.title!r} cites unknown source {key!r}")
    return Material(folder, brief, commentary or "", commentary_file, timeline, sources,
                    sources_file, events_file)


def _optional(path: Path, problems: Problems, required: bool = False) -> str | None:
    if not path.is_file():
        if required:
            problems.add(path, 0, "file not found; create it or name another in brief.yaml")
        return None
    try:
        return read_text(path, problems)
    except Unreadable:
        return None


def _pick(folder: Path, named: str | None, defaults: tuple[str, ...], brief_file: Path,
          problems: Problems) -> Path | None:
    if named:
        path = (folder / named)
        if not path.is_file():
            problems.add(brief_file, 0, f"{named}: file not found in {folder}")
            return None
        return path
    return next((folder / name for name in defaults if (folder / name).is_file()), None)


def _load_events(path: Path, problems: Problems) -> Timeline:
    from .importers import read_events  # events come in several formats

    try:
        return read_events(path, read_text(path, problems), problems)
    except Unreadable:
        return Timeline()


def _load_sources(path: Path, problems: Problems) -> dict[str, Source]:
    try:
        data, lines = parse_yaml(path, read_text(path, problems), problems)
    except Unreadable:
        return {}
    if isinstance(data, dict) and "references" in data:  # Pandoc's YAML bibliography
        data, lines = data["references"], {k[1:]: v for k, v in lines.items() if k[:1] == ("references",)}
    if not isinstance(data, list):
        problems.add(path, 1, "sources must be a list of CSL items (as Zotero exports CSL-JSON)")
        return {}
    sources: dict[str, Source] = {}
    for index, item in enumerate(data):
        source = validate(Source, item, path, lines, problems, prefix=(index,), line=lines.get((index,), 0))
        if source is None:
            continue
        if source.id in sources:
            problems.add(path, lines.get((index,), 0), f"duplicate source id {source.id!r}")
        sources[source.id] = source
    return sources


def csv_rows(path: Path, text: str, problems: Problems,
             columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """CSV rows as (line, row) under a header of known `columns`; problems name the line."""
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\0extra")
    unknown = [name for name in reader.fieldnames or [] if name.strip() not in columns]
    if unknown:
        problems.add(path, 1, f"unknown column {unknown[0]!r}; columns: {', '.join(columns)}")
        return []
    rows = []
    for row in reader:
        if "\0extra" in row or None in row.values():
            problems.add(path, reader.line_num, "row has a different number of cells than the header")
            continue
        rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()}))
    return rows


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
