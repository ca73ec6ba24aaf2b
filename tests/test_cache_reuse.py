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


@pytest.mark.slow  # three builds of the sample; test_loop.py's cached rebuild is the quick run's cache test
def test_a_copy_elsewhere_starts_from_the_brief_s_memory(sample, tmp_path, monkeypatch):
    """The brief's memory is found by its title, date and language, not its folder: a copy in
    another folder (a move, a fresh checkout elsewhere) is laid out once, to the same bytes, and
    so is another PDF variant of it; another brief is not taken for it."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    first = build(_copy(sample, tmp_path), Options(output=tmp_path / "first.pdf"))
    assert first.corrections == 1
    elsewhere = tmp_path / "checkout" / "elsewhere"
    shutil.copytree(sample["folder"], elsewhere)
    copy = build(elsewhere, Options(output=tmp_path / "copy.pdf"))
    assert copy.corrections == 0  # its rows' notes and the figure's move known before it was laid out
    assert copy.pdf.read_bytes() == first.pdf.read_bytes()
    archival = build(elsewhere, Options(output=tmp_path / "archival.pdf", pdf_variant="pdf/a-3b"))
    assert archival.corrections == 0  # a variant is written differently, laid out the same
    yaml = elsewhere / "brief.yaml"
    yaml.write_text(yaml.read_text().replace("date: 2026-01-29", "date: 2026-01-30", 1))
    assert build(elsewhere, Options(output=tmp_path / "other.pdf")).corrections == 1  # a first build's two


@pytest.mark.slow  # two briefs of three layouts; robustness of the guess
def test_a_remembered_correction_that_loses_text_costs_a_layout_not_the_build(make_brief, tmp_path, monkeypatch):
    """Two briefs in the sidenotes style with one title and date share a memory: the first's
    corrections, replayed on the second, push one of its long notes partly off its page. The
    second is then laid out as a first build: built, to the bytes a build without cache gives."""
    from support import write_style

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))

    def brief(name: str, notes: list[str]):
        folder = make_brief({"commentary.md": "".join(f"Claim {i}.[^n{i}] " for i in range(len(notes))) + "\n\n"
                             + "".join(f"[^n{i}]: {text}\n\n" for i, text in enumerate(notes))}, name)
        write_style(folder / "styles", "side", "extends: sidenotes\n")
        (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "style: side\n")
        return folder

    first = brief("first", [f"Note {i} says what the source shows about envoy {i} and the talks. " * (2 + i % 5)
                            for i in range(14)])
    assert build(first, Options(output=tmp_path / "first.pdf")).corrections >= 1
    long = "A long explanation of the source and what it shows about the talks and the envoys. " * 6
    second = brief("second", [long] * 12)
    built = build(second, Options(output=tmp_path / "second.pdf"))
    fresh = build(second, Options(output=tmp_path / "fresh.pdf", cache=False))
    assert built.pdf.read_bytes() == fresh.pdf.read_bytes()


SOURCES = "- id: s\n  type: article-newspaper\n  title: Russia Recognises the Taliban Government\n" \
          "  container-title: Reuters\n  issued: 2025-07-03\n"


def _chronology_brief(make_brief, title: str, filler: int, rows: int = 1, sources: str = SOURCES):
    """The chronology's rows cite the text's one source: beside its note, or pages after it."""
    events = "events:\n" + "".join(f"  - date: 2025-07-{day + 1:02d}\n    title: Event {day} of the talks, "
                                   "in a longer title\n    sources: [s]\n" for day in range(rows))
    return make_brief({"brief.yaml": f"title: {title}\ndate: 2026-02-01\nauthors:\n  - name: Desk\n",
                       "events.yaml": events, "sources.yaml": sources,
                       "commentary.md": "Russia recognised the Taliban.[@s]\n\n" + "More text here. " * filler
                       + "\n\n```chronology\n```\n"}, name=title.replace(" ", "-"))


def _unguessed(folder, output, monkeypatch):
    """The brief built from no guess: each round gives the rows that link to another page
    notes of their own, as a build did before it guessed."""
    from briefkit import typesetting

    with monkeypatch.context() as patch:
        patch.setattr(typesetting, "REACH", 10**9)
        return build(folder, Options(output=output, cache=False))


@pytest.mark.parametrize(("filler", "layouts", "footnotes"), [(400, 1, 2), (0, 1, 1)])
def test_a_first_build_gives_rows_far_from_their_notes_notes_of_their_own_at_once(
        make_brief, tmp_path, filler, layouts, footnotes):
    """The usual chronology follows the text it cites, its notes pages back: a first build gives
    those rows notes of their own from the start and lays out once (it took two). A row beside
    its earlier note links to it, in one layout too. A rebuild starts from what the first
    learned: one layout, the same bytes."""
    folder = _chronology_brief(make_brief, f"Filler {filler}", filler)
    first = build(folder, Options(output=tmp_path / "first.pdf"))
    assert (first.corrections + 1, first.footnotes) == (layouts, footnotes)
    again = build(folder, Options(output=tmp_path / "again.pdf"))
    assert again.corrections == 0 and again.pdf.read_bytes() == first.pdf.read_bytes()


@pytest.mark.slow  # three builds of a 30-row chronology
def test_the_first_build_s_guess_gives_the_pdf_a_build_without_it_gives(make_brief, tmp_path, monkeypatch):
    """Thirty rows across a page break, the first few within REACH of the text's note (left to
    the layout: one links to another page), the rest further (guessed): the guess saves
    layouts, never changes the PDF, and a rebuild lays out once."""
    folder = _chronology_brief(make_brief, "Thirty rows", 200, rows=30)
    guessed = build(folder, Options(output=tmp_path / "guessed.pdf"))
    plain = _unguessed(folder, tmp_path / "plain.pdf", monkeypatch)
    assert guessed.pdf.read_bytes() == plain.pdf.read_bytes() and guessed.footnotes == plain.footnotes > 1
    assert guessed.corrections <= plain.corrections
    assert build(folder, Options(output=tmp_path / "again.pdf")).corrections == 0


def test_a_row_guessed_wrong_costs_a_layout_not_a_wrong_pdf(make_brief, tmp_path, monkeypatch):
    """In a house style whose page holds far more than REACH, a row that far from its earlier
    note is still on its page: the guessed own note is needless, and the brief is laid out as
    without the guess, the row linking to the note."""
    from support import write_style

    folder = _chronology_brief(make_brief, "Small print", 260)
    write_style(folder / "styles", "small", "extends: think-tank\n", css="html { font-size: 4pt; }\n")
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "style: small\n")
    built = build(folder, Options(output=tmp_path / "built.pdf"))
    plain = _unguessed(folder, tmp_path / "plain.pdf", monkeypatch)
    assert (built.corrections, plain.corrections, built.footnotes) == (1, 0, 1)
    assert built.pdf.read_bytes() == plain.pdf.read_bytes() and built.pages == 1
    again = build(folder, Options(output=tmp_path / "again.pdf"))
    assert again.corrections == 0 and again.pdf.read_bytes() == built.pdf.read_bytes()


def test_a_rebuild_still_warns_of_a_source_the_style_cannot_format_fully(make_brief, tmp_path, caplog):
    """Warnings come from the first composition of each build, whatever rows it starts from."""
    from support import write_style

    incomplete = SOURCES.replace("  container-title: Reuters\n", "")
    folder = _chronology_brief(make_brief, "Incomplete", 400, sources=incomplete)
    write_style(folder / "styles", "house", "extends: think-tank\ncitation_format: chicago-notes-bibliography\n")
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "style: house\n")
    for name in ("first", "again"):
        caplog.clear()
        build(folder, Options(output=tmp_path / f"{name}.pdf"))
        warned = [r.getMessage() for r in caplog.records if "has no container-title" in r.getMessage()]
        assert len(warned) == 1 and warned[0].startswith(f"{folder / 'sources.yaml'}:1: source 's'"), name
