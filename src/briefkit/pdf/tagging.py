"""Tags WeasyPrint does not write: notes as /Note elements, each with the ID PDF/UA asks for."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def notes_tagged():
    """Tag `bk-note` elements /Note: WeasyPrint maps HTML tags to PDF tags and knows no notes."""
    from weasyprint.pdf import tags

    original = getattr(tags, "_get_pdf_tag", None)
    if original is None:  # another WeasyPrint: notes stay /NonStruct, the rest is unchanged
        yield
        return
    tags._get_pdf_tag = lambda tag: "Note" if tag == "bk-note" else original(tag)
    try:
        yield
    finally:
        tags._get_pdf_tag = original


def number_notes(pdf) -> None:
    """Give every /Note element the ID PDF/UA requires of notes (Matterhorn 19-003)."""
    import pydyf

    elements = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    notes = [o for o in elements if o.get("S") == "/Note"]
    if not notes:
        return
    names = pydyf.Array()
    for number, note in enumerate(notes, start=1):
        note["ID"] = pydyf.String(f"note-{number}")
        names.extend([note["ID"], note.reference])
    root = next(o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructTreeRoot")
    root["IDTree"] = pydyf.Dictionary({"Names": names})  # sorted by conformance.finish
