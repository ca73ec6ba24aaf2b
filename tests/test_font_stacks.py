"""`check` warns when a style's body or head stack has no face for the brief's letters."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib
import pytest
from support import ROOT, run

PAGES = Path(__file__).parent / "fixtures" / "pages"
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
GUIDE = ROOT / "docs" / "house-styles.md"


def _brief_with_style(tmp_path, language: str, css: str) -> Path:
    """A fixture brief with a child of think-tank named acme: Acme Serif (DejaVu Serif's file) and `css`."""
    folder = tmp_path / language
    shutil.copytree(PAGES / language, folder)
    style = folder / "styles" / "acme"
    (style / "fonts").mkdir(parents=True)
    shutil.copy(DEJAVU / "DejaVuSerif.ttf", style / "fonts" / "AcmeSerif-Regular.ttf")
    (style / "style.yaml").write_text("extends: think-tank\nfonts:\n"
                                      "  - {family: Acme Serif, file: fonts/AcmeSerif-Regular.ttf}\n")
    (style / "style.css").write_text(css, encoding="utf-8")
    return folder


def test_a_stack_without_the_scripts_fallback_is_named_with_its_line_and_the_face_to_add(tmp_path, runner):
    folder = _brief_with_style(tmp_path, "hi", '/* acme */\n\n:root {\n  --accent: #8a1538;\n'
                                               '  --body-font: "Acme Serif", serif;\n}\n')
    result = run(runner, "check", str(folder), "--style", "acme")
    assert result.exit_code == 0, result.output
    css = folder / "styles" / "acme" / "style.css"
    assert f"warning: {css}:5: --body-font has no face for " in result.output, result.output
    assert 'add "Noto Serif Devanagari" to the stack' in result.output
    assert "--head-font" not in result.output  # the parent's head stack keeps its Noto faces
    strict = run(runner, "check", str(folder), "--style", "acme", "--strict")
    assert strict.exit_code == 1 and f"{css}:5: --body-font has no face" in strict.output, strict.output


def test_a_stack_set_for_the_language_counts_as_the_cascade_has_it(tmp_path, runner):
    """A :lang() rule for Urdu that drops Arabic script is found; an English brief is not troubled."""
    css = ':root:where(:lang(ur)) {\n  --head-font: "Acme Serif", sans-serif;\n}\n'
    urdu = run(runner, "check", str(_brief_with_style(tmp_path, "ur", css)), "--style", "acme")
    assert "style.css:2: --head-font has no face for " in urdu.output, urdu.output
    assert 'add "Noto Nastaliq Urdu"' in urdu.output or 'add "Noto Sans Arabic"' in urdu.output
    hindi = run(runner, "check", str(_brief_with_style(tmp_path, "hi", css)), "--style", "acme")
    assert "has no face" not in hindi.output, hindi.output


def test_a_style_of_its_own_that_sets_font_family_on_the_root_is_checked_too(tmp_path, runner):
    folder = _brief_with_style(tmp_path, "hi", '/* acme */\nhtml { font-family: "Acme Serif", serif; }\n')
    yaml = folder / "styles" / "acme" / "style.yaml"
    noto = ('  - {family: Noto Sans Devanagari, '
            'file: "pkg:briefkit/fonts/noto/NotoSansDevanagari-Regular.ttf"}\n')
    yaml.write_text(yaml.read_text().replace("extends: think-tank", "extends: null") + noto)
    result = run(runner, "check", str(folder), "--style", "acme")
    assert "style.css:2: font-family has no face for " in result.output, result.output
    assert 'add "Noto Sans Devanagari" to the stack' in result.output
    assert "no font of style" not in result.output  # a font of the style has them: the stack is at fault


def test_letters_no_font_of_the_style_has_are_one_warning_not_two(tmp_path, runner):
    folder = _brief_with_style(tmp_path, "hi", '/* acme */\nhtml { font-family: "Acme Serif", serif; }\n')
    yaml = folder / "styles" / "acme" / "style.yaml"
    yaml.write_text(yaml.read_text().replace("extends: think-tank", "extends: null"))
    result = run(runner, "check", str(folder), "--style", "acme")
    assert "no font of style 'acme' has" in result.output and "has no face for" not in result.output, \
        result.output


def test_the_guides_house_font_keeps_every_script(tmp_path, runner):
    """Step 3 of docs/house-styles.md, as written, leaves no brief of ours without a face."""
    guide = GUIDE.read_text(encoding="utf-8")
    step = guide[guide.index("## 3. "):guide.index("## 4. ")]
    css = re.search(r"```css\n(/\* styles/acme/style.css \*/.*?)```", step, re.S)[1]
    for language in ("hi", "ar", "ur", "ps"):
        result = run(runner, "check", str(_brief_with_style(tmp_path, language, css)), "--style", "acme")
        assert result.exit_code == 0 and "has no face" not in result.output, (language, result.output)


@pytest.mark.parametrize("style", ["think-tank", "policy-memo", "article"])
def test_the_built_in_styles_have_a_face_for_every_script_we_ship(tmp_path, runner, style):
    for language in ("hi", "ar", "ur", "ps"):
        result = run(runner, "check", str(PAGES / language), "--style", style, "--strict")
        assert result.exit_code == 0 and "has no face" not in result.output, (language, result.output)


@pytest.mark.parametrize("language, body, head", [
    ("hi", "Noto Serif Devanagari", "Noto Sans Devanagari"), ("fa", "Noto Naskh Arabic", "Noto Sans Arabic"),
    ("ur", None, None), ("ru", None, None), ("en", None, None)])
def test_the_face_of_the_briefs_script_leads_each_stack(language, body, head):
    """Justified text stretches its spaces in the stack's first face that has one: for a brief in
    a script the Latin face lacks, that must be the script's face (test_script_spacing.py); Urdu,
    set ragged, keeps the style's stacks."""
    from briefkit.languages import direction
    from briefkit.scriptfaces import ranges, script_first
    from briefkit.styles import find

    style = find("think-tank")
    rule = script_first(style, language, direction(language))
    if body is None:
        assert rule == ""
        assert ranges(style, language, direction(language)) == {}
    else:
        assert f'--body-font: "{body}", "Source Serif Pro", ' in rule, rule
        assert f'--head-font: "{head}", "Source Sans Pro", ' in rule, rule
        # the script's face sets its letters and the spaces, not the digits and punctuation the Latin face has
        limited = ranges(style, language, direction(language))[body.casefold()]
        assert limited.startswith("U+20, U+A0, ") and "U+30" not in limited and "U+2C" not in limited, limited


def test_a_house_stack_is_reordered_for_the_briefs_script_and_its_html_carries_it(tmp_path, runner):
    folder = _brief_with_style(tmp_path, "hi", ':root { --body-font: "Acme Serif", "Noto Serif Devanagari", serif; }\n'
                                               'html { font-family: "Acme Serif", "Noto Sans Devanagari"; }\n')
    html = tmp_path / "brief.html"
    result = run(runner, "build", str(folder), "--style", "acme", "-o", str(tmp_path / "b.pdf"), "--html", str(html))
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert ('--body-font: "Noto Serif Devanagari", "Acme Serif", "Noto Serif Devanagari", serif !important;'
            in text)
    assert 'font-family: "Noto Sans Devanagari", "Acme Serif", "Noto Sans Devanagari" !important;' in text


def test_a_house_stack_for_print_or_inside_supports_is_the_one_reordered(tmp_path):
    """The stack the page gets: one set inside @media print or @supports counts, one for the
    screen does not."""
    from briefkit.scriptfaces import script_first
    from briefkit.styles import find

    css = ('@media print { :root { --body-font: "Source Sans Pro", "Noto Sans Devanagari", sans-serif; } }\n'
           '@media screen { :root { --body-font: "Screen Only", serif; } }\n'
           '@supports (display: grid) { :root { --head-font: "Acme\\3c/style\\3e", "Noto Sans Devanagari"; } }\n')
    folder = _brief_with_style(tmp_path, "hi", css)
    rule = script_first(find("acme", folder), "hi", "ltr")
    assert '--body-font: "Noto Sans Devanagari", "Source Sans Pro", "Noto Sans Devanagari", sans-serif' in rule
    assert '--head-font: "Noto Sans Devanagari", "Acme</style>", "Noto Sans Devanagari" !important' in rule, rule
