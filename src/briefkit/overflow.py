"""Overflow: text the layout put outside its page or box, told at the file and line it came from."""

from __future__ import annotations

from pathlib import Path

from .errors import Problem


def overflow_problems(prepared, rendered) -> list[Problem]:
    """Text outside the page or its box, each at the file and line it came from: problems for
    `check --layout` and for `build --strict` alike."""
    return [Problem(*_overflow_source(prepared, item), item.message) for item in rendered.findings.overflow]


def _overflow_source(prepared, item) -> tuple[Path, int]:
    """Where to look for text outside its box: the note's line, the title's line in brief.yaml
    for a running head that holds it, else the commentary line holding the text, if one does."""
    brief = prepared.folder / "brief.yaml"
    if item.source:
        name, _, line = item.source.rpartition(":")
        return (prepared.folder / name, int(line)) if line.isdigit() else (brief, 0)
    if item.title:
        key = "short_title" if prepared.material.brief.short_title else "title"
        return brief, prepared.material.brief_lines.get((key,), 0)
    probe = item.text.removesuffix("...")[:24]
    commentary = prepared.material.commentary_file
    line = _line_of(commentary, lambda text: probe in text) if commentary and len(probe) > 8 else 0
    return (commentary, line) if line else (brief, 0)


def _line_of(path: Path, wanted) -> int:
    """The first line of `path` (1-based) that `wanted` accepts, else 0."""
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return 0
    return next((number for number, text in enumerate(lines, start=1) if wanted(text)), 0)
