"""The CSL locales' terms given to Pandoc inside the style: its own bundled locales are older."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from .cslstyles import NS, _locale_root

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def style_text(path: Path, locale: str) -> str:
    """The style's XML with a `<locale>` of `locale`'s terms as the CSL locales repository has
    them (the files citeproc-py ships; citeproc-js reads the same), so that Pandoc prints "acte
    jurid." and "Anhörung" where its bundled locales lack them. A term the style defines itself
    for that language, or for every language, is left out: the style's own word still wins, as
    CSL's order of locale fallback says."""
    return _style_text(path, path.stat().st_mtime_ns, locale)


@functools.cache
def _style_text(path: Path, mtime: int, locale: str) -> str:
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    languages = (None, locale, locale.split("-")[0])
    own = {(term.get("name"), term.get("form") or "long")
           for block in root.findall(f"{NS}locale") if block.get(XML_LANG) in languages
           for term in block.iter(f"{NS}term")}
    block = etree.Element(f"{NS}locale", {XML_LANG: locale})
    terms = etree.SubElement(block, f"{NS}terms")
    for term in _locale_root(locale).find(f"{NS}terms"):
        if not isinstance(term.tag, str):  # a comment
            continue
        name = term.get("name") or ""
        # Ordinals are one set (a style's own ordinal replaces them all), left to the processor.
        if name.startswith(("ordinal", "long-ordinal")) or (name, term.get("form") or "long") in own:
            continue
        terms.append(copy.deepcopy(term))
    info = root.find(f"{NS}info")
    root.insert(list(root).index(info) + 1 if info is not None else 0, block)
    return etree.tostring(root, encoding="unicode")
