"""``kv.with_options(...)``: a client with some settings changed that shares the parent's pool, limiter and auth.

Sharing is proven on the objects themselves (one I/O transport sees both clients' requests; one limiter's
reservations hold back both clients) and by the exact requests sent; every sync test has an async twin.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest

from klaviyo_generated import (
    APIResponse,
    AsyncKlaviyo,
    ConfigurationError,
    InternalServerError,
    Klaviyo,
    OAuth,
    RateLimiter,
    RateLimits,
    RequestEvent,
    RetryPolicy,
)
from klaviyo_generated._ratelimit import Limiter
from klaviyo_generated._transports import AsyncLogTransport, LogTransport
from tests.runtime.client_harness import (
    API_KEY,
    PROFILE,
    PROFILE_ID,
    Server,
    async_client_kwargs,
    client_kwargs,
)

T = TypeVar("T")
OTHER_KEY = "pk_other_account_0123456789"
NO_JITTER = RetryPolicy(jitter=0.0)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class Tier:
    """A limiter table entry: one call per second, so a second call within the second must wait."""

    rate_limits = ((1, 1.0),)


def one_per_second(server: Server) -> RateLimiter:
    return RateLimiter(RateLimits(), clock=server.clock, operations={"get_profile": Tier()})


class Counting(httpx.BaseTransport):
    """The I/O transport: counts what reaches it and whether it was closed."""

    def __init__(self, server: Server) -> None:
        self.server, self.closed = server, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.server.handle(request)

    def close(self) -> None:
        self.closed += 1


class AsyncCounting(httpx.AsyncBaseTransport):
    def __init__(self, server: Server) -> None:
        self.server, self.closed = server, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.server.ahandle(request)

    async def aclose(self) -> None:
        self.closed += 1


def auth_of(request: httpx.Request) -> str:
    return request.headers["Authorization"]


# -- the pool -----------------------------------------------------------------------------------


def test_a_derived_client_sends_through_the_parents_transport_and_closing_it_leaves_the_pool_open() -> None:
    server = Server(PROFILE)
    io = Counting(server)
    kv = Klaviyo(**client_kwargs(server, transport=io))
    fast = kv.with_options(timeout=5)
    assert type(fast) is Klaviyo
    assert fast._pool is kv._pool
    layer = fast._pool.transport  # the log layer over the I/O transport: derived clients share it and its hooks
    assert isinstance(layer, LogTransport)
    assert layer._transport is io

    kv.profiles.get_profile(PROFILE_ID)
    fast.profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 2  # both through the one transport
    assert server.requests[1].extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}

    with fast:
        pass
    assert io.closed == 0
    with pytest.raises(ConfigurationError) as caught:
        fast.profiles.get_profile(PROFILE_ID)
    assert str(caught.value) == "this Klaviyo is closed; build a new client to call again"
    kv.profiles.get_profile(PROFILE_ID)  # the parent is untouched
    assert len(server.requests) == 3

    survivor = kv.with_options(max_retries=0)
    kv.close()
    assert io.closed == 1
    with pytest.raises(ConfigurationError) as caught:
        survivor.profiles.get_profile(PROFILE_ID)
    assert str(caught.value) == (
        "this Klaviyo came from with_options() on a client that is now closed, and with it the connection "
        "pool they share; derive from an open client"
    )
    with pytest.raises(ConfigurationError, match=r"^this Klaviyo is closed; build a new client to call again$"):
        kv.profiles.get_profile(PROFILE_ID)
    assert len(server.requests) == 3  # nothing was sent after the close


def test_async_a_derived_client_sends_through_the_parents_transport_and_closing_it_leaves_the_pool_open() -> None:
    server = Server(PROFILE)
    io = AsyncCounting(server)

    async def main() -> None:
        kv = AsyncKlaviyo(**async_client_kwargs(server, transport=io))
        fast = kv.with_options(timeout=5)
        assert type(fast) is AsyncKlaviyo
        layer = fast._pool.transport
        assert isinstance(layer, AsyncLogTransport)
        assert layer._transport is io
        await kv.profiles.get_profile(PROFILE_ID)
        await fast.profiles.get_profile(PROFILE_ID)
        assert server.requests[1].extensions["timeout"]["read"] == 5.0
        async with fast:
            pass
        assert io.closed == 0
        with pytest.raises(ConfigurationError, match=r"^this AsyncKlaviyo is closed"):
            await fast.profiles.get_profile(PROFILE_ID)
        survivor = kv.with_options()
        await kv.close()
        assert io.closed == 1
        with pytest.raises(ConfigurationError, match=r"^this AsyncKlaviyo came from with_options"):
            await survivor.profiles.get_profile(PROFILE_ID)

    run(main())
    assert len(server.requests) == 2


def test_a_callers_http_client_is_shared_and_never_closed() -> None:
    server = Server(PROFILE)
    own = httpx.Client(transport=server.transport())
    kv = Klaviyo(api_key=API_KEY, http_client=own)
    kv.with_options(headers={"X-Derived": "1"}).profiles.get_profile(PROFILE_ID)
    assert server.last.headers["X-Derived"] == "1"
    kv.close()
    assert not own.is_closed
    own.close()


# -- the rate limiter ---------------------------------------------------------------------------


def test_the_same_account_shares_one_limiter_whose_reservations_hold_back_both_clients() -> None:
    server = Server(PROFILE)
    limiter = one_per_second(server)
    kv = Klaviyo(**client_kwargs(server, rate_limits=limiter))
    same = kv.with_options(timeout=5)
    same_key = kv.with_options(api_key=API_KEY)  # the same key is the same account
    assert same.rate_limiter is limiter
    assert same_key.rate_limiter is limiter

    kv.profiles.get_profile(PROFILE_ID)
    same.profiles.get_profile(PROFILE_ID)  # the parent's call took the second's only slot
    same_key.profiles.get_profile(PROFILE_ID)
    assert server.sleeps == [1.0, 1.0]
    assert server.times == [1000.0, 1001.0, 1002.0]


def test_another_api_key_gets_its_own_limiter_with_the_parents_configuration_and_the_same_pool() -> None:
    server = Server(PROFILE)
    limiter = RateLimiter(RateLimits(max_wait=30.0), clock=server.clock, operations={"get_profile": Tier()})
    kv = Klaviyo(**client_kwargs(server, rate_limits=limiter))
    other = kv.with_options(api_key=OTHER_KEY)
    assert other.rate_limiter is not limiter
    assert other._pool is kv._pool
    assert isinstance(other.rate_limiter, RateLimiter)
    assert other.rate_limiter.limits == RateLimits(max_wait=30.0)

    kv.profiles.get_profile(PROFILE_ID)
    other.profiles.get_profile(PROFILE_ID)  # its own bucket: no wait
    assert server.sleeps == []
    other.profiles.get_profile(PROFILE_ID)  # its own table and clock: its second call waits
    assert server.sleeps == [1.0]
    assert [auth_of(r) for r in server.requests] == [
        f"Klaviyo-API-Key {API_KEY}",
        f"Klaviyo-API-Key {OTHER_KEY}",
        f"Klaviyo-API-Key {OTHER_KEY}",
    ]


def test_two_accounts_in_one_process_each_send_their_own_key_and_company_id() -> None:
    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server, company_id="AbC123"))
    other = kv.with_options(api_key=OTHER_KEY)
    other_public = kv.with_options(api_key=OTHER_KEY, company_id="XyZ789")
    assert (kv.settings.company_id, other.settings.company_id, other_public.settings.company_id) == (
        "AbC123",
        None,  # the first account's public key is not the other account's
        "XyZ789",
    )
    assert kv.with_options(timeout=3).settings.company_id == "AbC123"
    with pytest.raises(ConfigurationError, match="needs company_id"):
        other.client_side.get_client_geofences()
    kv.profiles.get_profile(PROFILE_ID)
    other.profiles.get_profile(PROFILE_ID)
    kv.profiles.get_profile(PROFILE_ID)
    assert [auth_of(r) for r in server.requests] == [
        f"Klaviyo-API-Key {API_KEY}",
        f"Klaviyo-API-Key {OTHER_KEY}",
        f"Klaviyo-API-Key {API_KEY}",
    ]


def test_oauth_for_another_account_and_explicit_rate_limits() -> None:
    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server))
    oauth = OAuth(client_id="c", client_secret="s", refresh_token="r", access_token="tok")
    app = kv.with_options(oauth=oauth)
    assert app.settings.auth is oauth
    assert app.rate_limiter is not kv.rate_limiter
    assert app.with_options(timeout=2).rate_limiter is app.rate_limiter  # the same OAuth: the same account
    app.profiles.get_profile(PROFILE_ID)
    assert auth_of(server.last) == "Bearer tok"

    unlimited = kv.with_options(rate_limits=False)
    assert unlimited.rate_limiter.limits.enabled is False
    assert kv.rate_limiter.limits.enabled is True
    mine = RateLimiter()
    assert kv.with_options(api_key=OTHER_KEY, rate_limits=mine).rate_limiter is mine


def test_another_account_on_a_shared_limiter_that_is_not_in_process_must_name_its_own() -> None:
    class Shared(RateLimiter):
        """A subclass of the in-process limiter: still one process's, so another account gets a sibling."""

    class Redisish:
        """Stands in for a RedisRateLimiter: a Limiter that is not an in-process RateLimiter."""

        limits = RateLimits()

        def __getattr__(self, name: str) -> Any:
            return getattr(RateLimiter(), name)

    limiter: Limiter = Redisish()
    assert isinstance(limiter, Limiter)
    assert not isinstance(limiter, RateLimiter)
    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server, rate_limits=limiter))
    assert kv.with_options(timeout=1).rate_limiter is limiter
    with pytest.raises(ConfigurationError) as caught:
        kv.with_options(api_key=OTHER_KEY)
    assert str(caught.value) == (
        "this client's rate limiter (Redisish) is one account's; for another account pass rate_limits= too, "
        "e.g. rate_limits=RedisRateLimiter(key_prefix='klaviyo:<other account>', ...)"
    )
    sibling = Klaviyo(api_key=API_KEY, rate_limits=Shared()).with_options(api_key=OTHER_KEY).rate_limiter
    assert type(sibling) is RateLimiter


def test_async_the_limiter_is_shared_for_the_same_account_and_not_for_another() -> None:
    server = Server(PROFILE)
    limiter = one_per_second(server)

    async def main() -> None:
        kv = AsyncKlaviyo(**async_client_kwargs(server, rate_limits=limiter))
        same, other = kv.with_options(timeout=5), kv.with_options(api_key=OTHER_KEY)
        assert same.rate_limiter is limiter
        assert other.rate_limiter is not limiter
        await kv.profiles.get_profile(PROFILE_ID)
        await other.profiles.get_profile(PROFILE_ID)
        await same.profiles.get_profile(PROFILE_ID)

    run(main())
    assert server.sleeps == [1.0]
    assert [auth_of(r) for r in server.requests] == [
        f"Klaviyo-API-Key {API_KEY}",
        f"Klaviyo-API-Key {OTHER_KEY}",
        f"Klaviyo-API-Key {API_KEY}",
    ]


# -- settings -----------------------------------------------------------------------------------


def test_headers_merge_over_default_headers_and_revision_is_sent() -> None:
    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server, default_headers={"X-App": "shop", "X-Team": "growth"}))
    derived = kv.with_options(headers={"X-Team": "data", "X-New": "1"}, revision="2025-10-15")
    derived.profiles.get_profile(PROFILE_ID)
    kv.profiles.get_profile(PROFILE_ID)
    derived.profiles.get_profile(PROFILE_ID, revision="2026-01-15")  # the call's own still wins
    sent = [
        (r.headers["X-App"], r.headers["X-Team"], r.headers.get("X-New"), r.headers["revision"])
        for r in server.requests
    ]
    assert sent == [
        ("shop", "data", "1", "2025-10-15"),
        ("shop", "growth", None, kv.revision),
        ("shop", "data", "1", "2026-01-15"),
    ]
    assert derived.revision == "2025-10-15"
    assert kv.settings.headers == {"X-App": "shop", "X-Team": "growth"}


def test_a_retry_override_is_honoured_with_exact_attempts_and_waits() -> None:
    server = Server(500, 500, 500, PROFILE)
    kv = Klaviyo(**client_kwargs(server, retry=NO_JITTER))
    with pytest.raises(InternalServerError) as caught:
        kv.with_options(max_retries=1).profiles.get_profile(PROFILE_ID)
    assert caught.value.attempts == 2
    assert len(server.requests) == 2
    assert server.sleeps == [0.5]
    with pytest.raises(InternalServerError) as caught:
        kv.with_options(retry=False).profiles.get_profile(PROFILE_ID)
    assert caught.value.attempts == 1
    assert len(server.requests) == 3
    assert kv.profiles.get_profile(PROFILE_ID).data.id == PROFILE_ID  # the parent keeps its 4 attempts


def test_async_a_retry_override_and_headers() -> None:
    server = Server(500, PROFILE)

    async def main() -> None:
        kv = AsyncKlaviyo(**async_client_kwargs(server, retry=NO_JITTER))
        with pytest.raises(InternalServerError):
            await kv.with_options(retry=False, headers={"X-A": "1"}).profiles.get_profile(PROFILE_ID)
        await kv.with_options(revision="2025-10-15").profiles.get_profile(PROFILE_ID)

    run(main())
    assert [(r.headers.get("X-A"), r.headers["revision"]) for r in server.requests] == [
        ("1", Klaviyo.pinned_revision),
        (None, "2025-10-15"),
    ]


def test_nothing_given_is_an_equivalent_client_sharing_everything() -> None:
    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server))
    same = kv.with_options()
    assert same is not kv
    assert same.settings == kv.settings
    assert (same._pool, same.rate_limiter, same._sleep, same._clock) == (
        kv._pool,
        kv.rate_limiter,
        kv._sleep,
        kv._clock,
    )
    assert same.profiles is not kv.profiles
    assert same.profiles._client is same


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"api_key": OTHER_KEY, "oauth": OAuth(client_id="c", client_secret="s", refresh_token="r")},
            "pass either api_key= or oauth=, not both",
        ),
        ({"api_key": "Bearer abc"}, "api_key holds an OAuth bearer token"),
        ({"timeout": 0}, "timeout must be finite and greater than 0, got 0"),
        ({"max_retries": -1}, "max_retries must be an int >= 0, got -1"),
        ({"retry": "yes"}, "retry must be a RetryPolicy, True, False or None, got str"),
        ({"revision": "latest"}, "revision must look like '2026-07-15' (optionally '.pre'), got 'latest'"),
        ({"headers": {"X": 1}}, "headers['X'] must be a str without line breaks"),
        ({"headers": {"authorization": "Klaviyo-API-Key pk_x"}}, "set credentials with api_key= or oauth="),
        ({"company_id": "not a key"}, "company_id must be the account's public key"),
    ],
)
def test_invalid_values_are_the_constructors_configuration_errors(options: dict[str, Any], message: str) -> None:
    kv = Klaviyo(api_key=API_KEY, transport=Server().transport())
    with pytest.raises(ConfigurationError) as caught:
        kv.with_options(**options)
    assert str(caught.value).startswith(message)


def test_an_unknown_option_is_pythons_type_error() -> None:
    kv = Klaviyo(api_key=API_KEY, transport=Server().transport())
    with pytest.raises(TypeError, match="unexpected keyword argument 'base_url'"):
        kv.with_options(base_url="https://example.com")  # type: ignore[call-arg]


# -- what runs on a client ----------------------------------------------------------------------


def test_raw_responses_paging_and_workflows_run_on_a_derived_client() -> None:
    page_two = {"data": [PROFILE["data"]], "links": {"self": "x", "next": None}}
    page_one = {
        "data": [PROFILE["data"]],
        "links": {"self": "x", "next": "https://a.klaviyo.com/api/profiles?page%5Bcursor%5D=c2"},
    }
    server = Server(PROFILE, page_one, page_two, PROFILE, {"data": []}, PROFILE)
    derived = Klaviyo(**client_kwargs(server)).with_options(timeout=7, headers={"X-Tenant": "t1"})

    raw = derived.with_raw_response.profiles.get_profile(PROFILE_ID)
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.parsed.data.id == PROFILE_ID
    assert [p.id for p in derived.profiles.iter_profiles()] == [PROFILE_ID, PROFILE_ID]
    derived.workflows.upsert_profile(email="ada@example.com")
    derived.request("GET", "/api/profiles")
    paths = [(r.method, r.url.path, r.headers["X-Tenant"], r.extensions["timeout"]["read"]) for r in server.requests]
    assert paths == [
        ("GET", f"/api/profiles/{PROFILE_ID}", "t1", 7.0),
        ("GET", "/api/profiles", "t1", 7.0),
        ("GET", "/api/profiles", "t1", 7.0),
        ("POST", "/api/profile-import", "t1", 7.0),
        ("GET", "/api/profiles", "t1", 7.0),
    ]
    assert server.requests[2].url.params["page[cursor]"] == "c2"


def test_with_options_is_cheap_and_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = Server(PROFILE)
    kv = Klaviyo(**client_kwargs(server))
    start = time.perf_counter()
    for _ in range(200):
        kv.with_options(timeout=5)
    per_call = (time.perf_counter() - start) / 200
    assert per_call < 0.005  # measured ~0.2 ms: one httpx.Client over the shared pool, no SSL context

    with ThreadPoolExecutor(8) as pool:
        derived = list(pool.map(lambda n: kv.with_options(headers={"X-N": str(n)}), range(32)))
    assert {d._pool for d in derived} == {kv._pool}
    assert {d.rate_limiter for d in derived} == {kv.rate_limiter}
    assert sorted(d.settings.headers["X-N"] for d in derived) == sorted(str(n) for n in range(32))


def test_a_derived_client_calls_the_parents_hooks() -> None:
    server = Server(PROFILE)
    events: list[RequestEvent] = []
    kv = Klaviyo(**client_kwargs(server, transport=Counting(server)), on_response=events.append)
    kv.with_options(timeout=5).profiles.get_profile(PROFILE_ID)
    assert [(e.operation, e.status, e.attempt) for e in events] == [("get_profile", 200, 1)]
