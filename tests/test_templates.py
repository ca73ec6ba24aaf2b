"""Templates and styles at the HTML stage (no layout): golden pages, the template search path."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from support import ROOT, SAMPLE, html_of, run

from briefkit import styles

GOLDEN = ROOT / "tests" / "golden"
#: What each built-in style's own templates read from brief.yaml (its `brief_keys`).
EXTRA = {"policy-memo": "to: National Security Council staff\n",
         "article": "previously_published: First published on meridian.example.\n"}


@pytest.fixture
def brief(tmp_path):
    folder = tmp_path / "brief"
    shutil.copytree(SAMPLE, folder)
    return folder


def _portable(html: str) -> str:
    """File URIs differ between machines (checkout, virtualenv): keep only the file's name."""
    return re.sub(r"file://[^\"')\s]*/", "file:///.../", html)


@pytest.mark.parametrize("name", ["think-tank", "policy-memo", "article"])
def test_each_built_in_style_fills_its_templates_as_recorded(brief, name):
    """The whole page a style makes of the sample, against a recorded copy: any change to a
    template, a style's CSS, escaping or citations shows here as a diff. After an intended
    change, record again with BRIEFKIT_GOLDEN=update and read the diff before committing."""
    text = (brief / "brief.yaml").read_text().replace("style: think-tank", f"style: {name}")
    (brief / "brief.yaml").write_text(text + EXTRA.get(name, ""))
    html = _portable(html_of(brief))
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("BRIEFKIT_GOLDEN") == "update":
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), f"{name}: the page changed; see the docstring"


def write_style(root, name, style_yaml, templates):
    folder = root / name
    for template, text in templates.items():
        (folder / "templates" / template).parent.mkdir(parents=True, exist_ok=True)
        (folder / "templates" / template).write_text(text)
    (folder / "style.yaml").write_text(style_yaml)
    return folder


def test_base_reaches_the_parent_styles_template_then_the_built_in(brief):
    """A child of policy-memo extends policy-memo's memo head (not the built-in cover), and a
    grandchild reaches the child's: `base/` is one step down the chain from where it is written."""
    write_style(brief / "styles", "memo-child", "extends: policy-memo\n",
                {"partials/cover.html.j2": '<p class="confidential">Confidential</p>\n'
                                           '{% include "base/partials/cover.html.j2" %}\n'})
    write_style(brief / "styles", "memo-grandchild", "extends: memo-child\n",
                {"partials/cover.html.j2": '{% extends "base/partials/cover.html.j2" %}\n'})
    for name in ("memo-child", "memo-grandchild"):
        html = html_of(brief, style=name)
        assert '<p class="confidential">Confidential</p>' in html, name
        assert 'class="cover memo-head"' in html and html.count('class="cover') == 1, name


def test_asked_from_outside_a_template_base_is_the_built_in():
    from briefkit.document import environment

    env = environment(styles.find("policy-memo"))
    source = env.loader.get_source(env, "base/partials/cover.html.j2")[1]
    assert source == str(styles.BUILTIN_TEMPLATES / "partials" / "cover.html.j2")
    assert env.loader.get_source(env, "partials/cover.html.j2")[1].startswith(
        str(styles.BUILTIN_STYLES / "policy-memo"))


def test_base_below_the_built_ins_is_an_error_naming_the_template(brief, runner):
    write_style(brief / "styles", "deep", "extends: think-tank\n",
                {"partials/cover.html.j2": '{% extends "base/partials/nothing.html.j2" %}\n'})
    result = run(runner, "check", str(brief), "--style", "deep")
    assert result.exit_code == 1, result.output
    assert "styles/deep/templates/partials/cover.html.j2:1: template base/partials/nothing.html.j2 " \
        "not found" in result.output
    assert "unexpected error" not in result.output
