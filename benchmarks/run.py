"""Benchmark: briefkit against the engine alone and a peer route (a script: it prints a table).

Run from the repository root:  python benchmarks/run.py [--runs 5] [--targets]
Figures are medians of several runs; compare ratios from one run, not numbers across machines.
The first table holds the targets of issue 27, as ratios to bare WeasyPrint on the same HTML,
then where a rebuild's time goes (a profile); --targets stops there.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
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


#: Runs a command and prints the peak resident memory (KiB) of it and every process it waited for.
PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_kib(command: list[str]) -> int:
    done = subprocess.run([sys.executable, "-c", PEAK, *command], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1])


#: Issue 27's targets: each measure as a ratio to bare WeasyPrint's (time, or peak memory).
TARGETS = {"rebuild": 1.15, "cold": 1.5, "watch": 0.8, "memory": 1.3}


def targets(tmp: Path, runs: int) -> list[tuple[str, float, str]]:
    """The four ratios to bare `weasyprint` on briefkit's own --html output, in one run."""
    folder = tmp / "targets"
    shutil.copytree(SAMPLE, folder)
    html, pdf = tmp / "targets.html", tmp / "targets.pdf"
    build = [*BRIEFKIT, "build", str(folder), "-o", str(pdf)]
    subprocess.run([*build, "--html", str(html)], check=True, capture_output=True)  # fills the cache
    weasyprint = [sys.executable, "-m", "weasyprint", str(html), str(tmp / "bare.pdf")]
    # Interleaved rounds, each ratio taken within its round: a machine others share changes
    # speed from minute to minute, and a ratio of medians taken minutes apart would show that.
    rounds = []
    for i in range(runs):
        bare = timed(weasyprint)
        edit(folder, i)
        rounds.append((bare, timed(build), timed([*build, "--no-cache"])))
    watched = watch_rounds(folder, tmp / "watched.pdf", weasyprint, runs)
    memory = [(peak_kib(weasyprint), peak_kib([*build, "--no-cache"])) for _ in range(max(1, runs // 2))]
    rows = [("bare weasyprint on the --html output (the engine alone)",
             statistics.median(r[0] for r in rounds), "1.00x")]
    for key, name, pairs in (
            ("rebuild", "briefkit build after a one-sentence edit (cache on)",
             [(r[1], r[0]) for r in rounds]),
            ("cold", "briefkit build, first build, no cache", [(r[2], r[0]) for r in rounds]),
            ("watch", "briefkit watch, save to new PDF", watched)):
        rows.append((name, statistics.median(p[0] for p in pairs),
                     verdict(statistics.median(p[0] / p[1] for p in pairs), TARGETS[key])))
    rows.append(("peak memory, bare weasyprint (MiB)", statistics.median(m[0] for m in memory) / 1024,
                 f"first build {statistics.median(m[1] for m in memory) / 1024:.0f} MiB: "
                 + verdict(statistics.median(m[1] / m[0] for m in memory), TARGETS["memory"])))
    return rows


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x bare weasyprint (target <= {target}x: {'met' if ratio <= target else 'NOT met'})"


#: The verb of the sample's first sentence, one per edit: no edit gives HTML laid out before.
VERBS = ("places", "puts", "sets out", "frames", "reads", "weighs", "casts", "views", "lays out",
         "examines", "considers", "studies", "traces", "reviews", "situates", "locates")


def edit(folder: Path, i: int) -> None:
    """One sentence changed: its verb, a new one each time."""
    commentary = folder / "commentary.md"
    verb = VERBS[i % len(VERBS)]
    sentence = re.compile(r"This brief (\w+(?: out)?) these")
    commentary.write_text(sentence.sub(f"This brief {verb} these", commentary.read_text(), count=1))


def watch_rounds(folder: Path, pdf: Path, weasyprint: list[str], runs: int) -> list[tuple[float, float]]:
    """`briefkit watch` running: (seconds from a save to the line saying the new PDF is written,
    bare weasyprint's seconds right after), a pair per save."""
    process = subprocess.Popen([*BRIEFKIT, "watch", str(folder), "-o", str(pdf)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    pairs = []
    try:
        assert "built" in process.stdout.readline()
        for i in range(runs + 1):
            time.sleep(1.0)  # the watcher is listening again
            started = time.perf_counter()
            edit(folder, i + 1)
            line = process.stdout.readline()
            assert line.startswith("built"), line
            seconds = time.perf_counter() - started
            if i:  # the first save after start-up warms the layout process
                pairs.append((seconds, timed(weasyprint)))
    finally:
        process.terminate()
        process.wait(30)
    return pairs


#: The profile's lines worth reading: briefkit's stages and the engine's big steps.
PROFILED = r"briefkit|weasyprint/(document|__init__|pdf/__init__|images)|pikepdf|fontTools/subset/__init__"


def profile(tmp: Path, lines: int = 24) -> str:
    """Where a rebuild after an edit spends its time: a cProfile of one build in this process,
    the layout included (run here instead of in the layout process), top lines by cumulative time."""
    from briefkit import children
    from briefkit.build import Options, build

    folder = tmp / "profiled"
    shutil.copytree(SAMPLE, folder)
    options = Options(output=tmp / "profiled.pdf")
    build(folder, options)
    edit(folder, 0)
    profiler = cProfile.Profile()
    in_child = children.deadline
    children.deadline = lambda function, limit, idle=None: function()  # the profiler sees one process
    try:
        profiler.enable()
        build(folder, options)
        profiler.disable()
    finally:
        children.deadline = in_child
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(PROFILED, lines)
    noise = re.escape(str(ROOT / ".venv")) + r"\S*/site-packages/|" + re.escape(str(ROOT / "src") + "/")
    text = re.sub(noise, "", out.getvalue())
    return "\n".join(line for line in text.splitlines() if re.match(r"\s+(ncalls|\d)", line))


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


def compiled() -> None:
    """briefkit's modules compiled to bytecode, as pip compiles an installed wheel's and
    WeasyPrint's: an editable install under PYTHONDONTWRITEBYTECODE=1 (set on this project's
    machines) would otherwise compile them from source in every command measured, about
    0.1 s that no installed briefkit spends."""
    import compileall
    import py_compile

    import briefkit

    # By timestamp, as pip does: under SOURCE_DATE_EPOCH compileall would hash every source on import.
    if not compileall.compile_dir(str(Path(briefkit.__file__).parent), quiet=1,
                                  invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP):
        sys.exit("briefkit's modules did not compile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--targets", action="store_true", help="only the targets and the profile")
    arguments = parser.parse_args()
    runs = arguments.runs
    rows: list[tuple[str, float, str]] = []
    compiled()
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        html = tmp / "brief.html"
        # An empty cache of our own: "cold" builds use none, "again" builds reuse the last one.
        os.environ["BRIEFKIT_CACHE_DIR"] = str(tmp / "cache")
        show(targets(tmp, runs))
        print(f"\n{os.cpu_count()} cores; medians of {runs} runs. Where a rebuild after an edit spends "
              f"its time (cProfile, cumulative seconds):\n{profile(tmp)}\n", flush=True)
        if arguments.targets:
            return
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
    show(rows)
    print(f"\n{os.cpu_count()} cores; medians of {runs} runs (long briefs: {max(1, runs // 2)})")


def show(rows: list[tuple[str, float, str]]) -> None:
    width = max(len(name) for name, *_ in rows)
    print(f"{'measure':<{width}}  {'seconds':>8}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<{width}}  {seconds:>8.2f}  {ratio}", flush=True)


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
