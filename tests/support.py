"""Helpers the tests share (plain functions and constants; fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from briefkit.cli import main

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


def run(runner: CliRunner, *args: str):
    """Invoke `briefkit ARGS`; click's result with output and exit code."""
    return runner.invoke(main, list(args), catch_exceptions=False)
