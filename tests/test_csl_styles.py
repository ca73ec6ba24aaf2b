"""CSL styles as citation formats: the corpus's notes and bibliographies, read back from the PDF,
word for word as citeproc-js (an independent CSL processor) prints them; `check` on CSL styles."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "fixtures" / "csl-corpus"
#: The held-out corpus: other sources, item types and citation forms (prefixes, suffixes,
#: suppressed authors, narrative cites), other styles and locales (en-GB, fr-FR).
HELD_OUT = Path(__file__).parent / "fixtures" / "csl-corpus-2"
SOURCES = yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))
SEQUENCE = yaml.safe_load((CORPUS / "sequence.yaml").read_text(encoding="utf-8"))
#: How commentary.md writes a locator of each label (Pandoc's syntax, the English terms).
WRITTEN = {"page": ("p.", "pp."), "chapter": ("chap.", "chaps."), "section": ("sec.", "secs.")}
#: The brief's language for a CSL locale.
LANGUAGE = {"fr-FR": "fr"}


def _runs() -> dict[str, dict]:
    """Each run of each corpus: {name: {corpus, style, locale, class, citations, authors, bibliography}}."""
    runs = {}
    for corpus in (CORPUS, HELD_OUT):
        expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
        assert expected["processor"].startswith("citeproc-js")
        runs.update({name: {**result, "corpus": corpus} for name, result in expected["runs"].items()})
    return runs


RUNS = _runs()

#: Where briefkit (Pandoc's citeproc) and citeproc-js differ, each for a reason found in the
#: processors, not in briefkit: {(run, "note", "author" or "entry", index): why}.
SUBSTITUTE = ("citeproc-js leaves out a variable the style's cs:substitute printed (the date inside "
              "\"(Oxford University Press, 2020)\") for the rest of the citation, as CSL 1.0.2 says of "
              "substituted variables; Pandoc's citeproc suppresses only the name variable, so the date "
              "is printed twice")
KNOWN = {
    ("chicago-notes-bibliography", "note", 19): SUBSTITUTE,
    ("oscola", "note", 2): "citeproc-js drops the period of the name suffix (Jr.) before OSCOLA's "
                           "comma; Pandoc's citeproc keeps Jr.",
    ("oscola@en-GB", "author", 17): "citeproc-js drops the period of the name suffix (Jr.) in OSCOLA; "
                                    "Pandoc's citeproc keeps Jr.",
    ("harvard-cite-them-right", "entry", 14): "Pandoc's citeproc omits the term 'vol' after "
                                              "number-of-volumes: CSL prints a label only for a "
                                              "variable that is set, and volume is not",
    ("chicago-notes-bibliography@en-US", "note", 12):
        "a title ending in '?' before a comma: citeproc-js prints '?,”', Pandoc's citeproc drops "
        "the comma ('?”')",
    ("oscola@en-GB", "author", 36): "citeproc-js's author-only form of a subsequent OSCOLA cite keeps "
                                    "the style's '(n)' of the cross-reference: 'Clausewitz (n)'",
    ("oscola@en-GB", "note", 36): "Pandoc's citeproc capitalises a note that opens with OSCOLA's "
                                  "cross-reference: '(N 1)'",
    **{(run, kind, index): "Pandoc's citeproc reads '107‑40', joined by French's non-breaking hyphen, "
                           "as one number, and leaves the superscript term 'nᵒ' uncapitalised: 'no 107‑40' "
                           "where citeproc-js prints 'Nᵒˢ 107‑40'"
       for run, kind, index in (("chicago-notes-bibliography@fr-FR", "note", 7), ("apa@fr-FR", "entry", 5))},
    ("harvard-cite-them-right@en-GB", "note", 3): "Pandoc's citeproc never sorts cites across a "
                                                  "prefix ('also'); citeproc-js sorts them by year",
    **{(run, "entry", 16): "a patent number with commas (US 10,123,456 B2): Pandoc's citeproc reads "
                           "several numbers and prints 'Nos.' ('nᵒˢ' in French), citeproc-js one"
       for run in ("apa@en-US", "apa@fr-FR")},
}


def _locator(cite: dict) -> str:
    if cite.get("written"):
        return cite["written"]
    if not cite.get("locator"):
        return ""
    one, many = WRITTEN[cite.get("label", "page")]
    return f"{many if '-' in cite['locator'] else one} {cite['locator']}"


def _cite(cite: dict) -> str:
    """A cite in Pandoc's syntax: "see @a, p. 3, for details", "-@a, 58"."""
    locator = f", {_locator(cite)}" if _locator(cite) else ""
    prefix = f"{cite['prefix']} " if cite.get("prefix") else ""
    return f"{prefix}{'-' if cite.get('suppress') else ''}@{cite['id']}{locator}{cite.get('suffix', '')}"


def commentary(sequence: list) -> str:
    """One paragraph per citation, numbered, so an in-text citation is found by its claim; a
    narrative cite reads "Claim number 10 by @a [p. 3]."."""
    def claim(n: int, group: list) -> str:
        if group[0].get("narrative"):
            after = (_locator(group[0]) + group[0].get("suffix", "")).lstrip(", ")
            return f"Claim number {n} by @{group[0]['id']}{f' [{after}]' if after else ''}."
        return f"Claim number {n}[{'; '.join(_cite(c) for c in group)}]."

    return "\n\n".join(claim(n, group) for n, group in enumerate(sequence, start=1)) + "\n"


def _brief(folder: Path, citation_format: str, language: str = "en-US", corpus: Path = CORPUS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.yaml").write_text(
        f"title: CSL Corpus\ndate: 2026-02-01\nlanguage: {language}\ncitation_format: {citation_format}\n"
        "authors:\n  - name: Test Desk\n", encoding="utf-8")
    sequence = yaml.safe_load((corpus / "sequence.yaml").read_text(encoding="utf-8"))
    (folder / "commentary.md").write_text(commentary(sequence), encoding="utf-8")
    shutil.copy(corpus / "sources.yaml", folder / "sources.yaml")


class _Italics(HTMLParser):
    """Text and, per character, whether it is italic, from citeproc-js's HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.italic, self.stack = [], [], [False]

    def handle_starttag(self, tag, attrs):
        style = dict(attrs).get("style") or ""
        italic = {"i": True, "em": True}.get(tag, self.stack[-1])
        italic = True if "font-style:italic" in style else False if "font-style:normal" in style else italic
        self.stack.append(italic)

    def handle_endtag(self, tag):
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        for char in data:
            if not char.isspace():
                self.text.append(char)
                self.italic.append(self.stack[-1])


def expected_runs(markup: str) -> tuple[str, str]:
    """(text without whitespace, its italic characters in order). A non-breaking hyphen (French
    ranges, "41‑42") is the hyphen briefkit keeps unbroken: the text faces have no U+2011 glyph."""
    parser = _Italics()
    parser.feed(markup.replace("\u2011", "\u2010"))
    return "".join(parser.text), "".join(c for c, i in zip(parser.text, parser.italic, strict=True) if i)


def read_pdf(pdf: Path) -> dict:
    """From the PDF's characters: the notes (Source Serif of 8 pt, or smaller where superscript,
    after an "N." marker in 8 pt semibold sans), the body's paragraphs (10.5 pt), and the
    reference list (after its heading, in the brief's language), each as text without whitespace
    with its italic characters (fonts named ...Italic, or ...Oblique when slanted)."""
    import pdfplumber

    notes, body, references, heading, current = {}, [], [], "", None
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            marker, current = "", None  # the running head is no note's continuation
            for char in _reading_order(page.chars):
                font, size, text = char["fontname"], char["size"], char["text"]
                if text.isspace():
                    continue
                if "Semi-Bold" in font and abs(size - 8) < 0.1:
                    marker += text
                    if marker.endswith(".") and marker[:-1].isdigit():
                        current = notes.setdefault(int(marker[:-1]), {"text": "", "italic": ""})
                        marker = ""
                    continue
                if "Serif" in font and 4 < size < 8.1 and current is not None:
                    current["text"] += text
                    current["italic"] += text if _italic(font) else ""
                elif "Bold" in font and size > 12:  # a heading: "References" starts the list
                    heading += text
                elif heading.endswith(("References", "Références")) and "Serif" in font and 4 < size < 11:
                    references.append((text, _italic(font)))  # with its superscripts ("2e éd.")
                elif "Serif" in font and 8.5 < size < 11:
                    body.append((text, _italic(font)))
    return {"notes": notes, "body": "".join(c for c, _ in body),
            "body_italic": "".join(("1" if i else "0") * len(c) for c, i in body),
            "references": "".join(c for c, _ in references),
            # a ligature's one glyph reads as "fi": a flag for each of its characters
            "references_italic": "".join(("1" if i else "0") * len(c) for c, i in references)}


def _reading_order(chars: list[dict]) -> list[dict]:
    """Characters line by line, left to right; a superscript (smaller, raised: the "e" of French
    "2<sup>e</sup>") in the line its foot stands in, not one of its own above it."""
    import bisect

    rows: dict[int, list[dict]] = {}
    for char in chars:
        if char["size"] >= 7.5:
            rows.setdefault(round(char["top"]), []).append(char)
    tops = sorted(rows)
    for char in chars:
        if char["size"] < 7.5:
            at = bisect.bisect_right(tops, char["bottom"] - 1) - 1
            rows.setdefault(tops[at] if at >= 0 else round(char["top"]), []).append(char)
    return [char for top in sorted(rows) for char in sorted(rows[top], key=lambda c: c["x0"])]


def _italic(font: str) -> bool:
    """An italic face, or the slanted upright one where the face has no italic (Cyrillic)."""
    return "Italic" in font or "Oblique" in font


def in_text_citations(body: str, flags: str) -> dict[int, tuple[str, str]]:
    """"Claimnumber3(King1964,12–14)." -> {3: ("(King1964,12–14)", its italic characters)}; a
    narrative claim, "Claimnumber10byYousafzai(2021).", gives what follows "by"."""
    found = {}
    for match in re.finditer(r"Claimnumber(\d+)(?:by)?(.*?)\.(?=Claimnumber|$)", body):
        marks = flags[match.start(2):match.end(2)]
        italic = "".join(c for c, f in zip(match[2], marks, strict=True) if f == "1")
        found[int(match[1])] = (match[2], italic)
    return found


@pytest.fixture(scope="module")
def built(shared, runner):
    """run name -> what its PDF of its corpus says; each built once for the whole run."""
    from support import run

    def get(name: str) -> dict:
        spec = RUNS[name]

        def make(out: Path) -> None:
            _brief(out / "brief", spec["style"], LANGUAGE.get(spec["locale"], spec["locale"]), spec["corpus"])
            result = run(runner, "build", str(out / "brief"), "-o", str(out / "corpus.pdf"))
            assert result.exit_code == 0, result.output
            (out / "read.json").write_text(json.dumps(read_pdf(out / "corpus.pdf")), encoding="utf-8")

        folder = shared(f"csl-{name.replace('@', '-')}", make)
        data = json.loads((folder / "read.json").read_text(encoding="utf-8"))
        data["notes"] = {int(k): v for k, v in data["notes"].items()}
        return data

    return get


#: The runs `-m "not slow"` checks: a note style, an author-date one, and a locale other than US
#: English; the full run checks every run of both corpora.
QUICK = {"chicago-notes-bibliography", "apa", "chicago-notes-bibliography@fr-FR"}


def _cases(kind: str):
    for name, result in RUNS.items():
        if kind == "entry" and result["class"] == "note":
            continue
        if kind == "author":
            indexes = [int(i) for i in result["authors"]]
        else:
            indexes = range(len(result["citations"] if kind == "note" else result["bibliography"]))
        for index in indexes:
            why = KNOWN.get((name, kind, index))
            marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
            if name not in QUICK:
                marks.append(pytest.mark.slow)
            yield pytest.param(name, index, id=f"{name}-{index + 1}", marks=marks)


def test_the_corpus_is_what_issue_25_asks_for():
    """At least 30 sources of 14 item types, the name forms, and a sequence with repeats, ibid,
    multi-cites and locators, under three note styles and two author-date ones."""
    for corpus in (CORPUS, HELD_OUT):
        sources = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
        sequence = yaml.safe_load((corpus / "sequence.yaml").read_text(encoding="utf-8"))
        assert len(sources) >= 30 and len({s["type"] for s in sources}) >= 14
        names = [n for s in sources for key in ("author", "editor", "translator") for n in s.get(key, [])]
        for part in ("non-dropping-particle", "dropping-particle", "suffix", "literal"):
            assert any(part in n for n in names), part
        ids = [c["id"] for group in sequence for c in group]
        assert any(a == b for a, b in zip(ids, ids[1:], strict=False))  # ibid
        assert any(len(group) > 1 for group in sequence)
        assert any(c.get("locator") for group in sequence for c in group)
        assert len(set(ids)) < len(ids) and set(ids) == {s["id"] for s in sources}
    classes = [r["class"] for r in RUNS.values()]
    assert classes.count("note") >= 3 and classes.count("in-text") >= 2


def test_the_held_out_corpus_has_the_kinds_and_forms_the_first_lacks():
    """Other item types, Pandoc's citation forms, and locales other than US English."""
    sources = yaml.safe_load((HELD_OUT / "sources.yaml").read_text(encoding="utf-8"))
    cites = [c for group in yaml.safe_load((HELD_OUT / "sequence.yaml").read_text(encoding="utf-8"))
             for c in group]
    assert {"legal_case", "legislation", "map", "patent", "post-weblog", "motion_picture",
            "entry-encyclopedia", "thesis", "chapter"} <= {s["type"] for s in sources}
    assert {s.get("language") for s in sources} >= {"de", "es", "fr", "fa"}
    for form in ("prefix", "suffix", "suppress", "narrative", "written"):
        assert any(c.get(form) for c in cites), form
    assert {RUNS[name]["locale"] for name in RUNS} >= {"en-US", "en-GB", "fr-FR"}


@pytest.mark.parametrize("name, index", list(_cases("note")))
def test_each_citation_matches_citeproc_js_word_for_word_with_its_italics(built, name, index):
    result = RUNS[name]
    want_text, want_italic = expected_runs(result["citations"][index])
    data = built(name)
    if result["class"] == "note":
        note = data["notes"].get(index + 1, {"text": "", "italic": ""})
        got_text, got_italic = note["text"], note["italic"]
    else:
        got_text, got_italic = in_text_citations(data["body"], data["body_italic"]).get(index + 1, ("", ""))
    assert got_text == want_text
    assert got_italic == want_italic


@pytest.mark.parametrize("name, index", list(_cases("author")))
def test_a_narrative_cite_s_author_in_the_text_matches_citeproc_js(built, name, index):
    """A note style's `@a [p. 3]`: the author in the text (citeproc-js's author-only form); its
    note, without the author, is checked with the others."""
    want_text, want_italic = expected_runs(RUNS[name]["authors"][str(index)])
    data = built(name)
    assert in_text_citations(data["body"], data["body_italic"]).get(index + 1) == (want_text, want_italic)


@pytest.mark.parametrize("name, index", list(_cases("entry")))
def test_each_bibliography_entry_matches_citeproc_js(built, name, index):
    """The entry, with its italics, after the entry before it (the style's order)."""
    entries = [expected_runs(entry) for entry in RUNS[name]["bibliography"]]
    data = built(name)
    references, text = data["references"], entries[index][0]
    assert text in references
    at = references.index(text)
    if index and entries[index - 1][0] in references:
        assert at > references.index(entries[index - 1][0])
    flags = data["references_italic"][at:at + len(text)]
    assert "".join(c for c, flag in zip(text, flags, strict=True) if flag == "1") == entries[index][1]


# --- CSL styles in briefs: where they come from, what `check` says, the brief's language ----------

NEALE = """\
- id: neale
  type: article-magazine
  title: Remembering the Saur Revolution
  author: [{family: Neale, given: Jonathan}]
  container-title: Jacobin
  issued: 2018-05-15
- id: gaulle
  type: book
  title: The Complete War Memoirs
  author: [{family: Gaulle, given: Charles, non-dropping-particle: de}]
  translator: [{family: Griffin, given: Jonathan}]
  publisher: Simon & Schuster
  issued: 1998
"""


def _styled(make_brief, style_yaml: str, commentary: str = "A claim.[@neale]\n\nAgain.[@neale, p. 3]\n",
            brief_extra: str = "", files: dict | None = None):
    from support import MINIMAL, write_style

    brief = textwrap.dedent(MINIMAL["brief.yaml"]).replace("authors:", f"style: house\n{brief_extra}authors:")
    folder = make_brief({"brief.yaml": brief, "sources.yaml": NEALE, "commentary.md": commentary})
    style = write_style(folder / "styles", "house", style_yaml)
    for name, text in (files or {}).items():
        (folder / "styles" / "house" / name).write_text(text, encoding="utf-8")
    return folder, style


def _notes(folder) -> list[str]:
    from support import html_of, text_of

    page = html_of(folder)
    assert "\ue000" not in page  # every stand-in was formatted
    notes = re.findall(r'<bk-note class="footnote"[^>]*>(.*?)</bk-note>', page)
    return [" ".join(text_of(note).split()) for note in notes]


def _repository_style(name: str) -> str:
    from briefkit import cslstyles

    return (cslstyles.repository() / f"{name}.csl").read_text(encoding="utf-8")


def test_a_csl_file_in_the_style_folder_formats_the_notes_with_ibid(make_brief):
    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: house.csl\n",
                        files={"house.csl": _repository_style("oscola")})
    assert _notes(folder) == ["Jonathan Neale, ‘Remembering the Saur Revolution’ [2018] Jacobin.",
                              "ibid 3."]


def test_the_brief_s_citation_format_wins_over_the_style_s(make_brief):
    from support import html_of, text_of

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: author-date\n",
                        brief_extra="citation_format: apa\n")
    text = " ".join(text_of(html_of(folder)).split())
    assert "A claim (Neale, 2018)." in text and "Again (Neale, 2018, p. 3)." in text
    assert "Neale, J. (2018, May 15). Remembering the Saur Revolution. Jacobin." in text  # the reference list


def test_the_built_in_formats_are_the_templates_still(make_brief):
    folder, _ = _styled(make_brief, "extends: think-tank\n")
    assert _notes(folder)[0] == "Jonathan Neale, “Remembering the Saur Revolution”, Jacobin, 15 May 2018."


def test_a_citation_inside_a_note_is_part_of_its_sentence_and_counts_for_ibid(make_brief):
    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n",
                        commentary="A claim.[^n]\n\nAgain.[@gaulle, p. 4][^m]\n\n"
                                   "[^n]: See [@gaulle, p. 3] for the memoirs.\n[^m]: A note of its own.\n")
    assert _notes(folder) == [
        "See Charles de Gaulle, The Complete War Memoirs, trans. Jonathan Griffin (Simon & Schuster, "
        "1998), 3 for the memoirs.",
        "de Gaulle, The Complete War Memoirs, 4.", "A note of its own."]


@pytest.mark.parametrize("language, words", [
    ("fr", ["trad. par Jonathan Griffin", "chap. 2."]),
    ("ru", ["пер. Jonathan Griffin", "гл. 2."]),
])
def test_the_csl_locale_follows_the_brief_s_language(make_brief, language, words):
    """Terms and dates in the brief's language; a locator written "chap. 2" read in any language."""
    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n",
                        commentary="A claim.[@gaulle, p. 3]\n\nAgain.[@gaulle, chap. 2]\n",
                        brief_extra=f"language: {language}\n")
    text = " ".join(_notes(folder))
    for word in words:
        assert word in text, text


def test_an_unknown_style_id_is_an_error_with_the_closest_id(make_brief, runner):
    from support import check_finds

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliograpy\n")
    check_finds(runner, folder, "style.yaml:2: citation_format 'chicago-notes-bibliograpy' is not a citation "
                "template nor the id of a style", "did you mean 'chicago-notes-bibliography'?")


def test_an_unknown_style_id_in_brief_yaml_is_named_at_its_line(make_brief, runner):
    from support import check_finds

    folder, _ = _styled(make_brief, "extends: think-tank\n", brief_extra="citation_format: apaa\n")
    check_finds(runner, folder, "brief.yaml:4: citation_format 'apaa'", "did you mean 'apa'?")


@pytest.mark.parametrize("text, says", [
    ("<style><citation>", "house.csl:1: not well-formed XML"),
    ('<?xml version="1.0"?>\n<html/>\n', "house.csl:1: not a CSL style (its root element is <html>"),
    ('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">\n'
     "  <citation><layout><text variable=\"titel\"/></layout></citation>\n</style>\n",
     "house.csl:2: not valid CSL 1.0"),
])
def test_a_csl_file_that_is_not_csl_is_an_error_naming_the_file(make_brief, runner, text, says):
    from support import check_finds

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: house.csl\n",
                        files={"house.csl": text})
    check_finds(runner, folder, says, "named at ")


def test_a_csl_file_outside_the_style_folder_is_refused(make_brief, runner):
    from support import check_finds

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: ../../house.csl\n")
    (folder / "house.csl").write_text(_repository_style("apa"), encoding="utf-8")
    check_finds(runner, folder,
                "style.yaml:2: citation_format '../../house.csl' lies outside the folders it is read from",
                "copy the .csl file into " + str(folder / "styles" / "house"))


def test_a_chronology_row_s_own_note_is_in_the_brief_s_style(make_brief):
    """A row whose source has no note yet gets one, formatted by the CSL style like any other."""
    from support import MINIMAL, html_of, text_of

    brief = textwrap.dedent(MINIMAL["brief.yaml"]).replace(
        "authors:", "citation_format: oscola\nevents: events.yaml\nauthors:")
    folder = make_brief({"brief.yaml": brief, "sources.yaml": NEALE, "commentary.md": "```chronology\n```\n",
                         "events.yaml": "events:\n  - date: 2018-05-15\n    title: Remembered\n"
                                        "    sources: [neale]\n"})
    text = " ".join(text_of(html_of(folder)).split())
    assert "Remembered\u2060Jonathan Neale, ‘Remembering the Saur Revolution’ [2018] Jacobin." in text


def test_without_the_csl_extra_a_csl_style_says_what_to_install(make_brief, monkeypatch):
    import sys

    from briefkit import cslstyles
    from briefkit.errors import StyleError

    folder, _ = _styled(make_brief, "extends: think-tank\n", brief_extra="citation_format: oscola\n")
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # Pandoc not installed: importing it fails
    with pytest.raises(StyleError, match=r'formatted by Pandoc.*pip install "briefkit\[csl\]"'):
        _notes(folder)
    monkeypatch.setattr(cslstyles, "repository", lambda: None)  # nor the styles
    with pytest.raises(StyleError, match=r"brief.yaml:4: citation_format 'oscola' is neither a citation "
                                         r'template .* pip install "briefkit\[csl\]"'):
        _notes(folder)


@pytest.mark.slow  # a full build of the sample; the corpus runs check CSL notes quickly
def test_the_sample_in_a_csl_note_style_keeps_every_note_on_its_call_s_page(tmp_path, runner):
    """The chronology's own notes (rows whose earlier note is on another page) are the style's too:
    every note is Chicago's ("Title," inside the quotation marks), none the template's ("Title",)."""
    import readback
    from support import SAMPLE_NOTES, copy_sample, run

    folder = copy_sample(tmp_path, "sample")
    with (folder / "brief.yaml").open("a", encoding="utf-8") as brief:
        brief.write("citation_format: chicago-notes-bibliography\n")
    result = run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 0, result.output
    assert readback.notes(tmp_path / "out.pdf").off_page() == []
    notes = read_pdf(tmp_path / "out.pdf")["notes"]
    assert sorted(notes) == list(range(1, SAMPLE_NOTES + 1))
    quoted = [n for n, note in notes.items() if "”" in note["text"]]
    assert len(quoted) > SAMPLE_NOTES // 2
    assert [n for n in quoted if "”," in notes[n]["text"]] == []


def test_a_short_title_given_is_the_one_subsequent_notes_use(make_brief):
    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n")
    sources = folder / "sources.yaml"
    sources.write_text(sources.read_text().replace("  container-title: Jacobin\n",
                                                   "  container-title: Jacobin\n  short_title: Saur\n"))
    assert _notes(folder)[1] == "Neale, “Saur,” 3."


def test_a_numeric_style_numbers_the_text_and_the_reference_list(make_brief):
    from support import html_of, text_of

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: ieee\n")
    page = html_of(folder)
    text = " ".join(text_of(page).split())
    assert "A claim [1]. Again [1, p. 3]." in text
    entry = re.search(r'<li class="reference">(.*?)</li>', page, re.S)[1]
    assert "<div" not in entry
    assert text_of(entry).startswith("[1] J. Neale, “Remembering the Saur Revolution,”")


def test_a_language_without_a_csl_locale_is_told_and_gets_us_english(caplog):
    from briefkit.cslstyles import csl_locale

    assert csl_locale("prs") == "fa-AF"  # Dari: the Afghan variety of Persian, as for dates
    assert csl_locale("ru") == "ru" and csl_locale("en-GB") == "en-GB"
    with caplog.at_level("WARNING", logger="briefkit"):
        assert csl_locale("xx-test") == "en-US"
    assert "'xx-test' has no CSL locale" in caplog.text


def test_native_digits_reach_the_csl_notes_but_not_their_addresses(make_brief):
    from support import html_of

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n",
                        brief_extra="language: fa\ndigits: native\n")
    sources = folder / "sources.yaml"
    # a work in the brief's language (one in another script keeps its digits: test_work_languages.py)
    sources.write_text(sources.read_text().replace(
        "  container-title: Jacobin\n",
        "  container-title: Jacobin\n  URL: https://example.org/saur-2018\n  language: fa\n"))
    first = _notes(folder)[0]
    assert "۲۰۱۸" in first and "2018" not in first.replace("saur-2018", "")
    assert 'href="https://example.org/saur-2018">https://example.org/saur-2018</a>' in html_of(folder)


def test_a_brief_s_own_csl_file_is_read_from_the_brief_folder_only(make_brief, runner):
    from support import check_finds

    folder, _ = _styled(make_brief, "extends: think-tank\n", brief_extra="citation_format: house.csl\n")
    (folder / "house.csl").write_text(_repository_style("oscola"), encoding="utf-8")
    assert _notes(folder)[1] == "ibid 3."
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text().replace("citation_format: house.csl", "citation_format: ../house.csl"))
    check_finds(runner, folder, "brief.yaml:4: citation_format '../house.csl' lies outside")


# --- Pandoc's citation syntax: prefixes, suffixes, suppressed authors, narrative citations -------

SYNTAX = ("As @gaulle [p. 3] writes, France fell.[@gaulle, p. 4]\n\n"
          "It did.[see @neale, pp. 4-6, for details]\n\nAgain.[-@gaulle, 515]\n\n"
          "Mail me@example.org or @nytimes.\n")


def test_a_note_style_takes_prefixes_suffixes_suppressed_and_narrative_cites(make_brief):
    from support import html_of, text_of

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n",
                        commentary=SYNTAX)
    assert _notes(folder) == [
        "The Complete War Memoirs, trans. Jonathan Griffin (Simon & Schuster, 1998), 3.",
        "de Gaulle, The Complete War Memoirs, 4.",  # Chicago 18 drops ibid; Pandoc gives the same
        # the prefix as written, as citeproc-js prints it (Pandoc would capitalise it)
        "see Jonathan Neale, “Remembering the Saur Revolution,” Jacobin, May 15, 2018, 4–6, for details.",
        "The Complete War Memoirs, 515."]
    page = re.sub(r"<bk-note.*?</bk-note>", "", html_of(folder), flags=re.S)  # the text without its notes
    text = " ".join(text_of(page).split()).replace("\u2060", "")
    assert "As Charles de Gaulle writes" in text
    assert "Mail me@example.org or @nytimes." in text


def test_an_in_text_style_takes_prefixes_suffixes_suppressed_and_narrative_cites(make_brief):
    from support import html_of, text_of

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: apa\n", commentary=SYNTAX)
    text = " ".join(text_of(html_of(folder)).split())
    assert "As de Gaulle (1998, p. 3) writes, France fell (de Gaulle, 1998, p. 4)." in text
    assert "It did (see Neale, 2018, pp. 4–6, for details)." in text
    assert "Again (1998, p. 515)." in text  # a bare number is a page


# --- check: an item the style cannot format fully -------------------------------------------------

INCOMPLETE = NEALE + """\
- id: memoir
  type: book
  title: A Memoir Without a Publisher
  author: [{family: Smith, given: Ann}]
  issued: 2001
- id: paper
  type: article-journal
  title: An Article Without a Journal
  author: [{family: Jones, given: Bo}]
  issued: 2019
"""


def test_an_item_the_style_cannot_format_fully_is_a_warning_at_its_line_in_check_and_build(
        make_brief, runner, tmp_path):
    from support import run

    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: chicago-notes-bibliography\n",
                        commentary="A.[@neale]\n\nB.[@gaulle]\n\nC.[@memoir]\n\nD.[@paper]\n")
    (folder / "sources.yaml").write_text(INCOMPLETE, encoding="utf-8")
    lines = INCOMPLETE.splitlines()
    memoir, paper = lines.index("- id: memoir") + 1, lines.index("- id: paper") + 1
    result = run(runner, "check", str(folder))
    assert result.exit_code == 0, result.output
    assert f"warning: {folder / 'sources.yaml'}:{memoir}: source 'memoir' (book) has no publisher, " \
           "which chicago-notes-bibliography prints" in result.output
    assert f"sources.yaml:{paper}: source 'paper' (article-journal) has no container-title" in result.output
    assert "'neale'" not in result.output and "'gaulle'" not in result.output  # complete items
    built = run(runner, "build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert built.exit_code == 0 and f"sources.yaml:{memoir}: source 'memoir' (book) has no publisher" \
        in built.output, built.output


def test_a_style_that_never_prints_a_variable_does_not_ask_for_it(make_brief, runner):
    from support import run

    style = re.sub(r'variable="[^"]*"', lambda m: re.sub(r"(?<![-\w])publisher(?![-\w])", "note", m[0]),
                   _repository_style("chicago-notes-bibliography"))  # prints no publisher at all
    folder, _ = _styled(make_brief, "extends: think-tank\ncitation_format: house.csl\n",
                        commentary="C.[@memoir]\n", files={"house.csl": style})
    (folder / "sources.yaml").write_text(INCOMPLETE, encoding="utf-8")
    result = run(runner, "check", str(folder))
    assert result.exit_code == 0 and "has no publisher" not in result.output, result.output


def test_two_narrative_cites_in_one_sentence_are_two_citations_as_pandoc_reads_them(make_brief):
    """`@a and @b [p. 3]`: each author in the text; in a note style each its own note."""
    from support import html_of, text_of

    commentary = "As @gaulle and @neale [p. 3] argue, it failed.\n"
    folder, style = _styled(make_brief, "extends: think-tank\ncitation_format: apa\n", commentary=commentary)
    text = " ".join(text_of(html_of(folder)).split())
    assert "As de Gaulle (1998) and Neale (2018, p. 3) argue, it failed." in text
    (style / "style.yaml").write_text("extends: think-tank\ncitation_format: chicago-notes-bibliography\n")
    page = html_of(folder)
    text = text_of(re.sub(r"<bk-note.*?</bk-note>", "", page, flags=re.S)).replace("\u2060", "")
    text = " ".join(text.split())
    assert "As Charles de Gaulle and Jonathan Neale argue, it failed." in text
    assert _notes(folder) == ["The Complete War Memoirs, trans. Jonathan Griffin (Simon & Schuster, 1998).",
                              "“Remembering the Saur Revolution,” Jacobin, May 15, 2018, 3."]


def test_the_locale_s_terms_are_the_csl_locales_repository_s_not_pandoc_s_older_copy(make_brief):
    """German APA: "Audioaufnahme" (the CSL locales' term, as citeproc-js prints it), where
    Pandoc's bundled de-DE locale has none and would print the English "Audio recording"; the
    style's own terms for the language still win (Chicago's English "under" for sub verbo)."""
    from support import html_of, text_of

    folder, style = _styled(make_brief, "extends: think-tank\ncitation_format: apa\n",
                            commentary="A song.[@song]\n", brief_extra="language: de\n")
    (folder / "sources.yaml").write_text(
        "- id: song\n  type: song\n  title: Watan\n  author: [{family: Sarahang, given: Mohammad}]\n"
        "  container-title: Classical Ghazals\n  publisher: Afghan Music Archive\n  issued: 1975\n")
    assert "Watan [Audioaufnahme]." in " ".join(text_of(html_of(folder)).split())
    from briefkit import cslstyles
    from briefkit.csllocale import style_text

    chicago = cslstyles.repository() / "chicago-notes-bibliography.csl"
    added = style_text(chicago, "en-US").split('<locale xml:lang="en-US">')[1].split("</locale>")[0]
    assert 'name="sub-verbo"' not in added and 'name="editor"' in added
