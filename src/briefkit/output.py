"""Output: write the PDF atomically, never over an input, never leaving a partial file."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug: 'The Taliban-Russia Re-Connect' -> 'the-taliban-russia-re-connect'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "brief"


def default_path(date_iso: str, title: str) -> Path:
    """The default output, like other build tools' `dist/`: `dist/<date>-<slug>.pdf` here."""
    return Path("dist") / f"{date_iso}-{slug(title)}.pdf"


def write(path: Path, data: bytes, inputs: list[Path]) -> Path:
    """Write `data` to `path` through a temporary file and os.replace, so a reader sees the old
    file or the new one, never half of one."""
    target = path.resolve()
    if any(target == p.resolve() for p in inputs if p):
        raise OutputError(f"{path}: refusing to write the PDF over one of the brief's inputs")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    return target
