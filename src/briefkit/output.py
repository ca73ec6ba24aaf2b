"""Output: write the PDF atomically, never over an input, never leaving a partial file."""

from __future__ import annotations

import glob
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, UsageError

# The one rule for file names, here where outputs are named (batch, publish and freshness use it).
from .filenames import file_name, slug, slug_problem  # noqa: F401, I001
from .lifetimes import HOST, alive

#: Folders of a brief or style folder whose files are outputs or tools' state, never inputs
#: (freshness.py fingerprints, and cluster.py ships, everything else).
NOT_INPUTS = frozenset({"dist", "__pycache__", "node_modules"})
#: A `.part` file this old is left over from a killed build even if its writer's pid is alive
#: again (pids are reused): writing bytes already in memory takes seconds, not minutes.
STALE_PART_SECONDS = 10 * 60

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
    what the build reads (a folder named stands for all its files), or cannot be a file:
    outputs of a folder's build go to its `dist/`."""
    if not isinstance(inputs, Reads):
        inputs = Reads.of(inputs)
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
        if any(map(output_place, parts[:-1])):
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
            if not any(map(output_place, parts)):
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
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}@{HOST}.",
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


def output_place(name: str) -> bool:
    """Whether a folder of that name, in a brief or style folder, holds outputs or tools' state
    (dist/, hidden folders...), never inputs."""
    return name in NOT_INPUTS or name.startswith(".")


def remove_stale_parts(target: Path) -> None:
    """Remove the temporary files earlier writes of `target` left (a build killed while writing):
    only `.NAME.*.part` files of this very target, and only when the process that wrote them
    is gone (same machine) or they are older than STALE_PART_SECONDS."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)@([0-9a-f]{{6}})\.)?[^.]*\.part")
    try:
        parts = list(target.parent.glob(f".{glob.escape(target.name)}.*.part"))
    except OSError:  # a folder that cannot be listed: nothing of ours to clean
        return
    for part in parts:
        found = pattern.fullmatch(part.name)
        if not found:
            continue
        try:
            old = time.time() - part.lstat().st_mtime > STALE_PART_SECONDS
            gone = found[1] is not None and found[2] == HOST and not alive(int(found[1]))
            if old or gone:
                part.unlink()
        except OSError:  # removed by another build meanwhile, or not ours to remove
            continue


#: A file URI in the laid-out HTML (fonts, the logo, a style's url()s), up to its closing quote.
_FILE_URI = re.compile(r"file://[^\"'()\s<>]+")
#: An image named relative to the brief folder (WeasyPrint read it against the brief's base URL).
_IMAGE_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)([^"]+)(")')


def portable(html: str, folder: Path, into: Path) -> str:
    """The HTML `--html` writes at `into`, its resources named relative to that file: no path
    of the build machine in it, and bare `weasyprint FILE` finds the fonts, logo and images."""
    from urllib.parse import quote, unquote, urlsplit

    def relative(path: Path) -> str:
        return quote(os.path.relpath(path, into.parent).replace(os.sep, "/"))

    html = _FILE_URI.sub(lambda match: relative(Path(unquote(urlsplit(match[0]).path))), html)
    return _IMAGE_SRC.sub(lambda match: match[1] + relative(folder.resolve() / unquote(match[2])) + match[3],
                          html)
