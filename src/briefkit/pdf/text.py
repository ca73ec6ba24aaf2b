"""Searchable text: every glyph drawn gets the text it stands for where it is drawn."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .. import logger
from .clusters import NUDGE, expected

#: A glyph string of a TJ array: WeasyPrint writes vector glyph ids as four hex digits.
_GLYPHS = re.compile(rb"<([0-9a-f]*)>")
_FONT = re.compile(rb"^/(\S+) \S+ Tf$")
#: The highest code a two-byte Identity-H font can use.
_LAST_CODE = 0xFFFF
#: How far, in thousandths of an em, the invisible glyph that carries a glyph's other letters
#: reaches either side of the glyph's left edge: past it for poppler (which orders by the
#: left edge), short of it for pdfminer (which orders right-to-left text by the right edge).
_HELPER = 20


def searchable(document, pdf, logical: bool = False) -> int:
    """Give each glyph drawn the text of its place, as a per-build pass over the content
    streams in WeasyPrint's finisher. WeasyPrint maps a glyph id to one string for the whole
    file, the text of the cluster it first met it in, so a vowel sign drawn before its
    consonant, a reph, a mark or a lam-alef read as nothing or as another word's letters.
    Each text run drawn is matched to the laid-out box it came from by its glyph ids
    (clusters.expected); a glyph whose text there differs from its file-wide mapping gets a
    code of its own in its Type0 font (the same glyph through CIDToGIDMap, the same width),
    words poppler would cut (at a mark, a raised glyph) get an ActualText span, and right-to-left
    glyphs that stand for several letters an invisible helper (_rewrite). A run that matches
    no box, or boxes of different texts, is left as it was. `logical`: right-to-left ActualText
    in reading order (tagged variants; clusters.expected). Returns the runs rewritten."""
    fonts = _Fonts(pdf)
    boxes = expected(document, logical)
    rewritten, changes = 0, {}
    for stream in list(_content_streams(pdf)):
        for block in _blocks(stream):
            texts = boxes.get(tuple(block.glyphs))
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
    same = all(code == gid for code, (_, gid) in zip(codes, block.glyphs, strict=True))
    if same and not spans and not helpers:
        return {}
    opens = {first: text for first, _, text, _ in spans}
    closes = {after - 1 for _, after, _, copy in spans if copy is None}
    copies = {first: copy for first, _, _, copy in spans if copy is not None}
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
            for _ in range(0, len(part) - 2, 4):
                if glyph in helpers and (helper := fonts.code(*block.glyphs[glyph], helpers[glyph],
                                                               width=2 * _HELPER)) != block.glyphs[glyph][1]:
                    flush()
                    out += [b"3 Tr", b"[%d <%04x> %d] TJ" % (_HELPER, helper, _HELPER), b"0 Tr"]
                if glyph in opens:
                    flush()
                    out.append(b"/Span <</ActualText <feff" + opens[glyph].encode("utf-16-be").hex().encode()
                               + b">>> BDC")
                if glyph in copies:
                    out += _copy(fonts, block.glyphs[glyph], *copies[glyph])
                code = b"%04x" % codes[glyph]
                if current and current[-1].startswith(b"<"):
                    current[-1] = current[-1][:-1] + code + b">"
                else:
                    current.append(b"<" + code + b">")
                if fonts.nudged(*block.glyphs[glyph][:1], codes[glyph], block.glyphs[glyph][1]):
                    current.append(b"%d" % NUDGE)
                if glyph in closes:
                    flush()
                    out.append(b"EMC")
                glyph += 1
        flush()
        edits[number] = out
    return edits


def _copy(fonts: _Fonts, glyph: tuple[str, int], text: str, width: int, offset: float, rise: float) -> list:
    """The invisible glyph that reads as a whole Nastaliq word (clusters._copy), on the line from
    the word's left edge, and the end of its ActualText span; the text position and rise are
    left as they were (the first glyph's x offset and rise are set when it comes)."""
    code = fonts.code(*glyph, text, width=width)
    if code == glyph[1]:  # a font that takes no code of its own: no copy, nothing moves
        return [b"EMC"]
    lowered = [b"0 Ts"] if rise else []
    return [*lowered, b"3 Tr", b"[%f <%04x> %f] TJ" % (offset, code, width - offset), b"0 Tr", b"EMC",
            *([b"%f Ts" % -rise] if rise else [])]


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
        """Whether `code` is a glyph of no width given NUDGE (the TJ string takes it back)."""
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
                width = width or self.widths[name].get(gid) or NUDGE
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
