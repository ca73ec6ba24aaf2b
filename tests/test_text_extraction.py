"""Every word of a brief in any script comes back whole from the PDF, in poppler and pdfminer."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import page
import pdfplumber
import pdfua
import pikepdf
import pytest
import yaml
from support import Lazy, quick

from briefkit.build import Options, build
from briefkit.pdf.conformance import PROFILES

FIXTURES = Path(__file__).parent / "fixtures" / "scripts"
LANGUAGES = sorted(folder.name for folder in FIXTURES.iterdir() if folder.is_dir())
RTL = {"ar", "fa", "ps", "ur"}
#: What does not come back whole yet, per extractor (an xfail that fails the run once it does).
GAPS = {
    "pdftotext": {},
    "pdfplumber": {},
}


#: The scripts `-m "not slow"` reads back: one left-to-right, one right-to-left; the full run reads all.
QUICK = {"hi", "ar"}


def scripts(extractor: str) -> list:
    """LANGUAGES as parameters, the known gaps of `extractor` marked as strict xfails, those
    not in QUICK as slow."""
    gaps = GAPS[extractor]
    return [pytest.param(language, marks=[
        *([pytest.mark.xfail(strict=True, reason=gaps[language])] if language in gaps else []),
        *([] if language in QUICK else [pytest.mark.slow])]) for language in LANGUAGES]


#: What extractors add that is no letter of the text: poppler's direction embeddings (U+202A-E),
#: and the WORD JOINER briefkit keeps a note call on its word with.
NOT_TEXT = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2060"))


def read(text: str) -> set[str]:
    """The words of extracted text, a word hyphenated at a line's end (a SOFT HYPHEN, as
    ISO 32000-1 14.8.2.2.3 asks of the hyphen a line break adds) joined again."""
    return set(_tokens(re.sub("\u00ad\\s*", "", text.translate(NOT_TEXT))))


def _tokens(text: str) -> list[str]:
    """The words of `text`: maximal runs of letters (tatweel included), marks, ZWNJ and ZWJ.
    Digits end a word: they follow the brief's numbering system, not the source's."""
    out, current = [], []
    for char in text:
        if unicodedata.category(char)[0] in "LM" or char in "\u200c\u200d":
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def source_words(folder: Path) -> set[str]:
    """Every word a reader sees of the brief's own text: title, authors, summary, commentary
    and its notes, the chronology's event titles, the chart's legend where it is text, the
    sources' fields printed in the notes. (Chart labels in Devanagari and Arabic script are
    outlines, listed in the alt text.)"""
    brief = yaml.safe_load((folder / "brief.yaml").read_text(encoding="utf-8"))
    texts = [brief["title"], brief["summary"]]
    texts += [author["name"] for author in brief.get("authors", [])]
    commentary = (folder / "commentary.md").read_text(encoding="utf-8")
    commentary = re.sub(r"\[@[^\]]*\]|\[\^[^\]]*\]:?|^```.*$|^caption:", " ", commentary, flags=re.M)
    texts.append(commentary)
    events = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))["events"]
    texts += [event["title"] for event in events]
    # the chart's legend: text in Latin and Cyrillic, outlines in scripts whose letters join
    texts += [event["group"] for event in events if all(ord(char) < 0x0590 for char in event["group"])]
    for source in yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8")):
        texts += [source.get(key, "") for key in ("title", "container-title", "publisher")]
        texts += [part for name in source.get("author", []) for part in name.values()]
    return {word for text in texts for word in _tokens(str(text))}


@pytest.fixture(scope="module")
def built(shared) -> dict[str, Path]:
    """Each script's brief, built once a run (whichever worker asks first)."""

    def one(language: str) -> Path:
        return shared(f"text-extraction-{language}", lambda root: build(
            FIXTURES / language, Options(output=root / f"{language}.pdf"))) / f"{language}.pdf"

    return Lazy(LANGUAGES, one)


def poppler_words(pdf: Path) -> set[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return read(text)


def pdfminer_words(pdf: Path, language: str) -> set[str]:
    """pdfplumber's text. It has no bidi algorithm: a right-to-left brief is read with
    `char_dir="rtl"`. Lines are clustered with a tolerance of 7 pt, not 3: pdfminer puts a
    letter's top at its font's descent plus the size, so a space or a digit of the Latin face
    and the Noto letters beside it on one line stand up to 5 pt apart in a heading."""
    direction = {"char_dir": "rtl", "char_dir_render": "ltr"} if language in RTL else {}
    with pdfplumber.open(pdf) as document:
        text = "\n".join(page.extract_text(y_tolerance=7, **direction) for page in document.pages)
    return read(text)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("language", scripts("pdftotext"))
def test_pdftotext_gives_every_word_whole(built, language):
    expected = source_words(FIXTURES / language)
    missing = sorted(expected - poppler_words(built[language]))
    assert not missing, f"{len(missing)} of {len(expected)} words not found whole: {missing}"


@pytest.mark.parametrize("language", scripts("pdfplumber"))
def test_pdfplumber_gives_every_word_whole(built, language):
    expected = source_words(FIXTURES / language)
    missing = sorted(expected - pdfminer_words(built[language], language))
    assert not missing, f"{len(missing)} of {len(expected)} words not found whole: {missing}"


def _widths(font) -> dict[int, float]:
    """{code: width} of a Type0 font's descendant (W array: `c [w1 w2 ...]` or `c1 c2 w`)."""
    array, widths, index = list(font.DescendantFonts[0].get("/W", [])), {}, 0
    while index < len(array):
        if isinstance(array[index + 1], pikepdf.Array):
            widths.update({int(array[index]) + step: float(w) for step, w in enumerate(array[index + 1])})
            index += 2
        else:
            first, last, width = int(array[index]), int(array[index + 1]), float(array[index + 2])
            widths.update(dict.fromkeys(range(first, last + 1), width))
            index += 3
    return widths


@pytest.mark.parametrize("language", quick(sorted(RTL), *QUICK))
def test_invisible_glyphs_move_nothing(built, language):
    """Each invisible glyph the pass draws (the letters a glyph stands for besides its first,
    the copy of a Nastaliq word on the line) brings the text position back where it was, so
    the visible glyphs after it stay where WeasyPrint put them."""
    moved, count = [], 0
    with pikepdf.open(built[language]) as document:
        for page in document.pages:
            fonts, font, mode = page.Resources.Font, None, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    font = _widths(fonts[operands[0]]) if fonts[operands[0]].Subtype == "/Type0" else None
                elif operator == pikepdf.Operator("Tr"):
                    mode = int(operands[0])
                elif operator == pikepdf.Operator("TJ") and mode == 3 and font is not None:
                    count += 1
                    advance = sum(-float(item) if not isinstance(item, pikepdf.String) else
                                  sum(font[int.from_bytes(bytes(item)[i:i + 2], "big")]
                                      for i in range(0, len(bytes(item)), 2)) for item in operands[0])
                    if abs(advance) > 0.01:
                        moved.append(advance)
    assert count and not moved


#: The tagged variants (PDF/UA-1, PDF/A-3a, both), and PDF/A-3u, which asks a Unicode value of
#: every glyph too.
TAGGED = [variant for variant in PROFILES if variant.startswith("pdf/ua") or "3a" in variant]
CHECKED = [*TAGGED, "pdf/a-3u"]


@pytest.mark.parametrize("language", scripts("pdftotext"))
def test_every_note_is_on_its_calls_page_in_any_script(built, language):
    """Calls and markers read back in the script's digits and faces (right to left, ".N")."""
    import readback

    found = readback.notes(built[language])
    assert len(found.calls) >= 5, found
    assert sorted(found.calls) == sorted(found.notes) == list(range(1, len(found.calls) + 1)), found
    assert found.off_page() == [], found


@pytest.fixture(scope="module")
def tagged(shared) -> dict[tuple[str, str], Path]:
    """Each script's brief in each variant of CHECKED, built once a run."""

    def name(language: str, variant: str) -> str:
        return f"{language}-{variant.replace('/', '-')}.pdf"

    def one(key: tuple[str, str]) -> Path:
        language, variant = key
        file = name(language, variant)
        return shared(f"text-extraction-{file}", lambda root: build(
            FIXTURES / language, Options(output=root / file, pdf_variant=variant))) / file

    return Lazy([(language, variant) for language in LANGUAGES for variant in CHECKED], one)


@pytest.mark.slow  # four variants of each script
@pytest.mark.parametrize("language", LANGUAGES)
def test_tagged_variants_stay_valid(tagged, language):
    """The codes, ActualText spans and invisible glyphs added pass page-validation in PDF/A-3u
    and the tagged variants, and pdfua in the tagged ones; the words stay whole in PDF/UA."""
    for variant in CHECKED:
        pdf = tagged[language, variant]
        for profile in PROFILES[variant]:
            report = page.validate_pdf(str(pdf), profile=profile)
            assert [f"{f.rule_id}: {f.message}" for f in report.failures] == [], (variant, profile)
        if variant in TAGGED:
            findings = pdfua.validate(str(pdf)).findings
            assert [f"{f.rule_id}: {f.message}" for f in findings] == [], variant
        with pikepdf.open(pdf) as document:
            assert document.check_pdf_syntax() == []
    expected = source_words(FIXTURES / language)
    mined = pdfminer_words(tagged[language, "pdf/ua-1"], language)  # read once: slow on the RTL briefs
    if language not in GAPS["pdfplumber"]:
        assert expected <= mined
    if language in RTL:
        # Read aloud, a right-to-left word's ActualText is in reading order (not the drawing
        # order poppler needs, which the untagged builds above carry): each one is a word of the brief.
        # pdfminer, which reads ToUnicode and ignores ActualText, gives the words in reading order.
        spans = actual_texts(tagged[language, "pdf/ua-1"])
        words = mined
        assert spans or language not in ("ar", "ur")
        wrong = [span for span in spans if span.replace("\u2060", "").strip("،.؛:۔!؟") not in words]
        assert not wrong, wrong[:5]
    elif language not in GAPS["pdftotext"] and shutil.which("pdftotext"):
        assert expected <= poppler_words(tagged[language, "pdf/ua-1"])


def actual_texts(pdf: Path) -> list[str]:
    """The /ActualText of every marked-content span on the pages, as strings."""
    found = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary) \
                        and "/ActualText" in operands[1]:
                    found.append(str(operands[1].ActualText).strip())
    return found
