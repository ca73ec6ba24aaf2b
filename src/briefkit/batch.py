"""Batch builds: many briefs in this process, in worker processes or on a Dask cluster (cluster.py);
one broken brief never stops the others (outcomes.py), and a brief whose PDF is up to date is skipped."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from . import children, freshness, output
from .build import Options
from .errors import BriefError
from .outcomes import Outcome, build_one

#: Briefs a worker process builds before a fresh one takes over, so that whatever a library keeps
#: between builds cannot add up over a long batch (benchmarks/archive.py measures the memory).
BUILDS_PER_WORKER = 100


def build_many(folders: Iterable[Path], options: Options, jobs: int = 1,
               done: Callable[[Outcome], None] = lambda outcome: None, force: bool = False,
               scheduler: str | None = None, into: Path = Path("dist"),
               report: Path | None = None, keep: bool = False) -> list[Outcome]:
    """Build each folder into its file in `into` (dist/<date>-<slug>.pdf), `jobs` at a time or on
    the Dask cluster at `scheduler`; skip those whose PDF is up to date unless `force`. A
    `report` path that is or lies among what a brief's build reads is refused before any build.
    With `keep`, a brief built on this machine comes back with what its build read (Outcome.
    prepared), so that `publish` does not read it again."""
    folders = list(folders)
    options = replace(options, html=None)
    # What each build reads (its style chain found once): for the fingerprint and the checks.
    read = {folder: _quietly(freshness.read_by, folder, options) for folder in folders}
    if report:
        refuse_among_inputs(report, folders, options, "the report", read)
    targets = {folder: _quietly(freshness.expected_pdf, folder, into) for folder in folders}
    clashes = _clashes(targets)
    failed = [Outcome(folder, None, 0, 0.0, message) for folder, message in clashes.items()]
    outcomes, todo = [], {}
    for folder in (folder for folder in folders if folder not in clashes):
        started = time.perf_counter()
        try:
            print_ = freshness.fingerprint(folder, options, read[folder])  # as the build starts to read them
            pdf = targets[folder]
            record = None if force or pdf is None else freshness.fresh(pdf, print_)
        except Exception as error:  # one brief's unreadable folder never stops the others
            failed.append(Outcome(folder, None, 0, time.perf_counter() - started,
                                  f"{folder}: cannot read the folder: {error}"))
            continue
        if record is None:
            try:  # checked here as well as by the build: a cluster's PDF is written by this process
                if pdf is not None:
                    output.target(pdf, reads(folder, options, read[folder]))
            except BriefError as error:
                failed.append(Outcome(folder, None, 0, time.perf_counter() - started, error.message))
                continue
            todo[folder] = print_
            continue
        outcomes.append(Outcome(folder, pdf.resolve(), record.get("pages", 0), time.perf_counter() - started,
                                skipped=True))
    for outcome in outcomes + failed:
        done(outcome)

    def finished(outcome: Outcome) -> Outcome:
        if outcome.pdf and not outcome.error:
            freshness.remember(outcome.pdf, todo[outcome.folder], outcome.pages)
        done(outcome)
        return outcome

    # (The target is None only for a brief.yaml too broken to name it: that build fails, saying why.)
    work = [(folder, replace(options, output=targets[folder])) for folder in todo]
    if scheduler:
        from .cluster import build_on

        built = build_on(scheduler, work, finished)
    else:
        built = _build_here(work, jobs, finished, keep)
    return outcomes + built + failed


def reads(folder: Path, options: Options, read: tuple | None = None) -> output.Reads:
    """What a build of `folder` reads (its folder, style chain, templates, fonts), as far as that
    can be known without building: a brief whose style cannot be found fails on its own.
    `read`: freshness.read_by's answer, when the caller has it already."""
    roots, fonts = read or _quietly(freshness.read_by, folder, options) or ([folder], [])
    return output.Reads.of([*roots, *fonts])


def refuse_among_inputs(path: Path, folders: list[Path], options: Options, what: str,
                        read: dict | None = None) -> None:
    """A UsageError, before anything is built, when `path` would overwrite or land among what
    the build of any of `folders` reads (output.refuse_inputs)."""
    resolved = output.resolve(path)
    for folder in folders:
        output.refuse_inputs(path, resolved, reads(folder, options, (read or {}).get(folder)), what)


def _quietly(function, *args):
    try:
        return function(*args)
    except Exception:  # the brief's own build says what is wrong, on its line of the report
        return None


def _build_here(todo: list[tuple[Path, Options]], jobs: int, finished, keep: bool = False) -> list[Outcome]:
    if jobs <= 1 and len(todo) <= BUILDS_PER_WORKER or not todo:
        return [finished(build_one(folder, options, keep)) for folder, options in todo]
    # Loaded once here, the heavy libraries are shared by forked workers instead of re-imported.
    from .charts import timeline
    from .pdf import engine

    timeline.preload()
    engine.preload()
    outcomes = []
    # A fresh pool for each stretch, forked when no pool thread is alive: each worker builds about
    # BUILDS_PER_WORKER briefs, then exits and gives its memory back.
    step = jobs * BUILDS_PER_WORKER
    for stretch in (todo[start:start + step] for start in range(0, len(todo), step)):
        built, lost = _in_pool(stretch, jobs, finished, keep)
        outcomes += built
        # A worker that died (killed, out of memory) breaks the pool and every brief in flight:
        # each is built again alone, so only the one that kills its worker is reported failed.
        for item in lost:
            built, again = _in_pool([item], 1, finished, keep)
            outcomes += built + [finished(Outcome(folder, None, 0, 0.0, WORKER_DIED)) for folder, _ in again]
    return outcomes


WORKER_DIED = ("the worker process building it died (killed, or out of memory?); "
               "build this brief alone to see why")


def _in_pool(todo: list[tuple[Path, Options]], jobs: int, finished,
             keep: bool = False) -> tuple[list[Outcome], list]:
    """Build `todo` in a pool of `jobs` workers: the outcomes, and the briefs a dead worker lost."""
    outcomes, lost = [], []
    # Workers die with this process: a batch killed outright leaves none running.
    with ProcessPoolExecutor(max_workers=jobs, **children.pool_options(layouts=True)) as pool:
        futures = {pool.submit(build_one, folder, options, keep): (folder, options)
                   for folder, options in todo}
        for future in as_completed(futures):
            try:
                outcomes.append(finished(future.result()))
            except BrokenProcessPool:
                lost.append(futures[future])
    return outcomes, lost


def _clashes(targets: dict[Path, Path | None]) -> dict[Path, str]:
    """Briefs that would write the same file as an earlier one (output.file_name): the same
    date and title, or the same `slug:`. Names are compared case-folded, as a Mac or Windows
    disk does; the message names both folders, so either can be given a `slug:` of its own."""
    first: dict[str, Path] = {}
    clashes = {}
    for folder, pdf in targets.items():
        if pdf is None:  # a broken brief.yaml is reported by its own build
            continue
        key = str(pdf).casefold()
        if key in first:
            clashes[folder] = (f"{folder} and {first[key]} both write {pdf}: {_same(folder, first[key])}; "
                               f"give one of them another slug: in its brief.yaml")
        first.setdefault(key, folder)
    return clashes


def _same(one: Path, other: Path) -> str:
    """What two clashing briefs have in common, as their brief.yaml files say."""
    import unicodedata

    a, b = (freshness._brief_yaml(folder) for folder in (one, other))
    if a.get("slug") and b.get("slug"):
        return "the same date and slug:"
    titles = [unicodedata.normalize("NFC", str(data.get("title", "")).strip()) for data in (a, b)]
    return "the same date and title" if titles[0] == titles[1] else "the same date, and titles spelled alike"
