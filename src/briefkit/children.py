"""Child processes that die with their parent: a build killed outright (SIGKILL, the OOM killer)
must not leave a chart-drawing process or a batch worker running for hours.

A process pool's workers wait on a pipe the parent never closes when it is killed, so they would
wait forever. Every pool briefkit starts passes `die_with_parent` as its initializer: on Linux the
kernel sends the worker SIGKILL when the parent goes (PR_SET_PDEATHSIG); everywhere, a thread in
the worker also checks once a second that its parent is still the one that started it."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

#: prctl(2) option: the signal a process gets when the thread that forked it exits.
PR_SET_PDEATHSIG = 1
#: Seconds between the fallback's looks at the parent.
POLL_SECONDS = 1.0


def pool_options() -> dict:
    """The initializer arguments for a ProcessPoolExecutor whose workers die with this process."""
    return {"initializer": die_with_parent, "initargs": (os.getpid(),)}


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
