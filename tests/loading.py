"""Load a Python file that is not in a package (``.ci/bootstrap_pip.py``, mkdocs hooks) as a module."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def module_from_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
