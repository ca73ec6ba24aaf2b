"""A catalogue of English, Hindi, Persian and Urdu briefs: each entry's language, direction and
digits, and the web fonts its scripts need, subset, shipped and used by a real browser."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from fontTools.ttLib import TTFont
from support import chromium, needs_chromium, run, served

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOTO = Path(__file__).parents[1] / "src" / "briefkit" / "fonts" / "noto"
PERSIAN = {
    "brief.yaml": "title: روسیه و طالبان\ndate: 2026-01-29\nlanguage: fa\ndigits: native\n"
                  "summary: روسیه حکومت طالبان را به رسمیت شناخت.\nauthors:\n  - name: احمد رحیمی\n",
    "commentary.md": "روسیه حکومت طالبان را به رسمیت شناخت.\n",
}
#: The face each language's letters must be in, in the catalogue.
FACES = {"hi": "Noto Sans Devanagari", "fa": "Noto Sans Arabic", "ur": "Noto Nastaliq Urdu"}


def _script(char: str) -> bool:
    return 0x0900 <= ord(char) <= 0x097F or 0x0600 <= ord(char) <= 0x06FF


@pytest.fixture(scope="module")
def site(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("catalogue")
    assert run(runner, "new", str(root / "en")).exit_code == 0
    for language in ("hi", "ur"):
        shutil.copytree(PAGES / language, root / language)
    brief = root / "hi" / "brief.yaml"  # Hindi's own digits, asked for (CLDR's default is Latin)
    brief.write_text(brief.read_text(encoding="utf-8") + "digits: native\n", encoding="utf-8")
    (root / "fa").mkdir()
    for name, text in PERSIAN.items():
        (root / "fa" / name).write_text(text, encoding="utf-8")
    briefs = [str(root / language) for language in ("en", "hi", "fa", "ur")]
    result = run(runner, "publish", *briefs, "-o", str(root / "site"))
    assert result.exit_code == 0, result.output
    page = lxml.html.fromstring((root / "site" / "index.html").read_bytes())
    return {"root": root / "site", "page": page,
            "entries": {a.get("lang"): a for a in page.iter("article")}}


@pytest.mark.slow  # a site of four briefs in four scripts; test_landing.py publishes quickly
def test_each_entry_has_its_language_direction_and_digits(site):
    entries = site["entries"]
    assert set(entries) == {"en", "hi", "fa", "ur"}
    directions = {lang: a.get("dir") for lang, a in entries.items()}
    assert directions == {"en": "ltr", "hi": "ltr", "fa": "rtl", "ur": "rtl"}
    dates = {lang: a.find(".//time").text_content() for lang, a in entries.items()}
    assert "२०२६" in dates["hi"] and "۲۰۲۶" in dates["fa"], dates
    assert not re.search("[0-9]", dates["hi"] + dates["fa"]), dates
    # The words the catalogue adds are English, and say so inside a right-to-left entry.
    assert entries["fa"].find(".//a[@class='download']").get("lang") == "en"


def _faces(site) -> dict[str, list[Path]]:
    """{family: its font files} as the catalogue's @font-face rules name them."""
    css = "".join(style.text_content() for style in site["page"].iter("style"))
    faces: dict[str, list[Path]] = {}
    for family, url in re.findall(r'@font-face \{ font-family: "([^"]+)"; src: url\("([^"]+)"\)', css):
        faces.setdefault(family, []).append(site["root"] / url)
    return faces


@pytest.mark.slow  # a site of four briefs in four scripts; test_landing.py publishes quickly
def test_the_fonts_the_entries_need_are_shipped_subset_to_their_letters(site):
    faces = _faces(site)
    assert set(faces) == set(FACES.values()), faces  # none for English: the machine has Latin
    for language, family in FACES.items():
        text = site["entries"][language].text_content()
        needed = {ord(c) for c in text if _script(c)}
        for path in faces[family]:
            assert path.is_file() and path.read_bytes()[:4] == b"wOF2", path
            original = NOTO / (path.name.rsplit("-", 1)[0] + ".ttf")
            assert path.stat().st_size < original.stat().st_size / 4, (path, path.stat().st_size)
            with TTFont(str(path)) as font:
                cmap = set(font.getBestCmap())
            assert needed <= cmap, (path.name, sorted(map(chr, needed - cmap)))
            assert len(cmap) < 150, (path.name, len(cmap))  # the letters used, not the script
    assert sorted(p.name for p in (site["root"] / "fonts").iterdir()) == \
        sorted(p.name for paths in faces.values() for p in paths)


@needs_chromium
@pytest.mark.slow
def test_a_browser_sets_each_entry_in_the_shipped_face(site):
    """What Chromium draws each entry's title with (DevTools' platform fonts for the node): the
    shipped face, whatever the machine has; the page's images and links still all load."""
    with served(site["root"]) as address, chromium() as driver:
        driver.get(address + "index.html")
        loaded = driver.execute_async_script("""const done = arguments[arguments.length - 1];
            document.fonts.ready.then(() => done([...document.fonts].map(f => f.status)));""")
        assert loaded and set(loaded) == {"loaded"}, loaded
        images = driver.execute_script("return [...document.images].map(i => i.complete && i.naturalWidth)")
        assert len(images) == 4 and all(width >= 200 for width in images), images
        driver.execute_cdp_cmd("DOM.enable", {})
        driver.execute_cdp_cmd("CSS.enable", {})
        root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for language, family in FACES.items():
            selector = f'article[lang="{language}"] h2 a'
            node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
            fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            used = {font["familyName"] for font in fonts if font["glyphCount"]}
            assert family in used and not used - {family, "Source Sans Pro", "DejaVu Sans"}, (language, fonts)
