"""Issue 24, round three, the brief's own text: points 4, 7, 9, 11 and 18 (and BOMs, of 8).

Each case runs `briefkit check` and `briefkit build` as a user would; what is about the pages
is read back from the PDF (pikepdf for links, pdfplumber for text)."""

from __future__ import annotations

import inspect
import json
import os
import re
import unicodedata
from html import unescape
from pathlib import Path

import pikepdf
import pytest
import readback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import build, check_finds, fails, run

from briefkit.commentary import parse
from briefkit.errors import Problems

BRIEF = """\
title: A Brief
date: 2026-02-01
authors:
  - name: Test Desk
"""
SOURCES = """\
- id: müller-2020
  title: Müller on Kabul
- id: reuters-2025
  title: Reuters on Moscow
- id: o-brien-2024
  title: O'Brien on Doha
"""


def problems_of(runner, folder) -> list[dict]:
    """`briefkit check --json`: the problems found, as file, line and message."""
    result = run(runner, "check", "--json", str(folder))
    assert "unexpected error" not in result.output and "Traceback" not in result.output, result.output
    return json.loads(result.stdout)[0]["problems"]


def check_and_build_fail(runner, folder, tmp_path, *says: str) -> str:
    """`check` and `build` agree: both exit 1 and say each phrase (file:line and the fix)."""
    check_finds(runner, folder, *says)
    result, out = build(runner, folder, tmp_path)
    return fails(result, out, 1, *says)


def pdf_strings(path) -> bytes:
    """Every object of the PDF, streams decompressed: what a reader of its bytes could find."""
    chunks = [path.read_bytes()]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    pass
            else:
                chunks.append(repr(obj).encode())
        chunks.append(repr(pdf.docinfo).encode())
        chunks.append(pdf.open_metadata().__str__().encode())
    return b"\n".join(chunks)


def uris(path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


# --- 4: no build-machine paths in the PDF ---------------------------------------------------------

@pytest.mark.parametrize("files, where", [
    ({"commentary.md": "One.\n\nSee [the annex](annex.pdf).\n"}, "commentary.md:3"),
    ({"commentary.md": "One.\n\nSee [the annex][a].\n\n[a]: docs/annex.pdf\n"}, "commentary.md:3"),
    ({"commentary.md": "One.[^n]\n\n[^n]: See [it](./annex.pdf#page=2).\n"}, "commentary.md:3"),
    ({"commentary.md": "See [it](?page=2).\n"}, "commentary.md:1"),
    ({"brief.yaml": BRIEF + "allow_html: true\n", "commentary.md": 'One.\n\nSee <a href="annex.pdf">it</a>.\n'},
     "commentary.md:3"),
    ({"brief.yaml": BRIEF + "summary: See [the annex](annex.pdf).\n"}, "brief.yaml:5"),
])
def test_a_relative_link_is_an_error_with_its_fix(runner, make_brief, tmp_path, files, where):
    folder = make_brief(files)
    check_and_build_fail(runner, folder, tmp_path, where, "relative link", "https://",
                         "allow_local_links: true")


@pytest.mark.parametrize("link", ["#", "//example.org/annex.pdf"])
def test_links_that_would_resolve_to_the_build_folder_are_errors(runner, make_brief, tmp_path, link):
    folder = make_brief({"commentary.md": f"One.\n\nSee [it]({link}).\n"})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:3")


def _engine_keeps_links() -> bool:
    from briefkit.pdf import writing

    return "keep_relative" in inspect.getsource(writing)


@pytest.mark.xfail(not _engine_keeps_links(), strict=True,
                   reason="pdf/writing.py must call links.keep_relative(laid_out.pages) before write_pdf")
def test_allow_local_links_keeps_the_link_as_written_and_no_local_path(runner, make_brief, tmp_path):
    folder = make_brief({
        "brief.yaml": BRIEF + "allow_local_links: true\n",
        "commentary.md": "See [the annex](annex.pdf) and [part two](annexes/part-2.pdf#page=3), "
                         "or [the site](https://example.org/brief).\n"})
    result, out = build(runner, folder, tmp_path, "--html", str(tmp_path / "out.html"))
    assert result.exit_code == 0, result.output
    assert uris(out) == ["annex.pdf", "annexes/part-2.pdf#page=3", "https://example.org/brief"]
    local = str(folder.resolve()).encode()
    assert local not in pdf_strings(out)
    assert b"file:" not in pdf_strings(out)
    html = (tmp_path / "out.html").read_text()
    assert 'href="annex.pdf"' in html and f'href="{folder.resolve().as_uri()}' not in html


def test_allow_local_links_must_be_true_or_false(runner, make_brief):
    folder = make_brief({"brief.yaml": BRIEF + "allow_local_links: maybe\n",
                         "commentary.md": "See [the annex](annex.pdf).\n"})
    found = problems_of(runner, folder)
    assert [(p["line"], "allow_local_links" in p["message"]) for p in found] == [(5, True)]


# --- 7: citation keys -------------------------------------------------------------------------

def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("commentary, sources, events", [
    (nfd("Kabul.[@müller-2020]\n"), SOURCES, None),
    ("Kabul.[@müller-2020]\n", nfd(SOURCES), None),
    ("Kabul.\n\n```chronology\n```\n", SOURCES,
     nfd("- date: 2025-01-01\n  title: Talks\n  sources: [müller-2020]\n")),
])
def test_keys_in_decomposed_unicode_are_the_same_key(runner, make_brief, tmp_path, commentary, sources,
                                                     events):
    folder = make_brief({"commentary.md": commentary, "sources.yaml": sources, "events.yaml": events})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    assert "müller-2020' is never cited" not in result.output
    text = readback.text(out)
    assert "Müller on Kabul" in unicodedata.normalize("NFC", text)
    assert "[@" not in text


@pytest.mark.parametrize("cite, hint", [
    ("[@reuters 2025]", "did you mean 'reuters-2025'?"),
    ("[@o'brien-2024]", "did you mean 'o-brien-2024'?"),
    ("[@o’brien-2024]", "did you mean 'o-brien-2024'?"),
    ("[@reuters\u200b-2025]", "did you mean 'reuters-2025'?"),
    ("[@reuters-2025 p. 3]", "[@reuters-2025, p. 3]"),
    ("[see @reuters-2025; @müller 2020]", "did you mean 'müller-2020'?"),
    ("[@]", "an @ with no key"),
])
def test_a_bracket_that_looks_like_a_citation_is_one_or_an_error(runner, make_brief, tmp_path, cite, hint):
    folder = make_brief({"commentary.md": f"One.\n\nAs reported {cite}.\n", "sources.yaml": SOURCES})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:3", "is not a citation", hint)


_PIECES = st.sampled_from(["[", "]", "@", "a", "b", "reuters-2025", " ", ";", ",", "p. 3", "'", "-", "(",
                           ")", "[^n]", "\n", "`", "<!--", "-->", "{", "}", "\u200b", "https://e.org", "*"])


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("BRIEFKIT_FUZZ", 2000)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_no_bracket_that_looks_like_a_citation_is_printed_silently(text):
    """Whatever the brackets, @, quotes and spaces: a citation, a link, or an error; never a
    `[@...]` printed as text with no problem reported (code spans print as typed)."""
    text += "\n\n[^n]: A note.\n" if "[^n]" in text else ""
    problems = Problems()
    html = str(parse(text, Path("commentary.md"), {"a", "b", "reuters-2025"}, False, problems).html)
    if problems:
        return
    # code prints as typed and links keep their text; a bracket around other markup ([*@*],
    # [@[^n]]) was not typed as a citation: a NUL stands for each element, so none matches
    printed = re.sub(r"<code>.*?</code>|<a href[^>]*>.*?</a>", "", html, flags=re.S)
    printed = re.sub(r"<[^>]+>", "\0", re.sub(r"<bk-note.*?</bk-note>", "\0", printed, flags=re.S))
    printed = unescape(printed)  # as a reader sees it: "&gt;" is ">", not a ";" before an @
    assert not re.search(r"\[\s*-?@[^\[\]\0]*\]|\[[^\[\]\0]*[\s;-]@[^\s\]\0][^\[\]\0]*\]", printed), html


def test_an_id_with_other_characters_is_cited_in_braces(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": "Doha.[@{o'brien 2024}]\n",
                         "sources.yaml": "- id: o'brien 2024\n  title: O'Brien on Doha\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    assert "on Doha" in readback.text(out)


def test_a_citation_followed_by_a_note_is_both(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": "Moscow.[@reuters-2025, p. 3][^n]\n\n[^n]: My own note.\n",
                         "sources.yaml": SOURCES})
    assert problems_of(runner, folder) == []
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    text = readback.text(out)
    assert "[@" not in text and "][" not in text
    assert "Reuters on Moscow" in text and "p. 3" in text and "My own note." in text
    assert sorted(readback.notes(out).notes) == [1, 2]


@pytest.mark.parametrize("field", ["summary: As [@reuters-2025] says.\n",
                                   "disclaimer: Views are ours [@reuters-2025].\n"])
def test_a_citation_outside_the_commentary_is_an_error(runner, make_brief, tmp_path, field):
    folder = make_brief({"brief.yaml": BRIEF + field, "sources.yaml": SOURCES,
                         "commentary.md": "Text.[@reuters-2025]\n"})
    check_and_build_fail(runner, folder, tmp_path, "brief.yaml:5", "citations are made in the commentary")


# --- 9: empty commentary, comments ----------------------------------------------------------------

@pytest.mark.parametrize("files, where", [
    ({"brief.yaml": "title: \"\u200b\u200d\"\ndate: 2026-02-01\n"}, "brief.yaml:1: title"),
    ({"events.yaml": "- date: 2025-01-01\n  title: \"\u00ad\"\n"}, "events.yaml:2"),
])
def test_a_title_of_invisible_characters_is_empty(runner, make_brief, tmp_path, files, where):
    check_and_build_fail(runner, make_brief(files), tmp_path, where, "invisible characters")


@pytest.mark.parametrize("text", ["\u200b", "\u200c\u200d\u2060", "\u00a0\n\u00a0", "\ufeff\ufeff",
                                  "\u00ad", "\u200b\n\n\u3164\n", "\u034f\u2800"])
def test_a_commentary_of_invisible_characters_is_empty(runner, make_brief, tmp_path, text):
    folder = make_brief({"commentary.md": text})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:1", "the commentary is empty")


@pytest.mark.parametrize("text", ["<!-- draft -->\n", "# \u200b\n\n---\n", "<!--\nall of it\n-->\n\n***\n"])
def test_a_commentary_that_prints_nothing_is_empty(runner, make_brief, tmp_path, text):
    folder = make_brief({"commentary.md": text})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:1", "prints nothing")


@pytest.mark.parametrize("allow_html", ["false", "true"])
def test_html_comments_are_dropped(runner, make_brief, tmp_path, allow_html):
    folder = make_brief({
        "brief.yaml": BRIEF + f"allow_html: {allow_html}\n",
        "commentary.md": "Before.\n\n<!-- TODO -- check --- the dates -->\n\n"
                         "Middle <!-- inline -- note --> text.\nAfter\n<!--\nmany\n\nlines\n-->\n\nEnd.\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    text = readback.text(out)
    for kept in ("Before.", "Middle text.", "After", "End."):
        assert kept in text
    for dropped in ("TODO", "check", "inline", "many", "lines", "<!", "–", "—"):
        assert dropped not in text


def test_a_comment_in_code_is_printed_as_typed(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": "Write `<!-- a -- b -->` to hide a line.\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    assert "<!-- a -- b -->" in readback.text(out)


@pytest.mark.parametrize("allow_html", ["false", "true"])
def test_an_unclosed_comment_is_an_error(runner, make_brief, tmp_path, allow_html):
    folder = make_brief({"brief.yaml": BRIEF + f"allow_html: {allow_html}\n",
                         "commentary.md": "One.\n\nTwo <!-- never closed.\n\nThree.\n"})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:3", "never closed")


# --- 11: user text never collides with briefkit's own markup ----------------------------------

def test_briefkit_block_comment_in_raw_html_is_dropped(runner, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": BRIEF + "allow_html: true\n",
                         "commentary.md": "Text.\n\n<!--briefkit-block-7-->\n\n<div>\n<!--briefkit-block-0-->\n"
                                          "<p>Inside.</p>\n</div>\n\nAfter <!--briefkit-block-3--> it.\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    text = readback.text(out)
    assert "Text." in text and "Inside." in text and "After it." in text


@pytest.mark.parametrize("html, says", [
    ('Claim <span data-cites="7" data-role="note"></span> here.', "data-cites"),
    ('Claim <bk-note class="footnote">forged</bk-note> here.', "bk-note"),
    ('Claim <a class="note-ref" href="#note-1" data-row="0">1</a>.', "data-row"),
    ('<p id="note-1">Forged target.</p>', "note-1"),
    ('<p class="footnote">Floated away.</p>', "footnote"),
])
def test_raw_html_may_not_spell_briefkit_markup(runner, make_brief, tmp_path, html, says):
    folder = make_brief({"brief.yaml": BRIEF + "allow_html: true\n", "commentary.md": f"One.\n\n{html}\n"})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:3", says, "keeps for its own")


@pytest.mark.parametrize("attrs, says", [("{#note-1}", "note-1"), ("{.footnote}", "footnote"),
                                         ("{data-cites=0}", "data-cites")])
def test_block_attributes_may_not_spell_briefkit_markup(runner, make_brief, tmp_path, attrs, says):
    folder = make_brief({"commentary.md": f"One.\n\n{attrs}\nTwo.\n"})
    check_and_build_fail(runner, folder, tmp_path, "commentary.md:", says, "kept for briefkit's own")


def test_short_fields_may_not_spell_briefkit_markup(runner, make_brief, tmp_path):
    folder = make_brief({"brief.yaml": BRIEF + "summary: |\n  {.footnote}\n  Floated away.\n"})
    check_and_build_fail(runner, folder, tmp_path, "brief.yaml:5", "footnote: kept for briefkit's own")


def test_placeholders_typed_as_text_print_as_typed(runner, make_brief, tmp_path):
    folder = make_brief({"commentary.md": "Literal `<!--briefkit-block-0-->` and "
                                          '`<span data-cites="0" data-role="note"></span>`.\n'})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    text = readback.text(out)
    assert "<!--briefkit-block-0-->" in text and 'data-cites="0"' in text


# --- 18: YAML mistakes in words, and no knock-on errors ------------------------------------------

@pytest.mark.parametrize("yaml_text, line, says", [
    ("title: Russia: the return\ndate: 2026-02-01\n", 1, 'put the value in quotes: title: "Russia: the return"'),
    ("title: A\n  date: 2026-02-01\n", 2, "indented more than the line above"),
    ("title: A\n\tdate: 2026-02-01\n", 2, "a tab in the indentation"),
    ("title: \"A\ndate: 2026-02-01\n", 1, "never closed"),
    ("title: A\nkeywords: [a, b\ndate: 2026-02-01\n", 3, "the [ opened on line 2 is not closed"),
    ("title: @desk\ndate: 2026-02-01\n", 1, "cannot start with @; put the value in quotes"),
    ("title: *Important* news\ndate: 2026-02-01\n", 1, "cannot start with *"),
    ("title: \"A\" and B\ndate: 2026-02-01\n", 1, "text after the closing quote"),
    ("title: A\njust words\ndate: 2026-02-01\n", 2, "a line with no 'key:'"),
    ("title: A\nkeywords: - a\n", 2, "cannot follow a key on the same line"),
])
def test_yaml_mistakes_are_said_in_words(runner, make_brief, tmp_path, yaml_text, line, says):
    folder = make_brief({"brief.yaml": yaml_text})
    check_and_build_fail(runner, folder, tmp_path, f"brief.yaml:{line}: not valid YAML", says)


def test_a_sources_file_that_does_not_parse_is_one_problem(runner, make_brief, tmp_path):
    cites = " ".join(f"Claim {n}.[@s{n}]" for n in range(14))
    sources = "".join(f"- id: s{n}\n  title: Source {n}\n" for n in range(14))
    folder = make_brief({"commentary.md": cites + "\n",
                         "sources.yaml": sources.replace("title: Source 3", "title: Kabul: the return")})
    found = problems_of(runner, folder)
    assert [(p["line"], "a colon inside a value" in p["message"]) for p in found] == [(8, True)]
    assert found[0]["file"].endswith("sources.yaml")
    check_and_build_fail(runner, folder, tmp_path, "sources.yaml:8")


def test_an_events_file_that_does_not_parse_is_one_problem(runner, make_brief, tmp_path):
    folder = make_brief({
        "commentary.md": "Text.\n\n```timeline\n```\n\n```chronology\ngroups: [Diplomacy]\n```\n",
        "events.yaml": "events:\n  - date: 2025-01-01\n    title: A\n   group: Diplomacy\n"
                       "  - date: 2025-06\n    title: B\n"})
    found = problems_of(runner, folder)
    assert [(p["line"], "not lined up" in p["message"]) for p in found] == [(4, True)]
    assert "has no events" not in json.dumps(found)


def test_a_broken_source_entry_is_not_also_unknown(runner, make_brief):
    folder = make_brief({"commentary.md": "One.[@a] Two.[@b] Three.[@typo]\n",
                         "sources.yaml": "- id: a\n  title: A\n  issued: someday\n- id: b\n  title: [B, C]\n"})
    messages = [p["message"] for p in problems_of(runner, folder)]
    assert not any("unknown source @a" in m or "unknown source @b" in m for m in messages), messages
    assert any("unknown source @typo" in m for m in messages), messages  # a real mistake still shows
    assert any("title" in m for m in messages) and any("issued" in m for m in messages)


def test_an_unreadable_brief_yaml_does_not_blame_the_files_it_names(runner, make_brief):
    folder = make_brief({"brief.yaml": BRIEF + "commentary: text.md\nsummary: a: b\n",
                         "commentary.md": None, "text.md": "See [the annex](annex.pdf).\n"})
    found = problems_of(runner, folder)
    assert [(p["file"].rsplit("/", 1)[-1], p["line"]) for p in found] == [("brief.yaml", 6)]


@pytest.mark.parametrize("settings, where", [
    ("events: timeline.yaml\nsources: refs.yaml\n", ["brief.yaml:5", "brief.yaml:6"]),
    ("events: [a]\nsources: {a: b}\n", ["brief.yaml:5", "brief.yaml:6"]),
    ("commentary: [text.md]\n", ["brief.yaml:5"]),
])
def test_files_brief_yaml_names_wrongly_give_one_problem_each(runner, make_brief, settings, where):
    folder = make_brief({"brief.yaml": BRIEF + settings, "commentary.md": None,
                         "text.md": "Text.[@a]\n\n```timeline\n```\n"} if "commentary" in settings else
                        {"brief.yaml": BRIEF + settings, "commentary.md": "Text.[@a]\n\n```timeline\n```\n"})
    found = problems_of(runner, folder)
    assert [f"{p['file'].rsplit('/', 1)[-1]}:{p['line']}" for p in found] == where, found


# --- 8 (part): byte-order marks in the brief's own files ---------------------------------------------

def test_byte_order_marks_are_stripped_from_every_brief_file(runner, make_brief, tmp_path):
    bom = "\ufeff"
    folder = make_brief({
        "brief.yaml": bom + BRIEF,
        "commentary.md": bom + "# Heading\n\nText.[@reuters-2025]\n\n```chronology\n```\n",
        "sources.yaml": bom + SOURCES,
        "events.csv": bom + "date,title,sources\n2025-01-01,Talks,reuters-2025\n"})
    result, out = build(runner, folder, tmp_path)
    assert result.exit_code == 0, result.output
    text = readback.text(out)
    assert "Heading" in text and "Talks" in text and bom not in text


@pytest.mark.parametrize("name", ["brief.yaml", "commentary.md", "sources.yaml"])
def test_a_utf16_file_is_named_with_what_to_do(runner, make_brief, tmp_path, name):
    folder = make_brief({"sources.yaml": SOURCES, "commentary.md": "Text.[@reuters-2025]\n"})
    (folder / name).write_bytes((folder / name).read_text(encoding="utf-8").encode("utf-16"))
    found = problems_of(runner, folder)
    assert [(p["file"].rsplit("/", 1)[-1], p["message"]) for p in found] == [
        (name, "saved as UTF-16; save it as UTF-8")]
