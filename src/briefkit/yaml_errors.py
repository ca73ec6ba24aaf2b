"""YAML syntax errors in plain words: what the mistake usually is and how to fix it.

PyYAML (and libyaml, its faster parser) describe the parser's state ("mapping values are not
allowed in this context"); a person needs the usual cause ("a colon inside a value") and the fix.
Both parsers' wordings are recognised, since either may be installed."""

from __future__ import annotations

import re

import yaml


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line to blame (1-based, 0 when unknown) and a message saying what to do."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    lines = text.splitlines()
    source = lines[mark.line] if mark and mark.line < len(lines) else ""
    column = mark.column if mark else 0
    opened = exc.context_mark.line + 1 if exc.context_mark else line
    problem, context = exc.problem or "", exc.context or ""

    if "mapping values are not allowed" in problem:
        if re.search(r":(\s|$)", source[:column]):  # a `key: ` before this colon on the same line
            key, _, value = source.strip().partition(":")
            value = value.strip().replace('"', '\\"')
            return line, (f"a colon inside a value; put the value in quotes: "
                          f'{key.lstrip("- ")}: "{value}"')
        return line, ("this key is indented more than the line above; line it up with the keys "
                      "it belongs to (or, if the line above is text that goes on, put that text "
                      "in quotes)")
    if "'-' indicator" in problem or ("block collection" in context and "<block end>" in problem):
        return line, ("this line is not lined up with the list item above it: start every item "
                      "with '- ' at the same indent and put an item's keys under its first key")
    if "expected key" in problem or ("block mapping" in context and "<block end>" in problem):
        if re.match(r"""\s*(- )?[^:#]+:\s*(["']).*?\2\s*[^\s#]""", source):
            return line, "text after the closing quote; put the whole value inside the quotes"
        return line, ("this line is not lined up with the keys above it; indent it like the "
                      "other keys of its mapping")
    if "tab" in problem or "'\\t'" in problem:
        return line, "a tab in the indentation; YAML indents with spaces only"
    if "quoted scalar" in context and "end of stream" in problem:
        return opened, ("a quoted value that is never closed; end it with the same quote mark "
                        "it starts with")
    if "escape character" in problem:
        return line, ("a backslash in double quotes starts an escape such as \\n; write \\\\ for a "
                      "backslash, or use single quotes")
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        closing = "]" if bracket == "[" else "}"
        return line, (f"the {bracket} opened on line {opened} is not closed with {closing}, or "
                      f"its items are not separated by commas; put an item with a colon or a "
                      f"comma inside in quotes")
    if "cannot start any token" in problem:
        char = source[column:column + 1] or "this character"
        return line, f"a value cannot start with {char}; put the value in quotes"
    if "alias" in context or "anchor" in context:
        char = "*" if "alias" in context else "&"
        return opened, (f"a value cannot start with {char} (YAML reads it as a reference); "
                        "put the value in quotes")
    if "simple key" in context and "':'" in problem:
        return opened, ("a line with no 'key:'; add the key, or if the line continues the value "
                        "above, indent it under that value (or quote the value)")
    if "sequence entries are not allowed" in problem:
        return line, ("a list item ('- ') cannot follow a key on the same line; put the items on "
                      "the lines below, indented, or write [a, b]")
    if "node content" in problem:
        return line, ("a value is missing here: two commas in a row, or a dash, key or comma "
                      "with nothing after it")
    if "block scalar" in context:
        return line, ("after | or > only a line break may follow; put the text on the next lines, "
                      "indented, or put a value that starts with | or > in quotes")
    if "single document" in context:
        return line, "a second document (after ---); a file holds one: remove the ---"
    return line, problem or str(exc)
