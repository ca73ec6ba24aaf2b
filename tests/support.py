"""Helpers the tests share (plain functions and constants; fixtures are in conftest.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import textwrap
import threading
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "taliban-russia"
#: The sample's notes: the reference's 21, and one for each chronology row whose sources' notes
#: are printed on earlier pages (a row links to an earlier note only on that note's page).
SAMPLE_NOTES = 21 + 10

#: What each built-in style's own templates read from brief.yaml (its `brief_keys`), added to
#: the sample when it is set in that style.
STYLE_KEYS = {"policy-memo": "to: National Security Council staff\n",
              "article": "previously_published: First published on meridian.example.\n"}

MINIMAL = {
    "brief.yaml": """\
        title: A Minimal Brief
        date: 2026-02-01
        authors:
          - name: Test Desk
        """,
    "commentary.md": "A paragraph with a note.[^a]\n\n[^a]: The note.\n",
}


def warm_engine() -> None:
    """Lay out the minimal brief in the built-in style here, in this process, as a layout
    process would: what that loads (fonts, C types, hyphenation dictionaries) is then loaded
    in every layout process forked from here."""
    import tempfile

    from briefkit.build import Options, prepare
    from briefkit.typesetting import settings
    from briefkit.document import compose
    from briefkit.pdf import engine

    with tempfile.TemporaryDirectory() as root:
        folder = Path(root)
        for file, text in MINIMAL.items():
            (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
        prepared = prepare(folder, Options())
        page = compose(prepared.material, prepared.body, {}, prepared.style, frozenset())
        engine.render(page, settings(prepared, Options()), None, frozenset())


def small_briefs(root: Path, count: int, date: str = "2026-02-0{n}", name: str = "b{n}") -> list[Path]:
    """COUNT briefs of one paragraph and one note each, ROOT/archive/NAME (n from 1): an archive
    quick to build, for batch tests."""
    folders = []
    for n in range(1, count + 1):
        folder = root / "archive" / name.format(n=n)
        folder.mkdir(parents=True)
        (folder / "brief.yaml").write_text(f"title: Brief {n}\ndate: {date.format(n=n)}\n"
                                           "authors:\n  - name: Desk\n")
        (folder / "commentary.md").write_text(f"Brief {n} says this.[^a]\n\n[^a]: A note.\n")
        folders.append(folder)
    return folders


def copy_sample(into: Path, name: str = "brief", style: str | None = None) -> Path:
    """A copy of the sample brief at INTO/NAME, to change or build without touching data/; in
    STYLE (a built-in one), with the keys that style's templates read."""
    folder = into / name
    shutil.copytree(SAMPLE, folder)
    if style:
        brief = folder / "brief.yaml"
        text = brief.read_text(encoding="utf-8")
        assert "style: think-tank\n" in text
        brief.write_text(text.replace("style: think-tank\n", f"style: {style}\n") + STYLE_KEYS.get(style, ""),
                         encoding="utf-8")
    return folder


def quick(values, *fast) -> list:
    """VALUES as pytest parameters, those not in FAST marked slow: `-m "not slow"` runs a case
    or two of a parametrised test that builds a brief a case, the full run every case."""
    return [pytest.param(*value if isinstance(value, tuple) else (value,),
                         marks=[] if value in fast else [pytest.mark.slow]) for value in values]


class Lazy(Mapping):
    """{key: value} for the KEYS given, each value `make(key)` on first read: a fixture of many
    builds whose tests read one each, so that each xdist worker builds only what its tests read
    (with `shared`, each build once a run) and the two share the work."""

    def __init__(self, keys, make) -> None:
        self._keys, self._make, self._made = list(keys), make, {}

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        if key not in self._made:
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def run(runner: CliRunner, *args: str):
    """Invoke `briefkit ARGS`; click's result with output and exit code."""
    return runner.invoke(main, list(args), catch_exceptions=False)


def build(runner: CliRunner, folder: Path, into: Path, *args: str):
    """`briefkit build FOLDER -o INTO/out.pdf ARGS`: click's result and the PDF's path."""
    out = into / "out.pdf"
    return run(runner, "build", str(folder), "-o", str(out), *args), out


def fails(result, out: Path, code: int, *says: str) -> str:
    """The command exited CODE with no traceback, said each phrase, and left no PDF at OUT."""
    assert result.exit_code == code, result.output
    assert "unexpected error" not in result.output, result.output
    for phrase in says:
        assert phrase in result.output, f"{phrase!r} not in:\n{result.output}"
    assert not out.exists()
    return result.output


def check_finds(runner: CliRunner, folder: Path, *expected: str) -> str:
    """`briefkit check` exits 1 and names every `file:line: message` fragment given."""
    result = run(runner, "check", str(folder))
    assert result.exit_code == 1, result.output
    assert "unexpected error" not in result.output
    for fragment in expected:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    return result.output


def html_of(folder: Path, style: str | None = None) -> str:
    """The HTML the templates make of FOLDER, with stand-in charts and no layout: what a template,
    style or citation test reads (a PDF build is for what only the pages show)."""
    from briefkit.build import Options, prepare
    from briefkit.charts.figures import stand_ins
    from briefkit.document import compose

    prepared = prepare(folder, Options(style=style))
    return compose(prepared.material, prepared.body, stand_ins(prepared.body), prepared.style).html


def text_of(html: str) -> str:
    """HTML's text, tags removed and entities read."""
    import html as entities
    import re

    return entities.unescape(re.sub(r"<[^>]+>", "", html))


def write_style(root, name, yaml_text, css=None, templates=None):
    """A style folder: style.yaml, optionally style.css and {relative name: text} templates."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(textwrap.dedent(yaml_text))
    if css is not None:
        (folder / "style.css").write_text(css)
    for template, text in (templates or {}).items():
        (folder / "templates" / template).parent.mkdir(parents=True, exist_ok=True)
        (folder / "templates" / template).write_text(textwrap.dedent(text))
    return folder



@contextlib.contextmanager
def served(folder: Path):
    """`folder` served over HTTP on a free local port, as a published site is: yields its URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # a test's output is its own
        pass


#: Marks a test that drives Debian's headless Chromium (which .ci/run installs).
needs_chromium = pytest.mark.skipif(
    not shutil.which("chromium") or not shutil.which("chromedriver"),
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")


@contextlib.contextmanager
def chromium():
    """A headless Chromium driven by Selenium, quit afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
