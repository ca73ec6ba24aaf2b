"""Speculation: work that may be needed next, started at once in a forked process on a spare core,
then taken (its result) or thrown away (the process killed)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from .lifetimes import collect_seldom, die_with_parent, outcome, release, unpack


class Speculation:
    """`function()` running in a child forked now from this (single-threaded) process; it dies
    with this process, and writes its temporary files where this one does (lifetimes.Scratch:
    the folder this process's parent removes)."""

    def __init__(self, function: Callable) -> None:
        parent = os.getpid()
        self.reader, writer = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: run, send, and exit without Python's teardown
            code = 1
            try:
                os.close(self.reader)
                die_with_parent(parent)
                collect_seldom()
                message = outcome(function)
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(message)
                release()
                code = 0
            finally:
                os._exit(code)
        os.close(writer)

    def result(self):
        """The function's result (or its exception, raised here); None if the child died."""
        import pickle

        with os.fdopen(self.reader, "rb") as pipe:
            message = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        return unpack(pickle.loads(message)) if message else None

    def cancel(self) -> None:
        """Kill the child unread, and reap it."""
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.reader)
        self.pid = None
