"""Output: name the PDF, write it atomically, never over an input, never leaving a partial file."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, UsageError

#: Folders of a brief or style folder whose files are outputs or tools' state, never inputs
#: (freshness.py fingerprints, and cluster.py ships, everything else).
NOT_INPUTS = frozenset({"dist", "__pycache__", "node_modules"})
#: A `.part` file this old is left over from a killed build even if its writer's pid is alive
#: again (pids are reused): writing bytes already in memory takes seconds, not minutes.
STALE_PART_SECONDS = 10 * 60
#: Names this machine's temporary files, so a build never judges another machine's writer
#: (on a shared folder) by a pid of its own.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


# --- File names: the one rule for a single build, a batch, publish and freshness ----------------
# Latin titles keep the names they always had, byte for byte. Letters and digits of other scripts,
# which those names dropped, are spelled in ASCII by anyascii (ISC-licensed, one table for every
# script; chosen over Unidecode and text-unidecode by measuring: docs/archives.md, File names).

def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug: 'The Taliban-Russia Re-Connect' -> 'the-taliban-russia-re-connect',
    'Россия и талибы' -> 'rossiya-i-taliby' (docs/brief-format.md, File names)."""
    # Apostrophes join their word, straight or curly (the title is typeset with curly ones), so
    # a batch can tell the file name from brief.yaml as written: "Kabul's" -> kabuls either way.
    text = re.sub(r"(?<=\w)['’ʼ](?=\w)", "", text)
    ascii_text = "".join(_ascii(char) for char in unicodedata.normalize("NFC", text))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "brief"


def _ascii(char: str) -> str:
    """A character as today's Latin rule gives it (NFKD, accents dropped), or, for a letter,
    mark or digit of another script that rule would drop, its anyascii transliteration.
    Titles without such letters therefore keep their names byte for byte."""
    kept = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if kept or unicodedata.category(char)[0] not in "LMN" or "LATIN" in unicodedata.name(char, ""):
        return kept
    from anyascii import anyascii

    # anyascii writes a soft sign, a nukta or a hamza as ' and an ayn as `: like an apostrophe
    # they join their word (правительство -> pravitelstvo, not pravitel-stvo).
    spelled = anyascii(char).replace("'", "").replace("`", "")
    # One Han character is one syllable (ELuoSi for 俄罗斯): a hyphen after each keeps them readable.
    return spelled + "-" if unicodedata.name(char, "").startswith("CJK") else spelled


def transliterated(title: str) -> bool:
    """Whether the title's slug spells letters of a script other than Latin (so is lossy)."""
    text = unicodedata.normalize("NFC", title)
    return any(_ascii(char) != unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
               for char in text)


#: What `slug:` in brief.yaml may be: words of ASCII letters and digits joined by single hyphens.
SLUG = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
SLUG_LIMIT = 100


def slug_problem(value: str) -> str | None:
    """Why `value` cannot be a `slug:` (with one that can), or None when it can: it becomes a
    file name and, in a published site, a URL, so only ASCII letters, digits and hyphens."""
    if SLUG.fullmatch(value) and len(value) <= SLUG_LIMIT:
        return None
    what = (f"is longer than {SLUG_LIMIT} characters" if SLUG.fullmatch(value) else
            "may hold only ASCII letters, digits and single hyphens between them")
    return f"{value!r} {what}, as it names the PDF and its URL; write e.g. slug: {slug(value, SLUG_LIMIT)}"


def file_name(title: str, date, override: str | None = None) -> str:
    """`<date>-<slug>.pdf`, THE name of a brief's PDF: for a single build (default_path), a
    batch and publish (freshness.expected_pdf). `slug:` wins; a slug spelled from another
    script gets a short hash of the title, since transliteration merges titles (अफ़गान and
    अफगान, Россия and россия) that are not the same title (docs/brief-format.md, File names)."""
    if override:
        return f"{date.isoformat()}-{override}.pdf"
    name = slug(title)
    if transliterated(title):
        same = unicodedata.normalize("NFC", title.strip())  # composed or not: one title
        name += "-" + hashlib.sha256(same.encode()).hexdigest()[:6]
    return f"{date.isoformat()}-{name}.pdf"


def default_path(brief) -> Path:
    """The default output, like other build tools' `dist/`: `dist/<date>-<slug>.pdf` here."""
    return Path("dist") / file_name(brief.title, brief.date, brief.slug)


@dataclass(frozen=True)
class Reads:
    """What a build reads: folders whose every file is an input (the brief folder, each folder
    of its style chain, briefkit's templates) and single files (fonts, and any input named)."""

    folders: tuple[Path, ...] = ()
    files: frozenset[Path] = frozenset()

    @classmethod
    def of(cls, paths: Iterable[Path | None]) -> Reads:
        folders, files = [], set()
        for path in filter(None, paths):
            resolved = resolve(path)
            (folders.append(resolved) if resolved.is_dir() else files.add(resolved))
        return cls(tuple(dict.fromkeys(folders)), frozenset(files))


def resolve(path: Path) -> Path:
    """`path` made absolute with its links followed; a link loop is the user's to fix."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: Python before 3.13 on a link loop
        raise UsageError(f"{path}: cannot follow its links ({exc}); remove the link loop") from None


def target(path: Path, inputs: Reads | Iterable[Path | None]) -> Path:
    """The resolved output path, refused before any work if it would overwrite or land among
    what the build reads, or cannot be a file: outputs of a folder's build go to its `dist/`."""
    if not isinstance(inputs, Reads):
        # A caller that names a brief's files (the chart command) means the brief: its brief.yaml
        # stands for the whole folder, images and brief-local styles included.
        inputs = [*inputs]
        inputs = Reads.of([*inputs, *(path.parent for path in inputs if path and path.name == "brief.yaml")])
    resolved = resolve(path)
    try:
        refuse_inputs(path, resolved, inputs)
        if resolved.is_dir():
            raise UsageError(f"{path}: is a folder, not a file; remove or rename it, or give a file name "
                             f"(e.g. {path / 'brief.pdf'})")
        _parents_are_folders(path, resolved)
    except OSError as exc:  # a folder on the way that may not be looked into, a name too long
        raise UsageError(f"{path}: cannot write here ({exc.strerror or exc}); choose another path") from None
    return resolved


def refuse_inputs(path: Path, resolved: Path, reads: Reads, what: str = "the output") -> None:
    """Raise a UsageError when `resolved` is a file the build reads, lies below one, or lies in
    a folder the build reads other than in that folder's output places (dist/, hidden folders)."""
    if resolved in reads.files or any(_same(resolved, file) for file in reads.files):
        raise UsageError(f"{path}: this is one of the brief's inputs; choose another path for {what}")
    for folder in reads.folders:
        if not resolved.is_relative_to(folder):
            continue
        parts = resolved.relative_to(folder).parts
        if any(part in NOT_INPUTS or part.startswith(".") for part in parts[:-1]):
            continue  # an output place of that folder, such as the default dist/
        if resolved.is_file():
            raise UsageError(f"{path}: this is one of the brief's inputs; choose another path for {what}")
        raise UsageError(f"{path}: inside {folder}, whose files the build reads; write {what} "
                         f"outside it or into its dist/ folder ({folder / 'dist' / resolved.name})")


def refuse_site(site: Path, reads: list[Reads], package: Path) -> Path:
    """A folder of outputs (a publish site) that is, lies in or holds a folder the build reads is
    refused: its files would overwrite inputs or become ones. Folders inside `package`
    (briefkit's own templates and styles) are left out: a site's few names cannot reach them."""
    resolved = resolve(site)
    for folder in dict.fromkeys(folder for each in reads for folder in each.folders):
        if resolved.is_relative_to(folder):
            parts = resolved.relative_to(folder).parts
            if not any(part in NOT_INPUTS or part.startswith(".") for part in parts):
                raise UsageError(f"{site}: inside {folder}, whose files the build reads; publish into a "
                                 f"folder outside it (or into {folder / 'dist' / 'site'})")
        elif folder.is_relative_to(resolved) and not folder.is_relative_to(package):
            raise UsageError(f"{site}: holds {folder}, whose files the build reads; publish into a "
                             "folder of its own, such as site/")
    if resolved.exists() and not resolved.is_dir():
        raise UsageError(f"{site}: is a file; give a folder for the site")
    _parents_are_folders(site, resolved / "index.html")
    return resolved


def _same(one: Path, other: Path) -> bool:
    """The same file under another name (a case-insensitive disk, a hard link)."""
    try:
        return one.exists() and os.path.samefile(one, other)
    except OSError:
        return False


def _parents_are_folders(path: Path, resolved: Path) -> None:
    for parent in resolved.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{path}: {parent} is a file, not a folder; give a path in a folder")
            return


def write(target: Path, data: bytes) -> Path:
    """Write `data` through a temporary file and os.replace, so a reader sees the old file or
    the new one, never half of one, and a failure leaves the old file as it was."""
    try:
        special = target.exists() and not target.is_file() and not target.is_dir()
    except OSError:
        special = False  # the write below says why the path cannot be used
    if special:
        return _write_special(target, data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(target)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}@{_HOST}.",
                                        suffix=".part")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here: {exc.strerror or exc}; choose another path "
                          "or make its folder writable") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        what = "a folder is in the way" if target.is_dir() else exc.strerror or str(exc)
        raise OutputError(f"{target}: cannot write: {what}; remove it or choose another path") from None
    return target


def _write_special(target: Path, data: bytes) -> Path:
    """A device or a pipe (`-o /dev/null`) is written into: replacing it with a file would be wrong."""
    try:
        with open(target, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}; choose another path") from None
    return target


def remove_stale_parts(target: Path) -> list[Path]:
    """Remove the temporary files earlier writes of `target` left (a build killed while writing):
    only `.NAME.*.part` files of this very target, and only when the process that wrote them
    is gone (same machine) or they are older than STALE_PART_SECONDS."""
    removed = []
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)@([0-9a-f]{{6}})\.)?[^.]*\.part")
    try:
        parts = list(target.parent.glob(f".{glob_escape(target.name)}.*.part"))
    except OSError:  # a folder that cannot be listed: nothing of ours to clean
        return removed
    for part in parts:
        found = pattern.fullmatch(part.name)
        if not found:
            continue
        try:
            old = time.time() - part.lstat().st_mtime > STALE_PART_SECONDS
            gone = found[1] is not None and found[2] == _HOST and not _alive(int(found[1]))
            if old or gone:
                part.unlink()
                removed.append(part)
        except OSError:  # removed by another build meanwhile, or not ours to remove
            continue
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):  # another user's process: alive
        return True
    return True
