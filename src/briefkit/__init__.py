"""briefkit: structured events and commentary in, footnoted PDF issue briefs out."""

import logging

__version__ = "0.1.0"

#: The package's one logger. Levels: DEBUG for stage timings and decisions,
#: INFO for what a build produced, WARNING for input that is suspicious but
#: usable (an uncited source), ERROR is never logged: errors are raised.
logger = logging.getLogger("briefkit")
logger.addHandler(logging.NullHandler())
