"""Distribution-grade PDFs: variants, attached data, provenance, self-checks, read back with pikepdf."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from support import SAMPLE, SAMPLE_NOTES, run

from briefkit.build import Options, build
from briefkit.pdf.attachments import MANIFEST


@pytest.fixture
def archival(sample_as):
    """The sample as PDF/A-3b, built once a run."""
    return sample_as("pdf/a-3b")


def test_pdfa3_declares_itself_and_carries_an_output_intent(archival):
    with pikepdf.open(archival) as pdf:
        with pdf.open_metadata() as xmp:
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "B")
        assert "/OutputIntents" in pdf.Root


def test_the_archival_sample_passes_an_independent_validator(archival):
    """The quick check; test_conformance.py runs every brief in every variant (slow)."""
    from briefkit.pdf.conformance import validate

    assert validate(archival.read_bytes(), ["3b"]) == []


def test_pdfa3_attaches_the_data_behind_the_brief(archival, runner, tmp_path):
    result = run(runner, "inspect", str(archival), "--extract", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    data = tmp_path / "data"
    assert (data / "events.yaml").read_bytes() == (SAMPLE / "events.yaml").read_bytes()
    sources = json.loads((data / "sources.json").read_text())
    assert len(sources) == 21 and sources[0]["issued"] == {"date-parts": [[2025, 7, 3]]}
    manifest = json.loads((data / "briefkit-manifest.json").read_text())
    for name in ("brief.yaml", "commentary.md", "events.yaml", "sources.yaml"):
        assert manifest["inputs"][name] == hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest()
    assert manifest["style"]["name"] == "think-tank" and manifest["built"].startswith("2026-01-29")
    with pikepdf.open(archival) as pdf:
        relationships = {str(spec.obj.get("/AFRelationship")) for spec in pdf.attachments.values()}
    assert relationships == {"/Source", "/Supplement"}


PRISM = "{http://prismstandard.org/namespaces/basic/2.1/}"


@pytest.mark.parametrize("which", ["plain", "archival"])
def test_metadata_travels_in_the_info_dictionary_and_xmp(which, archival, sample):
    with pikepdf.open(archival if which == "archival" else sample["pdf"]) as pdf:
        info = {key: str(value) for key, value in pdf.docinfo.items()}
        assert (info["/series"], info["/number"]) == ("Issue Brief", "No. 7")
        assert info["/Title"].startswith("The Taliban-Russia Re-Connect")
        with pdf.open_metadata() as xmp:
            assert xmp[f"{PRISM}publicationName"] == "Issue Brief" and xmp[f"{PRISM}number"] == "No. 7"
            assert xmp["dc:title"] == info["/Title"] and xmp["dc:creator"] == [info["/Author"]]
            assert xmp["dc:description"] == info["/Subject"] and xmp["pdf:Keywords"] == info["/Keywords"]
            assert xmp["dc:language"] == {"en"} and str(pdf.Root.Lang) == "en"
            assert xmp["xmpMM:DocumentID"].startswith("uuid:")


def test_pdfa_declares_every_extra_xmp_schema_and_its_attachments(archival):
    """PDF/A accepts XMP properties outside its predefined schemas only when described."""
    with pikepdf.open(archival) as pdf:
        packet = pdf.Root.Metadata.read_bytes().decode()
        with pdf.open_metadata() as xmp:
            attached = xmp["{urn:briefkit:xmp:1.0#}attachments"]
            assert attached == set(pdf.attachments) == {"events.yaml", "sources.json", MANIFEST}
    used = set(re.findall(r"<(\w+):\w+>", packet)) - {"rdf", "dc", "pdf", "xmp", "xmpMM", "pdfaid",
                                                       "pdfaExtension", "pdfaSchema", "pdfaProperty"}
    declared = set(re.findall(r"<pdfaSchema:prefix>(\w+)</pdfaSchema:prefix>", packet))
    assert used == {"prism", "briefkit"} and used <= declared


@pytest.mark.slow  # a second PDF/A build; test_sample.py checks plain builds
def test_archival_builds_are_reproducible(archival, sample, tmp_path):
    again = build(sample["folder"], Options(output=tmp_path / "again.pdf", pdf_variant="pdf/a-3b")).pdf
    assert again.read_bytes() == archival.read_bytes()


def test_pdfua_is_tagged_with_language_and_title(sample_as):
    out = sample_as("pdf/ua-1")
    with pikepdf.open(out) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
        notes = [node for node in _struct(pdf.Root.StructTreeRoot) if node.get("/S") == "/Note"]
        assert len(notes) == SAMPLE_NOTES and len({str(note.ID) for note in notes}) == SAMPLE_NOTES
        assert len(pdf.Root.StructTreeRoot.IDTree.Names) == 2 * SAMPLE_NOTES  # the IDs resolve
        figures = [node for node in _struct(pdf.Root.StructTreeRoot) if node.get("/S") == "/Figure"]
        assert figures and all(str(f.Alt).startswith("Timeline of 36 events") for f in figures)
        kinds = {str(node.get("/S")) for node in _struct(pdf.Root.StructTreeRoot)}
        assert {"/H1", "/H2", "/Table", "/TH", "/Link"} <= kinds  # headings, table headers, links


@pytest.mark.slow  # a third variant of the sample; PDF/A-3b and PDF/UA-1 are checked quickly
def test_pdfa_and_pdfua_together(sample_as, runner):
    out = sample_as("pdf/a-3a+ua-1")
    with pikepdf.open(out) as pdf:
        with pdf.open_metadata() as xmp:
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"], xmp["pdfuaid:part"]) == ("3", "A", "1")
        assert "/StructTreeRoot" in pdf.Root and "/OutputIntents" in pdf.Root and len(pdf.attachments) == 3
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in pdf.Root.Metadata.read_bytes().decode()
    assert run(runner, "verify", str(out)).exit_code == 0


def _struct(node):
    """Every element of a structure tree."""
    if isinstance(node, pikepdf.Dictionary):
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            yield from _struct(kid)


def test_verify_passes_a_good_pdf_and_catches_tampered_data(archival, runner, tmp_path):
    assert run(runner, "verify", str(archival)).exit_code == 0
    tampered = tmp_path / "tampered.pdf"
    with pikepdf.open(archival) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, b"events: []\n", filename="events.yaml")
        pdf.attachments["events.yaml"] = spec
        pdf.save(tampered)
    result = run(runner, "verify", str(tampered))
    assert result.exit_code == 1
    assert "events.yaml does not match the SHA-256 in the manifest" in result.output


def test_tagged_variants_refuse_an_image_without_alt_text(make_brief, runner, tmp_path):
    folder = make_brief({"commentary.md": "Text.\n\n![](square.svg)\n"})
    (folder / "square.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                       '<rect width="10" height="10"/></svg>')
    plain = run(runner, "build", str(folder), "-o", str(tmp_path / "plain.pdf"))
    assert plain.exit_code == 0 and "commentary.md:3: an image has no alt text" in plain.output
    tagged = run(runner, "build", str(folder), "-o", str(tmp_path / "ua.pdf"), "--pdf-variant", "pdf/ua-1")
    assert tagged.exit_code == 1
    assert "commentary.md:3: pdf/ua-1 needs alt text for every image" in tagged.output
    assert not (tmp_path / "ua.pdf").exists()


def test_verify_catches_metadata_that_disagrees(sample, runner, tmp_path):
    changed = tmp_path / "changed.pdf"
    with pikepdf.open(sample["pdf"]) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp[f"{PRISM}publicationName"] = "Another Series"
        pdf.save(changed)
    result = run(runner, "verify", str(changed))
    assert result.exit_code == 1
    assert "disagree on the series: 'Issue Brief' and 'Another Series'" in result.output
    assert run(runner, "verify", str(sample["pdf"])).exit_code == 0


def test_a_brief_with_fonts_of_its_own_has_the_same_bytes_wherever_it_is_checked_out(make_brief, tmp_path):
    """The HTML names a style's font files by where they lie (the brief's folder, a virtualenv):
    the PDF's identity (XMP DocumentID, and the file identifier hashed over it) must not, or a
    laptop, CI and a cluster worker would each give other bytes for one brief."""
    import font_source_serif_pro

    source = Path(font_source_serif_pro.__file__).parent / "files" / "SourceSerifPro-Regular.ttf"
    pdfs = []
    for place in ("laptop", "checkout"):
        folder = make_brief({"brief.yaml": "title: Fonts Of Its Own\ndate: 2026-02-01\nstyle: house\n"
                             "authors:\n  - name: Desk\n"}, name=place)
        style = folder / "styles" / "house"
        (style / "fonts").mkdir(parents=True)
        shutil.copy(source, style / "fonts" / "House.ttf")
        (style / "style.yaml").write_text("extends: think-tank\nfonts:\n"
                                          "  - {family: House, file: fonts/House.ttf}\n")
        (style / "style.css").write_text(":root { --body-font: House, serif; }\n")
        pdfs.append(build(folder, Options(output=tmp_path / f"{place}.pdf")).pdf.read_bytes())
    assert pdfs[0] == pdfs[1]
    with pikepdf.open(tmp_path / "laptop.pdf") as pdf:  # the style's own font, embedded
        assert any(str(font.BaseFont).endswith("+House") for page in pdf.pages
                   for font in page.Resources.Font.values())
