"""Shared fixtures: one CLI runner, throwaway briefs, and the sample built once per run."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from briefkit.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "taliban-russia"

MINIMAL = {
    "brief.yaml": """\
        title: A Minimal Brief
        date: 2026-02-01
        authors:
          - name: Test Desk
        """,
    "commentary.md": "A paragraph with a note.[^a]\n\n[^a]: The note.\n",
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str):
    """Invoke `briefkit ARGS`; click's result with output and exit code."""
    return runner.invoke(main, list(args), catch_exceptions=False)


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
