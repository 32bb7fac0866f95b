"""One time budget per call: the retry layer's waits and the rate limiter's together stay within
``RetryPolicy.total_timeout``, and a server wait beyond ``retry_after_cap`` fails the call at once
(with the server's value) instead of holding this caller, or every caller, for longer."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from klaviyo_generated import (
    AsyncKlaviyo,
    Klaviyo,
    RateLimitError,
    RateLimitWaitExceeded,
    RateLimitWaitExceededError,
    RetryPolicy,
)
from tests.runtime.client_harness import PROFILE, PROFILE_ID, Server, async_client_kwargs, client_kwargs, error_body

OPERATION = "get_profile"
POLICY = RetryPolicy(jitter=0.0)  # 3 attempts, 60 s in all, Retry-After honoured up to 30 s


def throttled(**headers: str) -> httpx.Response:
    return httpx.Response(
        429, json=error_body(429, "throttled"), headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


def client(server: Server, **overrides: Any) -> Klaviyo:
    return Klaviyo(**client_kwargs(server, **{"retry": POLICY, **overrides}))


@pytest.mark.parametrize(
    ("headers", "server_wait"),
    [({"Retry_After": "3600"}, 3600.0), ({"Retry_After": "45"}, 45.0), ({"RateLimit_Reset": "50"}, 50.0)],
)
def test_a_server_wait_beyond_the_cap_fails_at_once_with_the_server_s_value(
    headers: dict[str, str], server_wait: float
) -> None:
    server = Server(throttled(**headers), 200)
    with client(server) as kv, pytest.raises(RateLimitError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert (error.status_code, error.retry_after, error.attempts) == (429, server_wait, 1)
    assert (len(server.requests), server.sleeps) == (1, [])
    assert str(error) == "HTTP 429 throttled: Something was wrong."


def test_the_limiter_pauses_other_calls_no_longer_than_the_cap() -> None:
    server = Server(throttled(Retry_After="3600"), 200)
    with client(server) as kv:
        with pytest.raises(RateLimitError):
            kv.profiles.get_profile(PROFILE_ID)
        assert kv.rate_limiter.paused_for(OPERATION) == 30.0
        # The next call waits out the (capped) pause, is sent, and succeeds; it is not failed unsent for an hour.
        assert kv.profiles.get_profile(PROFILE_ID).data.id == PROFILE_ID
    assert (server.sleeps, len(server.requests), server.times) == ([30.0], 2, [1000.0, 1030.0])


def test_a_server_wait_within_the_cap_is_waited_once_by_both_layers() -> None:
    # The retry layer waits the 20 s; the limiter's pause of the same 20 s has passed by then.
    server = Server(throttled(Retry_After="20"), throttled(Retry_After="20"), 200)
    with client(server) as kv:
        raw = kv.with_raw_response.profiles.get_profile(PROFILE_ID)
    assert (raw.attempts, server.sleeps, server.times) == (3, [20.0, 20.0], [1000.0, 1020.0, 1040.0])


def test_waits_that_would_overrun_the_budget_end_the_call_with_the_last_answer() -> None:
    server = Server(throttled(Retry_After="25"))
    with client(server, retry=RetryPolicy(jitter=0.0, max_attempts=5)) as kv, pytest.raises(RateLimitError) as caught:
        kv.profiles.get_profile(PROFILE_ID)
    # 0 s, 25 s, 50 s: a third wait of 25 s would end at 75 s, past the 60 s budget.
    assert (caught.value.attempts, server.sleeps) == (3, [25.0, 25.0])
    assert sum(server.sleeps) <= 60.0


def test_the_limiter_holds_a_call_no_longer_than_its_budget() -> None:
    server = Server(200)
    with client(server, retry=RetryPolicy(total_timeout=10.0)) as kv:
        kv.rate_limiter.pause(OPERATION, 25.0)  # another client sharing the limiter got a 429
        with pytest.raises(RateLimitWaitExceededError) as caught:
            kv.profiles.get_profile(PROFILE_ID)
    error = caught.value
    assert isinstance(error, RateLimitWaitExceeded)  # the old name still catches it
    assert (error.operation, error.wait, error.max_wait, error.retry_after, error.attempts) == (
        OPERATION,
        25.0,
        10.0,
        25.0,
        0,
    )
    assert str(error) == (
        "rate limit: get_profile would have to wait 25.000s for a free slot, more than the 10s it may wait (not sent)"
    )
    assert (server.requests, server.sleeps) == ([], [])


def test_a_pause_that_arrives_between_attempts_is_bounded_by_what_is_left() -> None:
    server = Server()
    with client(server, retry=RetryPolicy(jitter=0.0, total_timeout=10.0)) as kv:

        def handle(request: httpx.Request) -> httpx.Response:
            server.requests.append(request)
            kv.rate_limiter.pause(OPERATION, 20.0)  # meanwhile, another worker was told to back off
            return httpx.Response(503, json=error_body(503))

        kv._http._transport._transport._transport = httpx.MockTransport(handle)  # type: ignore[attr-defined]
        with pytest.raises(RateLimitWaitExceededError) as caught:
            kv.profiles.get_profile(PROFILE_ID)
    # Attempt 1 at 0 s (503), backoff 0.5 s; attempt 2 would wait 19.5 s with 9.5 s left: not sent.
    assert (caught.value.wait, caught.value.max_wait, caught.value.attempts) == (19.5, 9.5, 1)
    assert str(caught.value).endswith("more than the 9.5s it may wait (1 request sent before)")
    assert (len(server.requests), server.sleeps) == (1, [0.5])


def test_each_attempt_s_timeouts_fit_in_what_is_left_of_the_budget() -> None:
    server = Server(503, 503, 200)
    seen: list[dict[str, float]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return server.handle(request)

    kwargs = client_kwargs(
        server, retry=RetryPolicy(jitter=0.0, total_timeout=5.0), timeout=httpx.Timeout(30, connect=2)
    )
    kwargs["transport"] = httpx.MockTransport(handle)
    with Klaviyo(**kwargs) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    assert seen == [
        {"connect": 2.0, "read": 5.0, "write": 5.0, "pool": 5.0},
        {"connect": 2.0, "read": 4.5, "write": 4.5, "pool": 4.5},
        {"connect": 2.0, "read": 3.5, "write": 3.5, "pool": 3.5},
    ]


def test_without_a_total_timeout_the_timeouts_are_the_client_s() -> None:
    server = Server(503, 200)
    seen: list[dict[str, float]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return server.handle(request)

    kwargs = client_kwargs(server, retry=RetryPolicy(jitter=0.0, total_timeout=None), timeout=30)
    kwargs["transport"] = httpx.MockTransport(handle)
    with Klaviyo(**kwargs) as kv:
        kv.profiles.get_profile(PROFILE_ID)
    assert seen == [{"connect": 30.0, "read": 30.0, "write": 30.0, "pool": 30.0}] * 2


def test_async_a_server_wait_beyond_the_cap_fails_at_once_and_the_pause_is_capped() -> None:
    server = Server(throttled(Retry_After="3600"), PROFILE)

    async def main() -> float:
        async with AsyncKlaviyo(**async_client_kwargs(server, retry=POLICY)) as kv:
            with pytest.raises(RateLimitError) as caught:
                await kv.profiles.get_profile(PROFILE_ID)
            assert (caught.value.retry_after, caught.value.attempts) == (3600.0, 1)
            paused = kv.rate_limiter.paused_for(OPERATION)
            await kv.profiles.get_profile(PROFILE_ID)
            return paused

    assert asyncio.run(main()) == 30.0
    assert (server.sleeps, len(server.requests)) == ([30.0], 2)


def test_async_the_limiter_holds_a_call_no_longer_than_its_budget() -> None:
    server = Server(200)

    async def main() -> None:
        async with AsyncKlaviyo(**async_client_kwargs(server, retry=RetryPolicy(total_timeout=10.0))) as kv:
            kv.rate_limiter.pause(OPERATION, 25.0)
            with pytest.raises(RateLimitWaitExceededError) as caught:
                await kv.profiles.get_profile(PROFILE_ID)
            assert (caught.value.wait, caught.value.max_wait, caught.value.attempts) == (25.0, 10.0, 0)

    asyncio.run(main())
    assert server.requests == []
