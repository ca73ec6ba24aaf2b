"""Conformance: what a PDF needs to pass independent validators, and asking one of them."""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass
from urllib.parse import quote

from .. import logger

#: The profiles of the `page-validation` validator that each variant claims to meet.
PROFILES = {"pdf/a-3b": ("3b",), "pdf/a-3u": ("3u",), "pdf/a-3a": ("3a",), "pdf/ua-1": ("ua1",),
            "pdf/a-3a+ua-1": ("3a", "ua1")}


def finish(pdf) -> None:
    """Make WeasyPrint's objects spec-clean before they are written (ISO 32000-1 7.9.6-7,
    Matterhorn 15-003, XMP part 3): sorted trees, scoped header cells, a Unicode value for
    every glyph, unambiguous stream ends, plain-text XMP."""
    catalog = pdf.catalog
    _ascii_destinations(pdf, _resolve(pdf, (catalog.get("Names") or {}).get("Dests")))
    trees = [(catalog.get("Names") or {}).get(kind) for kind in ("Dests", "EmbeddedFiles", "JavaScript")]
    roots = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructTreeRoot"]
    for root in roots:
        trees.append(root.get("IDTree"))
    for tree in trees:
        _sort_leaf(_resolve(pdf, tree), "Names", _string_key)
    for tree in [catalog.get("PageLabels"), *(root.get("ParentTree") for root in roots)]:
        _sort_leaf(_resolve(pdf, tree), "Nums", int)
    _scope_header_cells(pdf)
    _no_empty_unicode(pdf)
    _unambiguous_stream_ends(pdf)
    if _claims_pdfa(pdf):
        _archival_images(pdf)
    metadata = _resolve(pdf, catalog.get("Metadata"))
    if metadata is not None:
        # XMP is meant to be readable by tools that do not parse PDF; validators check it
        metadata.compress = False


def _claims_pdfa(pdf) -> bool:
    """Whether WeasyPrint wrote a PDF/A output intent (it does before the finisher runs)."""
    intents = _resolve(pdf, pdf.catalog.get("OutputIntents")) or []
    return any(_resolve(pdf, intent).get("S") == "/GTS_PDFA1" for intent in intents)


def _archival_images(pdf) -> None:
    """Images as PDF/A takes them (ISO 19005-2 6.2.8, 6.2.4.3): no /Interpolate true, which
    WeasyPrint writes for any `image-rendering` but pixelated; CMYK JPEGs converted to RGB, as
    the output intent is sRGB and PDF/A forbids a device colour space it does not match."""
    for image in pdf.objects:
        extra = getattr(image, "extra", None)
        if not (isinstance(extra, dict) and extra.get("Subtype") == "/Image"):
            continue
        extra["Interpolate"] = "false"
        if isinstance(extra.get("SMask"), dict):  # written inline until WeasyPrint references it
            extra["SMask"]["Interpolate"] = "false"
        if extra.get("ColorSpace") == "/DeviceCMYK" and extra.get("Filter") == "/DCTDecode":
            _cmyk_jpeg_to_rgb(image)


def _cmyk_jpeg_to_rgb(image) -> None:
    """Re-encode a CMYK JPEG as an RGB one (quality 95; Pillow reads Adobe's inverted CMYK)."""
    from PIL import Image

    source = getattr(image.stream[0], "_filename", None)  # a local file's path ("///tmp/..." at times)
    data = b"".join(getattr(part, "data", part) for part in image.stream)
    converted = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(converted, format="JPEG", quality=95)
    image.stream = [converted.getvalue()]
    image.extra["ColorSpace"] = "/DeviceRGB"
    image.extra.pop("Decode", None)
    logger.info("%s: a CMYK JPEG, converted to RGB for the PDF/A output intent (sRGB)",
                os.path.normpath(source) if source else "image")


def _ascii_destinations(pdf, dests) -> None:
    """Name destinations in ASCII (percent-encoded UTF-8), links included. A tree mixing
    ASCII keys with UTF-16 ones has no order that both the spec (bytes) and libqpdf (Unicode)
    accept; in ASCII the two orders agree."""
    import pydyf

    if not isinstance(dests, dict) or "Names" not in dests:
        return
    renamed = {}
    for index in range(0, len(dests["Names"]), 2):
        key = _string_key(dests["Names"][index])
        if key.startswith(codecs.BOM_UTF16_BE):
            text = key[2:].decode("utf-16-be")
            renamed[text] = pydyf.String(quote(text, safe="".join(map(chr, range(33, 127)))))
            dests["Names"][index] = renamed[text]
    for annotation in pdf.objects:
        if isinstance(annotation, dict) and annotation.get("Subtype") == "/Link":
            target = getattr(annotation.get("Dest"), "string", None)
            if target in renamed:
                annotation["Dest"] = renamed[target]


def _no_empty_unicode(pdf) -> None:
    """Map glyphs that carry no text of their own (a Devanagari vowel sign drawn before its
    consonant, whose text HarfBuzz gives to the cluster's other glyph) to ZERO WIDTH SPACE:
    WeasyPrint maps them to an empty string, which PDF/A and PDF/UA forbid (6.2.11.7.2)."""
    for font in pdf.objects:
        cmap = _resolve(pdf, font.get("ToUnicode")) if isinstance(font, dict) else None
        if cmap is not None and hasattr(cmap, "stream"):
            cmap.stream = [line[:-2] + b"<200b>" if line.endswith(b"> <>") else line for line in cmap.stream]


def _unambiguous_stream_ends(pdf) -> None:
    """Write CR LF before `endstream` when a stream's data ends with CR. pydyf writes a lone LF,
    and CR + LF then reads as one end-of-line marker: validators count one byte less than
    /Length (ISO 19005-1 6.1.7), about once in 256 compressed streams. Covers the object and
    cross-reference streams pydyf makes while writing, too: this PDF writes through
    _StreamEnds, which mends each object as it goes out (nothing shared is changed)."""
    write = pdf.write

    def write_unambiguous(output, *args, **kwargs):
        return write(_StreamEnds(output, pdf), *args, **kwargs)

    pdf.write = write_unambiguous  # this build's PDF object only


class _StreamEnds:
    """A file that gives each indirect stream object pydyf writes (one write call each, counted
    by pdf.current_position) CR LF before `endstream` when its data ends with CR, and moves
    the position on by the byte added, so that the offsets written after it stay true."""

    END = b"\nendstream\nendobj\n"

    def __init__(self, output, pdf) -> None:
        self.output, self.pdf = output, pdf

    def write(self, content: bytes) -> int:
        if content.endswith(b"\r" + self.END):
            content = content[:-len(self.END)] + b"\r" + self.END
            self.pdf.current_position += 1
        return self.output.write(content)


def _resolve(pdf, value):
    """A pydyf object from a reference (b"12 0 R"), or the value itself."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _sort_leaf(node, key: str, order) -> None:
    """Sort the [key value key value ...] array of a one-level name or number tree."""
    if not isinstance(node, dict) or key not in node:
        return
    pairs = list(zip(node[key][0::2], node[key][1::2], strict=True))
    node[key][:] = [item for pair in sorted(pairs, key=lambda pair: order(pair[0])) for item in pair]


def _string_key(value) -> bytes:
    """A name tree key as the bytes PDF compares: pydyf writes ASCII as is, the rest UTF-16BE."""
    text = getattr(value, "string", value)
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")


def _scope_header_cells(pdf) -> None:
    """Give each /TH the /Scope HTML's implicit scope gives it: a header row's cells head
    their columns, a header cell in a body row heads its row."""
    import pydyf

    for cell in pdf.objects:
        if not (isinstance(cell, dict) and cell.get("S") == "/TH"):
            continue
        # WeasyPrint writes a header cell's table attributes as one dictionary, without a scope
        attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        if not isinstance(attributes, dict) or "Scope" in attributes:
            continue
        row = _resolve(pdf, cell.get("P"))
        cells = [_resolve(pdf, kid) for kid in (row or {}).get("K", [])]
        section = _resolve(pdf, (row or {}).get("P")) or {}
        header_row = section.get("S") == "/THead" or all(
            isinstance(c, dict) and c.get("S") == "/TH" for c in cells)
        attributes["Scope"] = "/Column" if header_row else "/Row"


@dataclass(frozen=True)
class Failure:
    """A rule of a profile that the file breaks."""

    profile: str
    rule: str
    message: str
    object_number: int | None = None  # the object the validator names, where it names one

    def __str__(self) -> str:
        return f"{self.profile}: {self.rule}: {self.message}"


def profiles_claimed(pdfa: str | None, pdfua: str | None) -> list[str]:
    """The validator profiles a file's XMP claims, e.g. ("3a", "1") -> ["3a", "ua1"]."""
    return ([pdfa.lower()] if pdfa else []) + ([f"ua{pdfua}"] if pdfua else [])


def validate(pdf: bytes, profiles) -> list[Failure]:
    """The rules of each profile that the PDF fails, by an independent validator (page-validation);
    ImportError when it is not installed (gatekeeper.judged warns instead)."""
    import page

    failures = []
    for profile in profiles:
        try:
            report = page.validate_pdf_bytes(pdf, profile=profile)
        except Exception as error:  # noqa: BLE001 (the validator's own errors name no common root)
            failures.append(Failure(profile, "unreadable", str(error)))
            continue
        failures += [Failure(profile, item.rule_id, item.message,
                             item.object_id.object_number if item.object_id else None)
                     for item in report.failures]
    return failures
