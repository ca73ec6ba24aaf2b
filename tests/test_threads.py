"""Builds in threads of one process: nothing WeasyPrint or pydyf shares is changed while a PDF
renders, and charts draw one at a time (Matplotlib's settings are the process's), so two builds
at once give the bytes each gives alone (what a cluster worker with many threads relies on)."""

from __future__ import annotations

import ast
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pikepdf
import pytest
from support import MINIMAL, ROOT

from briefkit import styles
from briefkit.build import Options, build
from briefkit.charts.timeline import timeline_svg
from briefkit.errors import Problems
from briefkit.events import read_events

#: A tagged variant: notes become /Note elements with IDs while the PDF is written.
VARIANT = "pdf/a-3a"
THEIRS = ("weasyprint", "pydyf")
EPOCH = 1_767_225_600  # 2026-01-01: equal inputs, equal bytes
#: A second brief: a dozen notes (IDs past note-9), a table and a chronology, no chart.
NOTES = {
    **MINIMAL,
    "commentary.md": "".join(f"Claim {n} stands.[^n{n}]\n\n[^n{n}]: Note {n}.\n\n" for n in range(1, 13))
    + "| Year | Event |\n|---|---|\n| 2020 | First[^t] |\n\n[^t]: In a table.\n\n"
    + "## Chronology\n\n```chronology\n```\n",
    "events.yaml": """\
        events:
          - {date: 2020-01-01, title: First}
          - {date: 2021-01-01, title: Second}
          - {date: 2022-01-01, title: Third}
        """,
}


@pytest.fixture(scope="module")
def briefs(sample, tmp_path_factory):
    folder = tmp_path_factory.mktemp("threads") / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return {"sample": sample["folder"], "notes": folder}


def _build(folder, out, cache=True):
    build(folder, Options(output=out, pdf_variant=VARIANT, source_date_epoch=EPOCH, cache=cache))
    return out.read_bytes()


@pytest.mark.slow
def test_two_builds_in_two_threads_give_the_bytes_of_two_builds_in_turn(briefs, tmp_path):
    # One after the other first: this also fills the chart cache, so that most threads below
    # compare the engine's work; the last two draw the sample's chart at once (no cache).
    alone = {name: _build(folder, tmp_path / f"{name}-alone.pdf") for name, folder in briefs.items()}
    with ThreadPoolExecutor(2) as pool:
        different = [pool.submit(_build, folder, tmp_path / f"{name}-thread.pdf")
                     for name, folder in briefs.items()]
        different = [future.result() for future in different]
        same = [pool.submit(_build, briefs["notes"], tmp_path / f"same-{n}.pdf") for n in (1, 2)]
        same = [future.result() for future in same]
        drawn = [pool.submit(_build, briefs["sample"], tmp_path / f"drawn-{n}.pdf", False) for n in (1, 2)]
        drawn = [future.result() for future in drawn]
    assert different[0] == alone["sample"], "the sample built beside another brief differs"
    assert drawn[0] == drawn[1] == alone["sample"], "the sample's chart drawn twice at once differs"
    assert different[1] == alone["notes"], "the notes brief built beside the sample differs"
    assert same[0] == same[1] == alone["notes"], "the same brief built twice at once differs"
    with pikepdf.open(tmp_path / "notes-thread.pdf") as pdf:
        notes = [node for node in _elements(pdf.Root.StructTreeRoot) if node.get("/S") == "/Note"]
        ids = {str(node.ID) for node in notes}
    assert len(notes) == 13 and ids == {f"note-{n}" for n in range(1, 14)}, ids


def test_charts_drawn_in_threads_at_once_are_the_charts_drawn_alone():
    """Each built-in style's chart sheet is in force only for its own chart, though all draw at once."""
    path = ROOT / "data" / "taliban-russia" / "events.yaml"
    timeline = read_events(path, path.read_text(encoding="utf-8"), Problems())
    looks = [styles.find(name) for name in ("think-tank", "policy-memo", "article")]

    def draw(style):
        return timeline_svg(timeline, {}, style.chart_styles, [f.path for f in style.fonts], style.chart_face,
                            "en").svg

    alone = [draw(style) for style in looks]
    with ThreadPoolExecutor(3) as pool:
        together = list(pool.map(draw, looks * 2))
    assert len(set(alone)) == len(alone)  # the sheets differ: equal charts mean each kept its own
    assert together == alone * 2


def _elements(node):
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR" and "/MCID" not in kid:
            yield kid
            yield from _elements(kid)


def test_no_module_assigns_to_weasyprint_or_pydyf():
    """A module, class or function of WeasyPrint or pydyf is the whole process's: briefkit never
    assigns to one of its attributes (not even for a while), nor calls setattr on one."""
    found = []
    for path in sorted((ROOT / "src" / "briefkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        theirs = _imported_names(tree)
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
                targets = [ast.Attribute(node.args[0], "?")] if node.args else []
            for target in targets:
                if isinstance(target, ast.Attribute) and _root(target) in theirs:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(target)}")
    assert not found, f"assignments to WeasyPrint's or pydyf's shared objects: {found}"


def _imported_names(tree) -> set[str]:
    """The names a module binds to WeasyPrint's or pydyf's modules and their members."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names
                      if alias.name.split(".")[0] in THEIRS}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in THEIRS:
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _root(node) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
