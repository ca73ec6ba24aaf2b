"""The signature's form field, made before pyHanko signs it: tagged and described in a tagged PDF."""

from __future__ import annotations


def add(writer, name: str, signer: str) -> None:
    """An invisible signature field on page 1, described by /TU (PDF/UA-1 7.18.1: a field says
    what it is) and, in a tagged PDF, its widget inside a /Form structure element that the
    parent tree finds (7.18.4; Matterhorn 28-010). Written in the same incremental update as
    the signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    append_signature_field(writer, SigFieldSpec(sig_field_name=name))
    field_ref = next(ref for ref in writer.root["/AcroForm"]["/Fields"]
                     if str(ref.get_object().get("/T")) == name)
    field = field_ref.get_object()
    field["/TU"] = generic.TextStringObject(f"Digital signature of {signer}")
    widget_ref = field["/Kids"][0] if "/Kids" in field else field_ref
    widget = widget_ref.get_object()
    tree = writer.root.get("/StructTreeRoot")
    if tree is not None:
        _tag(writer, tree.get_object(), widget, widget_ref, f"Digital signature of {signer}")
    writer.update_container(field)
    writer.update_container(widget)


def _tag(writer, tree, widget, widget_ref, text: str) -> None:
    """A /Form element holding the widget (by an object reference), under the document's
    top element, and the parent tree's entry from the widget's /StructParent back to it."""
    from pyhanko.pdf_utils import generic

    name = generic.NameObject
    parents = tree.get("/ParentTree")
    if parents is None or "/Nums" not in parents.get_object():
        return  # not a flat number tree as WeasyPrint writes: left untagged, and `sign` re-validates
    parents = parents.get_object()
    top = tree["/K"]
    top_ref = top[0] if isinstance(top.get_object(), generic.ArrayObject) else top
    document = top_ref.get_object()
    key = int(tree.get("/ParentTreeNextKey", _next_key(parents["/Nums"])))
    element = generic.DictionaryObject({
        name("/Type"): name("/StructElem"), name("/S"): name("/Form"), name("/P"): top_ref,
        name("/Alt"): generic.TextStringObject(text),
        name("/K"): generic.DictionaryObject({name("/Type"): name("/OBJR"), name("/Obj"): widget_ref,
                                              name("/Pg"): widget["/P"]}),
    })
    element_ref = writer.add_object(element)
    kids = document.get("/K")
    if kids is None:
        document[name("/K")] = generic.ArrayObject([element_ref])
    elif isinstance(kids.get_object(), generic.ArrayObject):
        kids.get_object().append(element_ref)
    else:
        document[name("/K")] = generic.ArrayObject([kids, element_ref])
    widget[name("/StructParent")] = generic.NumberObject(key)
    parents["/Nums"].extend([generic.NumberObject(key), element_ref])
    tree[name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    for container in (document, parents, tree):
        writer.update_container(container)
    if isinstance(kids, generic.IndirectObject):
        writer.update_container(kids.get_object())


def _next_key(numbers) -> int:
    keys = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    return max(keys, default=-1) + 1
