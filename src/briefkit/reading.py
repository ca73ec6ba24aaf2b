"""Read a brief folder into validated models, keeping the file and line of every value."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from . import csl, translations
from .errors import Problems, StyleError
from .events import read_events
from .models import Brief, Material, Source, Timeline
from .parsing import Unreadable, parse_yaml, read_text, validate

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
        problems.add(brief_file, lines.get(("style",), 0), error.message)
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

    commentary_file = folder / brief.commentary
    commentary = None
    if _inside(folder, commentary_file, brief_file, lines.get(("commentary",), 0), problems):
        commentary = _required_text(commentary_file, problems)
    if commentary is not None and not commentary.strip():
        problems.add(commentary_file, 1, "the commentary is empty; write the brief's text here")
    timeline, sources, sources_file = Timeline(), {}, None
    events_file = _pick(folder, brief.events, EVENT_FILES, brief_file, lines.get(("events",), 0), problems)
    if events_file:
        timeline = _load_events(events_file, problems)
        groups = {event.group for event in timeline.events if event.group}
        if len(groups) > MAX_GROUPS:
            problems.add(events_file, 0, f"{len(groups)} groups; a chart shows at most {MAX_GROUPS} "
                         "lanes: merge them into broader groups")
    sources_file = _pick(folder, brief.sources, SOURCE_FILES, brief_file, lines.get(("sources",), 0),
                         problems)
    if sources_file:
        sources = _load_sources(sources_file, problems)
    for event in timeline.events:
        for key in event.sources:
            if key not in sources:
                problems.add(events_file, event.line, f"event {event.title!r} cites unknown source {key!r}")
    return Material(folder, brief, commentary or "", commentary_file, timeline, sources,
                    sources_file, events_file, lines)


def _salvage(data: dict) -> Brief:
    """A Brief of the defaults and the usable file names of a brief.yaml that failed validation
    (its problems are recorded): enough to read the other files, never to render."""
    import datetime as dt

    names = {key: data[key] for key in ("commentary", "events", "sources", "style", "language")
             if isinstance(data.get(key), str)}
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
        for line, message in csl.problems(item, lines, (index,)):
            problems.add(path, line, message)
        if source.id in sources:
            problems.add(path, lines.get((index,), 0), f"duplicate source id {source.id!r}")
        sources[source.id] = source
    return sources
