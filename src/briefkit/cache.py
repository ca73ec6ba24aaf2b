"""Cache: what earlier builds learned (layout corrections, chart SVGs), kept on disk by content.

Like LaTeX's .aux file, it lets a second build skip work the first one did: the same HTML is
laid out once with the corrections it needed last time, and an unchanged chart is not drawn
(Matplotlib is not even imported). Entries are keyed by a hash of everything they depend on,
so they never go stale; a result with or without the cache is the same, byte for byte. Entries
are JSON, read defensively: a broken or foreign one is ignored, never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__, logger

#: Where the cache lives instead of the platform's user cache folder; empty turns it off.
CACHE_ENV = "BRIEFKIT_CACHE_DIR"
#: Entries kept per kind; the least recently written go first.
MAX_ENTRIES = 200


def directory() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefkit", appauthor=False))


def key(*parts: str | bytes) -> str:
    """A hash of `parts` and the versions that shape what is cached."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"briefkit {__version__} weasyprint {version('weasyprint')}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def get(kind: str, entry: str) -> Any | None:
    root = directory()
    if root is None:
        return None
    try:
        return json.loads((root / kind / f"{entry}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def put(kind: str, entry: str, value: Any) -> None:
    """Store `value`; a cache that cannot be written (read-only home, full disk) is skipped."""
    root = directory()
    if root is None:
        return
    folder = root / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False,
                                         encoding="utf-8") as handle:
            json.dump(value, handle)
        os.replace(handle.name, folder / f"{entry}.json")
        _prune(folder)
    except OSError as error:
        logger.debug("cache not written: %s", error)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
