"""Signatures read back: who signed, when, whether the file changed since, whether trusted."""

from __future__ import annotations

import datetime as dt
import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import logger
from .errors import BriefError, UsageError

_INSTALL = 'signing needs pyHanko: pip install "briefkit[sign]"'


class Unreadable(BriefError):
    """A file pyHanko cannot read as a PDF."""


@dataclass(frozen=True)
class Signature:
    """One signature of a PDF as `verify` reports it."""

    field: str
    signer: str
    time: dt.datetime | None
    changed: bool  # bytes it covers differ, or the file changed after it beyond what signing allows
    trusted: bool  # its chain leads to a certificate given with --trust
    timestamped: bool


def signatures(pdf: Path, trust: tuple[Path, ...] = ()) -> list[Signature]:
    """Every signature of a PDF, each checked: intact, changed after signing, trusted."""
    pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    data = pdf_bytes(pdf)
    roots = [_certificate(path) for path in trust]
    found = []
    reader = quietly(PdfFileReader, io.BytesIO(data), strict=False)
    embedded_signatures = quietly(lambda: reader.embedded_signatures) if reader else None
    if embedded_signatures is None:
        raise Unreadable(f"{pdf}: not a PDF that opens cleanly; its signatures cannot be read")
    for embedded in embedded_signatures:
        # only the roots given: the system's list is deprecated in pyHanko and differs by machine
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        with quiet():
            status = validate_pdf_signature(embedded, context)
        changed = not (status.intact and status.valid) or status.docmdp_ok is False
        found.append(Signature(embedded.field_name, name_of(status.signing_cert),
                               status.signer_reported_dt, changed, bool(status.trusted),
                               status.timestamp_validity is not None))
    return found


def pyhanko():
    try:
        import pyhanko.sign
    except ImportError:
        raise BriefError(_INSTALL) from None
    return pyhanko


def readable(path: Path, option: str) -> None:
    if not path.is_file():
        raise UsageError(f"{option} {path}: no such file")


@contextmanager
def quiet():
    """pyHanko logs a failed load or an untrusted chain with a traceback, and may quote the
    file it read: none of that reaches the user or our logs; our errors say what to do."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [item.level for item in loggers]
    for item in loggers:
        item.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for item, level in zip(loggers, levels, strict=True):
            item.setLevel(level)


def quietly(load, *args, **kwargs):
    """What a pyHanko loader returns, or None where it fails."""
    with quiet():
        try:
            return load(*args, **kwargs)
        except Exception:  # noqa: BLE001 (pyHanko and asn1crypto raise many kinds for a bad file)
            return None


def pdf_bytes(pdf: Path) -> bytes:
    try:
        data = pdf.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{pdf}: no such file") from None
    except OSError as error:
        raise BriefError(f"{pdf}: cannot read it: {error.strerror or error}") from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise BriefError(f"{pdf}: not a PDF (it does not start with %PDF-)")
    return data


def _certificate(path: Path):
    from pyhanko.keys import load_cert_from_pemder

    readable(path, "--trust")
    certificate = quietly(load_cert_from_pemder, str(path))
    if certificate is None:
        raise UsageError(f"--trust {path}: not a PEM or DER certificate")
    return certificate


def name_of(certificate) -> str:
    if certificate is None:
        return "(no certificate)"
    subject = certificate.subject.native
    return subject.get("common_name") or certificate.subject.human_friendly


def signature_lines(pdf: Path, trust: tuple[Path, ...]) -> tuple[list[str], bool]:
    """`verify`'s lines for a PDF's signatures, and whether any fails it: a file changed after
    signing, or (when --trust is given) a signer not trusted. Untrusted alone is a warning."""
    try:
        found = signatures(pdf, trust)
    except Unreadable:  # the self-check reports the file itself
        return ["  signatures: not read, the file does not open cleanly"], True
    except BriefError as error:
        if str(error) != _INSTALL or b"/Sig" not in pdf.read_bytes():
            raise
        logger.warning("%s: has signatures that are not checked: %s", pdf, _INSTALL)
        return [], False
    lines, failed = [], False
    for item in found:
        when = item.time.isoformat(timespec="seconds") if item.time else "no time given"
        state = "CHANGED after signing" if item.changed else "unchanged since signing"
        trusted = "trusted" if item.trusted else "not trusted" if trust else "trust not checked (no --trust)"
        lines.append(f"  signature {item.field}: signed by {item.signer} at {when}"
                     f"{' (timestamped)' if item.timestamped else ''}; {state}; {trusted}")
        failed |= item.changed or (bool(trust) and not item.trusted)
        if not trust:
            logger.warning("%s: the signer %s is not checked against a trusted certificate; give "
                           "--trust CERT.pem (the signer's or its authority's)", pdf, item.signer)
    return lines, failed
