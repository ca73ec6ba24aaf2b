"""CSL items checked against the variables and item types of the CSL 1.0.2 schema."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from .dates import joined, partial
from .errors import did_you_mean

#: What a text or number variable may hold as YAML reads it (an unquoted date is a date).
TEXT = (str, int, float, dt.date)
RNG = "{http://relaxng.org/ns/structure/1.0}"
#: Keys of a CSL-JSON item that are not variables (csl-data.json), the legacy names Zotero
#: still exports, and briefkit's `short_title` (a short title the notes use: CSL's title-short).
ITEM_KEYS = {"id", "type", "categories", "custom", "citation-key", "journalAbbreviation", "shortTitle",
             "short_title"}
#: The parts of a name (csl-data.json's name-variable).
NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "comma-suffix",
              "static-ordering", "literal", "parse-names"}
#: The parts of a date written as CSL-JSON (csl-data.json's date-variable).
DATE_PARTS = {"date-parts", "season", "circa", "literal", "raw"}


@functools.cache
def citeproc_data() -> Path:
    """The data citeproc-py ships (the CSL schema and locales), found without importing it."""
    return Path(next(iter(importlib.util.find_spec("citeproc").submodule_search_locations))) / "data"


def rng() -> Path:
    """The official CSL schema (RELAX NG) of styles, as citeproc-py ships it."""
    return citeproc_data() / "schema" / "schemas" / "styles" / "csl.rng"


@functools.cache
def schema() -> dict[str, frozenset[str]]:
    """The schema's value lists by kind: types, dates, names, numbers, titles, strings, locator
    labels, and all
    the keys an item may have. Read from
    the copy of the official CSL schema citeproc-py ships (not imported: only its data)."""
    root = ElementTree.parse(rng()).getroot()
    wanted = {"item-types": "types", "variables.dates": "dates", "variables.names": "names",
              "variables.numbers": "numbers", "variables.titles": "titles", "variables.strings": "strings",
              "terms.locator": "locators", "terms.locator-number-variables": "locator-numbers"}
    kinds = {wanted[define.get("name")]: frozenset(v.text.strip() for v in define.iter(f"{RNG}value"))
             for define in root.iter(f"{RNG}define") if define.get("name") in wanted}
    kinds["keys"] = ITEM_KEYS.union(*(kinds[k] for k in ("dates", "names", "numbers", "titles", "strings")))
    return kinds


def problems(item: dict[str, Any], lines: dict[tuple, int], at: tuple) -> list[tuple[int, str]]:
    """(line, message) for each key or value of one CSL item that the schema does not allow."""
    kinds = schema()
    found = []

    def problem(path: tuple, message: str) -> None:
        where = at + path
        while where not in lines and len(where) > len(at):
            where = where[:-1]
        found.append((lines.get(where, 0), message))

    for key, value in item.items():
        if key not in kinds["keys"]:
            problem((key,), f"unknown CSL variable {key!r}{did_you_mean(key, kinds['keys'])}")
        elif key == "type":
            if value not in kinds["types"]:
                hint = did_you_mean(value, kinds["types"])
                problem((key,), f"type: {value!r} is not a CSL item type{hint}")
        elif key in kinds["names"]:
            for index, person in enumerate(value if isinstance(value, list) else [value]):
                if not isinstance(person, dict):
                    problem((key, index), f"{key}: each name is a mapping such as "
                                          "{family: Neale, given: Jonathan} or {literal: Reuters}")
                    continue
                for part in person:
                    if part not in NAME_PARTS:
                        problem((key, index, part),
                                f"{key}: unknown name part {part!r}{did_you_mean(part, NAME_PARTS)}")
        elif key in kinds["dates"]:
            if message := _date_problem(key, value):
                problem((key,), message)
        elif key not in ITEM_KEYS and (isinstance(value, bool) or not isinstance(value, TEXT)):
            problem((key,), f"{key}: expected text or a number, not {type(value).__name__}")
        elif key == "URL" and urlsplit(str(value).strip()).scheme.lower() not in ("http", "https"):
            problem((key,), f"URL: {str(value)[:60]!r} is not an http(s) address; notes link only to the web")
    return found


def _date_problem(key: str, value: Any) -> str | None:
    if isinstance(value, dict):
        unknown = [part for part in value if part not in DATE_PARTS]
        if unknown:
            return f"{key}: unknown date part {unknown[0]!r}{did_you_mean(unknown[0], DATE_PARTS)}"
        parts = value.get("date-parts")
        if parts is not None and not (isinstance(parts, list) and parts and all(
                isinstance(p, list) and 1 <= len(p) <= 3 and all(_integer(n) for n in p) for p in parts)):
            return f"{key}: date-parts is a list of [year, month, day] lists, e.g. [[2025, 7, 3]]"
        if parts is not None:
            value = joined(*parts[0])
        else:
            return None  # a literal or raw date is printed as written
    try:
        partial(value)
    except ValueError as error:
        return f"{key}: {error}"
    return None


def _integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return int(value) == float(value)
    except (TypeError, ValueError):
        return False
