"""When --scheduler goes wrong: a malformed address, something listening that is not Dask, a Dask
worker given for the scheduler, and a real scheduler killed in the middle of a batch. Each ends
in one clear line, the documented exit code, no traceback, no Dask log line and no stall: the
command runs as a user runs it, in its own process, timed. Also: a --style that does not exist
is the option's mistake, in every command that takes one."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import quick, run

distributed = pytest.importorskip("distributed")
# A dashboard of Dask's own finding its default port taken: harmless.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")

BRIEF = "title: Brief {n}\ndate: 2026-03-01\nauthors:\n  - name: Desk\n"
SLACK = 6  # seconds past the connect timeout: Python starting, Dask importing, on a busy machine


def briefkit(*args: str, cwd, timeout: float = 120):
    """`briefkit ARGS` in a process of its own: the exit code, what it printed, and the seconds it
    took. (In process, a half-made Dask client would only stall when the tests end.)"""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "briefkit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def one_clear_line(output: str, *says: str) -> str:
    """The error is one line saying each phrase; nothing from Python's or Dask's insides."""
    assert "Traceback" not in output and "unexpected error" not in output, output
    assert "distributed." not in output and " - ERROR - " not in output, output  # Dask's log format
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, output
    for phrase in says:
        assert phrase in errors[0], f"{phrase!r} not in {errors[0]!r}"
    return errors[0]


@pytest.fixture
def archive(tmp_path):
    """Briefs of one paragraph and one note each: quick to build, so the batch is mostly waiting."""

    def make(count: int) -> list[str]:
        folders = []
        for n in range(1, count + 1):
            folder = tmp_path / "archive" / f"b{n:02}"
            folder.mkdir(parents=True)
            (folder / "brief.yaml").write_text(BRIEF.format(n=n))
            (folder / "commentary.md").write_text(f"Brief {n} says this.[^a]\n\n[^a]: A note.\n")
            folders.append(f"archive/b{n:02}")
        return folders

    return make


@pytest.mark.parametrize(("address", "says"), [
    ("nonsense", "no port"),
    ("tcp://127.0.0.1:notaport", "not an address"),
    ("tcp://:8786", "no host"),
    ("tcp://[::1", "not an address"),
    ("tcp://127.0.0.1:99999", "not an address"),
    ("tcp://127.0.0.1:8786/status", "more than HOST:PORT"),
    ("http://127.0.0.1:8787", "a web address"),
    ("udp://127.0.0.1:8786", "tcp:// or tls://"),
    ("", "is empty"),
])
def test_a_malformed_address_is_a_usage_error_at_once(archive, tmp_path, address, says):
    code, output, seconds = briefkit("build", *archive(1), "--scheduler", address, cwd=tmp_path)
    assert code == 2, output
    line = one_clear_line(output, f"--scheduler {address}", says, "tcp://")
    assert seconds < SLACK, f"{seconds:.1f} s for {line}"  # no connection tried, no client left to close


class Listener(threading.Thread):
    """A TCP server that is not Dask: it accepts every connection and says nothing, or answers
    whatever comes as a web server answers bytes it cannot read (and maybe hangs up)."""

    def __init__(self, reply: bytes = b"", hang_up: bool = False):
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.reply, self.hang_up, self.held = reply, hang_up, []

    def run(self):
        with self.server:
            while True:
                try:
                    connection = self.server.accept()[0]
                except OSError:  # closed: the test is over
                    return
                self.held.append(connection)
                if self.reply:
                    threading.Thread(target=self.answer, args=(connection,), daemon=True).start()

    def answer(self, connection):
        with suppress(OSError):
            connection.recv(65536)
            connection.sendall(self.reply)
            if self.hang_up:
                connection.close()


BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@pytest.mark.slow  # waits out a connect timeout: the full run
def test_a_server_that_accepts_and_never_answers_fails_within_the_connect_timeout(archive, tmp_path):
    silent = Listener()
    silent.start()
    try:
        address = f"tcp://127.0.0.1:{silent.port}"
        code, output, seconds = briefkit("build", *archive(2), "--scheduler", address,
                                         "--connect-timeout", "1", cwd=tmp_path)
    finally:
        silent.server.close()
    assert code == 2, output
    one_clear_line(output, "accepted the connection but gave no Dask answer in 1 s", "--connect-timeout")
    assert 1 <= seconds < 1 + SLACK, seconds
    assert silent.held, "nothing connected: the test tested nothing"
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("hang_up", quick([False, True], False))
def test_a_server_that_answers_like_a_web_server_is_named_not_dask(archive, tmp_path, hang_up):
    """Its reply read as Dask's frames once asked Dask for an array of exabytes (MemoryError)."""
    web = Listener(BAD_REQUEST, hang_up)
    web.start()
    try:
        code, output, seconds = briefkit("build", *archive(1), "--scheduler", f"tcp://127.0.0.1:{web.port}",
                                         "--connect-timeout", "5", cwd=tmp_path)
    finally:
        web.server.close()
    assert code == 2, output
    one_clear_line(output, f"--scheduler tcp://127.0.0.1:{web.port}: something there", "Dask")
    assert seconds < 5 + SLACK, seconds


@pytest.mark.slow  # waits out a connect timeout: the full run
def test_a_web_server_given_as_the_scheduler_fails_within_the_connect_timeout(archive, tmp_path):
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # what a dashboard would do with a browser
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    web = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    web.socket.settimeout(1)  # a connection reset before its accept leaves no accept() waiting forever
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        code, output, seconds = briefkit("publish", *archive(1), "-o", "site", "--scheduler",
                                         f"127.0.0.1:{web.server_address[1]}", "--connect-timeout", "1",
                                         cwd=tmp_path)
    finally:
        web.shutdown()
        web.server_close()
    assert code == 2, output
    one_clear_line(output, "--scheduler tcp://127.0.0.1:", "Dask")
    assert seconds < 1 + SLACK, seconds


def test_nothing_listening_is_a_usage_error_within_the_connect_timeout(archive, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:  # a port surely free once closed
        port = taken.getsockname()[1]
    code, output, seconds = briefkit("build", *archive(1), "--scheduler", f"tcp://127.0.0.1:{port}",
                                     "--connect-timeout", "1", cwd=tmp_path)
    assert code == 2, output
    one_clear_line(output, "no Dask scheduler answered")
    assert seconds < 1 + SLACK, seconds


def test_a_worker_given_for_the_scheduler_is_named_as_one(archive, tmp_path):
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        worker = next(iter(cluster.scheduler_info["workers"]))
        code, output, seconds = briefkit("build", *archive(1), "--scheduler", worker, cwd=tmp_path)
    assert code == 2, output
    one_clear_line(output, "that is a Dask Worker, not the scheduler")


def _start(*args: str, cwd) -> subprocess.Popen:
    """`dask ARGS` in a process group of its own (a worker's nanny has children), quiet."""
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):  # the scheduler the test killed, its group gone with it
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path):
    """A real `dask scheduler` and one `dask worker` (preloaded, as docs/archives.md says), each a
    process of its own, so that the scheduler can be killed as a machine loses it."""
    address_file = tmp_path / "scheduler.json"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(address_file), cwd=tmp_path)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        worker = _start("worker", "--scheduler-file", str(address_file), "--nthreads", "1",
                        "--nworkers", "1", "--no-dashboard", "--preload", "briefkit.cluster", cwd=tmp_path)
        address = json.loads(address_file.read_text())["address"]
        with distributed.Client(address, set_as_default=False, timeout=30) as client:
            client.wait_for_workers(1, timeout=90)
        yield address, scheduler
    finally:
        for process in (worker, scheduler):
            if process is not None:
                _stop(process)


@pytest.mark.slow  # a real scheduler and worker started, one killed, and a re-run: the full run
def test_a_scheduler_killed_mid_batch_writes_the_report_and_says_a_rerun_builds_the_rest(archive, cluster,
                                                                                        tmp_path):
    address, scheduler = cluster
    folders = archive(10)
    killed = []

    def kill_after_three():  # as soon as three PDFs are written, the scheduler's machine is gone
        while not killed and scheduler.poll() is None:
            if len(list((tmp_path / "dist").glob("*.pdf"))) >= 3:
                scheduler.kill()
                killed.append(time.monotonic())
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_after_three, daemon=True)
    watcher.start()
    code, output, seconds = briefkit("build", *folders, "--scheduler", address, "--connect-timeout", "3",
                                     "--report", "report.json", cwd=tmp_path)
    ended = time.monotonic()
    watcher.join(timeout=5)
    assert killed, f"the batch ended before the scheduler was killed:\n{output}"
    assert code == 3, output
    line = one_clear_line(output, f"the Dask scheduler at {address} went away", "of 10 briefs built",
                          "not built", "run the same command again to build the rest")
    assert ended - killed[0] < 3 + SLACK, ended - killed[0]  # no waiting on the lost scheduler

    report = json.loads((tmp_path / "report.json").read_text())
    assert sorted(entry["folder"] for entry in report) == folders  # every brief appears, once
    statuses = Counter(entry["status"] for entry in report)
    assert set(statuses) == {"built", "not built"} and statuses["built"] >= 3, statuses
    assert f"{statuses['built']} of 10 briefs built" in line and f"{statuses['not built']} not built" in line
    for entry in report:
        if entry["status"] == "built":
            assert entry["pdf"] and open(entry["pdf"], "rb").read(5) == b"%PDF-"
        else:
            assert entry["pdf"] is None and "went away" in entry["errors"][0]

    # The re-run the line asks for (here, with no cluster) builds the rest and skips what was built.
    code, output, _ = briefkit("build", *folders, "--report", "again.json", cwd=tmp_path, timeout=300)
    assert code == 0, output
    again = Counter(entry["status"] for entry in json.loads((tmp_path / "again.json").read_text()))
    assert again == {"skipped": statuses["built"], "built": statuses["not built"]}, again


def test_style_option_that_does_not_exist_names_the_option(archive, tmp_path):
    folders = archive(2)
    code, output, _ = briefkit("build", *folders, "--style", "think-tnak", cwd=tmp_path)
    assert code == 2, output
    line = one_clear_line(output, "--style think-tnak: no such style; did you mean 'think-tank'?",
                          "styles here: ", "think-tank")
    assert "brief.yaml" not in line
    code, output, _ = briefkit("check", folders[0], "--style", "./no-such-folder", cwd=tmp_path)
    assert code == 2, output
    assert "brief.yaml" not in one_clear_line(output, "--style ./no-such-folder: no style there")


@pytest.mark.parametrize("command", [["check"], ["publish", "-o", "site"], ["chart", "-o", "chart.svg"],
                                     ["watch"]])
def test_every_command_blames_the_style_option_not_the_brief(runner, archive, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    folder = archive(1)[0]
    name, *rest = command
    result = run(runner, name, folder, *rest, "--style", "think-tnak")
    assert result.exit_code == 2, result.output
    line = one_clear_line(result.output, "--style think-tnak: no such style; did you mean 'think-tank'?")
    assert "brief.yaml" not in line


def test_a_new_brief_gets_only_a_style_that_exists(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "new", "desk-brief", "--style", "polcy-memo")
    assert result.exit_code == 2, result.output
    one_clear_line(result.output, "--style polcy-memo: no such style; did you mean 'policy-memo'?")
    assert not (tmp_path / "desk-brief").exists()
    assert run(runner, "new", "desk-brief", "--style", "policy-memo").exit_code == 0
