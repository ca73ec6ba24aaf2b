"""Batch builds: many briefs in worker processes; one broken brief never stops the others, and a
brief whose PDF is up to date is skipped (freshness.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from . import freshness
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

    @property
    def status(self) -> str:
        return "failed" if self.error else "skipped" if self.skipped else "built"

    def as_dict(self) -> dict:
        """One entry of `build --report`: the errors one a line, each naming its file and line."""
        lines = (self.error or "").splitlines()  # "N problems in the brief:", then one a line
        return {"folder": str(self.folder), "status": self.status, "pdf": str(self.pdf) if self.pdf else None,
                "pages": self.pages, "seconds": round(self.seconds, 3),
                "errors": [line.strip() for line in lines[1:] if line.strip()] or lines[:1]}


def build_one(folder: Path, options: Options) -> Outcome:
    """Build one brief and say how it went; errors are caught, not raised."""
    started = time.perf_counter()
    try:
        print_ = freshness.fingerprint(folder, options)  # the inputs as the build starts to read them
        result = build(folder, options)
        freshness.remember(result.pdf, print_, result.pages)
        return Outcome(folder, result.pdf, result.pages, time.perf_counter() - started)
    except BriefError as error:
        return Outcome(folder, None, 0, time.perf_counter() - started, error.message)
    except Exception as error:  # a bug must not take the other briefs down with it
        return Outcome(folder, None, 0, time.perf_counter() - started, f"{type(error).__name__}: {error}")


def build_many(folders: Iterable[Path], options: Options, jobs: int = 1,
               done: Callable[[Outcome], None] = lambda outcome: None, force: bool = False) -> list[Outcome]:
    """Build each folder (its own default output path), `jobs` at a time; skip those whose PDF
    is up to date unless `force`."""
    folders = list(folders)
    options = replace(options, output=None, html=None)  # each brief writes its own dist/ file
    clashes = _clashes(folders)
    folders = [folder for folder in folders if folder not in clashes]
    for folder, message in clashes.items():
        done(Outcome(folder, None, 0, 0.0, message))
    skipped = [] if force else [outcome for folder in folders if (outcome := _up_to_date(folder, options))]
    for outcome in skipped:
        done(outcome)
    folders = [folder for folder in folders if folder not in {outcome.folder for outcome in skipped}]
    failed = [Outcome(folder, None, 0, 0.0, message) for folder, message in clashes.items()]
    return skipped + _build(folders, options, jobs, done) + failed


def _up_to_date(folder: Path, options: Options) -> Outcome | None:
    started = time.perf_counter()
    pdf = freshness.expected_pdf(folder)
    record = freshness.fresh(pdf, freshness.fingerprint(folder, options)) if pdf else None
    if record is None:
        return None
    return Outcome(folder, pdf.resolve(), record.get("pages", 0), time.perf_counter() - started, skipped=True)


def _build(folders: list[Path], options: Options, jobs: int, done) -> list[Outcome]:
    if jobs <= 1 or not folders:
        outcomes = []
        for folder in folders:
            outcomes.append(build_one(folder, options))
            done(outcomes[-1])
        return outcomes
    # Loaded once here, the heavy libraries are shared by forked workers instead of re-imported.
    from .charts import timeline
    from .pdf import engine

    timeline.preload()
    engine.preload()

    outcomes = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(build_one, folder, options) for folder in folders]
        for future in as_completed(futures):
            outcomes.append(future.result())
            done(outcomes[-1])
    return outcomes


def _clashes(folders: list[Path]) -> dict[Path, str]:
    """Briefs whose title and date would give the same dist/ file as an earlier one."""
    first: dict[Path, Path] = {}
    clashes = {}
    for folder in folders:
        pdf = freshness.expected_pdf(folder)
        if pdf is None:  # a broken brief.yaml is reported by its own build
            continue
        if pdf in first:
            clashes[folder] = f"same date and title as {first[pdf]}: both would write {pdf}"
        first.setdefault(pdf, folder)
    return clashes
