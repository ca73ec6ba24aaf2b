"""Checks across a brief's files, once each file has been read on its own."""

from __future__ import annotations

from . import blocks, fontstack, glyphs, links, logger
from .commentary import Body
from .errors import Problems
from .models import TAGGED, Material
from .reading import unsure
from .styles import Style


def check_material(material: Material, body: Body, problems: Problems, allow_remote: bool) -> None:
    """What the files say to each other: the short Markdown fields (links by the commentary's
    rules, no citations), relative links against brief.yaml's `allow_local_links`, what each block selects
    from the events, and sources no text cites (a warning).

    What follows only from a file that could not be read is not reported: its own problem is,
    and the rest is checked once it is fixed (`material.incomplete`)."""
    unread = material.incomplete
    local_ok = material.brief.allow_local_links or bool({"brief", "links"} & unread)
    for file, line, field_name, text in glyphs.texts(material):
        if field_name in glyphs.MARKDOWN and text:
            for message in links.field_problems(text, material.folder, allow_remote, local_ok):
                problems.add(file, line, message)
    if not local_ok:
        for line, url in body.local_links:
            problems.add(material.commentary_file, line, links.local_link_error(url))
    knock_ons = [problem for problem, key in body.unknown
                 if unsure(key, unread, material.listed_ids, material.sources_file)]
    problems.items = [problem for problem in problems.items if problem not in knock_ons]
    cited = {key for group in body.cites for key, _ in group}
    events_unknown = "events" in unread or ("brief" in unread and material.events_file is None)
    for block in [] if events_unknown else body.blocks:
        for key, message in blocks.check_selection(block.kind, material.timeline, block.options,
                                                   material.events_file):
            problems.add(material.commentary_file, block.line_of(key), message)
        if block.kind == "chronology":
            cited.update(key for event in blocks.select(material.timeline, block.options)
                         for key in event.sources)
    for key, source in material.sources.items():
        if key not in cited:
            logger.warning("%s:%d: source %r is never cited", material.sources_file, source.line, key)


def check_styled(material: Material, body: Body, style: Style, variant: str | None, strict: bool,
                 problems: Problems) -> None:
    """What the chosen style and variant ask of the brief: letters its fonts have (a warning,
    an error under --strict), an italic face for each stack (a warning), one place for each
    colour, alt text for every image of a tagged variant."""
    for file, line, message in glyphs.uncovered(material, [font.path for font in style.fonts], style.name):
        if strict:
            problems.add(file, line, message)
        else:
            logger.warning("%s:%d: %s", file, line, message)
    for css, line, message in fontstack.italics(style):
        logger.warning("%s:%d: %s", css, line, message)
    for css, line, name in style.clashes():
        logger.warning("%s:%d: --%s is also set by `colours:` in style.yaml; this line wins (remove "
                       "one of the two)", css, line, name)
    if variant in TAGGED:
        for line in body.unlabelled:
            problems.add(material.commentary_file, line, f"{variant} needs alt text for every image: "
                         "write ![what it shows](file)")
