"""Fixtures shared by every test package, and a guard: the package's runtime copies must be current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.source import ENV_VAR
from generator.sync import find_drift

# tests/conftest.py -> parents[2] is the directory holding the repository (and `shared/`).
DEFAULT_PINNED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "klaviyo-openapi" / "stable-2026-07-15.json"
PACKAGE = Path(__file__).resolve().parents[1] / "klaviyo_generated"


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run, once, against runtime copies that are not what overrides/runtime/ says (a run would test
    stale code): the fix is ``python -m generator sync`` (``nox -s tests`` runs it first)."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller has checked
    drift = find_drift(PACKAGE)
    if not drift.clean:
        raise pytest.UsageError(drift.report(PACKAGE))


@pytest.fixture(scope="session")
def pinned_spec_path() -> Path:
    """The real pinned spec: ``$KLAVIYO_OPENAPI_SPEC``, else the shared copy. Missing is a failure, never a skip."""
    configured = os.environ.get(ENV_VAR)
    path = Path(configured) if configured else DEFAULT_PINNED_SPEC
    if not path.is_file():
        where = f"${ENV_VAR}={configured}" if configured else f"the default location (${ENV_VAR} is unset)"
        pytest.fail(f"the pinned Klaviyo OpenAPI spec is required but {path} does not exist ({where})", pytrace=False)
    return path
