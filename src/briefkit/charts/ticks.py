"""The time axis of a chart panel: where its ticks go and what they say, in the brief's
language and digits, within the calendar Matplotlib can draw."""

from __future__ import annotations

import datetime as dt
import functools

from .. import languages
from .layout import Layout, Panel, finest


def ticks(ax, panel: Panel, lay: Layout) -> None:
    """Date ticks: Matplotlib's concise dates, or years only when the dates are years."""
    import matplotlib.dates as mdates

    most = max(4, int(lay.width // 48))
    if finest(panel.events) == "year":
        years = (panel.hi - panel.lo) / 365.25
        locator = mdates.YearLocator(next((s for s in YEAR_STEPS if years / s <= most), YEAR_STEPS[-1]))
        formatter = mdates.DateFormatter("%Y")
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=most)
        formatter = mdates.ConciseDateFormatter(locator, show_offset=False) \
            if lay.language.split("-")[0] == "en" else _month_ticks(lay)
    ax.xaxis.set_major_locator(_calendar_locator(locator, lay, most))
    ax.xaxis.set_major_formatter(_digits(formatter, lay) if lay.native else formatter)


def _month_ticks(lay: Layout):
    """Tick labels in the brief's language, as Matplotlib's concise dates put them (whose month
    names are English): the year on 1 January, the month on the 1st, else day and month."""
    import matplotlib.ticker as mticker
    from babel.dates import format_date

    from ..languages import locale_of

    locale = locale_of(lay.language)

    class Months(mticker.Formatter):
        def __call__(self, x, pos=None):
            return self.format_ticks([x])[0]

        def format_ticks(self, values):
            days, labels = [lay.date(value) for value in values], []
            for index, day in enumerate(days):
                pattern = "y" if (day.month, day.day) == (1, 1) else "LLL" if day.day == 1 else "d MMM"
                if index == 0 and pattern != "y":
                    pattern += " y"
                labels.append(format_date(day, pattern, locale=locale))
            return labels

    return Months()


def _digits(formatter, lay: Layout):
    """The tick labels of `formatter` in the language's own digits (`digits: native`)."""
    import matplotlib.ticker as mticker

    convert = functools.partial(languages.digits, language=lay.language, native=True)

    class Native(mticker.Formatter):
        def set_axis(self, axis):
            super().set_axis(axis)
            formatter.set_axis(axis)

        def __call__(self, x, pos=None):
            return convert(formatter(x, pos))

        def format_ticks(self, values):
            return [convert(text) for text in formatter.format_ticks(values)]

        def get_offset(self):
            return convert(formatter.get_offset())

    return Native()


#: Steps between year ticks, in years.
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)


def _calendar_locator(locator, lay: Layout, most: int):
    """`locator`, kept inside Matplotlib's calendar (years 1 to 9999): its locators round the
    axis ends out to a whole step and fail beyond it, so near those ends whole years are
    ticked here instead."""
    from matplotlib.ticker import Locator

    class Calendar(Locator):
        def __call__(self):
            try:
                return locator()
            except ValueError:
                lo, hi = sorted(self.axis.get_view_interval())
                first, last = lay.date(lo).year, lay.date(hi).year
                step = next((s for s in YEAR_STEPS if (last - first) / s <= most), YEAR_STEPS[-1])
                years = range(-(-first // step) * step, last + 1, step)
                return [lay.num(dt.date(year, 1, 1)) for year in years]

        def set_axis(self, axis):
            super().set_axis(axis)
            locator.set_axis(axis)

    return Calendar()
