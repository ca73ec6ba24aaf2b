"""Fresh outputs: whether a brief's PDF is up to date with everything it was built from, as make decides.

A build leaves a record beside its PDF (`dist/.briefkit/NAME.json`): a fingerprint of every
input (each file of the brief folder, each file of its style chain and of briefkit's own
templates, briefkit's version, the options that change the bytes) and the PDF's own hash.
A batch build skips a brief whose fingerprint and PDF still match. Nothing here imports a
rendering library, so an unchanged archive costs milliseconds a brief."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from . import __version__
from .dates import full
from .output import output_place

#: Files a desktop leaves beside the inputs (hidden files are inputs otherwise: a brief may use one).
_LITTER = re.compile(r"\.DS_Store|\._.*|\..*\.sw[a-p]|~\$.*|\.~lock\..*#")


def record_path(pdf: Path) -> Path:
    return pdf.parent / ".briefkit" / f"{pdf.stem}.json"


def fingerprint(folder: Path, options, read: tuple[list[Path], list[Path]] | None = None) -> str:
    """A hash of everything a build of `folder` with `options` reads and is; `read`: read_by's
    answer, when the caller has it already."""
    digest = hashlib.sha256()
    settings = (__version__, options.style, options.allow_remote, options.strict, options.pdf_variant,
                options.source_date_epoch)
    digest.update(repr(settings).encode())
    try:
        roots, fonts = read or read_by(folder, options)
        for font in fonts:  # files of installed packages: by size and time, not bytes
            digest.update(f"{font}\0{font.stat().st_size}\0{font.stat().st_mtime_ns}".encode())
    except Exception:  # a brief whose style cannot be found is built, and fails with the reason
        roots = [folder]
        digest.update(os.urandom(8))
    for root in roots:
        for path in files(root):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:  # unreadable: never up to date, and the build reports it if it matters
                digest.update(os.urandom(8))
    return digest.hexdigest()


def read_by(folder: Path, options) -> tuple[list[Path], list[Path]]:
    """What a build of `folder` reads: the folders (its own, each of its style chain, the
    templates) and the font files its style takes from installed packages (`pkg:`)."""
    from . import styles
    from .stylesearch import BUILTIN_TEMPLATES

    style = styles.find(options.style or _style_of(folder), folder, options.style_places)
    fonts = sorted(font.path for font in style.fonts if not any(font.path.is_relative_to(root)
                                                                for root in style.chain))
    return [folder, *style.chain, BUILTIN_TEMPLATES], fonts


def expected_pdf(folder: Path, into: Path = Path("dist")) -> Path | None:
    """Where a batch build writes the brief (output.default_path's name in `into`), read from
    brief.yaml without validating it; None when brief.yaml cannot tell (its build says why)."""
    from .output import file_name, slug_problem

    data = _brief_yaml(folder)
    title, date = data.get("title"), data.get("date")
    try:
        date = full(date)  # as models.Brief reads it
    except ValueError:
        return None
    if not isinstance(title, str) or not title.strip():
        return None
    override = data.get("slug")
    if isinstance(override, int) and not isinstance(override, bool):
        override = str(override)  # as models.Brief reads slug: 2026
    if override is not None and (not isinstance(override, str) or slug_problem(override)):
        return None
    return into / file_name(title, date, override)


def _style_of(folder: Path) -> str:
    from .models import Brief

    return str(_brief_yaml(folder).get("style") or Brief.model_fields["style"].default)


def _brief_yaml(folder: Path) -> dict:
    """brief.yaml as the build reads it (parsing.py: size limit, no aliases, no tags), so that an
    alias bomb is refused here as fast as by the build; {} when it cannot be read."""
    from .errors import Problems
    from .parsing import Unreadable, parse_yaml, read_text

    path = folder / "brief.yaml"
    try:
        data, _lines = parse_yaml(path, read_text(path, Problems()), Problems())
    except Unreadable:
        return {}
    return data if isinstance(data, dict) else {}


def files(root: Path) -> list[Path]:
    """The input files under `root`, sorted: not dist/, caches, hidden folders or desktop litter."""
    return sorted(_walk(root))


def _walk(root: Path):
    inside = root.resolve()
    for directory, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not output_place(name)]
        for path in (Path(directory) / name for name in names if not _LITTER.fullmatch(name)):
            # A link out of the folder is no input (a build refuses it) and never travels; a
            # pipe or device file is not a file to read.
            try:
                inside_file = path.resolve().is_relative_to(inside) and path.is_file()
            except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13): no file
                continue
            if inside_file:
                yield path


def fresh(pdf: Path, print_: str) -> dict | None:
    """The record of `pdf` when it was built from inputs with fingerprint `print_` and is still
    the file that build wrote; None when it must be built."""
    try:
        record = json.loads(record_path(pdf).read_text(encoding="utf-8"))
        same = record["fingerprint"] == print_ and record["sha256"] == _sha256(pdf)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if same else None


def remember(pdf: Path, print_: str, pages: int) -> None:
    """Record that `pdf` was built from inputs with fingerprint `print_`."""
    from .errors import OutputError
    from .output import write

    try:
        # Replaced, not written through: a link left at the record's name is never followed.
        write(record_path(pdf), json.dumps({"fingerprint": print_, "sha256": _sha256(pdf),
                                            "pages": pages}).encode())
    except (OSError, OutputError):  # a record that cannot be written only costs a rebuild next time
        pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
