"""Tags WeasyPrint does not write: notes as /Note elements, each with the ID PDF/UA asks for."""

from __future__ import annotations

from .. import logger
from . import boxes


def tag_notes(document, pdf) -> None:
    """Make the element of each `bk-note` box a /Note (WeasyPrint maps HTML tags to PDF tags
    and knows no notes, so it writes /NonStruct) and give every note its ID. A finisher's
    step: it changes this PDF's objects only."""
    elements = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    first = next((index for index, o in enumerate(elements) if o.get("S") == "/Document"), None)
    if first is None:  # an untagged variant
        return
    try:
        notes = [made for box, made in boxes.structure(document, elements[first + 1:])
                 if boxes.tag(box) == "bk-note"]
    except LookupError as error:  # another WeasyPrint: notes stay /NonStruct, the rest is unchanged
        logger.warning("notes not tagged /Note: WeasyPrint's structure tree is not as "
                       "pdf/boxes.py reads it (%s)", error)
        return
    for note in notes:
        note["S"] = "/Note"
    number_notes(pdf)


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

