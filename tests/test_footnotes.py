"""Every footnote on the page of its call, on texts built to make WeasyPrint move notes."""

from __future__ import annotations

import pytest
import readback
import stress

from briefkit.build import Options, build
from briefkit.pdf import pagination

#: Generated briefs (16-25 pages, 80-130 long notes each) on which WeasyPrint alone prints
#: at least one note a page after its call: measured, and asserted below so the test can fail.
PROVOKING_SEEDS = (5, 6, 7)


@pytest.fixture(scope="module")
def stress_briefs(tmp_path_factory):
    root = tmp_path_factory.mktemp("stress")
    folders = {}
    for seed in PROVOKING_SEEDS:
        folders[seed] = root / f"s{seed}"
        stress.write(folders[seed], seed, note_words=(40, 150))
    return folders


@pytest.mark.parametrize("seed", PROVOKING_SEEDS)
def test_weasyprint_alone_moves_notes_on_the_stress_text(stress_briefs, seed, monkeypatch, tmp_path):
    monkeypatch.setattr(pagination, "NOTE_FIXES", ())
    pdf = build(stress_briefs[seed], Options(output=tmp_path / "raw.pdf")).pdf
    assert readback.notes(pdf).off_page(), "the stress text no longer provokes the case"


@pytest.mark.parametrize("seed", PROVOKING_SEEDS)
def test_briefkit_keeps_every_note_on_its_calls_page(stress_briefs, seed, tmp_path):
    result = build(stress_briefs[seed], Options(output=tmp_path / "fixed.pdf"))
    found = readback.notes(result.pdf)
    assert len(found.calls) == result.footnotes > 60
    assert sorted(found.notes) == sorted(found.calls) == list(range(1, result.footnotes + 1))
    assert found.off_page() == []


def test_the_html_output_carries_the_corrections(stress_briefs, tmp_path):
    """Bare WeasyPrint on --html prints what briefkit printed: every note on its call's page."""
    from weasyprint import HTML

    folder = stress_briefs[PROVOKING_SEEDS[0]]
    result = build(folder, Options(output=tmp_path / "built.pdf", html=tmp_path / "built.html", cache=False))
    assert result.corrections > 0
    HTML(filename=tmp_path / "built.html", base_url=str(folder)).write_pdf(tmp_path / "bare.pdf")
    bare, built = readback.notes(tmp_path / "bare.pdf"), readback.notes(result.pdf)
    assert bare.off_page() == [] and (bare.calls, bare.notes) == (built.calls, built.notes)
