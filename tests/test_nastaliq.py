"""Urdu is set in Noto Nastaliq Urdu with lines that clear its letters; Pashto stays in Naskh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from support import Lazy, quick, run

PAGES = Path(__file__).parent / "fixtures" / "pages"
BODY = {"think-tank": 10.5, "article": 11.0, "policy-memo": 10.5}  # each style's --body-size


def _arabic(text: str) -> bool:
    return any(0x0600 <= ord(c) <= 0x06FF or 0xFB50 <= ord(c) <= 0xFEFF for c in text)


@pytest.fixture(scope="module")
def built(shared, runner):
    """{(language, style): PDF} of the fixture briefs, built as a user would: each once a run,
    when a test first reads it."""

    def tagged(root):
        # Kashmiri and Sindhi: the Urdu and Pashto briefs under their tags (the face follows the tag).
        for language, source in (("ks", "ur"), ("sd", "ps")):
            shutil.copytree(PAGES / source, root / language)
            brief = root / language / "brief.yaml"
            text = brief.read_text(encoding="utf-8")
            brief.write_text(text.replace(f"language: {source}", f"language: {language}"), encoding="utf-8")

    def one(key):
        language, style = key
        folder = PAGES / language if language in ("ur", "ps") else shared("nastaliq", tagged) / language

        def make(root):
            result = run(runner, "build", str(folder), "--style", style, "-o", str(root / "out.pdf"))
            assert result.exit_code == 0, result.output

        return shared(f"nastaliq-{language}-{style}", make) / "out.pdf"

    keys = [("ur", style) for style in BODY] + [(language, "think-tank") for language in ("ps", "ks", "sd")]
    return Lazy(keys, one)


@pytest.mark.parametrize("style", quick(BODY, "think-tank"))
def test_urdu_letters_are_set_in_nastaliq(built, style):
    with pdfplumber.open(built["ur", style]) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars if _arabic(c["text"])}
    assert fonts and all(font.startswith("Noto-Nastaliq-Urdu") for font in fonts), fonts


@pytest.mark.slow  # Urdu's brief under another tag; test_urdu_letters_are_set_in_nastaliq is quick
def test_kashmiri_letters_are_set_in_nastaliq(built):
    with pdfplumber.open(built["ks", "think-tank"]) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars if _arabic(c["text"])}
    assert fonts and all(font.startswith("Noto-Nastaliq-Urdu") for font in fonts), fonts


@pytest.mark.parametrize("language", quick(["ps", "sd"], "ps"))
def test_pashto_and_sindhi_letters_are_set_in_naskh(built, language):
    with pdfplumber.open(built[language, "think-tank"]) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars if _arabic(c["text"])}
    # Body in Naskh, headings and notes in the style's sans face; never Nastaliq.
    assert "Noto-Naskh-Arabic" in fonts and all("Nastaliq" not in font for font in fonts), fonts


def _lines(page, size: float) -> list[list[dict]]:
    """The body text's Nastaliq letters of a page, line by line (top to bottom): a word's letters
    step down a slope, so a line is letters whose baselines lie within one body size."""
    chars = sorted((c for c in page.chars if "Nastaliq" in c["fontname"] and abs(c["size"] - size) < 0.05),
                   key=lambda c: c["bottom"])
    lines: list[list[dict]] = []
    for char in chars:
        if lines and char["bottom"] - lines[-1][-1]["bottom"] < size * 0.9:
            lines[-1].append(char)
        else:
            lines.append([char])
    return lines


@pytest.mark.parametrize("style", quick(BODY, "think-tank"))
def test_urdu_lines_do_not_touch(built, style):
    """Between two lines of a paragraph lies a row of the page with no ink across the column,
    and the baselines stand at least twice the body size apart (at a Latin style's 1.4 the
    stacked letters of one line reach into the next)."""
    size, scale = BODY[style], 3  # 216 dpi
    document = pypdfium2.PdfDocument(str(built["ur", style]))
    with pdfplumber.open(built["ur", style]) as pdf:
        pairs = 0
        for number, page in enumerate(pdf.pages):
            image = document[number].render(scale=scale, grayscale=True).to_pil()
            lines = _lines(page, size)
            for upper, lower in zip(lines, lines[1:], strict=False):
                gap = min(c["bottom"] for c in lower) - max(c["bottom"] for c in upper)
                if gap > size * 3.5:
                    continue  # a heading, figure or another paragraph in between
                pairs += 1
                step = _median([c["bottom"] for c in lower]) - _median([c["bottom"] for c in upper])
                assert step >= 2 * size, (style, number + 1, step)
                left = min(c["x0"] for c in upper + lower)
                right = max(c["x1"] for c in upper + lower)
                top, bottom = _median([c["bottom"] for c in upper]), _median([c["bottom"] for c in lower])
                box = (int(left * scale), int(top * scale), int(right * scale), int(bottom * scale))
                rows = image.crop(box)
                darkest = [min(rows.crop((0, y, rows.width, y + 1)).get_flattened_data())
                           for y in range(rows.height)]
                assert max(darkest) > 200, (style, number + 1, "no clear row between two lines")
    # Fewer pairs: the letters of one line stand at the heights of the next, which is overlap.
    assert pairs >= 4, f"{pairs} pairs of lines told apart by height: lines overlap"


#: Each style's left and right page margins, in points (its style.css @page).
MARGINS = {"think-tank": (2.2 / 2.54 * 72, 2.2 / 2.54 * 72), "policy-memo": (0.85 * 72, 0.85 * 72)}


@pytest.mark.parametrize("style", quick(MARGINS, "think-tank"))
def test_urdu_letters_stay_inside_the_text_column(built, style):
    """No line is set past its box (a justified Nastaliq line holding a Latin year once ran 24 pt
    past the summary box and out of the column)."""
    left, right = MARGINS[style]
    with pdfplumber.open(built["ur", style]) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if "Nastaliq" in c["fontname"] or c["text"].isdigit()]
            outside = [c["text"] for c in chars if c["x0"] < left - 1 or c["x1"] > page.width - right + 1]
            assert not outside, (page.page_number, "".join(outside))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def test_docs_show_the_pages_the_script_makes_of_these_briefs():
    """docs/languages.md shows page 1 of the Hindi, Arabic and Urdu briefs, as language-pages.sh
    makes them from this folder's briefs."""
    docs = PAGES.parents[2] / "docs"
    script = (docs / "images" / "language-pages.sh").read_text(encoding="utf-8")
    assert "tests/fixtures/pages/$language" in script and "for language in hi ar ur" in script
    text = (docs / "languages.md").read_text(encoding="utf-8")
    for language in ("hi", "ar", "ur"):
        assert f"(images/language-{language}.png)" in text
        assert (docs / "images" / f"language-{language}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
