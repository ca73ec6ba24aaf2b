"""The analyst's daily loop: new, check (with and without layout), batch builds, watch."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
import yaml
from support import run

from briefkit.build import Options
from briefkit.watch import watch


def test_new_makes_a_brief_that_builds_at_once(runner, tmp_path):
    folder = tmp_path / "gulf-shipping"
    result = run(runner, "new", str(folder), "--style", "think-tank")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["brief.yaml", "commentary.md", "events.yaml",
                                                        "sources.yaml"]
    assert 'title: "Gulf Shipping"' in (folder / "brief.yaml").read_text()
    built = run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert built.exit_code == 0, built.output
    assert "3 footnotes" in built.output
    again = run(runner, "new", str(folder))
    assert again.exit_code == 2 and "not empty" in again.output


def test_check_passes_the_sample_and_loads_no_renderer(sample):
    code = ("import sys\nfrom briefkit.preflight import check\nfrom pathlib import Path\n"
            f"report = check(Path({str(sample['folder'])!r}))\n"
            "print(report.ok, sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True []", done.stdout + done.stderr
    assert time.perf_counter() - started < 5  # includes starting Python; the check itself is ~0.3 s


def test_check_reports_every_problem_as_json(runner, make_brief):
    folder = make_brief({"commentary.md": "Claim.[@nowhere]\n\nMore.[^x]\n"})
    result = run(runner, "check", str(folder), "--json")
    assert result.exit_code == 1
    [report] = json.loads(result.output)
    assert not report["ok"]
    assert [(p["line"], p["message"].split(";")[0]) for p in report["problems"]] == [
        (1, "unknown source @nowhere"), (3, "footnote [^x] has no definition")]


def test_check_layout_finds_budget_and_overfull_lines(runner, make_brief):
    long_word = "x" * 140
    folder = make_brief({"brief.yaml": "title: Budget\ndate: 2026-01-01\nmax_pages: 1\n",
                         "commentary.md": ("Paragraph text. " * 120 + "\n\n") * 6 + long_word + "\n"})
    result = run(runner, "check", str(folder), "--layout")
    assert result.exit_code == 1, result.output
    assert "pages; the budget is 1" in result.output
    assert "a line overflows by" in result.output and "xxxxxxxx" in result.output


@pytest.mark.parametrize("name, title", [("My Brief: Ä", "My Brief: Ä"), ("it's-done", "It's Done"),
                                         ('say "hi" # now', 'Say "hi" # Now')])
def test_new_takes_any_folder_name_as_a_title_that_reads_back(runner, tmp_path, name, title):
    folder = tmp_path / name
    assert run(runner, "new", str(folder)).exit_code == 0
    assert yaml.safe_load((folder / "brief.yaml").read_text())["title"] == title
    assert run(runner, "check", str(folder)).exit_code == 0


def test_a_batch_builds_the_good_briefs_and_reports_the_broken_one(runner, make_brief, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = make_brief(name="good")
    other = make_brief({"brief.yaml": "title: Another\ndate: 2026-02-02\n"}, name="other")
    broken = make_brief({"brief.yaml": "title: [unclosed\n"}, name="broken")
    result = run(runner, "build", str(good), str(broken), str(other), "-j", "2")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.pdf")) == [
        "2026-02-01-a-minimal-brief.pdf", "2026-02-02-another.pdf"]
    assert "broken/brief.yaml:2: not valid YAML" in result.output


def test_watch_rebuilds_on_save_and_survives_errors(make_brief, tmp_path):
    folder = make_brief()
    messages: list[str] = []
    stop = threading.Event()
    options = Options(output=tmp_path / "watched.pdf")
    thread = threading.Thread(target=watch, args=(folder, options, messages.append, stop.is_set))
    thread.start()
    try:
        def wait_for(word: str, since: int) -> int:
            """The index of the first message from `since` on that starts with `word`; one save
            may reach the watcher as more than one event, so a build may be reported twice."""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                found = [i for i, m in enumerate(messages) if i >= since and m.startswith(word)]
                if found:
                    return found[0]
                time.sleep(0.1)
            raise AssertionError(messages)

        built = wait_for("built", 0)
        first = (tmp_path / "watched.pdf").read_bytes()
        (folder / "commentary.md").write_text("Broken.[^missing]\n")
        failed = wait_for("failed", built + 1)
        assert "[^missing]" in messages[failed]
        assert (tmp_path / "watched.pdf").read_bytes() == first  # the last good PDF stays
        (folder / "commentary.md").write_text("Fixed, and longer.[^a]\n\n[^a]: Note.\n")
        wait_for("built", failed + 1)
        assert (tmp_path / "watched.pdf").read_bytes() != first
    finally:
        stop.set()
        thread.join(timeout=30)


def test_a_second_build_lays_out_once_and_gives_the_same_bytes(sample, tmp_path, monkeypatch):
    """The cache replays the corrections the first build needed; the PDF does not change."""
    from briefkit.build import build

    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = build(sample["folder"], Options(output=tmp_path / "1.pdf"))
    second = build(sample["folder"], Options(output=tmp_path / "2.pdf"))
    assert first.corrections >= 1 and second.corrections == 0
    # the sample fixture's PDF was built in another process, with a cache of its own
    assert first.pdf.read_bytes() == second.pdf.read_bytes() == sample["pdf"].read_bytes()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["charts", "layout", "rows"]


@pytest.mark.slow  # a second Python process and two builds
def test_a_fresh_process_draws_the_chart_alongside_and_gives_the_same_bytes(runner, tmp_path):
    """A cold `briefkit build` draws charts in a process of their own while the layout process
    rehearses with stand-ins of their size; here, with Matplotlib already loaded, they are drawn
    in process and nothing is rehearsed: the PDFs must not differ."""
    import matplotlib  # noqa: F401  (so the build below draws in this process)

    from briefkit.build import build

    assert run(runner, "new", str(tmp_path / "starter")).exit_code == 0  # a brief with a chart
    forked, here = tmp_path / "forked.pdf", tmp_path / "here.pdf"
    done = subprocess.run([sys.executable, "-m", "briefkit", "-vv", "build", "--no-cache",
                           str(tmp_path / "starter"), "-o", str(forked)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 chart(s) drawn in a second process" in done.stderr
    build(tmp_path / "starter", Options(output=here, cache=False))
    assert forked.read_bytes() == here.read_bytes()


@pytest.mark.slow  # robustness: two full builds of the sample
def test_a_broken_cache_is_ignored(sample, tmp_path, monkeypatch):
    from briefkit.build import build

    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", str(tmp_path / "cache"))
    good = build(sample["folder"], Options(output=tmp_path / "good.pdf"))
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text('[["note", 999], ["figure", "x"], 7]' if "layout" in entry.parts else '{"svg": 1}')
    again = build(sample["folder"], Options(output=tmp_path / "again.pdf"))
    assert again.pdf.read_bytes() == good.pdf.read_bytes() and again.corrections == 1


@pytest.mark.parametrize(("style", "taken"), [("think-tank", True),
                                               pytest.param("article", False, marks=pytest.mark.slow)])
def test_a_layout_run_ahead_on_a_spare_core_gives_the_pdf_of_one_layout_after_another(sample, style, taken,
                                                                                       caplog, monkeypatch):
    """A first build from the command line lays out, on its spare core, the sample with its chart
    moved below the next block while the first layout runs: in the built-in style that is the
    layout needed next (taken), in `article` it is not (thrown away). Either way the PDF and the
    count of layouts are those of one process laying out one layout after another."""
    import dataclasses
    import logging

    from briefkit.build import prepare
    from briefkit.charts import figures
    from briefkit.document import compose
    from briefkit.pdf import engine
    from briefkit.speculation import Speculation
    from briefkit.typesetting import settings

    prepared = prepare(sample["folder"], Options(style=style, cache=False))
    charts = figures.draw(prepared.material, prepared.body, prepared.style, False)
    own = frozenset(range(100))  # every chronology row with a note of its own, as a first build gives
    document = compose(prepared.material, prepared.body, charts, prepared.style, own)
    config = settings(prepared, Options(cache=False))
    alone = engine.render(document, config, None, own)
    forked = []
    monkeypatch.setattr(engine, "Speculation", lambda function: forked.append(function) or Speculation(function))
    with caplog.at_level(logging.DEBUG, logger="briefkit"):
        ahead = engine.render(document, dataclasses.replace(config, speculate=True), None, own)
    assert len(forked) == 1  # run ahead in both styles: taken in one, thrown away in the other
    assert ahead.rendered.pdf == alone.rendered.pdf and ahead.layouts == alone.layouts >= 2
    assert (ahead.log, ahead.rendered.fixes) == (alone.log, alone.rendered.fixes)
    assert ("the layout run ahead with [['figure', 0]] is the one needed" in caplog.text) is taken
