"""The `publish` command: a series of briefs built into a site folder (cli.py adds it to the
`briefkit` group); it loads what it needs when it runs."""

from __future__ import annotations

from pathlib import Path

import click

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


@click.command()
@click.argument("folders", nargs=-1, required=True, type=FOLDER)
@click.option("-o", "--output", "site", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder: PDFs, index.html, feed.xml, SHA256SUMS.")
@click.option("--title", default="Briefs", show_default=True, help="The catalogue's and feed's title.")
@click.option("--base-url", help="Where the site will be served (absolute links and ids in the feed).")
@click.option("--pdf-variant", type=Variants())
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

    scheduler = checked_scheduler(scheduler, connect_timeout)
    check_style(kwargs["style"], folders)
    sign = None
    if sign_key or sign_cert or sign_p12:  # the key is checked before anything is built
        from .signing import Credentials, SiteSigner, signer_from

        sign = SiteSigner(signer_from(Credentials(sign_key, sign_cert, (), sign_p12, password_env)))

    with batch_progress(len(folders)) as advance:
        entries, rebuilt = guarded(ctx, lambda: run_publish(list(folders), site, options_from(**kwargs),
                                                            title, base_url, jobs, scheduler, force, advance,
                                                            sign))
    click.echo(f"{site}: {len(entries)} briefs ({len(rebuilt)} built, "
               f"{len(entries) - len(rebuilt)} unchanged); index.html, feed.xml, SHA256SUMS")
