"""The test command's prerequisites: a missing spec or redis-server stops the run once, saying what to do.

Each case runs pytest in a subprocess on a few real tests that need the prerequisite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC_TESTS = ["tests/runtime/test_fake.py", "tests/runtime/test_jobs.py"]
REDIS_TESTS = "tests/runtime/test_ratelimit_redis.py"


def _pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _environ(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_a_missing_spec_stops_the_run_once_with_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-spec.json"
    done = _pytest(*SPEC_TESTS, env=_environ(KLAVIYO_OPENAPI_SPEC=str(missing), KLAVIYO_SKIP_REDIS_TESTS=None))
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    message = (
        f"the tests need the pinned Klaviyo OpenAPI spec. $KLAVIYO_OPENAPI_SPEC points at {missing}, which "
        "cannot be read: No such file or directory. Point it at the pinned spec (revision 2026-07-15"
    )
    assert output.count(message) == 1, output
    assert output.count(str(missing)) == 1, output
    assert " passed" not in output
    assert " failed" not in output


def test_missing_redis_stops_the_run_once_unless_opted_out(tmp_path: Path) -> None:
    # A PATH holding only this interpreter's directory (the venv's scripts): no redis-server on it.
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("redis-server", path=bin_dir) is not None:
        pytest.fail(f"{bin_dir} holds a redis-server: this test cannot hide it")
    env = _environ(PATH=bin_dir, KLAVIYO_SKIP_REDIS_TESTS=None)
    done = _pytest(REDIS_TESTS, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert output.count("Redis rate-limit tests need a local redis-server, and redis-server is not on PATH.") == 1
    assert "`sudo apt-get install redis-server`" in output
    assert "opt out of those tests with KLAVIYO_SKIP_REDIS_TESTS=1." in output
    assert " passed" not in output

    opted_out = _pytest(REDIS_TESTS, "-rs", env=_environ(PATH=bin_dir, KLAVIYO_SKIP_REDIS_TESTS="1"))
    output = opted_out.stdout + opted_out.stderr
    assert opted_out.returncode == pytest.ExitCode.OK, output
    assert "KLAVIYO_SKIP_REDIS_TESTS=1: the Redis rate-limit tests are opted out" in output
    assert " skipped" in output
