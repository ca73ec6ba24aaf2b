"""One brief built as part of a batch: how it went (an Outcome), errors caught, never raised."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .build import Options, build
from .errors import BriefError


@dataclass(frozen=True)
class Outcome:
    folder: Path
    pdf: Path | None
    pages: int
    seconds: float
    error: str | None = None
    skipped: bool = False  # up to date: not built again
    peak_mib: float = 0.0  # the peak memory of the process that built it, so far
    pid: int = 0  # that process (on its own machine, for a cluster build)
    prepared: object = field(default=None, repr=False, compare=False)  # build.Prepared, when kept

    @property
    def status(self) -> str:
        return "failed" if self.error else "skipped" if self.skipped else "built"

    def as_dict(self) -> dict:
        """One entry of `build --report`: the errors one a line, each naming its file and line."""
        lines = (self.error or "").splitlines()  # "N problems in the brief:", then one a line
        return {"folder": str(self.folder), "status": self.status, "pdf": str(self.pdf) if self.pdf else None,
                "pages": self.pages, "seconds": round(self.seconds, 3), "peak_mib": round(self.peak_mib, 1),
                "pid": self.pid, "errors": [line.strip() for line in lines[1:] if line.strip()] or lines[:1]}


def build_one(folder: Path, options: Options, keep: bool = False) -> Outcome:
    """Build one brief and say how it went; errors are caught, not raised. Every way of running
    a batch (this process, worker processes, cluster workers) builds through here. With `keep`,
    the outcome carries what the build read (build.Prepared)."""
    started = time.perf_counter()
    try:
        result = build(folder, options)
        return Outcome(folder, result.pdf, result.pages, time.perf_counter() - started, **_process(),
                       prepared=result.prepared if keep else None)
    except BriefError as error:
        return Outcome(folder, None, 0, time.perf_counter() - started, error.message, **_process())
    except Exception as error:  # a bug must not take the other briefs down with it
        return Outcome(folder, None, 0, time.perf_counter() - started, f"{type(error).__name__}: {error}",
                       **_process())


def _process() -> dict:
    """This process and its peak resident memory (ru_maxrss: KiB on Linux, bytes on macOS)."""
    try:
        import resource
    except ImportError:  # Windows
        return {"pid": os.getpid()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"pid": os.getpid(), "peak_mib": peak / (2**20 if sys.platform == "darwin" else 2**10)}
