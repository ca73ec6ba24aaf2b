"""Batch builds of an archive: up-to-date briefs are skipped, changed ones rebuilt, all reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import quick, run, small_briefs


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """Three small briefs, built once from `tmp_path` (their PDFs go to tmp_path/dist)."""
    monkeypatch.chdir(tmp_path)
    return small_briefs(tmp_path, 3)


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


ONE_BRIEF = ["image", "hidden image", "style", "deleted pdf", "edited pdf"]  # changes to brief 2 alone


@pytest.mark.parametrize("change", quick([*ONE_BRIEF, "option", "force", "version", "epoch", "litter"],
                                          "image", "style", "option"))
def test_each_kind_of_change_rebuilds(runner, archive, change, monkeypatch):
    _build(runner, archive)
    args = []
    if change == "image":
        (archive[1] / "map.png").write_bytes(b"\x89PNG not really")
    elif change == "hidden image":  # a brief may use one: it is an input
        (archive[1] / ".map.png").write_bytes(b"\x89PNG not really")
    elif change == "litter":  # what a desktop leaves beside the inputs changes nothing
        (archive[1] / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
        (archive[1] / ".commentary.md.swp").write_bytes(b"b0VIM")
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
    elif change == "version":  # another briefkit
        from briefkit import freshness

        monkeypatch.setattr(freshness, "__version__", "0.0.0")
    elif change == "epoch":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    else:
        args = ["--force"]
    _, report = _build(runner, archive, *args)
    built = sorted(name for name, entry in report.items() if entry["status"] == "built")
    expected = ["b2"] if change in ONE_BRIEF else [] if change == "litter" else ["b1", "b2", "b3"]
    assert built == expected, report


def test_a_failed_brief_is_reported_with_its_file_and_line_and_the_others_built(runner, archive):
    (archive[2] / "commentary.md").write_text("A call to nothing.[^missing]\n")
    result, report = _build(runner, archive)
    assert result.exit_code == 1
    assert report["b3"]["status"] == "failed" and report["b3"]["pdf"] is None
    assert any("commentary.md:1: footnote [^missing] has no definition" in e for e in report["b3"]["errors"])
    assert report["b1"]["status"] == report["b2"]["status"] == "built"


def test_skipping_imports_no_rendering_library_nor_dask(archive, runner):
    _build(runner, archive)
    code = ("import sys; from briefkit.cli import main\n"
            "try: main(['build', *sys.argv[1:]], standalone_mode=False)\n"
            "finally: print(sorted({'weasyprint', 'matplotlib', 'distributed'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, *map(str, archive), "-j", "2"], capture_output=True,
                          text=True, cwd=archive[0].parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_a_report_that_cannot_be_written_is_an_error_naming_it(runner, archive, tmp_path):
    (tmp_path / "file").write_text("a file, not a folder")
    result = run(runner, "build", str(archive[0]), "--report", str(tmp_path / "file" / "r.json"))
    assert result.exit_code == 3 and "r.json: cannot write" in result.output, result.output


@pytest.mark.slow  # a long batch
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


@pytest.mark.slow  # three builds; test_sample.py checks reproducible bytes quickly
def test_a_brief_built_after_others_in_one_process_has_the_bytes_it_has_alone(runner, archive, tmp_path):
    """Builds in one process share WeasyPrint's font setup when their @font-face rules are the
    same; two styles that give one family name different files must never meet in it."""
    _house_style(archive[0], "house-serif", _font("serif"))
    _house_style(archive[1], "house-sans", _font("sans"))
    alone = tmp_path / "alone.pdf"  # a fresh process: nothing built before it
    subprocess.run([sys.executable, "-m", "briefkit", "build", str(archive[1]), "-o", str(alone),
                    "--no-cache"], check=True, capture_output=True)
    after = tmp_path / "after.pdf"
    for folder in (archive[0], archive[2], archive[1]):  # serif House, the built-in style, sans House
        assert run(runner, "build", str(folder), "-o", str(after), "--no-cache").exit_code == 0
    assert after.read_bytes() == alone.read_bytes()


def test_a_link_out_of_the_brief_is_neither_an_input_nor_sent_to_a_cluster(archive, tmp_path):
    from briefkit import cluster, freshness
    from briefkit.build import Options

    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOP SECRET")
    (archive[0] / "notes.txt").symlink_to(secret)
    (archive[0] / "inside.txt").symlink_to(archive[0] / "commentary.md")  # a link within: an input
    names = [path.name for path in freshness.files(archive[0])]
    assert "notes.txt" not in names and "inside.txt" in names
    parcel = cluster.pack(archive[0], Options())
    assert not any(b"TOP SECRET" in data for data in parcel.files.values())
    before = freshness.fingerprint(archive[0], Options())
    secret.write_text("CHANGED")
    assert freshness.fingerprint(archive[0], Options()) == before


@pytest.mark.slow  # two builds of a house style
def test_a_font_file_replaced_under_its_name_is_read_again(runner, archive, tmp_path):
    """A long-running process (watch, a cluster worker) keeps font setups: not a stale one."""
    style = _house_style(archive[0], "house", _font("serif"))
    out = tmp_path / "out.pdf"
    for kind in ("serif", "sans"):
        (style / "fonts" / "House.ttf").write_bytes(_font(kind).read_bytes())
        assert run(runner, "build", str(archive[0]), "-o", str(out), "--no-cache").exit_code == 0
    alone = tmp_path / "alone.pdf"
    subprocess.run([sys.executable, "-m", "briefkit", "build", str(archive[0]), "-o", str(alone),
                    "--no-cache"], check=True, capture_output=True)
    assert out.read_bytes() == alone.read_bytes()


def test_source_date_epoch_zero_is_an_epoch(archive, monkeypatch):
    from briefkit.build import Options, prepare
    from briefkit.typesetting import settings

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    options = Options()
    assert settings(prepare(archive[0], options), options).epoch == 0


def _font(kind: str) -> Path:
    """A font file that ships with briefkit's dependencies: Source Serif or Source Sans."""
    import font_source_sans_pro
    import font_source_serif_pro

    module, name = {"serif": (font_source_serif_pro, "SourceSerifPro-Regular.ttf"),
                    "sans": (font_source_sans_pro, "SourceSansPro-Regular.ttf")}[kind]
    return Path(module.__file__).parent / "files" / name


def _house_style(brief: Path, name: str, font: Path) -> Path:
    """A style in the brief's folder whose body font is family House, from the file `font`."""
    style = brief / "styles" / name
    (style / "fonts").mkdir(parents=True)
    (style / "fonts" / "House.ttf").write_bytes(font.read_bytes())
    (style / "style.yaml").write_text("extends: think-tank\n"
                                      "fonts:\n  - {family: House, file: fonts/House.ttf}\n")
    (style / "style.css").write_text("body, p { font-family: House; }\n")
    (brief / "brief.yaml").write_text((brief / "brief.yaml").read_text() + f"style: {name}\n")
    return style


def test_a_malformed_source_date_epoch_is_a_usage_error(runner, archive, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run(runner, "build", str(archive[0]))
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH='yesterday': give seconds since 1970" in result.output
