"""Batch builds on a Dask cluster: a brief travels as its files and comes back as PDF bytes.

Workers share no filesystem with the client. A parcel carries every file the build reads that
is not part of briefkit (the brief folder, a style chain outside briefkit), each under its
client path; the worker recreates them under a temporary root, builds through
outcomes.build_one and returns the bytes, which the client writes where a local build would.
The same briefkit on both ends gives the same bytes. A worker that dies is replaced and the
brief retried elsewhere by the scheduler (its `allowed-failures`, 3 by default); a brief that
fails is an outcome, not an exception, so it is never retried."""

from __future__ import annotations

import tempfile
import uuid
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__, freshness, output, stylesearch
from .build import Options
from .errors import BriefError, UsageError
from .outcomes import Outcome, build_one
from .scheduler import Scheduler, SchedulerLost, close, connect, gone, quiet, workers

#: Parcels in flight per worker thread: enough to keep every worker busy, few enough that an
#: archive's files never all sit in memory at once.
IN_FLIGHT = 2


@dataclass(frozen=True)
class Parcel:
    """One brief as it travels: its files by client path, the options and the style places."""

    folder: Path  # as the user named it: errors name it so
    home: str  # the brief folder's absolute client path
    files: dict[str, bytes]
    options: Options
    places: tuple[str, ...]  # the client's style folders (BRIEFKIT_STYLES or given, user), in order
    version: str = __version__


def pack(folder: Path, options: Options) -> Parcel:
    """Everything a build of `folder` reads that a worker's briefkit does not have."""
    home = folder.resolve()
    try:
        roots = freshness.read_by(folder, options)[0]  # a package's fonts: the worker installs it
    except Exception:  # the worker's build reports the unknown style with its reason
        roots = [folder]
    # Keyed by where the build looks for them (a link's own path, not its target's); a file that
    # cannot be read stays behind, and the worker's build says so if the brief needs it.
    files = {}
    for root in (root for root in roots if not _builtin(root)):
        for path in freshness.files(root):
            with suppress(OSError):
                files[str(root.resolve() / path.relative_to(root))] = path.read_bytes()
    style = options.style
    if style and stylesearch.is_path(style):  # a path: made absolute on the client
        style = str(Path(style).expanduser().resolve())
    found = stylesearch.search_path(folder, options.style_places)
    places = tuple(str(place.resolve()) for origin, place in found
                   if origin in ("BRIEFKIT_STYLES", "given", "user"))
    return Parcel(folder, str(home), files, replace(options, style=style), places)


def _builtin(root: Path) -> bool:
    root = root.resolve()
    builtin = stylesearch.BUILTIN_TEMPLATES.resolve(), stylesearch.BUILTIN_STYLES.resolve()
    return root == builtin[0] or root.parent == builtin[1]


def build_parcel(parcel: Parcel) -> tuple[Outcome, bytes | None]:
    """On a worker: build the parcel; the outcome and the PDF bytes. A worker builds as many
    parcels at once as it has threads: a build changes nothing the whole process shares (its
    style places travel in its Options; a chart draws under timeline's lock), so builds in
    threads give the bytes they give alone (tests/test_threads.py)."""
    if parcel.version != __version__:
        return Outcome(parcel.folder, None, 0, 0.0, f"the worker runs briefkit {__version__}, this client "
                       f"{parcel.version}: install the same version on both for the same PDF"), None
    with tempfile.TemporaryDirectory(prefix="briefkit-") as temp:
        root = Path(temp).resolve()  # as errors name it, where /tmp is a link
        for name, data in parcel.files.items():
            path = root / name.lstrip("/")
            if not path.resolve().is_relative_to(root):  # only a client's absolute paths come here
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        style = parcel.options.style
        if style and style.startswith("/"):
            style = str(root / style.lstrip("/"))
        pdf = root / "briefkit.pdf"
        places = tuple(root / place.lstrip("/") for place in parcel.places)  # names found as on the client
        options = replace(parcel.options, style=style, output=pdf, style_places=places)
        outcome = build_one(root / parcel.home.lstrip("/"), options)
        data = pdf.read_bytes() if outcome.pdf else None
        here = str(root / parcel.home.lstrip("/"))  # errors name the client's paths, as a local build does
        error = outcome.error and outcome.error.replace(here, str(parcel.folder)).replace(str(root), "")
        return replace(outcome, folder=parcel.folder, pdf=None, error=error), data


def dask_setup(worker) -> None:
    """`dask worker --preload briefkit.cluster`: load Matplotlib before the first brief comes (each
    thread's layout server loads WeasyPrint itself, servers.run), and keep the
    worker's monitoring off the interpreter the build runs in."""
    from .charts import timeline

    timeline.preload()
    # The profiler samples the building thread every 10 ms, the tick wakes the event loop every
    # 20 ms, the system monitor every 500 ms; each takes the interpreter from the build (20% on
    # 100 starter briefs with them, level with -j 2 without). Only the dashboard shows what they
    # gather. Not started yet: the worker starts its callbacks after the preloads.
    for name in ("profile", "profile-cycle", "tick", "monitor"):
        callback = worker.periodic_callbacks.pop(name, None)
        if callback is not None:
            callback.stop()


def build_on(scheduler: str, todo: list[tuple[Path, Options]], finished) -> list[Outcome]:
    """Build each (folder, options) on the Dask cluster at `scheduler`; write each PDF here, at
    its options' output, as it returns. A lost scheduler ends the batch: what came back is kept
    and recorded, the rest comes back as NotBuilt."""
    if not todo:
        return []
    scheduler = scheduler if isinstance(scheduler, Scheduler) else Scheduler.parse(scheduler)
    try:
        from distributed import KilledWorker, as_completed
    except ImportError:
        raise UsageError('--scheduler needs Dask: pip install "briefkit[dask]"') from None

    with quiet():
        client = connect(scheduler)
        waiting = list(reversed(todo))
        sent: dict[object, tuple[Path, Options]] = {}
        outcomes: list[Outcome] = []

        def send():
            folder, options = waiting[-1]  # taken off only once sent: a brief is never lost
            key = f"briefkit-{output.slug(folder.resolve().name)}-{uuid.uuid4().hex[:12]}"
            future = client.submit(build_parcel, pack(folder, options), pure=False, key=key)
            sent[future] = waiting.pop()
            return future

        try:
            threads = workers(client, scheduler)
            running = as_completed([send() for _ in range(min(len(waiting), IN_FLIGHT * threads))],
                                   loop=client.loop)
            for future in running:
                if gone(client, future):
                    break
                folder, options = sent.pop(future)
                try:
                    outcome, data = future.result()
                    if data is not None:
                        outcome = replace(outcome, pdf=output.write(output.resolve(options.output), data))
                except BriefError as error:  # the PDF cannot be written here
                    outcome = Outcome(folder, None, 0, 0.0, error.message)
                except KilledWorker as error:
                    outcome = Outcome(folder, None, 0, 0.0,
                                      f"the workers building it died, each retry: {error}")
                except Exception as error:  # the cluster's failures are this brief's, not the batch's
                    if gone(client, future):
                        sent[future] = folder, options
                        break
                    outcome = Outcome(folder, None, 0, 0.0, f"{type(error).__name__} on the cluster: {error}")
                outcomes.append(finished(outcome))
                if waiting:
                    running.add(send())
        except SchedulerLost:
            pass
        except Exception:  # what Dask raises once its scheduler is gone (ClosedClientError, ...)
            if not gone(client):
                raise
        finally:
            close(client)
        # Every brief appears in the report: those that never came back say so, and why.
        reason = (f"not built: the Dask scheduler at {scheduler} went away before it came back; "
                  "run the same command again to build it")
        left = [*sent.values(), *reversed(waiting)]
        return outcomes + [finished(NotBuilt(folder, None, 0, 0.0, reason)) for folder, _ in left]


@dataclass(frozen=True)
class NotBuilt(Outcome):
    """A brief the cluster never gave back because its scheduler went away: not failed (nothing
    is known to be wrong with it); a re-run builds it and skips the built ones."""

    @property
    def status(self) -> str:
        return "not built"
