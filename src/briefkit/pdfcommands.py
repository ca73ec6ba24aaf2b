"""The commands that take PDFs rather than briefs: `inspect`, `verify` and `sign` (cli.py adds
them to the `briefkit` group); each loads what it needs when it runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("inspect")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--extract", type=click.Path(file_okay=False, path_type=Path),
              help="Write the attached files (events, sources, manifest) into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def inspect_pdf(pdf: Path, extract: Path | None, as_json: bool) -> None:
    """Show a PDF's metadata, variant and attached data; --extract gets the data back."""
    from .pdf.inspection import inspect

    facts = inspect(pdf, extract)
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    click.echo(f"{facts['file']}: {facts['pages']} pages; PDF/A: {facts['pdfa'] or 'no'}; "
               f"PDF/UA: {facts['pdfua'] or 'no'}; tagged: {'yes' if facts['tagged'] else 'no'}")
    for key, value in facts["info"].items():
        click.echo(f"  {key}: {value}")
    for key, value in facts["xmp"].items():
        click.echo(f"  XMP {key}: {', '.join(value) if isinstance(value, list) else value}")
    for name, about in facts["attachments"].items():
        click.echo(f"  attached {name}: {about['bytes']} bytes, sha256 {about['sha256']}")
    if extract:
        click.echo(f"extracted {len(facts['attachments'])} file(s) to {extract}")


@click.command("verify")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="A certificate (PEM or DER) to trust as a root; an untrusted signature then fails.")
def verify_pdf(pdfs: tuple[Path, ...], trust: tuple[Path, ...]) -> None:
    """Check PDFs before publishing: they open cleanly, fonts embedded, PDF/A and UA
    declarations backed, attachments matching the manifest, and each signature: its signer,
    time, whether the file changed after it, whether its certificate is trusted."""
    from .pdf.inspection import verify
    from .signatures import signature_lines

    failed = False
    for pdf in pdfs:
        problems = verify(pdf)
        lines, signatures_failed = signature_lines(pdf, trust)
        failed |= bool(problems) or signatures_failed
        verdict = (f"{len(problems)} problem(s)" if problems
                   else "a signature fails" if signatures_failed else "ok")
        click.echo(f"{pdf}: {verdict}")
        for line in [*(f"  {problem}" for problem in problems), *lines]:
            click.echo(line)
    if failed:
        sys.exit(1)


@click.command("sign")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="The private key (PEM or DER).")
@click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="The signer's certificate.")
@click.option("--chain", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="Intermediate certificates to embed (repeatable).")
@click.option("--p12", type=click.Path(dir_okay=False, path_type=Path),
              help="Key and certificates in one PKCS#12 file, instead of --key and --cert.")
@click.option("--password-env", metavar="VAR",
              help="The environment variable holding the key's or PKCS#12 file's password.")
@click.option("--timestamp", metavar="URL", help="An RFC 3161 timestamp server: a PAdES B-T signature.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a signed copy here (one PDF only) instead of signing in place.")
def sign_pdf(pdfs: tuple[Path, ...], key, cert, chain, p12, password_env, timestamp, output) -> None:
    """Sign PDFs (PAdES B-B, B-T with --timestamp) in place, as an incremental update that
    leaves the signed bytes and a PDF/A file's conformance as they were."""
    from .errors import UsageError
    from .signing import Credentials, sign, signer_from, signer_name

    if output and len(pdfs) > 1:
        raise UsageError("-o names one signed copy: give one PDF, or sign several in place")
    signer = signer_from(Credentials(key, cert, tuple(chain), p12, password_env))
    for pdf in pdfs:
        written = sign(pdf, signer, output, timestamp)
        click.echo(f"{written}: signed by {signer_name(signer)}")
