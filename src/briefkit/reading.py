"""Read a brief folder into validated models, keeping the file and line of every value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from . import csl, logger, translations
from .errors import Problems, StyleError
from .events import read_events
from .models import Brief, Material, Source, Timeline
from .parsing import Unreadable, parse_yaml, read_text, validate, visible
from .syntax import normal_key
from .worklanguages import well_formed

#: The names tried, in order, when brief.yaml does not name the events or sources file.
EVENT_FILES = ("events.yaml", "events.yml", "events.csv", "events.json")
SOURCE_FILES = ("sources.yaml", "sources.yml", "sources.json")
#: More groups than this cannot be told apart in a chart (or a legend).
MAX_GROUPS = 24


def load(folder: Path, problems: Problems,
         style_keys: Callable[[str], Iterable[str]] = lambda style: ()) -> Material:
    """Read and validate every file of the brief, adding what is wrong to `problems`.

    `style_keys(style)` names the extra brief.yaml keys that style's templates read.
    Raises at once only when there is no brief.yaml; otherwise the caller goes on to check the
    commentary too and raises once with everything found."""
    brief_file = folder / "brief.yaml"
    if not brief_file.is_file():
        problems.add(folder, 0, "no brief.yaml here; a brief folder needs one (README, 'The brief folder')")
        problems.raise_if_any()
    if not _inside(folder, brief_file, brief_file, 0, problems):
        problems.raise_if_any()
    try:
        data, lines = parse_yaml(brief_file, read_text(brief_file, problems), problems)
        if not isinstance(data, dict):
            problems.add(brief_file, 1, "brief.yaml must be a mapping of keys such as title: and date:")
            data = None
    except Unreadable:
        data, lines = None, {}
    try:
        own = set(style_keys(str((data or {}).get("style") or Brief.model_fields["style"].default)))
    except StyleError as error:
        _style_problems(error, brief_file, lines.get(("style",), 0), problems)
        own = set()
    # With brief.yaml wrong, the other files are still read with what can be used of it, so that
    # one run reports every problem.
    brief = None
    if data is not None:
        extra = {key: data.pop(key) for key in list(data) if key in own}
        brief = validate(Brief, data, brief_file, lines, problems, extra=extra)
    if brief is not None and "series" not in brief.model_fields_set:  # the default, in the brief's language
        brief = brief.model_copy(update={"series": translations.words(brief.language).gettext("Issue Brief")})
    brief = brief or _salvage(data or {})

    # "brief": brief.yaml could not be read, so the files and settings it names are unknown;
    # "links": allow_local_links is not true or false; "events", "sources": brief.yaml names
    # that file wrongly (not text, or missing). Their own problems say so.
    incomplete = {"brief"} if data is None else {
        role for role, key, kind in _SETTINGS
        if data.get(key) is not None and not isinstance(data[key], kind)}
    commentary_file = folder / brief.commentary
    commentary = None
    if _inside(folder, commentary_file, brief_file, lines.get(("commentary",), 0), problems):
        # With the commentary's name unknown, a missing commentary.md may only be the default.
        if not {"brief", "commentary"} & incomplete or commentary_file.is_file():
            commentary = _required_text(commentary_file, problems)
    if commentary is not None and not visible(commentary):
        problems.add(commentary_file, 1, "the commentary is empty" + _invisible(commentary)
                     + "; write the brief's text here")
    timeline, sources, listed = Timeline(), {}, None
    with _watch(problems, "events", incomplete):
        events_file = _pick(folder, brief.events, EVENT_FILES, brief_file, lines.get(("events",), 0),
                            problems)
        timeline = _load_events(events_file, problems) if events_file else timeline
    groups = {event.group for event in timeline.events if event.group}
    if len(groups) > MAX_GROUPS:
        problems.add(events_file, 0, f"{len(groups)} groups; a chart shows at most {MAX_GROUPS} "
                     "lanes: merge them into broader groups")
    with _watch(problems, "sources", incomplete):
        sources_file = _pick(folder, brief.sources, SOURCE_FILES, brief_file, lines.get(("sources",), 0),
                             problems)
        if sources_file:
            sources, listed = _read_sources(sources_file, problems)
    timeline = _normal_event_keys(timeline)
    for event in timeline.events:
        for key in event.sources:
            if key not in sources and not unsure(key, incomplete, listed, sources_file):
                problems.add(events_file, event.line, f"event {event.title!r} cites unknown source {key!r}")
    return Material(folder, brief, commentary or "", commentary_file, timeline, sources,
                    sources_file, events_file, lines, frozenset(incomplete), listed)


#: (role, brief.yaml key, type) of the settings that decide which files are read and how links
#: are kept: one of the wrong type leaves its role unknown (Material.incomplete).
_SETTINGS = (("commentary", "commentary", str), ("events", "events", str), ("sources", "sources", str),
             ("links", "allow_local_links", bool))


def unsure(key: str, incomplete, listed: frozenset | None, sources_file) -> bool:
    """Whether an unknown citation key may only be a knock-on of a file with problems: the item
    is there but broken (its own error says so), the sources file could not be read, or
    brief.yaml, which may name another sources file, could not."""
    if "sources" in incomplete:
        return listed is None or key in listed
    return "brief" in incomplete and sources_file is None


def _invisible(text: str) -> str:
    found = sorted(set(text) - set(" \t\r\n"))
    if not found:
        return ""
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in found[:4])
    return f" (it holds only invisible characters: {names}{' ...' if len(found) > 4 else ''})"


class _watch:
    """Marks `role` incomplete when reading its file added a problem."""

    def __init__(self, problems: Problems, role: str, incomplete: set):
        self.problems, self.role, self.incomplete = problems, role, incomplete

    def __enter__(self):
        self.before = len(self.problems.items)

    def __exit__(self, *exc):
        if len(self.problems.items) > self.before:
            self.incomplete.add(self.role)


def _normal_event_keys(timeline: Timeline) -> Timeline:
    """Event source keys in NFC, as source ids are: `müller` typed either way is one key."""
    events = tuple(event.model_copy(update={"sources": [normal_key(k) for k in event.sources]})
                   if any(k != normal_key(k) for k in event.sources) else event
                   for event in timeline.events)
    return Timeline(events, timeline.eras)


#: "path:line: message", as a style's own mistakes are told.
_LOCATED = re.compile(r"^(/[^:\n]+|[^:\n]+\.(?:yaml|css|j2|ttf|otf))(?::(\d+))?: (.*)$")


def _style_problems(error: StyleError, brief_file: Path, line: int, problems: Problems) -> None:
    """A style's mistake where it is (`styles/a/style.yaml:2: extends: a ...`); one without a
    place of its own (a style not found) at brief.yaml's `style:` line."""
    for text in error.message.splitlines():
        found = _LOCATED.match(text)
        if found:
            problems.add(found[1], int(found[2] or 0), found[3])
        else:
            problems.add(brief_file, line, text)


def _salvage(data: dict) -> Brief:
    """A Brief of the defaults and the usable file names of a brief.yaml that failed validation
    (its problems are recorded): enough to read the other files, never to render."""
    import datetime as dt

    names = {key: data[key] for key in ("commentary", "events", "sources", "style", "language")
             if isinstance(data.get(key), str)}
    names.update({key: data[key] for key in ("allow_html", "allow_local_links")
                  if isinstance(data.get(key), bool)})
    return Brief.model_construct(title="", date=dt.date(1, 1, 1), **names)


def _required_text(path: Path, problems: Problems) -> str | None:
    if not path.is_file():
        problems.add(path, 0, "file not found; create it or name another in brief.yaml")
        return None
    try:
        return read_text(path, problems)
    except Unreadable:
        return None


def _pick(folder: Path, named: str | None, defaults: tuple[str, ...], brief_file: Path, line: int,
          problems: Problems) -> Path | None:
    if named:
        path = (folder / named)
        if not _inside(folder, path, brief_file, line, problems):
            return None
        if not path.is_file():
            problems.add(brief_file, line, f"{named}: file not found in {folder}")
            return None
        return path
    path = next((folder / name for name in defaults if (folder / name).is_file()), None)
    return path if path and _inside(folder, path, path, 0, problems) else None


def _inside(folder: Path, path: Path, where: Path, line: int, problems: Problems) -> bool:
    """Whether `path`, symbolic links followed, is inside the brief folder: a brief (perhaps
    from an untrusted contributor) may not read files elsewhere."""
    if path.resolve().is_relative_to(folder.resolve()):
        return True
    problems.add(where, line, f"{path.name}: the file is outside the brief folder "
                 f"({path.resolve()}); copy it into the folder")
    return False


def _load_events(path: Path, problems: Problems) -> Timeline:
    try:
        return read_events(path, read_text(path, problems), problems)
    except Unreadable:
        return Timeline()


def _load_sources(path: Path, problems: Problems) -> dict[str, Source]:
    return _read_sources(path, problems)[0]


def _read_sources(path: Path, problems: Problems) -> tuple[dict[str, Source], frozenset | None]:
    """The valid sources by id (NFC), and every id the file lists (see Material.listed_ids)."""
    try:
        data, lines = parse_yaml(path, read_text(path, problems), problems)
    except Unreadable:
        return {}, None
    if isinstance(data, dict) and "references" in data:  # Pandoc's YAML bibliography
        data, lines = data["references"], {k[1:]: v for k, v in lines.items() if k[:1] == ("references",)}
    if not isinstance(data, list):
        problems.add(path, 1, "sources must be a list of CSL items (as Zotero exports CSL-JSON)")
        return {}, None
    sources: dict[str, Source] = {}
    listed: set[str] | None = set()
    for index, item in enumerate(data):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            item = {**item, "id": normal_key(item["id"])}
            listed = listed if listed is None else listed | {item["id"]}
        else:
            listed = None  # an item without an id: any citation may have meant it
        source = validate(Source, item, path, lines, problems, prefix=(index,), line=lines.get((index,), 0))
        if source is None:
            continue
        for line, message in csl.problems(item, lines, (index,)):
            problems.add(path, line, message)
        language = str(item.get("language") or "").strip()
        if language and not well_formed(language):  # still citable: a warning, not an error
            logger.warning("%s:%d: language %r of source %r is no BCP 47 tag (en, fa-AF, hi); it is cited "
                           "as a work of no stated language", path,
                           lines.get((index, "language"), source.line), language, source.id)
        if source.id in sources:
            problems.add(path, lines.get((index,), 0), f"duplicate source id {source.id!r}")
        sources[source.id] = source
    return sources, None if listed is None else frozenset(listed)

