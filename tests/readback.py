"""Read a built PDF back: footnote calls and notes by page, fonts, outline, metadata."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


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
    """Calls (7 pt digits in a sans face) and note markers ("N." in semibold 8 pt), by page.

    Read with PDFium, character by character: fifty times faster than pdfplumber on a
    twenty-page brief, which matters for the stress texts."""
    found = Notes()
    for page_number, words in enumerate(_words(pdf_path), start=1):
        for word, font, size in words:
            if abs(size - CALL_SIZE) < 0.05 and word.isdigit() and "Sans" in font:
                found.calls[int(word)].append(page_number)
            marker = _MARKER.match(word)
            if marker and "Semi-Bold" in font and abs(size - 8) < 0.05:
                found.notes[int(marker.group(1))].append(page_number)
    return found


def _words(pdf_path: Path):
    """Per page, (text, font name, size in pt) of each run of characters in one font and size."""
    import ctypes

    import pypdfium2.raw as raw

    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()

    def key(textpage, index):
        raw.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
        # WeasyPrint draws in CSS px (a 0.75 scale): PDFium reports the unscaled size
        return name.value.decode(errors="replace"), round(raw.FPDFText_GetFontSize(textpage, index) * 0.75, 2)

    return _runs(pdf_path, key)


def sized_words(pdf_path: Path) -> list[list[tuple[str, float]]]:
    """Per page, (text, size in pt as printed) of each run of characters in one size between
    spaces: the font's size times the text's scale (a chart drawn for a wider column and scaled
    down prints smaller). Read with PDFium: the sizes pdfplumber gives, ten times faster."""
    import math

    import pypdfium2.raw as raw

    matrix = raw.FS_MATRIX()

    def key(textpage, index):
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        return (round(raw.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d), 2),)

    return list(_runs(pdf_path, key))


def _runs(pdf_path: Path, key):
    """Per page, (text, *key) of each run of characters between spaces with one `key(textpage,
    index)`."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for page in pdf:
            textpage, words, current = page.get_textpage(), [], None
            for index in range(textpage.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(textpage, index))
                if char.isspace() or not char.isprintable():
                    current = None
                    continue
                run = key(textpage, index)
                if current is not None and tuple(current[1:]) == run:
                    current[0] += char
                else:
                    current = [char, *run]
                    words.append(current)
            yield [tuple(word) for word in words]
    finally:
        pdf.close()


def text(pdf_path: Path) -> str:
    """The PDF's text, read with PDFium (thirty times faster than pdfplumber on the sample), its
    lines as pdfplumber gives them: a line that ends in a soft hyphen ends in U+00AD. PDFium
    finds the narrow spaces between the words of small chart labels."""
    stat = Path(pdf_path).stat()
    return _text(str(pdf_path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _text(pdf_path: str, mtime: int, size: int) -> str:
    """Read once per file version: several tests read the text of the same built brief."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:  # PDFium joins a line broken at a soft hyphen, marking the hyphen U+FFFE
        return "\n".join(page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "\xad\n")
                         for page in pdf)
    finally:
        pdf.close()


def note_links(pdf_path: Path) -> list[tuple[int, int, str]]:
    """(page of the link, page it leads to, destination) of each link to a note (`#note-N`),
    read from the PDF's link annotations and its named destinations."""
    import pikepdf

    found = []
    with pikepdf.open(pdf_path) as pdf:
        names = pdf.Root.get("/Names")
        dests = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.get("/Annots", []):
                name = str(annot.get("/Dest", ""))
                if name.startswith("note-") and name in dests:
                    target = pdf.pages.index(pikepdf.Page(dests[name][0])) + 1
                    found.append((number, target, name))
    return found


def misplaced(pdf_path: Path, at_least: int = 0) -> list[str]:
    """What breaks the rule that every call's note is at the foot of the call's page: notes
    numbered out of order or missing, notes off their call's page, links to a note elsewhere."""
    found, problems = notes(pdf_path), []
    numbers = list(range(1, max(len(found.calls), at_least) + 1))
    if not sorted(found.calls) == sorted(found.notes) == numbers:
        problems.append(f"calls {sorted(found.calls)}, notes {sorted(found.notes)}: not 1..N, N>={at_least}")
    problems += [f"note {n} is not on its call's page" for n in found.off_page()]
    problems += [f"a link on page {page} leads to {name} on page {target}"
                 for page, target, name in note_links(pdf_path) if page != target]
    return problems
