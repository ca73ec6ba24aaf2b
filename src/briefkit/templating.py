"""The template search path: a style's templates, its parents', then the built-ins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2

from .errors import StyleError

_BASE = "base/"


class ChainLoader(jinja2.BaseLoader):
    """`NAME` is the first file of that name down the chain of folders, so a style overrides one
    template and inherits the rest. Inside a template, `base/NAME` is the next `NAME` below the
    folder that template came from: a child of policy-memo extends policy-memo's cover, which
    may in turn extend the built-in one. Asked for directly, `base/NAME` is the built-in."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.loaders = [jinja2.FileSystemLoader(str(folder)) for folder in folders]

    def get_source(self, environment, template):
        return self._find(environment, template)[1]

    def level(self, environment, template: str) -> int:
        """The index of the folder `template` is read from."""
        return self._find(environment, template)[0]

    def _find(self, environment, template: str):
        start, name = _split(template, len(self.loaders) - 1)
        for index in range(start, len(self.loaders)):
            try:
                return index, self.loaders[index].get_source(environment, name)
            except jinja2.TemplateNotFound:
                continue
        if start:
            raise jinja2.TemplateNotFound(template, f"base/{name} not found: no style below "
                                                    f"{self.folders[start - 1]} has {name}")
        raise jinja2.TemplateNotFound(template, f"{name} not found in {', '.join(map(str, self.folders))}")


class _Environment(jinja2.Environment):
    def join_path(self, template: str, parent: str) -> str:
        """`base/NAME` asked by `parent` becomes `@N/NAME`: NAME from folder N on, N being
        the folder after `parent`'s (Jinja caches templates by name, so each level has its own)."""
        if template.startswith(_BASE):
            return f"@{self.loader.level(self, parent) + 1}/{template[len(_BASE):]}"
        return template


def _split(template: str, builtin: int) -> tuple[int, str]:
    if template.startswith("@") and "/" in template:
        level, name = template[1:].split("/", 1)
        if level.isdigit():
            return int(level), name
    if template.startswith(_BASE):
        return builtin, template[len(_BASE):]
    return 0, template


def check_blocks(env: jinja2.Environment) -> None:
    """A style's template that extends another and fills a block the other does not have would
    be dropped by Jinja without a word: name the template, the line and the blocks there are."""
    from jinja2 import nodes

    loader = env.loader
    for index, folder in enumerate(loader.folders[:-1]):  # the styles' templates, not the built-ins
        for path in sorted(folder.rglob("*.j2")):
            name = path.relative_to(folder).as_posix()
            with reported():
                tree = env.parse(path.read_text(encoding="utf-8"), name, str(path))
            parent = next(tree.find_all(nodes.Extends), None)
            if parent is None or not isinstance(parent.template, nodes.Const):
                continue
            try:
                known = _blocks(env, env.join_path(parent.template.value, f"@{index}/{name}"))
            except jinja2.TemplateNotFound as error:
                raise StyleError(f"{path}:{parent.lineno}: template {error.message}") from None
            for block in tree.find_all(nodes.Block):
                if block.name not in known:
                    raise StyleError(f"{path}:{block.lineno}: block {block.name!r} is not in "
                                     f"{parent.template.value}; its blocks: {', '.join(sorted(known))}")


def _blocks(env: jinja2.Environment, name: str) -> set[str]:
    """The blocks a template and the templates it extends define."""
    from jinja2 import nodes

    source, filename, _ = env.loader.get_source(env, name)
    tree = env.parse(source, name, filename)
    found = {block.name for block in tree.find_all(nodes.Block)}
    parent = next(tree.find_all(nodes.Extends), None)
    if parent is not None and isinstance(parent.template, nodes.Const):
        found |= _blocks(env, env.join_path(parent.template.value, name))
    return found


def environment(folders: list[Path], **options) -> jinja2.Environment:
    """An environment over `folders`, first match wins; autoescaped, undefined names fail."""
    return _Environment(loader=ChainLoader(folders), autoescape=True, undefined=jinja2.StrictUndefined,
                        **options)


@contextmanager
def reported() -> Iterator[None]:
    """A template's mistake (syntax, an undefined name, a template not found) as a StyleError
    naming the template file and line, where Jinja would raise from deep inside itself."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        raise StyleError(f"{error.filename or error.name}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        frames = [tb for tb in _frames(error.__traceback__) if tb.tb_frame.f_code.co_filename.endswith(".j2")]
        where = f"{frames[-1].tb_frame.f_code.co_filename}:{frames[-1].tb_lineno}" if frames else "template"
        what = f"template {error.message}" if isinstance(error, jinja2.TemplateNotFound) else error.message
        raise StyleError(f"{where}: {what}") from None


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next
