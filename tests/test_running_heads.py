"""A running head is reported when its lines do not fit its margin box, not when a fallback font's
content area reaches past its line, as CSS lets it (Noto Sans Arabic's is tall): the ink is inside."""

from __future__ import annotations

import shutil
from pathlib import Path

from support import run

ARABIC = Path(__file__).parent / "fixtures" / "scripts" / "ar"


def test_an_arabic_running_head_that_fits_its_box_is_not_reported(runner, tmp_path):
    folder = tmp_path / "ar"
    shutil.copytree(ARABIC, folder)
    report = run(runner, "check", "--layout", str(folder))
    assert report.exit_code == 0, report.output
    assert "running head" not in report.output and "ok, 2 pages" in report.output


def test_a_running_head_taller_than_its_box_is_reported(runner, tmp_path):
    folder = tmp_path / "ar"
    shutil.copytree(ARABIC, folder)
    (folder / "styles" / "tall").mkdir(parents=True)
    (folder / "styles" / "tall" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "tall" / "style.css").write_text("@page { @top-right { line-height: 12; } "
                                                         "@top-left { line-height: 12; } }\n")
    report = run(runner, "check", "--layout", "--style", "tall", str(folder))
    assert report.exit_code == 1 and "page 2, the running head (@top-right): a line overflows" in report.output
