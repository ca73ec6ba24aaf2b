"""Nothing lost off the page (issue 24, points 5 and 6): long URLs break, text outside the page
or its box is reported with where it is, and a note whose text does not all reach the page
fails the build at its line. Every case builds a real PDF and reads it back."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

import pdfplumber
import pytest
import readback
from support import quick, run, write_style



def _url(length: int) -> str:
    """A URL of LENGTH characters: path segments, a query, and stretches of letters (k, then z)
    with no character after which a URL may break."""
    url = ("https://archive.example.org/" + "/".join(f"section-{i}.part?id={i}&v=2" for i in range(length // 31))
           + "/" + "k" * (length // 8))
    return url + "/" + "z" * (length - len(url) - 1)


#: A 5,000-character URL.
URL = _url(5000)
PERSIAN = {"brief.yaml": "title: گزارش\ndate: 2026-02-01\nlanguage: fa\nauthors:\n  - name: Test Desk\n"}


def _chars(pdf_path):
    """[(page number, width, height, (char, x0, top, x1, bottom))] of every character, on or off the page."""
    return [(number, width, height, char) for number, (width, height, chars)
            in enumerate(readback.boxes(pdf_path, shapes=False), start=1) for char in chars]


def _outside(pdf_path) -> list[str]:
    """The characters that lie outside their page, as "page N: c at (x0, top)"."""
    return [f"page {number}: {text!r} at ({x0:.0f}, {top:.0f})"
            for number, width, height, (text, x0, top, x1, bottom) in _chars(pdf_path)
            if x0 < -0.5 or x1 > width + 0.5 or top < -0.5 or bottom > height + 0.5]


def _sidenotes(folder):
    write_style(folder / "styles", "side", "extends: sidenotes\n")
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "style: side\n")


@pytest.mark.parametrize("url", quick([_url(1500), URL], _url(1500)), ids=["1500", "5000"])
def test_a_5000_character_url_in_a_note_breaks_and_stays_on_the_page(make_brief, runner, tmp_path, url):
    """Its layout costs the square of its length (3 s for 5,000 characters): the quick run
    breaks a 1,500-character one."""
    folder = make_brief({"commentary.md": f"A claim.[^a]\n\n[^a]: The archive: <{url}>.\n"})
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert _outside(out) == []
    with pdfplumber.open(out) as pdf:
        links = [a["uri"] for page in pdf.pages for a in page.annots if a.get("uri")]
        lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    flat = re.sub(r"\s*\n\s*", "", "\n".join(lines))  # line breaks and the spaces around them out
    assert url in flat  # the whole URL, no hyphen added: only line breaks differ
    assert "\u200b" not in flat  # <wbr> leaves no character behind
    assert links and set(links) == {url}  # the link's target is untouched (one area a line)
    assert sum(1 for line in lines if "section-" in line) > 10  # broken over many lines
    for line, after in zip(lines, lines[1:]):  # breaks after / . ? & or before -, nowhere else
        if "section-" in line and not line.endswith(">."):
            assert line.endswith(tuple("/.?&")) or after.startswith("-") or "z" in line or "k" in line, line
    assert not any(line.endswith("-") for line in lines if "section" in line)  # no false hyphenation
    if shutil.which("pdftotext"):  # poppler, where installed
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert url in re.sub(r"\s*\n\s*", "", text)
    report = run(runner, "check", "--layout", str(folder))
    assert "overflows" not in report.output and "too long" not in report.output, report.output


@pytest.mark.slow  # a right-to-left twin of the 5,000-character URL test
def test_a_long_url_in_a_persian_brief_stays_on_the_page(make_brief, runner, tmp_path):
    folder = make_brief({**PERSIAN, "commentary.md": f"این یک متن است و نشانی <{URL[:2000]}> در متن.[^a]\n\n"
                                                     f"[^a]: یادداشت <{URL}>.\n"})
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert _outside(out) == []
    printed = Counter(char[0] for *_, char in _chars(out))
    assert not Counter(URL[:2000] + URL) - printed  # every character of both URLs is printed


@pytest.mark.parametrize("language, side", quick([("en", "right"), ("fa", "left")], ("en", "right")))
def test_text_outside_the_page_is_reported_with_its_page_and_side(make_brief, runner, tmp_path,
                                                                   language, side):
    word = "0123456789" * 40  # no URL, nor a word hyphenation would break
    files = ({"commentary.md": f"A paragraph with {word} inside.\n"} if language == "en" else
             {**PERSIAN, "commentary.md": f"این یک متن است و {word} در متن.\n"})
    folder = make_brief(files)
    out = tmp_path / "out.pdf"
    built = run(runner, "build", str(folder), "-o", str(out))
    assert built.exit_code == 0 and f"past the {side} edge of the page" in built.output  # a warning
    assert _outside(out)  # the case is real: the PDF has characters off the page
    verified = run(runner, "verify", str(out))  # a PDF made by anything: its text is checked too
    assert verified.exit_code == 1 and "page 1: " in verified.output and "outside the page" in verified.output
    said = "commentary.md:1: page 1, the text: a line overflows by"
    report = run(runner, "check", "--layout", str(folder))
    assert report.exit_code == 1 and said in report.output and f"{side} edge of the page" in report.output
    strict = run(runner, "build", str(folder), "-o", str(tmp_path / "strict.pdf"), "--strict")
    assert strict.exit_code == 1 and f"past the {side} edge of the page" in strict.output
    assert "Traceback" not in strict.output and not (tmp_path / "strict.pdf").exists()


@pytest.mark.slow  # three builds, two layouts; the quick run reports text outside the page below
def test_a_title_too_long_for_the_running_head_asks_for_a_short_title(make_brief, runner, tmp_path):
    title = ("A very long title about the talks " * 60)[:2000].strip()
    folder = make_brief({"brief.yaml": f"title: {title}\ndate: 2026-02-01\nauthors:\n  - name: Desk\n",
                         "commentary.md": "Body text of the brief. " * 700 + "\n"})
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert any(char[2] < 0 for *_, char in _chars(out))  # the running head above the page
    report = run(runner, "check", "--layout", str(folder))
    assert report.exit_code == 1, report.output
    assert "brief.yaml:1: pages 2" in report.output and "the running head" in report.output
    assert "above the page" in report.output and "short_title:" in report.output
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text() + "short_title: The talks\n")
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert _outside(out) == []
    assert run(runner, "check", "--layout", str(folder)).exit_code == 0


@pytest.mark.parametrize("style", quick(["sidenotes", "think-tank"], "think-tank"))
def test_a_note_too_long_for_any_page_fails_at_its_line(make_brief, runner, tmp_path, style):
    sentences = " ".join(f"Sentence {i} explains at some length a further point about the source and "
                         "what the envoys said about the talks in Moscow that year." for i in range(1, 91))
    folder = make_brief({"commentary.md": "Opening text. " * 60 + "\n\nA claim.[^a]\n\nMore text.\n\n"
                                          f"[^a]: {sentences}\n"})
    if style == "sidenotes":
        _sidenotes(folder)
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "commentary.md:3: note 1 is too long for" in result.output  # the line of its call
    assert "shorten it" in result.output and "Traceback" not in result.output
    assert not out.exists()
    report = run(runner, "check", "--layout", str(folder))
    assert report.exit_code == 1 and f"{folder / 'commentary.md'}:3: note 1 is too long" in report.output


def test_a_note_with_a_line_off_the_page_fails_at_its_line(make_brief, runner, tmp_path):
    folder = make_brief({"commentary.md": "A claim.[^a]\n\n[^a]: A hash: " + "f0" * 300 + ".\n"})
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(folder), "-o", str(out))
    assert result.exit_code == 1 and "commentary.md:1: note 1 has a line that runs" in result.output
    assert "past the right edge of the page" in result.output and not out.exists()


def test_every_note_sent_from_the_margin_to_the_foot_is_printed_whole(make_brief, runner, tmp_path):
    texts = [f"Note {i} says what the source shows about envoy {i} and the talks. " * (2 + i % 5)
             for i in range(14)]
    folder = make_brief({"commentary.md": "".join(f"Claim {i}.[^n{i}] " for i in range(14)) + "\n\n"
                                          + "".join(f"[^n{i}]: {text}\n\n" for i, text in enumerate(texts))})
    _sidenotes(folder)
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out)).exit_code == 0
    assert _outside(out) == []
    with pdfplumber.open(out) as pdf:  # the notes (8 pt): in the margin, and at the foot
        page = pdf.pages[0]
        right = max(c["x1"] for c in page.chars if c["size"] > 9.5)  # the text column's edge
        small = page.filter(lambda o: o.get("object_type") != "char" or o["size"] < 9)
        # the margin notes start 0.8 cm right of the column (a call may stand a little past it)
        parts = [small.crop((right + 12, 0, page.width, page.height)), small.crop((0, 0, right + 12, page.height))]
        margin, foot = (re.sub(r"[\s\u00ad\u2010-]", "", part.extract_text()) for part in parts)
    assert "Note" in margin and "Note" in foot  # both kinds are there
    assert [n for n, text in enumerate(texts) if re.sub(r"[\s-]", "", text) not in margin + foot] == []


def test_a_justified_right_to_left_brief_has_no_false_overflow(make_brief, runner):
    """WeasyPrint's justified Arabic lines stand ~2 pt into the margin: not text outside its box."""
    from test_scripts import READING

    folder = make_brief(READING["ar"])
    result = run(runner, "check", str(folder), "--layout")
    assert result.exit_code == 0 and "overflows" not in result.output, result.output
