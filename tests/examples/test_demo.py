"""`nox -s demo` against the fake, on a virtual clock: every step it reports, exactly."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from klaviyo_generated.testing import VirtualClock

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("klaviyo_demo", DEMO)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_against_the_fake_does_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)
    demo = load_demo()
    clock = VirtualClock()
    summary = demo.run_against_fake(clock=clock, sleep=clock.sleep, bar=False)
    assert (summary.created, summary.imported, summary.import_failures) == (3, 2500, 0)
    assert (summary.paged, summary.pages) == (2503, 26)
    assert summary.retried_attempts == 2  # the injected 429, waited out for its Retry-After
    assert summary.burst_calls == 15
    assert summary.burst_seconds == pytest.approx(1.0)  # create_list's 10/s tier spaces the burst
