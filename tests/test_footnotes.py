"""Every footnote on the page of its call, on texts built to make WeasyPrint move notes."""

from __future__ import annotations

import json

import pytest
import readback
import stress

from briefkit.build import Options, build
from briefkit.pdf import pagination
from briefkit.pdf.findings import LostText

pytestmark = pytest.mark.slow  # stress texts: full builds of 16-25 page briefs

#: Generated briefs (16-25 pages, 80-130 long notes each) on which WeasyPrint alone prints
#: at least one note a page after its call: measured, and asserted below so the test can fail.
PROVOKING_SEEDS = (5, 6, 7)


@pytest.fixture(scope="module")
def stress_briefs(shared):
    def make(root):
        for seed in PROVOKING_SEEDS:
            stress.write(root / f"s{seed}", seed, note_words=(40, 150))

    root = shared("stress", make)
    return {seed: root / f"s{seed}" for seed in PROVOKING_SEEDS}


@pytest.fixture(scope="module")
def fixed(stress_briefs, shared):
    """Each stress brief built by briefkit from scratch (no cache), with the HTML it laid out,
    once a run: {seed: (pdf, html, footnotes, corrections)}."""

    def make(out):
        for seed, folder in stress_briefs.items():
            result = build(folder, Options(output=out / f"{seed}.pdf", html=out / f"{seed}.html",
                                           cache=False))
            (out / f"{seed}.json").write_text(json.dumps([result.footnotes, result.corrections]))

    out = shared("stress-fixed", make)
    return {seed: (out / f"{seed}.pdf", out / f"{seed}.html", *json.loads((out / f"{seed}.json").read_text()))
            for seed in PROVOKING_SEEDS}


@pytest.mark.parametrize("seed", PROVOKING_SEEDS)
def test_weasyprint_alone_moves_notes_on_the_stress_text(stress_briefs, seed, monkeypatch, tmp_path):
    monkeypatch.setattr(pagination, "NOTE_FIXES", ())
    try:
        pdf = build(stress_briefs[seed], Options(output=tmp_path / "raw.pdf")).pdf
    except LostText as error:  # WeasyPrint alone even lost a note: briefkit writes no such PDF
        assert "printed on no page" in error.message
        return
    assert readback.notes(pdf).off_page(), "the stress text no longer provokes the case"


@pytest.mark.parametrize("seed", PROVOKING_SEEDS)
def test_briefkit_keeps_every_note_on_its_calls_page(fixed, seed):
    pdf, _, footnotes, _ = fixed[seed]
    found = readback.notes(pdf)
    assert len(found.calls) == footnotes > 60
    assert sorted(found.notes) == sorted(found.calls) == list(range(1, footnotes + 1))
    assert found.off_page() == []


def test_the_html_output_carries_the_corrections(stress_briefs, fixed, tmp_path):
    """Bare WeasyPrint on --html prints what briefkit printed: every note on its call's page."""
    from weasyprint import HTML

    seed = PROVOKING_SEEDS[0]
    pdf, html, _, corrections = fixed[seed]
    assert corrections > 0
    HTML(filename=html).write_pdf(tmp_path / "bare.pdf")  # its resources named from where it is
    bare, built = readback.notes(tmp_path / "bare.pdf"), readback.notes(pdf)
    assert bare.off_page() == [] and (bare.calls, bare.notes) == (built.calls, built.notes)


def test_readback_takes_no_bold_number_in_a_note_for_its_marker(make_brief, tmp_path):
    """Bold "7." inside a note's text is not note 7's marker: a marker begins its note's line."""
    folder = make_brief({"commentary.md": "One claim.[^a] Another.[^b]\n\n[^a]: See **Article 7.** of the charter, "
                                          "which the parties signed in 2021 and kept.\n[^b]: A second note.\n"})
    pdf = build(folder, Options(output=tmp_path / "b.pdf")).pdf
    found = readback.notes(pdf)
    assert sorted(found.notes) == sorted(found.calls) == [1, 2], found
