"""``on_request`` and ``on_response``: the exact events per attempt, and what happens when a hook fails."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, ConfigurationError, Klaviyo, RequestEvent
from tests.runtime.client_harness import API_KEY
from tests.runtime.observe_harness import HTTP_LOGGER, Wire, ok, refused


def before(attempt: int, *, operation: str = "get_profile", path: str = "/api/profiles/{id}") -> RequestEvent:
    return RequestEvent(method="GET", path=path, operation=operation, attempt=attempt)


def after(attempt: int, status: int | None, request_id: str | None, error: Exception | None = None) -> RequestEvent:
    return RequestEvent(
        method="GET",
        path="/api/profiles/{id}",
        operation="get_profile",
        attempt=attempt,
        status=status,
        elapsed_ms=pytest.approx(42.0),  # type: ignore[arg-type]
        request_id=request_id,
        error=error,
    )


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, RequestEvent]] = []

    def on_request(self, event: RequestEvent) -> None:
        self.seen.append(("request", event))

    def on_response(self, event: RequestEvent) -> None:
        self.seen.append(("response", event))

    def hooks(self) -> dict[str, Any]:
        return {"on_request": self.on_request, "on_response": self.on_response}


def test_each_attempt_is_announced_before_and_reported_after() -> None:
    rec = Recorder()
    wire = Wire(refused(429, "req-a"), ok("req-b"))
    wire.client(**rec.hooks()).profiles.get_profile("01HPROFILE")
    assert rec.seen == [
        ("request", before(1)),
        ("response", after(1, 429, "req-a")),
        ("request", before(2)),
        ("response", after(2, 200, "req-b")),
    ]


def test_a_connection_error_reaches_on_response_as_the_exception() -> None:
    rec = Recorder()
    refused_connect = httpx.ConnectError("refused")
    wire = Wire(refused_connect)
    with pytest.raises(Exception, match="refused"):
        wire.client(max_retries=0, **rec.hooks()).profiles.get_profile("01HPROFILE")
    assert rec.seen == [("request", before(1)), ("response", after(1, None, None, refused_connect))]


def test_the_event_is_frozen() -> None:
    event = before(1)
    with pytest.raises(AttributeError):
        event.status = 200  # type: ignore[misc]


def test_hooks_with_logging_off_still_run(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=HTTP_LOGGER)
    rec = Recorder()
    Wire(ok("r")).client(**rec.hooks()).profiles.get_profile("01HPROFILE")
    assert [kind for kind, _ in rec.seen] == ["request", "response"]
    assert caplog.records == []


@pytest.mark.parametrize("failing", ["on_request", "on_response"])
def test_a_hook_that_raises_is_logged_and_the_call_goes_on(failing: str, caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: RequestEvent) -> None:
        raise ValueError("metrics backend down")

    wire = Wire(ok("r"))
    profile = wire.client(**{failing: broken}).profiles.get_profile("01HPROFILE")
    assert profile.data.id == "01HPROFILE"
    assert len(wire.requests) == 1  # not retried: a hook's failure is no network fault
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [(r.name, r.getMessage()) for r in warnings] == [(HTTP_LOGGER, f"{failing} hook raised; the call goes on")]
    assert warnings[0].exc_info is not None
    assert isinstance(warnings[0].exc_info[1], ValueError)


def test_a_sync_hook_returning_an_awaitable_is_closed_and_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    async def later(event: RequestEvent) -> None:
        raise AssertionError("never run")

    def sneaky(event: RequestEvent) -> Any:
        return later(event)

    Wire(ok("r")).client(on_response=sneaky).profiles.get_profile("01HPROFILE")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "on_response returned an awaitable: Klaviyo calls hooks synchronously (AsyncKlaviyo awaits them)"
    ]


def test_async_client_awaits_async_hooks_and_calls_plain_ones() -> None:
    seen: list[tuple[str, RequestEvent]] = []

    async def on_request(event: RequestEvent) -> None:
        await asyncio.sleep(0)
        seen.append(("request", event))

    def on_response(event: RequestEvent) -> None:
        seen.append(("response", event))

    wire = Wire(refused(503, "req-a", retry_after="1"), ok("req-b"))

    async def run() -> None:
        async with wire.async_client(on_request=on_request, on_response=on_response) as kv:
            await kv.profiles.get_profile("01HPROFILE")

    asyncio.run(run())
    assert seen == [
        ("request", before(1)),
        ("response", after(1, 503, "req-a")),
        ("request", before(2)),
        ("response", after(2, 200, "req-b")),
    ]


def test_async_hook_that_raises_is_logged_and_the_call_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(event: RequestEvent) -> None:
        raise ValueError("down")

    wire = Wire(ok("r"))

    async def run() -> str:
        async with wire.async_client(on_response=broken) as kv:
            return str((await kv.profiles.get_profile("01HPROFILE")).data.id)

    assert asyncio.run(run()) == "01HPROFILE"
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "on_response hook raised; the call goes on"
    ]


async def _async_hook(event: RequestEvent) -> None:
    pass


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on_request": "print"}, "on_request must be a callable taking a RequestEvent, got str"),
        ({"on_response": 42}, "on_response must be a callable taking a RequestEvent, got int"),
        (
            {"on_response": _async_hook},
            "on_response is an async function: Klaviyo calls hooks synchronously (AsyncKlaviyo awaits)",
        ),
    ],
)
def test_a_hook_the_sync_client_cannot_call_is_refused_at_construction(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Klaviyo(api_key=API_KEY, **kwargs)
    assert str(caught.value) == message


def test_the_async_client_takes_an_async_hook_and_refuses_a_non_callable() -> None:
    AsyncKlaviyo(api_key=API_KEY, on_response=_async_hook)
    with pytest.raises(ConfigurationError, match=r"^on_request must be a callable taking a RequestEvent, got dict$"):
        AsyncKlaviyo(api_key=API_KEY, on_request=cast(Any, {}))


def test_the_client_docstring_describes_the_hook_arguments() -> None:
    import inspect
    import re

    documented = re.findall(r"^        (\w+): ", Klaviyo.__doc__ or "", re.M)
    assert [name for name in inspect.signature(Klaviyo).parameters if name not in documented] == []
    assert {"on_request", "on_response"} <= set(documented)
