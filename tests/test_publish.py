"""Publishing a series: the site folder, read back by a feed parser and a real headless browser."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading

import feedparser
import pikepdf
import pytest
from support import copy_sample, run


@pytest.fixture(scope="module")
def site(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("series")
    copy_sample(root, "russia")
    assert run(runner, "new", str(root / "gulf-shipping")).exit_code == 0
    site = root / "site"
    first = run(runner, "publish", str(root / "russia"), str(root / "gulf-shipping"), "-o", str(site),
                "--title", "Meridian Briefs")
    assert first.exit_code == 0, first.output
    assert "2 built, 0 unchanged" in first.output
    return {"root": root, "site": site, "runner": runner}


def test_unchanged_briefs_are_skipped_and_changed_ones_rebuilt(site):
    again = run(site["runner"], "publish", str(site["root"] / "russia"), str(site["root"] / "gulf-shipping"),
                "-o", str(site["site"]), "--title", "Meridian Briefs")
    assert "0 built, 2 unchanged" in again.output
    commentary = site["root"] / "gulf-shipping" / "commentary.md"
    commentary.write_text(commentary.read_text() + "\nOne more sentence.\n")
    third = run(site["runner"], "publish", str(site["root"] / "russia"), str(site["root"] / "gulf-shipping"),
                "-o", str(site["site"]), "--title", "Meridian Briefs")
    assert "1 built, 1 unchanged" in third.output


def test_checksums_match_the_pdfs(site):
    lines = (site["site"] / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 2
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((site["site"] / name).read_bytes()).hexdigest() == digest


def test_the_feed_is_valid_atom_with_one_entry_per_brief(site):
    feed = feedparser.parse((site["site"] / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and feed.feed.title == "Meridian Briefs"
    titles = {entry.title for entry in feed.entries}
    assert "The Taliban-Russia Re-Connect" in titles and len(feed.entries) == 2
    russia = next(e for e in feed.entries if e.title == "The Taliban-Russia Re-Connect")
    assert russia.link.endswith("2026-01-29-the-taliban-russia-re-connect.pdf")
    assert russia.summary.startswith("By accepting the credentials")


@pytest.fixture
def served(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site["site"]))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("chromedriver"),
                    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
@pytest.mark.slow
def test_the_catalogue_in_a_real_browser(served, site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(served + "index.html")
        assert driver.title == "Meridian Briefs"
        images = driver.execute_script(
            "return [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])")
        assert len(images) == 2 and all(width >= 200 for _, width in images), images
        statuses = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const links = [...new Set([...document.querySelectorAll('a')].map(a => a.href))];
            const probe = href => fetch(href).then(r => [href, r.status, r.headers.get('content-type')]);
            Promise.all(links.map(probe)).then(done);""")
        assert len(statuses) >= 4 and all(status == 200 for _, status, _ in statuses), statuses
        pdfs = [kind for href, _, kind in statuses if href.endswith(".pdf")]
        assert pdfs == ["application/pdf"] * 2
        text = driver.find_element("tag name", "main").text
        with pikepdf.open(site["site"] / "2026-01-29-the-taliban-russia-re-connect.pdf") as pdf:
            pages = len(pdf.pages)  # the catalogue says what the PDF holds, whatever the layout makes it
        assert "The Taliban-Russia Re-Connect" in text and f"({pages} pages," in text
    finally:
        driver.quit()


def test_a_style_restyles_the_catalogue(site, runner, tmp_path):
    """The catalogue template follows the style chain like a brief's templates: a house style
    gives `site/index.html.j2`, extends the built-in one and overrides one block."""
    style = tmp_path / "house"
    (style / "templates" / "site").mkdir(parents=True)
    (style / "style.yaml").write_text("extends: think-tank\n")
    (style / "templates" / "site" / "index.html.j2").write_text(
        '{% extends "base/site/index.html.j2" %}\n'
        '{% block header %}<p class="masthead">Meridian House</p>{{ super() }}{% endblock %}\n')
    out = tmp_path / "site"
    brief = str(site["root"] / "gulf-shipping")
    result = run(runner, "publish", brief, "-o", str(out), "--style", str(style))
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text()
    assert '<p class="masthead">Meridian House</p><header>' in index and 'class="brief"' in index
