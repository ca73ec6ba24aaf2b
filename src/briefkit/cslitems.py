"""Sources as the CSL processor reads them: CSL-JSON, with the words English title case keeps lowercase."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import dates
from .models import Source

#: Words English title case leaves lowercase inside a title (Chicago 8.159: articles,
#: conjunctions and every preposition, whatever its length), as citeproc-js (Zotero's processor)
#: lists them. Pandoc's citeproc knows only the CSL specification's shorter list and would print
#: "Evacuated from Kabul Amid Security Concerns".
LOWERCASE = frozenset("""
a about above across afore after against al along alongside amid amidst among amongst an and anenst
apropos apud around as aside astride at athwart atop barring before behind below beneath beside besides
between beyond but by c ca circa d' de despite down during et except for forenenst from given in inside
into lest like modulo near next nor notwithstanding of off on onto or out over per plus pro qua sans since
so than the through thru throughout thruout till to toward towards under underneath until unto up upon v
v. versus via vis-à-vis von van vs vs. with within without yet""".split())
#: Two-word prepositions kept lowercase as a whole ("instead of", "prior to").
PHRASES = frozenset(tuple(p.split()) for p in (
    "according to", "ahead of", "apart from", "as for", "as of", "as per", "as regards", "aside from",
    "back to", "because of", "close to", "due to", "except for", "far from", "inside of", "instead of",
    "near to", "next to", "on to", "out from", "out of", "outside of", "prior to", "pursuant to",
    "rather than", "regardless of", "such as", "that of", "up to", "where as"))
#: A word, with the text before it; a title's first word and a subtitle's (after : ? ! .) are capitalised.
_WORD = re.compile(r"(\S+)(\s*)")
_NOCASE = '<span class="nocase">{}</span>'
#: A number variable that is a range of two numbers ("107-40", issue "3-4").
_NUMBER_RANGE = re.compile(r"^(\d+)\s*[-‐–]\s*(\d+)$")


def csl_json(source: Source, dash: str = "–") -> dict[str, Any]:
    """A source as CSL-JSON: dates as date-parts, numbers as text, `short_title` as title-short,
    an English item's lowercase prepositions protected from the processor's title case, and a
    number variable's range joined by `dash` (the locale's page-range-delimiter): CSL processors
    do so for every number variable (citeproc-js), Pandoc's citeproc for pages only."""
    from .csl import schema

    data, kinds = source.csl(), schema()
    item = {key: value for key, value in data.items() if key != "short_title"}
    for key, value in item.items():
        if isinstance(value, (dt.date, str, int)) and key in kinds["dates"]:
            item[key] = dates.csl_json(value) or {"literal": str(value)}
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            item[key] = str(value)
        elif key in kinds["numbers"] and key != "page" and isinstance(value, str) \
                and (match := _NUMBER_RANGE.match(value.strip())):
            item[key] = f"{match[1]}{dash}{match[2]}"
    short = data.get("short_title") or item.pop("shortTitle", None)
    if short and "title-short" not in item:
        item["title-short"] = short
    if str(item.get("language") or "en").lower().startswith("en"):  # CSL title-cases English only
        for key in kinds["titles"] & item.keys():
            if isinstance(item[key], str):
                item[key] = keep_lowercase(item[key])
    for key in kinds["names"] & item.keys():
        if isinstance(item[key], list):
            item[key] = [_spaced(name) if isinstance(name, dict) else name for name in item[key]]
    return item


#: Marks a name the processor must write with spaces, given name first (Pandoc and citeproc-js
#: take a name with any character of their "romanesque" list for one; POP DIRECTIONAL
#: FORMATTING is among them, and without an embedding does nothing): removed from what they
#: return. Twice, so that one a source's own text closes an embedding with stays.
SPACED = "\u202c\u202c"
#: Scripts whose names are written family name first with no space, as the processors do.
_UNSPACED = {"Hani", "Hira", "Kana", "Hang", "Bopo", "Yiii"}


def _spaced(name: dict[str, Any]) -> dict[str, Any]:
    """A name in a script the processors do not count as romanesque (Devanagari, Bengali,
    Tamil...), marked SPACED: they would print "नीलजोनाथन" for Jonathan Neale (नील, जोनाथन),
    the CJK order, where Hindi writes "जोनाथन नील"."""
    from fontTools import unicodedata as ucd

    family = name.get("family")
    if not isinstance(family, str) or any(_ROMANESQUE.match(char) for char in family):
        return name
    scripts = {ucd.script(char) for char in family if char.isalpha()}
    if not scripts or scripts & _UNSPACED:
        return name
    return {**name, "family": family + SPACED}


#: citeproc-js's ROMANESQUE_REGEXP, which Pandoc's citeproc copies (isByzantineChar).
_ROMANESQUE = re.compile("[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4"
                         "\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c-\u200e\u2018\u2019\u021a\u021b"
                         "\u202a-\u202e]")


def keep_lowercase(title: str) -> str:
    """The title with each lowercase preposition, article or conjunction that is not the first word
    of the title or of a subtitle in a `nocase` span (CSL-JSON's markup)."""
    if "<" in title:  # already marked up by its author: left as written
        return title
    words = _WORD.findall(title)
    keep = [False] * len(words)
    for index, (word, _) in enumerate(words):
        starts = index == 0 or words[index - 1][0][-1:] in ":?!."
        if starts or word != word.lower():
            continue
        bare = word.rstrip(",;")
        if bare in LOWERCASE:
            keep[index] = True
        elif index + 1 < len(words) and (bare, words[index + 1][0].rstrip(",;:")) in PHRASES:
            keep[index] = keep[index + 1] = True
    return "".join((_NOCASE.format(word) if kept else word) + space
                   for (word, space), kept in zip(words, keep, strict=True))
