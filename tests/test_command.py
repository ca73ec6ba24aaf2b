"""The `briefkit` process itself (command.py): its exit codes and output survive the quick exit,
and the children it forks before reading the command line serve one build or are dropped."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import small_briefs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children fork on Linux")


def briefkit(*args: str, cwd=None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefkit", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env={**os.environ, "BRIEFKIT_CACHE_DIR": "", **env})


@pytest.mark.parametrize("code, out, err, status", [
    ("0", "", "", 0), ("None", "", "", 0), ("4", "", "", 4), ("'a reason'", "", "a reason\n", 1)])
def test_leaving_exits_as_sys_exit_would_with_the_output_flushed(code, out, err, status):
    done = subprocess.run([sys.executable, "-c", "import sys; from briefkit.command import leave; "
                           f"print('said', end=''); sys.stderr.write('told '); leave({code})"],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (status, "said" + out, "told " + err)


def test_a_build_from_the_command_line_says_what_it_wrote_and_a_broken_brief_fails(tmp_path):
    good, broken = small_briefs(tmp_path, 2)
    (broken / "commentary.md").write_text("A call to no note.[^missing]\n")
    done = briefkit("-v", "build", str(good), "-o", str(tmp_path / "good.pdf"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{tmp_path / 'good.pdf'} (1 pages, 1 footnotes)"
    assert (tmp_path / "good.pdf").read_bytes().startswith(b"%PDF-")
    done = briefkit("build", str(broken), "-o", str(tmp_path / "broken.pdf"))
    assert done.returncode == 1 and done.stdout == ""
    assert "commentary.md:1:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "broken.pdf").exists()


def test_a_batch_drops_the_children_forked_for_one_build(tmp_path):
    folders = small_briefs(tmp_path, 2)
    done = briefkit("build", *map(str, folders), "--report", str(tmp_path / "report.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.pdf")) == [
        "2026-02-01-brief-1.pdf", "2026-02-02-brief-2.pdf"]


@pytest.mark.parametrize("mistake", [["--bogus"], ["--scheduler", "nonsense"]])
def test_a_build_refused_at_once_leaves_nothing_in_the_temporary_folder(tmp_path, mistake):
    """The layout process forked before the command line was read ends with the command, and
    the folder made for its font files goes with it."""
    (good,) = small_briefs(tmp_path, 1)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = briefkit("build", str(good), "-o", str(tmp_path / "out.pdf"), *mistake, TMPDIR=str(temporary))
    assert done.returncode == 2 and "Error:" in done.stderr, done.stderr
    assert list(temporary.iterdir()) == []
