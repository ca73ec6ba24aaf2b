"""Shared fixtures: one CLI runner, throwaway briefs, and the sample built once per run (in each
built-in style), whatever the number of test files or xdist workers that read it."""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from support import MINIMAL, STYLE_KEYS, copy_sample, warm_engine  # noqa: E402

from briefkit.cli import main  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def cache_folder(tmp_path_factory, worker_id):
    """One cache for the run, never the user's (subprocesses inherit it), and one for all the
    xdist workers: a chart or a web font one cuts (seconds for Nastaliq) the others find. Its
    writes are atomic; each test has its own memory of briefs (brief_memory)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "cache"
    folder.mkdir(exist_ok=True)
    os.environ["BRIEFKIT_CACHE_DIR"] = str(folder)
    yield Path(os.environ["BRIEFKIT_CACHE_DIR"])
    del os.environ["BRIEFKIT_CACHE_DIR"]


@pytest.fixture(autouse=True)
def brief_memory(cache_folder, monkeypatch):
    """Each test's own memory of briefs (cache kind `rows`), which a brief's title, date and
    language find: one test's minimal brief never starts from another's corrections. Charts,
    fonts and layouts of exact HTML stay the run's."""
    root = cache_folder.parent / "memories" / f"{os.getpid()}-{next(_MEMORIES)}"
    root.mkdir(parents=True)
    for kind in ("charts", "fonts", "webfonts", "layout"):
        (cache_folder / kind).mkdir(exist_ok=True)
        (root / kind).symlink_to(cache_folder / kind)
    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", str(root))


_MEMORIES = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def engines_loaded():
    """WeasyPrint and Matplotlib loaded once in each test process, and a small brief laid out
    here: a build forks its layout and chart processes from here, which would otherwise load
    them again for every build (0.3 CPU-s each, most of a small brief's build), and its layout
    the built-in style's fonts, C types and hyphenation dictionaries (0.09 CPU-s more). A fresh
    `briefkit` process is tested as users run it in test_command.py, test_engine_limits.py and
    test_loop.py."""
    from briefkit.charts import timeline
    from briefkit.pdf import engine

    engine.preload()
    timeline.preload()
    warm_engine()
    gc.freeze()  # what is loaded stays: no collection here or in a forked build need scan it


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    """`briefkit` as a user runs it, in process (each invoke is isolated)."""
    return CliRunner()


@pytest.fixture
def make_brief(tmp_path: Path):
    """Write a brief folder from {name: text}; the minimal brief fills what is not given."""

    def make(files: dict[str, str] | None = None, name: str = "brief") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in {**MINIMAL, **(files or {})}.items():
            if text is not None:
                (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def brief(tmp_path: Path) -> Path:
    """A copy of the sample brief of one's own, to change (add a style, edit a file)."""
    return copy_sample(tmp_path)


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id, cache_folder):
    """`shared(name, make)`: a folder `make(folder)` fills once for the whole run. With -n
    (pytest-xdist) the workers are processes; the first to ask builds, the others wait for it
    and read the same files, so an expensive fixture costs one build, not one per worker. Its
    builds remember briefs in the run's cache, not the asking test's: a copy of the sample in
    another style or variant starts from what the first build of it learned."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "shared"
    root.mkdir(exist_ok=True)

    def get(name: str, make) -> Path:
        folder = root / name
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (root / f"{name}.done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                with mock.patch.dict(os.environ, {"BRIEFKIT_CACHE_DIR": str(cache_folder)}):
                    make(folder)
                (root / f"{name}.done").touch()
        return folder

    return get


@pytest.fixture(scope="session")
def sample(shared, runner) -> dict[str, Path]:
    """The sample brief, copied and built once a run: its PDF and the HTML given to WeasyPrint.
    Shared by every test and worker: read it, never change it."""

    def make(out: Path) -> None:
        copy_sample(out, "taliban-russia")
        result = runner.invoke(main, ["build", str(out / "taliban-russia"), "-o", str(out / "brief.pdf"),
                                      "--html", str(out / "brief.html")])
        assert result.exit_code == 0, result.output
        (out / "output.txt").write_text(result.output)

    out = shared("sample", make)
    return {"folder": out / "taliban-russia", "pdf": out / "brief.pdf", "html": out / "brief.html",
            "output": (out / "output.txt").read_text()}


@pytest.fixture(scope="session")
def styled(shared, sample):
    """`styled(style)`: the sample in a built-in style, brief.yaml naming it and giving the keys
    its templates read (support.STYLE_KEYS), built once a run with no cache (every correction
    made afresh): the keys of `sample`. `keys=False`: the sample as it is, built with `--style`.
    Shared by every test and worker: read it, never change it. think-tank is `sample`."""
    from briefkit.build import Options, build

    def get(style: str, keys: bool = True) -> dict:
        if style == "think-tank":
            return sample
        keys = keys or style not in STYLE_KEYS  # the same brief either way

        def make(out: Path) -> None:
            folder = copy_sample(out, "taliban-russia", style if keys else None)
            build(folder, Options(output=out / "brief.pdf", html=out / "brief.html", cache=False,
                                  style=None if keys else style))

        out = shared(f"sample-{style}{'-keys' if keys else ''}", make)
        return {"folder": out / "taliban-russia", "pdf": out / "brief.pdf", "html": out / "brief.html"}

    return get


@pytest.fixture(scope="session")
def sample_as(shared, sample):
    """`sample_as(variant)`: the sample built as a PDF variant (pdf/a-3b, pdf/ua-1, ...), once a
    run for every test and worker: its path. Read it, never change it."""
    from briefkit.build import Options, build

    def get(variant: str) -> Path:
        name = variant.replace("/", "-")
        out = shared(f"sample-{name}", lambda root: build(
            sample["folder"], Options(output=root / f"{name}.pdf", pdf_variant=variant)))
        return out / f"{name}.pdf"

    return get
