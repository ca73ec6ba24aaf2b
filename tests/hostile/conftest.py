"""Fixtures for hostile input: a canary outside the brief, a file-open recorder, a loopback server."""

from __future__ import annotations

import http.server
import sys
import threading

import pytest

#: Paths opened while a `reads` fixture is active (an audit hook sees every open()).
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes)):
        _OPENED.append(args[0] if isinstance(args[0], str) else args[0].decode(errors="replace"))


sys.addaudithook(_audit)

#: The smallest valid PNG (1x1, transparent): what the loopback server serves.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def canary(tmp_path):
    """A secret outside the brief folder; no build may read it."""
    path = tmp_path / "secret" / "canary.png"
    path.parent.mkdir()
    path.write_bytes(PNG)
    return path


@pytest.fixture
def reads():
    """Record every file opened until the test ends."""
    global _OPENED
    _OPENED = []
    yield _OPENED
    _OPENED = None


@pytest.fixture
def server():
    """An HTTP server on 127.0.0.1 that counts requests and answers with a PNG."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
            self.end_headers()
            self.wfile.write(PNG if self.path.endswith(".png") else b"body { color: red; }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.requests = requests
    httpd.url = f"http://127.0.0.1:{httpd.server_port}"
    yield httpd
    httpd.shutdown()
