"""What a brief's last build taught survives an edit: one layout after a one-sentence change,
and a guess proved wrong by the layout costs a second pass, never a wrong PDF."""

from __future__ import annotations

import json
import shutil

import pdfplumber
import pytest

from briefkit import cache
from briefkit.build import Options, build

EDIT = ("This brief sets these decisions", "This brief places these decisions")


def _copy(sample, tmp_path):
    folder = tmp_path / "brief"
    shutil.copytree(sample["folder"], folder)
    return folder


def _edit(folder) -> None:
    commentary = folder / "commentary.md"
    text = commentary.read_text()
    assert EDIT[0] in text
    commentary.write_text(text.replace(*EDIT, 1))


@pytest.mark.slow  # four builds of the sample; test_loop.py's cached rebuild is the quick run's cache test
def test_an_edit_is_laid_out_once_and_gives_the_bytes_of_a_build_without_cache(sample, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = _copy(sample, tmp_path)
    cold = build(folder, Options(output=tmp_path / "cold.pdf", cache=False))
    assert cold.corrections == 1  # the figure's move and the rows' own notes in one second layout
    build(folder, Options(output=tmp_path / "first.pdf"))
    _edit(folder)
    edited = build(folder, Options(output=tmp_path / "edited.pdf"))
    fresh = build(folder, Options(output=tmp_path / "fresh.pdf", cache=False))
    assert edited.corrections == 0  # one layout: rows and the figure's move remembered
    assert edited.pdf.read_bytes() == fresh.pdf.read_bytes()
    assert edited.pdf.read_bytes() != cold.pdf.read_bytes()  # the edit is in it
    with pdfplumber.open(edited.pdf) as document:
        assert "This brief places these decisions" in " ".join(
            (page.extract_text() or "").replace("\n", " ") for page in document.pages)


@pytest.mark.slow  # robustness; the test above checks the cache's gain quickly
def test_a_wrong_memory_costs_a_layout_not_a_wrong_pdf(sample, tmp_path, monkeypatch):
    """The brief's memory says no row needs a note of its own and names corrections that do not
    exist: the layout shows otherwise, and the PDF is the one a build without cache makes."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = _copy(sample, tmp_path)
    fresh = build(folder, Options(output=tmp_path / "fresh.pdf", cache=False))
    build(folder, Options(output=tmp_path / "first.pdf"))
    entries = list((tmp_path / "cache" / "rows").glob("*.json"))
    assert len(entries) == 1
    stored = json.loads(entries[0].read_text())
    assert stored["value"]["rows"]  # the sample's chronology needs notes of its own
    stored["value"] = {"rows": ["0 1999 no such event"], "log": [["note", 999], ["figure", 7], ["calm", -1]]}
    entries[0].write_text(json.dumps(stored))
    shutil.rmtree(tmp_path / "cache" / "layout")  # as after an edit: no layout of this HTML known
    again = build(folder, Options(output=tmp_path / "again.pdf"))
    assert again.corrections >= 1
    assert again.pdf.read_bytes() == fresh.pdf.read_bytes()
