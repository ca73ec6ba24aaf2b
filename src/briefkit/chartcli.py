"""`briefkit chart`: a brief's (or any events file's) timeline chart on its own, as SVG, PDF or PNG."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import click

from .errors import BriefError, RenderError, UsageError

#: The output types, by the suffix of -o; Matplotlib writes each.
SUFFIXES = (".svg", ".pdf", ".png")
#: Resolution of a PNG chart; SVG and PDF are vector.
PNG_DPI = 200
#: The same for the --format choices; importers.FORMATS, without importing it for --help.
FORMATS = ("yaml", "csv", "timelinejs", "timelinejs-sheet", "acled")


@click.command("chart")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The chart file; its suffix picks the type: .svg, .pdf or .png.")
@click.option("--from", "start", metavar="DATE", help="Leave out events before DATE (YYYY[-MM[-DD]]).")
@click.option("--to", "end", metavar="DATE", help="Leave out events after DATE (YYYY[-MM[-DD]]).")
@click.option("--groups", metavar="A,B",
              help="Only these groups, comma-separated; the legend keeps this order.")
@click.option("--zoom", metavar="FROM[:TO]|none",
              help="Enlarge this stretch in a second panel, or none [default: automatic].")
@click.option("--style", help="House style name or folder [default: the brief's, else think-tank].")
@click.option("--format", "format_", type=click.Choice(FORMATS),
              help="The events file's format, when its header does not tell.")
@click.pass_context
def chart(ctx: click.Context, source: Path, output: Path, start: str | None, end: str | None,
          groups: str | None, zoom: str | None, style: str | None, format_: str | None) -> None:
    """Draw the timeline chart of SOURCE, a brief folder or an events file, into OUTPUT."""
    options = _options(start, end, groups, zoom)
    try:
        target, count = draw(source, output, options, style, format_)
    except BriefError:
        raise
    except Exception as exc:  # Matplotlib failing on input that passed validation
        if (ctx.obj or {}).get("debug"):
            raise
        raise RenderError(f"unexpected error: {type(exc).__name__}: {exc} (--debug shows where)") from exc
    click.echo(f"{target} ({count} events)")


def _options(start: str | None, end: str | None, groups: str | None, zoom: str | None) -> dict[str, Any]:
    """The command line as a timeline block's options, checked here so usage errors say so."""
    from .blocks import check_options

    options: dict[str, Any] = {key: value for key, value in (("from", start), ("to", end)) if value}
    if groups:
        options["groups"] = [g.strip() for g in groups.split(",") if g.strip()]
    if zoom:
        options["zoom"] = zoom if zoom.lower() in ("none", "off", "auto") else \
            [part or None for part in zoom.split(":", 1)]
    typed = {"from": start, "to": end, "groups": groups, "zoom": zoom}
    for key, message in check_options(options):
        raise UsageError(f"--{key} {typed[key]!r}: {message.split(': ', 1)[1]}")
    return options


def draw(source: Path, output: Path, options: dict[str, Any], style: str | None = None,
         format_: str | None = None) -> tuple[Path, int]:
    """Load SOURCE, draw its chart and write OUTPUT atomically; the path and events drawn."""
    from . import blocks, charts, loading, styles
    from . import output as out
    from .errors import Problems
    from .importers import read_events
    from .readers import Unreadable, read_text

    if output.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{output}: give a file name ending in {', '.join(SUFFIXES)}")
    problems = Problems()
    if source.is_dir():
        if format_:
            raise UsageError("--format is for an events file; a brief folder names its own events file")
        material = loading.load(source, problems,
                                lambda name: styles.find(style or name, source).settings["brief_keys"])
        problems.raise_if_any()
        timeline, language, folder = material.timeline, material.brief.language, source
        style_name = style or material.brief.style
        inputs = [source / "brief.yaml", material.commentary_file, material.sources_file,
                  material.events_file]
    else:
        try:
            timeline = read_events(source, read_text(source, problems), problems, format=format_)
        except Unreadable:
            pass
        problems.raise_if_any()
        language, folder, style_name, inputs = "en", None, style or "think-tank", [source]
    target = out.check(output, inputs)
    known = sorted({e.group for e in timeline.events if e.group})
    unknown = [g for g in options.get("groups", []) if g not in known]
    if unknown:
        raise UsageError(f"--groups: no events in group {unknown[0]!r}; groups: {', '.join(known) or 'none'}")
    events = blocks.select(timeline, options)
    if not events:
        asked = " in the dates and groups asked for" if options else ""
        raise UsageError(f"{source}: no events to draw{asked}")
    house = styles.find(style_name, folder)
    kind = output.suffix.lower()[1:]
    metadata = {"svg": {"Date": None, "Creator": None}, "pdf": {"CreationDate": None}, "png": {}}[kind]
    buffer = io.BytesIO()
    with charts.figure(timeline, options, house.chart_styles, [f.path for f in house.fonts],
                       house.chart_font, language) as (fig, _alt):
        fig.savefig(buffer, format=kind, metadata=metadata, dpi=PNG_DPI if kind == "png" else "figure")
    return out.write(target, buffer.getvalue()), len(events)
