"""The `briefkit` command: thin click wrappers; heavy libraries load inside each command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__


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
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF [default: dist/<date>-<slug>.pdf].")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the exact self-contained HTML given to WeasyPrint.")
@click.option("--style", help="House style name or folder, instead of brief.yaml's.")
@click.option("--allow-remote", is_flag=True,
              help="Let images and styles fetch http(s) resources (off: nothing touches the network).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=300.0, show_default=True,
              help="Seconds the layout may take before the build fails.")
@click.option("--strict", is_flag=True, help="Fail on the renderer's warnings too (e.g. unknown CSS).")
@click.pass_context
def build(ctx: click.Context, folder: Path, output: Path | None, html: Path | None,
          style: str | None, allow_remote: bool, timeout: float, strict: bool) -> None:
    """Build the brief in FOLDER into a PDF."""
    from .build import Options
    from .build import build as run_build

    options = Options(output=output, html=html, style=style, allow_remote=allow_remote,
                      timeout=timeout, strict=strict)
    result = _guarded(ctx, lambda: run_build(folder, options))
    click.echo(f"{result.pdf} ({result.pages} pages, {result.footnotes} footnotes)")


@main.command("styles")
@click.option("--brief", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also list the styles local to this brief folder.")
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

    folder = scaffold(name, base, directory)
    click.echo(f"{folder}: created. Build with --style {folder}, or with `style: {name}` in a "
               f"brief whose folder holds styles/{name} (or put it in $BRIEFKIT_STYLES).")


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
