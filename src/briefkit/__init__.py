"""briefkit: structured events and commentary in, footnoted PDF issue briefs out."""

import importlib
import logging
import os
import sys
import types
from contextlib import contextmanager

__version__ = "0.1.0"
#: The public API: `briefkit.build(folder, briefkit.Options(output=...))`; loaded on first use,
#: so `import briefkit` (and `briefkit --help`) loads neither WeasyPrint nor Matplotlib.
__all__ = ["build", "Options", "BriefError"]
_LAZY = {"Options": "build", "BriefError": "errors"}

#: The package's one logger. Levels: DEBUG for stage timings and decisions,
#: INFO for what a build produced, WARNING for input that is suspicious but
#: usable (an uncited source), ERROR is never logged: errors are raised.
logger = logging.getLogger("briefkit")
logger.addHandler(logging.NullHandler())


@contextmanager
def temporary_env_var(name: str, value: str | None):
    """The environment variable `name` set to `value` (None: left as it is), then restored:
    for libraries that read settings from the environment only (fontTools' timestamps)."""
    previous = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """`briefkit.build` is the build function, although a module of that name is in the package:
    importing briefkit.build would otherwise make the attribute the module (the import system
    sets it on the package), and `briefkit.build(...)` would then fail. The module stays
    `sys.modules["briefkit.build"]`, reached by `from briefkit.build import ...`."""

    @property
    def build(self):
        from .build import build

        return build

    @build.setter
    def build(self, module) -> None:
        pass  # the import system recording the submodule: briefkit.build stays the function


sys.modules[__name__].__class__ = _Package
