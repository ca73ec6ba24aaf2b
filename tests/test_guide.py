"""docs/house-styles.md, followed as written: every command run, every file written, every style built."""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
from pathlib import Path

import matplotlib
import pdfplumber
import pytest
import yaml
from markdown_it import MarkdownIt
from support import ROOT, copy_sample, run

GUIDE = ROOT / "docs" / "house-styles.md"
#: The font files the guide's Acme Serif stands for (the guide says so): DejaVu Serif's.
FONTS = {"AcmeSerif-Regular.ttf": "DejaVuSerif.ttf", "AcmeSerif-Italic.ttf": "DejaVuSerif-Italic.ttf",
         "AcmeSerif-Bold.ttf": "DejaVuSerif-Bold.ttf"}
#: Comment forms that name a code block's file on its first line.
_NAMED = (("# ", ""), ("/* ", " */"), ("{# ", " #}"), ("<!-- ", " -->"))


def steps() -> list[tuple[str, str]]:
    """The guide's code blocks from section 1 on, in order: (language, text)."""
    text = GUIDE.read_text(encoding="utf-8")
    text = text[text.index("## 1. "):]
    return [(token.info.strip(), token.content) for token in MarkdownIt("commonmark").parse(text)
            if token.type == "fence"]


def _file_of(text: str) -> str | None:
    first = text.splitlines()[0].strip()
    for opening, closing in _NAMED:
        if first.startswith(opening) and first.endswith(closing):
            name = first[len(opening):len(first) - len(closing)].split(",")[0].strip()
            return name if name.startswith("styles/") else None
    return None


def _follow(folder: Path, runner) -> None:
    """Each block: a shell block's briefkit commands are run, a YAML block is merged into its
    file, a CSS block added to its file, any other block written as its file."""
    for language, text in steps():
        if language == "sh":
            for line in text.splitlines():
                words = shlex.split(line, comments=True)
                if words and words[0] == "briefkit":
                    result = run(runner, *words[1:])
                    assert result.exit_code == 0, (line, result.output)
            continue
        name = _file_of(text)
        assert name, f"a {language} block in the guide does not name its file:\n{text}"
        path = folder / name
        if name.startswith("styles/acme/fonts/") or "fonts:" in text:
            _fonts(folder / "styles" / "acme" / "fonts")
        if language == "yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            data.update(yaml.safe_load(text))
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        elif language == "css":
            path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _fonts(target: Path) -> None:
    source = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    target.mkdir(parents=True, exist_ok=True)
    for name, original in FONTS.items():
        shutil.copyfile(source / original, target / name)


@pytest.fixture(scope="module")
def followed(tmp_path_factory, runner):
    """The sample with the guide followed in it, and a PDF in each style the guide makes."""
    root = tmp_path_factory.mktemp("guide")
    folder = copy_sample(root, "taliban-russia")
    before = Path.cwd()
    os.chdir(folder)  # the guide's first command
    try:
        _follow(folder, runner)
    finally:
        os.chdir(before)
    pdfs = {}
    for style in ("acme", "acme-memo", "acme-election"):
        pdfs[style] = root / f"{style}.pdf"
        handler = _Collect()
        logging.getLogger("briefkit").addHandler(handler)
        try:
            result = run(runner, "build", str(folder), "--style", style, "-o", str(pdfs[style]))
        finally:
            logging.getLogger("briefkit").removeHandler(handler)
        assert result.exit_code == 0, result.output
        assert not handler.warnings and "warning" not in result.output.lower(), (style, handler.warnings)
    return folder, pdfs


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []

    def emit(self, record) -> None:
        self.warnings.append(record.getMessage())


def test_every_block_of_the_guide_names_its_file_or_is_a_command():
    for language, text in steps():
        assert language == "sh" or _file_of(text), text


@pytest.mark.slow  # the guide followed: three builds of the sample with a house font
def test_the_acme_style_has_its_fonts_logo_organisation_running_head_and_author_date(followed):
    _, pdfs = followed
    with pdfplumber.open(pdfs["acme"]) as pdf:
        cover, inside = pdf.pages[0], pdf.pages[2]
        text = "\n".join(page.extract_text() for page in pdf.pages)
        body = [c for c in cover.chars if 9 < c["size"] < 12]
        chart = [c for c in inside.chars if c["size"] < 7.5]  # the chart's labels
        running = pdf.pages[1].extract_text()
    assert body and all("Acme-Serif" in c["fontname"] for c in body)
    # The chart's SVG names the file by its own family name: DejaVu Serif is no built-in font.
    assert chart and all(c["fontname"].split("+")[-1].startswith("DejaVu-Serif") for c in chart)
    assert "ACME" in cover.extract_text() and "ACME POLICY LAB · GENEVA" in cover.extract_text().upper()
    assert running.startswith("Acme Policy Lab")
    assert (0.54, 0.08, 0.22) in _colours(cover)  # --accent: #8a1538
    assert re.search(r"\((The )?[A-Z][\w ]+ 20\d\d(, p\. \d+)?\)\.", text)  # author-date
    assert "References" in text
    assert "© Acme Policy Lab 2026. Cite as:" in text  # the closing block


def _colours(page) -> set[tuple[float, ...]]:
    """The colours of the page's text, but for the logo's (the SVG's own colours, in DejaVu)."""
    return {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in page.chars
            if isinstance(c["non_stroking_color"], tuple | list) and len(c["non_stroking_color"]) == 3
            and "DejaVu" not in c["fontname"]}


@pytest.mark.slow  # the guide followed: three builds of the sample with a house font
def test_the_memo_keeps_its_head_under_the_acme_line(followed):
    _, pdfs = followed
    with pdfplumber.open(pdfs["acme-memo"]) as pdf:
        text = pdf.pages[0].extract_text()
    assert text.index("Confidential") < text.index("FROM")


@pytest.mark.slow  # the guide followed: three builds of the sample with a house font
def test_the_child_inherits_acme_and_changes_its_colour_and_words(followed):
    _, pdfs = followed
    with pdfplumber.open(pdfs["acme-election"]) as pdf:
        cover = pdf.pages[0]
        text = cover.extract_text()
        body = [c for c in cover.chars if 9 < c["size"] < 12]
        colours = _colours(cover)
    assert "AT A GLANCE" in text.upper() and "ACME POLICY LAB · GENEVA" in text.upper()
    assert body and all("Acme-Serif" in c["fontname"] for c in body)
    assert (0.11, 0.31, 0.57) in colours and (0.54, 0.08, 0.22) not in colours, colours  # #1d4f91
