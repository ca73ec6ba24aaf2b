"""Child processes that die with their parent: a build killed outright (SIGKILL, the OOM killer)
must not leave a chart-drawing process or a batch worker running for hours; and every layout run
in a child killed at its deadline (`deadline`), which no long C call can outlast: a command-line
build's layout process and chart process, forked at its start (`reused(warm=True)`); the one
watch and each `-j` worker reuse; a layout server for each thread that builds (a Dask worker's).

A process pool's workers wait on a pipe the parent never closes when it is killed, so they would
wait forever. Every pool briefkit starts passes `die_with_parent` as its initializer: on Linux the
kernel sends the worker SIGKILL when the parent goes (PR_SET_PDEATHSIG); everywhere, a thread in
the worker also checks once a second that its parent is still the one that started it."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from . import logger
from .errors import RenderError

T = TypeVar("T")

#: prctl(2) option: the signal a process gets when the thread that forked it exits.
PR_SET_PDEATHSIG = 1
#: Seconds between the fallback's looks at the parent.
POLL_SECONDS = 1.0
#: Seconds a child that has sent its result gets to exit before it is killed.
EXIT_SECONDS = 5.0


def pool_options(layouts: bool = False) -> dict:
    """The initializer arguments for a ProcessPoolExecutor whose workers die with this process;
    with `layouts`, each worker also lays out in one reused child (install_worker)."""
    return {"initializer": install_worker if layouts else die_with_parent, "initargs": (os.getpid(),)}


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


def deadline(function: Callable[[], T], limit: Limit, idle: Callable[[], object] | None = None) -> T:
    """`function()` run in a child process killed when `limit` passes: then its RenderError
    ("the layout took longer than 300 s (...)"). The child's result or exception comes back.

    The child is this process's reused Worker when one is installed (`reused`: build, watch,
    batch workers), which keeps what its builds loaded; else a fork made for this call, which
    inherits everything loaded here. In a thread other than the main one (a cluster worker's)
    a fork would copy only the calling thread, and a lock another thread holds in Pango would
    stay held: the child is the thread's layout server instead, a Python process of its own
    (_in_new_process). Where Python does not fork (macOS, Windows), it runs here under
    engine.time_limit, which cannot stop a long C call. `idle` is called while a reused child
    works."""
    if not forks() and sys.platform.startswith("linux"):  # a thread (a cluster worker's): no fork here
        return _in_new_process(function, limit)
    if not forks():
        from .pdf.engine import time_limit

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
    child = context.Process(target=_once, args=(function, writer, os.getpid()), name="briefkit-layout")
    child.start()
    writer.close()
    try:
        message = _receive(reader, child, limit)
    finally:
        _end(child)
        reader.close()
    return _unpack(message)


def _in_new_process(function: Callable[[], T], limit: Limit) -> T:
    """`function()` in this thread's layout server: a Python process of its own, started at the
    thread's first layout with WeasyPrint loaded, reused for the next ones, killed at `limit`
    (then started afresh at the next). For a build in a thread (a cluster worker's), where a
    fork would copy locks other threads hold and multiprocessing starts no child from a
    daemonic worker. The first layout of a thread waits for the server's start (about 1 s)."""
    import select

    holder = getattr(_servers, "holder", None)
    if holder is None or holder.process.poll() is not None:
        holder = _servers.holder = _Server()
    process = holder.process
    data = pickle.dumps((logger.getEffectiveLevel(), function))
    # Written from a thread: a pipe takes 64 KiB before the server reads, and the limit holds
    # while it loads WeasyPrint (a kill ends the write with a broken pipe).
    threading.Thread(target=_write, args=(process.stdin, len(data).to_bytes(8, "big") + data), daemon=True).start()
    try:
        if not select.select([process.stdout], [], [], limit.left())[0]:
            holder.close(kill=True)
            raise limit.error()
        size = int.from_bytes(process.stdout.read(8) or bytes(8), "big")
        answer = process.stdout.read(size) if size else b""
        message = pickle.loads(answer) if answer and len(answer) == size else None
    except (OSError, pickle.UnpicklingError, EOFError):
        message = None
    if message is None:  # died without a word, or in the middle of one: a crash in C, the OOM killer
        holder.close(kill=True)
        raise _stopped(limit, process.poll())
    return _unpack(message)


def _write(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.flush()
    except (OSError, ValueError):  # the server was killed, or closed meanwhile
        pass


#: Each thread's layout server (_in_new_process), ended when the thread ends.
_servers = threading.local()


class _Server:
    """A layout server process for one thread; closing its input ends it (and it lets go of
    its font files), and a thread that ends drops it, which closes it. Its errors go to this
    process's stderr; its answers come on a pipe of their own (_serve_stream)."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-c", "from briefkit.children import _serve_stream; _serve_stream()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._finalizer = weakref.finalize(self, _close_server, self.process, False)

    def close(self, kill: bool = False) -> None:
        self._finalizer.detach()
        _close_server(self.process, kill)


def _close_server(process, kill: bool) -> None:
    if kill:
        process.kill()
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(EXIT_SECONDS)
    except Exception:  # noqa: BLE001  still running after its input closed: end it
        process.kill()
        process.wait()
    process.stdout.close()


def _serve_stream() -> None:
    """In a layout server: load the engine, then run each function read from stdin (a length,
    then its pickle, with the log level to keep) and write its outcome the same way, until stdin
    closes. The answers go to the first stdout; what anything else prints goes to stderr."""
    die_with_parent(os.getppid())
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from .pdf.engine import preload

    preload()
    source = sys.stdin.buffer
    while header := source.read(8):
        level, function = pickle.loads(source.read(int.from_bytes(header, "big")))
        logger.setLevel(level)
        answer = _outcome(function)
        sink.write(len(answer).to_bytes(8, "big") + answer)
        sink.flush()
    _release()


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
        self.used = False

    def start(self, warm: bool = False) -> None:
        """Fork the child now; with `warm`, it loads the engine while this process goes on
        (reads the brief, draws charts): on two cores a cold start costs no time."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.pipe, theirs = context.Pipe()
        # daemon: a batch worker that exits ends it, not waits for it
        self.child = context.Process(target=_serve, args=(theirs, os.getpid(), warm, self.pipe), name="briefkit-layout",
                                     daemon=True)
        self.child.start()
        theirs.close()

    def run(self, function: Callable[[], T], limit: Limit) -> T:
        self.send(function)
        return self.result(limit)

    def send(self, function: Callable) -> None:
        """Start `function` in the child; `result` waits for it."""
        if self.child is None:
            self.start()
        self.used = True
        try:
            self.pipe.send(function)  # a partial of a module's function: pickled
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
        return _unpack(message)

    def close(self) -> None:
        if self.child is not None:
            self.pipe.close()  # the child's loop ends on EOF
            _end(self.child, wait=0.5 if self.used else 0)  # one still warming holds nothing
            self.child = self.pipe = None


#: The Workers `reused` installed, innermost last.
_installed: list[Worker] = []


#: The drawing process `reused(warm=True)` forked, while one is open.
_drawing: list[Worker] = []


@contextmanager
def reused(warm: bool = False):
    """Within the block, layouts (deadline) go to one reused child process. With `warm` (one
    build from the command line), it starts at once and loads the engine while this process
    reads the brief, and a second child, forked as light as this process is now, waits to
    draw charts (`drawing`): each of the three holds only its own libraries, so none is much
    larger than WeasyPrint alone, and on two cores the cold start costs little time."""
    worker, drawer = Worker(), Worker()
    if warm and forks():
        worker.start(warm=True)
        drawer.start()
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
        raise _stopped(limit, child.exitcode) from None


def _stopped(limit: Limit, code: int | None) -> RenderError:
    return RenderError(f"{limit.what} stopped without a result (exit code {code}); "
                       "run again with -vv, and report it if it happens again")


def _unpack(message: tuple):
    """The child's result, or its exception raised here, after what it logged is logged here."""
    kind, value, records = message
    for record in records:
        logger.handle(record)
    if kind == "error":
        raise _rebuilt(value)
    return value


def _end(child, wait: float = EXIT_SECONDS) -> None:
    """Let `child` exit, kill it if it does not within `wait`, and reap it: no zombie."""
    child.join(wait)
    if child.is_alive():
        child.kill()
    child.join()


def _once(function: Callable, writer, parent: int) -> None:
    """In a child made for one call: run `function` and send its outcome."""
    die_with_parent(parent)
    writer.send_bytes(_outcome(function))
    writer.close()
    _release()


def _serve(pipe, parent: int, warm: bool = False, parents_end=None) -> None:
    """In a reused child: run each function received, until the parent closes the pipe (the
    copy of the parent's end that the fork gave this child closed first, or no EOF comes)."""
    if parents_end is not None:
        parents_end.close()
    die_with_parent(parent)
    if warm:
        from .pdf.engine import preload

        preload()
    while True:
        try:
            function = pipe.recv()
        except EOFError:
            _release()
            return
        pipe.send_bytes(_outcome(function))


def _release() -> None:
    """Let WeasyPrint remove the font folders it wrote in the temporary directory for this
    process's layouts: a child ends with os._exit, which runs no __del__, and left 4.7 MB
    there a build."""
    engine = sys.modules.get("briefkit.pdf.engine")
    if engine is not None:
        engine.release()


def _outcome(function: Callable) -> bytes:
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
