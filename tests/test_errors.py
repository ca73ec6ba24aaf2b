"""Bad input: every mistake a user can make gives a clear `file:line` message and exit code 1.

Most cases fail while the brief is read or its commentary parsed, so they never reach
WeasyPrint and run fast; the few that must render are at the end of the file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support import build, fails, html_of, run

SOURCES = textwrap.dedent("""\
    - id: reuters-2025
      type: article-newspaper
      title: Russia Removes Afghan Taliban From List
      issued: 2025-04-17
    - id: crs-2003
      type: report
      title: Russia's Chechnya Conflict
      issued: 2003-04-16
    """)

COMMENTARY_CITING_BOTH = "One claim.[@reuters-2025]\n\nAnother.[@crs-2003]\n"


def build_fails(runner, folder: Path, *where: str, says: str | tuple[str, ...]):
    """Build FOLDER, expect exit 1, each `file:line` in WHERE, the phrase(s) SAYS, no PDF."""
    result, out = build(runner, folder, folder.parent)
    return fails(result, out, 1, *where, *((says,) if isinstance(says, str) else says))


# --- brief.yaml ---------------------------------------------------------------------------

BRIEF_CASES = {
    "missing-title": (
        """\
        date: 2026-02-01
        authors:
          - name: Test Desk
        """,
        ["brief.yaml:1"], ("title is required",)),
    "missing-date": (
        """\
        title: A Brief
        authors:
          - name: Test Desk
        """,
        ["brief.yaml:1"], ("date is required",)),
    "bad-date": (
        """\
        title: A Brief
        authors:
          - name: Test Desk
        date: 2026-13-45
        """,
        ["brief.yaml:4"], ("2026-13-45", "date")),
    "bad-date-quoted": (
        """\
        title: A Brief
        authors:
          - name: Test Desk
        date: "2026-13-45"
        """,
        ["brief.yaml:4"], ("'2026-13-45' is not a date",)),
    "unknown-key-suggests": (
        """\
        date: 2026-02-01
        titel: A Brief
        """,
        ["brief.yaml:2"], ("unknown key 'titel'", "did you mean 'title'")),
    "yaml-syntax-error": (
        """\
        title: A Brief
        date: 2026-02-01
        authors: [Test Desk
        summary: never closed
        """,
        ["brief.yaml:4"], ("not valid YAML",)),
    "duplicate-key": (
        """\
        title: A Brief
        date: 2026-02-01
        title: Another Title
        """,
        ["brief.yaml:3"], ("duplicate key 'title'", "first on line 1")),
    "top-level-list": (
        """\
        - title: A Brief
        - date: 2026-02-01
        """,
        ["brief.yaml:1"], ("must be a mapping",)),
    "top-level-scalar": (
        "Just a title\n",
        ["brief.yaml:1"], ("must be a mapping",)),
    "keywords-not-a-list": (
        """\
        title: A Brief
        date: 2026-02-01
        keywords: Russia
        """,
        ["brief.yaml:3"], ("keywords", "valid list")),
}


@pytest.mark.parametrize("text, where, says", list(BRIEF_CASES.values()), ids=list(BRIEF_CASES))
def test_brief_yaml_errors(runner, make_brief, text, where, says):
    build_fails(runner, make_brief({"brief.yaml": text}), *where, says=says)


def test_author_with_unknown_key_suggests_author_keys(runner, make_brief):
    folder = make_brief({"brief.yaml": """\
        title: A Brief
        date: 2026-02-01
        authors:
          - name: Test Desk
            affilation: Example Institute
        """})
    output = build_fails(runner, folder, "brief.yaml:5", says="unknown key 'affilation'")
    assert "did you mean 'affiliation'" in output


def test_author_with_unknown_key_names_key_and_line(runner, make_brief):
    folder = make_brief({"brief.yaml": """\
        title: A Brief
        date: 2026-02-01
        authors:
          - name: Test Desk
            emial: desk@example.org
        """})
    build_fails(runner, folder, "brief.yaml:5", says="unknown key 'emial'")


# --- events.yaml --------------------------------------------------------------------------

EVENT_CASES = {
    "impossible-date-quoted": (
        """\
        events:
          - date: "2025-01-05"
            title: Fine
          - date: "2025-02-30"
            title: No such day
        """,
        ["events.yaml:4"], ("date", "day is out of range")),
    "missing-title": (
        """\
        events:
          - date: 2025-01-05
            title: Fine
          - date: 2025-03-01
            text: An event without a title
        """,
        ["events.yaml:4"], ("title is required",)),
    "unknown-key": (
        """\
        events:
          - date: 2025-01-05
            title: Fine
            gruop: Diplomacy
        """,
        ["events.yaml:4"], ("unknown key 'gruop'", "did you mean 'group'")),
    "end-before-date": (
        """\
        events:
          - date: 2025-01-05
            title: Fine
          - date: 2025-06-01
            end: 2025-05-01
            title: Backwards
        """,
        ["events.yaml:4"], ("'Backwards' ends before it starts",)),
    "duplicate-id": (
        """\
        events:
          - date: 2025-01-05
            title: First
            id: talks
          - date: 2025-02-05
            title: Second
            id: talks
        """,
        ["events.yaml:5"], ("duplicate event id 'talks'", "first on line 2")),
    "mapping-alias": (
        """\
        events:
          - &a
            date: 2025-01-05
            title: First
          - *a
        """,
        ["events.yaml:5"], ("aliases",)),
}


@pytest.mark.parametrize("text, where, says", list(EVENT_CASES.values()), ids=list(EVENT_CASES))
def test_events_yaml_errors(runner, make_brief, text, where, says):
    build_fails(runner, make_brief({"events.yaml": text}), *where, says=says)


def test_alias_is_refused(runner, make_brief):
    """Whatever line it names, a repeated mapping (*a) is refused without a traceback."""
    folder = make_brief({"events.yaml": """\
        events:
          - &a
            date: 2025-01-05
            title: First
          - *a
        """})
    build_fails(runner, folder, "events.yaml:", says="are not supported")


def test_event_with_unquoted_impossible_date(runner, make_brief):
    folder = make_brief({"events.yaml": """\
        events:
          - date: 2025-01-05
            title: Fine
          - date: 2025-02-30
            title: No such day
        """})
    build_fails(runner, folder, "events.yaml:4", says="2025-02-30")


def test_event_citing_unknown_source(runner, make_brief):
    folder = make_brief({
        "events.yaml": """\
            events:
              - date: 2025-01-05
                title: Fine
                sources: [reuters-2025]
              - date: 2025-04-17
                title: Delisting
                sources: [reuters-2052]
            """,
        "sources.yaml": SOURCES,
        "commentary.md": COMMENTARY_CITING_BOTH,
    })
    build_fails(runner, folder, "events.yaml:5",
                says=("'Delisting' cites unknown source 'reuters-2052'",))


# --- events.csv ---------------------------------------------------------------------------

CSV_CASES = {
    "ragged-row": (
        "date,title,group\n"
        "2025-01-05,Fine,Diplomacy\n"
        "2025-02-05,Too many,Diplomacy,extra\n"
        "2025-03-05,Fine too,Security\n",
        ["events.csv:3"], ("different number of cells",)),
    "short-row": (
        "date,title,group\n"
        "2025-01-05,Fine,Diplomacy\n"
        "2025-02-05,Too few\n",
        ["events.csv:3"], ("different number of cells",)),
    "bad-date-row-3": (
        "date,title\n"
        "2025-01-05,Fine\n"
        "2025-13-05,Bad month\n",
        ["events.csv:3"], ("date", "month must be in 1..12")),
}


@pytest.mark.parametrize("text, where, says",
                         [pytest.param(*case, id=name) for name, case in CSV_CASES.items()])
def test_events_csv_errors(runner, make_brief, text, where, says):
    build_fails(runner, make_brief({"events.csv": text}), *where, says=says)


def test_events_csv_unknown_column_names_header_line(runner, make_brief):
    folder = make_brief({"events.csv": "date,title,grop\n2025-01-05,Fine,Diplomacy\n"})
    build_fails(runner, folder, "events.csv:1", says=("unknown column 'grop'",))


def test_events_csv_unknown_column_names_column(runner, make_brief):
    folder = make_brief({"events.csv": "date,title,grop\n2025-01-05,Fine,Diplomacy\n"})
    build_fails(runner, folder, "events.csv:", says=("unknown column 'grop'", "columns: date"))


# --- TimelineJS events.json ---------------------------------------------------------------

TIMELINEJS = """\
    {
      "events": [
        {"start_date": {"year": "2025", "month": "1", "day": "5"},
         "text": {"headline": "Fine"}},
        {"start_date": {"year": "2025", "month": "%s"},
         "text": %s}
      ]
    }
    """


@pytest.mark.parametrize("month, text, says", [
    ("14", '{"headline": "Bad month"}', "month must be in 1..12"),
    ("2", '{"text": "No headline here"}', "event has no text.headline"),
], ids=["bad-month", "missing-headline"])
def test_timelinejs_errors(runner, make_brief, month, text, says):
    folder = make_brief({"events.json": TIMELINEJS % (month, text)})
    build_fails(runner, folder, "events.json:5", says=(says,))


# --- sources.yaml -------------------------------------------------------------------------

SOURCE_CASES = {
    "duplicate-id": (
        SOURCES + "- id: crs-2003\n  type: report\n  title: The same key again\n",
        ["sources.yaml:9"], ("duplicate source id 'crs-2003'",)),
    "item-without-id": (
        """\
    - id: reuters-2025
      title: Fine
    - type: report
      title: No id
    """,
        ["sources.yaml:3"], ("id is required",)),
    "not-a-list": (
        """\
    reuters-2025:
      title: A mapping, not a list
    """,
        ["sources.yaml:1"], ("must be a list of CSL items",)),
}


@pytest.mark.parametrize("text, where, says",
                         [pytest.param(*case, id=name) for name, case in SOURCE_CASES.items()])
def test_sources_yaml_errors(runner, make_brief, text, where, says):
    folder = make_brief({"sources.yaml": text, "commentary.md": "One claim.[@reuters-2025]\n"})
    build_fails(runner, folder, *where, says=says)


# --- commentary.md ------------------------------------------------------------------------

def test_unknown_citation_key_names_line_and_nearest_keys(runner, make_brief):
    folder = make_brief({
        "sources.yaml": SOURCES,
        "commentary.md": "# Title\n\nOne claim.[@reuters-2025]\n\n"
                         "A second paragraph,\nover two lines.[@reuters-2052, p. 3]\n\n"
                         "Another.[@crs-2003]\n",
    })
    build_fails(runner, folder, "commentary.md:6",
                says=("unknown source @reuters-2052", "nearest: @reuters-2025"))


def test_footnote_without_definition(runner, make_brief):
    folder = make_brief({"commentary.md": "First line.\n\nA claim.[^x]\n"})
    build_fails(runner, folder, "commentary.md:3",
                says=("footnote [^x] has no definition", "[^x]: text"))


def test_footnote_defined_but_never_called(runner, make_brief):
    folder = make_brief({"commentary.md": "A claim.[^a]\n\n[^a]: Called.\n\n[^y]: Never called.\n"})
    build_fails(runner, folder, "commentary.md:5", says="footnote [^y] is defined but never called")


def test_timeline_block_unknown_option_names_its_line(runner, make_brief):
    folder = make_brief({"commentary.md": "Intro.\n\n```timeline\nfrom: 2014\ncolour: red\n```\n"})
    build_fails(runner, folder, "commentary.md:5",
                says=("unknown block option 'colour'", "options: alt, caption"))


def test_timeline_block_unknown_option(runner, make_brief):
    folder = make_brief({"commentary.md": "Intro.\n\n```timeline\ncolour: red\n```\n"})
    build_fails(runner, folder, "commentary.md:4",
                says=("unknown block option 'colour'", "options: alt, caption"))


def test_timeline_block_invalid_yaml(runner, make_brief):
    folder = make_brief({"commentary.md": "Intro.\n\n```timeline\nfrom: 2014\ngroups: [a, b\n```\n"})
    build_fails(runner, folder, "commentary.md:6", says="block options: not valid YAML")


def test_missing_commentary_file(runner, make_brief):
    folder = make_brief({"commentary.md": None})
    build_fails(runner, folder, "commentary.md", says="file not found")


# --- several problems at once -------------------------------------------------------------

def test_errors_in_several_files_are_reported_together(runner, make_brief):
    folder = make_brief({
        "events.yaml": "events:\n  - date: 2025-01-05\n    title: Fine\n    gruop: Diplomacy\n",
        "sources.yaml": "- title: No id\n",
    })
    build_fails(runner, folder, "events.yaml:4", "sources.yaml:1",
                says=("2 problems", "unknown key 'gruop'", "id is required"))


def test_commentary_errors_reported_with_data_file_errors(runner, make_brief):
    folder = make_brief({
        "events.yaml": "events:\n  - date: 2025-01-05\n    title: Fine\n    gruop: Diplomacy\n",
        "commentary.md": "A claim.[^x]\n",
    })
    build_fails(runner, folder, "events.yaml:4", "commentary.md:1",
                says=("unknown key 'gruop'", "footnote [^x] has no definition"))


# --- builds that render -------------------------------------------------------------------

def test_uncited_source_only_warns(runner, make_brief, tmp_path):
    folder = make_brief({"sources.yaml": SOURCES, "commentary.md": "One claim.[@reuters-2025]\n"})
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "unexpected error" not in result.output
    assert "WARNING" in result.stderr
    assert "sources.yaml:5: source 'crs-2003' is never cited" in result.stderr
    assert "reuters-2025" not in result.stderr


@pytest.mark.parametrize("allow, shown", [
    (False, "Some &lt;b&gt;Raw&lt;/b&gt; text."),
    (True, "Some <b>Raw</b> text."),
], ids=["escaped-by-default", "allow_html"])
def test_raw_html_in_commentary(make_brief, allow, shown):
    brief = "title: A Brief\ndate: 2026-02-01\n" + ("allow_html: true\n" if allow else "")
    folder = make_brief({"brief.yaml": brief,
                         "commentary.md": 'Some <b>Raw</b> text.\n'})
    page = html_of(folder)
    assert shown in page
    if not allow:
        assert "<b>Raw" not in page


def test_failed_build_keeps_previous_pdf(runner, make_brief, tmp_path):
    folder = make_brief()
    out = tmp_path / "out.pdf"
    first = run(runner, "build", str(folder), "-o", str(out))
    assert first.exit_code == 0, first.output
    good = out.read_bytes()
    assert good.startswith(b"%PDF")

    (folder / "brief.yaml").write_text("title: A Brief\ndate: 2026-02-01\ntitel: typo\n")
    second = run(runner, "build", str(folder), "-o", str(out))
    assert second.exit_code == 1, second.output
    assert "brief.yaml:3" in second.output
    assert "unexpected error" not in second.output
    assert out.read_bytes() == good
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*.part")) == []


def test_output_over_an_input_is_refused(runner, make_brief):
    folder = make_brief()
    commentary = folder / "commentary.md"
    before = commentary.read_bytes()
    result = run(runner, "build", str(folder), "-o", str(commentary))
    assert result.exit_code == 2, result.output  # a usage error, refused before rendering
    assert "unexpected error" not in result.output
    assert "commentary.md: this is one of the brief's inputs" in result.output
    assert commentary.read_bytes() == before
    assert list(folder.glob(".*.part")) == []


def test_strict_fails_on_the_brief_not_on_the_machine():
    """WeasyPrint's notice that this machine lacks HarfBuzz-Subset is no fault of the brief."""
    import logging

    from briefkit.errors import RenderError
    from briefkit.pdf.failures import _errors_fail

    with _errors_fail(logging.WARNING):
        logging.getLogger("weasyprint").warning("Using fontTools instead of HarfBuzz-Subset for font X")
    with pytest.raises(RenderError, match="Ignored `colr: red`"):
        with _errors_fail(logging.WARNING):
            logging.getLogger("weasyprint").warning("Ignored `colr: red` at 1:1, unknown property.")
