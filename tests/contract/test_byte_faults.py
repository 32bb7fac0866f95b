"""Faults at the byte level, through a real socket: what the client does when the wire misbehaves.

``test_fault_matrix`` injects faults above httpx; here ``ByteServer`` writes exact bytes on
127.0.0.1, so the client's own HTTP stack meets a body cut short of its ``Content-Length``, a chunk
that never ends, a reset, a body that lies about its encoding, a 10,000-deep JSON document, and
a ``Retry-After`` too long to wait for. Each case asserts the exact outcome: success after the
expected attempts, or the exact typed error with its attributes, and how many requests arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import httpx
import pytest

from klaviyo_generated import (
    APIConnectionError,
    AsyncKlaviyo,
    InternalServerError,
    Klaviyo,
    KlaviyoError,
    RateLimitError,
    ResponseDecodeError,
)
from klaviyo_generated.models import ListCreateQuery
from tests.contract.byte_server import ByteServer, Reply, Then, answer, chunked, cut_after_body_bytes
from tests.runtime.client_harness import API_KEY, NEW_LIST, PROFILE, PROFILE_ID, Clock, error_body

E = TypeVar("E", bound=KlaviyoError)
Flavour = Literal["sync", "async"]
Operation = Literal["get_profile", "create_list", "request"]
FLAVOURS: list[Flavour] = ["sync", "async"]

JSON_API = {"Content-Type": "application/vnd.api+json", "X-Request-Id": "req-1"}
# Padded with JSON whitespace to 1000 bytes, so that 200 of them are plainly a cut.
PROFILE_BYTES = json.dumps(PROFILE).encode().ljust(1000)
NEW_LIST_BYTES = json.dumps(NEW_LIST).encode().ljust(1000)
DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"data":' * 10_000 + b"null" + b"}" * 10_000


class Sleeps:
    """The client's sleep: records each wait and moves the fake clock instead of blocking."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _sync_call(kv: Klaviyo, operation: Operation) -> Any:
    if operation == "get_profile":
        return kv.with_raw_response.profiles.get_profile(PROFILE_ID)
    if operation == "create_list":
        body = ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})
        return kv.with_raw_response.lists.create_list(body=body)
    return kv.request("GET", "/api/profiles/x")


async def _async_call(kv: AsyncKlaviyo, operation: Operation) -> Any:
    if operation == "get_profile":
        return await kv.with_raw_response.profiles.get_profile(PROFILE_ID)
    if operation == "create_list":
        body = ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})
        return await kv.with_raw_response.lists.create_list(body=body)
    return await kv.request("GET", "/api/profiles/x")


def plain_transport() -> httpx.HTTPTransport:
    """The client's default network transport minus the CA bundle, whose loading (~0.1 s a client)
    would dominate this module's run time; the server is plain HTTP on loopback, so it is unused."""
    return httpx.HTTPTransport(verify=False)


def plain_async_transport() -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(verify=False)


def perform(flavour: Flavour, operation: Operation, server: ByteServer, sleeps: Sleeps, **overrides: Any) -> Any:
    """One call through a fresh client pointed at ``server`` (closed afterwards, so no socket leaks).

    Generated operations return the ``APIResponse`` (for ``.attempts``); ``request`` the decoded JSON.
    """
    # A short timeout bounds any case where the client and the script disagree about the bytes.
    kwargs: dict[str, Any] = {"api_key": API_KEY, "base_url": server.base_url, "allow_http": True, "timeout": 5.0}
    kwargs.update(clock=sleeps.clock, rate_limits=False, **overrides)
    if flavour == "sync":
        with Klaviyo(sleep=sleeps.sleep, transport=plain_transport(), **kwargs) as kv:
            return _sync_call(kv, operation)

    async def main() -> Any:
        async with AsyncKlaviyo(sleep=sleeps.asleep, transport=plain_async_transport(), **kwargs) as kv:
            return await _async_call(kv, operation)

    return asyncio.run(main())


def expect(cls: type[E], thunk: Callable[[], object]) -> E:
    """The error ``thunk`` raises, which must be exactly ``cls`` (a subclass or sibling is a failure)."""
    with pytest.raises(KlaviyoError) as caught:
        thunk()
    error = caught.value
    assert type(error) is cls, f"expected {cls.__name__}, got {type(error).__name__}: {error}"
    assert isinstance(error, cls)
    return error


def test_the_byte_server_keeps_the_connection_alive_and_records_each_request() -> None:
    # Guards the harness itself: two calls share one keep-alive connection and arrive intact.
    sleeps = Sleeps()
    with (
        ByteServer(Reply(answer(200, PROFILE_BYTES, JSON_API)), Reply(answer(201, NEW_LIST_BYTES, JSON_API))) as server,
        Klaviyo(
            api_key=API_KEY, base_url=server.base_url, allow_http=True, rate_limits=False, sleep=sleeps.sleep
        ) as kv,
    ):
        kv.profiles.get_profile(PROFILE_ID, fields_profile=["email"])
        body = ListCreateQuery.from_dict({"data": {"type": "list", "attributes": {"name": "VIP"}}})
        kv.lists.create_list(body=body)
    first, second = server.received
    assert (first.method, first.target) == ("GET", f"/api/profiles/{PROFILE_ID}?fields%5Bprofile%5D=email")
    assert first.header("Authorization") == f"Klaviyo-API-Key {API_KEY}"
    assert (second.method, second.target) == ("POST", "/api/lists")
    assert json.loads(second.body) == {"data": {"type": "list", "attributes": {"name": "VIP"}}}
    assert server.connections == 1


# --- a. a GET whose body is cut is sent again ---------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("then", ["close", "reset"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_get_whose_body_is_cut_is_sent_again(framing: str, then: Then, flavour: Flavour) -> None:
    # chunked(size=300) cut after 200 bytes stops inside the first chunk's data.
    full = (
        answer(200, PROFILE_BYTES, JSON_API)
        if framing == "content-length"
        else chunked(200, PROFILE_BYTES, JSON_API, size=300)
    )
    sleeps = Sleeps()
    with ByteServer(Reply(cut_after_body_bytes(full, 200), then), Reply(full)) as server:
        response = perform(flavour, "get_profile", server, sleeps)
    assert response.parsed.data.id == PROFILE_ID
    assert response.attempts == 2
    assert len(server.received) == 2


# --- b. a POST whose body is cut is never sent again --------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("then", ["close", "reset"])
def test_a_post_whose_body_is_cut_is_not_sent_again(then: Then, flavour: Flavour) -> None:
    # The server may have created the list before the answer was lost: a second POST could make two.
    full = answer(201, NEW_LIST_BYTES, JSON_API)
    sleeps = Sleeps()
    with ByteServer(Reply(cut_after_body_bytes(full, 200), then), Reply(full)) as server:
        error = expect(APIConnectionError, lambda: perform(flavour, "create_list", server, sleeps))
    assert error.attempts == 1
    assert len(server.received) == 1
    assert sleeps.waits == []


# --- c. a body that lies about its encoding -----------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_2xx_body_that_is_not_the_gzip_it_claims_is_a_decode_error(flavour: Flavour) -> None:
    headers = {**JSON_API, "Content-Encoding": "gzip"}
    sleeps = Sleeps()
    with ByteServer(Reply(answer(200, PROFILE_BYTES, headers))) as server:
        error = expect(ResponseDecodeError, lambda: perform(flavour, "get_profile", server, sleeps))
    assert error.status_code == 200
    assert error.attempts == 1
    # Read by name: today only the status errors carry request_id; the decode error must too.
    assert getattr(error, "request_id", None) == "req-1"
    assert len(server.received) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_5xx_body_that_is_not_the_gzip_it_claims_is_still_the_status_error(flavour: Flavour) -> None:
    raw = json.dumps(error_body(500, "boom")).encode()
    headers = {**JSON_API, "Content-Encoding": "gzip"}
    sleeps = Sleeps()
    with ByteServer(Reply(answer(500, raw, headers))) as server:
        error = expect(InternalServerError, lambda: perform(flavour, "get_profile", server, sleeps))
    assert error.status_code == 500
    assert error.attempts == 3
    assert raw.decode() in error.body_text
    assert error.request_id == "req-1"
    assert len(server.received) == 3


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("operation", ["get_profile", "request"])
@pytest.mark.parametrize("charset", ["rot13", "no-such-charset", "utf-32"])
def test_a_bogus_charset_on_a_2xx_raises_nothing_but_the_package_errors(
    charset: str, operation: Operation, flavour: Flavour
) -> None:
    # JSON is bytes (RFC 8259 section 8.1), so the charset may be ignored; it must never crash the client.
    headers = {"Content-Type": f"application/json; charset={charset}", "X-Request-Id": "req-1"}
    sleeps = Sleeps()
    with ByteServer(Reply(answer(200, PROFILE_BYTES, headers))) as server, contextlib.suppress(KlaviyoError):
        perform(flavour, operation, server, sleeps)
    assert len(server.received) == 1


# --- d. JSON nested 10,000 deep --------------------------------------------------------------


@pytest.mark.parametrize(
    ("flavour", "operation"),
    [("sync", "get_profile"), ("sync", "request"), ("async", "get_profile"), ("async", "request")],
)
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_a_2xx_body_nested_10000_deep_is_a_decode_error(body: bytes, flavour: Flavour, operation: Operation) -> None:
    sleeps = Sleeps()
    with ByteServer(Reply(answer(200, body, JSON_API))) as server:
        error = expect(ResponseDecodeError, lambda: perform(flavour, operation, server, sleeps))
    assert error.status_code == 200
    assert error.attempts == 1
    assert len(server.received) == 1


# --- e. a Retry-After longer than the client will wait ----------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "3600"},
        {"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "3600"},
        {"Retry-After": "45"},  # over RetryPolicy.retry_after_cap (30 s)
    ],
    ids=["retry-after-3600", "ratelimit-reset-3600", "retry-after-45"],
)
def test_a_429_asking_for_longer_than_the_cap_fails_at_once(headers: dict[str, str], flavour: Flavour) -> None:
    # Waiting 30 s and asking again when the server said an hour only earns another 429; the caller
    # gets the error now, with the server's wait, and decides.
    wanted = float(next(v for k, v in headers.items() if k in ("Retry-After", "RateLimit-Reset")))
    sleeps = Sleeps()
    raw = json.dumps(error_body(429, "throttled")).encode()
    with ByteServer(
        Reply(answer(429, raw, {**JSON_API, **headers})), Reply(answer(200, PROFILE_BYTES, JSON_API))
    ) as server:
        error = expect(RateLimitError, lambda: perform(flavour, "get_profile", server, sleeps))
    assert error.retry_after == wanted
    assert error.attempts == 1
    assert error.status_code == 429
    assert len(server.received) == 1
    assert sleeps.waits == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_429_asking_for_a_short_wait_is_waited_out(flavour: Flavour) -> None:
    raw = json.dumps(error_body(429, "throttled")).encode()
    sleeps = Sleeps()
    script = (Reply(answer(429, raw, {**JSON_API, "Retry-After": "2"})), Reply(answer(200, PROFILE_BYTES, JSON_API)))
    with ByteServer(*script) as server:
        response = perform(flavour, "get_profile", server, sleeps)
    assert response.attempts == 2
    assert sleeps.waits == [2.0]
    assert len(server.received) == 2


# --- f. nobody listening -----------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_refused_connection_names_the_address(flavour: Flavour) -> None:
    # A port that was free a moment ago: bound, then released, so nothing listens on it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    sleeps = Sleeps()
    kwargs: dict[str, Any] = {"api_key": API_KEY, "base_url": f"http://127.0.0.1:{port}", "allow_http": True}
    kwargs.update(retry=False, rate_limits=False, clock=sleeps.clock, timeout=5.0)

    def call() -> object:
        if flavour == "sync":
            with Klaviyo(sleep=sleeps.sleep, transport=plain_transport(), **kwargs) as kv:
                return kv.profiles.get_profile(PROFILE_ID)

        async def main() -> object:
            async with AsyncKlaviyo(sleep=sleeps.asleep, transport=plain_async_transport(), **kwargs) as kv:
                return await kv.profiles.get_profile(PROFILE_ID)

        return asyncio.run(main())

    error = expect(APIConnectionError, call)
    assert f"127.0.0.1:{port}" in str(error)
    assert error.attempts == 1
