"""Markdown pipe tables as a publisher sets them: Pandoc's `Table:` captions and number columns."""

from __future__ import annotations

import re

from markdown_it.token import Token

#: Pandoc's caption paragraph (its `table_captions` extension): "Table: ...", "table: ..." or ": ...".
CAPTION = re.compile(r"^(?:[Tt]able)?:[ \t]+")
#: A cell that is a number: a sign, a currency, digits with their group and decimal marks, a
#: percent ("1,200", "−3.5", "$45", "12%", "2,150.5", "1 200").
NUMBER = re.compile(r"[-−+–]?[$€£¥₽]?\s?\d[\d,.\u00a0\u202f\u2009 ]*\s?[%‰]?")
#: A year: a label, not a quantity, so a column of years stays at the start like other labels.
YEAR = re.compile(r"[12]\d{3}")
#: Cells that say "no value" and leave a column's kind open.
EMPTY = {"", "-", "–", "—", "n/a", "n.a.", "..", "…"}


def prepare(tokens: list[Token]) -> list[Token]:
    """The block tokens with each table's caption paragraph (just before or just after it) moved
    into the table's meta["caption"] (its inline token, the "Table:" taken off), and the cells
    of each column whose body cells are all numbers given the class "number"."""
    tokens = list(tokens)
    index = 0
    while index < len(tokens):
        if tokens[index].type == "table_open":
            level = tokens[index].level
            caption = None
            if index >= 3 and _caption(tokens[index - 3:index], level):
                caption = tokens[index - 2]
                del tokens[index - 3:index]
                index -= 3
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close"
                       and tokens[i].level == level)
            if caption is None and _caption(tokens[end + 1:end + 4], level):
                caption = tokens[end + 2]
                del tokens[end + 1:end + 4]
            if caption is not None:
                first = caption.children[0]
                first.content = CAPTION.sub("", first.content, count=1)
            tokens[index].meta = {**(tokens[index].meta or {}), "caption": caption}
            tokens[index].attrJoin("class", "table")
            _number_columns(tokens[index:end + 1])
            index = end
        index += 1
    return tokens


def _caption(three: list[Token], level: int) -> bool:
    return (len(three) == 3 and [t.type for t in three] == ["paragraph_open", "inline", "paragraph_close"]
            and three[0].level == level and bool(three[1].children) and three[1].children[0].type == "text"
            and bool(CAPTION.match(three[1].content)))


def _number_columns(table: list[Token]) -> None:
    """Right-align (class "number") the head and body cells of columns of numbers (not years)."""
    cells: list[tuple[int, Token, Token, bool]] = []  # (column, open token, inline, in body)
    column, body = 0, False
    for position, token in enumerate(table):
        if token.type == "tbody_open":
            body = True
        elif token.type == "tr_open":
            column = 0
        elif token.type in ("th_open", "td_open"):
            cells.append((column, token, table[position + 1], body))
            column += 1
    kinds: dict[int, bool] = {}
    years: dict[int, bool] = {}
    for column, _, inline, body in cells:
        text = inline.content.strip()
        if body and text.casefold() not in EMPTY:
            kinds[column] = kinds.get(column, True) and bool(NUMBER.fullmatch(text))
            years[column] = years.get(column, True) and bool(YEAR.fullmatch(text))
    for column, token, _, _ in cells:
        if kinds.get(column) and not years.get(column):
            token.attrJoin("class", "number")
