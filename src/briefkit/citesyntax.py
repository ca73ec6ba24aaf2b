"""Pandoc's citation syntax: `[see @a, p. 3, for details]`, `[-@a]`, `@a [p. 3]`, as markdown-it rules."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.link import link

from .errors import did_you_mean

_BRACKET = re.compile(r"\[([^\[\]]*)\]")
#: An @ that starts a citation item: first in the bracket, or after a space, `;` or Pandoc's `-`
#: (author suppressed). `me@example.org` is not one.
_LOOKS_CITED = re.compile(r"^\s*-?@|(?:^|[\s;\-])@[^\s\]]")
#: A bracket that opens as a citation does: `[@`, `[ -@`.
_OPENING = re.compile(r"\[\s*-?@")
#: An item: Pandoc's prefix (text ending in a space), `-` to suppress the author, `@`, the rest.
_ITEM = re.compile(r"^\s*(?P<prefix>(?:.*?\s)?)(?P<minus>-?)@(?P<rest>.*)$", re.S)
#: Pandoc's citation key: a letter, digit or _, then those and internal :.#$%&-+?<>~/
_KEY = re.compile(r"[\w][\w:.#$%&\-+?<>~/]*")
#: A key in running text (`@neale says`): its punctuation only inside it, so `@neale.` is `neale`.
_TEXT_KEY = re.compile(r"\w+(?:[:.#$%&\-+?<>~/]+\w+)*")
#: A locator, then Pandoc's suffix after a comma: `p. 3, for details`, `chap. 4`, `515`, `pp. 3-5`.
_NUMBER = r"[\dIVXLCDMivxlcdm]+\w*"
_LOCATOR = re.compile(rf"(?P<locator>(?:[^\W\d_]+\.?\s*)?{_NUMBER}(?:\s*[-–—,&]\s*{_NUMBER})*)"
                      r"(?P<suffix>,\s+\D.*)?", re.S)


class Cite(tuple):
    """One cited item: unpacks as (key, locator), as the rest of briefkit reads it, and carries
    Pandoc's prefix (`see`), suffix (`, for details`), `suppress` (`-@a`) and `narrative` (`@a`)."""

    def __new__(cls, key: str, locator: str = "", prefix: str = "", suffix: str = "",
                suppress: bool = False, narrative: bool = False):
        cite = super().__new__(cls, (key, locator))
        cite.prefix, cite.suffix, cite.suppress, cite.narrative = prefix, suffix, suppress, narrative
        return cite

    def __getnewargs__(self):  # copies and pickles keep the extras
        return (*self, self.prefix, self.suffix, self.suppress, self.narrative)


def split_locator(text: str) -> tuple[str, str]:
    """(locator, suffix) of what follows a key's comma: `p. 3, for details` -> (`p. 3`,
    `, for details`). Text that is not a locator and a suffix stays the locator, as written."""
    text = text.strip()
    match = _LOCATOR.fullmatch(text)
    if not match or not match["suffix"]:
        return text, ""
    return match["locator"].strip(), match["suffix"].rstrip()


#: A range in a locator or a page field, "3-5", "3 ‐ 5" or "xii-xv": printed with an en dash, as
#: CSL processors print "3-5", whatever hyphen or spacing the source typed.
RANGE = re.compile(r"\b(\d+|[ivxlcdm]+|[IVXLCDM]+)\s*(?:--|[-‐‑−])\s*(?=(?:\d+|[ivxlcdm]+|[IVXLCDM]+)\b)")


def extras(cite: Any) -> tuple[str, str, bool, bool]:
    """A cite's (prefix, suffix, suppress-author, narrative); none for a plain (key, locator)."""
    return (getattr(cite, "prefix", ""), getattr(cite, "suffix", ""), getattr(cite, "suppress", False),
            getattr(cite, "narrative", False))


def narrative(cites: list) -> bool:
    """Whether a citation group is a narrative cite (`@a says`)."""
    return bool(cites) and extras(cites[0])[3]


#: The env entry holding the source ids, so the rule can accept an id that Pandoc's grammar would not.
KEYS = "briefkit_keys"


def normal_key(key: str) -> str:
    """A citation key or source id in one Unicode form (NFC), outer spaces removed: `müller`
    typed as u + combining diaeresis (macOS, some editors) is the same key."""
    return unicodedata.normalize("NFC", key.strip())


def parse_citation(inner: str, known: set[str]) -> tuple[list[Cite] | None, str]:
    """The items of a bracket's text, or None and why it is not a citation."""
    cites = []
    for part in inner.split(";"):
        match = _ITEM.match(part)
        if not match:
            return None, f"each item of a citation needs an @key ({part.strip()!r} has none)"
        rest = match["rest"]
        if rest.startswith("{") and "}" in rest:  # Pandoc's @{any key}
            key, _, after = rest[1:].partition("}")
            locator = after.strip().removeprefix(",").strip()
        else:
            key, _, locator = rest.partition(",")
        key, locator = normal_key(key), locator.strip()
        if not key:
            return None, "an @ with no key after it; write [@key] with a key of sources.yaml"
        if key not in known and not _KEY.fullmatch(key):
            return None, _bad_key(key, known)
        locator, suffix = split_locator(locator)
        cites.append(Cite(key, locator, " ".join(match["prefix"].split()), suffix, bool(match["minus"])))
    return cites, ""


def _bad_key(key: str, known: set[str]) -> str:
    head = key.split()[0] if key.split() else ""
    if head in known:
        return f"put a comma after the key: [@{head}, {key[len(head):].strip()}]"
    hint = did_you_mean(key, known) or did_you_mean(re.sub(r"[\s'’]+", "-", key), known)
    return (f"a key has no spaces or quotes (an id that has them is written @{{{key}}})"
            f"{hint or '; check the ids in sources.yaml'}")


def citation_rule(state: StateInline, silent: bool) -> bool:
    """`[@key]`, `[@key, p. 20]`, `[@a; @b]` (Pandoc's bracketed citations). A bracket that looks
    like one but cannot be read becomes a `citation_error` token: never literal text, silently."""
    if state.src[state.pos] != "[":
        return False
    match = _BRACKET.match(state.src, state.pos, state.posMax)
    # `[@ ... [ ... ]`: an opening that reads as a citation's, with a bracket (a code span's,
    # a note call's) before it closes: an error, as the reader typed a citation.
    nested = not match and _OPENING.match(state.src, state.pos, state.posMax) \
        and 0 <= state.src.find("]", state.pos, state.posMax)
    if not nested and (not match or not _LOOKS_CITED.search(match.group(1))):
        return False
    start = state.pos
    is_link = link(state, True)  # [@handle](url), [@x][ref], or [@x] with `[@x]: url` defined
    state.pos = start
    if is_link:
        return False
    if nested:
        end = state.src.find("]", state.pos, state.posMax) + 1
        if not silent:
            token = state.push("citation_error", "", 0)
            token.content = state.src[state.pos:end]
            token.meta = {"cites": None, "line_offset": state.src.count("\n", 0, state.pos),
                          "why": "a citation's brackets hold its items only, no other brackets, code or "
                                 "notes; write [@key, p. 3] and put the rest outside it"}
        state.pos = end
        return True
    cites, why = parse_citation(match.group(1), state.env.get(KEYS, set()))
    if not silent:
        token = state.push("citation" if cites else "citation_error", "", 0)
        token.content = match.group(0)
        token.meta = {"cites": cites, "why": why, "line_offset": state.src.count("\n", 0, state.pos)}
    state.pos = match.end()
    return True


def narrative_rule(state: StateInline, silent: bool) -> bool:
    """`@key` and `@key [p. 3]` in running text (Pandoc's narrative citation), where `key` is a
    source. Not after a letter or digit (`me@example.org`); an @word that is no source stays
    text (`@nytimes`), unless it is a near miss of one: then a `citation_error` says which."""
    pos = state.pos
    if state.src[pos] != "@" or state.linkLevel > 0:
        return False
    # After a letter or digit (an e-mail address) or inside an address (medium.com/@desk): text.
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "_/:.=+%&~-"):
        return False
    known = state.env.get(KEYS, set())
    if state.src.startswith("{", pos + 1) and "}" in state.src[pos + 2:state.posMax]:  # @{any key}
        end = state.src.index("}", pos + 2)
        key, stop = normal_key(state.src[pos + 2:end]), end + 1
    else:
        match = _TEXT_KEY.match(state.src, pos + 1, state.posMax)
        if not match:
            return False
        key, stop = normal_key(match[0]), match.end()
    if key not in known:
        # Each @word is compared with the ids once, and only the first 500 distinct ones (about
        # 1 ms each against 500 ids): a text of many handles is not slowed to seconds.
        near = state.env.setdefault("briefkit_near", {})
        if key not in near:
            near[key] = did_you_mean(key, known) if known and len(near) < 500 else ""
        hint = near[key]
        if not hint:
            return False
        if not silent:
            token = state.push("citation_error", "", 0)
            token.content = state.src[pos:stop]
            token.meta = {"cites": None, "line_offset": state.src.count("\n", 0, pos),
                          "why": f"no source has the key {key!r}{hint} (write \\@{key} to print an @)"}
        state.pos = stop
        return True
    locator, suffix = "", ""
    bracket = _BRACKET.match(state.src, stop + (state.src[stop:stop + 1] == " "), state.posMax)
    if bracket and not _LOOKS_CITED.search(bracket[1]) and not bracket[1].startswith("^"):
        state.pos = bracket.start()
        is_link = link(state, True)
        state.pos = pos
        if not is_link:
            locator, suffix = split_locator(bracket[1].strip().removeprefix(",").strip())
            stop = bracket.end()
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[pos:stop]
        token.meta = {"cites": [Cite(key, locator, "", suffix, narrative=True)], "why": "",
                      "line_offset": state.src.count("\n", 0, pos)}
    state.pos = stop
    return True
