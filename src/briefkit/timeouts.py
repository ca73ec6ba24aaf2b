"""Time limits inside a process: a RenderError when a step (filling the templates, a layout where
no child process can run it) takes too long, by SIGALRM in the main thread or an exception
raised in another thread."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from .errors import RenderError


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that no `except Exception` in a library eats it."""


@contextmanager
def time_limit(seconds: float, what: str = "the layout", fix: str = "raise --timeout",
               said: float | None = None):
    """Fail the build with a RenderError when `what` takes longer than `seconds` (the message
    names `said` seconds, when the limit began before: the time left of a longer one)."""
    said = seconds if said is None else said
    if seconds <= 0:
        raise RenderError(f"{what} took longer than {said:g} s ({fix})")
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        # a cluster worker builds in a thread: no signals there
        with _thread_time_limit(seconds, what, fix, said):
            yield
        return
    expired = []

    def expire(signum, frame):
        expired.append(True)
        # Raised inside a __del__, the exception is only printed: fire again until it lands.
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise RenderError(f"{what} took longer than {said:g} s ({fix})")


@contextmanager
def _thread_time_limit(seconds: float, what: str, fix: str, said: float):
    """The limit for a build in a thread: a timer thread raises _Expired in it, again every half
    second until it lands (as the signal does), and a pending one is withdrawn on the way out."""
    import ctypes

    def throw(exception) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(builder), ctypes.py_object(exception)
                                                   if exception else None)

    builder, stop, lock, expired = threading.get_ident(), threading.Event(), threading.Lock(), []

    def expire() -> None:
        pause = seconds
        while not stop.wait(pause):
            with lock:
                if not stop.is_set():
                    expired.append(True)
                    throw(_Expired)
            pause = 0.5

    threading.Thread(target=expire, daemon=True, name="briefkit-time-limit").start()
    try:
        yield
    except _Expired:
        pass
    finally:
        while True:  # an _Expired fired just before stop may land here: catch it and finish
            try:
                with lock:
                    stop.set()
                    if expired:
                        throw(None)
                break
            except _Expired:
                continue
    if expired:
        raise RenderError(f"{what} took longer than {said:g} s ({fix})")
