"""Benchmark: an archive of briefs built in a batch (a script: it prints a table).

Run from the repository root:  python benchmarks/archive.py [--briefs 24]
Generates N starter briefs, then times a first build three ways (one process, -j 2, a Dask
cluster of two single-threaded local workers started beforehand; no cache, fresh outputs),
checks the cluster's PDFs are the bytes of the local ones, times an unchanged re-run and a
re-run after one brief is edited, and reports the peak memory of each worker process at its
first and last build, and of one process building every brief in turn. Compare ratios from one
run, not across machines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BRIEFKIT = [sys.executable, "-m", "briefkit"]


def timed(*args: str, cwd: Path) -> tuple[float, list[dict]]:
    """Seconds `briefkit ARGS --report` took, and its report."""
    started = time.perf_counter()
    subprocess.run([*BRIEFKIT, *args, "--report", str(cwd / "report.json")], cwd=cwd, check=True,
                   capture_output=True)
    return time.perf_counter() - started, json.loads((cwd / "report.json").read_text())


def digests(dist: Path) -> dict[str, str]:
    return {pdf.name: hashlib.sha256(pdf.read_bytes()).hexdigest() for pdf in dist.glob("*.pdf")}


def workers(report: list[dict]) -> str:
    """Each worker process's peak memory at its first and its last build."""
    by_process: dict[int, list[float]] = {}
    for entry in report:
        by_process.setdefault(entry["pid"], []).append(entry["peak_mib"])
    spans = [f"{min(peaks):.0f}->{max(peaks):.0f} MiB over {len(peaks)}" for peaks in by_process.values()]
    return f"{len(by_process)} processes: " + ", ".join(spans[:4]) + (" ..." if len(spans) > 4 else "")


def make_archive(root: Path, count: int) -> list[Path]:
    folders = []
    for n in range(count):
        folder = root / "archive" / f"brief-{n:03d}"
        subprocess.run([*BRIEFKIT, "new", str(folder)], check=True, capture_output=True)
        brief = folder / "brief.yaml"
        brief.write_text(brief.read_text().replace("title:", f"title: Brief {n:03d} -", 1))
        folders.append(folder)
    return folders


def rss_curve(folders: list[Path], out: Path) -> list[tuple[int, float]]:
    """Resident memory (MiB) of one process after each build, as a long batch worker sees it."""
    from briefkit.build import Options, build

    curve = []
    for index, folder in enumerate(folders, start=1):
        build(folder, Options(output=out / f"{index}.pdf", cache=False))
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        curve.append((index, pages * 4096 / 2**20))
    return curve


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=int, default=24)
    count = parser.parse_args().briefs
    # Started before the clock, as a cluster is; its workers load the engine as they start.
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                           preload=["briefkit.cluster"])
    with tempfile.TemporaryDirectory() as temp, cluster:
        root = Path(temp)
        folders = [str(folder) for folder in make_archive(root, count)]
        rows, reports = [], {}
        ways = {"one process (-j 1)": ["-j", "1"], "-j 2": ["-j", "2"],
                "Dask, two local workers": ["--scheduler", cluster.scheduler_address]}
        for way, args in ways.items():
            shutil.rmtree(root / "dist", ignore_errors=True)
            seconds, reports[way] = timed("build", *folders, *args, "--no-cache", cwd=root)
            rows.append((f"first build, {way}, no cache", seconds))
            if way == "-j 2":
                local = digests(root / "dist")
        same = digests(root / "dist") == local and len(local) == count
        again = ("build", *folders, "-j", "2")
        rows.append(("unchanged re-run, -j 2", timed(*again, cwd=root)[0]))
        commentary = Path(folders[0]) / "commentary.md"
        commentary.write_text(commentary.read_text() + "\nOne more sentence.\n")
        rows.append(("re-run after one brief is edited, -j 2", timed(*again, cwd=root)[0]))
        first = rows[1][1]
        print(f"{count} starter briefs; the cluster's PDFs are -j 2's bytes: {'yes' if same else 'NO'}")
        print("| measure | seconds | briefs a minute | of the -j 2 first build |\n|---|---:|---:|---:|")
        for name, seconds in rows:
            rate = f"{count / seconds * 60:.0f}" if name.startswith("first") else ""
            print(f"| {name} | {seconds:.2f} | {rate} | {seconds / first:.0%} |")
        for way, report in reports.items():
            print(f"peak memory, {way}: {workers(report)}")
        curve = rss_curve([Path(folder) for folder in folders], root / "rss")
        marks = [point for point in curve if point[0] in (1, 2, count // 2, count)]
        print("RSS of one process building every brief in turn: "
              + ", ".join(f"after {n}: {mib:.0f} MiB" for n, mib in marks))


if __name__ == "__main__":
    main()
