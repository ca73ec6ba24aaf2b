"""The `briefkit` process: a build's layout process forked before the command line is read, and an
exit that does not take the interpreter apart object by object."""

from __future__ import annotations

import atexit
import os
import sys
import threading


def run() -> None:
    """The console script (and `python -m briefkit`)."""
    if _building(sys.argv[1:]):
        from .children import start_early

        start_early()  # the layout process loads WeasyPrint while click and the brief load here
    from .cli import main

    try:
        main()
    except SystemExit as exit:
        leave(exit.code)


def leave(code) -> None:
    """Exit with `code` as sys.exit would, without freeing every object one by one (about 50 ms
    for a build's modules: pydantic, Jinja, pikepdf): exit handlers run and output is flushed
    first. With threads still running (a Dask client's), Python's own exit waits for them."""
    children = sys.modules.get("briefkit.children")
    if children is not None:  # a command that failed before its build took the layout process
        children.drop_early()  # ended, and its temporary folder removed (lifetimes.Scratch)
    if any(not thread.daemon for thread in threading.enumerate() if thread is not threading.main_thread()):
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    atexit._run_exitfuncs()  # logging's flush, multiprocessing's children; what os._exit skips
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more reaches it anyway
            code = code or 1
    os._exit(code)


def _building(arguments: list[str]) -> bool:
    """Whether the command line asks `build` for something: then its layout process is worth
    starting at once. A wrong guess (a batch) costs a child that is closed unused."""
    command = next((word for word in arguments if not word.startswith("-")), None)  # cli.main's
    return command == "build" and "--help" not in arguments  # own options take no value
