"""The `briefkit` command: thin click wrappers; heavy libraries load inside each command. Here the group
and `build`, `check`, `watch`, `chart`; the others in pdfcommands, publishcommand and startercommands."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .commandoptions import (
    FOLDER,
    Variants,
    build_options,
    check_style,
    checked_scheduler,
    guarded,
    options_from,
    scheduler_options,
)
from .pdfcommands import inspect_pdf, sign_pdf, verify_pdf
from .publishcommand import publish
from .startercommands import list_styles, new, style

#: events.FORMATS, here without importing the readers for --help (a test keeps them equal).
EVENT_FORMATS = ("yaml", "csv", "timelinejs", "timelinejs-sheet", "acled")


@click.group()
@click.version_option(__version__, prog_name="briefkit")
@click.option("-v", "--verbose", count=True, help="More detail: -v for info, -vv for debug.")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Turn a brief folder (brief.yaml, commentary, events, sources) into a footnoted PDF."""
    log = logging.getLogger("briefkit")
    log.setLevel(logging.WARNING - 10 * min(verbose, 2))
    log.handlers = [h for h in log.handlers if not getattr(h, "briefkit_cli", False)]
    handler = logging.StreamHandler(sys.stderr)  # the stream of this call (tests swap it)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.briefkit_cli = True
    log.addHandler(handler)
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("folders", nargs=-1, required=True, type=FOLDER)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF [default: dist/<date>-<slug>.pdf]; one brief only.")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the exact self-contained HTML given to WeasyPrint; one brief only.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Briefs built at once, in worker processes.")
@click.option("--pdf-variant", type=Variants(),
              help="Archival PDF/A-3 (with the data attached), accessible tagged PDF/UA-1, or both.")
@scheduler_options
@click.option("--force", is_flag=True, help="Build every brief, even one whose PDF is up to date.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report: folder, status (built, skipped, failed; not built: the "
                   "cluster was lost first), pdf, pages, seconds, errors.")
@build_options
@click.pass_context
def build(ctx: click.Context, folders: tuple[Path, ...], output: Path | None, html: Path | None,
          jobs: int, scheduler: str | None, connect_timeout: float, force: bool, report: Path | None,
          **kwargs) -> None:
    """Build the brief in each FOLDER into a PDF.

    With several FOLDERs (or --report, or --scheduler), a brief whose PDF is up to date with
    every file it reads, its style and this briefkit is skipped, as make does; --force builds
    it anyway. Briefs build in this process, in -j worker processes, or on a Dask cluster."""
    batch = len(folders) > 1 or report or scheduler
    if batch and (output or html):
        raise click.UsageError("-o and --html name one file: give one FOLDER and no --report or "
                               "--scheduler, or leave them out")
    scheduler = checked_scheduler(scheduler, connect_timeout)
    if not batch:
        from .children import reused

        with reused(warm=True):  # the engine loads in the layout process while the brief is read
            check_style(kwargs["style"], folders)
            from .build import build as run_build

            options = options_from(output, html, **kwargs)
            result = guarded(ctx, lambda: run_build(folders[0], options))
        click.echo(f"{result.pdf} ({result.pages} pages, {result.footnotes} footnotes)")
        return
    from .children import drop_early

    drop_early()  # forked for one build (command.run): a batch lays out in workers of its own
    check_style(kwargs["style"], folders)
    options = options_from(output, html, **kwargs)
    from .batch import build_many
    from .progress import batch_progress

    with batch_progress(len(folders)) as advance:
        outcomes = guarded(ctx, lambda: build_many(folders, options, jobs, advance, force, scheduler,
                                                  report=report))
    if report:  # checked against the inputs before any build (build_many); written whole or not at all
        from .output import write

        guarded(ctx, lambda: write(report.absolute(), json.dumps(
            [outcome.as_dict() for outcome in outcomes], indent=2).encode()))
    if scheduler:
        from .scheduler import raise_if_lost

        raise_if_lost(scheduler, outcomes, report)
    if any(outcome.error for outcome in outcomes):
        ctx.exit(1)


@main.command()
@click.argument("folders", nargs=-1, required=True, type=FOLDER)
@click.option("--layout", is_flag=True, help="Also render, and check the pages (slower).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report (for CI).")
@build_options
@click.pass_context
def check(ctx: click.Context, folders: tuple[Path, ...], layout: bool, as_json: bool, **kwargs) -> None:
    """Check briefs without building them: schema, citations, notes, events, style.

    With --layout: page budget, every note on its call's page, no heading stranded at a page
    foot, no overfull line, alt text for every chart."""
    from .preflight import check as run_check

    check_style(kwargs["style"], folders)
    reports = guarded(ctx, lambda: [run_check(folder, options_from(**kwargs), layout) for folder in folders])
    if as_json:
        click.echo(json.dumps([report.as_dict() for report in reports], indent=2))
    else:
        for report in reports:
            status = "ok" if report.ok else f"{len(report.problems)} problem(s)"
            pages = f", {report.pages} pages" if report.pages else ""
            click.echo(f"{report.folder}: {status}{pages}")
            for problem in report.problems:
                click.echo(f"  {problem}")
            for warning in report.warnings:
                click.echo(f"  warning: {warning}")
    if not all(report.ok for report in reports):
        sys.exit(1)


@main.command()
@click.argument("folder", type=FOLDER)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF [default: dist/<date>-<slug>.pdf].")
@build_options
def watch(folder: Path, output: Path | None, **kwargs) -> None:
    """Rebuild FOLDER's PDF on every save of an input or style file (Ctrl-C stops)."""
    from .watch import watch as run_watch

    check_style(kwargs["style"], [folder])
    try:
        run_watch(folder, options_from(output, **kwargs), click.echo)
    except KeyboardInterrupt:
        click.echo("stopped")


@main.command()
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
@click.option("--format", "format_", type=click.Choice(EVENT_FORMATS),
              help="The events file's format, when its header does not tell.")
@click.pass_context
def chart(ctx: click.Context, source: Path, output: Path, start: str | None, end: str | None,
          groups: str | None, zoom: str | None, style: str | None, format_: str | None) -> None:
    """Draw the timeline chart of SOURCE, a brief folder or an events file, into OUTPUT."""
    from .charts.export import draw

    check_style(style, [source if source.is_dir() else None])
    options = _chart_options(start, end, groups, zoom)
    target, count = guarded(ctx, lambda: draw(source, output, options, style, format_))
    click.echo(f"{target} ({count} events)")


def _chart_options(start: str | None, end: str | None, groups: str | None, zoom: str | None) -> dict:
    """The command line as a timeline block's options, checked here so usage errors say so."""
    from .blocks import check_options
    from .errors import UsageError

    options: dict = {key: value for key, value in (("from", start), ("to", end)) if value}
    if groups:
        options["groups"] = [g.strip() for g in groups.split(",") if g.strip()]
    if zoom:
        options["zoom"] = zoom if zoom.lower() in ("none", "off", "auto") else \
            [part or None for part in zoom.split(":", 1)]
    typed = {"from": start, "to": end, "groups": groups, "zoom": zoom}
    for key, message in check_options(options):
        raise UsageError(f"--{key} {typed[key]!r}: {message.split(': ', 1)[1]}")
    return options


for command in (new, publish, list_styles, style, inspect_pdf, verify_pdf, sign_pdf):
    main.add_command(command)
