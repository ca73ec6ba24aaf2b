"""Templates: the search path (a style's, its parents', the built-ins) and the sandbox they run in."""

from __future__ import annotations

import io
import os
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .errors import StyleError

_BASE = "base/"
#: Names a template may not reach through any object, beyond the sandbox's own rule (no name
#: that starts with "_"): the ways out to the interpreter, the system and its files.
FORBIDDEN = frozenset({"os", "sys", "subprocess", "builtins", "importlib", "globals", "locals", "open",
                       "eval", "exec", "compile", "mro", "func_globals", "f_globals", "f_locals",
                       "gi_frame", "gi_code", "cr_frame", "ag_frame", "tb_frame", "environment",
                       "loader", "read_text", "read_bytes", "write_text", "write_bytes", "unlink"})
#: Objects whose attributes a template may not touch at all: modules, classes, files and paths.
_CLOSED = (types.ModuleType, type, io.IOBase, os.PathLike)


class ChainLoader(jinja2.BaseLoader):
    """`NAME` is the first file of that name down the chain of folders, so a style overrides one
    template and inherits the rest. Inside a template, `base/NAME` is the next `NAME` below the
    folder that template came from: a child of policy-memo extends policy-memo's cover, which
    may in turn extend the built-in one. Asked for directly, `base/NAME` is the built-in."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.loaders = [jinja2.FileSystemLoader(str(folder), followlinks=False) for folder in folders]

    def get_source(self, environment, template):
        return self._find(environment, template)[1]

    def level(self, environment, template: str) -> int:
        """The index of the folder `template` is read from."""
        return self._find(environment, template)[0]

    def _find(self, environment, template: str):
        start, name = _split(template, len(self.loaders) - 1)
        for index in range(start, len(self.loaders)):
            path = self.folders[index] / name
            # A template that is a link to a file outside its folder would let a style read any file.
            if path.is_file() and not path.resolve().is_relative_to(self.folders[index].resolve()):
                raise StyleError(f"{path}: a template must be a file inside {self.folders[index]}, "
                                 "not a link out of it")
            try:
                return index, self.loaders[index].get_source(environment, name)
            except jinja2.TemplateNotFound:
                continue
            except UnicodeDecodeError as error:
                raise StyleError(f"{path}: not UTF-8 text ({error.reason}); save it as UTF-8") from None
        if start:
            raise jinja2.TemplateNotFound(template, f"base/{name} not found: no style below "
                                                    f"{self.folders[start - 1]} has {name}")
        raise jinja2.TemplateNotFound(template, f"{name} not found in {', '.join(map(str, self.folders))}")


class _Environment(ImmutableSandboxedEnvironment):
    """Every template, built-in or a contributor's, runs sandboxed: it reads the values and calls
    the filters and functions briefkit hands it, and nothing reaches Python, the system or files."""

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        return (attr not in FORBIDDEN and not isinstance(obj, _CLOSED) and not isinstance(value, _CLOSED)
                and super().is_safe_attribute(obj, attr, value))

    def is_safe_callable(self, obj) -> bool:
        # Calling a class is how `namespace()` and `dict()` work; a module, a file or a path,
        # or a method of one, is never called.
        closed = (types.ModuleType, io.IOBase, os.PathLike)
        return (not isinstance(obj, closed) and not isinstance(getattr(obj, "__self__", None), closed)
                and getattr(obj, "__name__", None) not in FORBIDDEN and super().is_safe_callable(obj))

    #: `"x" * 10**9` would fill the memory before any time limit: products and powers are capped.
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > 64 \
                or operator == "*" and any(isinstance(a, (str, list, tuple)) for a in (left, right)) \
                and any(isinstance(b, int) and b > 100_000 for b in (left, right)):
            raise SecurityError(f"template computes {left!r:.20} {operator} {right!r:.20}, "
                                "larger than a page needs")
        return super().call_binop(context, operator, left, right)

    def unsafe_undefined(self, obj, attribute: str):
        raise SecurityError(refusal(attribute))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        if not __self.is_safe_callable(__obj):
            raise SecurityError(refusal(getattr(__obj, "__name__", type(__obj).__name__)))
        return super().call(__context, __obj, *args, **kwargs)

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


def refusal(name: str) -> str:
    return (f"template uses {name!r}, which templates may not "
            "(docs/house-styles.md, 'What a template may use')")


def check_blocks(env: jinja2.Environment) -> None:
    """A style's template that extends another and fills a block the other does not have would
    be dropped by Jinja without a word: name the template, the line and the blocks there are.
    A template reaching for what the sandbox refuses is named here too, before any rendering,
    so `check` says what `build` would."""
    from jinja2 import nodes

    loader = env.loader
    for index, folder in enumerate(loader.folders[:-1]):  # the styles' templates, not the built-ins
        for path in sorted(folder.rglob("*.j2")):
            name = path.relative_to(folder).as_posix()
            with reported():
                source = loader.get_source(env, f"@{index}/{name}")[0]
                tree = env.parse(source, name, str(path))
            _check_names(tree, path)
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


def _check_names(tree, path: Path) -> None:
    """Attributes and items a template names that the sandbox would refuse when rendering."""
    from jinja2 import nodes

    refused: dict[str, int] = {}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            continue
        if name.startswith("_") or name in FORBIDDEN:
            refused[name] = min(node.lineno, refused.get(name, node.lineno))
    if refused:  # outermost first as found: name them as written, innermost first
        names = list(reversed(refused))
        raise StyleError(f"{path}:{min(refused.values())}: {refusal(names[0])}"
                         + (f" (also {', '.join(map(repr, names[1:]))})" if names[1:] else ""))


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


def sandboxed_env(folders: list[Path], **options) -> jinja2.Environment:
    """A sandboxed environment over `folders`, first match wins; autoescaped, undefined names fail."""
    compiled = _COMPILED.setdefault(repr(sorted(options.items())), _Compiled())
    env = _Environment(loader=ChainLoader(folders), autoescape=True, undefined=jinja2.StrictUndefined,
                       bytecode_cache=compiled, **options)
    del env.globals["lipsum"]  # the rest: range, dict, cycler, joiner, namespace (and i18n's `_`)
    return env


@contextmanager
def reported() -> Iterator[None]:
    """A template's mistake (syntax, an undefined name, a template not found) as a StyleError
    naming the template file and line, where Jinja would raise from deep inside itself."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        raise StyleError(f"{error.filename or error.name}:{error.lineno}: {error.message}") from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError,
            RecursionError) as error:
        # Jinja's own errors, and Python's from a template's expression ({{ 1/0 }}, range(10**9)).
        frames = [tb for tb in _frames(error.__traceback__) if tb.tb_frame.f_code.co_filename.endswith(".j2")]
        if not frames and not isinstance(error, jinja2.TemplateError):
            raise  # not a template's doing: a bug of briefkit's, reported as such
        where = f"{frames[-1].tb_frame.f_code.co_filename}:{frames[-1].tb_lineno}" if frames else "template"
        if isinstance(error, jinja2.TemplateNotFound):
            what = f"template {error.message}"
        elif isinstance(error, jinja2.TemplateError):
            what = error.message
        else:
            what = f"{type(error).__name__}: {error}"
        raise StyleError(f"{where}: {what}") from None


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates, kept for the life of the process: a build fills its templates two or
    three times (chronology rows given notes of their own), watch at every save, each in a new
    environment that would compile every template again. One per set of options, which change
    the code Jinja writes; a template is known by its name and file, and a changed source
    fails its checksum and is compiled anew."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED: dict[str, _Compiled] = {}
