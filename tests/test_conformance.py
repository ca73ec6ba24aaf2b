"""Every variant judged by independent tools: page-validation, pdfua and libqpdf's checks."""

from __future__ import annotations

import textwrap

import page
import pdfua
import pikepdf
import pytest
from support import MINIMAL, Lazy, quick, run
from test_scripts import BRIEFS as SCRIPTS

from briefkit.build import Options, build
from briefkit.pdf.conformance import PROFILES

VARIANTS = list(PROFILES)
#: Tests over every brief in every variant (25 builds).
matrix = pytest.mark.slow

#: A brief made to stress the trees: more than ten notes (note-10 sorts before note-2), events
#: with ids in two scripts (anchors in ASCII and UTF-16), a chronology table.
TREES = {
    "commentary.md": "".join(f"Claim {n}.[^n{n}]\n\n[^n{n}]: Note {n}.\n\n" for n in range(1, 13))
    + "See [the second event](#event-альфа).\n\n## Хронология\n\n```chronology\n```\n",
    "events.yaml": """\
        events:
          - {id: zulu, date: 2020-01-01, title: First}
          - {id: альфа, date: 2021-01-01, title: Second}
          - {id: alpha, date: 2022-01-01, title: Third}
          - {id: 東京, date: 2023-01-01, title: Fourth}
        """,
}


#: The briefs of the matrix: the sample, `briefkit new`'s starter, the tree brief, Hindi and Dari.
NAMES = ("sample", "starter", "trees", *SCRIPTS)


@pytest.fixture(scope="module")
def briefs(shared, sample_as, runner):
    """The sample, a starter brief, the tree brief, a Hindi and a Dari brief, each built in
    every variant: each PDF once a run, when a test first reads it."""

    def write(root):
        assert run(runner, "new", str(root / "starter")).exit_code == 0
        for language, files in {"trees": {**MINIMAL, **TREES}, **SCRIPTS}.items():
            (root / language).mkdir()
            for name, text in files.items():
                (root / language / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def one(key):
        name, variant = key
        if name == "sample":
            return sample_as(variant)
        folder = shared("conformance", write) / name
        out = shared(f"conformance-{_pdf(name, variant)}", lambda root: build(
            folder, Options(output=root / _pdf(name, variant), pdf_variant=variant)))
        return out / _pdf(name, variant)

    return Lazy([(name, variant) for name in NAMES for variant in VARIANTS], one)


def _pdf(name: str, variant: str) -> str:
    return f"{name}-{variant.replace('/', '-')}.pdf"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("brief", ["sample", "starter", "trees", "hi", "fa-AF"])
@matrix
def test_every_variant_passes_its_profiles_with_no_failed_rule(briefs, brief, variant):
    for profile in PROFILES[variant]:
        report = page.validate_pdf(str(briefs[brief, variant]), profile=profile)
        failed = [f"{f.rule_id}: {f.message}" for f in report.failures]
        assert report.rules.total > 50 and failed == [], failed


@pytest.mark.parametrize("variant", [v for v in VARIANTS if "a-3b" not in v and "a-3u" not in v])
@pytest.mark.parametrize("brief", ["sample", "starter", "trees", "hi", "fa-AF"])
@matrix
def test_tagged_variants_have_no_pdfua_finding(briefs, brief, variant):
    report = pdfua.validate(str(briefs[brief, variant]))
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []


@pytest.mark.parametrize("variant", VARIANTS)
@matrix
def test_libqpdf_finds_nothing_to_repair(briefs, variant):
    for brief in ("sample", "starter", "trees", "hi", "fa-AF"):
        with pikepdf.open(briefs[brief, variant]) as pdf:
            assert pdf.check_pdf_syntax() == []


@pytest.mark.parametrize("variant", ["pdf/a-3a+ua-1", "pdf/a-3b"])
@matrix
def test_every_name_and_number_tree_is_sorted(briefs, variant):
    with pikepdf.open(briefs["trees", variant]) as pdf:
        trees = [pdf.Root.Names[kind] for kind in pdf.Root.get("/Names", {}).keys()]
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            trees.append(root.IDTree)
        names = [[bytes(key) for key in tree.Names[0::2]] for tree in trees]
        assert all(keys == sorted(keys) for keys in names), names
        if variant == "pdf/a-3b":  # the attachments, named out of order by the build
            assert [b"briefkit-manifest.json", b"events.yaml"] in names
        else:  # note IDs past ten
            assert any(b"note-10" in keys and b"note-2" in keys for keys in names)
            numbers = [int(n) for n in root.ParentTree.Nums[0::2]]
            assert numbers == sorted(numbers)


@matrix
def test_destinations_are_ascii_and_every_link_finds_its_own(briefs):
    """Anchors in any script are named in ASCII, where byte and Unicode order agree."""
    with pikepdf.open(briefs["trees", "pdf/ua-1"]) as pdf:
        dests = [bytes(key) for key in pdf.Root.Names.Dests.Names[0::2]]
        links = [bytes(a.Dest) for page in pdf.pages for a in page.get("/Annots", [])
                 if a.get("/Dest") is not None and not isinstance(a.Dest, pikepdf.Array)]
    assert all(key.isascii() for key in dests) and "event-альфа".encode() not in dests
    assert b"event-%D0%B0%D0%BB%D1%8C%D1%84%D0%B0" in dests and b"event-zulu" in dests
    assert links and set(links) <= set(dests)


@matrix
def test_table_header_cells_say_what_they_head(briefs):
    with pikepdf.open(briefs["trees", "pdf/ua-1"]) as pdf:
        scopes = [str(o.A.Scope) for o in pdf.objects
                  if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TH"]
    assert scopes and set(scopes) == {"/Column"}


@matrix
def test_the_xmp_packet_is_plain_text(briefs):
    for variant in VARIANTS:
        with pikepdf.open(briefs["sample", variant]) as pdf:
            assert "/Filter" not in pdf.Root.Metadata
            assert b"<x:xmpmeta" in pdf.Root.Metadata.read_raw_bytes()


@pytest.mark.parametrize("variant", VARIANTS)
@matrix
def test_verify_accepts_every_variant(briefs, runner, variant):
    result = run(runner, "verify", str(briefs["starter", variant]))
    assert result.exit_code == 0 and result.output.endswith(": ok\n"), result.output


@matrix
def test_verify_names_the_rules_a_broken_archive_fails(briefs, runner, tmp_path):
    broken = tmp_path / "no-intent.pdf"
    with pikepdf.open(briefs["starter", "pdf/a-3b"]) as pdf:
        del pdf.Root["/OutputIntents"]
        pdf.save(broken)
    result = run(runner, "verify", str(broken))
    assert result.exit_code == 1
    assert "fails 3b: PDFA3B-" in result.output
    assert "declares PDF/A-3b but has no output intent" in result.output


@matrix
def test_verify_rejects_a_truncated_file(briefs, runner, tmp_path):
    whole = briefs["sample", "pdf/a-3a+ua-1"].read_bytes()
    for cut in (len(whole) // 2, len(whole) - 300):
        truncated = tmp_path / f"cut-{cut}.pdf"
        truncated.write_bytes(whole[:cut])
        result = run(runner, "verify", str(truncated))
        assert result.exit_code == 1 and "problem" in result.output, result.output


def test_a_stream_whose_data_ends_with_cr_keeps_its_length_unambiguous(tmp_path):
    """pydyf writes LF before endstream; after a CR that reads as one CRLF end-of-line."""
    import pydyf

    from briefkit.pdf.conformance import finish

    document = pydyf.PDF()
    stream = pydyf.Stream([b"0 0 m 1 1 l S\r"])
    document.add_object(stream)
    document.catalog["Probe"] = stream.reference
    finish(document)
    out = tmp_path / "probe.pdf"
    with out.open("wb") as target:
        document.write(target)
    data = out.read_bytes()
    assert b"S\r\r\nendstream" in data
    with pikepdf.open(out) as pdf:
        assert pdf.Root.Probe.read_raw_bytes() == b"0 0 m 1 1 l S\r"
    assert pydyf.Stream([b"x"]).data.endswith(b"x\nendstream")  # the patch ends with the write


def write_pictures(folder) -> None:
    """A brief with an image of every kind a desk sends: PNG (with alpha, and a palette with a
    transparent colour), JPEG in RGB, CMYK and greyscale, SVG, and its style's logo (a PNG with alpha)."""
    from PIL import Image, ImageDraw

    (folder / "images").mkdir(parents=True)
    alpha = Image.new("RGBA", (120, 80), (200, 30, 30, 0))
    ImageDraw.Draw(alpha).ellipse((10, 10, 110, 70), fill=(20, 90, 200, 180))
    alpha.save(folder / "images" / "alpha.png")
    Image.new("RGB", (120, 80), (40, 160, 60)).save(folder / "images" / "plain.png")
    Image.new("RGB", (120, 80), (40, 60, 160)).save(folder / "images" / "photo.jpg")
    Image.new("CMYK", (120, 80), (10, 200, 30, 20)).save(folder / "images" / "cmyk.jpg")
    Image.new("L", (120, 80), 128).save(folder / "images" / "grey.jpg")
    palette = Image.new("P", (120, 80), 0)  # a GIF-like palette whose colour 0 is transparent
    palette.putpalette([255, 255, 255, 180, 20, 60])
    ImageDraw.Draw(palette).rectangle((20, 20, 100, 60), fill=1)
    palette.save(folder / "images" / "palette.png", transparency=0)
    (folder / "images" / "shape.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><title>A box</title>'
        '<rect x="5" y="5" width="110" height="70" fill="#2a6" opacity="0.6"/></svg>')
    for name, text in MINIMAL.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    style = folder / "styles" / "photo-desk"  # a house style whose logo is a PNG with alpha
    style.mkdir(parents=True)
    (style / "style.yaml").write_text("name: photo-desk\nextends: think-tank\nlogo: logo.png\n")
    alpha.resize((60, 40)).save(style / "logo.png")
    with open(folder / "brief.yaml", "a", encoding="utf-8") as brief:
        brief.write("style: photo-desk\npublisher: The Photo Desk\n")
    with open(folder / "commentary.md", "a", encoding="utf-8") as commentary:
        for name in ("alpha.png", "palette.png", "plain.png", "photo.jpg", "cmyk.jpg", "grey.jpg",
                     "shape.svg"):
            commentary.write(f"\n![A {name} picture](images/{name})\n")


@pytest.fixture(scope="module")
def pictures(shared):
    """The picture brief built in every variant: each PDF once a run, when a test first reads it."""

    def one(variant):
        folder = shared("pictures", lambda root: write_pictures(root / "pictures")) / "pictures"
        out = shared(f"pictures-{_pdf('pictures', variant)}", lambda root: build(
            folder, Options(output=root / _pdf("pictures", variant), pdf_variant=variant)))
        return out / _pdf("pictures", variant)

    return Lazy(VARIANTS, one)


@pytest.mark.parametrize("variant", quick(VARIANTS, "pdf/a-3b", "pdf/ua-1"))
def test_every_variant_passes_with_png_jpeg_cmyk_and_svg_images(pictures, variant):
    with pikepdf.open(pictures[variant]) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        masks = [image for image in images if "/SMask" in image]
        spaces = {str(image.get("/ColorSpace")) for image in images}
    assert len(images) >= 7 and len(masks) >= 2, "the images, logo and their alpha should be in the PDF"
    if "pdf/a" in variant:  # PDF/A forbids interpolation; the sRGB intent forbids bare CMYK
        assert all(not bool(image.get("/Interpolate", False)) for image in images)
        assert "/DeviceCMYK" not in spaces
    for profile in PROFILES[variant]:
        report = page.validate_pdf(str(pictures[variant]), profile=profile)
        assert report.rules.total > 50 and [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_the_cmyk_photograph_keeps_its_colour_in_rgb(pictures):
    """Converted, not dropped or inverted: the magenta CMYK block is still magenta."""
    with pikepdf.open(pictures["pdf/a-3b"]) as pdf:
        rgb = [pikepdf.PdfImage(o).as_pil_image() for o in pdf.objects
               if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image" and o.get("/Width") == 120
               and str(o.get("/Filter")) == "/DCTDecode" and str(o.get("/ColorSpace")) == "/DeviceRGB"]
    colours = {image.getpixel((60, 40)) for image in rgb}
    assert any(r > 180 and g < 100 and b > 160 for r, g, b in colours), colours


def test_a_build_that_would_fail_its_profile_exits_1_naming_the_rule(runner, tmp_path):
    """A letter no font has is drawn as .notdef, which PDF/A forbids: the build refuses to write
    the file, and the last good one stays."""
    folder = tmp_path / "tofu"
    folder.mkdir()
    for name, text in MINIMAL.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert run(runner, "build", str(folder), "-o", str(out), "--pdf-variant", "pdf/a-3b").exit_code == 0
    good = out.read_bytes()
    (folder / "commentary.md").write_text("A letter no font has: \U00013000.[^a]\n\n[^a]: The note.\n")
    result = run(runner, "build", str(folder), "-o", str(out), "--pdf-variant", "pdf/a-3b")
    assert result.exit_code == 1, result.output
    assert "PDFA3B-NOTDEF-GLYPH-001" in result.output and "not written" in result.output
    assert "Traceback" not in result.output and out.read_bytes() == good


def test_a_failing_image_is_named_by_its_file(tmp_path):
    """The gate names the image a rule concerns: here a PDF written by WeasyPrint without the
    finisher's image pass, judged as PDF/A-3b."""
    from weasyprint import HTML

    from briefkit.errors import BriefError
    from briefkit.pdf import gatekeeper

    write_pictures(tmp_path)
    html = '<img src="images/cmyk.jpg" alt="c">'
    data = HTML(string=html, base_url=str(tmp_path) + "/").write_pdf(pdf_variant="pdf/a-3b")
    with pytest.raises(BriefError) as error:
        gatekeeper.admit(data, "pdf/a-3b", False, (tmp_path,), tmp_path / "out.pdf")
    assert "PDFA3B-DEVICE-CMYK-001" in str(error.value) and "(image images/cmyk.jpg)" in str(error.value)


def test_strict_checks_a_tagged_variant_with_pdfua_too(runner, tmp_path):
    write_pictures(tmp_path / "pictures")
    out = tmp_path / "out.pdf"
    result = run(runner, "build", str(tmp_path / "pictures"), "-o", str(out),
                 "--pdf-variant", "pdf/a-3a+ua-1", "--strict")
    assert result.exit_code == 0, result.output
    assert list(pdfua.validate(str(out)).findings) == []


def test_without_the_validator_a_build_warns_once_and_writes(tmp_path, monkeypatch, caplog):
    """A library install without page-validation: one warning, not a crash."""
    import sys

    from briefkit.pdf import gatekeeper

    monkeypatch.setitem(sys.modules, "page", None)  # `import page` raises ImportError
    monkeypatch.setattr(gatekeeper, "_warned", set())
    (tmp_path / "brief").mkdir()
    for name, text in MINIMAL.items():
        (tmp_path / "brief" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for number in (1, 2):
        build(tmp_path / "brief", Options(output=tmp_path / f"out{number}.pdf", pdf_variant="pdf/a-3b"))
    assert (tmp_path / "out1.pdf").is_file() and (tmp_path / "out2.pdf").is_file()
    warned = [r.getMessage() for r in caplog.records if "page-validation" in r.getMessage()]
    assert len(warned) == 1 and "written without being checked" in warned[0], warned
