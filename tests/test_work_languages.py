"""A work in another script than the brief's is cited in its own language's terms and digits,
as one run (worklanguages.py): read back from the PDF with poppler and from the HTML."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from briefkit.build import Options, build

SOURCES = """\
- id: giustozzi
  type: book
  title: "The Taliban at War: 2001–2021"
  author:
    - family: Giustozzi
      given: Antonio
  publisher: Oxford University Press
  edition: 2
  issued: 2019
  language: en
- id: reuters
  type: article-newspaper
  title: Russia lifts Taliban ban
  container-title: Reuters
  issued: 2025-04-17
- id: ahmadi
  type: book
  title: تاریخ جنگ افغانستان
  author:
    - family: احمدی
      given: مریم
  publisher: نشر نی
  issued: 2018
"""
PERSIAN = "روسیه در سال ۲۰۲۱ با طالبان دیدار کرد.[@giustozzi, 45–67] این دیدار ادامه یافت.[@ahmadi, 12]"
BRIEFS = {
    "fa-csl": PERSIAN + "\n",  # a CSL style
    "fa": PERSIAN + " خبرگزاری‌ها گزارش دادند.[@reuters]\n",
    "hi": "रूस ने 2021 में तालिबान से मुलाकात की।[@giustozzi, 45–67] बातचीत जारी रही।[@ahmadi, 12]\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("works")
    out = {}
    for language, text in BRIEFS.items():
        folder = root / language
        folder.mkdir()
        csl = "citation_format: chicago-notes-bibliography\n" if language.endswith("-csl") else ""
        (folder / "brief.yaml").write_text(f"title: Brief\ndate: 2026-01-29\nlanguage: {language[:2]}\n{csl}"
                                           "authors:\n  - name: Desk\n", encoding="utf-8")
        (folder / "commentary.md").write_text(text, encoding="utf-8")
        (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
        build(folder, Options(output=root / f"{language}.pdf", html=root / f"{language}.html"))
        out[language] = (root / f"{language}.pdf", (root / f"{language}.html").read_text(encoding="utf-8"))
    return out


ENGLISH = "Antonio Giustozzi, The Taliban at War: 2001–2021, 2nd ed. (Oxford University Press, 2019), 45–67."


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed (README, 'Tests')")
@pytest.mark.parametrize("language", ["fa", "fa-csl"])
def test_an_english_work_reads_as_english_in_order_with_its_own_digits(built, language):
    pdf, _ = built[language]
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    # the template, or the CSL style run again in the work's locale: the same words
    assert ENGLISH in text, text


def test_in_a_right_to_left_brief_it_is_one_left_to_right_run_in_its_language(built):
    _, html = built["fa"]
    assert re.search(r'<span dir="ltr" lang="en">Antonio Giustozzi, <i>The Taliban at War: .*?</span>', html)
    # no language given: set apart by its script, its language not guessed
    assert '<span dir="ltr">“Russia lifts Taliban ban”, <i>Reuters</i>, 17 April 2025.</span>' in html


def test_a_work_in_the_briefs_own_script_keeps_the_briefs_terms_and_digits(built):
    _, html = built["fa"]
    note = re.search(r'id="note-2"[^>]*>(.*?)</bk-note>', html)[1]
    assert "dir=" not in note and "lang=" not in note, note
    assert "۲۰۱۸" in note and "۱۲" in note and "2018" not in note, note
    # a left-to-right brief reads an English work on in its own direction and terms (the danda)
    hindi = re.search(r'id="note-1"[^>]*>(.*?)</bk-note>', built["hi"][1])[1]
    assert "<span" not in hindi.replace('<span class="bk-keep"', ""), hindi
    assert hindi.endswith("45–67</span>।"), hindi


def _brief(root, name: str, commentary: str, extra: str = "", sources: str = SOURCES,
           language: str = "fa") -> str:
    folder = root / name
    folder.mkdir()
    (folder / "brief.yaml").write_text(f"title: Brief\ndate: 2026-01-29\nlanguage: {language}\n{extra}"
                                       "authors:\n  - name: Desk\n", encoding="utf-8")
    (folder / "commentary.md").write_text(commentary, encoding="utf-8")
    (folder / "sources.yaml").write_text(sources, encoding="utf-8")
    build(folder, Options(output=root / f"{name}.pdf", html=root / f"{name}.html"))
    return (root / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra", ["citation_format: author-date\n", "citation_format: apa\n"])
def test_a_reference_list_sets_the_english_entry_apart_inside_its_item(tmp_path, extra):
    """The span inside the <li> (a list holds items only: PDF/UA's L > LI), the entry in English
    and its digits; the Persian entry in Persian digits."""
    html = _brief(tmp_path, "refs", PERSIAN + "\n", extra)
    entries = re.findall(r'<li class="reference">(.*?)</li>', html, re.S)
    english = next(entry for entry in entries if "Giustozzi" in entry)
    assert english.startswith('<span dir="ltr" lang="en">') and "2019" in english and "۲۰۱۹" not in english
    persian = next(entry for entry in entries if "احمدی" in entry)
    assert "۲۰۱۸" in persian and "dir=" not in persian
    assert not re.search(r"<ul[^>]*>\s*<span", html)


@pytest.mark.parametrize("extra", ["", "citation_format: chicago-notes-bibliography\n"])
def test_the_writers_words_stay_outside_and_a_locator_reads_in_english(tmp_path, extra):
    html = _brief(tmp_path, "words", "روسیه دیدار کرد.[نگاه کنید به @giustozzi, p. 3, برای جزئیات]"
                                      " دیدار ادامه یافت.[@giustozzi, chap. 4] پایان.[^x]\n\n"
                                      "[^x]: همان‌گونه که در [@giustozzi, 5] آمده است.\n", extra)
    notes = re.findall(r'<bk-note[^>]*>(.*?)</bk-note>', html, re.S)
    # the writer's words: not tagged English, not laid out left to right
    assert all("<span" not in note.split("نگاه کنید به")[0] for note in notes if "نگاه کنید به" in note)
    assert any("chap. 4" in note or "ch. 4" in note for note in notes), notes
    inline = next(note for note in notes if "آمده" in note)
    assert "5.</span>" not in inline, inline  # the style's full stop goes inside a sentence


@pytest.mark.parametrize("extra", ["", "citation_format: chicago-notes-bibliography\n"])
def test_a_latin_title_keeps_its_digits_where_the_brief_prints_its_own(tmp_path, extra):
    """Marathi prints Devanagari digits (CLDR): the note's year and pages are Marathi's, an
    English title's "2030" and "G20" its own; in a Persian CSL note that mixes an English work
    with a Persian one, the English title's digits too."""
    sources = SOURCES + ("- id: vision\n  type: report\n  title: \"Vision 2030: India's G20 Year\"\n"
                         "  publisher: Think Tank\n  issued: 2023\n  language: en\n")
    html = _brief(tmp_path, "mr", "रशियाने चर्चा केली.[@vision, 45–67]\n", extra, sources, "mr")
    note = re.search(r'id="note-1"[^>]*>(.*?)</bk-note>', html)[1]
    assert "Vision 2030" in note and "G20" in note and "२०२३" in note and "४५" in note, note
    html = _brief(tmp_path, "mixed", "دیدار.[@ahmadi; @giustozzi, 12]\n", extra)
    note = re.search(r'id="note-1"[^>]*>(.*?)</bk-note>', html)[1]
    assert "2001–2021" in note.replace('<span class="bk-keep" style="white-space: nowrap">', "").replace(
        "</span>", ""), note


@pytest.mark.parametrize("extra", ["citation_format: author-date\n",
                                   "citation_format: chicago-notes-bibliography\n"])
def test_only_the_titles_digits_are_held_however_the_style_cases_them(tmp_path, extra):
    """A title that starts with a year holds its own digits, not the year's nor the page's; a
    style that title-cases or quotes the title keeps them too."""
    sources = ("- id: fall\n  type: book\n  title: '2021: the fall of Kabul and energy policy for 2030'\n"
               "  author:\n    - {family: Smith, given: John}\n  publisher: Penguin\n  issued: 2021\n")
    html = _brief(tmp_path, "mr", "रशियाने चर्चा केली.[@fall, 52]\n", extra, sources, "mr")
    text = re.sub(r"<[^>]+>", "", html.split("<body", 1)[1])
    assert "2021: " in text and "2030" in text and "२०२१" in text and "५२" in text, text
    assert not any(0x1D7CE <= ord(char) <= 0x1D7D7 for char in html)  # the stand-ins, all given back


def test_a_work_in_its_own_language_has_its_quotation_marks_and_no_stray_warning(tmp_path, caplog):
    sources = SOURCES + ("- id: gulf\n  type: article-newspaper\n  title: 'Vision 2030 and the \"Gulf\"'\n"
                         "  container-title: Gulf News\n  issued: 2024\n  language: sw\n")
    with caplog.at_level("WARNING", logger="briefkit"):
        html = _brief(tmp_path, "marks", "دیدار.[@gulf]\n", "citation_format: chicago-notes-bibliography\n",
                      sources)
    assert "no CSL locale" not in caplog.text and "no translation" not in caplog.text, caplog.text
    note = re.search(r'id="note-1"[^>]*>(.*?)</bk-note>', html)[1]
    assert "“Gulf”" in note or "‘Gulf’" in note, note
    assert "«" not in note, note


@pytest.mark.parametrize("extra, expected", [("citation_format: chicago-notes-bibliography\n", "जोनाथन नील, "),
                                             ("citation_format: apa\n", "नील, जोनाथन")])
def test_a_hindi_name_keeps_its_space_and_order_in_a_csl_style(tmp_path, extra, expected):
    """The processors write a name in a script they do not count as romanesque family name first
    with no space, as Chinese is written ("नीलजोनाथन"); Hindi is written as English is. A
    Chinese name keeps the processors' order."""
    sources = ("- id: neale\n  type: book\n  title: इतिहास\n  author:\n    - {family: नील, given: जोनाथन}\n"
               "  publisher: प्लूटो\n  issued: 2018\n"
               "- id: wang\n  type: book\n  title: 历史\n  author:\n    - {family: 王, given: 小明}\n"
               "  publisher: 出版社\n  issued: 2019\n")
    html = _brief(tmp_path, "hi", "रूस ने चर्चा की।[@neale, 3] फिर से।[@wang, 4]\n", extra, sources, "hi")
    text = re.sub(r"<[^>]+>", "", html.split("<body", 1)[1])
    assert expected in text and "नीलजोनाथन" not in text, text
    assert "王小明" in text and "\u202c\u202c" not in html


@pytest.mark.parametrize("extra", ["citation_format: apa\n", "citation_format: chicago-notes-bibliography\n"])
def test_held_digits_still_sort_case_and_keep_together_as_digits(tmp_path, extra):
    """A title's held digits are digits to the processor and to keep_together: "2025 Agenda" is
    2016a and first, "21st" is not title-cased "21St", "2001–2021" stays on one line."""
    sources = "".join(f"- id: s{n}\n  type: book\n  title: '{title}'\n  author:\n    - {{family: Smith, given: John}}\n"
                      f"  publisher: Penguin\n  issued: 2016\n  language: en\n"
                      for n, title in enumerate(["Vision 2030: the 21st century", "Agenda 2063",
                                                 "2025 Agenda: 2001–2021"]))
    html = _brief(tmp_path, "mr", "चर्चा.[@s0] पुन्हा.[@s1] आणि.[@s2]\n", extra, sources, "mr")
    text = re.sub(r"<[^>]+>", "", html.split("<body", 1)[1])
    assert "21st" in text and "21St" not in text, text
    assert re.search(r'white-space: nowrap">2001–2021<', html), html
    if "apa" in extra:
        entries = [re.sub(r"<[^>]+>", "", entry) for entry in re.findall(r'<li class="reference">(.*?)</li>', html)]
        assert [entry.split(". ", 2)[-1][:11] for entry in entries] == ["2025 Agenda", "Agenda 2063", "Vision 2030"]
        assert "२०१६a" in entries[0], entries


@pytest.mark.parametrize("language", ["English", "en-../../x", 'en-"><b>'])
def test_a_language_that_is_no_tag_is_a_warning_at_its_line_and_goes_nowhere(tmp_path, caplog, language):
    sources = SOURCES.replace("  language: en\n", f"  language: '{language}'\n")
    with caplog.at_level("WARNING", logger="briefkit"):
        html = _brief(tmp_path, "tag", "دیدار.[@giustozzi, 3]\n", "", sources)
    assert f"sources.yaml:10: language {language!r} of source 'giustozzi' is no BCP 47 tag" in caplog.text, caplog.text
    note = re.search(r'id="note-1"[^>]*>(.*?)</bk-note>', html)[1]
    assert note.startswith('<span dir="ltr">Antonio Giustozzi'), note  # set apart by its title, untagged
