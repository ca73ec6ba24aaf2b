"""Watch mode: rebuild on every save, in a warm layout process, with unchanged charts cached."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .build import Options, Prepared, build, prepare
from .children import reused
from .errors import BriefError

#: Nanoseconds a file's modification time may lag the clock (coarse kernel clocks, file
#: systems that keep whole seconds): a file this recent may have changed after it was read.
_MTIME_SLACK = 2_000_000_000


def watched_paths(folder: Path, options: Options) -> tuple[list[Path], Prepared | BriefError]:
    """The brief folder and every folder of its style chain (where that can be known), and the
    brief read, for the build to use, or why it cannot be read: each save reads the brief once."""
    try:
        prepared = prepare(folder, options)
        return [folder, *prepared.style.chain], prepared
    except BriefError as error:
        return [folder], error


def watch(folder: Path, options: Options, say: Callable[[str], None],
          stop: Callable[[], bool] = lambda: False) -> None:
    """Build now, then after every change to an input or style file, until `stop()`."""
    from watchfiles import watch as changes

    outputs = {p.resolve() for p in (options.output, options.html) if p}

    def relevant(change, path: str) -> bool:
        resolved = Path(path).resolve()
        return resolved not in outputs and "dist" not in resolved.parts and not resolved.name.startswith(".")

    # The read that finds the style chain to watch makes the first build too, unless a file
    # changed while it ran: the snapshot, taken after it, would hide that change.
    started, since = time.perf_counter(), time.time_ns() - _MTIME_SLACK
    built, (paths, read) = None, watched_paths(folder, options)
    with reused():  # one layout process for the session: warm after the first build
        while not stop():
            state = _snapshot(paths, relevant)
            if state != built:
                if built is not None or any(mtime >= since for mtime in state.values()):
                    # Taken before the brief is read: a save during the build triggers another.
                    started = time.perf_counter()
                    paths, read = watched_paths(folder, options)
                built = state
                _rebuild(folder, options, say, read, started)
                continue
            for batch in changes(*paths, watch_filter=relevant, rust_timeout=500, yield_on_timeout=True):
                # A save between the snapshot and the watcher's start shows only in the snapshot.
                if stop() or batch or _snapshot(paths, relevant) != built:
                    break


def _snapshot(paths: list[Path], relevant) -> dict[str, int]:
    """Every watched file with its modification time."""
    return {str(f): f.stat().st_mtime_ns for root in paths for f in root.rglob("*")
            if f.is_file() and relevant(None, str(f))}


def _rebuild(folder: Path, options: Options, say: Callable[[str], None], read: Prepared | BriefError,
             started: float) -> None:
    """Build what was read, or say why it could not be read, without reading it again."""
    try:
        if isinstance(read, BriefError):
            raise read
        result = build(folder, options, read)
        say(f"built {result.pdf} ({result.pages} pages) in {time.perf_counter() - started:.2f} s")
    except BriefError as error:  # the last good PDF stays where it was
        say(f"failed in {time.perf_counter() - started:.2f} s; the last good PDF is kept:\n{error.message}")
