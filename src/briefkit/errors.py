"""The exception tree: every error a user can cause, with where it happened."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Problem:
    """One mistake in the input: a file, a line (0 when unknown) and what to do."""

    file: Path | str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


def did_you_mean(word: str, known) -> str:
    """"; did you mean 'x'?" for the known name closest to a misspelt one, else ""."""
    import difflib

    close = difflib.get_close_matches(str(word), sorted(map(str, known)), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class BriefError(click.ClickException):
    """Root of briefkit's errors; click prints the message and exits with `exit_code`."""

    #: 1: the brief has errors (exit codes are documented in the README).
    exit_code = 1


class InputError(BriefError):
    """The brief's files have one or more problems, all reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line))
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{head} in the brief:\n" + "\n".join(f"  {p}" for p in self.problems))


class StyleError(BriefError):
    """A house style cannot be found or is malformed."""


class UsageError(BriefError):
    """The command asks for something that cannot be done, such as writing over an input."""

    exit_code = 2


class RenderError(BriefError):
    """WeasyPrint or Matplotlib failed on input that passed validation."""

    exit_code = 3


class OutputError(BriefError):
    """The PDF could not be written where asked."""

    exit_code = 3


class Problems:
    """A collector: stages add problems as they find them and raise once at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: Path | str, line: int, message: str) -> None:
        self.items.append(Problem(file, line or 0, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)
