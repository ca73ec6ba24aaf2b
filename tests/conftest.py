"""Shared fixtures: one CLI runner, throwaway briefs, and the sample built once per run."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from support import MINIMAL, SAMPLE  # noqa: E402

from briefkit.cli import main  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def cache_folder(tmp_path_factory):
    """One cache for the run, never the user's (subprocesses inherit it)."""
    os.environ["BRIEFKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["BRIEFKIT_CACHE_DIR"])
    del os.environ["BRIEFKIT_CACHE_DIR"]


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    """`briefkit` as a user runs it, in process (each invoke is isolated)."""
    return CliRunner()


@pytest.fixture
def make_brief(tmp_path: Path):
    """Write a brief folder from {name: text}; the minimal brief fills what is not given."""

    def make(files: dict[str, str] | None = None, name: str = "brief") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in {**MINIMAL, **(files or {})}.items():
            if text is not None:
                (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id):
    """`shared(name, make)`: a folder `make(folder)` fills once for the whole run. With -n
    (pytest-xdist) the workers are processes; the first to ask builds, the others wait for it
    and read the same files, so an expensive fixture costs one build, not one per worker."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "shared"
    root.mkdir(exist_ok=True)

    def get(name: str, make) -> Path:
        folder = root / name
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (root / f"{name}.done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                make(folder)
                (root / f"{name}.done").touch()
        return folder

    return get


@pytest.fixture(scope="session")
def sample(shared, runner) -> dict[str, Path]:
    """The sample brief, copied and built once a run: its PDF and the HTML given to WeasyPrint.
    Shared by every test and worker: read it, never change it."""

    def make(out: Path) -> None:
        shutil.copytree(SAMPLE, out / "taliban-russia")
        result = runner.invoke(main, ["build", str(out / "taliban-russia"), "-o", str(out / "brief.pdf"),
                                      "--html", str(out / "brief.html")])
        assert result.exit_code == 0, result.output
        (out / "output.txt").write_text(result.output)

    out = shared("sample", make)
    return {"folder": out / "taliban-russia", "pdf": out / "brief.pdf", "html": out / "brief.html",
            "output": (out / "output.txt").read_text()}
