"""Preflight: what can be known of a brief without rendering, and with --layout what the pages say."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .build import Options, prepare
from .errors import BriefError, InputError, Problem
from .overflow import overflow_problems
from .pdf.findings import LostText


@dataclass
class Report:
    """The outcome for one brief folder."""

    folder: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"folder": self.folder, "ok": self.ok, "pages": self.pages, "warnings": self.warnings,
                "problems": [{**asdict(p), "file": str(p.file)} for p in self.problems]}


def check(folder: Path, options: Options | None = None, layout: bool = False) -> Report:
    """Check one brief; problems are collected, never raised."""
    options = options or Options()
    report = Report(str(folder))
    with _warnings(report.warnings):
        try:
            prepared = prepare(folder, options)
            _summary_length(prepared, report)
            _font_stacks(prepared, options, report)
            if layout:
                _layout(prepared, options, report)
            else:  # fill the templates with stand-in charts: template and citation errors show
                from .charts.figures import stand_ins
                from .document import compose

                compose(prepared.material, prepared.body, stand_ins(prepared.body), prepared.style)
        except LostText as error:  # named as the other problems are: inside the folder as given
            report.problems += [Problem(_as_given(folder, Path(p.file)), p.line, p.message)
                                for p in error.problems]
        except InputError as error:
            report.problems += error.problems
        except BriefError as error:
            report.problems.append(Problem(folder, 0, error.message))
    return report


def _font_stacks(prepared, options: Options, report: Report) -> None:
    """Letters no face of the style's body or head stack has: a warning, a problem with --strict."""
    from .fontstack import gaps

    for css, line, message in gaps(prepared.material, prepared.style):
        if options.strict:
            report.problems.append(Problem(css, line, message))
        else:
            report.warnings.append(f"{css}:{line}: {message}")


def _summary_length(prepared, report: Report) -> None:
    limit = prepared.style.settings.get("summary_words")
    summary = prepared.material.brief.summary or ""
    if limit and len(summary.split()) > limit:
        report.problems.append(Problem(prepared.folder / "brief.yaml", 0,
                                       f"summary has {len(summary.split())} words; the style allows {limit}"))


def _layout(prepared, options: Options, report: Report) -> None:
    """Render (nothing is written) and read the pages: budget, notes, headings, lines, alt text."""
    from .charts.figures import draw
    from .typesetting import typeset

    charts = draw(prepared.material, prepared.body, prepared.style, options.cache)
    rendered = typeset(prepared, options, charts)
    report.pages = rendered.pages
    where = prepared.folder / "brief.yaml"
    budget = prepared.material.brief.max_pages or prepared.style.settings.get("max_pages")
    if budget and rendered.pages > budget:
        report.problems.append(Problem(where, 0, f"{rendered.pages} pages; the budget is {budget}"))
    placement = rendered.placement

    def written(number: int) -> tuple[Path, int]:
        """The file and line that made note `number` (brief.yaml when unknown)."""
        name, _, line = (placement.sources.get(number) or "").rpartition(":")
        return (prepared.folder / name, int(line)) if name and line.isdigit() else (where, 0)

    for number in placement.displaced:
        report.problems.append(Problem(*written(number), f"note {number} is on page "
                                       f"{placement.note_pages.get(number, '?')}, its call on page "
                                       f"{placement.call_pages.get(number, '?')}"))
    for number in placement.at_foot:
        path, line = written(number)
        report.warnings.append(f"{path}:{line}: note {number} did not fit in the margin of page "
                               f"{placement.call_pages.get(number, '?')}; printed at the foot of that page")
    chronologies = [block for block in prepared.body.blocks if block.kind == "chronology"]
    for page, index in rendered.findings.lone_rows:
        line = chronologies[index].line if index < len(chronologies) else 0
        report.problems.append(Problem(prepared.material.commentary_file, line,
                                       f"page {page} holds one row of a chronology split over pages"))
    for page, heading in rendered.findings.stranded_headings:
        report.problems.append(Problem(where, 0, f"page {page} ends with the heading {heading!r}"))
    for page, share, why in rendered.findings.blank_bands:
        report.warnings.append(f"{where}:0: page {page} ends {share:.0%} blank: {why}")
    report.problems += overflow_problems(prepared, rendered)
    _foreign_fonts(prepared, rendered.pdf, options, report)
    # The same words were logged as warnings for `build`: here they are problems.
    report.warnings = [w for w in report.warnings if w not in {i.message for i in rendered.findings.overflow}]
    for index, chart in charts.items():
        if not chart.alt.strip():
            line = prepared.body.blocks[index].line
            report.problems.append(Problem(prepared.material.commentary_file, line, "chart has no alt text"))


def _foreign_fonts(prepared, pdf: bytes, options: Options, report: Report) -> None:
    """Letters the pages draw from a font the style does not declare: a warning, a problem with --strict."""
    from .fontstack import strangers

    yaml = prepared.style.chain[0] / "style.yaml"
    for message in strangers(pdf, prepared.style):
        if options.strict:
            report.problems.append(Problem(yaml, 0, message))
        else:
            report.warnings.append(f"{yaml}:0: {message}")


def _as_given(folder: Path, path: Path) -> Path:
    """`path` (absolute, inside the brief folder) as a path under `folder` as the user gave it."""
    try:
        return folder / path.relative_to(folder.resolve())
    except ValueError:
        return path


class _warnings:
    """Collect briefkit's warnings (an uncited source) into the report instead of the console."""

    def __init__(self, into: list[str]):
        self.into = into

    def __enter__(self):
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.into.append(record.getMessage())
        logging.getLogger("briefkit").addHandler(self.handler)

    def __exit__(self, *exc):
        logging.getLogger("briefkit").removeHandler(self.handler)
