"""Citations formatted by a CSL processor (Pandoc's citeproc), all of a brief's at once, in reading order."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from . import cslhtml, csllocale, cslrequired, logger
from .citesyntax import RANGE, extras, narrative
from .cslitems import SPACED, csl_json
from .cslstyles import INSTALL, CslStyle, _terms, has_locale, locator_in, range_delimiter
from .errors import RenderError, StyleError
from .languages import digits_in_html, month_names
from .models import Source
from .typography import keep_together
from .worklanguages import foreign, given, hold, release, set_apart

#: Stand-ins the page holds until the processor has formatted every citation: private-use
#: characters around a token drawn for each brief (a text cannot forge one) and the call's number.
_MARK = "\ue000{token}:(a?\\d+|bib)\ue001"
#: A note's closing full stop: after a number, a letter or a closing quotation mark or bracket,
#: not the stop of an abbreviation such as "ibid." or "ed." (a short lowercase word).
_OWN_STOP = re.compile(r"(?:\d|[”’)\]]|\w{5,}|[A-Z]\w*)\.$")
#: Seconds a formatting run may take before it counts as stuck.
TIMEOUT = 120


class CslCiter:
    """The Citer of a CSL style: `note()` hands out stand-ins and records each citation with its
    note number; `finish()` has the processor format them all, so that first, subsequent and
    ibid forms follow the order the reader meets them in, and puts the texts in."""

    def __init__(self, sources: dict[str, Source], style: CslStyle, language: str, native: bool = False,
                 sources_file: Path | None = None, warn: bool = True):
        self.sources, self.style, self.language, self.native = sources, style, language, native
        self.sources_file, self.warn = sources_file, warn
        self.in_text = not style.note
        self.calls: list[tuple[list[tuple[str, str]], str, int]] = []  # (cites, role, note number)
        self.bibliography_keys: set[str] = set()
        self.token = secrets.token_hex(8)

    def note(self, cites: list[tuple[str, str]], terminate: bool = True, at: int = 0,
             inline: bool = False) -> Markup:
        """A stand-in for one citation group; `inline`: inside the text of note `at`."""
        self.calls.append((cites, "inline" if inline else ("text" if self.in_text else "note"), at))
        return Markup(f"\ue000{self.token}:{len(self.calls) - 1}\ue001")

    def author(self, cites: list) -> Markup:
        """A stand-in for the author a narrative cite prints in the text (`@a says`): that of the
        last call, which note() recorded; the processor writes it beside the note it makes."""
        return Markup(f"\ue000{self.token}:a{len(self.calls) - 1}\ue001")

    def references(self, keys: set[str]) -> list[Markup]:
        """The bibliography of an in-text style (one stand-in, filled by finish()); none for notes."""
        if not self.in_text or not keys:
            return []
        self.bibliography_keys = set(keys)
        return [Markup(f"\ue000{self.token}:bib\ue001")]

    def finish(self, page: str) -> str:
        """The page with every citation and the bibliography formatted, locators, days and units
        kept with their numbers (typography.keep_together)."""
        months = month_names(self.language)
        if not self.calls and not self.bibliography_keys:
            return keep_together(page, months)
        texts, entries, authors = self.format()

        def put(match: re.Match) -> str:
            if match[1] == "bib":
                return "\n".join(entry for _, entry in entries)
            if match[1].startswith("a"):
                return authors.get(int(match[1][1:]), "")
            index = int(match[1])
            text = texts[index]
            # A citation inside a note's sentence loses the style's closing full stop, unless it
            # ends the note (Pandoc's citeproc does the same); inside its span if set apart.
            apart = text.startswith("<span dir=") and text.endswith("</span>")
            inner = text.removesuffix("</span>") if apart else text
            if self.calls[index][1] == "inline" and page[match.end():match.end() + 1] != "<" \
                    and _OWN_STOP.search(inner):
                text = inner[:-1] + text[len(inner):]
            return text

        # Titles' digits given back (worklanguages.hold).
        return release(keep_together(re.sub(_MARK.format(token=self.token), put, page), months))

    def format(self) -> tuple[list[str], list[tuple[str, str]], dict[int, str]]:
        """(each call's HTML, the bibliography's (item id, <li>) entries, the author in the text
        of each narrative call of a note style), from one run of the processor (and one more for
        each language of works written in the other direction)."""
        keys = sorted({key for cites, _, _ in self.calls for key, _ in cites} | self.bibliography_keys)
        dash = range_delimiter(self.style.locale(self.language))
        items = [csl_json(self.sources[k], dash) for k in keys]
        if self.warn:
            self._warn_incomplete(keys, items)
        # Titles in another script keep their digits (the processor title-cases and quotes them).
        items = [hold(item, self.language) for item in items]
        locale = self.style.locale(self.language)
        texts, entries, authors = self._read(items, locale)
        texts = [_suffix_outside(text, call[0], locale) for text, call in zip(texts, self.calls, strict=True)]
        # The brief's digits: dates, pages, volumes; never an address's. A citation, or an entry,
        # of works in one other direction alone is the processor's in their language's locale
        # (the same citations: ibid and short forms as in the brief's), in their digits, set apart.
        tongues = [self._tongue(cites) for cites, _, _ in self.calls]
        owners = {key: self._tongue([(key, "")]) for key, _ in entries}
        for tongue in sorted(set(filter(None, [*tongues, *owners.values()]))):
            # A work's language without a CSL locale is no brief's: US English, no warning.
            theirs = self.style.locale(tongue) if has_locale(tongue) else "en-US"
            their_texts, their_entries, _ = self._read(items, theirs)
            texts = [_suffix_outside(mine, call[0], theirs) if own == tongue else text
                     for text, mine, call, own in zip(texts, their_texts, self.calls, tongues, strict=True)]
            replaced = {key: self._set_apart(entry, [(key, "")], tongue) for key, entry in their_entries
                        if owners.get(key) == tongue}
            entries = [(key, replaced.get(key, entry)) for key, entry in entries]
        texts = [self._set_apart(text, call[0], tongue) if tongue
                 else digits_in_html(text, self.language, self.native)
                 for text, call, tongue in zip(texts, self.calls, tongues, strict=True)]
        entries = [(key, entry if owners.get(key) else digits_in_html(entry, self.language, self.native))
                   for key, entry in entries]
        return texts, entries, authors

    def _read(self, items: list[dict], locale: str) -> tuple:
        """cslhtml.read of one run of the processor over every citation, in `locale`, without the
        marks of names to write spaced (cslitems.SPACED)."""
        html = run(json.dumps(self.document(locale)), items, self.style, locale, bibliography=self.in_text)
        return cslhtml.read(html.replace(SPACED, ""), self.calls, self.style.note)

    def _tongue(self, cites: list) -> str | None:
        """The language of the works a citation cites, if one other direction than the brief's
        alone and no words of the writer's around them (worklanguages)."""
        if any(any(extras(cite)[:2]) for cite in cites):  # a prefix or a suffix
            return None
        tongues = {foreign(self.sources[key].csl(), self.language) for key, _ in cites}
        return tongues.pop() if len(tongues) == 1 else None

    def _set_apart(self, text: str, cites: list, tongue: str) -> str:
        return str(set_apart(text, tongue, all(given(self.sources[key].csl(), tongue) for key, _ in cites)))

    def _warn_incomplete(self, keys: list[str], items: list[dict]) -> None:
        """A warning at its sources.yaml line for each item the style cannot format fully."""
        for key, item in zip(keys, items, strict=True):
            if names := cslrequired.missing(item, self.style.path):
                logger.warning("%s:%d: %s", self.sources_file or "sources.yaml", self.sources[key].line,
                               cslrequired.message(key, item, names, self.style.name))

    def document(self, locale: str) -> dict[str, Any]:
        """The citations as a Pandoc document (its JSON AST, so no text is read as Markdown).

        In a note style each citation is a note of its own, the citation first in it (Pandoc then
        neither parenthesises nor capitalises it), numbered as briefkit numbers its notes: the
        processor reads those numbers for ibid and near-note. In an in-text style each is a
        paragraph in a division named after it. Locators are written in `locale`'s words."""
        blocks = []
        for index, (cites, role, at) in enumerate(self.calls):
            # A range typed with a hyphen of any kind, spaced or not: the processor en-dashes "4-5" only.
            items = [_citation(cite, locator_in(RANGE.sub(r"\1-", cite[1]), locale), at) for cite in cites]
            cite = {"t": "Cite", "c": [items, [_str("x")]]}
            # A narrative cite in the text of a note style: Pandoc prints the author there and
            # makes the note (author left out) itself, numbered in order with the others.
            if self.style.note and not (role == "note" and narrative(cites)):
                blocks.append(_para([_str("x"), {"t": "Note", "c": [_para([cite])]}]))
            else:
                blocks.append({"t": "Div", "c": [[f"c{index}", [], []], [_para([cite])]]})
        # A reference-list entry of a work no citation cites (the landing page's entry for the
        # brief itself): Pandoc lists it only as nocite.
        cited = {key for cites, _, _ in self.calls for key, _ in cites}
        uncited = [_citation((key, ""), "", 0) for key in sorted(self.bibliography_keys - cited)]
        nocite = {"t": "MetaInlines", "c": [{"t": "Cite", "c": [uncited, [_str("x")]]}]}
        meta = {"nocite": nocite} if uncited else {}
        return {"pandoc-api-version": list(PANDOC_API), "meta": meta, "blocks": blocks}


def _suffix_outside(text: str, cites: list, locale: str) -> str:
    """The writer's suffix after a quoted title keeps its comma outside the quotation marks
    ("“Title”, for details"), as citeproc-js prints it: the style's punctuation-in-quote is for
    the style's own punctuation, and Pandoc's citeproc moves the suffix's too ("“Title,” for").
    A locator (a number, or a word of the locale's locator terms) is the style's, left as it is."""
    for cite in cites:
        words = (f"{cite[1]}{extras(cite)[1]}" if cite[1] else extras(cite)[1].lstrip(",")).strip()
        first = words.split()[0].casefold() if words else ""
        if not first or first[0].isdigit() or _ROMAN.match(first) or first in _terms(locale):
            continue
        rest = str(escape(words))
        text = re.sub(f",([”’]) {re.escape(rest)}", lambda m, rest=rest: f"{m[1]}, {rest}", text)
    return text


_ROMAN = re.compile(r"[ivxlcdm]+\.?$")


#: The version of Pandoc's document model the JSON is written in (pandoc-types 1.23).
PANDOC_API = (1, 23, 1, 1)


def _str(text: str) -> dict:
    return {"t": "Str", "c": text}


def _para(inlines: list) -> dict:
    return {"t": "Para", "c": inlines}


def _words(text: str) -> list[dict]:
    inlines = []
    for word in text.split():
        inlines += [{"t": "Space"}, _str(word)]
    return inlines


def _citation(cite: Any, locator: str, note: int) -> dict:
    """One cite: Pandoc's prefix, mode (`-@a`, `@a`) and suffix, the locator first in the suffix
    (", p. 3, for details"), which the processor reads with the locale's terms (p., pp., chap.,
    a bare number for a page). The prefix is printed as written, as citeproc-js does: a note
    that opens with "see" keeps it lowercase (write "See" for a capital)."""
    prefix, suffix, suppress, narrative = extras(cite)
    mode = "SuppressAuthor" if suppress else "AuthorInText" if narrative else "NormalCitation"
    if suffix and not suffix.startswith(","):
        suffix = f" {suffix}"
    after = _words((f", {locator}" if locator else "") + suffix)[1:]
    return {"citationId": cite[0], "citationPrefix": _words(prefix)[1:], "citationSuffix": after,
            "citationMode": {"t": mode}, "citationNoteNum": note, "citationHash": 0}


def run(document: str, items: list[dict], style: CslStyle, locale: str, bibliography: bool) -> str:
    """Pandoc's HTML for a document (Pandoc's JSON) whose citations `style` formats."""
    try:
        import pypandoc
        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        raise StyleError(f"citation_format {style.name!r} is a CSL style, formatted by Pandoc's citeproc, "
                         f"which is not installed ({error}): {INSTALL}") from None
    with tempfile.TemporaryDirectory(prefix="briefkit-csl-") as tmp:
        refs = Path(tmp) / "references.json"
        refs.write_text(json.dumps(items, ensure_ascii=False, default=str), encoding="utf-8")
        csl = Path(tmp) / "style.csl"
        csl.write_text(csllocale.style_text(style.path, locale), encoding="utf-8")
        args = [pandoc, "--from=json", "--to=html", "--wrap=none", "--citeproc", f"--bibliography={refs}",
                f"--csl={csl}", f"--metadata=lang:{locale}", "--metadata=link-citations:false",
                "--metadata=suppress-bibliography:" + ("false" if bibliography else "true")]
        try:
            done = subprocess.run(args, input=document, capture_output=True, text=True, encoding="utf-8",
                                  timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise RenderError(f"the CSL processor (Pandoc) failed on {style.path}: {error}") from None
    if done.returncode:
        raise RenderError(f"the CSL processor (Pandoc) failed on {style.path}: {done.stderr.strip()[:500]}")
    if done.stderr.strip():  # about Pandoc's own words (its "Abstract"), never the citations' text
        logger.debug("Pandoc: %s", done.stderr.strip())
    return done.stdout
