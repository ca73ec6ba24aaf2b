"""What each glyph a text box draws stands for: its cluster's text, in extractor reading order."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from . import boxes

#: The width, in thousandths of an em, a glyph of none (a mark, part of a ligature) is given
#: in its own code, and taken back after it: extractors sort glyphs by their edges, and
#: a glyph of no width ties with its neighbour, which rounding then puts either side.
NUDGE = 1


def expected(document, logical: bool = False) -> dict[tuple, set[tuple]]:
    """{(font, glyph id) sequence of a text box: {(the text of each glyph in drawing order,
    the box's words that need an ActualText span)}}. `logical`: right-to-left ActualText in
    reading order, as PDF 32000 means it and assistive technology reads it (tagged variants),
    not in the drawing order poppler and PDFium need (_visual)."""
    found: dict[tuple, set] = defaultdict(set)
    for page in document.pages:
        for box in boxes.page_texts(page):
            if boxes.text(box).strip() and not _plain(box):
                drawn = _drawn(box, document.fonts, logical)
                if drawn:
                    glyphs, spans, backwards = drawn
                    found[tuple(g[:2] for g in glyphs)].add((tuple(g[2] for g in glyphs), spans, backwards))
    return found


def _plain(box) -> bool:
    """Whether WeasyPrint's own mapping already reads the box right, so that shaping it again
    (the pass's cost) can be spared: letters up to Armenian without combining marks, each
    glyph a letter or a ligature of letters, none a glyph that several characters share
    (the hyphens, the spaces) and no hyphen added at the line's end."""
    text = boxes.text(box)
    hyphen = boxes.style(box, "hyphenate_character")
    return not text.endswith(hyphen) and not any(char in _SHARED for char in text) \
        and all(ord(char) < 0x0590 and not unicodedata.category(char).startswith("M") for char in text)


#: Characters a font often draws with one glyph: the first met names it for all.
_SHARED = frozenset("-\u00a0\u00ad\u2007\u2010\u2011\u2012\u2013\u202f")


def _drawn(box, fonts, logical: bool = False) -> tuple[list[tuple[str, int, str]], tuple] | None:
    """(font name, glyph id, text) of each glyph the box draws, in drawing order, as
    weasyprint.draw.text.draw_first_line walks its runs, and the words to wrap in an
    ActualText span; None for what it draws otherwise."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.fonts import get_pango_font_key

    with boxes.first_line(box) as shaped:
        if shaped is None:
            return None
        line, line_text = shaped
        data = line_text.encode()
        glyphs: list[tuple[str, int, str]] = []
        spans: list[tuple[int, int, str]] = []
        backwards: list[int] = []  # glyphs of right-to-left runs
        hyphen = boxes.added_hyphen(box, line_text)
        run = line.runs[0]
        while run != ffi.NULL:
            item, run = run.data, run.next
            key, _, size = get_pango_font_key(item.item.analysis.font)
            font = fonts.get(key)
            if font is None or font.bitmap or font.missing:
                return None  # emoji and fallback glyphs are drawn another way: leave them
            last = item.item.offset + item.item.length == len(data)
            drawn = _run(item, data, pango, font.widths, size, hyphen if last else "", logical)
            if drawn is None:
                return None
            pieces, words = drawn
            spans += [(len(glyphs) + first, len(glyphs) + after, *rest) for first, after, *rest in words]
            if item.item.analysis.level % 2:
                backwards += range(len(glyphs), len(glyphs) + len(pieces))
            glyphs += [(font.hash, gid, text) for gid, text in pieces]
        return glyphs, tuple(spans), frozenset(backwards)


def _run(item, data: bytes, pango, widths: dict, size: float, hyphen: str = "", logical: bool = False):
    """([(glyph id, text)] of one glyph item's drawn glyphs, [(first, after, text)] of its
    words to wrap in ActualText), or None for glyphs drawn otherwise (.notdef).

    Extractors read glyphs in the order of their place on the line (pdfminer sorts a line by
    each glyph's left edge, or right edge right to left), not in drawing order: a vowel sign
    set below its letter may stand past the next letter. Each cluster's text is spread over
    its glyphs in that order, a letter each, the rest to the last; if the line then does not
    read as the text, each cluster's whole text goes to its first glyph read, together with
    the text of clusters read before their glyphs, and later glyphs read as ZERO WIDTH SPACE.
    A cluster that draws no glyph (a joiner) goes with the cluster before it. The `hyphen`
    that ends a hyphenated line reads as SOFT HYPHEN, as ISO 32000-1 14.8.2.2.3 asks."""
    string = item.glyphs
    offset, length, rtl = item.item.offset, item.item.length, item.item.analysis.level % 2
    empty = pango.PANGO_GLYPH_EMPTY
    if not rtl and not hyphen:
        one_each = _one_each(string, data[offset:offset + length], empty, pango.PANGO_GLYPH_UNKNOWN_FLAG)
        if one_each is not None:
            return one_each, []
    glyphs, pen, places, raised, stepped = [], 0.0, {}, set(), set()
    for index in range(string.num_glyphs):
        info = string.glyphs[index]
        gid = info.glyph
        if gid != empty and gid & pango.PANGO_GLYPH_UNKNOWN_FLAG:
            return None
        glyphs.append((gid, string.log_clusters[index]))
        if gid != empty:
            left = pen + info.geometry.x_offset / 1000
            right = left + (widths.get(gid) or NUDGE) * size / 1000
            places[index] = (-right, -left) if rtl else (left, left)
            if info.geometry.y_offset:
                raised.add(index)
                if info.geometry.width:  # a letter off the baseline, not a mark: Nastaliq
                    stepped.add(index)
        pen += info.geometry.width / 1024
    starts = sorted({start for _, start in glyphs})
    ends = dict(zip(starts, [*starts[1:], length], strict=True))
    texts = [data[offset + start:offset + ends[start]].decode("utf-8", "replace") for start in starts]
    if hyphen and texts and texts[-1].endswith(hyphen):
        texts[-1] = texts[-1][:-len(hyphen)] + "\u00ad"
    cluster = {index: starts.index(start) for index, (_, start) in enumerate(glyphs)}
    members: list[list[int]] = [[] for _ in starts]
    for index in places:
        members[cluster[index]].append(index)
    for number in range(len(starts) - 1, 0, -1):  # a glyphless cluster joins the one before
        if not members[number] and any(members[:number]):
            texts[number - 1] += texts[number]
            texts[number] = ""
    for number in range(len(starts) - 1):
        if not members[number]:
            texts[number + 1] = texts[number] + texts[number + 1]
            texts[number] = ""
    reading = sorted(places, key=places.get)
    pieces = _spread(reading, cluster, members, texts, places)
    if "".join(pieces[index] for index in reading).replace(_FILLER, "") != "".join(texts):
        pieces = _greedy(reading, cluster, texts)
    drawn = sorted(places)
    spans = _words(drawn, cluster, members, texts, pieces, raised if rtl else None, logical)
    if rtl and stepped:  # a Nastaliq run: the words poppler would cut read from copies
        for number, (first, after, text, _) in enumerate(spans):
            copy = _copy(string, drawn[first], drawn[after - 1], text if logical else text[::-1], size)
            spans[number] = (first, after, text, copy)
            pieces.update(dict.fromkeys(drawn[first:after], " "))
    return [(glyphs[index][0], pieces[index]) for index in drawn], spans


def _one_each(string, data: bytes, empty: int, unknown: int) -> list[tuple[int, str]] | None:
    """[(glyph id, letter)] of a left-to-right run that draws one glyph per letter, in order, on
    the baseline and with no mark: what the full reading (_run) would find, at a fraction of its
    cost (most runs of most briefs); None for any other run."""
    text = data.decode("utf-8", "replace")
    if string.num_glyphs != len(text) or (not text.isascii() and any(
            unicodedata.category(char).startswith("M") for char in text)):
        return None
    glyphs, start, pen, last = [], 0, 0.0, float("-inf")
    for index, char in enumerate(text):
        info = string.glyphs[index]
        geometry = info.geometry
        left = pen + geometry.x_offset / 1000  # as _run places it: read in drawing order
        if info.glyph == empty or info.glyph & unknown or string.log_clusters[index] != start \
                or geometry.y_offset or left < last:
            return None
        glyphs.append((info.glyph, char))
        start += len(char.encode())
        pen, last = pen + geometry.width / 1024, left
    return glyphs


def _copy(string, first: int, last: int, text: str, size: float) -> tuple[str, int, float, float]:
    """(text, width, x offset, rise) of the invisible copy of a Nastaliq word that reads
    `text`, on the line from its first glyph drawn to its last, in thousandths of an em and
    points.

    Nastaliq letters step down a slanted line, up to half an em off it, and overlap: pdfminer,
    which reads glyphs and not ActualText, sorts them into several lines. The word's glyphs
    read as spaces, which every extractor drops, and one invisible glyph as wide as the word
    reads as the word (in an ActualText in drawing order for poppler, see _visual)."""
    width = sum(string.glyphs[index].geometry.width for index in range(first, last + 1))
    geometry = string.glyphs[first].geometry
    return text, round(width * 1000 / 1024 / size), geometry.x_offset / size, geometry.y_offset / 1000


#: What a glyph whose text another glyph carries reads as: PDF/A wants a value for every glyph.
_FILLER = "\u200b"


def _spread(reading, cluster, members, texts, places) -> dict[int, str]:
    """Each cluster's text over its glyphs in reading order: a letter each, the rest to the last."""
    pieces = {}
    for number, indices in enumerate(members):
        if indices:
            ordered = sorted(indices, key=places.get)
            pieces.update(zip(ordered, _split(texts[number], len(ordered)), strict=True))
    return pieces


def _greedy(reading, cluster, texts) -> dict[int, str]:
    """Each glyph read carries the text of every cluster not yet read up to its own; a glyph
    whose cluster was read before reads as the filler."""
    pieces, done = {}, -1
    for index in reading:
        number = cluster[index]
        if number > done:
            pieces[index] = "".join(texts[done + 1:number + 1])
            done = number
        else:
            pieces[index] = _FILLER
    return pieces


def _split(text: str, count: int) -> list[str]:
    """`text` in `count` pieces that read as `text` in a row: a letter each, the rest to the
    last; a glyph with no letter left reads as the filler."""
    if count >= len(text):
        return [*text, *[_FILLER] * (count - len(text))]
    return [*text[:count - 1], text[count - 1:]]


def _marked(text: str) -> bool:
    """Whether `text` holds a mark: poppler cuts a word after a mark drawn back over its letter."""
    return any(unicodedata.category(char) in ("Mn", "Mc", "Me") for char in text)


def _words(drawn, cluster, members, texts, pieces, raised=None, logical=False) -> list[tuple[int, int, str]]:
    """(first glyph, glyph after the last, text) in drawing order of each word that poppler
    would not read whole from its glyphs, for its ActualText: in a left-to-right run a word
    with a mark, a cluster of several glyphs or letters, or glyphs out of order; in a
    right-to-left one (`raised`: its glyphs drawn off the baseline) a word with a mark, a
    raised glyph or a glyph that reads as the filler, its text in drawing order (_visual)."""
    position = {index: number for number, index in enumerate(drawn)}
    spans, word = [], []
    for number in [*range(len(texts)), None]:
        if number is not None and not texts[number].isspace():
            word.append(number)
            continue
        indices = sorted(index for n in word for index in members[n])
        text = "".join(texts[n] for n in word)
        if raised is not None:
            needed = _marked(text) or raised.intersection(indices) or _FILLER in (pieces[i] for i in indices)
            text = (text if _visual(text) else "") if logical else _visual(text)
        else:
            needed = _marked(text) or any(len(members[n]) > 1 or len(texts[n]) > 1 for n in word) \
                or "".join(pieces[i] for i in indices) != text
        if indices and text and needed:
            first, last = position[indices[0]], position[indices[-1]]
            if last - first + 1 == len(indices):  # the word's glyphs follow one another
                spans.append((first, last + 1, text, None))
        word = []
    return spans


def _visual(text: str) -> str:
    """A right-to-left word's letters in the order they are drawn, "" if it holds a
    left-to-right letter or a digit. Poppler and PDFium lay an ActualText's characters left
    to right over the span and then reverse the line's right-to-left runs, as they do with
    drawn glyphs: a word given in reading order comes out backwards in both (147 of 148
    words of the Arabic brief), in drawing order whole."""
    if any(unicodedata.bidirectional(char) in ("L", "EN", "AN") for char in text):
        return ""
    return text[::-1]
