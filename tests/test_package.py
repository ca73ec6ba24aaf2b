"""The package as users get it: the wheel carries templates and styles; the CLI starts light."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile

import pytest
from support import ROOT


@pytest.mark.slow
def test_the_wheel_ships_templates_styles_and_the_entry_point(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("briefkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("briefkit/templates/base.html.j2", "briefkit/templates/brief.html.j2",
                 "briefkit/templates/citations/chicago-note.html.j2", "briefkit/templates/mechanics.css",
                 "briefkit/templates/site/index.html.j2", "briefkit/pdf/engine.py",
                 "briefkit/charts/timeline.py",
                 "briefkit/styles/think-tank/style.yaml", "briefkit/styles/think-tank/style.css",
                 "briefkit/styles/think-tank/chart.mplstyle", "briefkit/cli.py",
                 "briefkit/fonts/noto/NotoSansDevanagari-Regular.ttf",
                 "briefkit/fonts/noto/NotoNaskhArabic-Bold.ttf",
                 "briefkit/fonts/noto/NotoNastaliqUrdu-Regular.ttf",
                 "briefkit/fonts/noto/OFL.txt"):
        assert name in names, name
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "briefkit = briefkit.command:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_help_loads_neither_weasyprint_nor_matplotlib():
    code = ("import sys\nfrom briefkit.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("[]"), done.stdout


def test_the_public_api_is_loaded_on_first_use(tmp_path):
    code = ("import sys, briefkit\n"
            "print(sorted(m for m in ('weasyprint', 'matplotlib', 'briefkit.build') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    import briefkit
    from briefkit.build import Options, build  # the module imported: briefkit.build stays the function
    from briefkit.errors import BriefError

    assert sorted(briefkit.__all__) == ["BriefError", "Options", "build"]
    assert (briefkit.build, briefkit.Options, briefkit.BriefError) == (build, Options, BriefError)
    with pytest.raises(briefkit.BriefError, match="no brief.yaml here"):
        briefkit.build(tmp_path, briefkit.Options(output=tmp_path / "out.pdf"))


PACKAGE = ROOT / "src" / "briefkit"


def _module(path) -> str:
    return ".".join(("briefkit", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def _imports(path) -> set[str]:
    """briefkit modules `path` imports, at its top or inside a function (an import that waits
    is still an import: a cycle through it is one design knot), but not under TYPE_CHECKING."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in _walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    modules = {_module(p) for p in PACKAGE.rglob("*.py")}
    return {m for m in found if m in modules and m != name and m != "briefkit"}


def _walk(node):
    """Every node below `node`, leaving out the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (n for other in child.orelse for n in [other, *_walk(other)])
            continue
        yield child
        yield from _walk(child)


def test_no_import_cycle_among_the_modules():
    graph = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}
    state: dict[str, str] = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            assert state.get(target) != "open", "import cycle: " + " -> ".join(path + [target])
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert "briefkit.pdf.engine" in graph["briefkit.typesetting"]  # the walk reads real imports
    assert "briefkit.cluster" in graph["briefkit.batch"]  # and those inside functions


def test_weasyprint_and_its_private_names_are_used_only_under_pdf():
    private = re.compile(r"_page_box|weasyprint\.(?:pdf|layout|formatting_structure|svg)|tags\._get_pdf_tag"
                         r"|^\s*(?:from|import) weasyprint", re.M)
    outside = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
               if p.parent.name != "pdf" and private.search(p.read_text())]
    assert outside == []
    assert private.search((PACKAGE / "pdf" / "engine.py").read_text())  # the pattern finds real uses


def test_the_packages_init_files_are_empty():
    assert (PACKAGE / "pdf" / "__init__.py").read_text() == ""
    assert (PACKAGE / "charts" / "__init__.py").read_text() == ""


def test_the_readme_module_map_names_every_module():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## How the code is laid out"):]
    table = "\n".join(line for line in section.splitlines() if line.startswith("| `"))
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if not p.name.startswith("__")}
    named = set(re.findall(r"`([\w/]+\.py)`", table))
    assert modules - named == set(), "modules missing from the README's map"
    assert named - modules == set(), "the README's map names modules that do not exist"
