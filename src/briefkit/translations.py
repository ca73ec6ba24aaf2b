"""The words briefkit itself prints, in the brief's language: gettext catalogues read by Babel."""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from . import logger
from .languages import candidates

#: One folder per language, `LANG/LC_MESSAGES/briefkit.po`, and the template `briefkit.pot`.
LOCALES = Path(__file__).resolve().parent / "locales"


class Words:
    """gettext, ngettext and pgettext for one language, a house style's own words first.

    `labels` maps the English message (either form of a plural) to the text to print."""

    def __init__(self, catalogue: gettext.NullTranslations, labels: dict[str, str] | None = None) -> None:
        self.catalogue, self.labels = catalogue, labels or {}

    def gettext(self, message: str) -> str:
        return self.labels.get(message) or self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.labels.get(singular if n == 1 else plural) or self.catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.labels.get(message) or self.catalogue.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return (self.labels.get(singular if n == 1 else plural)
                or self.catalogue.npgettext(context, singular, plural, n))


def words(language: str, labels: dict | None = None) -> Words:
    """The words for `language` (a BCP 47 tag); `labels` is a style's `labels:` setting, whose
    nested mappings under a language tag apply to that language only and win."""
    labels = labels or {}
    general = {key: value for key, value in labels.items() if isinstance(value, str)}
    for tag in reversed(candidates(language)):
        specific = labels.get(tag) or labels.get(tag.replace("_", "-"))
        if isinstance(specific, dict):
            general.update(specific)
    return Words(catalogue(language), general)


@functools.cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The catalogue of the most specific matching language (fa-AF, then fa); English, with one
    warning a language, where briefkit has none."""
    for name in candidates(language):
        path = LOCALES / name / "LC_MESSAGES" / "briefkit.po"
        if path.is_file():
            return _compiled(path)
    if candidates(language)[-1] != "en":
        logger.warning("briefkit has no translation for language %r: its own words (Summary, Figure, "
                       "Date...) are printed in English; a style's `labels:` can supply them "
                       "(docs/languages.md)", language)
    return gettext.NullTranslations()


def available() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/briefkit.po"))


def _compiled(path: Path) -> gettext.GNUTranslations:
    """A .po file as gettext reads it: compiled to .mo in memory (no build step, no binary
    files in the repository)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        po = read_po(source, domain="briefkit")
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
