"""Export for `briefkit chart`: a brief's (or any events file's) timeline chart alone, as SVG, PDF or PNG."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..errors import UsageError

#: The output types, by the suffix of -o; Matplotlib writes each.
SUFFIXES = (".svg", ".pdf", ".png")
#: Resolution of a PNG chart; SVG and PDF are vector.
PNG_DPI = 200


def draw(source: Path, output: Path, options: dict[str, Any], style: str | None = None,
         format_: str | None = None) -> tuple[Path, int]:
    """Load SOURCE, draw its chart and write OUTPUT atomically; the path and events drawn."""
    from .. import blocks, reading, styles
    from .. import output as out
    from ..document import native_digits
    from ..errors import Problems
    from ..events import read_events
    from ..parsing import Unreadable, read_text
    from .figures import directions
    from .timeline import figure

    if output.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{output}: give a file name ending in {', '.join(SUFFIXES)}")
    problems = Problems()
    if source.is_dir():
        if format_:
            raise UsageError("--format is for an events file; a brief folder names its own events file")
        material = reading.load(source, problems,
                                lambda name: styles.find(style or name, source).settings["brief_keys"])
        problems.raise_if_any()
        timeline, language, folder, brief = material.timeline, material.brief.language, source, material.brief
        style_name = style or material.brief.style
        inputs = [source]  # the brief folder: its every file is an input
    else:
        try:
            timeline = read_events(source, read_text(source, problems), problems, format=format_)
        except Unreadable:
            pass
        problems.raise_if_any()
        language, folder, style_name, inputs, brief = "en", None, style or "think-tank", [source], None
    target = out.target(output, inputs)
    known = sorted({e.group for e in timeline.events if e.group})
    unknown = [g for g in options.get("groups", []) if g not in known]
    if unknown:
        raise UsageError(f"--groups: no events in group {unknown[0]!r}; groups: {', '.join(known) or 'none'}")
    events = blocks.select(timeline, options)
    if not events:
        asked = " in the dates and groups asked for" if options else ""
        raise UsageError(f"{source}: no events to draw{asked}")
    house = styles.find(style_name, folder)
    # A brief's chart as its PDF prints it: its digits and directions (an events file: English)
    native = native_digits(brief, house) if brief else False
    rtl, mirrored = (directions(brief, house) if brief
                     else (False, house.settings["timeline_direction"] == "rtl"))
    kind = output.suffix.lower()[1:]
    metadata = {"svg": {"Date": None, "Creator": None}, "pdf": {"CreationDate": None}, "png": {}}[kind]
    buffer = io.BytesIO()
    with figure(timeline, options, house.chart_styles, [f.path for f in house.fonts], house.chart_face,
                language, house.settings["labels"], native, rtl, mirrored) as (fig, _alt):
        fig.savefig(buffer, format=kind, metadata=metadata, dpi=PNG_DPI if kind == "png" else "figure")
    return out.write(target, buffer.getvalue()), len(events)
