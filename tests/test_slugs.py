"""File names from any title (issue 26, point 2): readable ASCII slugs for every script, the
`slug:` override, and two different titles never sharing a name (docs/brief-format.md, File names)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import check_finds, run

from briefkit.freshness import expected_pdf
from briefkit.output import file_name, slug

DATE = dt.date(2026, 1, 29)
#: Titles of real briefs and news lines, and the readable part of the name each gets.
SCRIPTS = {
    "hi": ("रूस ने तालिबान सरकार को मान्यता दी", "rus-ne-taliban-srkar-ko-manyta-di"),
    "ru": ("Россия признала правительство талибов", "rossiya-priznala-pravitelstvo-talibov"),
    "fa": ("روسیه طالبان را به رسمیت شناخت", "rwsyh-tlbn-r-bh-rsmyt-shnkht"),
    "ar": ("روسيا تعترف بحكومة طالبان", "rwsy-ttrf-bhkwmh-tlbn"),
    "ur": ("طالبان نے کابل پر قبضہ کر لیا", "tlbn-ne-kbl-pr-qbdh-kr-ly"),
    "zh": ("俄罗斯承认塔利班政府", "e-luo-si-cheng-ren-ta-li-ban-zheng-fu"),
    "el": ("Η Ρωσία και οι Ταλιμπάν", "i-rosia-kai-oi-talimpan"),
}


@pytest.mark.parametrize("language", SCRIPTS)
def test_a_title_in_any_script_gives_a_readable_ascii_name(language):
    title, words = SCRIPTS[language]
    name = file_name(title, DATE)
    assert re.fullmatch(rf"2026-01-29-{words}-[0-9a-f]{{6}}\.pdf", name), name
    assert name == file_name(unicodedata.normalize("NFD", title), DATE)  # one title, however composed


def test_titles_that_spell_alike_get_different_names_and_latin_names_are_unchanged():
    names = {file_name(title, DATE) for title, _ in SCRIPTS.values()}
    # Nukta or not, and case, spell alike in ASCII: the short hash of the title tells them apart.
    alike = ["भारत और अफ़ग़ानिस्तान", "भारत और अफगानिस्तान", "Россия и талибы", "россия и талибы"]
    names |= {file_name(title, DATE) for title in alike}
    assert len(names) == len(SCRIPTS) + len(alike)
    assert file_name(alike[0], DATE).startswith("2026-01-29-bhart-aur-aphganistan-")
    assert file_name("The Taliban-Russia Re-Connect", DATE) == "2026-01-29-the-taliban-russia-re-connect.pdf"
    assert slug("Kabul’s Élan: naïve café") == "kabuls-elan-naive-cafe"


def _before(text: str, limit: int = 60) -> str:
    """slug() as it was before non-Latin titles were spelled: the names existing archives have."""
    text = re.sub(r"(?<=\w)['’ʼ](?=\w)", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-") or "brief"


def _latin(char: str) -> bool:
    """A character the old rule already spells: no letter, mark or digit; Latin; or ASCII decomposed."""
    return (not unicodedata.category(char).startswith(("L", "M", "N"))
            or "LATIN" in unicodedata.name(char, "") or unicodedata.normalize("NFKD", char).isascii())


@given(st.text(st.characters(codec="utf-8").filter(_latin), max_size=80))
def test_a_title_without_letters_of_another_script_keeps_its_name_byte_for_byte(title):
    assert slug(title) == _before(title)


def test_slug_in_brief_yaml_names_the_pdf(runner, make_brief, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = make_brief({"brief.yaml": "title: Россия и талибы\ndate: 2026-01-29\nlanguage: ru\n"
                                       "slug: Russia-Taliban-2026\n"})
    assert expected_pdf(folder) == Path("dist/2026-01-29-Russia-Taliban-2026.pdf")
    result = run(runner, "build", str(folder))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "2026-01-29-Russia-Taliban-2026.pdf").is_file()


@pytest.mark.parametrize("value", ["Россия 2026", "russia_taliban", "-russia", "a--b"])
def test_a_slug_that_is_not_ascii_letters_digits_and_hyphens_is_an_error_at_its_line(runner, make_brief,
                                                                                    value):
    folder = make_brief({"brief.yaml": f"title: Россия и талибы\ndate: 2026-01-29\nslug: {value}\n"})
    suggestion = slug(value, 100)
    check_finds(runner, folder, "brief.yaml:3:", "may hold only ASCII letters, digits and single hyphens",
                f"slug: {suggestion}")
    assert expected_pdf(folder) is None  # a batch leaves the name to the build, which says why


def _batch(runner, tmp_path, folders, *args):
    report = tmp_path / "report.json"
    result = run(runner, "build", *map(str, folders), "--report", str(report), *args)
    return result, {Path(entry["folder"]).name: entry for entry in json.loads(report.read_text())}


def test_a_batch_of_two_hindi_briefs_of_one_date_builds_both(runner, make_brief, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    titles = ("भारत और अफ़ग़ानिस्तान", "भारत और पाकिस्तान")
    folders = [make_brief({"brief.yaml": f"title: {title}\ndate: 2026-01-29\nlanguage: hi\n",
                           "commentary.md": "एक अनुच्छेद।[^a]\n\n[^a]: एक टिप्पणी।\n"}, name=f"hi{n}")
               for n, title in enumerate(titles)]
    result, report = _batch(runner, tmp_path, folders)
    assert result.exit_code == 0 and {e["status"] for e in report.values()} == {"built"}, result.output
    pdfs = sorted(Path(entry["pdf"]).name for entry in report.values())
    assert pdfs[0].startswith("2026-01-29-bhart-aur-aphganistan-") and pdfs[1].startswith(
        "2026-01-29-bhart-aur-pakistan-"), pdfs
    assert all(pdf.isascii() for pdf in pdfs) and all((tmp_path / "dist" / pdf).is_file() for pdf in pdfs)
    # The single build's name (output.default_path) is the batch's (freshness.expected_pdf).
    assert sorted(expected_pdf(folder).name for folder in folders) == pdfs


def test_publish_of_a_russian_and_a_persian_brief_of_one_date(runner, make_brief, tmp_path):
    russian = make_brief({"brief.yaml": "title: Россия и талибы\ndate: 2026-01-29\nlanguage: ru\n",
                          "commentary.md": "Абзац.[^a]\n\n[^a]: Примечание.\n"}, name="ru")
    persian = make_brief({"brief.yaml": "title: روسیه و طالبان\ndate: 2026-01-29\nlanguage: fa-AF\n",
                          "commentary.md": "یک بند.[^a]\n\n[^a]: یک یادداشت.\n"}, name="fa")
    site = tmp_path / "site"
    result = run(runner, "publish", str(russian), str(persian), "-o", str(site), "--base-url",
                 "https://example.org/briefs/")
    assert result.exit_code == 0, result.output
    pdfs = sorted(path.name for path in site.glob("*.pdf"))
    assert len(pdfs) == 2 and pdfs[0].startswith("2026-01-29-rossiya-i-taliby-"), pdfs
    assert pdfs[1].startswith("2026-01-29-rwsyh-w-tlbn-")
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    links = sorted(entry.link for entry in feed.entries)
    # ASCII letters, digits and hyphens: the URL is the file name as it is, nothing to escape.
    assert links == [f"https://example.org/briefs/{pdf}" for pdf in pdfs]


def test_a_brief_renamed_by_slug_leaves_no_stale_pdf_in_the_site(runner, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": "title: Россия и талибы\ndate: 2026-01-29\n"})
    site = tmp_path / "site"
    assert run(runner, "publish", str(folder), "-o", str(site)).exit_code == 0
    (old,) = [path.name for path in site.glob("*.pdf")]
    (folder / "brief.yaml").write_text("title: Россия и талибы\ndate: 2026-01-29\nslug: russia\n")
    result = run(runner, "publish", str(folder), "-o", str(site))
    assert result.exit_code == 0, result.output
    assert [path.name for path in site.glob("*.pdf")] == ["2026-01-29-russia.pdf"], old
    assert [path.name for path in (site / "thumbs").iterdir()] == ["2026-01-29-russia.png"]
    assert (site / "SHA256SUMS").read_text().endswith("  2026-01-29-russia.pdf\n")


@pytest.mark.parametrize("same", ["title", "slug"])
def test_a_real_clash_names_both_folders(runner, make_brief, tmp_path, monkeypatch, same):
    monkeypatch.chdir(tmp_path)
    yaml = {"title": ["title: Россия и талибы\n"] * 2,
            "slug": ["title: Россия и талибы\nslug: russia\n", "title: Russia\nslug: russia\n"]}[same]
    folders = [make_brief({"brief.yaml": f"{text}date: 2026-01-29\n"}, name=f"b{n}")
               for n, text in enumerate(yaml)]
    result, report = _batch(runner, tmp_path, folders)
    assert result.exit_code != 0 and report["b0"]["status"] == "built", result.output
    error = " ".join(report["b1"]["errors"])
    assert str(folders[0]) in error and str(folders[1]) in error, error
    assert f"the same date and {same}" in error and "slug:" in error, error
