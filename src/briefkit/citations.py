"""Citations: a CSL item and a locator become a note's text in the style's citation format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from .citesyntax import RANGE, extras
from .citesyntax import narrative as narrative  # document.py reads citations.narrative
from .itemfields import prepare, sort_key, without_author
from .languages import digits_in_html, month_names
from .models import Source
from .translations import words
from .typography import keep_together
from .worklanguages import foreign, given, hold, release, set_apart, words_of


def _held(source: Source, language: str) -> Source:
    csl = source.csl()
    held = hold(csl, language)
    return source if held is csl else Source.model_validate({**held, "line": source.line})


class Citer:
    """Formats citations with one style's macros and remembers which sources were cited."""

    def __init__(self, sources: dict[str, Source], macros: Any, language: str, conjunction: str = "and",
                 native: bool = False, formats: Callable[[str], tuple[Any, str]] | None = None):
        # Titles in another script keep their digits through the templates (worklanguages.hold).
        self.sources = {key: _held(source, language) for key, source in sources.items()}
        # The citation format's template module: note(item, locator, first), separator(),
        # terminator(), and for author-date formats `kind = "in-text"`, opening() and
        # reference(item).
        self.macros = macros
        self.in_text = getattr(macros, "kind", "note") == "in-text"
        self.language, self.conjunction, self.native = language, conjunction, native
        # (macros, "and") of the format in another language, for works in another script
        # than the brief's (worklanguages); None: every work in the brief's terms.
        self.formats = formats
        self.tongues = {key: foreign(source.csl(), language) for key, source in self.sources.items()} \
            if formats else {}
        self.cited: list[str] = []

    def note(self, cites: list[tuple[str, str]], terminate: bool = True, at: int = 0,
             inline: bool = False) -> Markup:
        """One footnote for a group of (key, locator) cites, e.g. from `[@a, p. 2; @b]`;
        without its closing mark (a note's full stop) when the author's punctuation follows.
        `at` (the note's number) and `inline` (inside a note's text) matter to CSL styles only.
        A work in another script is cited in its own language's terms and digits, set apart
        (worklanguages); a note of such works alone takes their punctuation too."""
        pieces, author = [], Markup("")
        for index, cite in enumerate(cites):
            key, locator = cite
            prefix, suffix, suppress, narrative = extras(cite)
            first = key not in self.cited
            self.cited.append(key)
            tongue = self.tongues.get(key)
            macros, item = self._item(key, tongue)
            if narrative and self.in_text and not inline:  # "Neale (2018, 3)"
                author = self._own(self.author([cite]) + " ")
            # Pandoc's notes: a narrative cite's author is in the text, so not in its note.
            if suppress or (narrative and not inline):
                item = without_author(item)
            text = Markup(macros.note(item, RANGE.sub(r"\1–", locator.strip()), first)).strip()
            if prefix and index == 0 and not inline and not self.in_text:  # a note begins a sentence
                prefix = prefix[:1].upper() + prefix[1:]
            pieces.append((escape(prefix) + " " if prefix else Markup(""), key, text, tongue, escape(suffix)))
        # Works of one other tongue alone, no words of the writer's: one run in their terms.
        tongues = {tongue if not (prefix or suffix) else None for prefix, _, _, tongue, suffix in pieces}
        alone = tongues.pop() if len(tongues) == 1 else None
        macros = self.formats(alone)[0] if alone else self.macros
        opening = Markup(macros.opening()) if hasattr(macros, "opening") else Markup("")
        closing = Markup(macros.terminator()) if terminate else Markup("")
        separator = Markup(macros.separator())
        if alone:
            texts = separator.join(text for _, _, text, _, _ in pieces)
            return author + self._set_apart(opening + texts + closing, pieces[0][1], alone)
        parts = [self._own(prefix) + (self._set_apart(text, key, tongue) if tongue else self._own(text))
                 + self._own(suffix) for prefix, key, text, tongue, suffix in pieces]
        return author + self._own(opening) + self._own(separator).join(parts) + self._own(closing)

    def _item(self, key: str, tongue: str | None) -> tuple[Any, dict[str, Any]]:
        """The macros and the prepared item of `key`, in `tongue` (a foreign work's) or the brief's terms."""
        if tongue is None:
            return self.macros, prepare(self.sources[key], self.language, self.conjunction, self.native)
        macros, conjunction = self.formats(tongue)
        return macros, prepare(self.sources[key], tongue, conjunction)

    def _own(self, html: str) -> Markup:
        """Text in the brief's terms: in its digits (years, pages, volumes)."""
        return Markup(digits_in_html(html, self.language, self.native))

    def _set_apart(self, html: str, key: str, tongue: str) -> Markup:
        return set_apart(html, tongue, given(self.sources[key].csl(), tongue))

    def author(self, cites: list) -> Markup:
        """The author a narrative cite (`@a says`) prints in the text: the format's `author(item)`
        macro, else the short form of the names."""
        item = prepare(self.sources[cites[0][0]], self.language, self.conjunction, self.native)
        if hasattr(self.macros, "author"):
            return Markup(self.macros.author(item)).strip()
        return escape(item["short_authors"] or item["short_title"])

    def references(self, keys: set[str]) -> list[Markup]:
        """The reference list of an author-date format, by author and year; empty for notes."""
        if not self.in_text:
            return []
        # Same author and year: by title (Chicago 15.18), then by key, so equal inputs give equal bytes.
        items = [(prepare(self.sources[k], self.language, self.conjunction, self.native), k)
                 for k in sorted(keys) if k in self.sources]
        items.sort(key=lambda pair: (sort_key(release(pair[0]["sort_name"])), pair[0]["year"] or 0,
                                     sort_key(release(str(pair[0]["title"])))))
        return [self._reference(item, key) for item, key in items]

    def _reference(self, item: dict[str, Any], key: str) -> Markup:
        """One entry of the reference list: a foreign work's in its own terms, set apart."""
        tongue = self.tongues.get(key)
        if tongue is None:
            return self._own(self.macros.reference(item)).strip()
        macros, item = self._item(key, tongue)
        return self._set_apart(Markup(macros.reference(item)).strip(), key, tongue)

    def finish(self, page: str) -> str:
        """The page with locators, days and units kept with their numbers (typography.keep_together):
        templates format each citation when it is met (cslnotes formats here); titles' digits
        given back (worklanguages.hold)."""
        return release(keep_together(page, month_names(self.language)))


def citer(material: Any, style: Any, env: Any, conjunction: str, native: bool, warn: bool = True,
          env_for: Callable[[str], Any] | None = None) -> Any:
    """The Citer of the brief's citation format: brief.yaml's `citation_format`, else the style's;
    a template of templates/citations/, or a CSL style that cslnotes formats. `warn`: about the
    items a CSL style cannot format fully (once a build: not when it composes its pages again).
    `env_for(language)`: the templates in another language, for works in another script."""
    from . import cslstyles

    value, where = citation_format(material, style)
    if material.brief.citation_format is None:  # the style's: found when the style was read
        csl = style.csl
    else:
        csl = cslstyles.find(value, [material.folder], cslstyles.templates(style.template_dirs), where)
    if csl is None:
        name = f"citations/{value}.html.j2"
        kept: dict[str, tuple[Any, str]] = {}

        def formats(language: str) -> tuple[Any, str]:
            if language not in kept:
                kept[language] = (env_for(words_of(language)).get_template(name).module,
                                  words(words_of(language), style.settings["labels"]).gettext("and"))
            return kept[language]

        return Citer(material.sources, env.get_template(name).module, material.brief.language, conjunction,
                     native, formats if env_for else None)
    from .cslnotes import CslCiter

    return CslCiter(material.sources, csl, material.brief.language, native, material.sources_file, warn)


def citation_format(material: Any, style: Any) -> tuple[str, str]:
    """The citation format a brief uses and where it is set (file:line, for messages)."""
    if material.brief.citation_format is not None:
        lines = material.brief_lines or {}
        return (material.brief.citation_format,
                f"{material.folder / 'brief.yaml'}:{lines.get(('citation_format',), 0)}")
    return style.settings["citation_format"], style.citation_where
