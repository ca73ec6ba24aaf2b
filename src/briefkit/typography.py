"""Typography of printed text: the language's quotes, justified shaped scripts, words no line parts."""

from __future__ import annotations

import dataclasses
import functools
import re

import lxml.html
from markdown_it import MarkdownIt
from markupsafe import escape

from .models import Material, Source
from .translations import Words, words
from .worklanguages import foreign, words_of

#: Markdown-it's own marks: the body's quotes before briefkit knew the brief's language.
ENGLISH = ("“", "”", "‘", "’")
#: CSL fields that are identifiers, codes or dates rather than text a reader reads.
_VERBATIM = {"id", "type", "URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "language", "issued",
             "accessed", "citation-key", "line"}


def quotes(words: Words) -> tuple[str, str, str, str]:
    """Outer and inner quotation marks, opening and closing, from the catalogue or the style."""
    return (words.pgettext("quotation marks", "“"), words.pgettext("quotation marks", "”"),
            words.pgettext("inner quotation marks", "‘"), words.pgettext("inner quotation marks", "’"))


@functools.cache
def _parser(marks: tuple[str, ...]) -> MarkdownIt:
    # Markdown-it's "zero" preset reads everything as text; only its smartquotes rule runs, so
    # fields get exactly the quotes and apostrophes the commentary gets.
    return MarkdownIt("zero", {"typographer": True, "quotes": list(marks)}).enable("smartquotes")


def smarten(text: str, marks: tuple[str, ...] = ENGLISH) -> str:
    """Plain text with straight quotes and apostrophes made typographic; no Markdown is read."""
    if "'" not in text and '"' not in text:
        return text
    return "".join(token.content for token in _parser(marks).parseInline(text)[0].children or ())


def dress(material: Material, marks: tuple[str, ...]) -> Material:
    """The material with its plain printed fields (titles, names, groups, source fields) smartened;
    Markdown fields get the same marks from their parser, URLs and identifiers none. A source
    cited in its own language (worklanguages.foreign) gets that language's marks."""
    def text(value, marks=marks):
        return smarten(value, marks) if isinstance(value, str) else value

    def source_text(source: Source):
        tongue = foreign(source.csl(), material.brief.language or "en")
        return functools.partial(text, marks=quotes(words(words_of(tongue)))) if tongue else text

    def fields(model, names):
        return model.model_copy(update={name: text(getattr(model, name)) for name in names})

    brief = material.brief
    brief = brief.model_copy(update={
        **{name: text(getattr(brief, name)) for name in
           ("title", "subtitle", "short_title", "series", "publisher", "copyright")},
        "authors": [fields(author, ("name", "affiliation")) for author in brief.authors]})
    timeline = dataclasses.replace(
        material.timeline,
        events=tuple(fields(event, ("title", "group")) for event in material.timeline.events),
        eras=tuple(fields(era, ("title",)) for era in material.timeline.eras))
    sources = {key: _source(source, source_text(source)) for key, source in material.sources.items()}
    return dataclasses.replace(material, brief=brief, timeline=timeline, sources=sources)


def _source(source: Source, text) -> Source:
    def walk(value, key=""):
        if key in _VERBATIM:
            return value
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        return text(value)

    return Source.model_validate({**walk(source.csl()), "line": source.line})


#: Inline elements a justified line may set beside a word: emphasis, links, isolated runs.
_INLINE = ("em", "i", "strong", "b", "a", "span", "code", "cite", "q", "small", "sub", "sup", "abbr",
           "mark", "s", "u", "time", "bdi")
#: The last run of a text that is not a space: the word before an element.
_LAST_WORD = re.compile(r"\S+$")
#: A space, then a word: the word after an element.
_FIRST_WORD = re.compile(r" (\S+)")


def boundary_words(html: str, rtl: bool) -> str:
    """The word that touches an inline element on the line's right, in a span of its own.

    Where a stack starts with a face without the brief's script and scriptfaces.script_first
    cannot reorder it (a stack in a var(), on an element, led by a face the style does not
    declare), WeasyPrint sets a justified line's stretched spaces in that face and cannot widen
    them: the slack piles up at the end of a piece of text, pushing a note call off its danda
    or (right to left, where the piece runs past its end) covering the space before an italic
    Latin name. A word of its own ends the piece at a space, so the slack lands in a space:
    left to right the word before an element or a note's call ("की।⁠<bk-note"), right to left
    the word after an element and its space ("</em> در"; not after a note: its call is a
    superscript whose neighbour pdfplumber then reads into the call's line)."""
    root = parse_page(html)
    for element in list(root.iter(*_INLINE) if rtl else root.iter(*_INLINE, "bk-note")):
        if rtl and (match := _FIRST_WORD.match(element.tail or "")):
            word = _element("span", match[1], {"class": "bk-word"})
            word.tail = element.tail[match.end():]
            element.tail = " "
            element.addnext(word)
        elif not rtl:
            previous, parent = element.getprevious(), element.getparent()
            text = (parent.text if previous is None else previous.tail) or ""
            if match := _LAST_WORD.search(text):
                if previous is None:
                    parent.text = text[:match.start()]
                else:
                    previous.tail = text[:match.start()]
                element.addprevious(_element("span", match[0], {"class": "bk-word"}))
    return write_page(root)


def parse_page(html: str):
    """The page as an lxml tree. write_page writes it as lxml writes HTML, which is how briefkit's
    templates spell it: a page that was not changed comes back byte for byte."""
    return lxml.html.document_fromstring(html)


def write_page(root) -> str:
    return lxml.html.tostring(root.getroottree(), encoding="unicode")


def _element(tag: str, text: str, attributes: dict[str, str]):
    element = lxml.html.Element(tag, attributes)
    element.text = text
    return element


#: Locator terms that stay on the line of their number ("p. 7", "pp. 4–5", "No. 3", "Vol. 41",
#: "chap. 4", "§ 2"), in the languages briefkit's catalogues and the CSL locales write them.
_TERMS = (r"pp?|[Nn]os?|[Vv]ols?|chaps?|ch|secs?|paras?|nn?|figs?|arts?|cols?|bk|pts?|ll?|fol|"
          r"S|Bd|Nr|Hft|Kap|t|[сС]|[тТ]|[гГ]л|[вВ]ып|pág|págs|núm|cap")
_NUMBER = r"\d+(?:[.,]\d+)*|[ivxlcdm]+\b|[IVXLCDM]+\b"
_RANGE = rf"(?:{_NUMBER})(?:\s*[-‐‑−–]\s*(?:{_NUMBER}))?"
#: Units a number is never parted from ("5 km", "40 per cent").
_UNITS = r"km|m|cm|mm|kg|g|t|mi|ft|ha|km²|MW|GW|kW|kWh|bn|m³|°C|%|per cent|percent"
#: Elements whose text is not laid out on a line: the style sheet, scripts, the document's
#: title; and dates in <time>, which are short and read back by their element.
_UNLAID = {"style", "script", "title", "time"}
#: The style of a span that no line breaks inside.
KEEP_STYLE = {"class": "bk-keep", "style": "white-space: nowrap"}


@functools.cache
def _together(months: tuple[str, ...]) -> re.Pattern:
    month = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.])(?:(?:{_TERMS})\.|§§?|№) ?(?:{_RANGE})(?![\w])"   # p. 7, pp. 4–5, No. 3
        rf"|\b\d{{1,2}}\.? (?:{month})\b"                               # 17 April, 17. April
        rf"|\b(?:{month}) \d{{1,2}}\b(?!\d)"                            # April 17
        rf"|\b\d+(?:[.,]\d+)* (?:{_UNITS})(?![\w])"                            # 5 km
        r"|(?<![\w–])\d+–\d+(?![\w–])")                                      # 210–19, 2023–2026


def _dashed(text: str) -> str:
    """A range within a kept group with an en dash, however it was typed ("4-5", "4 ‐ 5")."""
    return re.sub(r"(\w)\s*[-‐‑−]\s*(?=\w)", r"\1–", text)


def keep_together(html: str, months: tuple[str, ...]) -> str:
    """The page with each locator and its number, each day and its month (`months`: the
    language's month names), each number and its unit, and each range of numbers ("210–19",
    "2023–2026", which may break after its dash otherwise) in a span no line breaks inside
    (white-space: nowrap, so the text reads as typed: a no-break space would reach pdftotext),
    the range of a locator with an en dash; in titles and headings a dashed compound too
    ("India–Maldives"). Running heads print their source's text alone on one line (a word
    joiner there reached pdftotext as "India–\u2060 Maldives"). Text only: tags, attributes
    and the style sheet are left as they are, as is text already kept."""
    if not html.strip():  # nothing to keep (lxml reads no document from it)
        return html
    pattern = _together(months)
    headed = re.compile(f"{_COMPOUND}|{pattern.pattern}")
    # A fragment (the landing page's citation of the brief) comes back a fragment, not wrapped
    # in a document of its own.
    fragment = not _DOCUMENT.match(html)
    root = lxml.html.fragment_fromstring(html, create_parent="div") if fragment else parse_page(html)
    for element, tail, titled in list(_laid_out(root)):
        text = element.tail if tail else element.text
        matches = list((headed if titled else pattern).finditer(text))
        if not matches:
            continue
        # The text up to the first match stays; each match becomes a span, the text after it its tail.
        starts = [match.start() for match in matches[1:]] + [len(text)]
        spans = [_element("span", _dashed(match[0]), KEEP_STYLE) for match in matches]
        for span, match, end in zip(spans, matches, starts, strict=True):
            span.tail = text[match.end():end]
        if tail:
            element.tail = text[:matches[0].start()]
            for span in reversed(spans):
                element.addnext(span)
        else:
            element.text = text[:matches[0].start()]
            for index, span in enumerate(spans):
                element.insert(index, span)
    if fragment:
        children = (lxml.html.tostring(child, encoding="unicode") for child in root)
        return str(escape(root.text or "")) + "".join(children)
    return write_page(root)


_DOCUMENT = re.compile(r"\s*(<!doctype|<html)", re.I)


#: Where a dashed compound stays whole: headings and the title's lines.
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: A compound of words (or numbers) joined by en dashes, no space: "India–Maldives", "2023–2026".
_COMPOUND = r"(?<![\w–])\w+(?:–\w+)+(?![\w–])"


def _laid_out(element, titled: bool = False):
    """(element, whether its tail, whether in a title) of each text of the page laid out on a
    line and not kept already: not in the style sheet, scripts, the title or dates."""
    tag = element.tag if isinstance(element.tag, str) else ""  # comments have no text of ours
    inner = titled or tag in _HEADINGS or (tag == "p" and element.get("class") in ("subtitle", "dek"))
    if tag not in _UNLAID and not (tag == "span" and element.get("class") == "bk-keep"):
        if tag and element.text:
            yield element, False, inner
        for child in element:
            yield from _laid_out(child, inner)
    if element.tail:
        yield element, True, titled
