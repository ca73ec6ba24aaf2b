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


@pytest.fixture
def runner() -> CliRunner:
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
def sample(tmp_path_factory) -> dict[str, Path]:
    """The sample brief, copied and built once: its PDF and the HTML given to WeasyPrint."""
    out = tmp_path_factory.mktemp("sample")
    folder = out / "taliban-russia"
    shutil.copytree(SAMPLE, folder)
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out / "brief.pdf"),
                                       "--html", str(out / "brief.html")])
    assert result.exit_code == 0, result.output
    return {"folder": folder, "pdf": out / "brief.pdf", "html": out / "brief.html",
            "output": result.output}
