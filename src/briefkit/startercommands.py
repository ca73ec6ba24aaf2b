"""The commands that start something: `new` (a brief), `style new` (a child style) and `styles`,
the house styles either can start from (cli.py adds them to the `briefkit` group)."""

from __future__ import annotations

from pathlib import Path

import click

from .commandoptions import FOLDER, check_style


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--style", default="think-tank", show_default=True, help="The house style to start with.")
def new(folder: Path, style: str) -> None:
    """Start a brief in FOLDER: every file, commented, ready to build."""
    import shlex

    from .starter import create
    from .stylesearch import is_path

    if not is_path(style):  # a folder is the brief.yaml's to resolve
        check_style(style, [folder])  # the starter brief builds at once: only with a style that exists
    create(folder, style)
    click.echo(f"{folder}: created. Next: briefkit build {shlex.quote(str(folder))}")


@click.command("styles")
@click.option("--brief", type=FOLDER, help="Also list the styles local to this brief folder.")
def list_styles(brief: Path | None) -> None:
    """List the house styles a brief can name, with where each comes from."""
    from .stylesearch import available

    rows = available(brief)
    width = max((len(name) for name, *_ in rows), default=4)
    for name, origin, _folder, description in rows:
        click.echo(f"{name:<{width}}  {origin:<15}  {description}")


@click.group()
def style() -> None:
    """Make and manage house styles."""


@style.command("new")
@click.argument("name")
@click.option("--from", "base", default="think-tank", show_default=True, help="The style to extend.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("styles"), show_default=True, help="Where to create the style folder.")
def new_style(name: str, base: str, directory: Path) -> None:
    """Create a minimal child style NAME that extends another."""
    from .stylescaffold import scaffold

    here = Path.cwd()  # inside a brief folder, --from finds its styles/ as a build would
    folder = scaffold(name, base, directory, here if (here / "brief.yaml").is_file() else None)
    click.echo(f"{folder}: created. Build with --style {folder}, or with `style: {name}` in a "
               f"brief whose folder holds styles/{name} (or put it in $BRIEFKIT_STYLES).")
