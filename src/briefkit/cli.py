"""The `briefkit` command: thin click wrappers; heavy libraries load inside each command."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .pdfcommands import inspect_pdf, sign_pdf, verify_pdf
from .scheduler import CONNECT_SECONDS  # Dask itself loads only when a command connects

FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)
#: events.FORMATS, here without importing the readers for --help (a test keeps them equal).
EVENT_FORMATS = ("yaml", "csv", "timelinejs", "timelinejs-sheet", "acled")


class _Variants(click.Choice):
    """models.VARIANTS, read only when a value or a command's help needs them: pydantic is slow
    to import, and `briefkit --help` should not wait for it."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self):
        from .models import VARIANTS

        return VARIANTS

    @choices.setter
    def choices(self, value) -> None:
        pass


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


def build_options(function):
    """The options every command that renders a brief shares."""
    options = [
        click.option("--style", help="House style name or folder, instead of brief.yaml's."),
        click.option("--allow-remote", is_flag=True,
                     help="Let images and styles fetch http(s) resources (off: no network)."),
        click.option("--timeout", type=click.FloatRange(min=0.01), default=300.0, show_default=True,
                     help="Seconds the layout may take before the build fails."),
        click.option("--strict", is_flag=True, help="Fail on the renderer's warnings too (e.g. bad CSS)."),
        click.option("--cache/--no-cache", default=True, show_default=True,
                     help="Reuse charts and layout corrections of earlier builds (same PDF either way)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def scheduler_options(function):
    """--scheduler and --connect-timeout, for the commands that can build on a Dask cluster."""
    function = click.option("--connect-timeout", type=click.FloatRange(min=0.1), default=CONNECT_SECONDS,
                            show_default=True, metavar="SECONDS",
                            help="How long the scheduler has to answer, and a lost one to come back."
                            )(function)
    return click.option("--scheduler", metavar="tcp://HOST:PORT",
                        help='Build on this Dask cluster instead of here (pip install "briefkit[dask]").'
                        )(function)


def _scheduler(address: str | None, seconds: float):
    """The --scheduler address checked (a UsageError now, not after the batch has begun)."""
    if address is None:
        return None
    from .scheduler import Scheduler

    return Scheduler.parse(address, seconds)


def _check_style(style: str | None, folders) -> None:
    """A --style that cannot be found is the option's mistake: name the option, not the
    brief.yaml line a build would otherwise blame."""
    if not style:
        return
    from .errors import StyleError, UsageError, did_you_mean
    from .styles import available, find, is_path

    if is_path(style):  # a folder: the same style for every brief
        if not (Path(style).expanduser() / "style.yaml").is_file():
            raise UsageError(f"--style {style}: no style there (a style folder holds a style.yaml); "
                             "give a style's folder or the name of one")
        own = list(folders[:1])
    else:
        known = {folder: [name for name, *_ in available(folder)] for folder in folders}
        missing = [folder for folder, names in known.items() if style not in names]
        if missing:
            names = known[missing[0]]
            which = "" if len(missing) == len(folders) else \
                f" for {', '.join(map(str, missing[:3]))}{', ...' if len(missing) > 3 else ''}"
            raise UsageError(f"--style {style}: no such style{which}{did_you_mean(style, names) or ';'} "
                             f"styles here: {', '.join(names)}")
        # A brief's own styles/ may hold a style of that name; every other brief gets the same one.
        own = list(folders[:1]) + [folder for folder in folders[1:] if (folder / "styles" / style).is_dir()]
    for folder in own:
        try:
            find(style, folder)
        except StyleError as error:  # it exists but is broken: the message names its file and line
            raise StyleError(f"--style {style}: {error.message}") from None


def _options(output=None, html=None, **kwargs):
    from .build import Options

    return Options(output=output, html=html, **kwargs)


@main.command()
@click.argument("folders", nargs=-1, required=True, type=FOLDER)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF [default: dist/<date>-<slug>.pdf]; one brief only.")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the exact self-contained HTML given to WeasyPrint; one brief only.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Briefs built at once, in worker processes.")
@click.option("--pdf-variant", type=_Variants(),
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
    scheduler = _scheduler(scheduler, connect_timeout)
    if not batch:
        from .children import reused

        with reused(warm=True):  # the engine loads in the layout process while the brief is read
            _check_style(kwargs["style"], folders)
            from .build import build as run_build

            options = _options(output, html, **kwargs)
            result = _guarded(ctx, lambda: run_build(folders[0], options))
        click.echo(f"{result.pdf} ({result.pages} pages, {result.footnotes} footnotes)")
        return
    from .children import drop_early

    drop_early()  # forked for one build (command.run): a batch lays out in workers of its own
    _check_style(kwargs["style"], folders)
    options = _options(output, html, **kwargs)
    from .batch import build_many
    from .progress import batch_progress

    with batch_progress(len(folders)) as advance:
        outcomes = _guarded(ctx, lambda: build_many(folders, options, jobs, advance, force, scheduler,
                                                   report=report))
    if report:  # checked against the inputs before any build (build_many); written whole or not at all
        from .output import write

        _guarded(ctx, lambda: write(report.absolute(), json.dumps(
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

    _check_style(kwargs["style"], folders)
    reports = _guarded(ctx, lambda: [run_check(folder, _options(**kwargs), layout) for folder in folders])
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

    _check_style(kwargs["style"], [folder])
    try:
        run_watch(folder, _options(output, **kwargs), click.echo)
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

    _check_style(style, [source if source.is_dir() else None])
    options = _chart_options(start, end, groups, zoom)
    target, count = _guarded(ctx, lambda: draw(source, output, options, style, format_))
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


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--style", default="think-tank", show_default=True, help="The house style to start with.")
def new(folder: Path, style: str) -> None:
    """Start a brief in FOLDER: every file, commented, ready to build."""
    import shlex

    from .starter import create
    from .styles import is_path

    if not is_path(style):  # a folder is the brief.yaml's to resolve
        _check_style(style, [folder])  # the starter brief builds at once: only with a style that exists
    create(folder, style)
    click.echo(f"{folder}: created. Next: briefkit build {shlex.quote(str(folder))}")


@main.command()
@click.argument("folders", nargs=-1, required=True, type=FOLDER)
@click.option("-o", "--output", "site", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder: PDFs, index.html, feed.xml, SHA256SUMS.")
@click.option("--title", default="Briefs", show_default=True, help="The catalogue's and feed's title.")
@click.option("--base-url", help="Where the site will be served (absolute links and ids in the feed).")
@click.option("--pdf-variant", type=_Variants())
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Briefs built at once, in worker processes.")
@scheduler_options
@click.option("--force", is_flag=True, help="Build every brief, even one whose PDF is up to date.")
@click.option("--sign-key", type=click.Path(dir_okay=False, path_type=Path), help="Sign each PDF: the key.")
@click.option("--sign-cert", type=click.Path(dir_okay=False, path_type=Path), help="...and its certificate.")
@click.option("--sign-p12", type=click.Path(dir_okay=False, path_type=Path),
              help="Sign each PDF with the key and certificate of a PKCS#12 file.")
@click.option("--password-env", metavar="VAR", help="The variable holding the signing key's password.")
@build_options
@click.pass_context
def publish(ctx: click.Context, folders: tuple[Path, ...], site: Path, title: str, base_url: str | None,
            jobs: int, scheduler: str | None, connect_timeout: float, force: bool, sign_key: Path | None,
            sign_cert: Path | None, sign_p12: Path | None, password_env: str | None, **kwargs) -> None:
    """Build a series of briefs into a site folder ready for the web: only the briefs that
    changed are built; the catalogue, feed and checksums are written anew."""
    from .progress import batch_progress
    from .publish import publish as run_publish

    scheduler = _scheduler(scheduler, connect_timeout)
    _check_style(kwargs["style"], folders)
    sign = None
    if sign_key or sign_cert or sign_p12:  # the key is checked before anything is built
        from .signing import Credentials, SiteSigner, signer_from

        sign = SiteSigner(signer_from(Credentials(sign_key, sign_cert, (), sign_p12, password_env)))

    with batch_progress(len(folders)) as advance:
        entries, rebuilt = _guarded(ctx, lambda: run_publish(list(folders), site, _options(**kwargs), title,
                                                             base_url, jobs, scheduler, force, advance, sign))
    click.echo(f"{site}: {len(entries)} briefs ({len(rebuilt)} built, "
               f"{len(entries) - len(rebuilt)} unchanged); index.html, feed.xml, SHA256SUMS")


@main.command("styles")
@click.option("--brief", type=FOLDER, help="Also list the styles local to this brief folder.")
def list_styles(brief: Path | None) -> None:
    """List the house styles a brief can name, with where each comes from."""
    from .styles import available

    rows = available(brief)
    width = max((len(name) for name, *_ in rows), default=4)
    for name, origin, _folder, description in rows:
        click.echo(f"{name:<{width}}  {origin:<15}  {description}")


@main.group()
def style() -> None:
    """Make and manage house styles."""


@style.command("new")
@click.argument("name")
@click.option("--from", "base", default="think-tank", show_default=True, help="The style to extend.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("styles"), show_default=True, help="Where to create the style folder.")
def new_style(name: str, base: str, directory: Path) -> None:
    """Create a minimal child style NAME that extends another."""
    from .styles import scaffold

    here = Path.cwd()  # inside a brief folder, --from finds its styles/ as a build would
    folder = scaffold(name, base, directory, here if (here / "brief.yaml").is_file() else None)
    click.echo(f"{folder}: created. Build with --style {folder}, or with `style: {name}` in a "
               f"brief whose folder holds styles/{name} (or put it in $BRIEFKIT_STYLES).")


for command in (inspect_pdf, verify_pdf, sign_pdf):
    main.add_command(command)


def _guarded(ctx: click.Context, action):
    """Our errors print as they are; anything else becomes one line unless --debug."""
    from .errors import BriefError, RenderError

    try:
        return action()
    except BriefError:
        raise
    except Exception as exc:
        if ctx.obj.get("debug"):
            raise
        message = f"unexpected error: {type(exc).__name__}: {exc} (--debug shows where)"
        raise RenderError(message) from exc


