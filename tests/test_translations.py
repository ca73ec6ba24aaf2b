"""briefkit's own words in the brief's language: catalogues, templates, charts, style labels."""

from __future__ import annotations

import logging
import re

import pytest
from babel.messages.pofile import read_po
from support import html_of, text_of
from test_scripts import BRIEFS

from briefkit import translations
from briefkit.charts.timeline import describe
from briefkit.dates import PartialDate
from briefkit.models import Event

#: The languages the issue asks for, besides English (whose catalogue is the messages themselves).
SHIPPED = ["ar", "de", "es", "fa", "fa_AF", "fr", "hi", "ps", "ru", "ur"]
#: Words briefkit prints in the think-tank style with a summary, a chronology and a chart.
ENGLISH = ("Summary", "Date", "Event", "Figure", "Page", "Timeline of")


def _catalogue(name):
    with (translations.LOCALES / name / "LC_MESSAGES" / "briefkit.po").open("rb") as source:
        return read_po(source)


def test_every_language_the_issue_names_has_a_catalogue():
    assert translations.available() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_message_is_translated_with_the_same_placeholders(name):
    with (translations.LOCALES / "briefkit.pot").open("rb") as source:
        template = read_po(source)
    catalogue = _catalogue(name)
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        assert found is not None, (name, message.id)
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        assert all(strings) and len(strings) == (catalogue.num_plurals if message.pluralizable else 1)
        singular = message.id if isinstance(message.id, str) else message.id[0]
        wanted = set(re.findall(r"%\(\w+\)[sd]", singular))
        for text in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", text)) == wanted, (name, message.id, text)


def _brief(make_brief, language, files=None, name="brief"):
    source = BRIEFS["fa-AF"]
    brief = source["brief.yaml"].replace("language: fa-AF", f"language: {language}")
    return make_brief({**source, "brief.yaml": brief, **(files or {})}, name=name)


@pytest.mark.parametrize("language, words", [
    ("ru", ("Резюме", "Дата", "Событие", "--bk-figure: \"Рисунок\"")),
    ("hi", ("सारांश", "तिथि", "घटना", "--bk-figure: \"चित्र\"")),
    ("fa-AF", ("خلاصه", "تاریخ", "رویداد", "--bk-figure: \"شکل\"")),
    ("prs", ("خلاصه", "تاریخ", "رویداد", "--bk-page: \"صفحه\"")),
    ("ar", ("ملخص", "التاريخ", "الحدث", "--bk-of: \"من\"")),
    ("fr", ("Résumé", "Événement", "--bk-of: \"sur\"")),
])
def test_the_page_has_no_english_word_of_briefkit_left(make_brief, language, words):
    html = html_of(_brief(make_brief, language))
    for word in words:
        assert word in html, word
    text = text_of(html[html.index("<body"):])
    own = translations.words(language)  # French writes "Date" and "Page" too
    assert not [word for word in ENGLISH if word in text and own.gettext(word) != word]
    if own.gettext("Figure") != "Figure":
        assert "Figure" not in html.split("--bk-figure:")[1].split(";")[0]


def test_citations_use_the_languages_quotation_marks_and_terms(make_brief):
    sources = ("- id: r1\n  type: article-journal\n  title: Война и мир\n  container-title: Вестник\n"
               "  volume: 4\n  issue: 2\n  issued: 2015\n  author:\n    - {family: Иванов, given: Иван}\n"
               "    - {family: Петров, given: Пётр}\n")
    html = html_of(_brief(make_brief, "ru", {"sources.yaml": sources}))
    kept = '<span class="bk-keep" style="white-space: nowrap">{}</span>'  # no line break inside
    assert (f"Иван Иванов и Пётр Петров, «Война и мир», <i>Вестник</i>, {kept.format('Т. 4')}, "
            f"{kept.format('№ 2')}, 2015.") in html


def test_a_style_overrides_any_word_for_every_language_or_one(make_brief):
    folder = _brief(make_brief, "ru")
    style = folder / "styles" / "house"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text("extends: think-tank\nlabels:\n  Summary: Коротко\n  Date: When\n"
                                      "  ru: {Date: Когда}\n  fr: {Date: Quand}\n")
    html = html_of(folder, style="house")
    assert ">Коротко<" in html and ">Когда<" in html and "Quand" not in html and ">When<" not in html


def test_a_language_without_a_catalogue_prints_english_and_warns_once(make_brief, caplog):
    translations.catalogue.cache_clear()
    with caplog.at_level(logging.WARNING, logger="briefkit"):
        first = html_of(_brief(make_brief, "sw"))
        html_of(_brief(make_brief, "sw", name="again"))
    assert ">Summary<" in first
    assert len([r for r in caplog.records if "no translation for language 'sw'" in r.getMessage()]) == 1


def test_the_chart_alt_text_follows_the_languages_plural_forms():
    def events(count):
        return [Event(date=PartialDate.parse(f"{2000 + i}"), title=f"E{i}", line=1) for i in range(count)]

    assert describe(events(2), "ru").startswith("Хронология: 2 события, 2000 — 2001")
    assert describe(events(5), "ru").startswith("Хронология: 5 событий, 2000 — 2004")
    assert describe(events(21), "ru").startswith("Хронология: 21 событие, 2000 — 2020")
    assert describe(events(1), "en").startswith("Timeline of 1 event, 2000 to 2000")
    assert describe(events(3), "hi").endswith("।")


@pytest.mark.parametrize("language, date, counters", [
    ("fa-AF", "۲۹ جنوری ۲۰۲۶", "persian"), ("hi", "२९ जनवरी २०२६", "devanagari"),
    ("ar", "٢٩ يناير ٢٠٢٦", "arabic-indic"), ("en", "29 January 2026", "decimal"),
])
def test_native_digits_for_dates_and_counters(make_brief, language, date, counters):
    folder = _brief(make_brief, language, {"brief.yaml": BRIEFS["fa-AF"]["brief.yaml"].replace(
        "language: fa-AF", f"language: {language}") + "digits: native\n"})
    html = html_of(folder)
    assert f">{date}<" in html and f"--bk-digits: {counters};" in html
    assert "روسیه در سال 2025" in html  # the author's own digits stay as written


def test_the_briefs_digits_win_over_the_styles(make_brief):
    folder = _brief(make_brief, "fa-AF", {"brief.yaml": BRIEFS["fa-AF"]["brief.yaml"] + "digits: latin\n"})
    style = folder / "styles" / "native"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text("extends: think-tank\ndigits: native\n")
    assert ">29 جنوری 2026<" in html_of(folder, style="native")
    (folder / "brief.yaml").write_text(BRIEFS["fa-AF"]["brief.yaml"])
    assert ">۲۹ جنوری ۲۰۲۶<" in html_of(folder, style="native")
    (style / "style.yaml").write_text("extends: think-tank\ndigits: arabic\n")
    with pytest.raises(Exception, match="digits: Input should be 'latin' or 'native'"):
        html_of(folder, style="native")


def test_a_dari_brief_in_native_digits_prints_them_on_the_page(make_brief, tmp_path):
    from briefkit.build import Options, build

    folder = _brief(make_brief, "fa-AF", {"brief.yaml": BRIEFS["fa-AF"]["brief.yaml"] + "digits: native\n"})
    result = build(folder, Options(output=tmp_path / "fa.pdf"))
    import pypdfium2

    text = pypdfium2.PdfDocument(str(result.pdf))[0].get_textpage().get_text_range()
    for number in ("۲۰۲۶", "۲۰۲۱", "۱ / ۱"):  # the date, the chronology, the page number
        assert number in text, number


def test_chart_ticks_and_labels_speak_the_language():
    from briefkit import styles
    from briefkit.charts.timeline import timeline_svg
    from briefkit.models import Timeline

    style = styles.find("think-tank")
    args = (style.chart_styles, [f.path for f in style.fonts], style.chart_face)
    days = ("2025-04-17", "2025-07-03", "2025-09-12", "2025-12-01")
    timeline = Timeline(tuple(Event(date=PartialDate.parse(d), title=f"Событие {d}", line=1) for d in days))
    chart = timeline_svg(timeline, {}, *args, "ru")
    assert "июль" in chart.svg and "3 июл. 2025" in chart.svg and "Jul" not in chart.svg
    assert chart.caption == "Хронология событий, 2025"
    assert "Jul" in timeline_svg(timeline, {}, *args, "en").svg  # English keeps Matplotlib's concise dates
