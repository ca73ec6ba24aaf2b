"""Watch mode reads a brief once per build: the read that finds what to watch is the one built."""

import os
import queue
import threading
import time

from briefkit import watch as watching
from briefkit.build import Options, Result


def test_watch_reads_the_brief_once_per_build(make_brief, tmp_path, monkeypatch):
    folder = make_brief()
    for file in folder.iterdir():  # written long ago: the first read is still what is on disk
        os.utime(file, (time.time() - 60, time.time() - 60))
    reads, built = [], []
    prepare = watching.prepare
    monkeypatch.setattr(watching, "prepare", lambda *args: reads.append(1) or prepare(*args))

    def build(folder, options, prepared):
        built.append(prepared)
        return Result(tmp_path / "x.pdf", 1, 0, None, 0, {})

    monkeypatch.setattr(watching, "build", build)
    said: queue.Queue[str] = queue.Queue()
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watching.watch, args=(folder, Options(), said.put, stop.is_set))
    thread.start()

    def next_starting(word: str) -> None:
        """Messages until one starts with `word` (one save may reach the watcher as two events:
        the file truncated, then its text)."""
        while not messages or not messages[-1].startswith(word):
            messages.append(said.get(timeout=60))

    try:
        next_starting("built")
        assert len(reads) == 1 and built[0] is not None
        (folder / "commentary.md").write_text("Broken.[^missing]\n")
        next_starting("failed")
        assert len(built) == 1  # said from the one read, not read again by a build
        (folder / "commentary.md").write_text("Fixed.\n")
        next_starting("built")
    finally:
        stop.set()
        thread.join(timeout=30)
    while not said.empty():
        messages.append(said.get())
    assert len(reads) == len(messages)  # every build, and every failure to read, from one read
