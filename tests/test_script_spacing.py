"""Spaces at script boundaries print as typed in justified text: read back from the PDF."""

from __future__ import annotations

import pdfplumber
import pytest

from briefkit.build import Options, build

FILLER_FA = "روسیه و طالبان در این سال‌ها بارها در مسکو و کابل دیدار کردند و گفتگو کردند. "
NAMES = ("Mohamed Muizzu", "Vladimir Putin", "Zamir Kabulov", "Sergei Lavrov")
#: A cited book's title, italic in a paragraph of the brief's script: digits and punctuation too.
TITLE = "The Taliban at War: 2001–2021, Insurgency’s Long Road"
FA = {
    "brief.yaml": "title: روسیه و طالبان\ndate: 2026-01-29\nlanguage: fa\nsummary: خلاصه.\n",
    # each name in italics inside a justified paragraph, followed by a Persian word
    "commentary.md": "".join(f"{FILLER_FA * (i + 1)}رئیس جمهور *{name}* در سال ۲۰۲۵ به مسکو رفت. "
                             for i, name in enumerate(NAMES)) + FILLER_FA * 3
                     + f"\n\nکتاب *{TITLE}* را خواندیم.\n",
}
FILLER_HI = "रूस ने तालिबान सरकार के साथ संबंध मज़बूत किए और व्यापार बढ़ाया।"
HI = {
    "brief.yaml": "title: भारत और अफ़ग़ानिस्तान\ndate: 2026-01-29\nlanguage: hi\nsummary: सारांश।\n",
    # sentences of growing length: calls fall mid-line, where justification stretches the spaces
    "commentary.md": " ".join(" ".join(FILLER_HI.split()[:3 + i]).rstrip("।") + "।" + f"[^n{i}]"
                              for i in range(8)) + "\n\n"
                     + f"हमने *{TITLE}* पढ़ी।\n\n"
                     + "".join(f"[^n{i}]: टिप्पणी {i}।\n" for i in range(8)),
}


def _pdf(root, name: str, files: dict[str, str]):
    folder = root / name
    folder.mkdir()
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    result = build(folder, Options(output=root / f"{name}.pdf"))
    with pdfplumber.open(result.pdf) as pdf:
        return [page.chars for page in pdf.pages]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("spacing")
    return {"fa": _pdf(root, "fa", FA), "hi": _pdf(root, "hi", HI)}


def test_the_space_after_an_italic_latin_name_in_persian_is_printed(pages):
    words = {word for name in NAMES for word in name.split()}
    found = []
    for chars in pages["fa"]:
        for char in chars:
            if "Italic" not in char["fontname"] or _word_at(chars, char) not in words:
                continue
            # Right to left, the Persian word after a name is at its left (and a name's first
            # word is left of its second): a space's width between them, not a touch.
            left = [c for c in chars if abs(c["top"] - char["top"]) < 6 and c["x1"] <= char["x0"] + 1
                    and c["text"].strip() and c is not char]
            if left:  # else the word begins the line's left end
                neighbour = max(left, key=lambda c: c["x1"])
                gap = round(char["x0"] - neighbour["x1"], 2)
                found.append((_word_at(chars, char), neighbour["text"], gap))
    assert len(found) >= len(NAMES) and all(gap > 1.5 for *_, gap in found), found


@pytest.mark.parametrize("language", ["hi", "fa"])
def test_a_latin_italic_keeps_its_digits_and_punctuation_in_the_latin_italic(pages, language):
    """The script's face leads the stack (scriptfaces.script_first) and has digits and punctuation
    of its own: in an italic Latin title they are still the Latin face's italics, not the script
    face's upright ones ("War: 2001–2021," stood upright mid-title)."""
    spans = []
    for page in pages[language]:
        for line in _lines(page):
            italic = [index for index, char in enumerate(line) if "Italic" in char["fontname"]]
            span = line[italic[0]:italic[-1] + 1] if italic else []
            if "Taliban" in "".join(char["text"] for char in span):  # not a name of the Persian page
                spans.append(span)
    # the title's glyphs, left to right (a line each)
    assert "".join(char["text"] for span in spans for char in span).replace(" ", "") == TITLE.replace(" ", "")
    upright = [(char["text"], char["fontname"]) for span in spans for char in span
               if char["text"].strip() and "Italic" not in char["fontname"]]
    assert not upright, upright


def _word_at(chars, first) -> str:
    """The Latin word that begins with `first`, read rightwards ("" if a letter precedes it)."""
    if any(abs(c["top"] - first["top"]) < 1 and c["text"].isascii() and c["text"].isalpha()
           and 0 <= first["x0"] - c["x1"] < 0.5 for c in chars):
        return ""
    word, x = first["text"], first["x1"]
    for char in sorted((c for c in chars if abs(c["top"] - first["top"]) < 1 and c["x0"] >= first["x1"] - 1),
                       key=lambda c: c["x0"]):
        if not char["text"].isalpha() or not char["text"].isascii() or char["x0"] - x > 0.5:
            break
        word, x = word + char["text"], char["x1"]
    return word


def test_a_note_call_after_a_danda_sits_against_it(pages):
    gaps = []
    for chars in pages["hi"]:
        for index, char in enumerate(chars):
            before = chars[index - 1] if index else None
            # a call: raised small digits on the danda's line (a note's marker starts a line)
            if (char["size"] < 8 and char["text"].isdigit() and before and before["text"].startswith("।")
                    and before["size"] > char["size"] + 1 and abs(before["bottom"] - char["bottom"]) < 10):
                gaps.append(round(char["x0"] - before["x1"], 2))
    assert len(gaps) >= 8 and all(abs(gap) < 0.6 for gap in gaps), gaps


def test_a_justified_hindi_line_shares_its_slack_among_its_spaces(pages):
    """Between Devanagari words, every space of a line is as wide as the others: none takes the
    line's whole slack (before the word beside a note's call, as when the stack's Latin face came
    first and set the stretched spaces, which WeasyPrint then could not widen)."""
    spreads = []
    for chars in pages["hi"]:
        for line in _lines(chars):
            gaps, right, previous = [], line[0]["x1"], line[0]
            for char in line[1:]:
                if char["x0"] - right > 1.2 and _devanagari(previous) and _devanagari(char):
                    gaps.append(char["x0"] - right)
                right, previous = max(right, char["x1"]), char
            if len(gaps) >= 3:
                spreads.append(round(max(gaps) - min(gaps), 2))
    assert len(spreads) >= 3 and max(spreads) < 0.5, spreads


def _lines(chars) -> list[list[dict]]:
    """The body text's lines (not notes, calls or running heads), each in order left to right."""
    lines: dict[int, list[dict]] = {}
    for char in chars:
        if char["text"].strip() and 9 < char["size"] < 12:
            lines.setdefault(round(char["bottom"]), []).append(char)
    return [sorted(line, key=lambda c: c["x0"]) for _, line in sorted(lines.items())]


def _devanagari(char) -> bool:
    """A Devanagari letter or sign (not the danda, which a note's call may follow)."""
    return all("\u0900" <= c <= "\u097f" and c not in "\u0964\u0965" for c in char["text"])
