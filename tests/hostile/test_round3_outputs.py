"""Round three of hostile input (issue 24), outputs and processes: no output over or among the
inputs (3), batch and publish survive bad paths (12), damaged caches and out-of-range
SOURCE_DATE_EPOCH (13), one YAML reader (15), no process or `.part` file outlives a killed build (16)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ROOT, fails, run

from briefkit import output
from briefkit.build import Options, build
from briefkit.errors import UsageError

BRIEF = "title: {title}\ndate: 2026-02-0{n}\nauthors:\n  - name: Desk\n{extra}"
EVENTS = "".join(f"- date: {1990 + n}-0{1 + n % 9}-1{n % 10}\n  title: Event number {n}\n  group: "
                 f"{'Diplomacy' if n % 2 else 'Security'}\n" for n in range(30))
TIMELINE = "Text.[^a]\n\n```timeline\ncaption: The events.\n```\n\n[^a]: A note.\n"


def _brief(root: Path, name: str, n: int = 1, extra: str = "", commentary: str = "Text.[^a]\n\n[^a]: N.\n",
           **files: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(BRIEF.format(title=f"Brief {n}", n=n, extra=extra))
    (folder / "commentary.md").write_text(commentary)
    for file, text in files.items():
        (folder / file).write_text(text)
    return folder


def _digests(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def styled(tmp_path):
    """A brief with an image and its own style folder `styles/a`."""
    folder = _brief(tmp_path, "brief", extra="style: a\n")
    (folder / "images").mkdir()
    (folder / "images" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    (folder / "styles" / "a" / "templates").mkdir(parents=True)
    (folder / "styles" / "a" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "a" / "style.css").write_text("p { color: #222; }\n")
    return folder


# --- 3: an output never overwrites, or lands among, what the build reads ---------------------

@pytest.mark.parametrize("option", ["-o", "--html"])
@pytest.mark.parametrize("place", ["images/photo.png", "styles/a/style.css", "styles/a/style.yaml",
                                   "styles/a/templates/page.html.j2", "new.pdf", "images/new.pdf",
                                   "brief.yaml/x.pdf", ".hidden-file.pdf"])
def test_an_output_among_the_inputs_is_refused_before_anything_is_written(runner, styled, tmp_path, option,
                                                                          place):
    before = _digests(styled)
    args = ["-o", str(tmp_path / "out.pdf")] if option == "--html" else []
    result = run(runner, "build", str(styled), option, str(styled / place), *args)
    fails(result, tmp_path / "out.pdf", 2, place)
    assert _digests(styled) == before  # nothing replaced, nothing added, no .part left


def test_a_link_to_an_input_and_a_style_folder_named_by_option_are_inputs_too(runner, styled, tmp_path):
    link = tmp_path / "link.pdf"
    link.symlink_to(styled / "images" / "photo.png")
    before = _digests(styled)
    result = run(runner, "build", str(styled), "-o", str(link))
    fails(result, tmp_path / "never.pdf", 2, "one of the brief's inputs")
    house = tmp_path / "house"
    house.mkdir()
    (house / "style.yaml").write_text("extends: think-tank\n")
    result = run(runner, "build", str(styled), "--style", str(house), "-o", str(house / "out.pdf"))
    fails(result, house / "out.pdf", 2, "whose files the build reads")
    assert _digests(styled) == before


def test_html_and_pdf_may_not_be_one_file(runner, styled, tmp_path):
    out = tmp_path / "same.pdf"
    fails(run(runner, "build", str(styled), "-o", str(out), "--html", str(out)), out, 2, "--html")


def test_the_default_dist_inside_the_brief_folder_still_builds(runner, styled, monkeypatch):
    monkeypatch.chdir(styled)
    result = run(runner, "build", ".")
    assert result.exit_code == 0, result.output
    assert (styled / "dist" / "2026-02-01-brief-1.pdf").is_file()
    assert run(runner, "build", ".", "-o", "dist/again.pdf").exit_code == 0


def test_a_report_among_the_inputs_is_refused_before_any_build(styled, tmp_path):
    from briefkit.batch import build_many

    other = _brief(tmp_path, "other", n=2)
    before = _digests(styled)
    for report in (styled / "commentary.md", styled / "styles" / "a" / "report.json"):
        with pytest.raises(UsageError, match="report"):
            build_many([other, styled], Options(), report=report, into=tmp_path / "dist")
    assert _digests(styled) == before and not (tmp_path / "dist").exists()


@pytest.mark.parametrize("where", ["brief", "brief/site", "brief/styles/a", "."])
def test_a_site_folder_among_the_inputs_is_refused(runner, styled, tmp_path, where, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "." holds the brief
    before = _digests(styled)
    result = run(runner, "publish", str(styled), "-o", str(tmp_path / where))
    assert result.exit_code == 2 and "unexpected error" not in result.output, result.output
    assert "whose files the build reads" in result.output
    assert _digests(styled) == before and not list(tmp_path.rglob("*.pdf"))


# --- 12: batch and publish: one bad path is one brief's or one path's error ------------------

def test_link_loops_in_a_brief_folder_never_stop_the_batch(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    looped, plain = _brief(tmp_path, "a", 1), _brief(tmp_path, "b", 2)
    (looped / "self").symlink_to("self")
    (looped / "x1").symlink_to("x2")
    (looped / "x2").symlink_to("x1")
    (looped / "sub").mkdir()
    (looped / "sub" / "up").symlink_to("..")
    result = run(runner, "build", str(looped), str(plain), "--report", "report.json")
    assert result.exit_code == 0 and "unexpected error" not in result.output, result.output
    assert {entry["status"] for entry in json.loads(Path("report.json").read_text())} == {"built"}
    result = run(runner, "build", str(plain), "-o", str(looped / "x1" / "out.pdf"))
    fails(result, looped / "never.pdf", 2, "x1")


def test_a_batch_whose_dist_is_a_file_reports_each_brief(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folders = [_brief(tmp_path, "a", 1), _brief(tmp_path, "b", 2)]
    Path("dist").write_text("not a folder")
    result = run(runner, "build", *map(str, folders), "--report", "report.json")
    assert result.exit_code == 1 and "unexpected error" not in result.output, result.output
    report = json.loads(Path("report.json").read_text())
    assert [entry["status"] for entry in report] == ["failed", "failed"]
    assert all("dist is a file" in entry["errors"][0] for entry in report), report


@pytest.mark.parametrize("blocker", ["under a file", "thumbs file", "state folder", "index folder"])
def test_a_site_path_taken_by_the_wrong_kind_of_file_is_one_clear_error(runner, tmp_path, blocker):
    folder = _brief(tmp_path, "a")
    site = tmp_path / "site"
    site.mkdir()
    if blocker == "under a file":
        (tmp_path / "file").write_text("x")
        site, named = tmp_path / "file" / "site", "file"
    elif blocker == "thumbs file":
        (site / "thumbs").write_text("x")
        named = "thumbs"
    elif blocker == "state folder":
        (site / ".briefkit-publish.json").mkdir()
        named = ".briefkit-publish.json"
    else:
        (site / "index.html").mkdir()
        named = "index.html"
    result = run(runner, "publish", str(folder), "-o", str(site))
    assert result.exit_code == 2 and "unexpected error" not in result.output, result.output
    assert named in result.output
    assert not list(tmp_path.rglob("*.pdf"))  # refused before any build


@pytest.mark.parametrize("blocker", ["pdf", "thumbnail"])
def test_a_folder_where_one_briefs_file_goes_fails_that_brief_alone(runner, tmp_path, blocker):
    folders = [_brief(tmp_path, "a", 1), _brief(tmp_path, "b", 2)]
    site = tmp_path / "site"
    (site / "thumbs").mkdir(parents=True)
    blocked = site / ("2026-02-01-brief-1.pdf" if blocker == "pdf" else "thumbs/2026-02-01-brief-1.png")
    blocked.mkdir()
    result = run(runner, "publish", *map(str, folders), "-o", str(site))
    assert result.exit_code == 1 and "unexpected error" not in result.output, result.output
    assert "1 of 2 briefs not published" in result.output and blocked.name in result.output
    assert (site / "2026-02-02-brief-2.pdf").is_file() and "Brief 2" in (site / "index.html").read_text()


def test_a_damaged_publish_state_is_ignored(runner, tmp_path):
    folder = _brief(tmp_path, "a")
    site = tmp_path / "site"
    assert run(runner, "publish", str(folder), "-o", str(site)).exit_code == 0
    key = str(folder.resolve())
    for state in ({"styles": {key: 5}, "entries": {key: {"pdf": 3}}},
                  {"styles": {key: []}, "entries": {key: "x"}}, [1, 2]):
        (site / ".briefkit-publish.json").write_text(json.dumps(state))
        result = run(runner, "publish", str(folder), "-o", str(site))
        assert result.exit_code == 0 and "unexpected error" not in result.output, result.output


# --- 13: damaged cache entries, SOURCE_DATE_EPOCH out of range --------------------------------

SHAPES = ['{"svg": 5, "alt": null, "caption": []}', '[["note", "x"], 5, null]', '"text"', "null",
          '{"key": "another", "value": [1]}', "[" * 5000 + "]" * 5000, "\x00\xff garbage"]


@pytest.mark.slow  # nine builds; test_loop.py checks a broken cache quickly
def test_damaged_cache_entries_of_any_shape_are_ignored_and_written_anew(tmp_path, monkeypatch):
    from briefkit import cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = _brief(tmp_path, "a", commentary=TIMELINE, **{"events.yaml": EVENTS})
    good = build(folder, Options(output=tmp_path / "good.pdf")).pdf.read_bytes()
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert {entry.parent.name for entry in entries} == {"charts", "layout", "rows"}
    for shape in SHAPES + ["wrong value"]:
        for entry in entries:
            text = json.dumps({"key": entry.stem, "value": {"x": 1}}) if shape == "wrong value" else shape
            entry.write_text(text, encoding="utf-8", errors="surrogateescape")
        out = build(folder, Options(output=tmp_path / "again.pdf")).pdf
        assert out.read_bytes() == good, shape
        for entry in entries:  # written anew: the next build reads them
            assert cache.get(entry.parent.name, entry.stem) is not None, (shape, entry)


@pytest.mark.parametrize("value", ["1767225600000", "-1", "253402300800", "9" * 30])
def test_an_out_of_range_source_date_epoch_is_a_usage_error(runner, tmp_path, monkeypatch, value):
    folder = _brief(tmp_path, "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf"))
    fails(result, tmp_path / "out.pdf", 2, f"SOURCE_DATE_EPOCH={value!r}", "out of range")
    if value == "1767225600000":
        assert "milliseconds" in result.output


def test_the_last_and_first_epochs_are_accepted():
    from briefkit.dates import epoch_seconds as _epoch

    assert _epoch("0") == 0 and _epoch("253402300799") == 253402300799


# --- 15: one YAML reader ---------------------------------------------------------------------

def test_no_module_reads_yaml_but_parsing():
    calls = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "src").rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"\byaml\.(safe_)?(load|full_load|unsafe_load)(_all)?\(", line)]
    assert calls == []


def test_an_alias_bomb_in_a_batch_is_refused_at_once(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    bomb = _brief(tmp_path, "bomb", 1)  # 9**8 strings: 16-50 s and 1.5 GiB when the batch expanded it
    (bomb / "brief.yaml").write_text("\n".join(lines) + "\ntitle: *a8\ndate: 2026-02-01\n")
    plain = _brief(tmp_path, "plain", 2)
    started = time.perf_counter()
    result = run(runner, "build", str(bomb), str(plain), "--report", "report.json")
    assert time.perf_counter() - started < 10
    report = {Path(entry["folder"]).name: entry for entry in json.loads(Path("report.json").read_text())}
    assert report["plain"]["status"] == "built" and report["bomb"]["status"] == "failed", result.output
    assert "aliases" in " ".join(report["bomb"]["errors"])


def test_the_batch_name_agrees_with_the_build_for_quoted_and_timed_dates(tmp_path):
    from briefkit.freshness import expected_pdf

    for n, date in ((1, '"2026-02-01"'), (2, "2026-02-02 10:00:00")):
        folder = tmp_path / f"b{n}"
        folder.mkdir()
        (folder / "brief.yaml").write_text(f"title: Kabul's Brief\ndate: {date}\n")
        assert expected_pdf(folder, Path("dist")) == Path(f"dist/2026-02-0{n}-kabuls-brief.pdf")


# --- 16: nothing outlives a killed build -----------------------------------------------------

def _children(pid: int) -> set[int]:
    """The processes `pid` forked (same command line), not the short-lived programs it runs."""
    found = set()
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            found |= {int(child) for child in task.read_text().split()
                      if Path(f"/proc/{child}/cmdline").read_bytes() == command}
    except OSError:
        pass
    return found


def _dead(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
@pytest.mark.parametrize("how", ["chart", "batch"])
def test_a_build_killed_outright_takes_its_child_processes_with_it(tmp_path, how):
    # Long enough that a worker left alone would still be building when the test looks.
    long = "".join(f"Paragraph {n}, with words enough to fill a line or two.\n\n" for n in range(1200))
    folders = [_brief(tmp_path, f"b{n}", n, commentary=TIMELINE + long, **{"events.yaml": EVENTS * 8})
               for n in (1, 2)]
    args = [str(folders[0]), "-o", str(tmp_path / "out.pdf")] if how == "chart" else \
        [*map(str, folders), "-j", "2", "--force"]
    # No cache: the chart is drawn. One build has two children from its start (the layout
    # process, loading the engine, and the chart's); a batch, its two workers.
    env = {**os.environ, "BRIEFKIT_CACHE_DIR": ""}
    build_ = subprocess.Popen([sys.executable, "-m", "briefkit", "build", *args], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        wanted = 2
        while len(children := _children(build_.pid)) < wanted and build_.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(children) == wanted, "the build started no child process"
        build_.send_signal(signal.SIGKILL)
        build_.wait()
        deadline = time.monotonic() + 3  # the kernel ends them at once; the fallback looks every second
        while not all(map(_dead, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_dead, children)), f"children {children} outlived their parent"
    finally:  # whatever happened, leave nothing running
        build_.kill()
        for child in children:
            if not _dead(child):
                os.kill(child, signal.SIGKILL)


@pytest.mark.slow  # two fresh briefkit processes; the next test checks the sweep in this one
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
def test_the_scratch_folder_of_a_build_killed_outright_goes_with_the_next_build(tmp_path):
    """The killed build cannot remove its children's temporary folder; the next build removes it,
    and no folder of a process still running, another machine's or of another name."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "BRIEFKIT_CACHE_DIR": "", "TMPDIR": str(scratch)}
    long = "".join(f"Paragraph {n}, with words enough to fill a line or two.\n\n" for n in range(1200))
    folder = _brief(tmp_path, "b1", 1, commentary=TIMELINE + long, **{"events.yaml": EVENTS})
    command = [sys.executable, "-m", "briefkit", "build", str(folder), "-o", str(tmp_path / "1.pdf")]
    killed = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(scratch.glob(f"briefkit-child-{killed.pid}@*")) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        killed.kill()
        killed.wait()
    assert list(scratch.glob(f"briefkit-child-{killed.pid}@*")), "the build made no scratch folder"
    kept = [scratch / f"briefkit-child-{os.getpid()}@{output.HOST}.live",  # a process still running
            scratch / f"briefkit-child-{killed.pid}@ffffff.x", scratch / "briefkit-other-1@abcdef.y"]
    for path in kept:
        path.mkdir()
    other = _brief(tmp_path, "b2", 2)
    subprocess.run([sys.executable, "-m", "briefkit", "build", str(other), "-o", str(tmp_path / "2.pdf")],
                   env=env, check=True, capture_output=True)
    assert sorted(scratch.iterdir()) == sorted(kept)


def test_a_new_scratch_folder_removes_those_of_processes_gone(tmp_path, monkeypatch):
    from briefkit import lifetimes

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    monkeypatch.setattr(lifetimes.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(lifetimes, "_swept", set())
    stale = tmp_path / f"briefkit-child-{dead.pid}@{lifetimes.HOST}.abc"
    (stale / "fonts").mkdir(parents=True)
    kept = [tmp_path / f"briefkit-child-{os.getppid()}@{lifetimes.HOST}.live",
            tmp_path / f"briefkit-child-{dead.pid}@ffffff.x", tmp_path / "briefkit-other-1@abcdef.y"]
    for path in kept:
        path.mkdir()
    (tmp_path / f"briefkit-child-{dead.pid}@{lifetimes.HOST}.file").write_text("not a folder of ours")
    scratch = lifetimes.Scratch()
    assert not stale.exists() and all(path.exists() for path in kept)
    assert (tmp_path / f"briefkit-child-{dead.pid}@{lifetimes.HOST}.file").exists()
    scratch.remove()


def test_the_next_write_removes_stale_part_files_of_its_own_target_only(tmp_path):
    target = tmp_path / "out.pdf"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = output.HOST
    stale = [tmp_path / f".out.pdf.{dead.pid}@{host}.abc123.part", tmp_path / ".out.pdf.old1234.part"]
    kept = [tmp_path / f".out.pdf.{os.getpid()}@{host}.live12.part",  # a writer still at work
            tmp_path / f".out.pdf.{dead.pid}@ffffff.other1.part",  # another machine's writer
            tmp_path / f".other.pdf.{dead.pid}@{host}.abc123.part", tmp_path / "notes.part"]
    for part in stale + kept:
        part.write_bytes(b"%PDF-half")
    hour_ago = time.time() - 3600
    os.utime(stale[1], (hour_ago, hour_ago))
    output.write(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    assert [part.exists() for part in stale] == [False, False]
    assert all(part.exists() for part in kept)


def test_the_chart_command_never_writes_among_the_brief_files(runner, styled):
    (styled / "events.yaml").write_text(EVENTS)
    before = _digests(styled)
    for place in ("images/photo.png", "styles/a/chart.svg"):
        result = run(runner, "chart", str(styled), "-o", str(styled / place))
        assert result.exit_code == 2 and place in result.output, result.output
    assert _digests(styled) == before


@pytest.mark.parametrize("name", ["index.html", "thumbs/2026-02-01-brief-1.png"])
def test_a_link_in_the_site_to_an_input_is_never_written_through(runner, styled, tmp_path, name):
    site = tmp_path / "site"
    (site / "thumbs").mkdir(parents=True)
    (site / name).symlink_to(styled / "images" / "photo.png")
    before = _digests(styled)
    result = run(runner, "publish", str(styled), "-o", str(site))
    assert result.exit_code in (1, 2) and "unexpected error" not in result.output, result.output
    assert "one of the brief's inputs" in result.output
    assert _digests(styled) == before


def test_a_device_is_written_into_and_an_impossible_name_is_a_usage_error(runner, tmp_path):
    import stat

    assert output.write(Path("/dev/null"), b"%PDF-1.7") == Path("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # never replaced by a file
    folder = _brief(tmp_path, "a")
    out = tmp_path / ("x" * 300 + ".pdf")
    fails(run(runner, "build", str(folder), "-o", str(out)), tmp_path / "none.pdf", 2, "cannot write here")


def test_a_cache_entry_that_is_a_pipe_or_too_big_is_not_read(tmp_path, monkeypatch):
    from briefkit import cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    (tmp_path / "rows").mkdir()
    pipe = tmp_path / "rows" / "pipe.json"
    os.mkfifo(pipe)  # reading it waits for a writer: one comes after 3 s, so a failure cannot hang
    import threading

    def unblock():
        try:  # a reader waiting (the bug): give it an end of file
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # no reader: nothing to unblock
            pass

    timer = threading.Timer(3, unblock)
    timer.daemon = True
    timer.start()
    started = time.monotonic()
    assert cache.get("rows", "pipe") is None
    assert time.monotonic() - started < 2
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 10)
    cache.put("rows", "big", list(range(100)))
    assert cache.get("rows", "big") is None


def _dies_on_b(folder, options, keep=False):
    """build_one for the test below: the worker building `b` dies as if killed."""
    from briefkit.batch import Outcome

    if folder.name == "b":
        os._exit(9)
    return Outcome(folder, folder / "x.pdf", 1, 0.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers see the stand-in")
def test_a_worker_that_dies_fails_its_brief_alone(monkeypatch, tmp_path):
    from briefkit import batch

    monkeypatch.setattr(batch, "build_one", _dies_on_b)
    todo = [(tmp_path / name, Options()) for name in "abcd"]
    outcomes = batch._build_here(todo, 2, lambda outcome: outcome)
    assert sorted((o.folder.name, o.status) for o in outcomes) == \
        [("a", "built"), ("b", "failed"), ("c", "built"), ("d", "built")]
    assert "worker process building it died" in next(o.error for o in outcomes if o.error)


def test_a_link_in_the_batch_output_folder_to_an_input_fails_that_brief_before_it_is_sent(styled, tmp_path):
    from briefkit.batch import build_many

    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "2026-02-01-brief-1.pdf").symlink_to(styled / "images" / "photo.png")
    before = _digests(styled)
    [outcome] = build_many([styled], Options(), into=tmp_path / "dist",
                           scheduler="tcp://127.0.0.1:9")  # never reached: refused before sending
    assert outcome.status == "failed" and "one of the brief's inputs" in outcome.error
    assert _digests(styled) == before
