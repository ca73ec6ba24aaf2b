"""Property tests: random commentary, events and YAML give clean BriefErrors or a brief, never a crash."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefkit.build import Options, build
from briefkit.commentary import render
from briefkit.errors import BriefError, InputError, Problems
from briefkit.loading import load

#: Examples per property; CI runs the full count, BRIEFKIT_FUZZ overrides it.
EXAMPLES = int(os.environ.get("BRIEFKIT_FUZZ", 2000))
PIECES = ["[@a]", "[@b, p. 2]", "[@a; @zz]", "[^n]", "[^n]: note\n", "\n\n", "```timeline\n",
          "```chronology\nfrom: 2020\n```\n", "```\n", "from: [", "# ", "## ", "> ", "- ", "1. ", "*",
          "_", "`", "<b>", "<img src=x>", "](", "[", "]", "(", ")", "![i](", "javascript:", "../",
          "http://127.0.0.1:9/x.png", "{.pull-quote}\n", "{{ 7*7 }}", "{%", "$", "%", "\\", "|", "\t",
          "é", "\u202e", "\x00", "text ", "word"]
markdown = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join)
yaml_scalar = st.one_of(st.sampled_from(["2025-07-03", "'2025-07'", "2025-13-01", "NO", "1.10", "~", "[]",
                                         "{}", "*x", "&x a", "'x", "2003", "-1", "'0000'", "high", "low"]),
                        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
KEYS = ("date", "end", "title", "group", "importance", "sources", "id", "typo")
event = st.fixed_dictionaries({}, optional={key: yaml_scalar for key in KEYS})
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def assert_located(error: BriefError) -> None:
    """Bad input is an InputError whose every problem names a file of the brief and says what."""
    assert isinstance(error, InputError), f"{type(error).__name__}: {error}"
    for problem in error.problems:
        assert Path(problem.file).name and problem.message.strip(), problem


def events_yaml(items: list[dict]) -> str:
    lines = ["events:"]
    for item in items:
        lines.append("  -" + ("" if item else " {}"))
        lines += [f"    {key}: {value}" for key, value in item.items()]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(text=markdown)
def test_commentary_gives_html_or_clean_problems(text):
    problems = Problems()
    try:
        render(text, Path("commentary.md"), {"a", "b"}, False, problems, Path("/nonexistent"))
    except BriefError as error:
        assert_located(error)
    for problem in problems.items:
        assert Path(problem.file).name == "commentary.md" and problem.line >= 1 and problem.message


@SETTINGS
@given(items=st.lists(event, max_size=6), brief_extra=st.dictionaries(
    st.sampled_from(["title", "date", "language", "number", "keywords", "authors", "summary", "titel"]),
    yaml_scalar, max_size=4), text=markdown)
def test_loading_and_validation_raise_only_brief_errors(tmp_path_factory, items, brief_extra, text):
    folder = tmp_path_factory.mktemp("fuzz")
    brief = {"title": "T", "date": "2026-01-01", **brief_extra}
    (folder / "brief.yaml").write_text("".join(f"{k}: {v}\n" for k, v in brief.items()), encoding="utf-8")
    (folder / "events.yaml").write_text(events_yaml(items), encoding="utf-8")
    (folder / "sources.yaml").write_text("- {id: a, title: A}\n- {id: b, title: B}\n")
    (folder / "commentary.md").write_text(text, encoding="utf-8", errors="replace")
    problems = Problems()
    try:
        material = load(folder, problems)
        render(material.commentary, material.commentary_file, set(material.sources),
               material.brief.allow_html, problems, folder)
        problems.raise_if_any()
    except BriefError as error:
        assert_located(error)


@settings(max_examples=max(5, EXAMPLES // 40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=st.lists(event, max_size=4), text=markdown)
def test_whole_builds_end_in_a_pdf_or_a_clean_error(tmp_path_factory, items, text):
    folder = tmp_path_factory.mktemp("fuzzpdf")
    (folder / "brief.yaml").write_text(textwrap.dedent("""\
        title: Fuzz
        date: 2026-01-01
        """))
    (folder / "events.yaml").write_text(events_yaml(items), encoding="utf-8")
    (folder / "sources.yaml").write_text("- {id: a, title: A}\n- {id: b, title: B}\n")
    (folder / "commentary.md").write_text(text + "\n\n```timeline\n```\n", encoding="utf-8", errors="replace")
    out = folder / "out.pdf"
    try:
        result = build(folder, Options(output=out, timeout=60))
        assert result.pages >= 1 and out.read_bytes().startswith(b"%PDF-")
    except BriefError as error:
        assert_located(error)
        assert not out.exists()
