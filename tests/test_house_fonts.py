"""A house font without U+2010 or an italic face prints every glyph from the style's own fonts
(issue 29, point 8), and `check --layout` names any font the style does not declare."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import font_source_serif_pro
import pytest
from fontTools.ttLib import TTFont
from support import MINIMAL, build, copy_sample, run

from briefkit.glyphs import LINE_END_HYPHEN, foreign

SOURCE = Path(font_source_serif_pro.__file__).parent / "files"
#: The house stack of the issue: the house font, then whatever serif the machine has.
CSS = ':root {\n  --body-font: "Acme Serif", serif;\n  --head-font: "Acme Serif", serif;\n}\n'
ERA = "Soviet-Afghan War"  # the sample's first era, drawn on the chart


def _acme(folder: Path, drop: set[int]) -> None:
    """Acme Serif, upright and bold, no italic: Source Serif Pro without `drop` in its character
    map (its glyphs stay, unreachable, as in a font that lacks them), renamed."""
    for weight, source in (("Regular", "SourceSerifPro-Regular.ttf"), ("Bold", "SourceSerifPro-Bold.ttf")):
        font = TTFont(SOURCE / source)
        for table in font["cmap"].tables:
            table.cmap = {code: glyph for code, glyph in table.cmap.items() if code not in drop}
        for record in font["name"].names:
            names = {1: "Acme Serif", 16: "Acme Serif", 3: f"Acme Serif {weight}",
                     4: f"Acme Serif {weight}", 6: f"AcmeSerif-{weight}"}
            record.string = names.get(record.nameID, record.string)
        font.save(folder / f"AcmeSerif-{weight}.ttf")


def _styled(brief: Path, drop: set[int]) -> Path:
    """`brief` with styles/acme: a child of article (which hyphenates) set in Acme Serif alone."""
    style = brief / "styles" / "acme"
    (style / "fonts").mkdir(parents=True)
    _acme(style / "fonts", drop)
    (style / "style.yaml").write_text(
        "extends: article\nfonts:\n  - {family: Acme Serif, file: fonts/AcmeSerif-Regular.ttf}\n"
        "  - {family: Acme Serif, file: fonts/AcmeSerif-Bold.ttf, weight: 700}\nchart_font: Acme Serif\n")
    (style / "style.css").write_text(CSS, encoding="utf-8")
    return brief


def _fonts(pdf: Path) -> list[str]:
    """pdffonts' names, the subset prefix left out."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].partition("+")[2] for line in lines.splitlines()[2:]]


@pytest.fixture(scope="module")
def acme_sample(shared, runner) -> Path:
    """The sample's first pages in Acme Serif, a house font with no U+2010 and no italic face."""

    def make(out: Path) -> None:
        brief = copy_sample(out)
        commentary = brief / "commentary.md"  # its first three sections, the chart among them
        commentary.write_text(commentary.read_text().partition("## Rapprochement")[0])
        result, pdf = build(runner, _styled(brief, {0x2010}), out, "--style", "acme")
        assert result.exit_code == 0, result.output

    return shared("house-fonts-acme", make) / "out.pdf"


needs_pdffonts = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")


@needs_pdffonts
def test_a_font_without_u2010_hyphenates_with_its_own_hyphen(acme_sample):
    """Line-end hyphens are drawn, all from Acme Serif: the stack's `serif` (DejaVu Serif here)
    drew them before, the font having no U+2010."""
    assert all(name.startswith("Acme-Serif") for name in _fonts(acme_sample)), _fonts(acme_sample)
    drawn = foreign(acme_sample.read_bytes(), set())  # every font, with what it draws
    hyphens = {font for font, letters in drawn.items() if LINE_END_HYPHEN in letters}
    assert hyphens and hyphens <= {"Acme-Serif", "Acme-Serif-Bold", "Acme-Serif-Oblique"}, drawn.keys()


@needs_pdffonts
def test_a_style_without_an_italic_draws_the_chart_eras_from_its_own_upright(acme_sample):
    """The chart's era labels in Acme Serif's upright face on every machine (they were a slant
    fontconfig makes where it is set up to, upright where not, or a system italic when the
    chart's family list reached one), and no system font in the PDF."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium

    document = pypdfium2.PdfDocument(str(acme_sample))
    name = ctypes.create_string_buffer(128)
    for page in document:
        text = page.get_textpage()
        found = text.get_text_range().find(ERA)
        if found >= 0:
            fonts = set()
            for index in range(found, found + len(ERA)):
                pdfium.FPDFText_GetFontInfo(text.raw, index, name, len(name), None)
                fonts.add(name.value.decode().partition("+")[2])
            assert fonts == {"Acme-Serif"}, fonts
            break
    else:
        pytest.fail(f"the era {ERA!r} is not on any page")
    document.close()
    assert not [name for name in _fonts(acme_sample) if not name.startswith("Acme-Serif")]


@pytest.mark.slow  # two layouts of the sample; check's font findings
def test_check_names_a_font_the_style_does_not_declare(tmp_path, runner, make_brief):
    """A letter Acme Serif lacks falls to the machine's serif: `check --layout` names that font
    and the letter; with --strict it fails."""
    brief = make_brief({**MINIMAL, "commentary.md": "Talks in København went on.[^a]\n\n[^a]: The note.\n"})
    _styled(brief, {0x2010, 0xF8})
    result = run(runner, "check", str(brief), "--style", "acme", "--layout")
    assert result.exit_code == 0, result.output
    says = "draws ø U+00F8 (page 1), and style 'acme' declares no such font"
    assert says in result.output, result.output
    strict = run(runner, "check", str(brief), "--style", "acme", "--layout", "--strict")
    assert strict.exit_code == 1 and "declares no such font" in strict.output, strict.output


def test_a_built_in_style_hyphenates_from_its_body_font(styled):
    """policy-memo's Source Sans Pro has no U+2010: its line-end hyphens are its own, not the
    next family's (Noto Sans Devanagari drew them), and no font but the style's is drawn."""
    from briefkit.fontstack import declared
    from briefkit.styles import find

    pdf = styled("policy-memo")["pdf"]
    drawn = foreign(pdf.read_bytes(), set())
    hyphens = {font for font, letters in drawn.items() if LINE_END_HYPHEN in letters}
    assert hyphens and all(font.startswith("Source-Sans-Pro") for font in hyphens), hyphens
    assert not foreign(pdf.read_bytes(), declared(find("policy-memo")))
