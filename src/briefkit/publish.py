"""Publishing a series: build every brief into a site folder with a catalogue, a feed and checksums."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import (
    __version__,
    document,
    freshness,
    landing,
    languages,
    logger,
    output,
    signing,
    sitefolder,
    webfonts,
)
from .build import Options, prepare
from .dates import midnight
from .errors import BriefError, OutputError
from .itemfields import human_date

STATE = ".briefkit-publish.json"  # the catalogue entries of earlier runs (freshness.py skips the builds)
THUMB_WIDTH = 300  # pixels


@dataclass
class Entry:
    """One brief as the catalogue and the feed show it."""

    slug: str
    title: str
    date: str
    human_date: str
    series: str
    number: str
    authors: str
    summary: str
    pdf: str
    thumbnail: str
    thumb_width: int
    thumb_height: int
    pages: int
    size: str
    digest: str
    signer: str = ""  # whose signature the PDF carries (publish --sign-*)
    lang: str = "en"  # the brief's language and direction, for the catalogue's lang and dir
    dir: str = "ltr"


def publish(folders: list[Path], site: Path, options: Options, title: str = "Briefs",
            base_url: str | None = None, jobs: int = 1, scheduler: str | None = None, force: bool = False,
            done=lambda outcome: None, sign=None) -> tuple[list[Entry], list[Path]]:
    """Build what changed into `site` (a batch build: -j or a cluster, up-to-date PDFs skipped),
    then write index.html, feed.xml and SHA256SUMS; return the entries and the folders built."""
    from .batch import build_many

    reads = sitefolder.prepare(site, folders, options,
                               (STATE, "index.html", "feed.xml", "SHA256SUMS", webfonts.SHEET))

    def put(path: Path, data: bytes) -> None:
        """Write a site file, never over an input (a link in the site to a brief's file, say)."""
        output.write(output.target(path, reads), data)
    state_file = site / STATE
    state = sitefolder.read_state(state_file, Entry.__annotations__)
    outcomes = build_many(folders, options, jobs, done, force, scheduler, into=site, keep=True)
    entries, chains, failed, renamed = [], set(), [], []
    order = {folder: n for n, folder in enumerate(folders)}
    for outcome in sorted(outcomes, key=lambda outcome: order[outcome.folder]):
        key = str(outcome.folder.resolve())
        kept = state["entries"].get(key)
        if outcome.error:
            failed.append(outcome)
            if kept and (site / kept["pdf"]).is_file():
                # A failed rebuild never takes a published brief out of the series: its last
                # good PDF and entry stay as they were, and the run still fails.
                logger.warning("%s: not rebuilt; the site keeps its last good PDF, %s", outcome.folder,
                               kept["pdf"])
                entries.append(Entry(**kept))
            continue
        prepared = None
        try:  # signed before its entry is made: the digest and size are the signed file's
            signer = signing.site_signer(sign, outcome.pdf, outcome.skipped, kept)
        except BriefError as error:
            failed.append(replace(outcome, error=error.message))
            continue
        if outcome.skipped and kept and kept["pdf"] == outcome.pdf.name and key in state["styles"] \
                and kept["signer"] == signer:
            entry = Entry(**kept)
        else:
            try:
                prepared = outcome.prepared or prepare(outcome.folder, options)  # read by its build
                entry = replace(_entry(prepared, outcome.pdf, site, not outcome.skipped, put), signer=signer)
            except BriefError as error:  # its thumbnail could not be written: this brief's failure
                failed.append(replace(outcome, error=error.message))
                continue
            state["styles"][key] = [str(folder) for folder in prepared.style.template_dirs]
            if kept and kept["pdf"] != entry.pdf:
                renamed.append(kept)
        # A kept entry keeps its landing page too, unless the page is gone or the site's address changed.
        if prepared or state.get("base_url") != base_url or not (site / f"{entry.slug}.html").is_file():
            try:
                for name, data in landing.files(prepared or prepare(outcome.folder, options), entry,
                                                base_url).items():
                    put(site / name, data)
            except BriefError as error:
                failed.append(replace(outcome, error=error.message))
                continue
        state["entries"][key] = asdict(entry)
        entries.append(entry)
        chains.add(tuple(map(Path, state["styles"][key])))
    # Every name an entry holds, of this run's briefs or of others the site keeps from earlier runs.
    _remove_renamed(site, renamed, {entry["pdf"] for entry in state["entries"].values()})
    if base_url is None and entries:
        logger.warning("no --base-url: the landing pages lack %s, which need absolute addresses",
                       ", ".join(landing.NEEDS_BASE_URL))
    state["base_url"] = base_url
    put(state_file, json.dumps(state, indent=1, sort_keys=True).encode())
    entries.sort(key=lambda e: (e.date, e.title), reverse=True)
    # The faces the catalogue and the landing pages need (letters in a page's tags cost nothing:
    # ship() takes only letters past Latin), subset to what they show.
    fonts = webfonts.ship([("", title)] + [(entry.lang, _shown(entry)) for entry in entries]
                          + [(entry.lang, _landing_text(site, entry)) for entry in entries])
    webfonts.write(site, fonts, put)
    put(site / webfonts.SHEET, fonts.css.encode())
    put(site / "index.html", _index_html(entries, title, _catalogue_templates(chains), fonts.css))
    put(site / "feed.xml", _feed_xml(site, entries, title, base_url))
    logger.info("%s: %d entries", site / "feed.xml", len(entries))
    put(site / "SHA256SUMS",
        "".join(f"{e.digest}  {e.pdf}\n" for e in sorted(entries, key=lambda e: e.pdf)).encode())
    if scheduler:  # a lost scheduler is one line, as for `build`: what was built, and run again
        from .scheduler import raise_if_lost

        raise_if_lost(scheduler, outcomes)
    if failed:
        lines = [f"  {outcome.folder}:\n" + "\n".join(f"    {line}" for line in outcome.as_dict()["errors"])
                 for outcome in failed]
        raise BriefError(f"{len(failed)} of {len(outcomes)} briefs not published:\n" + "\n".join(lines))
    return entries, [outcome.folder for outcome in outcomes if outcome.status == "built"]


def _remove_renamed(site: Path, renamed: list[dict], in_use: set[str]) -> None:
    """A brief published under another name before (its title, date or `slug:` changed, or a
    non-Latin title that used to be `<date>-brief.pdf`) takes its old PDF and thumbnail out of
    the site, so no stale copy stays served; a name another entry now uses is left alone."""
    for kept in renamed:  # names read_state checked are plain names inside the site
        if kept["pdf"] in in_use:
            continue
        pdf = site / kept["pdf"]
        pages = [site / name for name in landing.names(kept["slug"])]
        for path in (pdf, site / kept["thumbnail"], freshness.record_path(pdf), *pages):
            try:
                path.unlink(missing_ok=True)
            except OSError as error:  # a stale file that stays costs nothing but its space
                logger.warning("%s: not removed (%s)", path, error.strerror or error)


def _landing_text(site: Path, entry: Entry) -> str:
    """A landing page as written (its letters, for the web fonts); empty if it cannot be read."""
    try:
        return (site / f"{entry.slug}.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _shown(entry: Entry) -> str:
    """The text of an entry the catalogue shows in the brief's language."""
    return " ".join((entry.series, entry.number, entry.title, entry.human_date, entry.authors, entry.summary))


def _entry(prepared, pdf_path: Path, site: Path, fresh: bool, put) -> Entry:
    """The catalogue's entry for a brief and its PDF in the site, with a thumbnail of page 1;
    its date in the brief's digits, as its pages print it."""
    brief = prepared.material.brief
    thumbnail = site / "thumbs" / (pdf_path.stem + ".png")
    size = None if fresh else _png_size(thumbnail)  # an old thumbnail, if it is still a PNG
    try:
        if size is None:
            put(thumbnail, _thumbnail(pdf_path))
            size = _png_size(thumbnail)
        data = pdf_path.read_bytes()
    except OSError as error:
        raise OutputError(f"{pdf_path}: cannot read it back for the catalogue ({error.strerror or error})") \
            from None
    if size is None:
        raise OutputError(f"{thumbnail}: the thumbnail written cannot be read back; remove it and "
                          "publish again")
    width, height = size
    return Entry(
        slug=pdf_path.stem, title=brief.title, date=brief.date.isoformat(),
        human_date=languages.digits(human_date(brief.date, brief.language), brief.language,
                                       document.native_digits(brief, prepared.style)),
        series=brief.series or "",
        number=brief.number or "", authors=", ".join(a.name for a in brief.authors),
        summary=" ".join((brief.summary or "").split()), pdf=pdf_path.name,
        thumbnail=f"thumbs/{thumbnail.name}", thumb_width=width, thumb_height=height,
        pages=_pages(pdf_path), size=f"{len(data) / 1024:.0f} KB", digest=hashlib.sha256(data).hexdigest(),
        lang=brief.language or "en", dir=brief.text_direction,
    )


def _thumbnail(pdf_path: Path) -> bytes:
    """Page 1 as a PNG THUMB_WIDTH pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
        png = io.BytesIO()
        image.save(png, format="PNG", optimize=True)
    finally:
        document.close()
    return png.getvalue()


def _png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's size; None when the file is missing or not a readable image."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError):  # PIL's UnidentifiedImageError is an OSError
        return None


def _pages(pdf_path: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        return len(pdf.pages)


def _catalogue_templates(chains: set[tuple[Path, ...]]) -> list[Path]:
    """The catalogue follows the briefs' style chain (with --style, the one every brief has); a
    series in several styles gets the built-in catalogue, as no one style speaks for it."""
    from .styles import BUILTIN_TEMPLATES

    if len(chains) == 1:
        return list(next(iter(chains)))
    if chains:
        logger.info("the briefs use %d styles; the catalogue uses the built-in template", len(chains))
    return [BUILTIN_TEMPLATES]


def _index_html(entries: list[Entry], title: str, templates: list[Path], fonts_css: str) -> bytes:
    from markupsafe import Markup

    from .document import template_deadline
    from .templating import reported, sandboxed_env

    with template_deadline("filling the catalogue"), reported():
        html = sandboxed_env(templates).get_template("site/index.html.j2").render(
            title=title, entries=entries, fonts_css=Markup(fonts_css))
    return html.encode()


def _feed_xml(site: Path, entries: list[Entry], title: str, base_url: str | None) -> bytes:
    """An Atom feed; with no --base-url, links are relative to where feed.xml is served."""
    from feedgen.feed import FeedGenerator

    base = (base_url or "").rstrip("/") + "/" if base_url else ""
    newest = max((e.date for e in entries), default="2000-01-01")
    feed = FeedGenerator()
    feed.id(base + "feed.xml" if base else f"tag:briefkit,{newest[:4]}:{site.resolve().name}")
    feed.title(title)
    feed.author(name=title)  # Atom wants an author; entries name their own
    feed.link(href=base + "index.html", rel="alternate")
    feed.link(href=base + "feed.xml", rel="self")
    feed.generator("briefkit", __version__)
    feed.updated(midnight(newest))
    for entry in reversed(entries):  # feedgen lists the last added first
        item = feed.add_entry()
        item.id(base + entry.pdf if base else f"tag:briefkit,{entry.date[:4]}:{entry.slug}")
        item.title(entry.title)
        item.link(href=base + entry.pdf, rel="alternate", type="application/pdf")
        item.updated(midnight(entry.date))
        item.published(midnight(entry.date))
        item.summary(entry.summary or entry.title)
        for author in filter(None, entry.authors.split(", ")):
            item.author(name=author)
    return feed.atom_str(pretty=True)

