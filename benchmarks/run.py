"""Benchmark: briefkit against the engine alone and a peer route (a script: it prints a table).

Run from the repository root:  python benchmarks/run.py [--runs 5]
Figures are medians of several runs; compare ratios from one run, not numbers across machines.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "taliban-russia"
BRIEFKIT = [shutil.which("briefkit") or "briefkit"]


def timed(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def median(function, runs: int) -> float:
    return statistics.median(function() for _ in range(runs))


def pdf_pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def long_brief(folder: Path, events: int) -> Path:
    """A brief whose chronology runs to many pages: one event a day over several years."""
    import datetime as dt

    shutil.copytree(SAMPLE, folder)
    lines = ["events:"]
    start = dt.date(2010, 1, 1)
    for i in range(events):
        day = start + dt.timedelta(days=3 * i)
        lines.append(f"  - {{date: {day.isoformat()}, title: 'Event number {i} in the long record', "
                     f"text: 'A sentence that describes what happened on this day in some detail.', "
                     f"group: {['Diplomacy', 'Security', 'Economy'][i % 3]}}}")
    (folder / "events.yaml").write_text("\n".join(lines) + "\n")
    text = (folder / "commentary.md").read_text()
    (folder / "commentary.md").write_text(text.replace("```chronology\nfrom: 2021\n```",
                                                       "```chronology\n```"))
    return folder


def series(root: Path, new: bool) -> list[str]:
    """20 briefs with different titles: `briefkit new` starters, or copies of the sample."""
    folders = []
    for i in range(20):
        folder = root / f"brief-{i:02d}"
        if new:
            subprocess.run([*BRIEFKIT, "new", str(folder)], check=True, capture_output=True)
        else:
            shutil.copytree(SAMPLE, folder)
        path = folder / "brief.yaml"
        path.write_text(path.read_text().replace("title: ", f"title: Number {i} of ", 1))
        folders.append(str(folder))
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        html = tmp / "brief.html"
        # An empty cache of our own: "cold" builds use none, "again" builds reuse the last one.
        os.environ["BRIEFKIT_CACHE_DIR"] = str(tmp / "cache")
        build = [*BRIEFKIT, "build", str(SAMPLE), "-o", str(tmp / "brief.pdf")]
        subprocess.run([*build, "--html", str(html)], check=True, capture_output=True)
        cold = median(lambda: timed([*build, "--no-cache"]), runs)
        rows.append(("briefkit build (sample, end to end, no cache)", cold, "1.00x"))
        again = median(lambda: timed(build), runs)
        size, pages = (tmp / "brief.pdf").stat().st_size, pdf_pages(tmp / "brief.pdf")
        rows.append(("sample PDF size, KB per page", size / 1024 / pages,
                     f"{size / 1024:.0f} KB, {pages} pages"))
        weasyprint = [sys.executable, "-m", "weasyprint", str(html), str(tmp / "bare.pdf")]
        bare = median(lambda: timed(weasyprint), runs)
        rows.append(("bare weasyprint on the --html output", bare, f"build is {cold / bare:.2f}x this"))
        rows.append(("briefkit build again (charts and layout from the cache)", again,
                     f"{again / bare:.2f}x bare weasyprint"))
        if shutil.which("pandoc"):
            pandoc = ["pandoc", str(SAMPLE / "commentary.md"), "--citeproc",
                      "--bibliography", str(SAMPLE / "sources.yaml"), "--pdf-engine=weasyprint",
                      "-o", str(tmp / "pandoc.pdf")]
            peer = median(lambda: timed(pandoc), runs)
            rows.append(("pandoc --citeproc --pdf-engine=weasyprint", peer,
                         f"build is {cold / peer:.2f}x this"))
        else:
            rows.append(("pandoc --citeproc --pdf-engine=weasyprint", float("nan"), "pandoc not installed"))
        rows.append(("warm rebuild after a one-word edit", warm_rebuild(tmp, runs), ""))
        rows[-1] = (rows[-1][0], rows[-1][1], f"{rows[-1][1] / cold:.2f}x a cold build")
        helps = median(lambda: timed([*BRIEFKIT, "--help"]), runs)
        rows.append(("briefkit --help", helps, ""))
        for size, folders in (("starter", series(tmp / "starter", new=True)),
                              ("sample", series(tmp / "sample", new=False))):
            # --force: the second batch would otherwise find every PDF up to date and skip it.
            one = timed([*BRIEFKIT, "build", *folders, "-j", "1", "--no-cache", "--force"], cwd=tmp)
            two = timed([*BRIEFKIT, "build", *folders, "-j", "2", "--no-cache", "--force"], cwd=tmp)
            rows.append((f"20 {size}-size briefs, -j 1", one, ""))
            rows.append((f"20 {size}-size briefs, -j 2", two, f"{one / two:.2f}x faster than -j 1"))
        per_page = {}
        for label, events in (("short", 40), ("long", 900)):
            folder = long_brief(tmp / label, events)
            out = tmp / f"{label}.pdf"
            command = [*BRIEFKIT, "build", str(folder), "-o", str(out), "--no-cache"]
            seconds = median(lambda command=command: timed(command), max(1, runs // 2))
            per_page[label] = (seconds, pdf_pages(out))
        (s_sec, s_pages), (l_sec, l_pages) = per_page["short"], per_page["long"]
        rows.append((f"{s_pages}-page brief, per page", s_sec / s_pages, ""))
        rows.append((f"{l_pages}-page brief, per page", l_sec / l_pages,
                     f"{(l_sec / l_pages) / (s_sec / s_pages):.2f}x the short brief's"))
    width = max(len(name) for name, *_ in rows)
    print(f"{'measure':<{width}}  {'seconds':>8}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<{width}}  {seconds:>8.2f}  {ratio}")
    print(f"\n{os.cpu_count()} cores; medians of {runs} runs (long briefs: {max(1, runs // 2)})")


def warm_rebuild(tmp: Path, runs: int) -> float:
    """In one process, as watch mode does: build, change one word, build again (the chart comes
    from the cache; the layout does not, since the text changed)."""
    from briefkit.build import Options, build

    folder = tmp / "warm"
    shutil.copytree(SAMPLE, folder)
    options = Options(output=tmp / "warm.pdf")
    build(folder, options)
    commentary = folder / "commentary.md"
    times = []
    for i in range(runs):
        old, new = ("sets", "places") if i % 2 == 0 else ("places", "sets")
        commentary.write_text(commentary.read_text().replace(f"This brief {old}", f"This brief {new}", 1))
        started = time.perf_counter()
        build(folder, options)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


if __name__ == "__main__":
    main()
