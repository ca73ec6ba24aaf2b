"""Benchmark: an archive of briefs built in a batch (a script: it prints a table).

Run from the repository root:  python benchmarks/archive.py [--briefs 24]
Generates N starter briefs, then times a first build with -j 1 and -j 2 (no cache, fresh
outputs), an unchanged re-run, a re-run after one brief is edited, and the resident memory of
one process building every brief in turn. Compare ratios from one run, not across machines.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BRIEFKIT = [sys.executable, "-m", "briefkit"]


def timed(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*BRIEFKIT, *args], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=int, default=24)
    count = parser.parse_args().briefs
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        folders = [str(folder) for folder in make_archive(root, count)]
        rows = []
        for jobs in ("1", "2"):
            shutil.rmtree(root / "dist", ignore_errors=True)
            seconds = timed("build", *folders, "-j", jobs, "--no-cache", cwd=root)
            rows.append((f"first build, -j {jobs}, no cache", seconds))
        rows.append(("unchanged re-run, -j 2", timed("build", *folders, "-j", "2", cwd=root)))
        commentary = Path(folders[0]) / "commentary.md"
        commentary.write_text(commentary.read_text() + "\nOne more sentence.\n")
        rows.append(("re-run after one brief is edited, -j 2", timed("build", *folders, "-j", "2", cwd=root)))
        first = rows[1][1]
        print(f"{count} starter briefs")
        print("| measure | seconds | of the -j 2 first build |\n|---|---:|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.2f} | {seconds / first:.0%} |")
        curve = rss_curve([Path(folder) for folder in folders], root / "rss")
        marks = [point for point in curve if point[0] in (1, 2, count // 2, count)]
        print("RSS of one process building every brief in turn: "
              + ", ".join(f"after {n}: {mib:.0f} MiB" for n, mib in marks))


if __name__ == "__main__":
    main()
