"""Output: write the PDF atomically, never over an input, never leaving a partial file."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError, UsageError


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug: 'The Taliban-Russia Re-Connect' -> 'the-taliban-russia-re-connect'."""
    # Apostrophes join their word, straight or curly (the title is typeset with curly ones), so
    # a batch can tell the file name from brief.yaml as written: "Kabul's" -> kabuls either way.
    text = re.sub(r"(?<=\w)['’ʼ](?=\w)", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "brief"


def default_path(brief) -> Path:
    """The default output, like other build tools' `dist/`: `dist/<date>-<slug>.pdf` here."""
    return Path("dist") / f"{brief.date.isoformat()}-{slug(brief.title)}.pdf"


def target(path: Path, inputs: list[Path | None]) -> Path:
    """The resolved output path, refused before any work if it would overwrite an input."""
    target = path.resolve()
    if any(input_ and target == input_.resolve() for input_ in inputs):
        raise UsageError(f"{path}: this is one of the brief's inputs; choose another output path")
    if target.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name such as {path / 'brief.pdf'}")
    return target


def write(target: Path, data: bytes) -> Path:
    """Write `data` through a temporary file and os.replace, so a reader sees the old file or
    the new one, never half of one, and a failure leaves the old file as it was."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror}") from None
    return target
