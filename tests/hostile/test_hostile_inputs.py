"""Hostile and broken input: each case asserts the exact outcome of a build."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pikepdf
import pytest
import readback
from support import SAMPLE, build, check_finds, fails, html_of, run, text_of

from briefkit import parsing

BRIEF = """\
title: {title}
date: 2026-02-01
authors:
  - name: Test Desk
{extra}"""


def brief_yaml(title="A Brief", extra=""):
    return BRIEF.format(title=title, extra=extra)


# --- the resource gate: files ---------------------------------------------------------------

def test_markdown_image_outside_the_brief(runner, make_brief, tmp_path, canary, reads):
    outside = os.path.relpath(canary, tmp_path / "brief")
    folder = make_brief({"commentary.md": f"Text.\n\n![secret]({outside})\n"})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "commentary.md:3", "outside the brief folder")
    assert str(canary) not in reads


def test_symlink_inside_the_brief_pointing_out(runner, make_brief, tmp_path, canary, reads):
    folder = make_brief({"commentary.md": "Text.\n\n![x](images/link.png)\n"})
    (folder / "images").mkdir()
    (folder / "images" / "link.png").symlink_to(canary)
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "commentary.md:3", "outside the brief folder")
    assert str(canary) not in reads


@pytest.mark.parametrize("src", ["file://{canary}", "../secret/canary.png"])
def test_raw_html_image_outside_is_refused_by_the_gate(runner, make_brief, tmp_path, canary, reads, src):
    folder = make_brief({"brief.yaml": brief_yaml(extra="allow_html: true\n"),
                         "commentary.md": f'Text <img src="{src.format(canary=canary)}">\n'})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "refused to read", str(canary))
    assert str(canary) not in reads


@pytest.mark.parametrize("rule, says", [("body {{ background: url(file://{canary}); }}", "names a file by an absolute path"),
                                        ("@import url(file://{canary});", "@import is not supported")])
def test_style_css_cannot_reach_outside(runner, make_brief, tmp_path, canary, reads, rule, says):
    folder = make_brief({"brief.yaml": brief_yaml(extra="style: evil\n")})
    (folder / "styles" / "evil").mkdir(parents=True)
    (folder / "styles" / "evil" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "evil" / "style.css").write_text(rule.format(canary=canary))
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, says)
    assert str(canary) not in reads


def test_style_css_cannot_end_the_pages_style_and_bring_in_html(runner, make_brief, tmp_path):
    """A style's "</style>", even in a comment, is CSS text: the HTML after it (a link no
    sanitiser saw) never reaches the page."""
    folder = make_brief({"brief.yaml": brief_yaml(extra="style: evil\n")})
    (folder / "styles" / "evil").mkdir(parents=True)
    (folder / "styles" / "evil" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "evil" / "style.css").write_text(
        ':root { --accent: #8a1538; }\n/* </style><p><a href="javascript:alert(1)">INJECTED</a></p><style> */\n'
        'h1::after { content: "</STYLE>"; }\n')
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    assert "INJECTED" not in readback.text(out) and "</STYLE>" in readback.text(out)
    with pikepdf.open(out) as pdf:
        assert not any("javascript" in repr(annot.get("/A", "")) for page in pdf.pages
                       for annot in page.get("/Annots", []))


def test_attachments_cannot_be_smuggled_in(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": 'See <a rel="attachment" href="brief.yaml">this</a>.\n'})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert len(pdf.attachments) == 0


# --- the resource gate: network ---------------------------------------------------------------

def test_remote_markdown_image_needs_allow_remote(runner, make_brief, tmp_path, server):
    folder = make_brief({"commentary.md": f"Text.\n\n![x]({server.url}/x.png)\n"})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "commentary.md:3", "--allow-remote")
    assert server.requests == []


def test_remote_raw_html_image_is_refused_without_allow_remote(runner, make_brief, tmp_path, server):
    folder = make_brief({"brief.yaml": brief_yaml(extra="allow_html: true\n"),
                         "commentary.md": f'Text <img src="{server.url}/x.png">\n'})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "refused to fetch", "--allow-remote")
    assert server.requests == []


def test_remote_stylesheet_is_refused(runner, make_brief, tmp_path, server):
    folder = make_brief({"brief.yaml": brief_yaml(extra="style: net\n")})
    (folder / "styles" / "net").mkdir(parents=True)
    (folder / "styles" / "net" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "net" / "style.css").write_text(
        f"@font-face {{ font-family: X; src: url({server.url}/x.ttf); }}\nbody {{ font-family: X; }}\n")
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "refused to fetch")
    assert server.requests == []


def test_allow_remote_fetches_once(runner, make_brief, tmp_path, server):
    folder = make_brief({"commentary.md": f"Text.\n\n![x]({server.url}/x.png)\n"})
    result, out = build(runner, folder, tmp_path, "--allow-remote")
    assert result.exit_code == 0, result.output
    assert server.requests == ["/x.png"]


# --- Markdown ---------------------------------------------------------------------------------

@pytest.mark.parametrize("link, says", [
    ("javascript:alert(1)", "javascript: URLs are not allowed"),
    ("file:///etc/passwd", "file: URLs are not allowed"),
    ("../../outside.pdf", "outside the brief folder"),
    ("ftp://example.org/x", "ftp: URLs are not allowed"),
])
def test_dangerous_links_are_refused_with_their_line(runner, make_brief, tmp_path, link, says):
    folder = make_brief({"commentary.md": f"One.\n\nTwo [click]({link}).\n"})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "commentary.md:3", says)


def test_raw_html_prints_as_text(make_brief):
    html = html_of(make_brief({"commentary.md": "Before <script>alert(1)</script> after.\n"}))
    assert "<script" not in html and "<script>alert(1)</script>" in text_of(html)  # escaped: printed


# --- templates ----------------------------------------------------------------------------------

def test_data_is_never_evaluated_as_a_template(make_brief):
    folder = make_brief({"brief.yaml": brief_yaml(title='"{{ 7*7 }} {% raw %}"'),
                         "commentary.md": "Text {{ config }} {% include /etc/passwd %}.\n"})
    text = text_of(html_of(folder))
    assert "{{ 7*7 }} {% raw %}" in text and "49" not in text
    assert "{% include /etc/passwd %}" in text


# --- YAML, CSV, sizes ---------------------------------------------------------------------------

def test_an_alias_bomb_fails_fast(runner, make_brief, tmp_path):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    folder = make_brief({"sources.yaml": "\n".join(levels) + "\n"})
    started = time.perf_counter()
    result, out = build(runner, folder, tmp_path)
    assert time.perf_counter() - started < 2
    fails(result, out, 1, "sources.yaml:2", "aliases (*a0) are not supported")


@pytest.mark.parametrize("extra, where, says", [
    ("language: no\n", "brief.yaml:5", "YAML read False; put the value in quotes"),
    ("number: 1.10\n", "brief.yaml:5", "put the value in quotes"),
    ("subtitle: yes\n", "brief.yaml:5", "YAML read True"),
    ("title: Again\n", "brief.yaml:5", "duplicate key 'title' (first on line 1)"),
], ids=["NO", "1.10", "yes", "duplicate"])
def test_no_silent_coercion(runner, make_brief, tmp_path, extra, where, says):
    folder = make_brief({"brief.yaml": brief_yaml(extra=extra)})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, where, says)


def test_an_impossible_date_names_its_line(runner, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": brief_yaml().replace("2026-02-01", "2026-02-30")})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "brief.yaml:2", "day is out of range")


def test_csv_with_a_bom_builds(runner, make_brief, tmp_path):
    folder = make_brief()
    (folder / "events.csv").write_bytes(b"\xef\xbb\xbfdate,title\n2025-07-03,Recognition\n")
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text, where, says", [
    ("date,title\n2025-07-03,One\n2025-08,Two,extra\n", "events.csv:3", "different number of cells"),
    ("date;title\n2025-07-03;One\n", "events.csv:1", "not ';'"),
], ids=["ragged", "semicolons"])
def test_broken_csv_names_the_row(runner, make_brief, tmp_path, text, where, says):
    folder = make_brief({"events.csv": text})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, where, says)


def test_input_size_is_capped(runner, make_brief, tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 1000)
    folder = make_brief({"commentary.md": "Long text. " * 200})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "commentary.md", "larger than")


# --- charts -------------------------------------------------------------------------------------

def test_absurd_group_counts_are_refused(runner, make_brief, tmp_path):
    events = "events:\n" + "".join(f"  - {{date: '2020', title: E{i}, group: G{i}}}\n" for i in range(40))
    folder = make_brief({"events.yaml": events})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "events.yaml", "40 groups")


def test_dates_out_of_range_are_refused(runner, make_brief, tmp_path):
    folder = make_brief({"events.yaml": "events:\n  - {date: '0000', title: Zero}\n"})
    result, out = build(runner, folder, tmp_path)
    fails(result, out, 1, "events.yaml:2", "out of range")


def test_chart_text_is_literal(runner, make_brief, tmp_path):
    folder = make_brief({"events.yaml": "events:\n  - {date: 2020-01-05, title: 'Aid $30m {x} 5%'}\n",
                         "commentary.md": "Text.\n\n```timeline\n```\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Aid $30m {x} 5%" in readback.text(out)


# --- rendering limits -----------------------------------------------------------------------

# The alarm may land in a WeasyPrint __del__, which swallows it (reported as "unraisable");
# the limit fires again until it lands in the layout: that is the path this test proves.
@pytest.mark.slow  # two builds; test_engine_limits.py checks the time limit quickly
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_render_over_its_time_limit_fails_cleanly_and_keeps_the_old_pdf(runner, sample, tmp_path):
    out = tmp_path / "kept.pdf"
    out.write_bytes(sample["pdf"].read_bytes())
    before = out.read_bytes()
    result = run(runner, "build", str(sample["folder"]), "-o", str(out), "--timeout", "0.2")
    assert result.exit_code == 3, result.output
    assert "longer than 0.2 s" in result.output and "unexpected error" not in result.output
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["kept.pdf"]


@pytest.mark.slow  # two builds in threads; test_engine_limits.py checks the time limit quickly
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_time_limit_holds_in_a_thread_as_a_cluster_worker_builds(sample, tmp_path):
    import threading

    from briefkit.build import Options
    from briefkit.build import build as run_build
    from briefkit.errors import RenderError

    results = []

    def build_in_thread(timeout: float) -> None:
        try:
            options = Options(output=tmp_path / "t.pdf", timeout=timeout)
            results.append(run_build(sample["folder"], options).pages)
        except RenderError as error:
            results.append(error.message)

    for timeout in (0.2, 300.0):  # the second build must not meet a late exception of the first
        thread = threading.Thread(target=build_in_thread, args=(timeout,))
        thread.start()
        thread.join()
    time.sleep(1.0)  # past the limit's half-second retries: none may land anywhere now
    with pikepdf.open(sample["pdf"]) as pdf:
        pages = len(pdf.pages)
    assert results[1:] == [pages] and results[0].startswith("the layout took longer than 0.2 s (raise --timeout")


def test_strict_turns_renderer_warnings_into_failures(runner, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": brief_yaml(extra="style: odd\n")})
    (folder / "styles" / "odd").mkdir(parents=True)
    (folder / "styles" / "odd" / "style.yaml").write_text("extends: think-tank\n")
    (folder / "styles" / "odd" / "style.css").write_text("p { colour: red; }\n")
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    out.unlink()
    result, out = build(runner, folder, tmp_path, "--strict")
    fails(result, out, 3, "colour")


# --- nothing lost ---------------------------------------------------------------------------

def test_inputs_are_never_modified(sample):
    """The shared sample, built by the command as a user builds it (`sample`), is still the
    sample in data/, file for file: nothing changed, nothing added, nothing removed."""

    def digest(folder):
        return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert (sample["folder"] / "brief.yaml").exists() and sample["pdf"].exists()  # built
    assert digest(sample["folder"]) == digest(SAMPLE)


@pytest.mark.parametrize("target", ["brief.yaml", "events.yaml"])
def test_output_over_an_input_is_a_usage_error(runner, sample, target):
    before = (sample["folder"] / target).read_bytes()
    result = run(runner, "build", str(sample["folder"]), "-o", str(sample["folder"] / target))
    assert result.exit_code == 2 and "one of the brief's inputs" in result.output
    assert (sample["folder"] / target).read_bytes() == before


def test_a_missing_folder_is_a_usage_error(runner, tmp_path):
    result = run(runner, "build", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "does not exist" in result.output


# --- brief files that point outside the brief -------------------------------------------

def test_files_outside_the_brief_are_not_read(runner, make_brief, canary, reads):
    folder = make_brief({"brief.yaml": f"title: T\ndate: 2026-02-01\nevents: {canary}\n"
                                       "sources: ../secret/canary.png\n"})
    check_finds(runner, folder, "brief.yaml:3: ", "brief.yaml:4: ", "is outside the brief folder")
    assert str(canary) not in reads


def test_a_symbolic_link_out_of_the_brief_is_not_followed(runner, make_brief, canary, reads):
    folder = make_brief()
    (folder / "events.yaml").symlink_to(canary)
    check_finds(runner, folder, "events.yaml: events.yaml: the file is outside the brief folder")
    assert str(canary) not in reads


@pytest.mark.slow  # stress: 20,000 pieces each
@pytest.mark.parametrize("piece", ["[^", "[@a[^", "[", "![", "*a"])
def test_pathological_markdown_parses_in_linear_time(piece):
    """`[^[^[^...` once made the footnote rule scan to the paragraph's end from every `[^`
    (20,000 of them took minutes); linear parsing takes about a second, the bound is 20 s."""
    import time

    from briefkit.commentary import parse
    from briefkit.errors import Problems

    start = time.perf_counter()
    parse(piece * 20000, Path("commentary.md"), {"a"}, False, Problems(), Path("/nonexistent"))
    assert time.perf_counter() - start < 20
