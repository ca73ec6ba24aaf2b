"""Publishing a series: build every brief into a site folder with a catalogue, a feed and checksums."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import __version__, logger, output
from .build import Options, build, prepare
from .citations import human_date
from .errors import BriefError, InputError, Problem
from .styles import Style

STATE = ".briefkit-publish.json"  # what each PDF was built from, to skip unchanged briefs
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


def publish(folders: list[Path], site: Path, options: Options, title: str = "Briefs",
            base_url: str | None = None) -> tuple[list[Entry], list[Path]]:
    """Build what changed, then write index.html, feed.xml and SHA256SUMS; return the entries
    and the folders that were rebuilt."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "thumbs").mkdir(exist_ok=True)
    state_file = site / STATE
    state = _read_state(state_file)
    entries, rebuilt, failures, chains = [], [], [], set()
    for folder in folders:
        key = str(folder.resolve())
        try:
            entry, built, style = _publish_one(folder, site, options, state)
        except BriefError as error:
            failures += getattr(error, "problems", None) or [Problem(folder, 0, error.message)]
            kept = state["entries"].get(key)
            if kept and (site / kept["pdf"]).is_file():
                # A failed rebuild never takes a published brief out of the series: its last
                # good PDF and entry stay as they were, and the run still fails.
                logger.warning("%s: not rebuilt; the site keeps its last good PDF, %s", folder, kept["pdf"])
                entries.append(Entry(**kept))
            continue
        state["entries"][key] = asdict(entry)
        entries.append(entry)
        chains.add(tuple(style.template_dirs))
        if built:
            rebuilt.append(folder)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
    entries.sort(key=lambda e: (e.date, e.title), reverse=True)
    _write_index(site, entries, title, _catalogue_templates(chains))
    _write_feed(site, entries, title, base_url)
    output.write((site / "SHA256SUMS").resolve(),
                 "".join(f"{e.digest}  {e.pdf}\n" for e in sorted(entries, key=lambda e: e.pdf)).encode())
    if failures:
        raise InputError(failures)
    return entries, rebuilt


def _publish_one(folder: Path, site: Path, options: Options, state: dict) -> tuple[Entry, bool, Style]:
    prepared = prepare(folder, options)
    brief = prepared.material.brief
    name = output.default_path(brief).name
    pdf_path = site / name
    key = _fingerprint(prepared, options)
    built = not (pdf_path.is_file() and state["built"].get(name) == key)
    if built:
        build(folder, replace(options, output=pdf_path, html=None), prepared)
        state["built"][name] = key
    thumbnail = site / "thumbs" / (pdf_path.stem + ".png")
    if built or not thumbnail.is_file():
        _thumbnail(pdf_path, thumbnail)
    width, height = _png_size(thumbnail)
    data = pdf_path.read_bytes()
    summary = " ".join((brief.summary or "").split())
    return Entry(
        slug=pdf_path.stem, title=brief.title, date=brief.date.isoformat(),
        human_date=human_date(brief.date, brief.language), series=brief.series or "",
        number=brief.number or "", authors=", ".join(a.name for a in brief.authors), summary=summary,
        pdf=name, thumbnail=f"thumbs/{thumbnail.name}", thumb_width=width, thumb_height=height,
        pages=_pages(pdf_path), size=f"{len(data) / 1024:.0f} KB", digest=hashlib.sha256(data).hexdigest(),
    ), built, prepared.style


def _read_state(path: Path) -> dict:
    """What earlier runs built ({pdf: fingerprint}) and published ({folder: entry})."""
    try:
        state = json.loads(path.read_text()) if path.is_file() else {}
    except (OSError, ValueError):
        state = {}  # rebuilt from scratch: the state only saves work
    if not isinstance(state, dict) or set(state) != {"built", "entries"}:
        return {"built": {}, "entries": {}}
    return state


def _fingerprint(prepared, options: Options) -> str:
    """Everything a PDF depends on: inputs, style files, briefkit's version and the options."""
    digest = hashlib.sha256(f"{__version__}|{options.pdf_variant}|{options.style}".encode())
    files = list(prepared.inputs) + [p for folder in prepared.style.chain for p in sorted(folder.rglob("*"))]
    for path in files:
        if path.is_file():
            digest.update(str(path.name).encode() + path.read_bytes())
    return digest.hexdigest()


def _thumbnail(pdf_path: Path, target: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
        image.save(target, format="PNG", optimize=True)
    finally:
        document.close()


def _png_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


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


def _write_index(site: Path, entries: list[Entry], title: str, templates: list[Path]) -> None:
    from .templating import environment, reported

    with reported():
        html = environment(templates).get_template("site/index.html.j2").render(title=title, entries=entries)
    output.write((site / "index.html").resolve(), html.encode())


def _write_feed(site: Path, entries: list[Entry], title: str, base_url: str | None) -> None:
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
    feed.updated(dt.datetime.fromisoformat(newest).replace(tzinfo=dt.UTC))
    for entry in reversed(entries):  # feedgen lists the last added first
        item = feed.add_entry()
        item.id(base + entry.pdf if base else f"tag:briefkit,{entry.date[:4]}:{entry.slug}")
        item.title(entry.title)
        item.link(href=base + entry.pdf, rel="alternate", type="application/pdf")
        item.updated(dt.datetime.fromisoformat(entry.date).replace(tzinfo=dt.UTC))
        item.published(dt.datetime.fromisoformat(entry.date).replace(tzinfo=dt.UTC))
        item.summary(entry.summary or entry.title)
        for author in filter(None, entry.authors.split(", ")):
            item.author(name=author)
    output.write((site / "feed.xml").resolve(), feed.atom_str(pretty=True))
    logger.info("%s: %d entries", site / "feed.xml", len(entries))

