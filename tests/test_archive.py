"""Batch builds of an archive: up-to-date briefs are skipped, changed ones rebuilt, all reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import run

BRIEF = "title: Brief {n}\ndate: 2026-02-0{n}\nauthors:\n  - name: Desk\n"


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """Three small briefs, built once from `tmp_path` (their PDFs go to tmp_path/dist)."""
    monkeypatch.chdir(tmp_path)
    folders = []
    for n in (1, 2, 3):
        folder = tmp_path / "archive" / f"b{n}"
        folder.mkdir(parents=True)
        (folder / "brief.yaml").write_text(BRIEF.format(n=n))
        (folder / "commentary.md").write_text(f"Brief {n} says this.[^a]\n\n[^a]: A note.\n")
        folders.append(folder)
    return folders


def _build(runner, folders, *args):
    report = folders[0].parent.parent / "report.json"
    result = run(runner, "build", *map(str, folders), "--report", str(report), *args)
    return result, {os.path.basename(entry["folder"]): entry for entry in json.loads(report.read_text())}


def test_an_unchanged_archive_is_skipped_and_an_edited_brief_rebuilt_alone(runner, archive):
    result, first = _build(runner, archive)
    assert result.exit_code == 0 and {e["status"] for e in first.values()} == {"built"}, result.output
    pdfs = {name: entry["pdf"] for name, entry in first.items()}
    stamps = {name: os.stat(pdf).st_mtime_ns for name, pdf in pdfs.items()}
    result, again = _build(runner, archive)
    assert {e["status"] for e in again.values()} == {"skipped"} and again["b1"]["pages"] == 1
    assert "3 skipped of 3 briefs" in result.output
    (archive[0] / "commentary.md").write_text("Brief 1, corrected.[^a]\n\n[^a]: A note.\n")
    _, edited = _build(runner, archive)
    assert [name for name, e in sorted(edited.items()) if e["status"] == "built"] == ["b1"]
    assert {name: os.stat(pdf).st_mtime_ns for name, pdf in pdfs.items() if name != "b1"} == \
        {name: stamp for name, stamp in stamps.items() if name != "b1"}


@pytest.mark.parametrize("change", ["image", "style", "deleted pdf", "edited pdf", "option", "force"])
def test_each_kind_of_change_rebuilds(runner, archive, change):
    _build(runner, archive)
    args = []
    if change == "image":
        (archive[1] / "map.png").write_bytes(b"\x89PNG not really")
    elif change == "style":
        (archive[1] / "styles" / "think-tank").mkdir(parents=True)
        (archive[1] / "styles" / "think-tank" / "style.yaml").write_text("extends: think-tank\n")
    elif change == "deleted pdf":
        (archive[1].parent.parent / "dist" / "2026-02-02-brief-2.pdf").unlink()
    elif change == "edited pdf":
        with (archive[1].parent.parent / "dist" / "2026-02-02-brief-2.pdf").open("ab") as pdf:
            pdf.write(b"%")
    elif change == "option":
        args = ["--strict"]
    else:
        args = ["--force"]
    _, report = _build(runner, archive, *args)
    built = sorted(name for name, entry in report.items() if entry["status"] == "built")
    assert built == (["b1", "b2", "b3"] if change in ("option", "force") else ["b2"]), report


def test_a_failed_brief_is_reported_with_its_file_and_line_and_the_others_built(runner, archive):
    (archive[2] / "commentary.md").write_text("A call to nothing.[^missing]\n")
    result, report = _build(runner, archive)
    assert result.exit_code == 1
    assert report["b3"]["status"] == "failed" and report["b3"]["pdf"] is None
    assert any("commentary.md:1: footnote [^missing] has no definition" in e for e in report["b3"]["errors"])
    assert report["b1"]["status"] == report["b2"]["status"] == "built"


def test_skipping_imports_no_rendering_library(archive, runner):
    _build(runner, archive)
    code = ("import sys; from briefkit.cli import main\n"
            "try: main(['build', *sys.argv[1:]], standalone_mode=False)\n"
            "finally: print(sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *map(str, archive)], capture_output=True, text=True,
                          cwd=archive[0].parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_a_report_that_cannot_be_written_is_an_error_naming_it(runner, archive):
    result = run(runner, "build", str(archive[0]), "--report", str(archive[0] / "no" / "such" / "r.json"))
    assert result.exit_code == 3 and "cannot write the report" in result.output


def test_a_long_batch_renews_its_worker_processes(runner, archive, monkeypatch):
    from briefkit import batch

    _, small = _build(runner, archive)  # a short batch at -j 1 builds in this very process
    assert {entry["pid"] for entry in small.values()} == {os.getpid()}
    monkeypatch.setattr(batch, "BUILDS_PER_WORKER", 1)  # so three briefs are a long batch
    _, long = _build(runner, archive, "--force")
    assert {entry["status"] for entry in long.values()} == {"built"}
    assert len({entry["pid"] for entry in long.values()} - {os.getpid()}) == 3
    assert all(entry["peak_mib"] > 20 for entry in long.values())


def test_an_archive_restyled_in_one_command_rebuilds_every_brief_once(runner, archive):
    _build(runner, archive)
    result, restyled = _build(runner, archive, "--style", "sidenotes", "-j", "2")
    assert result.exit_code == 0 and {e["status"] for e in restyled.values()} == {"built"}, result.output
    _, again = _build(runner, archive, "--style", "sidenotes", "-j", "2")
    assert {e["status"] for e in again.values()} == {"skipped"}
