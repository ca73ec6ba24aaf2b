"""Signed PDFs: `sign` with a certificate made here, read back by pyHanko, page-validation and `verify`."""

from __future__ import annotations

import datetime as dt

import page
import pytest
from support import quick, run
from test_conformance import pictures, write_pictures  # noqa: F401 (pictures: a fixture)

from briefkit.build import Options, build
from briefkit.pdf.conformance import PROFILES

SIGNER = "Briefkit Test Desk"
PASSWORD = "correct horse battery staple"


def _certificate(folder, name: str):
    """A self-signed certificate and its key (PEM), and both in a password-protected PKCS#12."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, True, True, False, False),
                           critical=True)
            .sign(key, hashes.SHA256()))
    stem = name.split()[-1].lower()
    paths = {kind: folder / f"{stem}-{kind}" for kind in ("key.pem", "cert.pem", "id.p12")}
    paths["key.pem"].write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    paths["cert.pem"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["id.p12"].write_bytes(pkcs12.serialize_key_and_certificates(
        b"id", key, cert, None, serialization.BestAvailableEncryption(PASSWORD.encode())))
    return paths


@pytest.fixture(scope="module")
def made(shared):
    """A PDF/A-3b brief with pictures, and two certificates (the signer's and a stranger's)."""

    def make(root):
        write_pictures(root / "brief")
        build(root / "brief", Options(output=root / "brief.pdf", pdf_variant="pdf/a-3b"))
        _certificate(root, SIGNER)
        _certificate(root, "Someone Else")

    root = shared("signing", make)
    return {"pdf": root / "brief.pdf", "key": root / "desk-key.pem", "cert": root / "desk-cert.pem",
            "p12": root / "desk-id.p12", "other": root / "else-cert.pem", "other_key": root / "else-key.pem"}


@pytest.fixture
def signed(made, runner, tmp_path):
    out = tmp_path / "signed.pdf"
    result = run(runner, "sign", str(made["pdf"]), "-o", str(out), "--key", str(made["key"]),
                 "--cert", str(made["cert"]))
    assert result.exit_code == 0 and f"signed by {SIGNER}" in result.output, result.output
    return out


def test_a_signed_brief_validates_in_pyhanko_with_its_signer(made, signed):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    original = made["pdf"].read_bytes()
    data = signed.read_bytes()
    assert data.startswith(original) and len(data) > len(original)  # an incremental update
    with open(signed, "rb") as stream:
        (signature,) = PdfFileReader(stream).embedded_signatures
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(made["cert"]))])
        status = validate_pdf_signature(signature, context)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == SIGNER
    assert "/ETSI.CAdES.detached" in str(signature.sig_object["/SubFilter"])  # PAdES


def test_the_signed_archive_still_passes_page_validation(signed):
    report = page.validate_pdf(str(signed), profile="3b")
    assert report.rules.total > 50 and [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_no_key_material_enters_the_pdf(made, signed):
    key = made["key"].read_text().splitlines()
    body = "".join(line for line in key if "-----" not in line)
    import base64

    der = base64.b64decode(body)
    assert der[-64:] not in signed.read_bytes() and body[:40].encode() not in signed.read_bytes()


def test_verify_names_the_signer_and_trusts_the_given_root(made, signed, runner):
    result = run(runner, "verify", str(signed), "--trust", str(made["cert"]))
    assert result.exit_code == 0, result.output
    assert f"signed by {SIGNER}" in result.output and "unchanged since signing; trusted" in result.output


def test_an_untrusted_signer_is_a_warning_unless_trust_is_given(made, signed, runner):
    result = run(runner, "verify", str(signed))
    assert result.exit_code == 0 and "trust not checked (no --trust)" in result.output, result.output
    result = run(runner, "verify", str(signed), "--trust", str(made["other"]))
    assert result.exit_code == 1 and f"signed by {SIGNER}" in result.output and "not trusted" in result.output


def test_a_byte_changed_after_signing_fails_verify(made, signed, runner):
    data = bytearray(signed.read_bytes())
    at = data.index(b"Test Desk")  # the author, inside the signed bytes
    data[at] = ord("B")
    signed.write_bytes(bytes(data))
    result = run(runner, "verify", str(signed), "--trust", str(made["cert"]))
    assert result.exit_code == 1 and "CHANGED after signing" in result.output, result.output
    assert "Traceback" not in result.output


def test_p12_signs_in_place_with_the_password_from_the_environment(made, runner, tmp_path, monkeypatch):
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(made["pdf"].read_bytes())
    monkeypatch.setenv("BRIEF_P12_PASSWORD", PASSWORD)
    result = run(runner, "sign", str(pdf), "--p12", str(made["p12"]), "--password-env", "BRIEF_P12_PASSWORD")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and PASSWORD.encode() not in pdf.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]  # no temporary file left behind
    result = run(runner, "verify", str(pdf), "--trust", str(made["cert"]))
    assert result.exit_code == 0 and f"signed by {SIGNER}" in result.output, result.output
    # a PDF/A file takes one signature: a second would leave the first's byte range short
    once = pdf.read_bytes()
    result = run(runner, "sign", str(pdf), "--p12", str(made["p12"]), "--password-env", "BRIEF_P12_PASSWORD")
    assert result.exit_code == 1 and "PDFA3B-SIGNATURE-BYTERANGE-001" in result.output, result.output
    assert pdf.read_bytes() == once


def test_a_plain_pdf_takes_a_second_signature(made, runner, tmp_path):
    """Without a PDF/A claim, signing again is an ordinary incremental update: both reported."""
    folder = tmp_path / "plain"
    write_pictures(folder)
    pdf = tmp_path / "plain.pdf"
    assert run(runner, "build", str(folder), "-o", str(pdf)).exit_code == 0
    for _ in range(2):
        result = run(runner, "sign", str(pdf), "--key", str(made["key"]), "--cert", str(made["cert"]))
        assert result.exit_code == 0, result.output
    result = run(runner, "verify", str(pdf), "--trust", str(made["cert"]))
    assert result.output.count("unchanged since signing; trusted") == 2, result.output
    assert result.exit_code == 0


@pytest.mark.parametrize("mistake, says, code", [
    ("wrong password", "wrong password", 1),
    ("unset variable", "the variable is not set", 2),
    ("mismatched key", "is not the key of the certificate", 1),
    ("missing key", "no such file", 2),
    ("not a pdf", "not a PDF", 1),
    ("truncated pdf", "not a PDF that opens cleanly", 1),
    ("missing pdf", "no such file", 2),
    ("two pdfs and -o", "give one PDF", 2),
])
def test_signing_mistakes_say_what_to_do_and_leave_the_file(made, runner, tmp_path, monkeypatch, mistake,
                                                            says, code):
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(made["pdf"].read_bytes())
    monkeypatch.setenv("WRONG", "not the password")
    pem = ["--key", str(made["key"]), "--cert", str(made["cert"])]
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(made["pdf"].read_bytes()[:30000])
    args = {
        "wrong password": [str(pdf), "--p12", str(made["p12"]), "--password-env", "WRONG"],
        "unset variable": [str(pdf), "--p12", str(made["p12"]), "--password-env", "BRIEFKIT_NO_SUCH_VAR"],
        "mismatched key": [str(pdf), "--key", str(made["other_key"]), "--cert", str(made["cert"])],
        "missing key": [str(pdf), "--key", str(tmp_path / "none.pem"), "--cert", str(made["cert"])],
        "not a pdf": [str(made["cert"]), *pem],
        "truncated pdf": [str(truncated), *pem],
        "missing pdf": [str(tmp_path / "none.pdf"), *pem],
        "two pdfs and -o": [str(pdf), str(pdf), "-o", str(tmp_path / "x.pdf"), *pem],
    }[mistake]
    result = run(runner, "sign", *args)
    assert result.exit_code == code and says in result.output, result.output
    assert "Traceback" not in result.output and "not the password" not in result.output
    assert pdf.read_bytes() == made["pdf"].read_bytes()


def test_publish_signs_what_it_publishes_and_lists_the_signer(made, runner, tmp_path, monkeypatch):
    import hashlib

    folder = tmp_path / "brief"
    write_pictures(folder)
    site = tmp_path / "site"
    monkeypatch.setenv("P12_PASSWORD", PASSWORD)
    args = ["publish", str(folder), "-o", str(site), "--pdf-variant", "pdf/a-3b",
            "--sign-p12", str(made["p12"]), "--password-env", "P12_PASSWORD"]
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    (pdf,) = site.glob("*.pdf")
    assert f"signed by {SIGNER}" in (site / "index.html").read_text()
    assert (site / "SHA256SUMS").read_text().split()[0] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert page.validate_pdf(str(pdf), profile="3b").failures == []
    verified = run(runner, "verify", str(pdf), "--trust", str(made["cert"]))
    assert verified.exit_code == 0 and f"signed by {SIGNER}" in verified.output, verified.output
    signed = pdf.read_bytes()
    again = run(runner, *args)  # nothing changed: not rebuilt, not signed twice
    assert again.exit_code == 0 and "0 built" in again.output, again.output
    assert pdf.read_bytes() == signed and f"signed by {SIGNER}" in (site / "index.html").read_text()


# The quick run signs the two variants test_conformance.py builds quickly (one tagged): no more builds.
@pytest.mark.parametrize("variant", quick(list(PROFILES), "pdf/a-3b", "pdf/ua-1"))
def test_every_variant_signed_keeps_its_conformance(made, pictures, runner, tmp_path, variant):  # noqa: F811
    """The signature's field is described and, in a tagged file, tagged as a Form (PDF/UA 7.18)."""
    import pdfua
    import pikepdf

    out = tmp_path / "signed.pdf"
    result = run(runner, "sign", str(pictures[variant]), "-o", str(out), "--key", str(made["key"]),
                 "--cert", str(made["cert"]))
    assert result.exit_code == 0, result.output
    for profile in PROFILES[variant]:
        assert [f.rule_id for f in page.validate_pdf(str(out), profile=profile).failures] == []
    with pikepdf.open(out) as pdf:
        (field,) = pdf.Root.AcroForm.Fields
        assert str(field.TU) == f"Digital signature of {SIGNER}" and field.FT == "/Sig"
        tagged = "/StructTreeRoot" in pdf.Root
    if tagged:
        assert [f"{f.rule_id}: {f.message}" for f in pdfua.validate(str(out)).findings] == []


@pytest.fixture
def timestamp_server(tmp_path):
    """An RFC 3161 timestamp server on 127.0.0.1 (pyHanko's test TSA behind http.server), with a
    certificate of its own made here."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from asn1crypto import tsp
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "tsa-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "tsa-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    stamper = DummyTimeStamper(load_cert_from_pemder(str(tmp_path / "tsa-cert.pem")),
                               load_private_key_from_pemder(str(tmp_path / "tsa-key.pem"), None))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


def test_timestamp_makes_a_b_t_signature(made, runner, tmp_path, timestamp_server):
    out = tmp_path / "stamped.pdf"
    result = run(runner, "sign", str(made["pdf"]), "-o", str(out), "--key", str(made["key"]),
                 "--cert", str(made["cert"]), "--timestamp", timestamp_server)
    assert result.exit_code == 0, result.output
    verified = run(runner, "verify", str(out), "--trust", str(made["cert"]))
    assert verified.exit_code == 0 and "(timestamped)" in verified.output, verified.output
    assert page.validate_pdf(str(out), profile="3b").failures == []
    unstamped = run(runner, "sign", str(made["pdf"]), "-o", str(tmp_path / "x.pdf"), "--key",
                    str(made["key"]), "--cert", str(made["cert"]), "--timestamp", "http://127.0.0.1:9/")
    assert unstamped.exit_code == 1 and "timestamp server" in unstamped.output, unstamped.output
    assert not (tmp_path / "x.pdf").exists()


def test_a_chain_leads_to_the_authority_given_as_trust(made, runner, tmp_path):
    """A signer certified by an authority: --chain embeds the authority's certificate, and
    `verify --trust AUTHORITY` trusts the signer through it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    def certify(subject_name, issuer_name, public, signing_key, ca):
        now = dt.datetime.now(dt.UTC)
        return (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_name)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
                .public_key(public).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                # a CA signs certificates; a signer's certificate allows non-repudiation, which
                # pyHanko requires of a document signature
                .add_extension(x509.KeyUsage(
                    digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                    encipher_only=False, decipher_only=False), critical=True)
                .sign(signing_key, hashes.SHA256()))

    authority_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    desk_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    authority = certify("Test Authority", "Test Authority", authority_key.public_key(), authority_key, True)
    desk = certify("Chained Desk", "Test Authority", desk_key.public_key(), authority_key, False)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(authority.public_bytes(pem))
    (tmp_path / "desk.pem").write_bytes(desk.public_bytes(pem))
    (tmp_path / "desk-key.pem").write_bytes(desk_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    out = tmp_path / "signed.pdf"
    result = run(runner, "sign", str(made["pdf"]), "-o", str(out), "--key", str(tmp_path / "desk-key.pem"),
                 "--cert", str(tmp_path / "desk.pem"), "--chain", str(tmp_path / "ca.pem"))
    assert result.exit_code == 0, result.output
    verified = run(runner, "verify", str(out), "--trust", str(tmp_path / "ca.pem"))
    assert verified.exit_code == 0 and "signed by Chained Desk" in verified.output, verified.output
    assert "; trusted" in verified.output
    stranger = run(runner, "verify", str(out), "--trust", str(made["cert"]))
    assert stranger.exit_code == 1 and "not trusted" in stranger.output
