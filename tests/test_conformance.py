"""Every variant judged by independent tools: page-validation, pdfua and libqpdf's checks."""

from __future__ import annotations

import textwrap

import page
import pdfua
import pikepdf
import pytest
from support import MINIMAL, run
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
def briefs(shared, sample, runner):
    """The sample, a starter brief, the tree brief, a Hindi and a Dari brief, each built in
    every variant (once a run, whichever worker asks first)."""

    def make(root):
        assert run(runner, "new", str(root / "starter")).exit_code == 0
        for language, files in {"trees": {**MINIMAL, **TREES}, **SCRIPTS}.items():
            (root / language).mkdir()
            for name, text in files.items():
                (root / language / name).write_text(textwrap.dedent(text), encoding="utf-8")
        for name in NAMES:
            folder = sample["folder"] if name == "sample" else root / name
            for variant in VARIANTS:
                build(folder, Options(output=root / _pdf(name, variant), pdf_variant=variant))

    root = shared("conformance", make)
    return {(name, variant): root / _pdf(name, variant) for name in NAMES for variant in VARIANTS}


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
