"""What a PDF/A-3 brief carries inside: its events, its sources as CSL-JSON, a provenance manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, dates

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
        "inputs": {p.name: sha256(p.read_bytes()) for p in files},
        "attachments": {a.name: sha256(a.data) for a in attached},
    }
    attached.append(Payload(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), "Supplement",
                            "Provenance: briefkit version, style, SHA-256 of every input"))
    return attached


#: CSL date variables, written as date-parts in CSL-JSON.
CSL_DATES = ("issued", "accessed", "event-date", "original-date", "submitted")


def csl_json(item: dict) -> dict:
    """A CSL item as CSL-JSON: dates (YAML dates or ISO strings) as {"date-parts": [[y, m, d]]}."""
    out = dict(item)
    for key in CSL_DATES:
        value = out.get(key)
        if value is not None and not isinstance(value, dict):
            out[key] = dates.csl_json(value) or {"raw": str(value)}
    return out


def _style_files(chain: list[Path]) -> dict[str, str]:
    """SHA-256 of every file of the style chain, as `style-name/relative/path`."""
    return {f"{folder.name}/{path.relative_to(folder)}": sha256(path.read_bytes())
            for folder in chain for path in sorted(folder.rglob("*")) if path.is_file()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
