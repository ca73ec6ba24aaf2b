"""Block options: what a `timeline` or `chronology` block may ask for, and the events it selects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .dates import WRITE, is_partial, partial
from .errors import Problems, did_you_mean
from .models import Event, Timeline
from .parsing import Unreadable, parse_yaml

#: What a `timeline` or `chronology` fenced block's YAML body may set.
OPTIONS = {"from", "to", "groups", "caption", "alt", "zoom"}


def select(timeline: Timeline, options: dict[str, Any]) -> list[Event]:
    """The events a block asks for: `from`, `to` (inclusive, at their precision) and `groups`."""
    start = partial(options["from"]).start() if options.get("from") else dt.date.min
    end = partial(options["to"]).end() if options.get("to") else dt.date.max
    groups = options.get("groups")
    return [e for e in timeline.events
            if start <= e.date.start() <= end and (not groups or e.group in groups)]


def check_options(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, message) for each option a `timeline` or `chronology` block cannot use, so the
    commentary can report it at its line instead of the chart failing to draw."""
    found = [(key, f"{key}: {options[key]!r} is not a date: {WRITE}")
             for key in ("from", "to") if options.get(key) is not None and not is_partial(options[key])]
    if not found and options.get("from") is not None and options.get("to") is not None and \
            partial(options["from"]).start() > partial(options["to"]).end():
        found.append(("to", f"to: {options['to']} is before from: {options['from']}"))
    groups = options.get("groups")
    if groups is not None and not (isinstance(groups, list) and all(isinstance(g, str) for g in groups)):
        found.append(("groups", "groups: a list of group names, e.g. [Diplomacy, Security]"))
    for key in ("caption", "alt"):
        if (value := options.get(key)) is not None and not isinstance(value, str):
            found.append((key, f"{key}: expected text, but YAML read {value!r}; put it in quotes"))
    zoom = options.get("zoom", "auto")
    if zoom not in (None, True, False, "auto", "none", "off", "no"):
        bounds = zoom if isinstance(zoom, list) else [zoom]
        if not 1 <= len(bounds) <= 2 or not all(b is None or is_partial(b) for b in bounds[1:]) \
                or not is_partial(bounds[0]):
            found.append(("zoom", "zoom: a date, [from, to], auto or none"))
        elif len(bounds) == 2 and bounds[1] is not None and \
                partial(bounds[0]).start() > partial(bounds[1]).end():
            found.append(("zoom", f"zoom: {bounds[1]} is before {bounds[0]}; write [from, to]"))
    return found


def check_selection(kind: str, timeline: Timeline, options: dict[str, Any],
                    events_file: Any) -> list[tuple[str | None, str]]:
    """(key, message) when a block would show nothing, or names a group no event has: a chart
    over an invented axis or a legend missing a group is worse than a failed build."""
    if check_options(options):
        return []  # reported with the options; nothing can be selected with them
    if not timeline.events:
        where = f"{events_file.name} has no events" if events_file else \
            "the brief has no events file (events.yaml, .csv or .json)"
        return [(None, f"a {kind} block shows events, but {where}; add events or remove the block")]
    known = sorted({e.group for e in timeline.events if e.group})
    found: list[tuple[str | None, str]] = []
    for group in options.get("groups") or []:
        if group not in known:
            hint = did_you_mean(group, known) or f"; groups: {', '.join(known) or 'none'}"
            found.append(("groups", f"groups: no event is in group {group!r}{hint}"))
    if not found and not select(timeline, options):
        asked = "; ".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                          for key in ("from", "to", "groups") if (value := options.get(key)))
        found.append((None, f"no event falls within {asked}; widen the range or check the dates"))
    return found


def read_options(text: str, path: Path, line: int, problems: Problems) -> tuple[dict[str, Any], dict]:
    """A fenced block's YAML options and the line of each; problems name the line in the commentary."""
    if not text.strip():
        return {}, {}
    local = Problems()
    try:
        options, lines = parse_yaml(path, text, local)
    except Unreadable:  # the problem is in `local`, with a line inside the block
        options, lines = None, {}
    for problem in local.items:
        problems.add(path, line + problem.line, f"block options: {problem.message}")
    if local:
        return {}, {}
    if not isinstance(options, dict):
        problems.add(path, line + 1, "block options must be key: value lines, e.g. `from: 2014`")
        return {}, {}
    for key in sorted(set(options) - OPTIONS):
        problems.add(path, line + lines[(key,)],
                     f"unknown block option {key!r}; options: {', '.join(sorted(OPTIONS))}")
    for key, message in check_options(options):
        problems.add(path, line + lines.get((key,), 1), message)
    return options, {key: line + lines[(key,)] for key in options}
