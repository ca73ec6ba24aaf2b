"""Landing pages: a web page per published brief, tagged for indexers, social sites and reference managers."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from markupsafe import Markup

from . import citations, citefiles, languages, templating, translations

#: The tags that must hold an absolute address, so a site published without --base-url lacks them.
NEEDS_BASE_URL = ("citation_pdf_url", "og:url", "og:image", "twitter:image", "the JSON-LD's url")


@dataclasses.dataclass
class Landing:
    """What site/brief.html.j2 shows of one brief, its citation and the tags of its head."""

    brief: Any  # models.Brief
    entry: Any  # publish.Entry: file names, pages, size, thumbnail
    lang: str
    dir: str
    size: str  # the PDF's size, in the brief's digits
    citation: Markup  # the brief cited in its own house style
    bib: str
    ris: str
    meta: list[tuple[str, str, str]]  # (attribute, name, content) of each <meta>
    json_ld: Markup


def files(prepared, entry, base_url: str | None) -> dict[str, bytes]:
    """The landing page, `SLUG.html`, and the brief's own reference, `SLUG.bib` and `SLUG.ris`,
    by file name; written beside the PDF so every link is a sibling's name."""
    from .document import brief_env, native_digits, template_deadline

    brief, slug = prepared.material.brief, entry.slug
    base = base_url.rstrip("/") + "/" if base_url else None
    url = base and base + f"{slug}.html"
    # The page's words and numbers as the brief prints them (its language, its digits).
    native = native_digits(brief, prepared.style)
    env = brief_env(prepared.style, brief.language, native)
    with template_deadline("filling the landing page"), templating.reported():
        landing = Landing(
            brief=brief, entry=entry, lang=brief.language,
            dir=brief.direction or languages.direction(brief.language),
            size=languages.digits(entry.size, brief.language, native),
            citation=cite(prepared, env, slug, url), bib=f"{slug}.bib", ris=f"{slug}.ris",
            meta=meta(brief, entry, base), json_ld=json_ld(brief, entry, base))
        html = env.get_template("site/brief.html.j2").render(page=landing)
    return {f"{slug}.html": html.encode(), landing.bib: citefiles.bibtex(brief, slug, url).encode(),
            landing.ris: citefiles.ris(brief, url).encode()}


def cite(prepared, env, key: str, url: str | None) -> Markup:
    """The brief as its own house style cites it: the reference-list entry of an author-date
    format, the first full note of a note format."""
    from .document import native_digits

    brief = prepared.material.brief
    material = dataclasses.replace(prepared.material, sources={key: citefiles.source(brief, key, url)})
    conjunction = translations.words(brief.language, prepared.style.settings["labels"]).gettext("and")
    citer = citations.citer(material, prepared.style, env, conjunction, native_digits(brief, prepared.style),
                            warn=False)
    text = "".join(citer.references({key})) or citer.note([(key, "")])
    return Markup(citer.finish(str(text)))


def meta(brief, entry, base: str | None) -> list[tuple[str, str, str]]:
    """Google Scholar's citation_* tags, Open Graph and Twitter's card; absolute addresses only
    with a base URL (Scholar and the social sites take no relative ones)."""
    tags = [("name", "citation_title", brief.title)]
    tags += [("name", "citation_author", author.name) for author in brief.authors]
    tags += [("name", "citation_publication_date", brief.date.strftime("%Y/%m/%d")),
             ("name", "citation_language", brief.language)]
    if brief.publisher:
        tags += [("name", "citation_publisher", brief.publisher),
                 ("name", "citation_technical_report_institution", brief.publisher)]
    if brief.number:
        tags.append(("name", "citation_technical_report_number", brief.number))
    tags += [("name", "citation_keywords", keyword) for keyword in brief.keywords]
    summary = " ".join((brief.summary or "").split())
    tags += [("property", "og:type", "article"), ("property", "og:title", brief.title),
             ("property", "og:locale", brief.language.replace("-", "_")),
             ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", brief.title)]
    if summary:
        tags += [("name", "description", summary), ("property", "og:description", summary),
                 ("name", "twitter:description", summary)]
    if base:
        tags += [("name", "citation_pdf_url", base + entry.pdf),
                 ("name", "citation_abstract_html_url", base + f"{entry.slug}.html"),
                 ("property", "og:url", base + f"{entry.slug}.html"),
                 ("property", "og:image", base + entry.thumbnail),
                 ("property", "og:image:alt", f"{brief.title}: page 1"),
                 ("name", "twitter:image", base + entry.thumbnail)]
    return tags


def json_ld(brief, entry, base: str | None) -> Markup:
    """schema.org's Report, with its PDF as the encoding; safe inside <script> (no "</")."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Report", "headline": brief.title, "name": brief.title,
        "author": [{"@type": "Person", "name": author.name} for author in brief.authors],
        "datePublished": brief.date.isoformat(), "inLanguage": brief.language,
        "encoding": {"@type": "MediaObject", "encodingFormat": "application/pdf",
                     "contentUrl": (base or "") + entry.pdf, "contentSize": entry.size},
    }
    if brief.summary:
        data["abstract"] = " ".join(brief.summary.split())
    if brief.keywords:
        data["keywords"] = list(brief.keywords)
    if brief.publisher:
        data["publisher"] = {"@type": "Organization", "name": brief.publisher}
    if brief.number:
        data["reportNumber"] = brief.number
    if base:
        data["url"] = base + f"{entry.slug}.html"
        data["image"] = base + entry.thumbnail
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def names(slug: str) -> tuple[str, ...]:
    """The files a brief's landing page adds to the site, for removing them with the PDF."""
    return tuple(f"{slug}.{suffix}" for suffix in ("html", "bib", "ris"))
