"""A Dask worker with two threads builds two briefs at once, each with its own style (one found
through BRIEFKIT_STYLES on the client) and chart, and gives the bytes a local build gives."""

from __future__ import annotations

import json
import os
import sys

import pytest
from support import run

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")

BRIEF = "title: {title}\ndate: 2026-04-0{n}\nstyle: {style}\nauthors:\n  - name: Desk\n"
COMMENTARY = "{title} says this.[^a]\n\n```timeline\n```\n\n[^a]: A note.\n"
EVENTS = ("events:\n  - {date: 2020-01-01, title: First, group: Talks}\n"
          "  - {date: 2021-06-01, title: Second, group: Trade}\n  - {date: 2022-03-01, title: Third, group: Talks}\n")


@pytest.fixture(scope="module")
def scheduler():
    """One worker process with two threads."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _meet() -> None:
    """On the worker: a build starts only once the other has started too, so the two run at
    once; a worker that built one at a time would leave the first waiting until it gave up."""
    import threading

    import briefkit.cluster

    barrier = threading.Barrier(2, timeout=30)
    original = briefkit.cluster.build_one

    def meeting(folder, options):
        barrier.wait()
        return original(folder, options)

    briefkit.cluster.build_one = meeting


def test_a_worker_builds_as_many_briefs_at_once_as_it_has_threads(runner, scheduler, tmp_path, monkeypatch):
    import cloudpickle

    house = tmp_path / "house-styles" / "acme"
    house.mkdir(parents=True)
    (house / "style.yaml").write_text("extends: think-tank\nname: acme\n")
    (house / "chart.mplstyle").write_text("axes.edgecolor: 7a1f5c\naxes.prop_cycle: cycler('color', "
                                          "['7a1f5c', '1f5c7a'])\n")
    monkeypatch.setenv("BRIEFKIT_STYLES", str(house.parent))
    monkeypatch.chdir(tmp_path)
    folders = []
    for n, (title, style) in enumerate([("Built In", "think-tank"), ("House Chart", "acme")], start=1):
        folder = tmp_path / "archive" / f"b{n}"
        folder.mkdir(parents=True)
        (folder / "brief.yaml").write_text(BRIEF.format(title=title, n=n, style=style))
        (folder / "commentary.md").write_text(COMMENTARY.format(title=title))
        (folder / "events.yaml").write_text(EVENTS)
        folders.append(str(folder))

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with distributed.Client(scheduler, set_as_default=False) as client:
        client.run(_meet)
    report = tmp_path / "report.json"
    result = run(runner, "build", *folders, "--scheduler", scheduler, "--report", str(report))
    assert result.exit_code == 0, result.output
    remote = json.loads(report.read_text())
    assert [entry["status"] for entry in remote] == ["built", "built"], remote
    assert len({entry["pid"] for entry in remote}) == 1  # one process, two builds met in it
    remote_pdfs = {entry["folder"]: open(entry["pdf"], "rb").read() for entry in remote}

    os.chdir(tmp_path / "archive")  # built here, in this process, one after the other
    assert run(runner, "build", *folders, "--report", str(report), "--force").exit_code == 0
    local = {entry["folder"]: open(entry["pdf"], "rb").read() for entry in json.loads(report.read_text())}
    assert local == remote_pdfs
    assert len(set(local.values())) == 2
