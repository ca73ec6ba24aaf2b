"""Cache: what earlier builds learned (layout corrections, chart SVGs), kept on disk by content.

Like LaTeX's .aux file, it lets a second build skip work the first one did: the same HTML is
laid out once with the corrections it needed last time, and an unchanged chart is not drawn
(Matplotlib is not even imported). Entries are keyed by a hash of everything they depend on,
so they never go stale; a result with or without the cache is the same, byte for byte. Entries
are JSON, read defensively: a broken or foreign one (any shape, under any name) is ignored,
never trusted, and written anew by the build that missed it."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__, logger

#: Where the cache lives instead of the platform's user cache folder; empty turns it off.
CACHE_ENV = "BRIEFKIT_CACHE_DIR"
#: Entries kept per kind; the least recently written go first.
MAX_ENTRIES = 200
#: Bigger entries are not read (a chart's SVG is well under a megabyte).
MAX_ENTRY_BYTES = 64 * 2**20
#: A temporary file this old was left by a build killed while writing (a write takes milliseconds).
STALE_TEMP_SECONDS = 10 * 60


def directory() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("briefkit", appauthor=False))


def key(*parts: str | bytes) -> str:
    """A hash of `parts` and the versions that shape what is cached."""
    digest = hashlib.sha256(f"briefkit {__version__} weasyprint {stamp('weasyprint')}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@functools.cache
def stamp(package: str) -> str:
    """What tells one install of `package` from another, for cache keys: the path, size and time
    of its __init__.py (an upgrade rewrites it). Neither imports it nor scans every installed
    package's metadata, as importlib.metadata.version does (tens of milliseconds a build)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return f"{package} not installed"
    status = os.stat(spec.origin)
    return f"{spec.origin} {status.st_size} {status.st_mtime_ns}"


def get(kind: str, entry: str, valid: Callable[[Any], bool] = lambda value: True) -> Any | None:
    """The value stored under `entry`, or None when there is none or it is damaged: unreadable,
    not JSON, stored under another name, or of a shape `valid` refuses. The build then works it
    out again and `put` writes it anew."""
    root = directory()
    if root is None:
        return None
    path = root / kind / f"{entry}.json"
    try:
        # Only a plain file of a sane size is read: a pipe would block, a device never end.
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        stored = json.loads(path.read_text(encoding="utf-8"))
        # An entry names its key: a file copied or renamed under another key is not trusted.
        if not isinstance(stored, dict) or set(stored) != {"key", "value"} or stored["key"] != entry:
            return None
        return stored["value"] if valid(stored["value"]) else None
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None
    except Exception as error:  # a shape `valid` did not foresee: still only a cache miss
        logger.debug("cache entry %s/%s ignored: %s", kind, entry, error)
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
            json.dump({"key": entry, "value": value}, handle)
        os.replace(handle.name, folder / f"{entry}.json")
        _prune(folder)
    except OSError as error:
        logger.debug("cache not written: %s", error)


def _prune(folder: Path) -> None:
    """Keep MAX_ENTRIES entries, and drop temporary files a killed build left behind."""
    def when(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:  # removed by another build meanwhile
            return 0

    entries = sorted(folder.glob("*.json"), key=when)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
    stale = time.time_ns() - STALE_TEMP_SECONDS * 10**9
    for temp in folder.glob("*.tmp"):
        if when(temp) < stale:
            temp.unlink(missing_ok=True)
