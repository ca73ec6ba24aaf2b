"""Speculation: work that may be needed next, started at once in a forked process on a spare core,
then taken (its result) or thrown away (the process killed)."""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable

from . import logger
from .lifetimes import answer, unpack


class Speculation:
    """`function()` running in a child forked now, from a process whose only other thread is
    its parent-watch (lifetimes.die_with_parent), which holds no lock. The child dies with this
    process, and writes its temporary files where this one does (lifetimes.Scratch: the folder
    this process's parent removes)."""

    def __init__(self, function: Callable) -> None:
        parent = os.getpid()
        self.pid = self.reader = None
        try:
            self.reader, writer = os.pipe()
            self.pid = os.fork()
        except OSError as error:  # no process or descriptor to spare: no speculation, no harm
            logger.debug("nothing run ahead: %s", error)
            if self.reader is not None:
                os.close(self.reader)
                os.close(writer)
            self.pid = self.reader = None
            return
        if self.pid == 0:  # the child: run, send, and exit without Python's teardown
            code = 1
            try:
                os.close(self.reader)
                with os.fdopen(writer, "wb") as pipe:  # closed as sent: the parent reads to its end
                    answer(function, parent, lambda message: (pipe.write(message), pipe.close()))
                code = 0
            finally:
                os._exit(code)
        os.close(writer)

    def __bool__(self) -> bool:
        return self.pid is not None

    def result(self):
        """The function's result (or its exception, raised here); None if the child died or
        none was started."""
        if self.pid is None:
            return None
        reader, self.reader = self.reader, None
        try:
            with os.fdopen(reader, "rb") as pipe:
                message = pipe.read()
        finally:
            self.cancel()
        try:
            return unpack(pickle.loads(message))
        except (pickle.UnpicklingError, EOFError):  # died mid-message: as if it never ran
            return None

    def cancel(self) -> None:
        """Kill the child (unread, or done), and reap it."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
