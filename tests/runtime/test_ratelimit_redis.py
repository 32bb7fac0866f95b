"""``RedisRateLimiter`` against a real ``redis-server`` that this test session starts on 127.0.0.1.

Exact schedules run on a virtual clock (passed to Redis as "now"), and a property test replays
random sequences against the in-process ``RateLimiter``, which must agree wait for wait. The
contention tests use the wall clock and short windows: processes and tasks sleep out their waits
as real clients do, and every reserved send time is checked against every window.

Without redis-server (or the redis package) the run stops before any test with one message saying how
to install it (tests/conftest.py), unless ``KLAVIYO_SKIP_REDIS_TESTS=1`` opts these tests out.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import multiprocessing
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klaviyo_generated import (
    AsyncKlaviyo,
    ConfigurationError,
    Klaviyo,
    Limiter,
    RateLimiter,
    RateLimits,
    RateLimitWaitExceeded,
    RateLimitWaitExceededError,
    RedisRateLimiter,
)
from klaviyo_generated._ratelimit import coerce_limiter
from klaviyo_generated._transports import AsyncRateLimitTransport, RateLimitTransport
from tests.runtime.redis_server import RedisServer, free_port, missing_redis, reserve_worker

START = 100.0
SLOW = "create_tag"  # 3/s, 60/m in the generated table
OP = "op"
URL = "https://a.klaviyo.com/api/tags"
UNBOUNDED = RateLimits(max_wait=math.inf)


def table(*tiers: tuple[int, float]) -> dict[str, Any]:
    return {OP: SimpleNamespace(rate_limits=tiers)}


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    reason = missing_redis()
    if reason is not None:  # tests/conftest.py stops the run first; this covers a fixture requested late
        pytest.fail(f"the Redis rate-limit tests need redis-server: {reason}")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def store(redis_server: RedisServer) -> Iterator[Any]:
    client = redis_server.client()
    yield client
    client.close()


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex}"  # every test has buckets of its own on the shared server


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def limiter_on(server: RedisServer, prefix: str, clock: Clock | None, **kwargs: Any) -> RedisRateLimiter:
    return RedisRateLimiter(url=server.url, key_prefix=prefix, clock=clock, **kwargs)


def assert_within(sends_us: Sequence[int], tiers: Sequence[tuple[int, float]]) -> None:
    """No more than ``limit`` sends in any window ``(t - period, t]`` (integer microseconds)."""
    times = sorted(sends_us)
    for limit, period in tiers:
        period_us = round(period * 1_000_000)
        for i, t in enumerate(times):
            in_window = sum(1 for s in times[: i + 1] if s > t - period_us)
            assert in_window <= limit, f"{in_window} sends in ({t - period_us}, {t}] > {limit} per {period}s"


# --- the schedule, on a virtual clock ---------------------------------------------------------


def test_burst_on_a_3_per_second_tier(redis_server: RedisServer, prefix: str, store: Any) -> None:
    clock = Clock()
    limiter = limiter_on(redis_server, prefix, clock, limits=UNBOUNDED)
    assert [limiter.acquire(SLOW) for _ in range(7)] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]
    clock.now += 1.5  # the 7th call's slot is START + 2, and the 8th cannot go before it
    assert limiter.acquire(SLOW) == 0.5
    # The state is in Redis: the last 3 reservations of the 1 s window, all 8 of the minute's.
    assert store.lrange(f"{prefix}:{{{SLOW}}}:1s", 0, -1) == [b"101000000", b"102000000", b"102000000"]
    assert len(store.lrange(f"{prefix}:{{{SLOW}}}:60s", 0, -1)) == 8
    limiter.close()


def test_limiter_is_accepted_where_a_rate_limiter_is(redis_server: RedisServer, prefix: str) -> None:
    limiter = limiter_on(redis_server, prefix, Clock())
    assert isinstance(limiter, Limiter)
    assert coerce_limiter(limiter) is limiter
    assert Klaviyo(api_key="pk_test", rate_limits=limiter).rate_limiter is limiter
    assert AsyncKlaviyo(api_key="pk_test", rate_limits=limiter).rate_limiter is limiter


def test_one_prefix_is_shared_and_another_is_not(redis_server: RedisServer, prefix: str) -> None:
    clock = Clock()
    a, b = (limiter_on(redis_server, prefix, clock, limits=UNBOUNDED) for _ in range(2))
    other = limiter_on(redis_server, prefix + ":other-account", clock, limits=UNBOUNDED)
    assert [a.acquire(SLOW), b.acquire(SLOW), a.acquire(SLOW)] == [0.0, 0.0, 0.0]
    assert b.acquire(SLOW) == 1.0  # the 4th call of the second, across both instances
    assert other.acquire(SLOW) == 0.0


def test_max_wait_raises_and_records_nothing(redis_server: RedisServer, prefix: str, store: Any) -> None:
    clock = Clock()
    limiter = limiter_on(redis_server, prefix, clock, limits=RateLimits(max_wait=1.0))
    assert [limiter.acquire(SLOW) for _ in range(6)] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]  # 1.0 == max_wait: allowed
    with pytest.raises(RateLimitWaitExceeded) as caught:
        limiter.acquire(SLOW)
    assert (caught.value.operation, caught.value.wait, caught.value.max_wait) == (SLOW, 2.0, 1.0)
    assert store.llen(f"{prefix}:{{{SLOW}}}:60s") == 6
    clock.now += 1.0
    assert limiter.acquire(SLOW) == 1.0  # the refused call took no slot


def test_keys_expire_with_their_window(redis_server: RedisServer, prefix: str, store: Any) -> None:
    limiter = limiter_on(redis_server, prefix, Clock(), limits=UNBOUNDED)
    for _ in range(4):
        limiter.acquire(SLOW)  # the last one waits 1 s
    limiter.pause(SLOW, 30.0)
    margin = 60_000  # ms; keys outlive their window by this much
    ttl = {name: store.pttl(f"{prefix}:{{{SLOW}}}:{name}") for name in ("1s", "60s", "paused")}
    assert 1_000 + 1_000 + margin - 1_000 < ttl["1s"] <= 1_000 + 1_000 + margin  # wait + period + margin
    assert 1_000 + 60_000 + margin - 1_000 < ttl["60s"] <= 1_000 + 60_000 + margin
    assert 30_000 + margin - 1_000 < ttl["paused"] <= 30_000 + margin


def test_disabled_and_unknown_operations_never_reach_redis(redis_server: RedisServer, prefix: str, store: Any) -> None:
    off = limiter_on(redis_server, prefix, Clock(), limits=RateLimits.disabled())
    on = limiter_on(redis_server, prefix, Clock())
    assert [off.acquire(SLOW) for _ in range(5)] == [0.0] * 5
    assert [on.acquire(None), on.acquire("not_an_operation")] == [0.0, 0.0]
    assert not off.is_limited(SLOW)
    assert not on.is_limited("not_an_operation")
    assert on.is_limited(SLOW)
    assert store.keys(f"{prefix}:*") == []


def test_redis_clock_is_used_without_an_injected_clock(redis_server: RedisServer, prefix: str) -> None:
    limiter = RedisRateLimiter(url=redis_server.url, key_prefix=prefix, operations=table((2, 0.3)))
    waits = [limiter.acquire(OP) for _ in range(3)]
    assert waits[:2] == [0.0, 0.0]
    assert 0.2 < waits[2] <= 0.3  # the first slot frees 0.3 s after it was taken, by Redis's clock
    limiter.pause(OP, 1.0)
    assert 0.9 < limiter.paused_for(OP) <= 1.0


# Steps: (milliseconds to advance the clock, operation, pause seconds or None to acquire).
STEPS = st.lists(
    st.tuples(st.integers(0, 700), st.sampled_from([OP, "other"]), st.none() | st.sampled_from([0.5, 2.0])),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(steps=STEPS)
def test_same_schedule_as_the_in_process_limiter(redis_server: RedisServer, steps: list[Any]) -> None:
    operations = {
        OP: SimpleNamespace(rate_limits=((3, 1.0), (5, 3.0))),
        "other": SimpleNamespace(rate_limits=((1, 0.25),)),
    }
    limits = RateLimits(max_wait=2.5)
    clock = Clock()
    local = RateLimiter(limits, clock=clock, operations=operations)
    shared = limiter_on(redis_server, f"prop:{uuid.uuid4().hex}", clock, limits=limits, operations=operations)
    for advance_ms, operation, pause in steps:
        clock.now += advance_ms / 1000
        if pause is not None:
            local.pause(operation, pause)
            shared.pause(operation, pause)
            assert shared.paused_for(operation) == pytest.approx(local.paused_for(operation), abs=1e-6)
            continue
        try:
            expected: float | str = local.acquire(operation)
        except RateLimitWaitExceeded as error:
            expected = f"exceeded {error.wait:.6f}"
        try:
            got: float | str = shared.acquire(operation)
        except RateLimitWaitExceeded as error:
            got = f"exceeded {error.wait:.6f}"
        assert got == (pytest.approx(expected, abs=1e-6) if isinstance(expected, float) else expected)
    shared.close()


def test_async_twins_follow_the_same_schedule(redis_server: RedisServer, prefix: str) -> None:
    clock = Clock()
    limiter = limiter_on(redis_server, prefix, clock, limits=UNBOUNDED)

    async def main() -> tuple[list[float], float]:
        waits = [await limiter.aacquire(SLOW) for _ in range(7)]
        await limiter.apause(SLOW, 5.0)
        paused = await limiter.apaused_for(SLOW)
        await limiter.aclose()
        return waits, paused

    assert asyncio.run(main()) == ([0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0], 5.0)
    assert limiter.acquire(SLOW) == 5.0  # the sync side sees the async side's pause
    assert asyncio.run(main())[0][0] == 5.0  # and a second event loop gets a pool of its own


# --- a 429 pauses every worker ------------------------------------------------------------------


def test_429_seen_by_one_worker_pauses_all(redis_server: RedisServer, prefix: str) -> None:
    clock = Clock()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    one, two = (limiter_on(redis_server, prefix, clock) for _ in range(2))
    refusing = httpx.MockTransport(lambda request: httpx.Response(429, headers={"Retry-After": "5"}))
    ok = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=RateLimitTransport(refusing, limits=one, sleep=sleep)) as client:
        assert client.get(URL, extensions={"klaviyo_operation": SLOW}).status_code == 429
    clock.now += 2.0
    assert two.paused_for(SLOW) == 3.0
    with httpx.Client(transport=RateLimitTransport(ok, limits=two, sleep=sleep)) as client:
        client.get(URL, extensions={"klaviyo_operation": SLOW})
    assert sleeps == [3.0]  # the other worker waited out the rest of the pause

    async def refused_async() -> None:
        async with httpx.AsyncClient(transport=AsyncRateLimitTransport(refusing, limits=two)) as client:
            assert (await client.get(URL, extensions={"klaviyo_operation": "get_tags"})).status_code == 429
        await two.aclose()

    asyncio.run(refused_async())
    assert one.paused_for("get_tags") == 5.0
    assert one.paused_for(SLOW) == 0.0


def test_the_client_takes_its_slots_from_redis(redis_server: RedisServer, prefix: str, store: Any) -> None:
    limiter = limiter_on(redis_server, prefix, Clock())
    ok = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": []}))
    with Klaviyo(api_key="pk_test", transport=ok, rate_limits=limiter) as kv:
        kv.request("GET", "/api/tags")
    assert store.llen(f"{prefix}:{{get_tags}}:1s") == 1


# --- contention, on the wall clock ---------------------------------------------------------------


def test_processes_never_exceed_the_tier_and_none_starves(redis_server: RedisServer, prefix: str, store: Any) -> None:
    tiers = ((5, 0.2), (1000, 60.0))  # the minute window keeps every reservation, to compare with
    processes, calls = 4, 10
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=reserve_worker,
            kwargs={
                "url": redis_server.url,
                "prefix": prefix,
                "operation": OP,
                "tiers": tiers,
                "calls": calls,
                "start": start,
                "out": out,
            },
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.set()
    results = dict(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
        assert worker.exitcode == 0
    everything = sorted(send for sends in results.values() for send in sends)
    assert len(results) == processes
    assert all(len(sends) == calls for sends in results.values())
    assert_within(everything, tiers)
    # What the processes were told is exactly what Redis recorded.
    assert [int(v) for v in store.lrange(f"{prefix}:{{{OP}}}:60s", 0, -1)] == everything
    # First come, first served: with one call in flight per process, each gets a slot every window or so.
    for sends in results.values():
        assert max(b - a for a, b in itertools.pairwise(sends)) < 3 * 200_000


def test_async_tasks_never_exceed_the_tier(redis_server: RedisServer, prefix: str, store: Any) -> None:
    tiers = ((4, 0.1), (1000, 60.0))
    limiter = RedisRateLimiter(url=redis_server.url, key_prefix=prefix, operations=table(*tiers))
    served: list[int] = []

    async def task(index: int) -> None:
        for _ in range(3):
            await asyncio.sleep(await limiter.aacquire(OP))
            served.append(index)

    async def main() -> None:
        await asyncio.gather(*(task(i) for i in range(16)))
        await limiter.aclose()

    asyncio.run(main())
    assert sorted(served) == sorted(list(range(16)) * 3)
    sends = [int(v) for v in store.lrange(f"{prefix}:{{{OP}}}:60s", 0, -1)]
    assert len(sends) == 48
    assert_within(sends, tiers)


# --- Redis unreachable -------------------------------------------------------------------------


@pytest.fixture
def own_server(redis_server: RedisServer) -> Iterator[RedisServer]:
    # A server of its own, to kill; depending on redis_server gives the same fail/skip rule.
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def warnings_and_info(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage().split(" (")[0]) for r in caplog.records if r.levelno >= logging.INFO]


def test_redis_killed_mid_run_falls_back_then_recovers(
    own_server: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    limiter = limiter_on(own_server, prefix, clock, limits=UNBOUNDED, retry_interval=5.0)
    caplog.set_level(logging.INFO, logger="klaviyo_generated")
    assert [limiter.acquire(SLOW) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    own_server.kill()
    # The in-process fallback starts from nothing: its own 3/s schedule, no error, no hang.
    assert [limiter.acquire(SLOW) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    limiter.pause(SLOW, 2.0)
    assert limiter.paused_for(SLOW) == 2.0  # the pause reached the fallback
    assert warnings_and_info(caplog) == [(logging.WARNING, "Rate limit: Redis is unreachable")]
    assert "unreachable (ConnectionError: " in caplog.records[0].getMessage()

    own_server.start()
    clock.now += 4.9
    limiter.acquire(SLOW)  # still within retry_interval of the last failure: Redis is not tried
    with own_server.client() as store:
        assert store.keys("*") == []
        clock.now += 0.2
        assert limiter.acquire(SLOW) == 0.0  # a fresh Redis: empty buckets
        assert store.llen(f"{prefix}:{{{SLOW}}}:1s") == 1
    assert warnings_and_info(caplog) == [
        (logging.WARNING, "Rate limit: Redis is unreachable"),
        (logging.INFO, "Rate limit: Redis is reachable again; rate limits are shared again"),
    ]


def test_async_calls_fall_back_too(own_server: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    limiter = limiter_on(own_server, prefix, clock, limits=UNBOUNDED)
    own_server.kill()

    async def main() -> list[float]:
        waits = [await limiter.aacquire(SLOW) for _ in range(4)]
        await limiter.apause(SLOW, 3.0)
        waits.append(await limiter.apaused_for(SLOW))
        await limiter.aclose()
        return waits

    with caplog.at_level(logging.WARNING, logger="klaviyo_generated"):
        assert asyncio.run(main()) == [0.0, 0.0, 0.0, 1.0, 3.0]
    assert len(caplog.records) == 1


@pytest.mark.usefixtures("redis_server")  # for its rule: fail in CI, skip elsewhere, without Redis
def test_unreachable_from_the_start_costs_no_timeout_per_call(caplog: pytest.LogCaptureFixture) -> None:
    # Nothing listens on the port; the connection is refused at once, and then not tried again.
    limiter = RedisRateLimiter(url=f"redis://127.0.0.1:{free_port()}", key_prefix="x", clock=Clock())
    with caplog.at_level(logging.WARNING, logger="klaviyo_generated"):
        assert [limiter.acquire(SLOW) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert len(caplog.records) == 1


# --- configuration -------------------------------------------------------------------------------


def test_a_passed_client_is_used_and_left_open(redis_server: RedisServer, prefix: str, store: Any) -> None:
    limiter = RedisRateLimiter(client=store, key_prefix=prefix, clock=Clock())
    limiter.acquire(SLOW)
    limiter.close()
    assert store.llen(f"{prefix}:{{{SLOW}}}:1s") == 1  # still open
    with pytest.raises(ConfigurationError, match="no async_client"):
        asyncio.run(limiter.aacquire(SLOW))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key_prefix": ""}, "key_prefix must be a non-empty string"),
        ({"key_prefix": "a"}, "needs url="),
        ({"key_prefix": "a", "url": "redis://x", "client": object()}, "either url= or client="),
        ({"key_prefix": "a", "url": "redis://x", "timeout": 0}, "timeout must be a positive number"),
        ({"key_prefix": "a", "url": "redis://x", "retry_interval": math.inf}, "retry_interval must be a positive"),
    ],
)
def test_bad_configuration(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RedisRateLimiter(**kwargs)


def test_without_the_redis_package_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis now raises ImportError
    with pytest.raises(ConfigurationError, match=r"pip install 'klaviyo-generated\[redis\]'"):
        RedisRateLimiter(url="redis://127.0.0.1:1", key_prefix="a")


def test_the_package_does_not_import_redis() -> None:
    code = (
        "import sys, klaviyo_generated\n"
        "from klaviyo_generated import *\n"
        "Klaviyo(api_key='pk_test'); AsyncKlaviyo(api_key='pk_test')\n"
        "print('redis' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


def test_a_call_s_own_bound_below_max_wait_is_kept_too(redis_server: RedisServer, prefix: str, store: Any) -> None:
    # The retry layer passes what is left of the call's total_timeout; Redis refuses past it.
    clock = Clock()
    limiter = limiter_on(redis_server, prefix, clock, limits=RateLimits(max_wait=60.0))
    assert [limiter.acquire(SLOW, max_wait=1.0) for _ in range(6)] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    with pytest.raises(RateLimitWaitExceededError) as caught:
        limiter.acquire(SLOW, max_wait=1.5)
    assert (caught.value.wait, caught.value.max_wait, caught.value.attempts) == (2.0, 1.5, 0)
    assert store.llen(f"{prefix}:{{{SLOW}}}:60s") == 6

    async def in_a_loop() -> float:
        try:
            return await limiter.aacquire(SLOW, max_wait=2.0)
        finally:
            await limiter.aclose()

    assert asyncio.run(in_a_loop()) == 2.0
