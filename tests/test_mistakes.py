"""Mistakes that once gave a wrong PDF with exit 0: each is now a problem with file and line,
found by `briefkit check` (no rendering) and by a build, all of them in one run."""

from __future__ import annotations

import textwrap

import pytest
from support import check_finds, copy_sample, run

TIMELINE_AND_CHRONOLOGY = """\
    Text.[^a]

    [^a]: A note.

    ```timeline
    caption: The period
    ```

    ```chronology
    from: 2020
    ```
    """

EVENTS = """\
    events:
      - date: 2021-03-01
        title: Talks open
        group: Agreements
      - date: 2022-05-01
        title: Road opened
        group: Infrastructure
    """


def test_blocks_need_events(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": TIMELINE_AND_CHRONOLOGY})
    check_finds(runner, folder,
                "commentary.md:5: a timeline block shows events, but the brief has no events",
                "commentary.md:9: a chronology block")
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 1 and not out.exists()


def test_an_empty_events_file_is_not_a_timeline(runner, make_brief):
    folder = make_brief({"commentary.md": TIMELINE_AND_CHRONOLOGY, "events.yaml": "events: []\n"})
    check_finds(runner, folder,
                "commentary.md:5: a timeline block shows events, but events.yaml has no events")


def test_a_range_with_no_event_in_it(runner, make_brief):
    text = TIMELINE_AND_CHRONOLOGY.replace("from: 2020", "from: 2030\n    to: 2031")
    folder = make_brief({"commentary.md": text, "events.yaml": EVENTS})
    check_finds(runner, folder, "commentary.md:9: no event falls within from: 2030; to: 2031")


@pytest.mark.parametrize("kind", ["timeline", "chronology"])
def test_a_group_typo_in_a_block(runner, make_brief, kind):
    text = f"Text.\n\n```{kind}\ngroups: [Agreements, Infrastucture]\n```\n"
    folder = make_brief({"commentary.md": text, "events.yaml": EVENTS})
    check_finds(runner, folder, "commentary.md:4: groups: no event is in group 'Infrastucture'; "
                                "did you mean 'Infrastructure'?")


SOURCES_WITH_TYPOS = """\
    - id: report
      type: reprot
      title: A Report
      autor:
        - family: Neale
          givne: Jonathan
      isued: 2025-07-03
      accessed: {date-parts: [[2025, 13]]}
      publisher: [Not, text]
    """


def test_sources_are_checked_against_the_csl_schema(runner, make_brief):
    folder = make_brief({"sources.yaml": SOURCES_WITH_TYPOS,
                         "commentary.md": "A claim.[@report]\n"})
    check_finds(runner, folder,
                "sources.yaml:2: type: 'reprot' is not a CSL item type; did you mean 'report'?",
                "sources.yaml:4: unknown CSL variable 'autor'; did you mean 'author'?",
                "sources.yaml:7: unknown CSL variable 'isued'; did you mean 'issued'?",
                "sources.yaml:8: accessed: '2025-13' is not a date",
                "sources.yaml:9: publisher: expected text or a number, not list")


def test_name_parts_are_checked_too(runner, make_brief):
    folder = make_brief({"sources.yaml": "- id: r\n  title: R\n  author:\n    - {family: Neale, givne: J}\n",
                         "commentary.md": "A claim.[@r]\n"})
    check_finds(runner, folder, "sources.yaml:4: author: unknown name part 'givne'; did you mean 'given'?")


def test_zotero_csl_json_passes(runner, make_brief):
    zotero = """[{"id": "z1", "type": "article-journal", "title": "T", "container-title": "J",
        "journalAbbreviation": "J.", "shortTitle": "T", "citation-key": "z1", "language": "en",
        "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [["2024", 3]]},
        "accessed": {"date-parts": [[2025, 1, 2]]}, "page": "1-10", "volume": 3, "DOI": "10.1/x"}]"""
    folder = make_brief({"sources.json": zotero, "commentary.md": "A claim.[@z1]\n"})
    result = run(runner, "check", str(folder))
    assert result.exit_code == 0, result.output


def test_a_footnote_defined_twice(runner, make_brief):
    folder = make_brief({"commentary.md": "Text.[^a]\n\n[^a]: First.\n\n[^a]: Second.\n"})
    check_finds(runner, folder, "commentary.md:5: footnote [^a] is defined twice (first on line 3)")


@pytest.mark.parametrize("file, text, line", [
    ("brief.yaml", "title: T\ndate: 2026-02-01\nkeywords: !!python/object/apply:os.system ['true']\n", 3),
    ("brief.yaml", "title: T\ndate: 2026-02-01\nsummary: !include secret.txt\n", 3),
    ("events.yaml", "events:\n  - date: 2025-01-01\n    title: !!str Tagged\n", 3),
    ("sources.yaml", "- !source\n  id: a\n  title: A\n", 1),
    ("commentary.md", "Text.\n\n```timeline\ncaption: !env HOME\n```\n", 4),
])
def test_yaml_tags_are_refused(runner, make_brief, file, text, line):
    folder = make_brief({file: text, "events.yaml": EVENTS} if file != "events.yaml" else {file: text})
    check_finds(runner, folder, f"{file}:{line}: ", "YAML tags (")


@pytest.mark.parametrize("title", ["Null \\x00 byte", "Escape \\e[31m red", "Bell \\a", "C1 \\x85 next"])
def test_control_characters_in_text_are_refused(runner, make_brief, title):
    events = f'events:\n  - date: 2025-01-01\n    title: "{title}"\n'
    folder = make_brief({"events.yaml": events, "commentary.md": "Text.\n\n```timeline\n```\n"})
    check_finds(runner, folder, "events.yaml:3: control character U+")


def test_control_characters_in_csv_cells_are_refused(runner, make_brief):
    folder = make_brief({"events.csv": "date,title\n2025-01-01,Fine\n2025-02-01,Bad \x1b[31m\n"})
    check_finds(runner, folder, "events.csv:3: title: control character U+001B")


def test_tabs_and_line_breaks_are_text(runner, make_brief):
    events = 'events:\n  - date: 2025-01-01\n    title: "Tab\\there"\n    text: "Two\\nlines"\n'
    folder = make_brief({"events.yaml": events})
    assert run(runner, "check", str(folder)).exit_code == 0


def test_dates_at_the_ends_of_the_calendar_are_drawn(runner, make_brief, tmp_path):
    events = """\
        events:
          - date: 0001-01-01
            title: The first day
          - date: 2020-01-01
            end: 9999-12-31
            title: A span to the last day
          - date: 9999
            title: The last year
        """
    folder = make_brief({"events.yaml": events, "commentary.md": "Text.\n\n```timeline\n```\n"})
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_year_zero_is_refused_with_its_line(runner, make_brief):
    folder = make_brief({"events.yaml": "events:\n  - date: '0000'\n    title: Before the calendar\n"})
    check_finds(runner, folder, "events.yaml:2: events.0.date: '0000' is not a date")


def test_every_problem_of_every_file_in_one_run_sorted(runner, make_brief):
    """Four files, seven mistakes, one run; a typo in brief.yaml no longer hides the rest."""
    folder = make_brief({
        "brief.yaml": "titel: A Brief\ndate: 2026-02-30\n",
        "events.yaml": "events:\n  - date: 2025-02-30\n    title: Bad day\n  - date: 2025-03-01\n"
                       "    title: Fine\n    gruop: Talks\n",
        "sources.yaml": "- id: a\n  title: A\n  autor: [{family: X}]\n",
        "commentary.md": "A claim.[@b]\n",
    })
    output = check_finds(runner, folder, "brief.yaml:1: title is required",
                         "brief.yaml:1: unknown key 'titel'",
                         "brief.yaml:2: date: '2026-02-30' is not a date",
                         "events.yaml:2:", "events.yaml:6: unknown key 'gruop'",
                         "sources.yaml:3: unknown CSL variable 'autor'", "commentary.md:1: unknown source @b")
    places = [line.strip().split(": ")[0] for line in output.splitlines()[1:]]
    files = [place.rsplit(":", 1)[0] for place in places]
    assert files == sorted(files) and "7 problem(s)" in output


def test_a_style_that_cannot_be_found_does_not_hide_the_rest(runner, make_brief):
    folder = make_brief({"brief.yaml": "title: T\ndate: 2026-02-01\nstyle: no-such-style\n",
                         "commentary.md": "A claim.[@nowhere]\n"})
    check_finds(runner, folder, "brief.yaml:3: style 'no-such-style' not found",
                "commentary.md:1: unknown source @nowhere")


def test_inspect_extract_with_nothing_attached(runner, sample, tmp_path):
    target = tmp_path / "data"
    result = run(runner, "inspect", str(sample["pdf"]), "--extract", str(target))
    assert result.exit_code == 1 and "nothing to extract" in result.output
    assert not target.exists()


def test_inspect_of_a_file_that_is_not_a_pdf(runner, tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a PDF")
    result = run(runner, "inspect", str(fake))
    assert result.exit_code == 1 and "not a PDF that opens cleanly" in result.output


@pytest.mark.slow  # three builds; test_publish.py publishes quickly
def test_publish_keeps_a_published_brief_whose_rebuild_fails(runner, tmp_path):
    for name in ("a", "b", "c"):
        assert run(runner, "new", str(tmp_path / name)).exit_code == 0
        brief = tmp_path / name / "brief.yaml"
        brief.write_text(brief.read_text().replace("title:", f"title: Brief {name.upper()} -", 1))
    folders = [str(tmp_path / name) for name in ("a", "b", "c")]
    site = tmp_path / "site"
    assert run(runner, "publish", *folders, "-o", str(site)).exit_code == 0
    published = {p.name: p.read_bytes() for p in site.iterdir() if p.is_file()}
    commentary = tmp_path / "b" / "commentary.md"
    commentary.write_text(commentary.read_text() + "\nA new claim.[@no-such-source]\n")
    result = run(runner, "publish", *folders, "-o", str(site))
    assert result.exit_code == 1 and "unknown source @no-such-source" in result.output
    for name in ("index.html", "feed.xml", "SHA256SUMS"):
        assert (site / name).read_bytes() == published[name], name
    pdfs = {name: data for name, data in published.items() if name.endswith(".pdf")}
    assert len(pdfs) == 3 and all((site / name).read_bytes() == data for name, data in pdfs.items())
    assert len((site / "SHA256SUMS").read_text().splitlines()) == 3


def test_a_brief_that_never_built_is_not_published(runner, tmp_path, make_brief):
    good = make_brief(name="good")
    bad = make_brief({"commentary.md": "A claim.[@missing]\n"}, name="bad")
    site = tmp_path / "site"
    result = run(runner, "publish", str(good), str(bad), "-o", str(site))
    assert result.exit_code == 1
    assert len((site / "SHA256SUMS").read_text().splitlines()) == 1


def test_the_sample_still_checks_clean(runner, tmp_path):
    folder = copy_sample(tmp_path, "sample")
    result = run(runner, "check", str(folder))
    assert result.exit_code == 0, result.output
    assert textwrap.dedent(result.output).strip().endswith("ok")


@pytest.mark.parametrize("files, expected", [
    ({"events.yaml": "events: 5\n"}, "events.yaml:1: events: a list of items"),
    ({"events.yaml": "events: []\neras: 5\n"}, "events.yaml:2: eras: a list of items"),
    ({"events.json": '{"events": 5}', "events.yaml": None}, "events.json:1: events: a list of items"),
    ({"events.yaml": "events:\n  - date: '2025-00'\n    title: Month zero\n"}, "events.yaml:2:"),
    ({"events.yaml": "events:\n  - date: 2025-01-01\n    title: '  '\n"}, "must not be empty"),
    ({"brief.yaml": "title: ''\ndate: 2026-02-01\n"}, "brief.yaml:1: title: must not be empty"),
    ({"brief.yaml": "title: T\ndate: 2026-02-01\nmax_pages: -1\n"}, "brief.yaml:3: max_pages"),
    ({"commentary.md": "Text.[^a]\n\n[^a]:\n"}, "commentary.md:3: footnote [^a] is empty"),
    ({"commentary.md": "\n"}, "commentary.md:1: the commentary is empty"),
    ({"commentary.md": "A claim.[@a]\n",
      "sources.yaml": "- id: a\n  title: A\n  URL: 'javascript:alert(1)'\n"},
     "sources.yaml:3: URL: 'javascript:alert(1)' is not an http(s) address"),
    ({"commentary.md": "T.\n\n```timeline\nzoom: [2026, 2020]\n```\n", "events.yaml": EVENTS},
     "commentary.md:4: zoom: 2020 is before 2026"),
    ({"commentary.md": "T.\n\n```timeline\nfrom: 2026\nto: 2024\n```\n", "events.yaml": EVENTS},
     "commentary.md:5: to: 2024 is before from: 2026"),
    ({"commentary.md": "T.\n\n```timeline\ncaption: [1]\n```\n", "events.yaml": EVENTS},
     "commentary.md:4: caption: expected text"),
    ({"brief.yaml": "title: T\ndate: 2026-02-01\nkeywords: " + "[" * 990 + "]" * 990 + "\n"},
     "brief.yaml:3: values nest more than 50 levels deep"),
], ids=["events-not-a-list", "eras-not-a-list", "timelinejs-not-a-list", "month-zero", "blank-title",
        "empty-brief-title", "negative-page-budget", "empty-note", "empty-commentary", "script-url",
        "zoom-backwards", "range-backwards", "caption-list", "deep-nesting"])
def test_more_inputs_that_passed_silently_or_crashed(runner, make_brief, files, expected):
    check_finds(runner, make_brief(files), expected)


@pytest.mark.parametrize("field, text, line", [
    ("summary", "'![x](/etc/hostname)'", 3),
    ("disclaimer", "'[click](javascript:alert(1))'", 3),
])
def test_links_in_short_fields_follow_the_commentary_rules(runner, make_brief, field, text, line):
    folder = make_brief({"brief.yaml": f"title: T\ndate: 2026-02-01\n{field}: {text}\n"})
    check_finds(runner, folder, f"brief.yaml:{line}: ")
