"""One digit system a brief: CLDR's default for its language unless `digits:` says, on every page."""

from __future__ import annotations

import base64
import re

import pdfplumber
import pytest
from support import html_of

from briefkit.build import Options, build

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
#: A Persian brief whose every number is briefkit's to print: the author writes Persian digits.
FA = {
    "brief.yaml": "title: روسیه و طالبان\ndate: 2026-02-10\nlanguage: fa\n"
                  "summary: روسیه حکومت طالبان را در سال ۲۰۲۵ به رسمیت شناخت.\n"
                  "authors:\n  - name: احمد رحیمی\n",
    "commentary.md": ("روسیه در سال ۲۰۲۵ حکومت طالبان را به رسمیت شناخت.[@r1] این یک لحظه تاریخی بود.[^a]\n\n"
                      "کتاب رحیمی این را پیش‌بینی کرده بود.[@r2, p. 20] و دوباره.[@r2, pp. 33-35]\n\n"
                      "[^a]: تغییر در سیاست منطقه.\n\n```timeline\n```\n\n```chronology\n```\n\n"
                      + "روسیه و طالبان در این سال‌ها بارها در مسکو و کابل دیدار کردند. " * 120 + "\n"),
    "events.yaml": "events:\n  - date: 2021-08-15\n    title: طالبان کابل را تصرف کردند\n    group: امنیت\n"
                   "  - date: 2022-03\n    title: نشست مسکو\n    group: دیپلماسی\n"
                   "  - date: 2025-07-03\n    title: روسیه طالبان را به رسمیت شناخت\n    group: دیپلماسی\n"
                   "    importance: high\n",
    "sources.yaml": "- id: r1\n  type: article-newspaper\n  title: روسیه طالبان را به رسمیت شناخت\n"
                    "  container-title: خبرگزاری\n  issued: 2025-07-03\n  URL: https://example.org/2025/news-17\n"
                    "- id: r2\n  type: book\n  title: افغانستان\n  publisher: نشر\n  issued: 2019\n"
                    "  author:\n    - {family: رحیمی, given: احمد}\n",
}
#: Web addresses keep the digits they have: they are addresses, not numbers.
_ADDRESS = re.compile(r"https?://\S+")


def _write(root, files: dict[str, str]):
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _built(tmp_path_factory, extra: str = ""):
    """(text of each page by pdfplumber, page characters, the chart's SVG) of the Persian brief."""
    root = tmp_path_factory.mktemp("digits")
    folder = _write(root / "fa", {**FA, "brief.yaml": FA["brief.yaml"] + extra})
    result = build(folder, Options(output=root / "fa.pdf", html=root / "fa.html"))
    with pdfplumber.open(result.pdf) as pdf:
        pages = [(page.extract_text(), page.chars) for page in pdf.pages]
    html = (root / "fa.html").read_text(encoding="utf-8")
    svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)[1]).decode()
    return pages, svg


@pytest.fixture(scope="module")
def persian(tmp_path_factory):
    return _built(tmp_path_factory)


@pytest.fixture(scope="module")
def latin(tmp_path_factory):
    return _built(tmp_path_factory, "digits: latin\n")


def _chart_texts(svg: str) -> list[str]:
    """The chart's texts: Matplotlib names each shaped (outlined) text in a comment before it."""
    return re.findall(r"<!-- (.*?) -->", svg)


def test_a_persian_brief_prints_no_latin_digit_on_any_page(persian):
    pages, _ = persian
    assert len(pages) >= 2  # page numbers past the first
    for number, (text, _chars) in enumerate(pages, 1):
        assert not re.findall(r"\S*[0-9]\S*", _ADDRESS.sub("", text)), (number, text)
    # pdfplumber gives a line's characters left to right: a number's digits keep their order.
    numbers = {n for text, _ in pages for n in re.findall(f"[{PERSIAN}]+", text)}
    # the cover date, the chronology, a note's page, a range's ends, a book's year
    assert {"۱۰", "۲۰۲۶", "۱۵", "۲۰۲۱", "۲۰", "۳۳", "۳۵", "۲۰۱۹"} <= numbers, numbers
    foot = [c["text"] for c in pages[1][1] if c["top"] > 780]
    assert "۲" in foot  # the second page's number
    calls = [c["text"] for _, chars in pages for c in chars if c["size"] < 8 and c["text"] in PERSIAN]
    assert "۱" in calls and "۲" in calls  # note calls and markers


def test_a_persian_brief_draws_its_chart_in_persian_digits(persian):
    texts = _chart_texts(persian[1])
    ticks = [t for t in texts if t.isdigit()]
    assert ticks and all(set(t) <= set(PERSIAN) for t in ticks), texts
    assert "۳ ژوئیه ۲۰۲۵" in texts  # a label's date
    assert not [t for t in texts if re.search("[0-9]", t)], texts


def test_digits_latin_puts_every_number_of_the_same_brief_in_latin(latin):
    pages, svg = latin
    for number, (text, _chars) in enumerate(pages, 1):
        # the author's own ۲۰۲۵ in the summary and text stays as typed
        numbers = [n for n in re.findall(f"[{PERSIAN}]+", text) if n != "۲۰۲۵"]
        assert not numbers, (number, numbers)
    numbers = {n for text, _ in pages for n in re.findall("[0-9]+", text)}
    assert {"10", "2026", "15", "2021", "20", "33", "35", "2019"} <= numbers, numbers
    assert not [t for t in _chart_texts(svg) if re.search(f"[{PERSIAN}]", t)]


@pytest.mark.parametrize("language, day, counters", [
    ("fa", "۲۹", "persian"),
    ("ur", "۲۹", "persian"),  # the choice: CLDR gives `ur` Latin digits
    ("ps", "۲۹", "persian"),
    ("ar-EG", "٢٩", "arabic-indic"),
    ("ar", "29", "decimal"),  # CLDR 46 on: Latin for `ar` itself
    ("ar-MA", "29", "decimal"),
    ("hi", "29", "decimal"),
    ("ru", "29", "decimal"),
    ("bn", "২৯", "bengali"),
])
def test_the_default_is_cldrs_numbering_for_the_language(make_brief, language, day, counters):
    html = html_of(make_brief({"brief.yaml": f"title: T\ndate: 2026-01-29\nlanguage: {language}\n"}))
    date = re.search(r'<time datetime="2026-01-29">([^<]*)</time>', html)[1]
    assert day in date.replace(",", " ").split(), date  # the day, in the language's digits
    assert f"--bk-digits: {counters};" in html


def test_a_styles_digits_native_gives_hindi_its_own_digits_and_the_brief_still_wins(make_brief):
    folder = make_brief({"brief.yaml": "title: T\ndate: 2026-01-29\nlanguage: hi\n"})
    style = folder / "styles" / "native"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text("extends: think-tank\ndigits: native\n")
    assert ">२९ जनवरी २०२६<" in html_of(folder, style="native")
    (folder / "brief.yaml").write_text("title: T\ndate: 2026-01-29\nlanguage: hi\ndigits: latin\n")
    assert ">29 जनवरी 2026<" in html_of(folder, style="native")


def test_numbers_in_briefkits_own_words_take_the_briefs_digits(make_brief):
    folder = make_brief({**FA, "brief.yaml": FA["brief.yaml"] + "style: article\n"})
    minutes = re.search(r'<span class="reading-time">([^<]*)</span>', html_of(folder))[1]
    assert re.search(f"[{PERSIAN}]", minutes) and not re.search("[0-9]", minutes), minutes


def test_csl_notes_take_the_default_digits_but_addresses_keep_theirs(make_brief):
    folder = make_brief({**FA, "brief.yaml": FA["brief.yaml"] + "citation_format: apa\n"})
    html = html_of(folder)
    assert "https://example.org/2025/news-17" in html
    references = html[html.index("https://example.org") - 400:html.index("https://example.org")]
    assert "۲۰۲۵" in references and "2025" not in references.replace("/2025/", "")
