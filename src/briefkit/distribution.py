"""Distribution-grade PDFs: variants, the data attached to PDF/A-3, and reading them back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from . import __version__, conformance
from .errors import BriefError, UsageError
from .xmp import PRISM

#: Variants `--pdf-variant` offers: archival PDF/A-3 (b: appearance, u: plus searchable
#: Unicode text, a: plus tags), accessible tagged PDF/UA-1, and both at once.
VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/a-3a", "pdf/ua-1", "pdf/a-3a+ua-1")
#: Variants that are tagged for assistive technology, so every image needs alt text.
TAGGED = ("pdf/a-3a", "pdf/ua-1", "pdf/a-3a+ua-1")
MANIFEST = "briefkit-manifest.json"


@dataclass(frozen=True)
class Payload:
    """A file to attach: its name, bytes, what it is to the PDF (an ISO 32000 AFRelationship)."""

    name: str
    data: bytes
    relationship: str
    description: str


def payloads(prepared, when: dt.datetime) -> list[Payload]:
    """The events file, the sources as CSL-JSON, and a manifest hashing every input."""
    material = prepared.material
    files = [p for p in (prepared.folder / "brief.yaml", material.commentary_file,
                         material.events_file, material.sources_file) if p]
    attached = []
    if material.events_file:
        attached.append(Payload(material.events_file.name, material.events_file.read_bytes(), "Source",
                                "The events behind the timeline and chronology"))
    if material.sources:
        items = [csl_json(source.csl()) for source in material.sources.values()]
        csl = json.dumps(items, ensure_ascii=False, indent=1)
        attached.append(Payload("sources.json", csl.encode(), "Source", "The cited sources as CSL-JSON"))
    manifest = {
        "generator": f"briefkit {__version__}",
        "style": {"name": prepared.style.name, "files": _style_files(prepared.style.chain)},
        "built": when.isoformat(),
        "inputs": {p.name: _sha256(p.read_bytes()) for p in files},
        "attachments": {a.name: _sha256(a.data) for a in attached},
    }
    attached.append(Payload(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), "Supplement",
                            "Provenance: briefkit version, style, SHA-256 of every input"))
    return attached


#: CSL date variables, written as date-parts in CSL-JSON.
CSL_DATES = ("issued", "accessed", "event-date", "original-date", "submitted")


def csl_json(item: dict) -> dict:
    """A CSL item as CSL-JSON: dates (YAML dates or ISO strings) as {"date-parts": [[y, m, d]]}."""
    from .models import PartialDate

    out = dict(item)
    for key in CSL_DATES:
        value = out.get(key)
        if value is not None and not isinstance(value, dict):
            try:
                date = PartialDate.parse(value)
            except (ValueError, TypeError):
                out[key] = {"raw": str(value)}
                continue
            out[key] = {"date-parts": [[p for p in (date.year, date.month, date.day) if p]]}
    return out


def _style_files(chain: list[Path]) -> dict[str, str]:
    """SHA-256 of every file of the style chain, as `style-name/relative/path`."""
    return {f"{folder.name}/{path.relative_to(folder)}": _sha256(path.read_bytes())
            for folder in chain for path in sorted(folder.rglob("*")) if path.is_file()}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
            "attachments": {name: {"bytes": len(data), "sha256": _sha256(data)}
                            for name, data in files.items()}}


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
    problems += [f"fails {failure}" for failure in conformance.validate(pdf_path, claimed)]
    if facts["pdfa"] and not output_intent:
        problems.append(f"declares PDF/A-{facts['pdfa']} but has no output intent")
    if facts["pdfua"] and not facts["tagged"]:
        problems.append("declares PDF/UA but is not tagged")
    for key, info_key in (("title", "Title"), ("series", "series"), ("number", "number")):
        if facts["info"].get(info_key) != facts["xmp"][key]:
            problems.append(f"the Info dictionary and XMP disagree on the {key}: "
                            f"{facts['info'].get(info_key)!r} and {facts['xmp'][key]!r}")
    files = attachments_in(pdf_path)
    if MANIFEST in files:
        listed = json.loads(files[MANIFEST]).get("attachments", {})
        for name, digest in listed.items():
            if name not in files:
                problems.append(f"the manifest lists {name} but it is not attached")
            elif _sha256(files[name]) != digest:
                problems.append(f"{name} does not match the SHA-256 in the manifest")
    elif facts["pdfa"] and facts["pdfa"].startswith("3"):
        problems.append(f"a PDF/A-3 brief should carry {MANIFEST}")
    return problems
