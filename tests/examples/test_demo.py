"""`nox -s demo` against the fake, on a virtual clock: every step it reports, exactly."""

from __future__ import annotations

import importlib.util
import logging
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


def test_the_demo_logs_each_real_wait_once_and_no_zero_wait(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KLAVIYO_API_KEY", raising=False)
    demo = load_demo()
    clock = VirtualClock()
    with caplog.at_level(logging.INFO, logger="klaviyo_generated"):
        demo.run_against_fake(clock=clock, sleep=clock.sleep, bar=True)
    # The per-attempt lines (klaviyo_generated.http, one per request) are tested in tests/runtime/test_logging.py.
    assert [r.getMessage() for r in caplog.records if r.name == "klaviyo_generated"] == [
        "Rate limit: pausing get_profiles for 1.000s after HTTP 429",
        "Retrying GET /api/profiles in 1.000s after HTTP 429 (attempt 1/3 failed)",
        "Rate limit: delaying create_list by 1.000s",
    ]
    assert "0.000s" not in caplog.text
    # The import's bar (tqdm draws on stderr): never 100 % while saying "processing"; it ends complete.
    frames = [f.strip() for f in capsys.readouterr().err.split("\r") if f.strip()]
    assert frames
    assert all(f.startswith("Importing") for f in frames)
    assert not [f for f in frames if "100%" in f and "processing" in f]
    assert frames[-1].startswith("Importing: 100%")
    assert frames[-1].endswith("complete]")


def test_the_demo_with_a_key_makes_only_read_only_calls(
    monkeypatch: pytest.MonkeyPatch, pinned_spec_path: Path
) -> None:
    # No network here: answer the three reads with bodies built from the spec's own schemas.
    import httpx

    from klaviyo_generated import Klaviyo
    from klaviyo_generated._operations import OPERATIONS
    from klaviyo_generated.testing._validation import load
    from tests.contract.examples import Examples

    _, spec = load(pinned_spec_path)
    examples = Examples(spec, full=True)
    answers = {}
    for name in ("get_accounts", "get_profiles", "get_lists"):
        op = OPERATIONS[name]
        schema = spec["paths"][op.path]["get"]["responses"]["200"]["content"]["application/vnd.api+json"]["schema"]
        answers[op.path] = examples.value(schema)
    seen: list[tuple[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        return httpx.Response(200, json=answers[request.url.path])

    demo = load_demo()

    class Offline(Klaviyo):
        def __init__(self, api_key: str) -> None:
            super().__init__(api_key=api_key, transport=httpx.MockTransport(handle))

    monkeypatch.setattr(demo, "Klaviyo", Offline)
    lines = demo.run_against_klaviyo("pk_" + "r" * 32)
    assert seen == [("GET", "/api/accounts"), ("GET", "/api/profiles"), ("GET", "/api/lists")]
    assert lines[0].startswith("account:")
    assert "HTTP 200" in lines[1]
