"""Searchable text: every glyph drawn gets the text it stands for where it is drawn."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .. import logger

#: A glyph string of a TJ array: WeasyPrint writes vector glyph ids as four hex digits.
_GLYPHS = re.compile(rb"<([0-9a-f]*)>")
_FONT = re.compile(rb"^/(\S+) \S+ Tf$")
#: The highest code a two-byte Identity-H font can use.
_LAST_CODE = 0xFFFF
#: The width, in thousandths of an em, a glyph of none (a mark, part of a ligature) is given
#: in its own code, and taken back after it: extractors sort glyphs by their edges, and
#: a glyph of no width ties with its neighbour, which rounding then puts either side.
_NUDGE = 1
#: How far, in thousandths of an em, the invisible glyph that carries a glyph's other letters
#: reaches either side of the glyph's left edge: past it for poppler (which orders by the
#: left edge), short of it for pdfminer (which orders right-to-left text by the right edge).
_HELPER = 20


def searchable(document, pdf) -> int:
    """Give each glyph occurrence the text of its place, for extractors that read ToUnicode
    (pdfminer, poppler): WeasyPrint maps a glyph id to one string for the whole file, the text
    of the cluster it first met it in, so a vowel sign drawn before its consonant, a reph or a
    mark read as nothing or as another word's letters. Each glyph run WeasyPrint drew is matched
    to the laid-out text box it came from by its glyph ids; the cluster's text is spread over
    its glyphs in reading order, and a glyph whose piece differs from its file-wide mapping
    gets a code of its own (same glyph, same width). Returns how many glyph runs were
    rewritten; a run that matches no box, or boxes of different texts, is left as it was."""
    fonts = _Fonts(pdf)
    expected = _expected(document)
    rewritten, changes = 0, {}
    for stream in list(_content_streams(pdf)):
        for block in _blocks(stream):
            texts = expected.get(tuple(block.glyphs))
            if texts is None or len(texts) != 1:
                continue  # no box drew these glyphs, or boxes of different texts did: keep
            pieces, spans, backwards = next(iter(texts))
            edits = _rewrite(stream, block, pieces, spans, backwards, fonts)
            if edits:
                changes.setdefault(id(stream), (stream, {}))[1].update(edits)
                rewritten += 1
    for stream, edits in changes.values():
        stream.stream[:] = [new for number, old in enumerate(stream.stream)
                            for new in edits.get(number, [old])]
    fonts.write()
    logger.debug("searchable text: %d glyph runs given their own codes", rewritten)
    return rewritten


def _expected(document) -> dict[tuple, set[tuple]]:
    """{(font, glyph id) sequence of a text box: {(the text of each glyph in drawing order,
    the box's words that need an ActualText span)}}."""
    from weasyprint.formatting_structure.boxes import TextBox

    found: dict[tuple, set] = defaultdict(set)
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, TextBox) and box.text.strip():
                drawn = _drawn(box, document.fonts)
                if drawn:
                    glyphs, spans, backwards = drawn
                    found[tuple(g[:2] for g in glyphs)].add((tuple(g[2] for g in glyphs), spans, backwards))
    return found


def _drawn(box, fonts) -> tuple[list[tuple[str, int, str]], tuple] | None:
    """(font name, glyph id, text) of each glyph the box draws, in drawing order, as
    weasyprint.draw.text.draw_first_line walks its runs, and the words to wrap in an
    ActualText span; None for what it draws otherwise."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.fonts import get_pango_font_key

    style = box.style
    if style["font_size"] < 1e-6 or style["text_overflow"] == "ellipsis" \
            or style["block_ellipsis"] != "none" or style["visibility"] != "visible":
        return None
    layout = box.pango_layout
    layout.reactivate(style)
    try:
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        line, _ = layout.get_first_line()
        data = layout.text.encode()
        glyphs: list[tuple[str, int, str]] = []
        spans: list[tuple[int, int, str]] = []
        backwards: list[int] = []  # glyphs of right-to-left runs
        # WeasyPrint ends a hyphenated line with the hyphenate character: the text has none
        hyphen = style["hyphenate_character"] if style["hyphens"] != "none" \
            and layout.text.endswith(style["hyphenate_character"]) and layout.text[:-1][-1:].isalpha() else ""
        run = line.runs[0]
        while run != ffi.NULL:
            item, run = run.data, run.next
            key, _, size = get_pango_font_key(item.item.analysis.font)
            font = fonts.get(key)
            if font is None or font.bitmap or font.missing:
                return None  # emoji and fallback glyphs are drawn another way: leave them
            last = item.item.offset + item.item.length == len(data)
            drawn = _run(item, data, pango, font.widths, size, hyphen if last else "")
            if drawn is None:
                return None
            pieces, words = drawn
            spans += [(len(glyphs) + first, len(glyphs) + after, text) for first, after, text in words]
            if item.item.analysis.level % 2:
                backwards += range(len(glyphs), len(glyphs) + len(pieces))
            glyphs += [(font.hash, gid, text) for gid, text in pieces]
        return glyphs, tuple(spans), frozenset(backwards)
    finally:
        layout.deactivate()


def _run(item, data: bytes, pango, widths: dict, size: float, hyphen: str = ""):
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
    glyphs, pen, places = [], 0.0, {}
    for index in range(string.num_glyphs):
        info = string.glyphs[index]
        gid = info.glyph
        if gid != empty and gid & pango.PANGO_GLYPH_UNKNOWN_FLAG:
            return None
        glyphs.append((gid, string.log_clusters[index]))
        if gid != empty:
            left = pen + info.geometry.x_offset / 1000
            right = left + (widths.get(gid) or _NUDGE) * size / 1000
            places[index] = (-right, -left) if rtl else (left, left)
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
    return [(glyphs[index][0], pieces[index]) for index in sorted(places)], \
        [] if rtl else _words(sorted(places), cluster, members, texts, pieces)


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


def _words(drawn, cluster, members, texts, pieces) -> list[tuple[int, int, str]]:
    """(first glyph, glyph after the last, text) in drawing order of each word of a
    left-to-right run that poppler would not read whole from its glyphs: a word with a mark,
    a cluster of several glyphs or letters, or glyphs out of order. Its ActualText gives it."""
    position = {index: number for number, index in enumerate(drawn)}
    spans, word = [], []
    for number in [*range(len(texts)), None]:
        if number is not None and not texts[number].isspace():
            word.append(number)
            continue
        indices = sorted(index for n in word for index in members[n])
        text = "".join(texts[n] for n in word)
        if indices and (_marked(text) or any(len(members[n]) > 1 or len(texts[n]) > 1 for n in word)
                        or "".join(pieces[i] for i in indices) != text):
            first, last = position[indices[0]], position[indices[-1]]
            if last - first + 1 == len(indices):  # the word's glyphs follow one another
                spans.append((first, last + 1, text))
        word = []
    return spans


@dataclass
class _Block:
    """One BT ... ET text object: its glyphs and where each sits in the stream."""

    glyphs: list[tuple[str, int]] = field(default_factory=list)
    places: list[tuple[int, int, int]] = field(default_factory=list)  # chunk, token, glyph


def _blocks(stream):
    """The text of each box in a pydyf content stream, as WeasyPrint's draw_text writes it: a
    text matrix, then glyph strings (one text object may hold several boxes)."""
    block, font = None, None
    for number, chunk in enumerate(stream.stream):
        chunk = chunk.encode() if isinstance(chunk, str) else chunk
        if not isinstance(chunk, bytes):
            continue
        if chunk == b"BT" or chunk.endswith(b" Tm"):  # one box each: WeasyPrint joins ET BT
            if block is not None and block.glyphs:
                yield block
            block = _Block()
        elif chunk == b"ET":
            if block is not None and block.glyphs:
                yield block
            block = None
        elif block is not None and (match := _FONT.match(chunk)):
            font = match.group(1).decode()
        elif block is not None and chunk.endswith(b"] TJ"):
            for token, match in enumerate(_GLYPHS.finditer(chunk)):
                hexes = match.group(1)
                if len(hexes) % 4:
                    block.glyphs.append(("", -1))  # a bitmap font's one-byte codes: never matches
                    continue
                for index in range(len(hexes) // 4):
                    block.glyphs.append((font, int(hexes[4 * index:4 * index + 4], 16)))
                    block.places.append((number, token, index))


def _rewrite(stream, block: _Block, pieces: tuple[str, ...], spans: tuple, backwards: frozenset,
             fonts: _Fonts) -> dict:
    """{chunk number: the chunks that replace it}: the block's glyph strings with the codes
    for `pieces`, and its words `spans` wrapped in ActualText; {} if nothing changes.

    A glyph of a right-to-left run that stands for several letters (lam-alef, a letter and
    the ZWNJ after it) keeps the first, and an invisible glyph at its left edge reads as the
    rest: poppler lays a glyph's letters out left to right and then reverses the run, so
    they would come out backwards; one letter a glyph reads right in every extractor."""
    helpers = {index: piece[1:] for index, piece in enumerate(pieces)
               if index in backwards and len(piece) > 1 and fonts.wide(*block.glyphs[index])}
    pieces = tuple(piece[0] if index in helpers else piece for index, piece in enumerate(pieces))
    codes = [fonts.code(name, gid, text) for (name, gid), text in zip(block.glyphs, pieces, strict=True)]
    if not spans and not helpers and all(code == gid for code, (_, gid) in zip(codes, block.glyphs, strict=True)):
        return {}
    opens = {first: text for first, _, text in spans}
    closes = {after - 1 for _, after, _ in spans}
    edits, glyph = {}, 0
    for number in sorted({chunk for chunk, _, _ in block.places}):
        data = stream.stream[number]
        data = data.encode() if isinstance(data, str) else data
        out, current = [], []

        def flush(current=current, out=out):
            if current:  # a shift alone still moves the next glyph
                out.append(b"[" + b" ".join(current) + b"] TJ")
            current.clear()

        for part in re.findall(rb"<[0-9a-f]*>|[^<>]+", data[1:-len(b"] TJ")]):
            if not part.startswith(b"<"):
                current.append(part)
                continue
            for index in range(0, len(part) - 2, 4):
                if glyph in helpers and (helper := fonts.code(*block.glyphs[glyph], helpers[glyph],
                                                               width=2 * _HELPER)) != block.glyphs[glyph][1]:
                    flush()
                    out += [b"3 Tr", b"[%d <%04x> %d] TJ" % (_HELPER, helper, _HELPER), b"0 Tr"]
                if glyph in opens:
                    flush()
                    out.append(b"/Span <</ActualText <feff" + opens[glyph].encode("utf-16-be").hex().encode()
                               + b">>> BDC")
                code = b"%04x" % codes[glyph]
                if current and current[-1].startswith(b"<"):
                    current[-1] = current[-1][:-1] + code + b">"
                else:
                    current.append(b"<" + code + b">")
                if fonts.nudged(*block.glyphs[glyph][:1], codes[glyph], block.glyphs[glyph][1]):
                    current.append(b"%d" % _NUDGE)
                if glyph in closes:
                    flush()
                    out.append(b"EMC")
                glyph += 1
        flush()
        edits[number] = out
    return edits


def _content_streams(pdf):
    """Every stream of the document that holds text objects (pages and their form XObjects)."""
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and any(chunk in (b"BT", "BT") for chunk in item.stream):
            yield item


class _Fonts:
    """The Type0 fonts of the document by resource name, and the codes added to them."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.fonts: dict[str, dict] = {}
        for item in pdf.objects:
            resources = item.get("Font") if isinstance(item, dict) else None
            resources = _resolve(pdf, resources)
            if isinstance(resources, dict):
                for name, reference in resources.items():
                    font = _resolve(pdf, reference)
                    if isinstance(font, dict) and font.get("Subtype") == "/Type0":
                        self.fonts.setdefault(name, font)
        self.text: dict[str, dict[int, str]] = {}
        self.added: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
        self.next: dict[str, int] = {}
        self.widths: dict[str, dict[int, float]] = {}

    def code(self, name: str, gid: int, text: str, width: int | None = None) -> int:
        """The code that draws glyph `gid` of font `name` and reads as `text` (`width`: in
        thousandths of an em, if not the glyph's own)."""
        font = self.fonts.get(name)
        if font is None or font.get("Encoding") != "/Identity-H":
            return gid
        if name not in self.text:
            self._read(name, font)
        if name not in self.next or (self.text[name].get(gid) == text and self.widths[name].get(gid)
                                     and width is None):
            return gid
        added = self.added[name]
        if (gid, text, width) not in added:
            if self.next[name] > _LAST_CODE:
                return gid
            added[gid, text, width] = self.next[name]
            self.next[name] += 1
        return added[gid, text, width]

    def wide(self, name: str, gid: int) -> bool:
        """Whether glyph `gid` is wide enough to hold an invisible glyph inside its edges."""
        if name not in self.text and name in self.fonts:
            self._read(name, self.fonts[name])
        return self.widths.get(name, {}).get(gid, 0) > 4 * _HELPER

    def nudged(self, name: str, code: int, gid: int) -> bool:
        """Whether `code` is a glyph of no width given _NUDGE (the TJ string takes it back)."""
        return code != gid and not self.widths[name].get(gid)

    def _read(self, name: str, font) -> None:
        """The font's present ToUnicode and widths; which code is free next."""
        cmap = _resolve(self.pdf, font.get("ToUnicode"))
        mapping = {}
        for line in getattr(cmap, "stream", []):
            line = line.encode() if isinstance(line, str) else line
            match = re.fullmatch(rb"<([0-9a-f]{4})> <([0-9a-f]*)>", line)
            if match:
                mapping[int(match.group(1), 16)] = bytes.fromhex(match.group(2).decode()).decode("utf-16-be")
        self.text[name] = mapping
        descendant = _resolve(self.pdf, font["DescendantFonts"][0])
        descriptor = _resolve(self.pdf, descendant.get("FontDescriptor")) or {}
        if descendant.get("Subtype") != "/CIDFontType2" or descendant.get("CIDToGIDMap") != "/Identity" \
                or "CIDSet" in descriptor:
            return  # CFF outlines have no CIDToGIDMap: their glyphs keep their one mapping
        widths, array = {}, descendant["W"]
        for index in range(0, len(array), 2):
            for step, width in enumerate(array[index + 1]):
                widths[array[index] + step] = width
        self.widths[name] = widths
        self.next[name] = max([*widths, *mapping, 0]) + 1

    def write(self) -> None:
        """Add the new codes to each font: CIDToGIDMap, widths and ToUnicode."""
        import pydyf

        for name, added in self.added.items():
            if not added:
                continue
            font = self.fonts[name]
            descendant = _resolve(self.pdf, font["DescendantFonts"][0])
            count = self.next[name]
            gids = list(range(count))
            for (gid, _, _), code in added.items():
                gids[code] = gid
            mapping = pydyf.Stream([b"".join(gid.to_bytes(2, "big") for gid in gids)], compress=True)
            self.pdf.add_object(mapping)
            descendant["CIDToGIDMap"] = mapping.reference
            for (gid, _, width), code in sorted(added.items(), key=lambda item: item[1]):
                width = width or self.widths[name].get(gid) or _NUDGE
                descendant["W"].extend([code, pydyf.Array([width])])
            cmap = _resolve(self.pdf, font["ToUnicode"])
            lines = [f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode()
                     for (_, text, _), code in sorted(added.items(), key=lambda item: item[1])]
            end = cmap.stream.index(b"endcmap")
            block = []
            for start in range(0, len(lines), 100):
                part = lines[start:start + 100]
                block += [f"{len(part)} beginbfchar".encode(), *part, b"endbfchar"]
            cmap.stream[end:end] = block


def _resolve(pdf, value):
    """A pydyf object from a reference (b"12 0 R"), or the value itself."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value
