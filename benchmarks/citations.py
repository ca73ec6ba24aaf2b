"""Benchmark: formatting a 200-note brief's citations in CSL note and author-date styles, and the templates.

Run from the repository root:  python benchmarks/citations.py [--runs 5] [--notes 200]
The brief is made from the CSL test corpus (tests/fixtures/csl-corpus): its citations in
order, repeated (with changed locators, prefixes, suppressed authors and narrative cites) up to
--notes. What is timed is what the build spends on citations: every call given its note
number and form, the processor's one run, the texts put in the page (document._number_notes).
Reading the brief and laying out pages are not timed. The target (issue 25) is under 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "csl-corpus"
STYLES = ("chicago-notes-bibliography", "apa", "chicago-author-date", "chicago-note", "author-date")
TARGET = 0.5


def _cite(cite: dict, round_: int) -> str:
    locator = cite.get("locator") or str(10 + round_)
    label = {"chapter": "chap."}.get(cite.get("label", "page"), "pp." if "-" in locator else "p.")
    return f"@{cite['id']}, {label} {locator}"


def commentary(notes: int) -> str:
    """`notes` citations drawn from the corpus sequence, one paragraph each, in Pandoc's syntax."""
    sequence = yaml.safe_load((CORPUS / "sequence.yaml").read_text(encoding="utf-8"))
    paragraphs = []
    while len(paragraphs) < notes:
        round_ = len(paragraphs) // len(sequence)
        group = sequence[len(paragraphs) % len(sequence)]
        cites = "; ".join(_cite(cite, round_) for cite in group)
        n = len(paragraphs)
        if n % 10 == 3:
            paragraphs.append(f"Claim {n}.[see {cites}, for details]")
        elif n % 10 == 7 and len(group) == 1:
            paragraphs.append(f"As @{group[0]['id']} [p. {n}] shows, claim {n} holds.")
        elif n % 10 == 9:
            paragraphs.append(f"Claim {n}.[-{cites}]")
        else:
            paragraphs.append(f"Claim {n}.[{cites}]")
    return "\n\n".join(paragraphs) + "\n"


def brief(folder: Path, style: str, notes: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(
        f"title: Citation Benchmark\ndate: 2026-02-01\nlanguage: en-US\ncitation_format: {style}\n"
        "authors:\n  - name: Bench Desk\n", encoding="utf-8")
    (folder / "commentary.md").write_text(commentary(notes), encoding="utf-8")
    shutil.copy(CORPUS / "sources.yaml", folder / "sources.yaml")
    return folder


def format_once(prepared) -> tuple[float, int]:
    """Seconds to format every citation of the brief, and the number of citations."""
    from briefkit import citations, document, translations
    from briefkit.commentary import cite_marker

    material, body, style = prepared.material, prepared.body, prepared.style
    env = document.brief_env(style, material.brief.language)
    words = translations.words(material.brief.language, style.settings["labels"])
    page = str(body.html)
    started = time.perf_counter()
    citer = citations.citer(material, style, env, words.gettext("and"), False, warn=False)
    out = document._number_notes(page, list(body.cites), citer)
    elapsed = time.perf_counter() - started
    assert "\ue000" not in out and cite_marker(0, "note") not in out  # every citation was formatted
    return elapsed, len(body.cites)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notes", type=int, default=200)
    args = parser.parse_args()
    from briefkit.build import Options, prepare

    print(f"{'citation_format':<30} {'citations':>9} {'median s':>9} {'min s':>7}  target < {TARGET} s")
    slow = False
    with tempfile.TemporaryDirectory(prefix="briefkit-bench-") as tmp:
        for style in STYLES:
            prepared = prepare(brief(Path(tmp) / style, style, args.notes), Options())
            format_once(prepared)  # warm: imports, the style's schema check, Pandoc's first start
            times, count = [], 0
            for _ in range(args.runs):
                seconds, count = format_once(prepared)
                times.append(seconds)
            median = statistics.median(times)
            slow |= median >= TARGET
            print(f"{style:<30} {count:>9} {median:>9.3f} {min(times):>7.3f}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
