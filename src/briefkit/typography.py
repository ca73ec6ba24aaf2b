"""Typography of printed text: the language's quotes, justified shaped scripts, words no line parts."""

from __future__ import annotations

import dataclasses
import functools
import re

from markdown_it import MarkdownIt

from .models import Material, Source
from .translations import Words

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
    Markdown fields get the same marks from their parser, URLs and identifiers none."""
    def text(value):
        return smarten(value, marks) if isinstance(value, str) else value

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
    sources = {key: _source(source, text) for key, source in material.sources.items()}
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
_INLINE = "em|i|strong|b|a|span|code|cite|q|small|sub|sup|abbr|mark|s|u|time|bdi"
#: The last word before an inline element or a note's call ("की।⁠<bk-note").
_BEFORE = re.compile(rf"(?<=[\s>])([^\s<>]+)(?=<(?:{_INLINE}|bk-note)\b)")
#: The first word after an inline element and its space ("</em> در"). Not after a note: its
#: call is a superscript whose neighbour pdfplumber then reads into the call's line.
_AFTER = re.compile(rf"(</(?:{_INLINE})>) ([^\s<>]+)")


def boundary_words(html: str, rtl: bool) -> str:
    """The word that touches an inline element on the line's right, in a span of its own.

    WeasyPrint justifies a piece of text by widening its spaces through Pango, which widens
    none inside Devanagari or Arabic text while the piece's width counts them: the slack
    piles up at the piece's right end, pushing a note call off its danda or (right to left,
    where the piece runs past its end) covering the space before an italic Latin name. A
    word of its own ends the piece at a space, where justification belongs: left to right
    the word before an element, right to left the word after one."""
    if rtl:
        return _AFTER.sub(r'\1 <span class="bk-word">\2</span>', html)
    return _BEFORE.sub(r'<span class="bk-word">\1</span>', html)



#: Locator terms that stay on the line of their number ("p. 7", "pp. 4–5", "No. 3", "Vol. 41",
#: "chap. 4", "§ 2"), in the languages briefkit's catalogues and the CSL locales write them.
_TERMS = (r"pp?|[Nn]os?|[Vv]ols?|chaps?|ch|secs?|paras?|nn?|figs?|arts?|cols?|bk|pts?|ll?|fol|"
          r"S|Bd|Nr|Hft|Kap|t|[сС]|[тТ]|[гГ]л|[вВ]ып|pág|págs|núm|cap")
_NUMBER = r"\d+(?:[.,]\d+)*|[ivxlcdm]+\b|[IVXLCDM]+\b"
_RANGE = rf"(?:{_NUMBER})(?:\s*[-‐‑−–]\s*(?:{_NUMBER}))?"
#: Units a number is never parted from ("5 km", "40 per cent").
_UNITS = r"km|m|cm|mm|kg|g|t|mi|ft|ha|km²|MW|GW|kW|kWh|bn|m³|°C|%|per cent|percent"
#: Tags whose text is not laid out on a line: the style sheet, scripts, the document's title;
#: and dates in <time>, which are short and read back by their element.
_SKIP = re.compile(r"<(style|script|title|time)\b.*?</\1>", re.S)
_SEGMENT = re.compile(r"(<[^>]*>)")
KEEP = '<span class="bk-keep" style="white-space: nowrap">'


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
    pattern, out, kept, titled = _together(months), [], 0, None
    headed = re.compile(f"{_COMPOUND}|{pattern.pattern}")
    for piece in _pieces(html):
        if piece.startswith("<"):
            if piece.startswith(KEEP) or (kept and piece.startswith("<span")):
                kept += 1
            elif kept and piece == "</span>":
                kept -= 1
            elif titled is None and (match := _TITLED.match(piece)):
                titled = match[1] or match[2]
            elif titled and piece == f"</{titled}>":
                titled = None
            out.append(piece)
        elif kept:
            out.append(piece)
        else:
            out.append((headed if titled else pattern).sub(lambda m: f"{KEEP}{_dashed(m[0])}</span>", piece))
    return "".join(out)


#: Where a dashed compound stays whole: headings and the title's lines.
_TITLED = re.compile(r"<(h[1-6])\b|<(p)\b[^>]*\bclass=\"(?:subtitle|dek)\"")
#: A compound of words (or numbers) joined by en dashes, no space: "India–Maldives", "2023–2026".
_COMPOUND = r"(?<![\w–])\w+(?:–\w+)+(?![\w–])"


def _pieces(html: str):
    """Tags and text of the page; the style sheet, scripts and title as one opaque piece each."""
    at = 0
    for skipped in _SKIP.finditer(html):
        yield from _SEGMENT.split(html[at:skipped.start()])
        yield skipped[0]
        at = skipped.end()
    yield from _SEGMENT.split(html[at:])
