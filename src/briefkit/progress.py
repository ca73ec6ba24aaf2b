"""Console output for batch builds: a progress bar while they run, a summary table after."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


@contextmanager
def batch_progress(total: int):
    """Yield a callback for each finished build; print the summary table at the end."""
    console = Console(stderr=True)
    outcomes = []
    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("briefs", total=total)

        def advance(outcome) -> None:
            outcomes.append(outcome)
            progress.advance(task)

        yield advance
    counts = {status: sum(outcome.status == status for outcome in outcomes)
              for status in ("built", "skipped", "failed", "not built")}
    title = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    table = Table(title=f"{title} of {total} briefs")
    for column in ("brief", "result", "pages", "seconds"):
        table.add_column(column)
    outcomes.sort(key=lambda o: str(o.folder))
    for outcome in outcomes:
        if outcome.status == "failed":
            result = "[red]failed[/red]"
        elif outcome.status == "not built":  # a lost cluster's: the line after the table says why
            result = "[yellow]not built[/yellow]"
        else:
            result = outcome.pdf.name + (" (up to date)" if outcome.skipped else "")
        table.add_row(str(outcome.folder), result, str(outcome.pages or ""), f"{outcome.seconds:.1f}")
    out = Console()
    out.print(table)
    for outcome in outcomes:  # in full, unwrapped: messages name file:line to copy
        if outcome.status == "failed":
            out.print(f"{outcome.folder}: {outcome.error}", soft_wrap=True, markup=False, highlight=False)
