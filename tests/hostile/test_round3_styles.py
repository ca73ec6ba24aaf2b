"""A contributor's style: templates sandboxed, every path kept inside, style.yaml typed, style.css
read by the brief's rules, messages that name the style's own file and line."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefkit import styles
from briefkit.errors import StyleError
from support import MINIMAL, ROOT, build, fails, html_of, run, write_style

NOTO = ROOT / "src" / "briefkit" / "fonts" / "noto" / "NotoSansArabic-Regular.ttf"
EXAMPLES = int(os.environ.get("BRIEFKIT_FUZZ", 300))


@pytest.fixture
def brief(make_brief):
    """A minimal brief in the brief-local style `a` (extending think-tank)."""
    return make_brief({"brief.yaml": textwrap.dedent(MINIMAL["brief.yaml"]) + "style: a\n"})


def style_a(folder, yaml_text="extends: think-tank\n", css=None, templates=None):
    target = folder / "styles" / "a"
    shutil.rmtree(target, ignore_errors=True)
    return write_style(folder / "styles", "a", yaml_text, css, templates)


def cover(expression: str) -> dict:
    return {"partials/cover.html.j2": '{% extends "base/partials/cover.html.j2" %}\n'
                                      "{% block title %}" + expression + "{% endblock %}\n"}


# 1. Templates are sandboxed ------------------------------------------------------------------

ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ (cycler|attr('__init__')) }}",
    "{% set n = '__in' ~ 'it__' %}{{ cycler[n] }}",
    "{{ joiner.__class__.__mro__ }}",
    "{{ '{0.__class__}'.format(brief) }}",
    "{{ brief.date.__class__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_a_template_cannot_reach_python(brief, tmp_path, expression):
    style_a(brief, templates=cover(expression))
    result, out = build(CliRunner(), brief, tmp_path)
    output = fails(result, out, 1, "cover.html.j2:2: template uses '", "which templates may not")
    assert "uid=" not in output


def test_check_refuses_the_template_too(brief):
    style_a(brief, templates=cover(ESCAPES[0]))
    result = run(CliRunner(), "check", str(brief))
    assert result.exit_code == 1 and "template uses '__init__'" in result.output, result.output


@pytest.mark.parametrize("expression, says", [
    ("{{ 1/0 }}", "ZeroDivisionError"),
    ("{% for x in range(10**9) %}{% endfor %}", "OverflowError"),
    ("{{ 'x' * 1000000000 }}", "larger than a page needs"),
    ("{{ 2 ** 100000000 }}", "larger than a page needs"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "RecursionError"),
    ("{{ lipsum() }}", "'lipsum' is undefined"),
    ("{{ brief.title.upper.__self__ }}", "template uses '__self__'"),
])
def test_a_template_mistake_names_its_line(brief, tmp_path, expression, says):
    style_a(brief, templates=cover(expression))
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "cover.html.j2:2", says)


def test_what_a_template_may_use_still_works(brief):
    style_a(brief, templates=cover("<h1>{{ brief.title|upper }} {{ brief.date.isoformat() }} "
                                   "{{ _('Summary') }} {% for a in brief.authors %}{{ a.name }}{% endfor %}"
                                   "{% set ns = namespace(n=1) %}{{ ns.n }}</h1>"))
    assert "A MINIMAL BRIEF 2026-02-01 Summary Test Desk1" in html_of(brief)


def test_a_template_linked_out_of_its_folder_is_refused(brief, tmp_path, canary):
    folder = style_a(brief, templates=cover('{% include "partials/x.html.j2" %}'))
    (folder / "templates" / "partials" / "x.html.j2").symlink_to(canary)
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "not a link out of it")


# 2. Style paths stay inside -----------------------------------------------------------------

@pytest.mark.parametrize("font", [
    "pkg:briefkit/../../../../../../{canary}",
    "pkg:briefkit/../../{rel}",
    "../../../secret/canary.ttf",
    "{canary}",
])
def test_a_font_path_cannot_leave(brief, tmp_path, canary, font):
    shutil.copy(NOTO, canary.with_suffix(".ttf"))
    font = font.format(canary=canary.with_suffix(".ttf"), rel="secret/canary.ttf")
    style_a(brief, f'extends: think-tank\nfonts:\n  - {{family: X, file: "{font}"}}\n')
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "style.yaml:3:", "lies outside")


def test_pkg_never_imports_what_it_names(brief, tmp_path):
    style_a(brief, 'extends: think-tank\nfonts:\n  - {family: X, file: "pkg:antigravity/x.ttf"}\n')
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "style.yaml:3:", "not an installed package")
    style_a(brief, 'extends: think-tank\nfonts:\n  - {family: X, file: "pkg:briefkit/__init__.py"}\n')
    fails(build(CliRunner(), brief, tmp_path)[0], out, 1, "style.yaml:3:", "is not a font")


def test_a_font_folder_is_not_readable_by_the_build(brief, tmp_path, canary):
    """A font the style may use opens only that file: its folder's other files stay closed."""
    (brief / "styles").mkdir()
    fonts = brief / "styles" / "a" / "fonts"
    style_a(brief, 'extends: think-tank\nfonts:\n  - {family: X, file: "fonts/x.ttf"}\n')
    fonts.mkdir()
    shutil.copy(NOTO, fonts / "x.ttf")
    roots = styles.find("a", brief).roots
    assert fonts / "x.ttf" in [root for root in roots] and fonts not in roots
    assert not any(root in NOTO.parents for root in roots)


@pytest.mark.parametrize("key, value", [("logo", "../../../secret/canary.png"),
                                        ("chart_style", "../../../secret/x.mplstyle")])
def test_logo_and_chart_style_stay_inside(brief, tmp_path, canary, key, value):
    (canary.parent / "x.mplstyle").write_text("axes.facecolor: red\n")
    style_a(brief, f"extends: think-tank\n{key}: {value}\n")
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "style.yaml:2:", f"{key} ", "lies outside")


@pytest.mark.parametrize("css, says", [
    ("h1 { background: url(../../../secret/canary.png) }", "lies outside"),
    ('h1 {\n  background: url("file:///etc/passwd") }', "absolute path"),
    ("h1 { background: url('/etc/passwd') }", "absolute path"),
])
def test_css_urls_stay_inside(brief, tmp_path, canary, css, says):
    style_a(brief, css=css)
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 1, "style.css:", says)


def test_a_css_url_is_relative_to_its_style(brief, tmp_path, canary):
    folder = style_a(brief, css=".title { background: url(rule.png) }")
    shutil.copy(canary, folder / "rule.png")
    assert f'url("{(folder / "rule.png").resolve().as_uri()}")' in html_of(brief)
    result, out = build(CliRunner(), brief, tmp_path)
    assert result.exit_code == 0, result.output


# 8. BOM and encodings; 10. style.yaml typed ------------------------------------------------

def test_a_bom_does_not_drop_the_first_rule(brief, tmp_path):
    folder = style_a(brief)
    (folder / "style.css").write_bytes("\ufeff.title { color: #ff0000 !important }\n".encode())
    result, out = build(CliRunner(), brief, tmp_path)
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        colours = {tuple(c["non_stroking_color"] or ()) for c in pdf.pages[0].chars if c["text"] == "M"}
    assert (1, 0, 0) in colours or (1.0, 0.0, 0.0) in colours, colours


def test_a_utf16_style_sheet_names_its_file(brief, tmp_path):
    folder = style_a(brief)
    (folder / "style.css").write_bytes(".title { color: red }\n".encode("utf-16"))
    output = fails(build(CliRunner(), brief, tmp_path)[0], tmp_path / "out.pdf", 1, "style.css: ", "UTF-16")
    assert "brief.yaml" not in output


@pytest.mark.parametrize("yaml_text, line, says", [
    ("extends: think-tank\nfonts: {family: X}\n", 2, "fonts: Input should be a valid list"),
    ("extends: think-tank\nfonts:\n  - {family: X}\n", 3, "fonts.0.file is required"),
    ("extends: think-tank\nfonts:\n  - {family: X, file: f.ttf, weight: heavy}\n", 3, "weight"),
    ("extends: think-tank\ncolours: red\n", 2, "colours"),
    ("extends: think-tank\ncolours:\n  accent: 'red; } body { x: y'\n", 3, "is not a CSS colour"),
    ("extends: think-tank\nsummary_words: many\n", 2, "summary_words"),
    ("extends: think-tank\nmax_pages: -2\n", 2, "max_pages"),
    ("extends: think-tank\npage: {size: A4, colour: red}\n", 2, "page.colour"),
    ("extends: think-tank\npage: {margin: '1cm; } h1 { color: red'}\n", 2, "plain CSS value"),
    ("extends: think-tank\ncitation_format: ../../../x\n", 2, "not a template name"),
    ("extends: think-tank\nnotes: side\n", 2, "notes"),
    ("extends: think-tank\ncolurs: {a: red}\n", 2, "did you mean 'colours'"),
    ("name: a\nextends: a\n", 2, "names this style itself"),
    ("extends: think-tnak\n", 1, "did you mean 'think-tank'"),
])
def test_style_yaml_mistakes_name_their_line(brief, tmp_path, yaml_text, line, says):
    style_a(brief, yaml_text)
    result, out = build(CliRunner(), brief, tmp_path)
    output = fails(result, out, 1, f"styles/a/style.yaml:{line}:", says)
    assert "brief.yaml" not in output  # the mistake is the style's, not the brief's


def test_a_damaged_font_names_its_line(brief, tmp_path):
    folder = style_a(brief, 'extends: think-tank\nfonts:\n  - {family: X, file: "x.ttf"}\n')
    (folder / "x.ttf").write_bytes(NOTO.read_bytes()[:3000])
    fails(build(CliRunner(), brief, tmp_path)[0], tmp_path / "out.pdf", 1, "style.yaml:3:",
          "cannot be read as a font")


def test_css_weights_are_words_too(brief, tmp_path):
    folder = style_a(brief, textwrap.dedent("""\
        extends: think-tank
        fonts:
          - {family: Naskh Test, file: "x.ttf", weight: bold}
        """), css=".title { font-family: 'Naskh Test'; font-weight: bold }")
    shutil.copy(NOTO, folder / "x.ttf")
    assert [f.weight for f in styles.find("a", brief).fonts if f.family == "Naskh Test"] == [700]


# Property: any style.yaml gives a style or a StyleError, never another exception ----------

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 2000), st.text(max_size=12),
                   st.lists(st.text(max_size=5), max_size=3),
                   st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3),
                   st.sampled_from(["bold", "pkg:briefkit/../x.ttf", "../x", "think-tank", "a",
                                    "*x", "&x 1", "!!python/object:os.system", "red", "#fff"]))
KEYS = list(styles.STYLE_DEFAULTS) + ["colurs", "weight"]


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5))
def test_any_style_yaml_is_a_style_or_a_clear_error(tmp_path_factory, data):
    import yaml

    root = tmp_path_factory.mktemp("s")
    folder = root / "styles" / "a"
    folder.mkdir(parents=True)
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    (folder / "style.yaml").write_text(text, encoding="utf-8")
    try:
        style = styles.find("a", root)
        style.css()
    except StyleError as error:
        assert "style.yaml" in error.message or "style" in error.message


TEMPLATE_PIECES = ["{{ ", " }}", "{% ", " %}", "brief", ".title", ".__class__", "|attr('x')", "[0]",
                   "cycler", "range(", ")", "10**9", "*", "'x'", "1/0", "_('Summary')", "for x in ",
                   "endfor", "if ", "endif", "set y = ", "y", "namespace(", "loop", "self", "super()",
                   "include 'x'", "import 'x' as m", "m.", "|format(", "|map(attribute='__dict__')"]


@pytest.mark.slow
@settings(max_examples=EXAMPLES // 3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(TEMPLATE_PIECES), max_size=12))
def test_any_template_renders_or_names_its_mistake(tmp_path_factory, pieces):
    from briefkit.errors import BriefError

    root = tmp_path_factory.mktemp("t")
    (root / "brief.yaml").write_text(textwrap.dedent(MINIMAL["brief.yaml"]) + "style: a\n")
    (root / "commentary.md").write_text(MINIMAL["commentary.md"])
    style_a(root, templates=cover("".join(pieces)))
    try:
        html_of(root)
    except BriefError as error:  # anything else fails the test: "unexpected error" is a bug
        assert ".j2:" in error.message or "template" in error.message, error.message


# 8. Direction from the script ----------------------------------------------------------------

@pytest.mark.parametrize("language, direction", [("uz-Arab", "rtl"), ("pa-Arab", "rtl"), ("ks", "rtl"),
                                                 ("ks-Deva", "ltr"), ("sd-Deva", "ltr"), ("prs", "rtl"),
                                                 ("fa-AF", "rtl"), ("az-Latn", "ltr"), ("ms-Arab", "rtl")])
def test_direction_comes_from_the_script(make_brief, language, direction):
    folder = make_brief({"brief.yaml": textwrap.dedent(MINIMAL["brief.yaml"]) + f"language: {language}\n"})
    assert f'dir="{direction}"' in html_of(folder).split(">", 2)[1]


@pytest.mark.slow  # waits out a time limit
def test_a_template_that_loops_for_ever_is_stopped(brief, tmp_path, monkeypatch):
    from briefkit import document

    monkeypatch.setattr(document, "TEMPLATE_SECONDS", 2)
    style_a(brief, templates=cover("{% for i in range(100000) %}{% for j in range(100000) %}"
                                   "{% endfor %}{% endfor %}"))
    result, out = build(CliRunner(), brief, tmp_path)
    fails(result, out, 3, "filling the templates took longer than 2 s", "nested loops")


# 4. No path of the build machine in the HTML -------------------------------------------------

def test_the_html_output_names_its_resources_from_where_it_is(brief, tmp_path, canary):
    """--html elsewhere: no file:// URI, no absolute path; bare WeasyPrint finds the style's font,
    its logo and the brief's image from the file's own place and prints the same pages."""
    import subprocess
    import sys

    folder = style_a(brief, 'extends: think-tank\nlogo: logo.png\nfonts:\n'
                            '  - {family: Naskh Test, file: "x.ttf"}\n',
                     css=".title { font-family: 'Naskh Test' }")
    import font_source_sans_pro  # a face with Latin letters, copied into the style as its own

    shutil.copy(Path(font_source_sans_pro.__file__).parent / "files" / "SourceSansPro-Bold.ttf", folder / "x.ttf")
    shutil.copy(canary, folder / "logo.png")
    (brief / "images").mkdir()
    shutil.copy(canary, brief / "images" / "photo.png")
    (brief / "commentary.md").write_text("![A photo](images/photo.png)\n\nA paragraph.[^a]\n\n[^a]: A note.\n")
    html = tmp_path / "elsewhere" / "brief.html"
    result, out = build(CliRunner(), brief, tmp_path, "--html", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "file:" not in text and str(tmp_path) not in text
    bare = tmp_path / "bare.pdf"
    subprocess.run([sys.executable, "-m", "weasyprint", str(html), str(bare)], check=True, capture_output=True)
    with pikepdf.open(out) as built, pikepdf.open(bare) as again:
        assert len(built.pages) == len(again.pages)
        images = [len(page.get_images()) for page in again.pages]
        assert images == [len(page.get_images()) for page in built.pages] and sum(images) >= 2
    fonts = []
    for path in (out, bare):
        with pdfplumber.open(path) as pdf:
            fonts.append({c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars})
    assert fonts[0] == fonts[1] and not any("DejaVu" in name for name in fonts[1])  # the style's own
