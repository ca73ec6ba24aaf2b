"""pdf/boxes.py, the one reader of WeasyPrint's private layout objects, against the WeasyPrint
installed: a tiny page with a footnote, a margin note, a table and a running head, each adapter
function asked what it must answer. A WeasyPrint that renames its boxes fails here, by name."""

from __future__ import annotations

import re

import pytest
from support import ROOT

from briefkit.pdf import boxes

CHANGED = "WeasyPrint's layout objects changed: update src/briefkit/pdf/boxes.py"

HTML = """<html lang="en"><head><style>
@page { size: 400px 600px; margin: 50px 150px 50px 50px;
        @top-center { content: "Running head" }
        @note-area { content: element(margin-notes, all-once); position: absolute; top: 0;
                     left: calc(100% + 10px); width: 120px; } }
body { margin: 0; }
p { margin: 8px 0; }
#first { text-indent: 20px; }
.footnote { float: footnote; }
bk-note.margin { float: none; position: note(margin-notes); display: block; }
.clip { overflow: hidden; height: 20px; }
</style></head><body>
<p id="first">A paragraph with a note.<bk-note class="footnote">The foot note.</bk-note> More.</p>
<p id="second">A margin note's call.<bk-note class="margin">The margin note.</bk-note></p>
<div class="clip">Clipped.</div>
<p id="narrow" style="width: 70px; hyphens: auto">extraordinarily</p>
<table><thead><tr><th>When</th></tr></thead><tbody><tr><td>2020</td></tr></tbody></table>
</body></html>"""


def expect(condition, what: str) -> None:
    assert condition, f"{CHANGED}: {what}"


@pytest.fixture(scope="module")
def laid_out():
    """The tiny page laid out, its tagged PDF's structure elements, and its elements by id."""
    from weasyprint import HTML as Source

    source = Source(string=HTML, base_url=str(ROOT) + "/")
    document = source.render()
    written = {}
    document.write_pdf(pdf_tags=True, finisher=lambda _, pdf: written.setdefault("pdf", pdf))
    by_id = {el.get("id"): el for el in source.etree_element.iter() if el.get("id")}
    notes = [el for el in source.etree_element.iter() if el.tag == "bk-note"]
    return document, written["pdf"], by_id, notes


def _ask(function, *args):
    """Call an adapter function; an error of WeasyPrint's objects fails with the adapter's name."""
    try:
        return function(*args)
    except (AttributeError, KeyError, IndexError, TypeError, LookupError) as error:
        pytest.fail(f"{CHANGED}: boxes.{function.__name__} raised {type(error).__name__}: {error}")


def structure(document, elements) -> list:
    """boxes.structure's pairs, all of them (named so that a failure names it)."""
    return list(boxes.structure(document, elements))


def _box(document, element):
    return next(box for box in _ask(boxes.descendants, boxes.page_root(document.pages[0]))
                if boxes.element(box) is element)


def test_the_page_and_its_areas(laid_out):
    document, _, by_id, (foot, margin) = laid_out
    page = document.pages[0]
    expect(len(document.pages) == 1, "the tiny page is one page")
    areas = _ask(boxes.page_areas, page)
    root = _ask(boxes.page_root, page)
    expect(areas and areas[0] is root and boxes.tag(root) == "html", "page_root is the html box")
    expect(_ask(boxes.text_area, page) == (50, 500), "text_area is (top, height) inside the margins")
    area = _ask(boxes.footnote_area, page)
    expect(area is not None and _ask(boxes.is_footnote_area, area), "footnote_area finds the area")
    expect([boxes.element(box) for box in boxes.children(area)] == [foot], "the foot note is in it")
    notes = _ask(boxes.note_area, page)
    expect(notes is not None and boxes.tag(notes) == "@note-area", "note_area finds @note-area")
    expect([boxes.element(box) for box in boxes.children(notes)] == [margin], "the margin note is in it")
    expect(_ask(boxes.positioned, notes) and not _ask(boxes.in_flow, notes), "the note area is positioned")
    head = [box for box in areas if _ask(boxes.is_margin_box, box)]
    expect([_ask(boxes.at_keyword, box) for box in head] == ["@top-center"], "the running head's box")
    expect(_ask(boxes.base_url, page) == ROOT.as_uri() + "/", "base_url is the document's (a file: URL)")
    expect(_ask(boxes.direction, page) == "ltr", "direction reads the root's style")


def test_lines_texts_and_calls(laid_out):
    document, _, by_id, (foot, margin) = laid_out
    root = boxes.page_root(document.pages[0])
    lines = list(_ask(boxes.lines, root))
    expect(lines and all(_ask(boxes.is_line, line) for line in lines), "lines yields line boxes")
    first = [line for line in lines if boxes.element(line) is by_id["first"]]
    expect(first and _ask(boxes.text_indent, first[0]) == 20, "a line's text_indent")
    words = " ".join(_ask(boxes.texts, first[0]))
    expect(words.startswith("A paragraph"), f"texts reads the line's text boxes ({words!r})")
    text_boxes = [box for box in boxes.descendants(first[0]) if _ask(boxes.is_text, box)]
    expect(text_boxes and _ask(boxes.text, text_boxes[0]).startswith("A paragraph"), "text of a text box")
    expect(_ask(boxes.text, first[0]) == "", "text of a line is empty")
    called = {_ask(boxes.note_of, box) for box in boxes.descendants(root)} - {None}
    expect(called == {foot, margin}, "note_of finds the footnote's call and the margin note's call")
    expect(any(boxes.tag(box) == "bk-note::note-call" for box in boxes.descendants(root)),
           "a margin note's call is the ::note-call pseudo-element")


def test_text_boxes_as_weasyprint_draws_them(laid_out):
    document, _, by_id, _ = laid_out
    page = document.pages[0]
    every = list(_ask(boxes.page_texts, page))
    words = " ".join(boxes.text(box) for box in every)
    expect(all(boxes.is_text(box) for box in every) and "Running head" in words and "The foot note." in words
           and "The margin note." in words, "page_texts holds the text, the notes and the running head")
    narrow = [box for box in every if boxes.text(box).startswith("ex")]
    expect(narrow, "the narrow paragraph's first line")
    with _ask(boxes.first_line, narrow[0]) as shaped:
        expect(shaped is not None and shaped[1] == boxes.text(narrow[0]) and shaped[0].runs[0],
               "first_line gives the text box's Pango line and its text")
        line_text = shaped[1]
    expect(_ask(boxes.added_hyphen, narrow[0], line_text) == "\u2010",
           f"added_hyphen finds the hyphen WeasyPrint added ({line_text!r})")
    plain = next(box for box in every if boxes.text(box).startswith("A paragraph"))
    expect(_ask(boxes.added_hyphen, plain, boxes.text(plain)) == "", "no hyphen where none was added")


def test_places_and_styles(laid_out):
    document, _, by_id, _ = laid_out
    paragraph = _box(document, by_id["first"])
    expect(boxes.tag(paragraph) == "p", "tag of a paragraph")
    expect(_ask(boxes.top, paragraph) == 50 and _ask(boxes.margin_top, paragraph) == 8,
           "top is the margin box's top, margin_top its margin")
    expect(_ask(boxes.content_top, paragraph) == 58 and _ask(boxes.content_left, paragraph) == 50,
           "content_top/content_left are inside the margin")
    width, height = _ask(boxes.size, paragraph)
    expect(width == 200 and height > 0, "size is the content box (the text area is 200 px wide)")
    expect(_ask(boxes.bottom, paragraph) == 50 + _ask(boxes.outer_height, paragraph) == 58 + height + 8,
           "bottom and outer_height count the margins")
    expect(_ask(boxes.right, paragraph) == 250, "right is the margin box's right edge")
    expect(_ask(boxes.left, paragraph) == 50, "left is the margin box's left edge")
    expect(_ask(boxes.style, paragraph, "break_before") == "auto", "style reads a computed value")
    expect(_ask(boxes.in_flow, paragraph) and not _ask(boxes.floated, paragraph), "a paragraph is in flow")
    clip = next(box for box in boxes.descendants(boxes.page_root(document.pages[0]))
                if boxes.element(box) is not None and boxes.element(box).get("class") == "clip")
    expect(_ask(boxes.clips, clip) and not _ask(boxes.clips, paragraph), "clips reads overflow")
    expect(_ask(boxes.children, paragraph) and _ask(boxes.children, boxes.text) == [], "children")


def test_structure_pairs_boxes_with_their_tags(laid_out):
    document, pdf, by_id, (foot, margin) = laid_out
    elements = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    first = next(i for i, o in enumerate(elements) if o.get("S") == "/Document")
    pairs = _ask(structure, document, elements[first + 1:])
    expect({id(made) for _, made in pairs} <= {id(o) for o in elements}, "structure pairs real elements")
    tags = {boxes.tag(box): made["S"] for box, made in pairs if boxes.element(box) is not None}
    expect(tags.get("p") == "/P" and tags.get("table") == "/Table" and tags.get("th") == "/TH",
           f"structure pairs each box with the element WeasyPrint wrote for it ({tags})")
    noted = [made for box, made in pairs
             if boxes.element(box) in (foot, margin) and boxes.tag(box) == "bk-note"]
    expect(len(noted) == 2 and all(made["S"] == "/NonStruct" for made in noted),
           "both notes' boxes are found in the structure tree")


def test_no_other_module_reads_weasyprint_boxes():
    """WeasyPrint's boxes, their places, styles and Pango layouts, and its tag mapping, are read
    in pdf/boxes.py only (README, below the module map)."""
    private = re.compile(r"_page_box|(?<!boxes)\.descendants\(|position_[xy]|margin_height\(|element_tag|"
                         r"FootnoteAreaBox|LineBox|TextBox|(?<!boxes)\.pango_layout|_get_pdf_tag|"
                         r"formatting_structure|\.style\[|(?<!boxes)\.content_box_[xy]\(")
    package = ROOT / "src" / "briefkit"
    readers = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                     if path.name != "boxes.py" and private.search(path.read_text(encoding="utf-8")))
    assert not readers, f"WeasyPrint's private layout objects read outside pdf/boxes.py: {readers}"
