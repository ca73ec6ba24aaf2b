"""Starter briefs: `briefkit new` copies a commented brief folder that builds at once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .errors import UsageError

STARTER = Path(__file__).parent / "starter"


def create(folder: Path, style: str = "think-tank", today: dt.date | None = None) -> Path:
    """Write the starter files into `folder` (new or empty), titled after the folder's name."""
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{folder}: not empty; `briefkit new` only writes into a new or empty folder")
    today = today or dt.date.today()
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    # capitalise each word's first letter only: "it's done" -> "It's Done", not str.title()'s "It'S Done"
    title = " ".join(word[:1].upper() + word[1:] for word in words) or "New Brief"
    # a JSON string is a YAML double-quoted scalar: any title (a colon, a quote, #) stays one string
    values = {"title": json.dumps(title, ensure_ascii=False), "date": today.isoformat(),
              "year": str(today.year), "style": json.dumps(style, ensure_ascii=False)}
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(STARTER.iterdir()):
        text = source.read_text(encoding="utf-8")
        if source.name == "brief.yaml":
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder
