"""Lifetimes: a child process ends with its parent, and tells it what happened: its result or
exception, what it logged, within a time limit (Limit).

A process pool's workers wait on a pipe the parent never closes when it is killed, so they would
wait forever. Every pool briefkit starts passes `die_with_parent` as its initializer: on Linux the
kernel sends the worker SIGKILL when the parent goes (PR_SET_PDEATHSIG); everywhere, a thread in
the worker also checks once a second that its parent is still the one that started it."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import logger
from .errors import RenderError

#: prctl(2) option: the signal a process gets when the thread that forked it exits.
PR_SET_PDEATHSIG = 1
#: Seconds between the fallback's looks at the parent.
POLL_SECONDS = 1.0


def _namespace() -> str:
    """This process's PID namespace, where the system names it."""
    try:
        return os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:  # not Linux: the host name alone
        return ""


#: This machine and its process ids, in the names of files a process leaves while it works:
#: another machine's ids, or another PID namespace's (containers sharing a folder and a host
#: name), say nothing here.
HOST = hashlib.sha256((socket.gethostname() + _namespace()).encode()).hexdigest()[:6]
#: Seconds a child that has sent its result gets to exit before it is killed.
EXIT_SECONDS = 5.0


def die_with_parent(parent: int) -> None:
    """Run in the child: end it as soon as `parent` (the pid that started it) is gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl (an unusual libc): the thread below suffices
            pass
    if os.getppid() != parent:  # the parent died before the kernel was told to watch it
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="briefkit-parent-watch").start()


def _watch(parent: int) -> None:
    # An orphan is adopted by init or a subreaper, so its parent pid changes.
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


@dataclass(frozen=True)
class Limit:
    """A time limit, `seconds` from when it was made, and what to say when it passes."""

    seconds: float
    what: str = "the layout"
    fix: str = "raise --timeout"
    start: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return max(0.0, self.start + self.seconds - time.monotonic())

    def error(self) -> RenderError:
        return RenderError(f"{self.what} took longer than {self.seconds:g} s ({self.fix})")


def stopped(limit: Limit, code: int | None) -> RenderError:
    return RenderError(f"{limit.what} stopped without a result (exit code {code}); "
                       "run again with -vv, and report it if it happens again")


def unpack(message: tuple):
    """The child's result, or its exception raised here, after what it logged is logged here."""
    kind, value, records = message
    for record in records:
        logger.handle(record)
    if kind == "error":
        raise _rebuilt(value)
    return value


class Scratch:
    """A child's own temporary folder, where WeasyPrint writes its font files: the parent
    removes it once the child has ended, however it ended. A child killed at its deadline cannot
    remove them itself, and left 4.7 MB in the temporary directory each time. A parent killed
    outright cannot either: its folder, named by its process id, goes with the next one made."""

    PREFIX = "briefkit-child-"

    def __init__(self) -> None:
        _sweep(self.PREFIX)
        self.path = tempfile.mkdtemp(prefix=f"{self.PREFIX}{os.getpid()}@{HOST}.")

    def enter(self) -> None:
        """In the child: its temporary files go here."""
        tempfile.tempdir = self.path

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_swept: set[str] = set()


def _sweep(prefix: str) -> None:
    """Remove, once a process, the scratch folders of this machine's processes that are gone:
    only this user's, only folders."""
    root = tempfile.gettempdir()
    if root in _swept:
        return
    _swept.add(root)
    named = re.compile(rf"{re.escape(prefix)}(\d+)@([0-9a-f]{{6}})\..+")
    try:
        entries = os.scandir(root)
    except OSError:  # a folder that cannot be listed: nothing of ours to clean
        return
    with entries:
        for entry in entries:
            _remove_if_gone(entry, named)


def _remove_if_gone(entry: os.DirEntry, named: re.Pattern) -> None:
    found = named.fullmatch(entry.name)
    if not found or found[2] != HOST or alive(int(found[1])):
        return
    try:
        mine = not hasattr(os, "getuid") or entry.stat(follow_symlinks=False).st_uid == os.getuid()
        if mine and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:  # removed meanwhile
        return


def alive(pid: int) -> bool:
    """Whether process `pid` of this machine is still running (another user's counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process (PermissionError): alive
        pass
    return True


def release() -> None:
    """Let WeasyPrint remove the font folders it wrote in the temporary directory for this
    process's layouts: a child ends with os._exit, which runs no __del__, and left 4.7 MB
    there a build."""
    fonts = sys.modules.get("briefkit.pdf.fontconfigs")
    if fonts is not None:
        fonts.release()


def answer(function: Callable, parent: int, send: Callable[[bytes], object]) -> None:
    """In a child forked for one call: end with `parent`, run `function`, send its outcome, and
    remove the font files its layouts wrote (it ends with os._exit)."""
    die_with_parent(parent)
    collect_seldom()
    send(outcome(function))
    release()


def outcome(function: Callable) -> bytes:
    """("ok", result, log records) or ("error", the exception's parts, log records), pickled.
    What the build logs here (a warning about a source, text past the page) goes back with it,
    for the parent's handlers: a terminal, a test's runner, a batch's report."""
    records = _Records()
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers[:], logger.propagate = [records], False
    try:
        message = ("ok", function())
    except BaseException as error:  # noqa: BLE001  every exception goes back to the parent
        logger.debug("in the layout process", exc_info=True)
        message = ("error", (type(error), error.args, dict(vars(error))))
    finally:
        logger.handlers[:], logger.propagate = handlers, propagate
    try:
        return pickle.dumps((*message, records.kept))
    except Exception as error:  # noqa: BLE001  a result or exception that cannot cross processes
        return pickle.dumps(("error", (RenderError, (f"the renderer failed: {message[1]!r}: {error}",), {}),
                             records.kept))


class _Records(logging.Handler):
    """Keeps the records logged in a layout process, made plain enough to pickle."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = record.stack_info = None
        self.kept.append(record)


def _rebuilt(parts: tuple) -> BaseException:
    """The child's exception again, made without its __init__ (which may take other arguments
    than the `args` it stores, as InputError does)."""
    kind, args, state = parts
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


def collect_seldom() -> None:
    """The cyclic collector in a layout or chart process: at Python's defaults it spent about 5%
    of a layout looking for garbage among boxes that live as long as the layout. What was loaded
    before (or inherited) is frozen, never looked at again nor its pages copied; the rest is
    looked at a hundred times less often, and collected between jobs (children._serve,
    servers.serve). Switched off instead, it was no faster, and a 21-page brief's layout process
    grew by 9%, not 4%."""
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()
