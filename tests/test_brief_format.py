"""docs/brief-format.md is the contract users read: its examples load, and it names every key."""

from __future__ import annotations

import re

import yaml
from support import ROOT

from briefkit.build import Options, prepare
from briefkit.models import Author, Brief, Era, Event

DOC = (ROOT / "docs" / "brief-format.md").read_text(encoding="utf-8")
BRIEF, EVENTS, SOURCES = re.findall(r"```yaml\n(.*?)```", DOC, re.S)
#: Block options, from the table in the commentary section.
OPTIONS = [name for cell in re.findall(r"^  \| (`[^|]+`) \|", DOC, re.M)
           for name in re.findall(r"`([a-z]+)`", cell) if name != "option"]


def test_every_example_loads_as_one_brief(tmp_path):
    (tmp_path / "brief.yaml").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "events.yaml").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    values = {"from": "1979", "to": "2026", "groups": "[Diplomacy]", "caption": "The period",
              "alt": "A chart", "zoom": "auto"}
    timeline = "".join(f"{key}: {values[key]}\n" for key in OPTIONS)
    chronology = "".join(f"{key}: {values[key]}\n" for key in OPTIONS if key != "zoom")
    (tmp_path / "commentary.md").write_text(
        f"A claim.[@reuters-2025-04-17] A note.[^a]\n\n[^a]: Its text.\n\n"
        f"```timeline\n{timeline}```\n\n```chronology\n{chronology}```\n", encoding="utf-8")
    prepared = prepare(tmp_path, Options())
    assert prepared.material.brief.title == "The Taliban-Russia Re-Connect"
    assert [event.title for event in prepared.material.timeline.events] == \
        ["Russia recognises the Taliban government"]
    assert [block.kind for block in prepared.body.blocks] == ["timeline", "chronology"]


def test_the_examples_name_every_key_of_the_models():
    brief = yaml.safe_load(BRIEF)
    assert set(brief) == set(Brief.model_fields) - {"extra"}
    assert set(brief["authors"][0]) == set(Author.model_fields)
    events = yaml.safe_load(EVENTS)
    assert set(events["events"][0]) == set(Event.model_fields) - {"line"}
    assert set(events["eras"][0]) == set(Era.model_fields)
    assert OPTIONS == ["from", "to", "groups", "caption", "alt", "zoom"]
