"""Signing: PAdES signatures by pyHanko on finished PDFs, as an incremental update."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from . import logger
from .errors import BriefError, UsageError
from .signatures import name_of, pdf_bytes, pyhanko, quietly, readable, signatures


@dataclass(frozen=True)
class Credentials:
    """Where a signer's key and certificate are; the password is read from the environment."""

    key: Path | None = None
    cert: Path | None = None
    chain: tuple[Path, ...] = ()
    p12: Path | None = None
    password_env: str | None = None


def signer_from(credentials: Credentials):
    """A pyHanko signer from the files named, each mistake as a BriefError saying what to do."""
    signers = pyhanko().sign.signers
    password = _password(credentials.password_env)
    if credentials.p12:
        if credentials.key or credentials.cert or credentials.chain:
            raise UsageError("give either --p12 or --key and --cert, not both")
        readable(credentials.p12, "--p12")
        signer = quietly(signers.SimpleSigner.load_pkcs12, str(credentials.p12), passphrase=password)
        if signer is None:
            raise BriefError(f"{credentials.p12}: cannot open the PKCS#12 file: wrong password "
                             f"({_password_hint(credentials.password_env)}) or not a PKCS#12 file")
        return signer
    if not (credentials.key and credentials.cert):
        raise UsageError("signing needs --key KEY.pem and --cert CERT.pem, or --p12 FILE.p12")
    for path, option in ((credentials.key, "--key"), (credentials.cert, "--cert"),
                         *((path, "--chain") for path in credentials.chain)):
        readable(path, option)
    signer = quietly(signers.SimpleSigner.load, str(credentials.key), str(credentials.cert),
                      ca_chain_files=tuple(map(str, credentials.chain)), key_passphrase=password)
    if signer is None:
        raise BriefError(f"{credentials.key}, {credentials.cert}: cannot load the key and certificate: "
                         "both must be PEM (or DER) files; an encrypted key needs its password "
                         f"({_password_hint(credentials.password_env)})")
    if not _matches(signer):
        raise BriefError(f"{credentials.key} is not the key of the certificate {credentials.cert}: "
                         "give the certificate issued for this key")
    return signer


def sign(pdf: Path, signer, output: Path | None = None, timestamp: str | None = None) -> Path:
    """Append a PAdES signature (B-B; B-T with a timestamp server) to `pdf` as an incremental
    update, in place or into `output`; the file is replaced whole, never half written."""
    from . import output as writing

    data = pdf_bytes(pdf)
    hanko = pyhanko()
    from pyhanko.sign import fields, signers, timestamps

    from .pdf import signaturefield

    try:
        writer = _writer(io.BytesIO(data))
        name = _free_field(writer)
        signaturefield.add(writer, name, signer_name(signer))
    except (hanko.pdf_utils.misc.PdfError, KeyError, ValueError, TypeError) as error:
        raise BriefError(f"{pdf}: not a PDF that opens cleanly ({error or type(error).__name__}); "
                         "build it again, then sign") from None
    meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    stamper = timestamps.HTTPTimeStamper(timestamp) if timestamp else None
    signed = io.BytesIO()
    try:
        signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(writer, output=signed)
    except (hanko.sign.general.SigningError, OSError) as error:
        where = f" (timestamp server {timestamp})" if timestamp else ""
        raise BriefError(f"{pdf}: could not sign{where}: {error}") from None
    _still_conforms(pdf, data, signed.getvalue())
    target = writing.write(output or pdf, signed.getvalue())
    logger.info("%s: signed by %s", target, signer_name(signer))
    return target


def _still_conforms(pdf: Path, before: bytes, after: bytes) -> None:
    """Refuse a signature that costs the file a conformance it claims (PDF/A takes one
    signature: a second leaves the first one's byte range short of the file's end)."""
    from .pdf import gatekeeper

    profiles = _claimed(before)
    broken = {(f.profile, f.rule): f for f in gatekeeper.judged(after, profiles)}
    for failure in gatekeeper.judged(before, profiles):
        broken.pop((failure.profile, failure.rule), None)
    if broken:
        rules = "; ".join(map(str, broken.values()))
        hint = "A PDF/A file takes one signature: sign the unsigned build (briefkit build again) instead" \
            if any("SIGNATURE" in rule for _, rule in broken) else \
            "Sign the file without the claim (build it without --pdf-variant), or report this as a bug"
        raise BriefError(f"{pdf}: not signed: the signature would break the file's claimed conformance "
                         f"({', '.join(profiles)}): {rules}. {hint}")


def _claimed(data: bytes) -> list[str]:
    """The validator profiles a PDF's XMP claims."""
    import pikepdf

    from .pdf.conformance import profiles_claimed

    with pikepdf.open(io.BytesIO(data)) as document, document.open_metadata() as xmp:
        return profiles_claimed(f"{xmp.get('pdfaid:part', '')}{xmp.get('pdfaid:conformance', '')}" or None,
                                xmp.get("pdfuaid:part"))


def signer_name(signer) -> str:
    """The common name (else the whole subject) of a signer's certificate."""
    return name_of(signer.signing_cert)


def _password(variable: str | None) -> bytes | None:
    """The password from an environment variable, never from the command line."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise UsageError(f"--password-env {variable}: the variable is not set; export it with the "
                         "password first (read -s VAR && export VAR)")
    return value.encode()


def _password_hint(variable: str | None) -> str:
    return f"read from ${variable}" if variable else "give it with --password-env VAR"


def _matches(signer) -> bool:
    """Whether the signer's private key belongs to its certificate."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_private_key

    key = load_der_private_key(signer.signing_key.dump(), password=None)
    public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return public == signer.signing_cert.public_key.dump()


def _free_field(writer) -> str:
    """The first SignatureN name not yet used by the document's form."""
    form = writer.root.get("/AcroForm")
    fields = form.get_object().get("/Fields", []) if form else []
    used = {str(field.get_object().get("/T")) for field in fields}
    return next(f"Signature{n}" for n in range(1, len(used) + 2) if f"Signature{n}" not in used)


def _writer(stream):
    """pyHanko's incremental writer, leaving the Info dictionary and XMP packet as they were:
    it rewrites both otherwise, and the rewritten XMP loses what PDF/A requires of it (its
    extension schemas; seven rules of page-validation fail)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKept(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            return None

    return MetadataKept(stream, strict=False)


class SiteSigner:
    """`publish --sign-*`: signs each published PDF not yet signed by this signer, keeps its
    build record fresh (the signature is not a change to rebuild for), names the signer."""

    def __init__(self, signer, timestamp: str | None = None):
        self.signer, self.timestamp, self.name = signer, timestamp, signer_name(signer)

    def __call__(self, pdf: Path, skipped: bool, kept: dict | None) -> str:
        """The signer to list for `pdf`: a kept PDF already signed keeps its entry's signer."""
        import json

        from . import freshness

        if skipped and kept and kept.get("signer") == self.name and kept.get("pdf") == pdf.name:
            return self.name
        if any(item.signer == self.name and not item.changed for item in signatures(pdf)):
            return self.name
        try:
            record = json.loads(freshness.record_path(pdf).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = None
        sign(pdf, self.signer, timestamp=self.timestamp)
        if isinstance(record, dict) and {"fingerprint", "pages"} <= set(record):
            freshness.remember(pdf, record["fingerprint"], record["pages"])
        return self.name


def site_signer(sign: SiteSigner | None, pdf: Path, skipped: bool, kept: dict | None) -> str:
    """The signer the catalogue lists for a published PDF ("" when publish does not sign and
    the PDF was rebuilt; a kept PDF keeps the signer its entry had)."""
    if sign is not None:
        return sign(pdf, skipped, kept)
    return (kept or {}).get("signer", "") if skipped else ""
