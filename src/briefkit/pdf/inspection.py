"""Reading a built PDF back: what it says about itself, its attachments, and `verify`."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import BriefError, UsageError
from . import conformance
from .attachments import MANIFEST, sha256
from .xmp import PRISM


def attachments_in(pdf_path: Path) -> dict[str, bytes]:
    """The files attached to a PDF, by name."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}


def inspect(pdf_path: Path, extract: Path | None = None) -> dict:
    """What a PDF says about itself: metadata, variant, attachments (optionally extracted)."""
    import pikepdf

    try:
        pdf = pikepdf.open(pdf_path)
    except pikepdf.PdfError as error:
        raise BriefError(f"{pdf_path}: not a PDF that opens cleanly ({error})") from None
    with pdf:
        info = {str(k)[1:]: str(v) for k, v in pdf.docinfo.items()}
        with pdf.open_metadata() as xmp:
            part = xmp.get("pdfaid:part")
            conformance = xmp.get("pdfaid:conformance")
            ua = xmp.get("pdfuaid:part")
            described = {"title": xmp.get("dc:title"), "language": sorted(xmp.get("dc:language") or []),
                         "series": xmp.get(f"{{{PRISM}}}publicationName"),
                         "number": xmp.get(f"{{{PRISM}}}number")}
        tagged = "/StructTreeRoot" in pdf.Root
        pages = len(pdf.pages)
    files = attachments_in(pdf_path)
    if extract and not files:
        raise BriefError(f"{pdf_path}: nothing to extract, no file is attached (a brief built with "
                         "--pdf-variant pdf/a-3b, -3u or -3a carries its data)")
    if extract:
        extract.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = (extract / name).resolve()
            if not target.is_relative_to(extract.resolve()):
                raise UsageError(f"{pdf_path}: refusing to extract {name!r} outside {extract}")
            target.write_bytes(data)
    return {"file": str(pdf_path), "pages": pages, "info": info, "xmp": described, "tagged": tagged,
            "pdfua": ua,
            "pdfa": f"{part}{(conformance or '').lower()}" if part else None,
            "attachments": {name: {"bytes": len(data), "sha256": sha256(data)}
                            for name, data in files.items()}}


def text_outside(pdf_path: Path) -> list[str]:
    """Pages with characters outside the page's media box (a line run off the edge, a running
    head above the page): printed nowhere, though still in the PDF's text."""
    import pypdfium2

    problems = []
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        for number, page in enumerate(document, start=1):
            bounds = page.get_mediabox()
            text = page.get_textpage()
            off = [char for index in range(text.count_chars())
                   if (char := text.get_text_range(index, 1)).strip() and char not in "\u200b\u2060\ufffe"
                   and _beyond(text.get_charbox(index), bounds)]
            if off:
                problems.append(f"page {number}: {len(off)} characters lie outside the page, such as "
                                f"{''.join(off[:40])!r}")
    finally:
        document.close()
    return problems


def _beyond(box, page, tolerance: float = 1.0) -> bool:
    """Whether a character's box (left, bottom, right, top) reaches out of the page's."""
    x0, y0, x1, y1 = box
    left, bottom, right, top = page
    return x0 < left - tolerance or y0 < bottom - tolerance or x1 > right + tolerance or y1 > top + tolerance


def verify(pdf_path: Path) -> list[str]:
    """A publisher's self-check; an empty list means the PDF passed. Whatever conformance the
    file claims is checked by an independent validator, not by reading the claim back."""
    import pikepdf

    problems = []
    try:
        with pikepdf.open(pdf_path) as pdf:
            problems += [f"structure: {p}" for p in pdf.check_pdf_syntax()]
            for page_number, page in enumerate(pdf.pages, start=1):
                for font in page.Resources.get("/Font", {}).values():
                    for leaf in font.get("/DescendantFonts", [font]):
                        descriptor = leaf.get("/FontDescriptor") or {}
                        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                            problems.append(f"page {page_number}: font {font.get('/BaseFont')} "
                                            "is not embedded")
            output_intent = "/OutputIntents" in pdf.Root
    except pikepdf.PdfError as error:
        return [f"does not open cleanly: {error}"]
    facts = inspect(pdf_path)
    claimed = conformance.profiles_claimed(facts["pdfa"], facts["pdfua"])
    problems += [f"fails {failure}" for failure in conformance.validate(pdf_path.read_bytes(), claimed)]
    if facts["pdfa"] and not output_intent:
        problems.append(f"declares PDF/A-{facts['pdfa']} but has no output intent")
    if facts["pdfua"] and not facts["tagged"]:
        problems.append("declares PDF/UA but is not tagged")
    for key, info_key in (("title", "Title"), ("series", "series"), ("number", "number")):
        if facts["info"].get(info_key) != facts["xmp"][key]:
            problems.append(f"the Info dictionary and XMP disagree on the {key}: "
                            f"{facts['info'].get(info_key)!r} and {facts['xmp'][key]!r}")
    problems += text_outside(pdf_path)
    files = attachments_in(pdf_path)
    if MANIFEST in files:
        listed = json.loads(files[MANIFEST]).get("attachments", {})
        for name, digest in listed.items():
            if name not in files:
                problems.append(f"the manifest lists {name} but it is not attached")
            elif sha256(files[name]) != digest:
                problems.append(f"{name} does not match the SHA-256 in the manifest")
    elif facts["pdfa"] and facts["pdfa"].startswith("3"):
        problems.append(f"a PDF/A-3 brief should carry {MANIFEST}")
    return problems
