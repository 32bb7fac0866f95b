"""Fixtures shared by every test package, and guards checked once per run, before any test:

- the package's runtime copies must be current;
- the pinned spec must be found (by ``generator.source.locate``, the generator's own rule) when a collected test
  needs it;
- ``redis-server`` must be installed when a collected test needs it, unless ``KLAVIYO_SKIP_REDIS_TESTS=1``.

A missing prerequisite stops the run with one message saying what to do, not one error per test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.pin import load_pin
from generator.source import SpecSourceError, locate
from generator.sync import find_drift
from tests.runtime.redis_server import missing_redis

PACKAGE = Path(__file__).resolve().parents[1] / "klaviyo_generated"
SKIP_REDIS_VAR = "KLAVIYO_SKIP_REDIS_TESTS"
_SPEC = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run, once, against runtime copies that are not what overrides/runtime/ says (a run would test
    stale code): the fix is ``python -m generator sync`` (``nox -s tests`` runs it first)."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller has checked
    drift = find_drift(PACKAGE)
    if not drift.clean:
        raise pytest.UsageError(drift.report(PACKAGE))


def _find_spec() -> Path:
    """The pinned spec by the generator's rule ($KLAVIYO_OPENAPI_SPEC, ../shared, cache), never downloaded here."""
    return locate(load_pin(), allow_download=False).path


def _uses(item: pytest.Item, fixture: str) -> bool:
    return fixture in getattr(item, "fixturenames", ())  # test functions have them (the whole closure)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.option.collectonly:
        return
    if any(_uses(item, "pinned_spec_path") for item in items):
        try:
            config.stash[_SPEC] = _find_spec()
        except SpecSourceError as error:
            pytest.exit(
                f"the tests need the pinned Klaviyo OpenAPI spec. {error}", returncode=pytest.ExitCode.USAGE_ERROR
            )
    redis_items = [item for item in items if _uses(item, "redis_server")]
    if not redis_items:
        return
    if os.environ.get(SKIP_REDIS_VAR) == "1":
        skip = pytest.mark.skip(reason=f"{SKIP_REDIS_VAR}=1: the Redis rate-limit tests are opted out")
        for item in redis_items:
            item.add_marker(skip)
    elif (reason := missing_redis()) is not None:
        pytest.exit(
            f"{len(redis_items)} Redis rate-limit tests need a local redis-server, and {reason}. Install it "
            f"(Debian/Ubuntu: `sudo apt-get install redis-server`; .ci/run does), or opt out of those tests "
            f"with {SKIP_REDIS_VAR}=1.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


@pytest.fixture(scope="session")
def pinned_spec_path(pytestconfig: pytest.Config) -> Path:
    """The real pinned spec, found once for the run (see ``pytest_collection_modifyitems``); never a skip."""
    if (found := pytestconfig.stash.get(_SPEC, None)) is not None:
        return found
    try:  # requested without being collected as a dependency (getfixturevalue)
        return _find_spec()
    except SpecSourceError as error:
        pytest.fail(str(error), pytrace=False)
