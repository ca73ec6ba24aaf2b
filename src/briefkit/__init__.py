"""briefkit: structured events and commentary in, footnoted PDF issue briefs out."""

import logging
import os
from contextlib import contextmanager

__version__ = "0.1.0"

#: The package's one logger. Levels: DEBUG for stage timings and decisions,
#: INFO for what a build produced, WARNING for input that is suspicious but
#: usable (an uncited source), ERROR is never logged: errors are raised.
logger = logging.getLogger("briefkit")
logger.addHandler(logging.NullHandler())


@contextmanager
def temporary_env_var(name: str, value: str | None):
    """The environment variable `name` set to `value` (None: left as it is), then restored:
    for libraries that read settings from the environment only (fontTools, style lookup)."""
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
