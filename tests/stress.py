"""Briefs built to provoke WeasyPrint into moving a footnote off the page of its call."""

from __future__ import annotations

import random

WORDS = ("policy security region border treaty envoy ministry talks council sanctions trade "
         "corridor pipeline recognition embassy delegation doctrine withdrawal ceasefire "
         "summit agreement counter-terrorism analysis capital frontier").split()


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def commentary(seed: int, paragraphs: int = 40, note_words: tuple[int, int] = (25, 90)) -> str:
    """Paragraphs of varied length whose calls fall near page ends, each with long notes."""
    rng = random.Random(seed)
    out, number = [], 0
    for index in range(paragraphs):
        if index % 7 == 0:
            out.append(f"## Section {index // 7 + 1}\n")
        parts = []
        for _ in range(rng.randint(2, 9)):
            parts.append(sentence(rng, rng.randint(8, 30)))
            if rng.random() < 0.45:
                number += 1
                parts[-1] += f"[^n{number}]"
        out.append(" ".join(parts) + "\n")
        for n in range(number - sum(p.count("[^") for p in parts) + 1, number + 1):
            out.append(f"[^n{n}]: " + " ".join(sentence(rng, rng.randint(*note_words) // 3)
                                                  for _ in range(3)) + "\n")
    return "\n".join(out)


BRIEF = """title: Stress test {seed}
date: 2026-01-01
authors:
  - name: Test Desk
"""


def write(folder, seed: int, **kwargs) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.yaml").write_text(BRIEF.format(seed=seed))
    (folder / "commentary.md").write_text(commentary(seed, **kwargs))
