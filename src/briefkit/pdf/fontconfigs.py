"""Font configurations: one WeasyPrint FontConfiguration for every layout of documents with the
same fonts in a thread, and its font files removed when the process is done with them."""

from __future__ import annotations

import atexit
import functools
import os
import re
import threading
import weakref


def for_document(document):
    """The font configuration for laying `document` out in this thread."""
    return _configuration(threading.get_ident(), *_faces(document))


def _faces(document) -> tuple:
    """What a font configuration is kept by: the document's @font-face rules, its base URL when a
    rule's source depends on it, and each font file's size and time (a file replaced under the
    same name, say in watch mode, is read again)."""
    from urllib.parse import unquote, urlsplit

    faces = tuple(sorted(set(re.findall(r"@font-face\s*{[^}]*}", document.html))))
    sources = [url for face in faces for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", face)]
    relative = any(not re.match(r"[a-z][a-z0-9+.-]*:", url) for url in sources)
    stamps = []
    for url in sources:
        try:
            stat = os.stat(unquote(urlsplit(url).path)) if url.startswith("file:") else None
        except OSError:
            stat = None
        stamps.append((stat.st_size, stat.st_mtime_ns) if stat else None)
    return faces, document.base_url if relative else None, tuple(stamps)


@atexit.register  # a process that ends normally; a layout child calls it itself (lifetimes.release)
def release() -> None:
    """Remove the font files WeasyPrint wrote for the font configurations made here, and forget
    them: FontConfiguration.__del__ does it, called here, since a layout child ends with
    os._exit (no __del__ runs) and a garbage collection to reach them costs tens of ms. Those a
    forked child inherited stay: their folder is its parent's, which still lays out with them."""
    _configuration.cache_clear()
    for configuration, maker in list(_MADE.items()):
        if maker == os.getpid():
            configuration.__del__()  # removes its folder; harmless again when it is collected
    _MADE.clear()


#: The font configurations made and not yet released, with the process that made each.
_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

#: In a forked child, its parent's configurations, kept to the end: collected here, their
#: __del__ would remove the parent's font files (a child ends with os._exit, which runs none).
_INHERITED: list = []

os.register_at_fork(after_in_child=lambda: _INHERITED.extend(_MADE))


@functools.lru_cache(maxsize=8)
def _configuration(thread: int, faces: tuple[str, ...], base_url: str | None, stamps: tuple):
    """One font configuration for every layout of documents with the same fonts: each one
    WeasyPrint makes holds a fontconfig setup that is never given back (about 0.2 MiB), so a
    fresh one per build grew a long batch without bound (WeasyPrint #2130). Keyed by the
    @font-face rules and their files, a family never meets another document's file of the
    same name, nor an older copy of its own; and by thread: two layouts at once in one
    configuration rewrite its font files under each other's fontconfig (a bus error) and
    share Pango's font map, which is not thread-safe."""
    from weasyprint.text.fonts import FontConfiguration

    configuration = FontConfiguration()
    _MADE[configuration] = os.getpid()
    return configuration
