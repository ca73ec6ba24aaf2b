"""The one resource gate: which files and URLs a build may load, and how much of each."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

#: The largest resource (image, font, stylesheet) a build may load.
MAX_RESOURCE_BYTES = 50 * 2**20
#: Seconds a remote resource may take, with --allow-remote.
REMOTE_TIMEOUT = 10


def gate(roots: list[Path], allow_remote: bool):
    """The one resource gate: files under `roots`, data: URLs, and http(s) only when allowed.

    Symlinks are followed, then the real path is checked; redirects are not followed; every
    body is read up to a size cap. A refusal stops the build (WeasyPrint would only log it)."""
    from weasyprint import URLFetcher
    from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

    allowed = [root.resolve() for root in roots]

    class Refused(FatalURLFetchingError):
        pass

    class Gate(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in allowed):
                    raise Refused(f"refused to read {path}: only files inside the brief folder "
                                  "and its style may be used")
            elif scheme in ("http", "https") and not allow_remote:
                raise Refused(f"refused to fetch {url}: build with --allow-remote to allow the network")
            elif scheme not in ("data", "http", "https"):
                raise Refused(f"refused to load {url}: {scheme}: URLs are not allowed")
            response = super().fetch(url, headers)
            body = response.read(MAX_RESOURCE_BYTES + 1)
            response.close()
            if len(body) > MAX_RESOURCE_BYTES:
                raise Refused(f"refused {url}: larger than {MAX_RESOURCE_BYTES // 2**20} MiB")
            return URLFetcherResponse(response.url, body, response.headers, response.status)

    gate = Gate(timeout=REMOTE_TIMEOUT, allow_redirects=False)
    gate.refused = Refused
    return gate
