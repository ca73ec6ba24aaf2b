"""Readers that keep the line of every value: text, YAML (and JSON), CSV, model validation."""

from __future__ import annotations

import csv
import io
import typing
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import yaml_errors
from .errors import Problems, did_you_mean

#: Bigger input files are refused: a brief is text, not a data dump.
MAX_FILE_BYTES = 20 * 1024 * 1024

Lines = dict[tuple, int]
#: How deep lists and mappings may nest in a brief's YAML (its own files need four or five).
MAX_DEPTH = 50
#: libyaml's parser when PyYAML was built with it (it is ten times faster), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Byte-order marks of the encodings editors offer besides UTF-8 (longest first: UTF-32 LE
#: starts like UTF-16 LE).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


class Unreadable(Exception):
    """A file could not be read or parsed; the problem is already recorded."""


def read_text(path: Path, problems: Problems) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(path, 0, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB")
            raise Unreadable
        data = path.read_bytes()
        # utf-8-sig: a byte-order mark (Windows editors write one) is not part of the text
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        wide = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)
        problems.add(path, 0, f"saved as {wide}; save it as UTF-8" if wide else
                     f"not UTF-8 text ({exc.reason}); save it as UTF-8")
    except OSError as exc:
        problems.add(path, 0, f"cannot read: {exc.strerror}")
    raise Unreadable


def parse_yaml(path: Path, text: str, problems: Problems) -> tuple[Any, Lines]:
    """YAML (or JSON, a subset) to plain data plus the line of every key and item.

    Problems inside values (a control character, an impossible date) are all recorded and the
    rest of the file is still read; aliases and tags stop the file before any value is built."""
    if path.suffix.lower() == ".json":
        # JSON exports (Zotero's among them) indent with tabs, which YAML forbids; valid JSON
        # has no raw tab inside a string, so spaces mean the same.
        text = text.replace("\t", " ")
    loader = None
    try:
        refused = _screen(text)
        for line, message in refused:
            problems.add(path, line, message)
        if refused:
            raise Unreadable
        loader = _LOADER(text)
        root = loader.get_single_node()
        if root is None:
            return None, {}
        builder = _Builder(loader, path, problems)
        return builder.build(root), builder.lines
    except yaml.MarkedYAMLError as exc:
        line, message = yaml_errors.explain(exc, text)
        problems.add(path, line, f"not valid YAML: {message}")
    except yaml.reader.ReaderError as exc:  # a control character, before any parsing
        line = text.count("\n", 0, exc.position) + 1
        problems.add(path, line, f"character #x{exc.character:04x} is not allowed in YAML; remove it")
    except yaml.YAMLError as exc:
        problems.add(path, 0, f"not valid YAML: {exc}")
    finally:
        if loader is not None:
            loader.dispose()
    raise Unreadable


def _screen(text: str) -> list[tuple[int, str]]:
    """Aliases can multiply a small file into a huge value (an "alias bomb"), and tags ask for
    types or includes a brief never needs (`!!python/object`, `!include`): refuse both."""
    found = []
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            found.append((line, f"YAML aliases (*{event.anchor}) are not supported; write the value out"))
        elif getattr(event, "tag", None) is not None:
            found.append((line, f"YAML tags ({event.tag}) are not supported; remove the tag and "
                                "write the value itself"))
    return found


def control_characters(value: str) -> str | None:
    """A description of the control characters in `value` (tabs and line breaks are text)."""
    found = sorted({c for c in value if _control(c)})
    return ", ".join(f"U+{ord(c):04X}" for c in found) or None


def visible(text: str) -> bool:
    """Whether text has anything a reader can see: not only spaces, joiners, format marks
    (ZWSP, BOM, soft hyphen), combining marks with no letter, or blank "filler" letters."""
    return any(unicodedata.category(c) not in INVISIBLE and c not in BLANK_LETTERS for c in text)


#: Categories that print nothing on their own: spaces, controls, format marks, lone combining marks.
INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me", "Cn"}
#: Letters and symbols drawn as blanks (Hangul fillers, the blank Braille pattern).
BLANK_LETTERS = set("\u115f\u1160\u3164\uffa0\u2800")


def _control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in "\t\n\r"


class _Builder:
    """Plain values from a YAML node tree, with the line of every key and item."""

    def __init__(self, loader, path: Path, problems: Problems):
        self.loader, self.path, self.problems = loader, path, problems
        self.lines: Lines = {}

    def build(self, node, path: tuple = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:  # briefs nest a few levels; this deep is an attack or a slip
            self.problems.add(self.path, node.start_mark.line + 1,
                              f"values nest more than {MAX_DEPTH} levels deep; a brief needs a few")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.add(self.path, line, "a key must be plain text, not a list or mapping")
                    continue
                key = self.scalar(key_node)
                if key in result:
                    self.problems.add(self.path, line, f"duplicate key {key!r} "
                                      f"(first on line {self.lines[path + (key,)]})")
                    continue
                self.lines[path + (key,)] = line
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError:  # an impossible unquoted date such as 2025-02-30: the text it is
            return node.value  # (a date field then says why it is not a date; a title keeps it)
        if isinstance(value, str) and node.style == ">":
            # A folded scalar keeps a blank line as one "\n", which Markdown reads as a space:
            # the paragraph break the author wrote is given back as a blank line.
            value = value.replace("\n", "\n\n")
        if isinstance(value, str) and (found := control_characters(value)):
            self.problems.add(self.path, node.start_mark.line + 1,
                              f"control character {found} in {value[:40]!r}; remove it")
            return "".join(c for c in value if not _control(c))
        return value


def validate(model: type[BaseModel], data: Any, path: Path, lines: Lines, problems: Problems,
             prefix: tuple = (), **extra) -> Any:
    """Validate one item; each pydantic error becomes a problem at the line of its key."""
    try:
        return model.model_validate({**data, **extra} if isinstance(data, dict) else data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = prefix + tuple(error["loc"])
            problems.add(path, line_of(lines, loc), _explain(model, error, loc))
    return None


def line_of(lines: Lines, loc: tuple) -> int:
    """The line of a key, or of the nearest key enclosing it (0 when none is known)."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 0)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model that holds the last key of `loc`, e.g. Author for ("authors", 0, "bio")."""
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            continue
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), model)
    return model


def _explain(model: type[BaseModel], error: dict, loc: tuple) -> str:
    field = ".".join(str(part) for part in loc) or "this file"
    if error["type"] == "extra_forbidden":
        known = [k for k in _model_at(model, loc).model_fields if k not in ("line", "extra")]
        hint = did_you_mean(loc[-1], known) or f"; known keys: {', '.join(known)}"
        return f"unknown key {loc[-1]!r}{hint}"
    if error["type"] == "missing":
        return f"{field} is required"
    if error["type"] == "string_type" and isinstance(error.get("input"), (bool, int, float)):
        # YAML 1.1 reads NO, yes, 1.10 and 2024 as booleans and numbers: say so, never coerce.
        return (f"{field}: expected text, but YAML read {error['input']!r}; "
                "put the value in quotes")
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def csv_rows(path: Path, text: str, problems: Problems,
             columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """CSV rows as (line, row) under a header of known `columns`; problems name the line."""
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\0extra")
    unknown = [name for name in reader.fieldnames or [] if name.strip() not in columns]
    other = [sep for sep in ";\t|" if len(reader.fieldnames or []) == 1 and sep in reader.fieldnames[0]]
    if other:
        problems.add(path, 1, f"the header has one column: separate columns with commas, not {other[0]!r}")
        return []
    if unknown:
        problems.add(path, 1, f"unknown column {unknown[0]!r}; columns: {', '.join(columns)}")
        return []
    rows = []
    for row in reader:
        if "\0extra" in row or None in row.values():
            problems.add(path, reader.line_num, "row has a different number of cells than the header")
            continue
        cells = {k.strip(): (v or "").strip() for k, v in row.items()}
        for column, cell in cells.items():
            if found := control_characters(cell):
                problems.add(path, reader.line_num, f"{column}: control character {found}; remove it")
        rows.append((reader.line_num, cells))
    return rows
