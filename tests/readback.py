"""Read a built PDF back: footnote calls and notes by page, fonts, outline, metadata."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


#: The think-tank style prints calls at 7 pt and note numbers as "N." in semibold 8 pt.
CALL_SIZE = 7.0
#: A note's marker, "12." in any script's digits; ".12" as PDFium reads a right-to-left page, in
#: visual order.
_MARKER = re.compile(r"^(\d+)\.$|^\.(\d+)$")


@dataclass
class Notes:
    calls: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))  # n -> pages
    notes: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def off_page(self) -> list[int]:
        return [n for n, pages in self.calls.items() if self.notes.get(n) != pages]


def notes(pdf_path: Path) -> Notes:
    """Calls (7 pt digits) and note markers ("N." in a bold or semibold 8 pt face, where its
    note's first line begins), by page, in any script's digits.

    Read with PDFium, character by character: fifty times faster than pdfplumber on a
    twenty-page brief, which matters for the stress texts."""
    found = Notes()
    for page_number, words in enumerate(_words(pdf_path, baseline=True), start=1):
        for index, (word, font, size, baseline) in enumerate(words):
            if abs(size - CALL_SIZE) < 0.05 and word.isdigit():
                found.calls[int(word)].append(page_number)
            if "Bold" not in font or abs(size - 8) >= 0.05:
                continue
            before, after = (words[i] if 0 <= i < len(words) else None for i in (index - 1, index + 1))
            # A note's first line begins with its marker, drawn first, right to left too: a bold
            # "7." inside a note's text is no marker. Urdu's marker is drawn among its line's
            # words, its full stop a bold run of its own beside its digits (another face).
            starts = before is None or before[3] != baseline
            if word.isdigit() and any(w and w[0] == "." and "Bold" in w[1] for w in (before, after)):
                word, starts = f"{word}.", True
            marker = _MARKER.match(word)
            if marker and starts:
                found.notes[int(marker[1] or marker[2])].append(page_number)
    return found


def _words(pdf_path: Path, baseline: bool = False):
    """Per page, (text, font name, size in pt) of each run of characters in one font and size;
    with `baseline`, in one line too, and its baseline's height last."""
    import ctypes

    import pypdfium2.raw as raw

    name, flags, x, y = ctypes.create_string_buffer(256), ctypes.c_int(), ctypes.c_double(), ctypes.c_double()

    def key(textpage, index):
        raw.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
        # WeasyPrint draws in CSS px (a 0.75 scale): PDFium reports the unscaled size
        found = name.value.decode(errors="replace"), round(raw.FPDFText_GetFontSize(textpage, index) * 0.75, 2)
        if baseline:
            raw.FPDFText_GetCharOrigin(textpage, index, x, y)
            found += (round(y.value),)
        return found

    return _runs(pdf_path, key)


def sized_words(pdf_path: Path) -> list[list[tuple[str, float]]]:
    """Per page, (text, size in pt as printed) of each run of characters in one size between
    spaces: the font's size times the text's scale (a chart drawn for a wider column and scaled
    down prints smaller). Read with PDFium: the sizes pdfplumber gives, ten times faster."""
    return list(_runs(pdf_path, _printed_size()))


def _printed_size():
    """A `_runs` key: the character's size in pt as printed, its font's size times its scale."""
    import math

    import pypdfium2.raw as raw

    matrix = raw.FS_MATRIX()

    def key(textpage, index):
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        return (round(raw.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d), 2),)

    return key


def placed_words(pdf_path: Path) -> list[list[tuple[str, str, float, float, float, float, float]]]:
    """Per page, (text, font name, size in pt as printed, x0, top, x1, bottom) of each run of
    characters in one font and size between spaces: pdfplumber's `extract_words` with its
    "fontname" and "size", read with PDFium."""
    import ctypes

    import pypdfium2.raw as raw

    name, flags, size = ctypes.create_string_buffer(256), ctypes.c_int(), _printed_size()

    def key(textpage, index):
        raw.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
        return name.value.decode(errors="replace"), *size(textpage, index)

    return list(_runs(pdf_path, key, _char_box()))


def _char_box():
    """`box(textpage, index, page height)`: a character's (x0, top, x1, bottom) as pdfminer boxes
    it, from its baseline's descent to one font size above, top-based."""
    import ctypes
    import math

    import pypdfium2.raw as raw

    rect, matrix, descent = raw.FS_RECTF(), raw.FS_MATRIX(), ctypes.c_float()
    x, y = ctypes.c_double(), ctypes.c_double()

    def box(textpage, index, height):
        raw.FPDFText_GetLooseCharBox(textpage, index, rect)
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        size = raw.FPDFText_GetFontSize(textpage, index)
        font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(textpage, index))
        raw.FPDFFont_GetDescent(font, ctypes.c_float(size), ctypes.byref(descent))
        scale = math.hypot(matrix.c, matrix.d)
        bottom = y.value + descent.value * scale
        return rect.left, height - bottom - size * scale, rect.right, height - bottom

    return box


def _runs(pdf_path: Path, key, box=None):
    """Per page, (text, *key) of each run of characters between spaces with one `key(textpage,
    index)`; with `box(textpage, index, page height)`, then the run's x0, top, x1, bottom."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for page in pdf:
            textpage, words, current, height = page.get_textpage(), [], None, page.get_height()
            for index in range(textpage.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(textpage, index))
                if char.isspace() or not char.isprintable():
                    current = None
                    continue
                run = key(textpage, index)
                bounds = box(textpage, index, height) if box else ()
                if current is not None and current[1] == run:
                    current[0] += char
                    if bounds:
                        current[2] = [min(current[2][0], bounds[0]), min(current[2][1], bounds[1]),
                                      max(current[2][2], bounds[2]), max(current[2][3], bounds[3])]
                else:
                    current = [char, run, list(bounds)]
                    words.append(current)
            yield [(word, *run, *bounds) for word, run, bounds in words]
    finally:
        pdf.close()


def text(pdf_path: Path) -> str:
    """The PDF's text, read with PDFium (thirty times faster than pdfplumber on the sample), its
    lines as pdfplumber gives them: a line that ends in a soft hyphen ends in U+00AD. PDFium
    finds the narrow spaces between the words of small chart labels."""
    return "\n".join(page_texts(pdf_path))


def page_texts(pdf_path: Path) -> tuple[str, ...]:
    """Each page's text, as `text` reads it."""
    stat = Path(pdf_path).stat()
    return _text(str(pdf_path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _text(pdf_path: str, mtime: int, size: int) -> tuple[str, ...]:
    """Read once per file version: several tests read the text of the same built brief."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:  # PDFium joins a line broken at a soft hyphen, marking the hyphen U+FFFE
        return tuple(page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "\xad\n")
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


def boxes(pdf_path: Path, shapes: bool = True) -> list[tuple[float, float, list[tuple[str, float, float, float, float]]]]:
    """Per page, (width, height, [(what, x0, top, x1, bottom)]) of each character (what: the
    character), image and straight-edged path ("image", "path"), top-based as pdfplumber's: a
    character from its baseline's descent to one font size above, as pdfminer boxes it.
    Read with PDFium, off-page characters included; curved paths (pdfplumber's curves) left out;
    with `shapes=False`, the characters only."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages, pdf, box = [], pdfium.PdfDocument(pdf_path), _char_box()
    try:
        for page in pdf:
            height, found, textpage = page.get_height(), [], page.get_textpage()
            for index in range(textpage.count_chars()):
                if not raw.FPDFText_IsGenerated(textpage, index):  # not a space or line break PDFium infers
                    found.append((chr(raw.FPDFText_GetUnicode(textpage, index)), *box(textpage, index, height)))
            found += [(kind, x0, height - y1, x1, height - y0) for kind, x0, y0, x1, y1 in (_shapes(page) if shapes else ())]
            pages.append((page.get_width(), height, found))
    finally:
        pdf.close()
    return pages


def _shapes(page):
    """(kind, x0, y0, x1, y1) of each image and straight-edged path on the page, in its forms too."""
    import ctypes

    import pypdfium2.raw as raw

    left, bottom, right, top, width = (ctypes.c_float() for _ in range(5))
    fill, stroked, matrix = ctypes.c_int(), ctypes.c_int(), raw.FS_MATRIX()

    def walk(objects, transform):
        for obj in objects:
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                raw.FPDFPageObj_GetMatrix(obj, matrix)
                inner = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                yield from walk([raw.FPDFFormObj_GetObject(obj, i) for i in range(raw.FPDFFormObj_CountObjects(obj))],
                                _compose(inner, transform))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE or kind == raw.FPDF_PAGEOBJ_PATH and not any(
                    raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(obj, i)) == raw.FPDF_SEGMENT_BEZIERTO
                    for i in range(raw.FPDFPath_CountSegments(obj))):
                raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
                if kind == raw.FPDF_PAGEOBJ_PATH:  # pdfminer boxes a path's outline: PDFium its stroke too
                    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroked))
                    raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))
                    half = width.value / 2 if stroked.value else 0
                    left.value, bottom.value, right.value, top.value = (
                        left.value + half, bottom.value + half, right.value - half, top.value - half)
                corners = [_apply(transform, px.value, py.value) for px in (left, right) for py in (bottom, top)]
                xs, ys = [cx for cx, _ in corners], [cy for _, cy in corners]
                yield ("image" if kind == raw.FPDF_PAGEOBJ_IMAGE else "path", min(xs), min(ys), max(xs), max(ys))

    yield from walk([raw.FPDFPage_GetObject(page, i) for i in range(raw.FPDFPage_CountObjects(page))],
                    (1, 0, 0, 1, 0, 0))


def _compose(first, then):
    """The PDF matrix (a, b, c, d, e, f) that applies FIRST, then THEN."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(matrix, x, y):
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f
