"""What the `briefkit` commands share: the options of those that render briefs, the checks of
--style and --scheduler, and the guard that turns an unexpected error into one line."""

from __future__ import annotations

from pathlib import Path

import click

from .scheduler import CONNECT_SECONDS  # Dask itself loads only when a command connects

FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


class Variants(click.Choice):
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


def checked_scheduler(address: str | None, seconds: float):
    """The --scheduler address checked (a UsageError now, not after the batch has begun)."""
    if address is None:
        return None
    from .scheduler import Scheduler

    return Scheduler.parse(address, seconds)


def check_style(style: str | None, folders) -> None:
    """A --style that cannot be found is the option's mistake: name the option, not the
    brief.yaml line a build would otherwise blame."""
    if not style:
        return
    from .errors import StyleError, UsageError, did_you_mean
    from .styles import find
    from .stylesearch import available, is_path

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


def options_from(output=None, html=None, **kwargs):
    """The command line's build options as build.Options."""
    from .build import Options

    return Options(output=output, html=html, **kwargs)


def guarded(ctx: click.Context, action):
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
