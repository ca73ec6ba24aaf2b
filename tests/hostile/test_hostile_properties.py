"""Property tests: random commentary, events and YAML give clean BriefErrors or a brief, never a crash."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefkit.build import Options, build
from briefkit.commentary import parse
from briefkit.errors import BriefError, InputError, Problems
from briefkit.reading import load

pytestmark = pytest.mark.slow  # fuzz: thousands of generated inputs

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
        parse(text, Path("commentary.md"), {"a", "b"}, False, problems, Path("/nonexistent"))
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
        parse(material.commentary, material.commentary_file, set(material.sources),
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
    out = folder / "dist" / "out.pdf"  # outputs inside a brief folder go to its dist/ (issue 24, point 3)
    try:
        result = build(folder, Options(output=out, timeout=60))
        assert result.pages >= 1 and out.read_bytes().startswith(b"%PDF-")
    except BriefError as error:
        assert_located(error)
        assert not out.exists()


# --- the chart stage and the citation formatter, on any valid-looking data -----------------

#: Any text but surrogates (which UTF-8 files cannot hold): control characters included.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=24)
day = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
partial = st.one_of(day.map(lambda d: d.isoformat()), day.map(lambda d: f"{d.year:04d}-{d.month:02d}"),
                    day.map(lambda d: f"{d.year:04d}"))
GROUPS = ["Diplomacy", "Security", "Économie", "سیاست", "安全"]
chart_event = st.fixed_dictionaries(
    {"date": partial, "title": any_text},
    optional={"end": partial, "group": st.sampled_from(GROUPS), "text": any_text,
              "importance": st.sampled_from(["high", "normal", "low"])})
block_options = st.fixed_dictionaries({}, optional={
    "from": partial, "to": partial, "groups": st.lists(st.sampled_from(GROUPS + ["Securty"]), max_size=3),
    "zoom": st.one_of(st.sampled_from(["auto", "none"]), partial, st.tuples(partial, partial).map(list)),
    "caption": any_text})


@settings(max_examples=max(10, EXAMPLES // 20), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=st.lists(chart_event, min_size=1, max_size=8), options=block_options,
       language=st.sampled_from(["en", "ru", "fa", "hi"]))
def test_generated_events_are_drawn_or_refused_with_file_and_line(tmp_path_factory, items, options,
                                                                  language):
    from briefkit import blocks, styles
    from briefkit.charts import timeline as charts

    folder = tmp_path_factory.mktemp("chart")
    brief = {"title": "T", "date": "2026-01-01", "language": language}
    (folder / "brief.yaml").write_text(yaml.safe_dump(brief), encoding="utf-8")
    events = yaml.safe_dump({"events": items}, allow_unicode=True)
    (folder / "events.yaml").write_text(events, encoding="utf-8")
    block = yaml.safe_dump(options, allow_unicode=True) if options else ""
    (folder / "commentary.md").write_text(f"Text.\n\n```timeline\n{block}```\n", encoding="utf-8")
    problems = Problems()
    try:
        material = load(folder, problems)
        body = parse(material.commentary, material.commentary_file, set(), False, problems, folder)
        for found in body.blocks:
            for _, message in blocks.check_selection(found.kind, material.timeline, found.options,
                                                     material.events_file):
                problems.add(material.commentary_file, found.line, message)
        problems.raise_if_any()
    except BriefError as error:
        assert_located(error)
        return
    style = styles.find("think-tank")
    chart = charts.timeline_svg(material.timeline, body.blocks[0].options, style.chart_styles,
                                [f.path for f in style.fonts], style.chart_font, language)
    assert chart.svg.startswith("<svg") and chart.alt.strip()
    assert language != "en" or chart.alt.startswith("Timeline of")  # other languages: test_translations.py


name = st.fixed_dictionaries({}, optional={"family": any_text, "given": any_text, "literal": any_text})
csl_date = st.one_of(partial, day, st.builds(lambda d: {"date-parts": [[d.year, d.month, d.day]]}, day),
                     st.builds(lambda t: {"literal": t}, any_text), any_text)
csl_item = st.fixed_dictionaries(
    {"id": st.just("s"), "type": st.sampled_from(["report", "book", "article-journal", "webpage", "reprt"])},
    optional={"title": any_text, "author": st.lists(name, max_size=3), "issued": csl_date,
              "accessed": csl_date, "container-title": any_text, "publisher": any_text,
              "URL": any_text, "page": st.one_of(any_text, st.integers()), "volume": st.integers(),
              "title-short": any_text, "autor": any_text})


@SETTINGS
@given(item=csl_item, locator=st.one_of(st.just(""), any_text), language=st.sampled_from(["en", "ru", "fa"]))
def test_generated_sources_are_cited_or_refused_with_file_and_line(tmp_path_factory, item, locator, language):
    from briefkit import document as templates
    from briefkit import styles
    from briefkit.citations import Citer
    from briefkit.reading import _load_sources

    folder = tmp_path_factory.mktemp("csl")
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump([item], allow_unicode=True), encoding="utf-8")
    problems = Problems()
    sources = _load_sources(path, problems)
    if problems:
        assert_located(InputError(problems.items))
        return
    env = templates.brief_env(styles.find("think-tank"))
    citer = Citer(sources, env.get_template("citations/chicago-note.html.j2").module, language)
    assert str(citer.note([("s", locator)])) and str(citer.note([("s", "")]))
