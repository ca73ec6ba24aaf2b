"""House styles: lookup, extends chains, one-line changes, block overrides, errors."""

from __future__ import annotations

import difflib

import pdfplumber
import pytest
import readback
from support import html_of, run, text_of, write_style

from briefkit import styles, stylesearch
from briefkit.build import Options, build
from briefkit.errors import StyleError


def test_a_child_that_sets_one_property_and_one_block_changes_exactly_that(brief, tmp_path):
    write_style(brief / "styles", "acme", "extends: think-tank\n", css=":root { --accent: #8a1538; }\n",
                templates={"brief.html.j2": """\
                    {% extends "base.html.j2" %}
                    {% block closing %}<footer class="closing">Acme Ltd.</footer>{% endblock %}
                    """})
    before = html_of(brief)
    after = html_of(brief, style="acme")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    added = [line[1:].strip() for line in changed if line.startswith("+") and line[1:].strip()]
    assert ":root { --accent: #8a1538; }" in added
    assert any('<footer class="closing">Acme Ltd.</footer>' in line for line in added)
    removed = "\n".join(line for line in changed if line.startswith("-"))
    assert "disclaimer" in removed and "accent" not in removed  # only the closing block went
    assert len(added) == 2, added


def test_extends_chains_of_depth_three_layer_css_and_templates(tmp_path):
    root = tmp_path / "styles"
    write_style(root, "middle", "extends: think-tank\ncolours: {accent: '#004400'}\n",
                css="/* middle */\n", templates={"partials/closing.html.j2": "<p>middle closing</p>\n"})
    write_style(root, "child", "extends: middle\ndescription: the child\n", css="/* child */\n",
                templates={"partials/closing.html.j2": "<p>child closing</p>\n"})
    style = styles.find(str(root / "child"))
    assert [folder.name for folder in style.chain] == ["child", "middle", "think-tank"]
    css = style.css()
    # from the root down, each style's knobs and then its own style.css
    assert css.index("--accent: #1f4e79") < css.index("--accent: #004400") < css.index("/* middle */") \
        < css.index("/* child */")
    assert style.template_dirs[0] == root / "child" / "templates"
    assert style.settings["description"] == "the child"
    assert style.settings["citation_format"] == "chicago-note"  # inherited from the root


def test_a_brief_local_style_wins_over_the_built_in_of_the_same_name(brief, tmp_path):
    write_style(brief / "styles", "think-tank", "extends: think-tank\n",
                css=":root { --accent: #123456; }\n")
    style = styles.find("think-tank", brief)
    assert style.chain[0] == (brief / "styles" / "think-tank").resolve()
    assert style.chain[1] == stylesearch.BUILTIN_STYLES / "think-tank"  # and it can extend it
    html = html_of(brief)
    assert "--accent: #123456" in html


def test_styles_are_found_through_the_environment(tmp_path, monkeypatch):
    write_style(tmp_path / "house", "ours", "extends: think-tank\n")
    monkeypatch.setenv("BRIEFKIT_STYLES", str(tmp_path / "house"))
    assert styles.find("ours").chain[0].name == "ours"
    assert ("ours", "BRIEFKIT_STYLES") in [(name, origin) for name, origin, *_ in stylesearch.available()]


@pytest.mark.parametrize("setup, target, says", [
    (lambda root: None, "nowhere", "style 'nowhere' not found"),
    (lambda root: (write_style(root, "a", "extends: b\n"), write_style(root, "b", "extends: a\n")),
     "a", "extends makes a cycle: a -> b -> a"),
    (lambda root: write_style(root, "bad", "extends: think-tank\ncolour: {accent: red}\n"),
     "bad", "unknown key 'colour'"),
    (lambda root: write_style(root, "broken", "extends: [think-tank\n"), "broken",
     "style.yaml:2: not valid YAML"),
    (lambda root: write_style(root, "tagged", "extends: think-tank\nlogo: !include x\n"), "tagged",
     "style.yaml:2: YAML tags (!include) are not supported"),
    (lambda root: write_style(root, "typo", "extends: think-tank\ncitation_fromat: x\n"), "typo",
     "style.yaml:2: unknown key 'citation_fromat'; did you mean 'citation_format'?"),
    (lambda root: write_style(root, "nologo", "logo: missing.svg\n"), "nologo", "is not a file"),
    (lambda root: write_style(root, "pdfa1", "pdf_variant: pdf/a-1b\n"), "pdfa1", "pdf_variant: Input should be 'pdf/a-3b'"),
])
def test_style_errors_name_the_file(tmp_path, monkeypatch, setup, target, says):
    monkeypatch.setenv("BRIEFKIT_STYLES", str(tmp_path))
    setup(tmp_path)
    with pytest.raises(StyleError, match="style") as error:
        styles.find(target)
    assert says in str(error.value)


def test_a_missing_style_is_a_usage_error_naming_the_option(runner, brief, tmp_path):
    result = run(runner, "build", str(brief), "--style", "nowhere", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "--style nowhere: no such style" in result.output


def test_an_author_date_format_cites_in_the_text_with_a_reference_list(brief, tmp_path):
    write_style(brief / "styles", "ad", "extends: think-tank\ncitation_format: author-date\n")
    html = html_of(brief, style="ad")
    text = text_of(html)
    assert "bk-note" not in html
    assert "(Neale 2018)" in text and "p. 20)" in text
    assert "References" in text and "Neale, Jonathan. 2018. “Remembering the Saur Revolution”" in text
    references = text[text.index("References"):]
    assert references.index("Al Jazeera. 2021") < references.index("Gurganus, Julia") \
        < references.index("The Kremlin. 2001")
    assert html.count('<li class="reference">') == 21


def test_style_new_makes_a_child_that_builds(runner, brief, tmp_path, monkeypatch):
    monkeypatch.chdir(brief)
    result = run(runner, "style", "new", "acme", "--from", "think-tank")
    assert result.exit_code == 0, result.output
    css = (brief / "styles" / "acme" / "style.css").read_text()
    assert "/* --accent: #1f4e79; */" in css
    (brief / "styles" / "acme" / "style.css").write_text(css.replace("/* --accent: #1f4e79; */",
                                                                      "--accent: #8a1538;"))
    listing = run(runner, "styles", "--brief", str(brief)).output
    assert "acme" in listing and "think-tank" in listing
    html = html_of(brief, style="acme")
    assert "--accent: #8a1538;" in html
    again = run(runner, "style", "new", "acme")
    assert again.exit_code == 1 and "already exists" in again.output


def test_style_keys_in_brief_yaml_are_allowed_only_with_the_style(brief, tmp_path, runner):
    write_style(brief / "styles", "memo", "extends: think-tank\nbrief_keys: [to]\n",
                templates={"partials/closing.html.j2": "<p class='to'>To: {{ extra.to }}</p>\n"})
    text = (brief / "brief.yaml").read_text().replace("style: think-tank", "style: memo")
    (brief / "brief.yaml").write_text(text + "to: The Council\n")
    html = html_of(brief)
    assert "To: The Council" in html
    (brief / "brief.yaml").write_text(text.replace("style: memo", "style: think-tank") + "to: X\n")
    result = run(runner, "build", str(brief), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "unknown key 'to'" in result.output


@pytest.mark.parametrize("name, says", [
    ("policy-memo", ("MEMORANDUM", "TO: National Security Council staff", "Page 1 of")),
    ("article", ("By Eurasia Security Desk · 29 January 2026 · 9 min read", "KEY POINTS",
                 "First published on meridian.example")),
])
def test_the_sample_builds_in_the_other_built_in_styles(styled, name, says):
    """The other built-in styles; think-tank, the default, is test_sample.py's subject."""
    pdf = styled(name)["pdf"]
    assert readback.misplaced(pdf, at_least=21) == []
    pdf_text = readback.text(pdf)
    missing = [part for part in says if part not in pdf_text]
    with pdfplumber.open(pdf) as document:  # PDFium reads letter-spaced capitals as K E Y: pdfplumber
        for page in document.pages:        # reads what it missed, a page at a time until found
            if missing:
                text = page.extract_text() or ""
                missing = [part for part in missing if part not in text]
    assert missing == [], missing


def test_a_root_style_without_the_mechanics_still_puts_notes_at_the_page_foot(brief, tmp_path):
    """A new root style holds only its look: no `float: footnote`, no running strings, no
    chronology rules. briefkit's mechanics layer still sets every note at the foot of the page
    of its call and repeats the chronology's header."""
    fonts = "".join(line + "\n" for line in (stylesearch.BUILTIN_STYLES / "think-tank" / "style.yaml")
                    .read_text().splitlines() if "Source S" in line and "file:" in line)
    look = ("@page { size: A4; margin: 2cm; }\nhtml { font: 10.5pt/1.4 'Source Serif Pro'; }\n"
            "::footnote-call { font: 7pt 'Source Sans Pro'; }\n"  # what readback.notes looks for
            "::footnote-marker { font: 600 8pt 'Source Sans Pro'; }\n.footnote { font-size: 8pt; }\n")
    write_style(brief / "styles", "bare", "description: typography only\nfonts:\n" + fonts, css=look)
    result = build(brief, Options(output=tmp_path / "bare.pdf", style="bare"))
    assert readback.misplaced(result.pdf, at_least=21) == []
    assert "float: footnote" not in (stylesearch.BUILTIN_STYLES / "think-tank" / "style.css").read_text()


def test_style_new_finds_the_briefs_own_styles_and_writes_an_extends_that_builds(runner, brief, tmp_path,
                                                                                   monkeypatch):
    """`--from` resolves a name as a build does (inside a brief folder, its styles/ first), and
    `extends:` finds the parent from wherever a build later runs: by name beside it, else by a
    path relative to the new style."""
    monkeypatch.chdir(brief)
    far = tmp_path / "elsewhere"
    for name, parent, *where in (("caspian", "think-tank"), ("cpf", "caspian"), ("cpf2", "./styles/caspian"),
                                 ("far", "think-tank", "--dir", str(far)), ("near", str(far / "far"))):
        result = run(runner, "style", "new", name, "--from", parent, *where)
        assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)
    for name, chain in (("cpf", ["cpf", "caspian", "think-tank"]),
                        ("cpf2", ["cpf2", "caspian", "think-tank"]), ("near", ["near", "far", "think-tank"])):
        assert [folder.name for folder in styles.find(name, brief).chain] == chain
        assert "<main" in html_of(brief, style=name)


def test_style_css_wins_over_the_same_styles_colours_and_the_clash_is_a_warning(brief, caplog):
    """One documented order: a style's own style.css after its `colours:` (a hand-written rule
    wins), a child's after its parent's; the same colour set in both places is named."""
    write_style(brief / "styles", "both", "extends: think-tank\ncolours: {accent: '#111111'}\n",
                css=":root {\n  --accent: #222222;\n}\n")
    with caplog.at_level("WARNING", logger="briefkit"):
        css = html_of(brief, style="both")
    assert css.index("--accent: #111111") < css.index("--accent: #222222")
    assert any("style.css:2: --accent is also set by `colours:`" in r.getMessage() for r in caplog.records)
    for name in ("think-tank", "policy-memo", "article"):  # the built-ins set each colour once
        assert styles.find(name).clashes() == []


def test_a_chart_font_declared_under_another_name_draws_with_its_file(runner, tmp_path):
    """`chart_font:` names a family the style declares (here "Caspian Serif" for Source Serif
    Pro's file): Matplotlib measures and draws with that file, and the engine knows the face
    under the name the chart's SVG gives it. A family the style does not declare is an error
    naming style.yaml and its line."""
    brief = tmp_path / "starter"  # a small brief with a chart
    assert run(runner, "new", str(brief)).exit_code == 0
    serif = "pkg:font_source_serif_pro/files/SourceSerifPro-Regular.ttf"
    write_style(brief / "styles", "caspian", f"extends: think-tank\nfonts:\n  - {{family: Caspian Serif, "
                f"file: '{serif}', weight: 400}}\nchart_font: Caspian Serif\n")
    result = run(runner, "build", str(brief), "--style", "caspian", "-o", str(tmp_path / "c.pdf"))
    assert result.exit_code == 0, result.output
    assert "findfont" not in result.output and "not found" not in result.output
    html = html_of(brief, style="caspian")
    for name in ("Caspian Serif", "Source Serif Pro"):
        assert f'@font-face {{ font-family: "{name}"' in html
    write_style(brief / "styles", "nofont", "extends: think-tank\ndescription: x\n"
                                            "chart_font: Caspian Serif\n")
    result = run(runner, "build", str(brief), "--style", "nofont", "-o", str(tmp_path / "n.pdf"))
    assert result.exit_code == 1
    assert "nofont/style.yaml:3: chart_font 'Caspian Serif' is not a family" in result.output


def test_a_font_file_outside_the_style_folder_is_refused(tmp_path):
    """A style reads nothing outside its folder (fonts as logos), save fonts of installed
    packages (`pkg:`): a style from a contributor cannot embed any file of the machine."""
    (tmp_path / "elsewhere.ttf").write_bytes(b"not read")
    style = write_style(tmp_path / "styles", "leaky",
                        "extends: think-tank\nfonts:\n  - {family: Leak, file: ../../elsewhere.ttf}\n")
    with pytest.raises(StyleError, match=r"font file '../../elsewhere.ttf' lies outside the style folder"):
        styles.find(str(style))
