"""Children: where layouts run, each in a child process killed at its deadline (`deadline`),
which no long C call can outlast: a command-line build's layout process, forked at its start
(`start_early`, `reused(warm=True)`), and its chart process, forked when charts must be drawn;
the one watch and each `-j` worker reuse; a layout server for each thread that builds
(servers.py). They end with their parent (lifetimes.py)."""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from . import logger, servers
from .errors import RenderError
from .lifetimes import (
    EXIT_SECONDS,
    Limit,
    Scratch,
    answer,
    collect_seldom,
    die_with_parent,
    outcome,
    release,
    stopped,
    unpack,
)

T = TypeVar("T")


def pool_options(layouts: bool = False) -> dict:
    """The initializer arguments for a ProcessPoolExecutor whose workers die with this process;
    with `layouts`, each worker also lays out in one reused child (install_worker)."""
    return {"initializer": install_worker if layouts else die_with_parent, "initargs": (os.getpid(),)}


def deadline(function: Callable[[], T], limit: Limit, idle: Callable[[], object] | None = None) -> T:
    """`function()` run in a child process killed when `limit` passes: then its RenderError
    ("the layout took longer than 300 s (...)"). The child's result or exception comes back.

    The child is this process's reused Worker when one is installed (`reused`: build, watch,
    batch workers), which keeps what its builds loaded; else a fork made for this call, which
    inherits everything loaded here. In a thread other than the main one (a cluster worker's)
    a fork would copy only the calling thread, and a lock another thread holds in Pango would
    stay held: the child is the thread's layout server instead, a Python process of its own
    (servers.run). Where Python does not fork (macOS, Windows), it runs here under
    timeouts.time_limit, which cannot stop a long C call. `idle` is called while a reused child
    works."""
    if not forks() and sys.platform.startswith("linux"):  # a thread (a cluster worker's): no fork here
        return servers.run(function, limit)
    if not forks():
        from .timeouts import time_limit

        with time_limit(limit.left(), limit.what, limit.fix, limit.seconds):
            return function()
    if _installed:
        worker = _installed[-1]
        worker.send(function)
        if idle:  # this process's own work while the child lays out
            try:
                idle()
            except BaseException:
                worker.close()  # its answer must not reach the next call
                raise
        return worker.result(limit)
    import multiprocessing

    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    scratch = Scratch()
    child = context.Process(target=_once, args=(function, writer, os.getpid(), scratch),
                            name="briefkit-layout")
    child.start()
    writer.close()
    try:
        message = _receive(reader, child, limit)
    finally:
        _end(child)
        reader.close()
        scratch.remove()
    return unpack(message)


def forks() -> bool:
    """Whether layouts here run in a child process: on Linux, from the main thread."""
    return sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()


def elsewhere() -> bool:
    """Whether this process's layouts go to a reused child: it loads the engine, not this one."""
    return bool(_installed) and forks()


class Worker:
    """One child process reused for a series of layouts: it keeps the fonts, hyphenation
    dictionaries and C types its builds load, as an in-process build would. Killed at a
    deadline, it is replaced by a fresh fork at the next call."""

    def __init__(self) -> None:
        self.child = None
        self.pipe = None
        self.scratch = None
        self.used = False

    def start(self, warm: bool = False) -> None:
        """Fork the child now; with `warm`, it loads the engine while this process goes on
        (reads the brief, draws charts): on two cores a cold start costs no time."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.pipe, theirs = context.Pipe()
        self.scratch = Scratch()
        # daemon: a batch worker that exits ends it, not waits for it
        self.child = context.Process(target=_serve, args=(theirs, os.getpid(), self.scratch, warm, self.pipe),
                                     name="briefkit-layout", daemon=True)
        self.child.start()
        theirs.close()

    def send(self, function: Callable) -> None:
        """Start `function` in the child; `result` waits for it."""
        if self.child is None:
            self.start()
        self.used = True
        try:
            # A partial of a module's function, pickled; with this process's log level, which
            # the command set after an early child was forked (-vv shows the layout's debug too).
            self.pipe.send((logger.getEffectiveLevel(), function))
        except BrokenPipeError:  # it died before (the OOM killer, a crash loading the engine)
            code = self.child.exitcode
            self.close()
            raise RenderError(f"the layout process stopped before it began (exit code {code}); "
                              "run again with -vv, and report it if it happens again") from None
        except BaseException:
            self.close()
            raise

    def result(self, limit: Limit):
        """The outcome of the function sent last, within `limit`."""
        try:
            message = _receive(self.pipe, self.child, limit)
        except BaseException:
            self.close()  # late, dead or interrupted: the next call starts a fresh child
            raise
        return unpack(message)

    def close(self) -> None:
        if self.child is not None:
            self.pipe.close()  # the child's loop ends on EOF
            _end(self.child, wait=0.5 if self.used else 0)  # one still warming holds nothing
            self.scratch.remove()
            self.child = self.pipe = self.scratch = None


#: The Workers `reused` installed, innermost last.
_installed: list[Worker] = []


#: The drawing process `reused(warm=True)` forked, while one is open.
_drawing: list[Worker] = []


@contextmanager
def reused(warm: bool = False):
    """Within the block, layouts (deadline) go to one reused child process. With `warm` (one
    build from the command line), it starts at once and loads the engine while this process
    reads the brief; charts are drawn in a second child (`drawing`), forked when some must be
    drawn, with the brief's models loaded and no more: neither it nor this process loads
    WeasyPrint, and neither this process nor the layout process loads Matplotlib."""
    worker, drawer = Worker(), Worker()
    if warm and _early:
        worker = _early.pop()
        _drawing.append(drawer)
    elif warm and forks():
        worker.start(warm=True)
        _drawing.append(drawer)
    _installed.append(worker)
    try:
        yield worker
    finally:
        _installed.remove(worker)
        if drawer in _drawing:
            _drawing.remove(drawer)
        drawer.close()  # first: forked after the layout process, it holds a copy of its pipe
        worker.close()


#: The layout process the command forked before reading its command line.
_early: list[Worker] = []


def start_early() -> None:
    """Fork a command-line build's layout process now (command.run), before click and the
    brief load: the next `reused(warm=True)` takes it, `drop_early` closes it unused."""
    if forks():
        _early[:] = [Worker()]
        _early[0].start(warm=True)


def drop_early() -> None:
    for worker in _early:
        worker.close()
    _early.clear()


def spare_core() -> bool:
    """Whether this build has a core to itself to spare: one build from the command line
    (`reused(warm=True)`), whose other process (the command) waits while it lays out, on a
    machine of two cores or more. A batch's workers, a cluster's threads and watch have none."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return bool(_drawing) and forks() and cores > 1


def drawing() -> Worker | None:
    """The child that draws this build's charts, if `reused(warm=True)` made one."""
    return _drawing[-1] if _drawing and forks() else None


def install_worker(parent: int) -> None:
    """A batch worker's initializer: die with `parent`, and lay out in one reused child, ended
    (and its font files removed) when the worker ends."""
    from multiprocessing.util import Finalize

    die_with_parent(parent)
    worker = Worker()
    _installed.append(worker)
    Finalize(worker, worker.close, exitpriority=10)


def _receive(pipe, child, limit: Limit) -> tuple:
    """The child's answer on `pipe` within `limit`: a RenderError when it is late or dead."""
    if not pipe.poll(limit.left()):
        raise limit.error()
    try:
        return pipe.recv()
    except EOFError:  # died without a word: a crash in C, or the OOM killer
        child.join(EXIT_SECONDS)
        raise stopped(limit, child.exitcode) from None


def _end(child, wait: float = EXIT_SECONDS) -> None:
    """Let `child` exit, kill it if it does not within `wait`, and reap it: no zombie."""
    child.join(wait)
    if child.is_alive():
        child.kill()
    child.join()


def _once(function: Callable, writer, parent: int, scratch: Scratch) -> None:
    """In a child made for one call: run `function` and send its outcome."""
    scratch.enter()
    answer(function, parent, writer.send_bytes)
    writer.close()


def _serve(pipe, parent: int, scratch: Scratch, warm: bool = False, parents_end=None) -> None:
    """In a reused child: run each function received, until the parent closes the pipe (the
    copy of the parent's end that the fork gave this child closed first, or no EOF comes)."""
    if parents_end is not None:
        parents_end.close()
    die_with_parent(parent)
    scratch.enter()
    collect_seldom()
    if warm:
        from .pdf.engine import preload

        preload()
        gc.freeze()
    while True:
        try:
            level, function = pipe.recv()
        except EOFError:
            release()
            return
        logger.setLevel(level)
        pipe.send_bytes(outcome(function))
        gc.collect()

