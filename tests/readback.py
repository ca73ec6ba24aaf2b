"""Read a built PDF back: footnote calls and notes by page, fonts, outline, metadata."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

#: The think-tank style prints calls at 7 pt and note numbers as "N." in semibold 8 pt.
CALL_SIZE = 7.0
_MARKER = re.compile(r"^(\d+)\.$")


@dataclass
class Notes:
    calls: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # n -> pages
    notes: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def off_page(self) -> list[int]:
        return [n for n, pages in self.calls.items() if self.notes.get(n) != pages]


def notes(pdf_path: Path) -> Notes:
    found = Notes()
    with pdfplumber.open(pdf_path) as pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
            for word in words:
                size, font = round(word["size"], 2), word["fontname"]
                if abs(size - CALL_SIZE) < 0.05 and word["text"].isdigit() and "Sans" in font:
                    found.calls[int(word["text"])].append(page_number)
                marker = _MARKER.match(word["text"])
                if marker and "Semi-Bold" in font and abs(size - 8) < 0.05:
                    found.notes[int(marker.group(1))].append(page_number)
    return found


def text(pdf_path: Path, x_tolerance: float = 3) -> str:
    """The PDF's text; a smaller x_tolerance finds the narrow spaces of small chart labels."""
    with pdfplumber.open(pdf_path) as pdf:
        return "\n".join(page.extract_text(x_tolerance=x_tolerance) or "" for page in pdf.pages)
