"""Batch builds on a real Dask cluster (a scheduler and two worker processes on 127.0.0.1): the same
bytes as a local build, errors naming the client's files, a dead worker's brief retried."""

from __future__ import annotations

import json
import os
import sys

import pytest
from support import run

distributed = pytest.importorskip("distributed")
# A dashboard of Dask's own (a restarted worker's) finding its default port taken: harmless.
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")

BRIEF = "title: {title}\ndate: 2026-03-0{n}\nstyle: {style}\nauthors:\n  - name: Desk\n"


@pytest.fixture(scope="module")
def scheduler():
    """A scheduler and two single-threaded worker processes, as `dask worker --nthreads 1` runs."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def archive(tmp_path, monkeypatch):
    """Three briefs: in the built-in style, in a style of their own folder, and in a style found
    through BRIEFKIT_STYLES (a chain outside the brief: it travels with the parcel)."""
    house = tmp_path / "house-styles" / "acme"
    house.mkdir(parents=True)
    (house / "style.yaml").write_text("extends: think-tank\nname: acme\n")
    (house / "style.css").write_text(":root { --accent: #7a1f5c; }\n")
    monkeypatch.setenv("BRIEFKIT_STYLES", str(house.parent))
    monkeypatch.chdir(tmp_path)
    folders = []
    for n, (title, style) in enumerate([("Kabul's Talks", "think-tank"), ("Own Style", "local"),
                                        ("House Style", "acme")], start=1):
        folder = tmp_path / "archive" / f"b{n}"
        folder.mkdir(parents=True)
        (folder / "brief.yaml").write_text(BRIEF.format(title=title, n=n, style=style))
        (folder / "commentary.md").write_text(f"{title} says this.[^a]\n\n[^a]: A note.\n")
        folders.append(folder)
    local = folders[1] / "styles" / "local"
    local.mkdir(parents=True)
    (local / "style.yaml").write_text("extends: think-tank\n")
    (local / "style.css").write_text(":root { --accent: #1f5c7a; }\n")
    return folders


def _report(path):
    return {os.path.basename(entry["folder"]): entry for entry in json.loads(path.read_text())}


def test_a_cluster_build_gives_the_bytes_of_a_local_build_and_is_incremental(runner, scheduler, archive,
                                                                          tmp_path):
    report = tmp_path / "report.json"
    result = run(runner, "build", *map(str, archive), "--scheduler", scheduler, "--report", str(report))
    assert result.exit_code == 0, result.output
    entries = _report(report)
    assert {entry["status"] for entry in entries.values()} == {"built"}
    assert len({entry["pid"] for entry in entries.values()}) == 2  # both workers took a share
    remote = {name: open(entry["pdf"], "rb").read() for name, entry in entries.items()}
    assert entries["b1"]["pdf"] == str(tmp_path / "dist" / "2026-03-01-kabuls-talks.pdf")

    again = run(runner, "build", *map(str, archive), "--scheduler", scheduler, "--report", str(report))
    assert again.exit_code == 0 and {e["status"] for e in _report(report).values()} == {"skipped"}

    os.chdir(tmp_path / "archive")  # built here, in this process: the same bytes
    assert run(runner, "build", *map(str, archive), "--report", str(report)).exit_code == 0
    local = {name: open(entry["pdf"], "rb").read() for name, entry in _report(report).items()}
    assert local == remote
    assert b"7a1f5c" not in remote["b1"]  # the styles really differ, so equal bytes mean something
    assert len(set(remote.values())) == 3


def test_a_failed_brief_names_the_clients_file_and_line(runner, scheduler, archive, tmp_path):
    (archive[2] / "commentary.md").write_text("A call to nothing.[^missing]\n")
    report = tmp_path / "report.json"
    result = run(runner, "build", *map(str, archive), "--scheduler", scheduler, "--report", str(report))
    assert result.exit_code == 1
    failed = _report(report)["b3"]
    assert failed["status"] == "failed" and failed["pdf"] is None
    expected = f"{archive[2] / 'commentary.md'}:1: footnote [^missing] has no definition"
    assert any(error.startswith(expected) for error in failed["errors"]), failed["errors"]
    assert not any("briefkit-" in error for error in failed["errors"])  # no worker's temporary path
    assert {_report(report)[name]["status"] for name in ("b1", "b2")} == {"built"}


def _die_once(marker: str) -> None:
    """On each worker: the first build anywhere kills its worker process mid-task."""
    import briefkit.cluster

    original = briefkit.cluster.build_parcel

    def dying(parcel):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return original(parcel)
        os._exit(1)

    briefkit.cluster.build_parcel = dying


def test_a_brief_whose_worker_dies_is_retried_elsewhere(runner, scheduler, archive, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    marker = tmp_path / "died"
    with distributed.Client(scheduler, set_as_default=False) as client:
        client.run(_die_once, str(marker))
    report = tmp_path / "report.json"
    result = run(runner, "build", *map(str, archive[:2]), "--scheduler", scheduler, "--report", str(report))
    assert marker.exists(), "no worker died: the test tested nothing"
    assert result.exit_code == 0, result.output
    assert {entry["status"] for entry in _report(report).values()} == {"built"}


def test_no_scheduler_there_is_a_usage_error(runner, archive):
    result = run(runner, "build", str(archive[0]), "--scheduler", "tcp://127.0.0.1:9",
                 "--connect-timeout", "1")
    assert result.exit_code == 2 and "no Dask scheduler answered" in result.output
    assert "Traceback" not in result.output


def test_publish_on_the_cluster_builds_what_changed_and_matches_a_local_site(runner, scheduler, archive,
                                                                              tmp_path):
    folders = list(map(str, archive))
    first = run(runner, "publish", *folders, "-o", str(tmp_path / "site"), "--scheduler", scheduler)
    assert first.exit_code == 0 and "3 built, 0 unchanged" in first.output, first.output
    local = run(runner, "publish", *folders, "-o", str(tmp_path / "local"), "-j", "2")
    assert local.exit_code == 0, local.output
    sums = (tmp_path / "site" / "SHA256SUMS").read_text()
    assert sums == (tmp_path / "local" / "SHA256SUMS").read_text() and len(sums.splitlines()) == 3

    (archive[1] / "commentary.md").write_text("Own Style, corrected.[^a]\n\n[^a]: A note.\n")
    again = run(runner, "publish", *folders, "-o", str(tmp_path / "site"), "--scheduler", scheduler)
    assert again.exit_code == 0 and "1 built, 2 unchanged" in again.output, again.output
    changed = set((tmp_path / "site" / "SHA256SUMS").read_text().splitlines()) - set(sums.splitlines())
    assert [line.split()[1] for line in changed] == ["2026-03-02-own-style.pdf"]
