"""Servers: a layout server for each thread that builds (a Dask worker's), a Python process of
its own, started at the thread's first layout with WeasyPrint loaded, reused, and killed at a
time limit: in a thread a fork would copy locks other threads hold, and multiprocessing starts no
child from a daemonic worker."""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from . import lifetimes, logger
from .lifetimes import Limit, Scratch

T = TypeVar("T")


def run(function: Callable[[], T], limit: Limit) -> T:
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
    threading.Thread(target=_write, args=(process.stdin, len(data).to_bytes(8, "big") + data),
                     daemon=True).start()
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
        raise lifetimes.stopped(limit, process.poll())
    return lifetimes.unpack(message)


def _write(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.flush()
    except (OSError, ValueError):  # the server was killed, or closed meanwhile
        pass


#: Each thread's layout server (run), ended when the thread ends.
_servers = threading.local()


class _Server:
    """A layout server process for one thread; closing its input ends it (and it lets go of
    its font files), and a thread that ends drops it, which closes it. Its errors go to this
    process's stderr; its answers come on a pipe of their own (serve)."""

    def __init__(self) -> None:
        import subprocess

        self.scratch = Scratch()  # its temporary files: TMPDIR, read by the new Python's tempfile
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from briefkit.servers import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "TMPDIR": self.scratch.path})
        self._finalizer = weakref.finalize(self, _close_server, self.process, self.scratch, False)

    def close(self, kill: bool = False) -> None:
        self._finalizer.detach()
        _close_server(self.process, self.scratch, kill)


def _close_server(process, scratch: Scratch, kill: bool) -> None:
    if kill:
        process.kill()
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(lifetimes.EXIT_SECONDS)
    except Exception:  # noqa: BLE001  still running after its input closed: end it
        process.kill()
        process.wait()
    process.stdout.close()
    scratch.remove()


def serve() -> None:
    """In a layout server: load the engine, then run each function read from stdin (a length,
    then its pickle, with the log level to keep) and write its outcome the same way, until stdin
    closes. The answers go to the first stdout; what anything else prints goes to stderr."""
    lifetimes.die_with_parent(os.getppid())
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from .pdf.engine import preload

    lifetimes.collect_seldom()
    preload()
    gc.freeze()
    source = sys.stdin.buffer
    while header := source.read(8):
        level, function = pickle.loads(source.read(int.from_bytes(header, "big")))
        logger.setLevel(level)
        answer = lifetimes.outcome(function)
        sink.write(len(answer).to_bytes(8, "big") + answer)
        sink.flush()
        gc.collect()
    lifetimes.release()
