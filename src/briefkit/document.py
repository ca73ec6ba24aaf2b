"""The document: the style's templates filled into one self-contained HTML page."""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import (
    __version__,
    citations,
    commentary,
    languages,
    logger,
    placeholders,
    scriptfaces,
    templating,
    translations,
    typography,
)
from .blocks import select
from .charts.timeline import Chart
from .citations import Citer
from .commentary import Body, cite_marker
from .itemfields import human_date
from .models import Material
from .pdf.engine import Document
from .spans import when
from .styles import Style

#: The entry template; a style overrides any template by giving one of the same name.
ENTRY_TEMPLATE = "brief.html.j2"
#: Seconds the templates may take to fill before the build fails.
TEMPLATE_SECONDS = 60
#: Words a minute, for the "N min read" an article style prints.
READING_SPEED = 230


def _number_notes(page: str, cites: list, citer: Citer, number_text=str,
                  own: frozenset[int] = frozenset(), sources: list[str] | None = None,
                  instead: placeholders.Instead | None = None, blocks: Sequence[str] = (),
                  links: set[int] | None = None, reach: int | None = None) -> str:
    """The page with its blocks filled and its notes numbered on its tree (placeholders.resolve),
    then the citations a CSL processor formats at the end put in (Citer.finish)."""
    return citer.finish(placeholders.resolve(page, blocks, cites, citer, number_text, own, sources, instead,
                                             links, reach))


def brief_env(style: Style, language: str = "en", native: bool = False) -> jinja2.Environment:
    """Templates from the style chain, then the built-ins (templating.ChainLoader); `_()`,
    `ngettext()` and `pgettext()` give briefkit's words in `language` (translations.py), and
    the numbers they are given in its digits when `native` ("۵ دقیقه مطالعه")."""
    env = templating.sandboxed_env(style.template_dirs, trim_blocks=True, lstrip_blocks=True,
                                   extensions=["jinja2.ext.i18n"])
    words = translations.words(language, style.settings["labels"])
    env.install_gettext_translations(words, newstyle=True)
    if native:
        for name in ("_", "gettext", "ngettext", "pgettext", "npgettext"):
            env.globals[name] = _numbers_in_digits(env.globals[name], language)
    env.filters["markdown"] = functools.partial(commentary.inline, quotes=typography.quotes(words))
    templating.check_blocks(env)
    return env


def warm(style: Style, language: str = "en", native: bool = False) -> None:
    """Compile the brief's templates ahead of compose (templating keeps them), e.g. while the
    charts draw, within the time filling them has; a template's mistake is left for compose to
    report."""
    names = {path.relative_to(folder).as_posix() for folder in style.template_dirs if folder.is_dir()
             for path in folder.rglob("*.html.j2")}
    with template_deadline("compiling the templates"):
        try:
            env = brief_env(style, language, native)
            for name in sorted(name for name in names if not name.startswith("site/")):
                env.get_template(name)
        except Exception:  # noqa: BLE001 (compose meets it again, and reports it at its template's line)
            logger.debug("templates not compiled ahead", exc_info=True)


def _numbers_in_digits(function, language: str):
    """A template's gettext whose message, when given a number (`%(minutes)d`), is printed in
    the language's digits: the messages themselves hold none, so only the number changes."""
    @jinja2.pass_context
    def translated(context, *args, **variables):
        text = function(context, *args, **variables)
        if any(isinstance(v, int) and not isinstance(v, bool) for v in (*args, *variables.values())):
            converted = languages.digits(str(text), language, True)
            return Markup(converted) if isinstance(text, Markup) else converted
        return text

    return translated


def words_css(language: str, style: Style, native: bool = False) -> str:
    """The words CSS prints (`content: var(--bk-figure) " " counter(figure, var(--bk-digits))`),
    and the digits of its counters, as custom properties a style may still set itself."""
    words = translations.words(language, style.settings["labels"])
    values = {"figure": words.gettext("Figure"), "table": words.gettext("Table"),
              "page": words.gettext("Page"), "of": words.pgettext("page N of M", "of")}
    css = " ".join(f"--bk-{name}: {_css_string(text)};" for name, text in values.items())
    return f":root {{ {css} --bk-digits: {languages.counter_style(language, native)}; }}"


#: Scripts the built-in faces' first family has: their justified spaces widen as they should.
SIMPLE_SCRIPTS = {"Latn", "Cyrl", "Grek"}


def native_digits(brief, style: Style) -> bool:
    """Whether dates and numbers take the language's own digits: the brief's `digits:`, else the
    style's, else CLDR's default for the language (languages.native_by_default). The one
    place this is decided: pages, notes, charts and the catalogue all ask here."""
    choice = brief.digits or style.settings["digits"]
    return choice == "native" if choice else languages.native_by_default(brief.language)


def _css_string(text: str) -> str:
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\\n<' else c for c in text) + '"'


def font_faces(style: Style, ranges: dict[str, str] | None = None) -> str:
    """@font-face rules for the style's fonts, so every machine renders with the same faces.
    `ranges`: {family, casefolded: unicode-range} of the families scriptfaces sets first, each
    face of them declared upright and italic with its range (scriptfaces.ranges)."""
    ranges = ranges or {}
    # A family the style gives an italic of keeps its own italics: declared as they are.
    italics = {font.family.casefold() for font in style.fonts if font.style != "normal"}
    rules = []
    for font in style.fonts:
        # The chart's SVG names its face by the file's own family name, which a style may
        # declare under another name ("Caspian Serif"): the engine learns both.
        names = [font.family] + (_internal_names(font.path) if str(font.path) == style.chart_face else [])
        limited = ranges.get(font.family.casefold())
        kinds = ["normal", "italic"] if limited and font.family.casefold() not in italics else [font.style]
        for name in dict.fromkeys(names):
            for kind in kinds:
                rules.append(f'@font-face {{ font-family: "{name}"; src: url("{font.path.as_uri()}"); '
                             f"font-weight: {font.weight}; font-style: {kind};"
                             + (f" unicode-range: {limited};" if limited else "") + " }")
    return "\n".join(rules)


def _internal_names(path) -> list[str]:
    """The family names a font file gives itself (name IDs 1 and 16), as Matplotlib may read them."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        names = [font["name"].getDebugName(i) for i in (1, 16)]
    return [name for name in names if name and '"' not in name]


def compose(material: Material, body: Body, charts: dict[int, Chart], style: Style,
            own: frozenset[int] = frozenset(), warn: bool = True, reach: int | None = None) -> Document:
    """Fill the templates; figures and chronologies go where their fenced blocks stood. `own`:
    chronology rows that get a note of their own, and with `reach` those whose earlier notes
    lie further back in the text (see placeholders.number_notes); `warn` about sources the
    citation style cannot format fully (once a build: not when the brief is composed again)."""
    with template_deadline("filling the templates"), templating.reported():
        return _compose(material, body, charts, style, own, warn, reach)


def template_deadline(what: str):
    """TEMPLATE_SECONDS for filling a style's templates (the brief's, the site's pages)."""
    from .timeouts import time_limit

    # Loops in a contributor's template (range() in range()) can run for hours: a brief's
    # templates fill in well under a second, so a minute is a bound that only a loop reaches.
    return time_limit(TEMPLATE_SECONDS, what, "a template loops too long: look for nested loops in "
                      "the style's templates")


def _compose(material: Material, body: Body, charts: dict[int, Chart], style: Style,
             own: frozenset[int], warn: bool, reach: int | None) -> Document:
    brief, native = material.brief, native_digits(material.brief, style)
    env = brief_env(style, brief.language, native)
    words = translations.words(brief.language, style.settings["labels"])
    inline = functools.partial(commentary.inline, quotes=typography.quotes(words))
    citer = citations.citer(material, style, env, words.gettext("and"), native, warn,
                            env_for=lambda language: brief_env(style, language))
    cites, sources = list(body.cites), list(body.cite_sources)

    def block(index: int, spec) -> str:
        if spec.kind == "timeline":
            chart = charts[index]
            # An image, not inline SVG: its hundreds of nodes stay out of the CSS cascade (a
            # faster layout, no warnings about SVG properties), and `alt` tags it for PDF/UA.
            src = "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()
            return env.get_template("partials/figure.html.j2").render(chart=chart, src=src)
        rows = []
        for event in select(material.timeline, spec.options):
            marker = ""
            if event.sources:
                cites.append([(key, "") for key in event.sources])
                sources.append(f"{Path(str(material.events_file)).name}:{event.line}")
                marker = cite_marker(len(cites) - 1, "row")
            rows.append({"date": when(event, brief.language, native), "event": event,
                         "text": inline(event.text), "note": Markup(marker)})
        return env.get_template("partials/chronology.html.j2").render(
            rows=rows, caption=spec.options.get("caption"))

    # In the body's order, so that chronology rows' citations follow the commentary's.
    blocks = [block(index, spec) for index, spec in enumerate(body.blocks)]
    context = {
        "references": citer.references({key for group in cites for key, _ in group}),
        "brief": brief,
        # Keys the style declares, None where the brief leaves them out.
        "extra": {key: brief.extra.get(key) for key in style.brief_keys},
        "body": body.html,
        "summary": inline(brief.summary),
        "disclaimer": inline(brief.disclaimer),
        "bios": {a.name: inline(a.bio) for a in brief.authors},
        "date": human_date(brief.date, brief.language, native=native),
        # "</" escaped ("<\/" is "</" to CSS): a style's "</style>", even in a comment, would end
        # the page's <style> and bring in HTML no sanitiser saw.
        "css": Markup("\n".join(filter(None, (
            font_faces(style, scriptfaces.ranges(style, brief.language or "en", brief.text_direction)),
            words_css(brief.language, style, native),
            style.css(mirrored=brief.text_direction == "rtl"),
            scriptfaces.script_first(style, brief.language or "en", brief.text_direction),
        ))).replace("</", "<\\/")),
        "style": style.settings,
        "logo": style.logo.as_uri() if style.logo else None,
        "reading_minutes": max(1, round(len(material.commentary.split()) / READING_SPEED)),
        "generator": f"briefkit {__version__}",
    }
    page = env.get_template(ENTRY_TEMPLATE).render(context)
    digits = functools.partial(languages.digits, language=brief.language, native=native)
    instead: placeholders.Instead = {}
    links: set[int] = set()
    page = _number_notes(page, cites, citer, lambda n: digits(str(n)), own, sources, instead, blocks, links,
                         reach)
    if languages.script(brief.language) not in SIMPLE_SCRIPTS:
        page = typography.boundary_words(page, brief.text_direction == "rtl")
    return Document(page, material.folder.resolve().as_uri() + "/", instead, frozenset(links))
