"""Time the timeline chart for 10, 100 and 1,000 events; prints a table (target: 1,000 < 1 s).

    python benchmarks/charts.py [--repeat N]

Events are generated as analysts' files look: a sparse history since 1979 and a dense
2021-2026, every precision and importance, four groups. The first column of times includes
importing Matplotlib (once per process, about a second); the others are the chart alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from briefkit import styles
from briefkit.charts import timeline as charts
from briefkit.models import Era, Event, Timeline

WORDS = ("talks envoy border attack delegation ministry agreement visit sanctions trade summit "
         "ceasefire strike recognition embassy pipeline aid wheat ban court treaty Kabul Moscow").split()


def events(count: int, seed: int = 1) -> Timeline:
    rng = random.Random(seed)
    found = []
    for index in range(count):
        recent = rng.random() < 0.7
        start, days = (dt.date(2021, 1, 1), 5 * 365) if recent else (dt.date(1979, 1, 1), 42 * 365)
        day = start + dt.timedelta(days=rng.randrange(days))
        date = rng.choice([day.isoformat(), day.isoformat(), day.isoformat()[:7], str(day.year)])
        found.append(Event(date=date, title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))),
                           group=rng.choice(["Diplomacy", "Security", "Economy", "Conflict"]),
                           importance=rng.choice(["high", "normal", "normal", "low"]), line=index + 1))
    found.sort(key=lambda e: (e.date.start(), e.line))
    return Timeline(tuple(found), (Era(start="1979-12", end="1989-02", title="Soviet-Afghan War"),
                                   Era(start="2021-08", end="2026-01", title="Taliban 2.0 in power")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size (the median is shown)")
    args = parser.parse_args()
    style = styles.find("think-tank")
    draw_args = (style.chart_styles, [f.path for f in style.fonts], style.chart_face, "en")
    heads = ("events", "first s", "median s", "best s", "labels", "panels", "SVG kB")
    print(" ".join(f"{head:>8}" for head in heads))
    for count in (10, 100, 1000):
        timeline = events(count)
        times = []
        for _ in range(args.repeat + 1):
            began = time.perf_counter()
            chart = charts.timeline_svg(timeline, {}, *draw_args)
            times.append(time.perf_counter() - began)
        labels = chart.svg.count("font-weight: 600")  # one semibold date a label
        panels = 2 if "second panel" in chart.alt else 1
        print(f"{count:>8} {times[0]:>8.3f} {statistics.median(times[1:]):>8.3f} {min(times[1:]):>8.3f} "
              f"{labels:>8} {panels:>8} {len(chart.svg.encode()) / 1024:>8.0f}")


if __name__ == "__main__":
    main()
