"""XMP: the metadata packet every brief carries, with series, number, language and attachments."""

from __future__ import annotations

import hashlib
import re
import uuid
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
#: PRISM is what journals use for the publication a PDF belongs to and its number.
PRISM = "http://prismstandard.org/namespaces/basic/2.1/"
PDFUA = "http://www.aiim.org/pdfua/ns/id/"
BRIEFKIT = "urn:briefkit:xmp:1.0#"
EXTENSION = {"pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
             "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
             "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}

#: PDF/A allows XMP properties outside its predefined schemas only when the packet describes
#: them (ISO 19005-1 6.7.8): (schema, namespace, prefix, [(name, type, description)]).
SCHEMAS = [
    ("PRISM Basic Metadata", PRISM, "prism", [
        ("publicationName", "Text", "The series the brief belongs to"),
        ("number", "Text", "The brief's number in its series")]),
    ("PDF/UA Universal Accessibility", PDFUA, "pdfuaid", [
        ("part", "Integer", "The part of PDF/UA the file conforms to")]),
    ("briefkit", BRIEFKIT, "briefkit", [
        ("attachments", "Bag Text", "Files attached to the PDF as associated files"),
        ("manifest", "Text", "The attachment that records the brief's provenance")]),
]

for _prefix, _uri in {"prism": PRISM, "briefkit": BRIEFKIT, "xmpMM": XMP_MM, **EXTENSION}.items():
    register_namespace(_prefix, _uri)


def extend(metadata, content: bytes, attachments: list[str], manifest: str | None,
           variant: str | None) -> None:
    """Make WeasyPrint's XMP packet carry briefkit's fields too (it writes only its own)."""
    original = metadata.generate_rdf_metadata

    def generate(*args):
        rdf = fromstring(original(*args))
        rdf.extend(_descriptions(metadata, content, attachments, manifest, variant))
        return tostring(rdf, encoding="utf-8")

    metadata.generate_rdf_metadata = generate


#: A local file's folder in a URL of the HTML (a font of the style, of an installed package).
_FOLDER = re.compile(rb"file://[^\"')\s]*/")


def _descriptions(metadata, content, attachments, manifest, variant) -> list[Element]:
    # The HTML names its fonts by where they are on this machine (a virtualenv, a checkout):
    # without those folders, the same brief has one identity on a laptop, on CI and on a worker.
    did = uuid.UUID(bytes=hashlib.sha256(_FOLDER.sub(b"file:", content)).digest()[:16], version=5)
    ident = _description({f"{{{XMP_MM}}}DocumentID": f"uuid:{did}",
                          f"{{{XMP_MM}}}InstanceID": f"uuid:{did}"})
    described = [ident]
    if metadata.lang:
        described.append(_description({}))
        _bag(SubElement(described[-1], f"{{{DC}}}language"), [metadata.lang])
    series = {key: metadata.custom.get(name) for key, name in
              ((f"{{{PRISM}}}publicationName", "series"), (f"{{{PRISM}}}number", "number"))}
    if any(series.values()):
        described.append(_description({k: v for k, v in series.items() if v}))
    if attachments:
        described.append(_description({f"{{{BRIEFKIT}}}manifest": manifest} if manifest else {}))
        _bag(SubElement(described[-1], f"{{{BRIEFKIT}}}attachments"), attachments)
    if variant and variant.endswith("+ua-1"):
        described.append(_description({f"{{{PDFUA}}}part": "1"}))
    if variant and variant.startswith("pdf/a"):
        described.append(_extension_schemas())
    return described


def _description(fields: dict[str, str]) -> Element:
    element = Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    for key, value in fields.items():
        SubElement(element, key).text = value
    return element


def _bag(parent: Element, items: list[str]) -> Element:
    bag = SubElement(parent, f"{{{RDF}}}Bag")
    for item in items:
        SubElement(bag, f"{{{RDF}}}li").text = item
    return bag


def _resource(parent: Element, fields: dict[str, str]) -> Element:
    item = SubElement(parent, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    for key, value in fields.items():
        SubElement(item, key).text = value
    return item


def _extension_schemas() -> Element:
    schema, prop = EXTENSION["pdfaSchema"], EXTENSION["pdfaProperty"]
    element = _description({})
    bag = SubElement(SubElement(element, f"{{{EXTENSION['pdfaExtension']}}}schemas"), f"{{{RDF}}}Bag")
    for name, uri, prefix, properties in SCHEMAS:
        entry = _resource(bag, {f"{{{schema}}}schema": name, f"{{{schema}}}namespaceURI": uri,
                                f"{{{schema}}}prefix": prefix})
        seq = SubElement(SubElement(entry, f"{{{schema}}}property"), f"{{{RDF}}}Seq")
        for field, kind, description in properties:
            _resource(seq, {f"{{{prop}}}name": field, f"{{{prop}}}valueType": kind,
                            f"{{{prop}}}category": "external", f"{{{prop}}}description": description})
    return element
