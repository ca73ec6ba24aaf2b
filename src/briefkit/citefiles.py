"""A published brief's own reference: as a CSL item, and as the BibTeX and RIS files readers download."""

from __future__ import annotations

from typing import Any

from .models import Brief, Source


def names(brief: Brief) -> list[dict[str, str]]:
    """The authors as CSL names, split the way BibTeX splits "First von Last, Jr."; a one-word
    name (an institution, a pen name) stays whole."""
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    people = []
    for author in brief.authors:
        try:
            parts = parse_single_name_into_parts(author.name)
        except InvalidNameError:
            parts = None
        if parts is None or not parts.first or not parts.last:
            people.append({"literal": author.name})
            continue
        person = {"family": " ".join(parts.last), "given": " ".join(parts.first)}
        if parts.von:
            person["non-dropping-particle"] = " ".join(parts.von)
        if parts.jr:
            person["suffix"] = " ".join(parts.jr)
        people.append(person)
    return people


def source(brief: Brief, key: str, url: str | None) -> Source:
    """The brief as the CSL item a reader's reference manager would hold: a report in its series."""
    item: dict[str, Any] = {
        "id": key, "type": "report", "title": brief.title, "author": names(brief),
        "issued": {"date-parts": [[brief.date.year, brief.date.month, brief.date.day]]},
        "language": brief.language, "genre": brief.series, "number": brief.number,
        "publisher": brief.publisher, "URL": url, "abstract": " ".join((brief.summary or "").split()) or None,
    }
    return Source(**{name: value for name, value in item.items() if value not in (None, "", [])})


def bibtex(brief: Brief, key: str, url: str | None) -> str:
    """A @techreport entry, written by bibtexparser."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    fields = {
        "title": "{" + brief.title + "}",  # braced: BibTeX styles would lower-case it otherwise
        "author": " and ".join(_bibtex_name(person) for person in names(brief)),
        "year": str(brief.date.year), "month": str(brief.date.month), "date": brief.date.isoformat(),
        "institution": brief.publisher, "type": brief.series, "number": brief.number,
        "url": url, "langid": brief.language, "keywords": ", ".join(brief.keywords),
        "abstract": " ".join((brief.summary or "").split()),
    }
    entry = Entry("techreport", key, [Field(name, value) for name, value in fields.items() if value])
    library = bibtexparser.Library([entry])
    return bibtexparser.write_string(library)


def _bibtex_name(person: dict[str, str]) -> str:
    if "literal" in person:
        return "{" + person["literal"] + "}"
    last = " ".join(filter(None, (person.get("non-dropping-particle"), person["family"])))
    return ", ".join(filter(None, (last, person.get("suffix"), person["given"])))


def ris(brief: Brief, url: str | None) -> str:
    """An RPRT record, written by rispy."""
    import rispy

    record: dict[str, Any] = {
        "type_of_reference": "RPRT", "title": brief.title,
        "authors": [_ris_name(person) for person in names(brief)],
        "year": str(brief.date.year), "date": brief.date.strftime("%Y/%m/%d"),
        "publisher": brief.publisher, "tertiary_title": brief.series, "number": brief.number,
        "urls": [url] if url else None, "language": brief.language, "keywords": brief.keywords or None,
        "abstract": " ".join((brief.summary or "").split()) or None,
    }
    return rispy.dumps([{name: value for name, value in record.items() if value}], implementation=_writer())


def _ris_name(person: dict[str, str]) -> str:
    if "literal" in person:
        return person["literal"]
    last = " ".join(filter(None, (person.get("non-dropping-particle"), person["family"])))
    return ", ".join(filter(None, (last, person["given"], person.get("suffix"))))


def _writer():
    import rispy

    class Ris(rispy.RisWriter):
        """RIS as reference managers read it: no "1." numbering line before the record."""

        def set_header(self, count: int) -> str:
            return ""

    return Ris
