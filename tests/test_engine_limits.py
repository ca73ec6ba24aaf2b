"""--timeout holds whatever the layout is doing: the layout's process is killed at the limit, the
command says so in one line, and nothing is left behind (no .part file, no process)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support import quick, run

from briefkit.children import Limit, deadline
from briefkit.errors import InputError, Problem

#: A paragraph of this many words keeps WeasyPrint breaking lines (Pango, in C): bare
#: WeasyPrint took 53 s to lay it out once on the 2-core machine this was written on.
WORDS = 400_000
LIMIT = 1


def _processes_naming(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:  # ended meanwhile
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layout runs in a forked child on Linux")
def test_timeout_stops_a_long_layout_within_a_second_and_leaves_nothing(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", "")
    folder = tmp_path / "endless-paragraph"
    assert run(runner, "new", str(folder)).exit_code == 0
    commentary = folder / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n\n" + "word " * WORDS + "\n")
    out, temporary = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temporary.mkdir()
    command = [sys.executable, "-m", "briefkit", "build", str(folder), "-o", str(out / "brief.pdf"),
               "--timeout", str(LIMIT)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(temporary)})
    elapsed = time.perf_counter() - started
    assert done.returncode == 3, done.stderr  # RenderError, as the README's exit codes say
    lines = done.stderr.strip().splitlines()
    assert lines == [f"Error: the layout took longer than {LIMIT} s (raise --timeout, or look for a huge "
                     "table or deeply nested boxes)"]
    # Start-up, reading the brief and drawing its chart come before the limit's clock starts
    # (about 5 s, more on a loaded machine): a generous bound that a layout left running breaks.
    assert elapsed < LIMIT + 1 + 20, elapsed
    assert list(out.iterdir()) == []  # no PDF, no .part file
    assert _processes_naming(str(folder)) == []  # the layout's process is gone, not a zombie
    assert list(temporary.iterdir()) == []  # nor the font files the killed process wrote


def _fails() -> None:
    raise InputError([Problem("commentary.md", 3, "a note nobody calls")])


def test_the_layout_process_hands_back_its_result_and_the_brief_s_own_errors():
    """What the child returns or raises reaches the caller as if made here: an InputError keeps
    its problems (exit 1 at the file and line), though its __init__ takes other arguments."""
    assert deadline(lambda: {"pages": 7}, Limit(30)) == {"pages": 7}
    with pytest.raises(InputError) as raised:
        deadline(_fails, Limit(30))
    assert raised.value.problems == [Problem("commentary.md", 3, "a note nobody calls")]
    assert raised.value.exit_code == 1 and "commentary.md:3: a note nobody calls" in raised.value.message


@pytest.mark.slow  # four builds and a timeout; the timeout test checks the limit quickly
def test_a_reused_layout_process_serves_builds_and_is_replaced_after_a_timeout(runner, sample, tmp_path,
                                                                               monkeypatch):
    """Watch and batch workers lay out in one reused child: two builds, one child, the bytes of a
    build of its own; a layout past the limit kills it, and the next build gets a fresh one."""
    from briefkit.build import Options, build
    from briefkit.children import reused
    from briefkit.errors import RenderError

    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", "")
    endless = tmp_path / "endless"
    assert run(runner, "new", str(endless)).exit_code == 0
    (endless / "commentary.md").write_text("word " * WORDS + "\n")
    with reused() as worker:
        first = build(sample["folder"], Options(output=tmp_path / "1.pdf", cache=False))
        child = worker.child.pid
        second = build(sample["folder"], Options(output=tmp_path / "2.pdf", cache=False))
        assert worker.child.pid == child
        with pytest.raises(RenderError, match=f"took longer than {LIMIT} s"):
            build(endless, Options(output=tmp_path / "3.pdf", timeout=LIMIT, cache=False))
        assert worker.child is None and not Path(f"/proc/{child}").exists()
        third = build(sample["folder"], Options(output=tmp_path / "4.pdf", cache=False))
        assert worker.child.pid != child
    assert first.pdf.read_bytes() == second.pdf.read_bytes() == third.pdf.read_bytes()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["1.pdf", "2.pdf", "4.pdf"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layout runs in a child process on Linux")
def test_in_a_thread_the_limit_stops_a_layout_stuck_in_c_too(runner, tmp_path, monkeypatch):
    """A cluster worker builds in threads, where no fork is safe: the layout goes to a new
    process, killed at the limit, instead of an exception injected that a long C call outlasts."""
    import threading

    from briefkit.build import Options, build
    from briefkit.errors import RenderError

    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", "")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # this process's and the server's
    monkeypatch.setenv("TMPDIR", str(temporary))
    folder = tmp_path / "endless-paragraph"
    assert run(runner, "new", str(folder)).exit_code == 0
    commentary = folder / "commentary.md"
    commentary.write_text(commentary.read_text() + "\n\n" + "word " * WORDS + "\n")
    said = []
    limit = LIMIT + 1  # the server's start (about 1 s) counts: a second more, to reach the layout

    def build_in_thread() -> None:
        try:
            build(folder, Options(output=tmp_path / "brief.pdf", timeout=limit))
        except RenderError as error:
            said.append(error.message)

    thread = threading.Thread(target=build_in_thread)
    started = time.perf_counter()
    thread.start()
    thread.join(120)
    # Reading the endless paragraph and drawing its chart come first (seconds on a loaded machine).
    assert time.perf_counter() - started < limit + 1 + 20
    assert said == [f"the layout took longer than {limit} s (raise --timeout, or look for a huge "
                    "table or deeply nested boxes)"]
    assert not (tmp_path / "brief.pdf").exists()
    mine = [pid for pid in _processes_naming("briefkit.servers")
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
    assert mine == []  # the layout server was killed at the limit
    assert list(temporary.iterdir()) == []  # and the font files it wrote removed


@pytest.mark.parametrize("jobs", quick([1, 2], 1))
def test_a_build_leaves_no_font_files_in_the_temporary_folder(runner, tmp_path, jobs):
    """WeasyPrint writes a brief's fonts to a folder of its own and removes it when its font
    configuration is collected; the layout process ends with os._exit, which collects nothing:
    it left 4.7 MB in /tmp each build until it let go of them itself."""
    folders = [tmp_path / f"brief-{i}" for i in range(jobs)]
    for i, folder in enumerate(folders):
        assert run(runner, "new", str(folder)).exit_code == 0
        (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text().replace("title: ", f"title: {i} ", 1))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    outputs = ["-o", str(tmp_path / "one.pdf")] if jobs == 1 else ["-j", str(jobs)]
    done = subprocess.run([sys.executable, "-m", "briefkit", "build", *map(str, folders), *outputs],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "TMPDIR": str(temporary), "BRIEFKIT_CACHE_DIR": ""})
    assert done.returncode == 0, done.stderr
    assert list(temporary.iterdir()) == []


def test_a_forked_layout_process_leaves_its_parent_s_font_files(make_brief, tmp_path):
    """A layout process forked from one that has laid out (as each test process has, in
    conftest's engines_loaded) lays out with its parent's font configuration and, ending, leaves
    its font files: removing them made the parent's next layout fail."""
    from briefkit.build import Options, build
    from briefkit.pdf import fontconfigs

    folders = [configuration._folder for configuration in fontconfigs._MADE]
    assert folders and all(folder.exists() for folder in folders)
    for name in ("one", "two"):
        build(make_brief(name=name), Options(output=tmp_path / f"{name}.pdf"))
    assert all(folder.exists() for folder in folders)


def _sleep() -> None:
    time.sleep(60)


def test_work_run_ahead_is_taken_thrown_away_or_done_without():
    """A speculation's result comes back; one killed unread is reaped at once; one that cannot
    start, or dies before it answers, is as if none had run: the caller does the work itself."""
    from briefkit.speculation import Speculation

    assert Speculation(lambda: 41 + 1).result() == 42
    slow = Speculation(_sleep)
    started = time.perf_counter()
    slow.cancel()
    assert time.perf_counter() - started < 5 and slow.result() is None
    assert Speculation(lambda: os._exit(3)).result() is None

    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fork", refuse)
        none = Speculation(lambda: 42)
    assert not none and none.result() is None
