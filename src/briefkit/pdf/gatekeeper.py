"""The build's gate: a variant's PDF judged by independent validators before it is written."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .. import logger
from ..errors import BriefError
from . import conformance
from .conformance import PROFILES, Failure

#: What a validator missing from the install has already been warned about, in this process.
_warned: set[str] = set()
_IMAGE_NAME = re.compile(r"/?i([0-9a-f]{32})[01]\b")  # WeasyPrint's: "i" + md5(url) + interpolate
_IMAGE_FILES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".svg"}


def admit(pdf: bytes, variant: str, strict: bool, roots: tuple[Path, ...], target: Path) -> None:
    """Refuse a PDF that fails a profile its variant claims (page-validation; pdfua as well for
    tagged variants under --strict): a BriefError naming each rule and the image it concerns,
    raised before anything is written, so the last good file stays."""
    failures = judged(pdf, PROFILES.get(variant, ()))
    if strict and "ua" in variant:
        failures += _pdfua(pdf)
    if not failures:
        return
    images = _images_of(pdf, failures[:20], roots)
    lines = [f"  {failure}{image}" for failure, image in zip(failures, images, strict=False)]
    more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
    raise BriefError(f"{target}: not written: as {variant} it would fail {len(failures)} rule(s) of "
                     f"an independent validator:\n" + "\n".join(lines) + more +
                     "\nFix what each rule names (a letter no font has: add a font to the style; an "
                     "image: convert it to RGB PNG or JPEG), or build without --pdf-variant")


def judged(pdf: bytes, profiles) -> list[Failure]:
    """The rules of each page-validation profile the PDF fails (none if the validator is missing)."""
    try:
        return conformance.validate(pdf, profiles)
    except ImportError:
        _warn_once("page-validation", "is not installed: PDF/A and PDF/UA files are written without "
                   "being checked (pip install page-validation)")
        return []


def _pdfua(pdf: bytes) -> list[Failure]:
    try:
        import pdfua
    except ImportError:
        _warn_once("pdfua", "is not installed: --strict does not check PDF/UA with it (pip install pdfua)")
        return []
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:  # pdfua reads a path only
        file.write(pdf)
        file.flush()
        report = pdfua.validate(file.name)
    return [Failure("pdfua", item.rule_id, item.message, None) for item in report.findings]


def _warn_once(tool: str, message: str) -> None:
    if tool not in _warned:
        _warned.add(tool)
        logger.warning("%s %s", tool, message)


def _images_of(pdf: bytes, failures, roots: tuple[Path, ...]) -> list[str]:
    """" (image images/photo.png)" for each failure about an image or its mask (else ""): by the
    object the validator names, the XObject its message names, or (/Interpolate, which it names
    neither for) every image that interpolates. WeasyPrint names an image "i", the MD5 of its
    URL and its interpolation flag."""
    import io

    import pikepdf

    by_object: dict[int, str] = {}
    interpolating: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            _walk(page.obj.get("/Resources"), by_object, interpolating, set())
    files = {hashlib.md5(path.resolve().as_uri().encode(), usedforsecurity=False).hexdigest(): path
             for root in roots if root.is_dir()
             for path in root.rglob("*") if path.suffix.lower() in _IMAGE_FILES}
    labels = []
    for failure in failures:
        named = _IMAGE_NAME.search(failure.message)
        digests = {by_object[failure.object_number]} if failure.object_number in by_object \
            else {named.group(1)} if named else interpolating if "INTERPOLATE" in failure.rule else set()
        places = sorted(_relative(files[digest], roots) if digest in files else "an image not in the brief"
                        for digest in digests)
        labels.append(f" (image {', '.join(places)})" if places else "")
    return labels


def _relative(path: Path, roots: tuple[Path, ...]) -> str:
    return next((str(path.relative_to(root)) for root in roots if path.is_relative_to(root)), str(path))


def _walk(resources, by_object: dict[int, str], interpolating: set[str], seen: set) -> None:
    """Image objects (and their soft masks) by the URL digest in their resource names, through
    forms (an SVG is drawn as one) to any depth."""
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for name, xobject in (resources.get("/XObject") or {}).items():
        match = _IMAGE_NAME.fullmatch(str(name))
        if match and xobject.get("/Subtype") == "/Image":
            digest = match.group(1)
            by_object[xobject.objgen[0]] = digest
            for part in (xobject, xobject.get("/SMask")):
                if part is not None and bool(part.get("/Interpolate", False)):
                    interpolating.add(digest)
            if xobject.get("/SMask") is not None:
                by_object[xobject.SMask.objgen[0]] = digest
        elif xobject.get("/Subtype") == "/Form":
            _walk(xobject.get("/Resources"), by_object, interpolating, seen)
