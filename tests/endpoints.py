"""Generated endpoint modules by operation name, for tests that go through every operation.

The runtime never looks a module up by name (resources import theirs, a job's submit module imports
the operations around it); tests that parametrize over ``OPERATIONS`` need to.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from klaviyo_generated._operations import OPERATIONS


def endpoint(name: str) -> ModuleType:
    """``klaviyo_generated.api.<tag>.<name>``."""
    return importlib.import_module(f"klaviyo_generated.api.{OPERATIONS[name].tag}.{name}")
