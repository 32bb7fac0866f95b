"""``AsyncKlaviyo``: the same requests, errors, retries and limits as ``Klaviyo``, awaited."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    APIResponse,
    APIStatusError,
    AsyncKlaviyo,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    RetryPolicy,
    UnprocessableEntityError,
)
from klaviyo_generated._operation import OPERATION_EXTENSION
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.models import ListCreateQuery
from tests.runtime.client_harness import (
    API_KEY,
    NEW_LIST,
    PROFILE_ID,
    Server,
    async_client_kwargs,
    body_of,
    error_body,
)

T = TypeVar("T")
NO_JITTER = RetryPolicy(jitter=0.0)
NEW_LIST_BODY = {"data": {"type": "list", "attributes": {"name": "VIP"}}}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def make(server: Server, **overrides: Any) -> AsyncKlaviyo:
    return AsyncKlaviyo(**async_client_kwargs(server, **overrides))


def test_an_awaited_call_sends_the_same_request_and_returns_the_model() -> None:
    server = Server(200)

    async def main() -> Any:
        async with make(server) as kv:
            return await kv.profiles.get_profile(PROFILE_ID, fields_profile=["email"], revision="2026-04-15")

    profile = run(main())
    assert profile.data.id == PROFILE_ID
    request = server.last
    assert (request.method, request.url.path, request.url.query) == (
        "GET",
        f"/api/profiles/{PROFILE_ID}",
        b"fields%5Bprofile%5D=email",
    )
    assert request.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"
    assert request.headers.get_list("revision") == ["2026-04-15"]
    assert request.extensions["timeout"] == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def test_the_async_context_manager_closes_the_pool() -> None:
    server = Server(200)

    async def main() -> AsyncKlaviyo:
        async with make(server) as kv:
            await kv.profiles.get_profile(PROFILE_ID)
        return kv

    assert run(main())._http.is_closed


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
    ],
)
def test_each_status_raises_its_error_class(status: int, cls: type[APIStatusError]) -> None:
    server = Server(httpx.Response(status, json=error_body(status, "bad_thing", "The thing was bad.")))
    with pytest.raises(APIStatusError) as caught:
        run(make(server, retry=False).profiles.get_profile(PROFILE_ID))
    assert type(caught.value) is cls
    assert str(caught.value) == f"HTTP {status} bad_thing: The thing was bad."


def test_undecodable_success_and_connection_failure_are_typed() -> None:
    with pytest.raises(ResponseDecodeError):
        run(make(Server(httpx.Response(200, content=b"<html>"))).profiles.get_profile(PROFILE_ID))
    server = Server(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        run(make(server, retry=NO_JITTER).profiles.get_profile(PROFILE_ID))
    assert caught.value.attempts == 3
    assert server.sleeps == [0.5, 1.0]


def test_retries_wait_exactly_and_raw_responses_count_attempts() -> None:
    server = Server(503, httpx.Response(429, headers={"Retry-After": "7"}), 200)
    raw = run(make(server, retry=NO_JITTER, rate_limits=False).with_raw_response.profiles.get_profile(PROFILE_ID))
    assert isinstance(raw, APIResponse)
    assert raw.attempts == 3
    assert raw.status_code == 200
    assert server.sleeps == [0.5, 7.0]


def test_a_post_that_may_have_been_applied_is_not_retried_unless_opted_in() -> None:
    body = ListCreateQuery.from_dict(NEW_LIST_BODY)
    server = Server(500)
    with pytest.raises(InternalServerError) as caught:
        run(make(server, retry=NO_JITTER).lists.create_list(body=body))
    assert caught.value.attempts == 1
    server = Server(502, httpx.Response(201, json=NEW_LIST))
    opted_in = RetryPolicy(jitter=0.0, retry_non_idempotent=True)
    created = run(make(server).lists.create_list(body=body, retry=opted_in))
    assert created.data.id == "L1"
    assert [body_of(r) for r in server.requests] == [NEW_LIST_BODY] * 2


def test_client_endpoints_and_public_key_only_clients() -> None:
    server = Server({"data": [], "links": {"self": "x"}})
    kv = AsyncKlaviyo(company_id="AbC123", transport=server.async_transport())
    run(kv.client_side.get_client_geofences())
    assert server.last.url.params["company_id"] == "AbC123"
    assert "Authorization" not in server.last.headers
    with pytest.raises(ConfigurationError, match="get_profile needs a private API key or OAuth"):
        run(kv.profiles.get_profile(PROFILE_ID))
    assert len(server.requests) == 1


def test_raw_request_and_a_callers_async_client() -> None:
    server = Server(200)
    own = httpx.AsyncClient(transport=server.async_transport())

    async def main() -> Any:
        async with AsyncKlaviyo(api_key=API_KEY, http_client=own) as kv:
            return await kv.request("GET", f"/api/profiles/{PROFILE_ID}")

    assert run(main())["data"]["id"] == PROFILE_ID
    assert server.last.extensions[OPERATION_EXTENSION] is OPERATIONS["get_profile"]
    assert server.last.headers["Authorization"] == f"Klaviyo-API-Key {API_KEY}"
    assert not own.is_closed
    with pytest.raises(ConfigurationError, match="path must be a path on base_url"):
        run(make(server).request("GET", "https://elsewhere.example/x"))


def test_50_concurrent_tasks_stay_within_the_operations_tier() -> None:
    # The clock stands still; each task's send time is the clock plus the wait its sleep was given.
    server = Server({"data": [], "links": {"self": "x"}})
    wait: contextvars.ContextVar[float] = contextvars.ContextVar("wait", default=0.0)
    sends: list[float] = []

    async def sleep(seconds: float) -> None:
        wait.set(wait.get() + seconds)

    async def handle(request: httpx.Request) -> httpx.Response:
        sends.append(server.clock.now + wait.get())
        return httpx.Response(200, json={"data": [], "links": {"self": "x"}})

    kv = AsyncKlaviyo(
        company_id="AbC123", transport=httpx.MockTransport(handle), sleep=sleep, clock=server.clock, retry=False
    )

    async def one() -> None:
        await kv.client_side.get_client_geofences()

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(50)))

    run(main())
    assert len(sends) == 50
    times = sorted(sends)
    for limit, period in OPERATIONS["get_client_geofences"].rate_limits:
        busiest = max(sum(1 for s in times if t - period < s <= t) for t in times)
        assert busiest <= limit, (limit, period, busiest)
    assert times[:4] == [1000.0, 1000.0, 1000.0, 1001.0]
