"""Proactive rate limiting on a virtual clock: nothing here really sleeps.

The inner transport (``httpx.MockTransport``) records the virtual time of every send; the tests
replay those timestamps against each declared window (no more than ``limit`` sends in any
``(t - period, t]``) and assert the exact waits the transports asked for.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import sys
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import attrs
import httpx
import pytest

from klaviyo_generated._operation import OperationSpec
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated._ratelimit import (
    RateLimiter,
    RateLimitInfo,
    RateLimits,
    RateLimitWaitExceeded,
    coerce_limiter,
    parse_rate_limit_headers,
)
from klaviyo_generated._retry import set_testing
from klaviyo_generated._transports import AsyncRateLimitTransport, RateLimitTransport

T = TypeVar("T")

API_KEY = "pk_live_0123456789abcdef0123456789abcdef"
URL = "https://a.klaviyo.com/api/profiles"
START = 100.0

FAST = "get_profiles"  # 75/s, 750/m
SLOW = "create_tag"  # 3/s, 60/m
DAILY = "create_custom_metric"  # 1/s, 15/m, 15/day
MEDIUM = "add_profiles_to_list"  # 10/s, 150/m
UNBOUNDED = RateLimits(max_wait=math.inf)


def test_tiers_are_the_ones_the_tests_assume() -> None:
    assert OPERATIONS[FAST].rate_limits == ((75, 1.0), (750, 60.0))
    assert OPERATIONS[SLOW].rate_limits == ((3, 1.0), (60, 60.0))
    assert OPERATIONS[DAILY].rate_limits == ((1, 1.0), (15, 60.0), (15, 86400.0))
    assert OPERATIONS[MEDIUM].rate_limits == ((10, 1.0), (150, 60.0))


class Clock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class Harness:
    """A recording inner transport, a virtual clock, and sleeps that are recorded and advance it."""

    def __init__(self, limits: RateLimiter | RateLimits | bool | None = UNBOUNDED) -> None:
        self.clock = Clock()
        self.sleeps: list[float] = []
        self.sends: dict[object, list[float]] = {}
        self.responses: list[httpx.Response] = []  # returned in order once, then 200
        self.transport = RateLimitTransport(
            httpx.MockTransport(self.handle), limits=limits, sleep=self.sleep, clock=self.clock
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sends.setdefault(request.extensions.get("klaviyo_operation"), []).append(self.clock.now)
        return self.responses.pop(0) if self.responses else httpx.Response(200)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    def send(self, operation: str | OperationSpec | None = FAST, **extensions: Any) -> httpx.Response:
        if operation is not None:
            extensions["klaviyo_operation"] = operation
        with httpx.Client(transport=self.transport, headers={"Authorization": f"Klaviyo-API-Key {API_KEY}"}) as c:
            return c.get(URL, extensions=extensions)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def assert_within(operation: str, sends: list[float]) -> None:
    """No more than ``limit`` sends in any window ``(t - period, t]`` of the operation's tiers."""
    times = sorted(sends)
    for limit, period in OPERATIONS[operation].rate_limits:
        for i, t in enumerate(times):
            in_window = sum(1 for s in times[: i + 1] if s > t - period)
            assert in_window <= limit, f"{operation}: {in_window} sends in ({t - period}, {t}] > {limit}"


def slow_schedule(n: int) -> list[float]:
    """Send times (from START) of n back-to-back calls to a 3/s, 60/m operation."""
    return [START + 60.0 * (i // 60) + (i % 60) // 3 for i in range(n)]


def waits_from(sends: list[float]) -> list[float]:
    previous = [START, *sends[:-1]]
    return [t - p for t, p in zip(sends, previous, strict=True)]


# --- the schedule -------------------------------------------------------------------------------


def test_burst_within_the_burst_limit_is_not_delayed() -> None:
    h = Harness()
    for _ in range(50):
        h.send(FAST)
    assert h.sleeps == []  # no wait, no call to sleep
    assert h.sends[FAST] == [START] * 50
    assert_within(FAST, h.sends[FAST])


def test_burst_of_50_on_a_3_per_second_tier() -> None:
    h = Harness()
    for _ in range(50):
        h.send(SLOW)
    assert h.sends[SLOW] == slow_schedule(50)
    assert h.sleeps == [
        w for w in waits_from(slow_schedule(50)) if w > 0
    ]  # 0, 0, 1, 0, 0, 1 ... seen from each call's start
    assert h.sends[SLOW][-1] == START + 16.0
    assert_within(SLOW, h.sends[SLOW])


def test_steady_limit_binds_after_the_burst_limit() -> None:
    h = Harness()
    for _ in range(200):
        h.send(MEDIUM)
    # 150 in the first minute at 10/s (0..14 s); the 151st waits for the first to leave the minute.
    expected = [START + 60.0 * (i // 150) + (i % 150) // 10 for i in range(200)]
    assert h.sends[MEDIUM] == expected
    assert_within(MEDIUM, h.sends[MEDIUM])


def test_daily_cap() -> None:
    h = Harness()
    for _ in range(20):
        h.send(DAILY)
    # 15 at 1/s, then the 16th waits a day for the first to leave the daily window.
    assert h.sends[DAILY] == [START + i for i in range(15)] + [START + 86400.0 + i for i in range(5)]
    assert_within(DAILY, h.sends[DAILY])


def test_operations_do_not_block_each_other() -> None:
    h = Harness()
    for _ in range(3):
        h.send(SLOW)
    h.send(DAILY)
    h.send(FAST)
    assert h.sleeps == []
    h.send(SLOW)
    assert h.sleeps[-1] == 1.0


def test_headroom_stretches_each_window() -> None:
    h = Harness(RateLimits(headroom=0.5, max_wait=math.inf))
    for _ in range(4):
        h.send(SLOW)
    assert h.sends[SLOW] == [START, START, START, START + 2.0]


# --- switches -----------------------------------------------------------------------------------


def test_disabled_means_no_waits() -> None:
    for limits in (False, RateLimits.disabled()):
        h = Harness(limits)
        for _ in range(10):
            h.send(SLOW)
        assert h.sleeps == []
        assert h.sends[SLOW] == [START] * 10


def test_per_request_opt_out_neither_waits_nor_takes_a_slot() -> None:
    h = Harness()
    for _ in range(3):
        h.send(SLOW)
    h.send(SLOW, klaviyo_rate_limit=False)
    assert h.sleeps == []
    h.send(SLOW)
    assert h.sleeps[-1] == 1.0


def test_requests_without_a_known_operation_are_not_limited() -> None:
    h = Harness()
    for _ in range(10):
        h.send(None)
        h.send("not_an_operation")
    assert h.sleeps == []


def test_testing_mode_counts_but_does_not_sleep() -> None:
    h = Harness()
    with set_testing(True):
        for _ in range(6):
            h.send(SLOW)
    assert h.sleeps == []
    assert h.transport.limiter.acquire(SLOW) == 2.0  # the six slots were still taken


def test_coerce_limiter() -> None:
    shared = RateLimiter()
    assert coerce_limiter(shared) is shared
    assert coerce_limiter(None).limits == RateLimits()
    assert coerce_limiter(True).limits == RateLimits()
    assert not coerce_limiter(False).limits.enabled
    with pytest.raises(TypeError, match="limits must be"):
        coerce_limiter(3)


@pytest.mark.parametrize(
    ("field", "value"), [("max_wait", -1.0), ("max_wait", math.nan), ("headroom", 0.0), ("headroom", 1.5)]
)
def test_invalid_configuration(field: str, value: float) -> None:
    changes: dict[str, Any] = {field: value}
    with pytest.raises(ValueError, match=field):
        attrs.evolve(RateLimits(), **changes)


# --- max_wait -----------------------------------------------------------------------------------


def test_max_wait_raises_without_sending_or_taking_a_slot() -> None:
    h = Harness(RateLimits(max_wait=60.0))
    for _ in range(15):
        h.send(DAILY)
    with pytest.raises(RateLimitWaitExceeded) as caught:
        h.send(DAILY)
    assert caught.value.operation == DAILY
    assert caught.value.wait == 86386.0  # from START + 14 until the first call leaves the daily window
    assert caught.value.max_wait == 60.0
    assert str(caught.value) == (
        "rate limit: create_custom_metric would have to wait 86386.000s for a free slot,"
        " more than the 60s it may wait (not sent)"
    )
    assert (caught.value.retry_after, caught.value.attempts) == (86386.0, 0)
    assert len(h.sends[DAILY]) == 15
    # Nothing was recorded: once the day has passed the next call goes straight through.
    h.clock.now = START + 86400.0
    h.send(DAILY)
    assert h.sends[DAILY][-1] == START + 86400.0


def test_wait_equal_to_max_wait_is_allowed() -> None:
    limiter = RateLimiter(RateLimits(max_wait=1.0), clock=Clock())
    assert [limiter.acquire(SLOW) for _ in range(6)] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    with pytest.raises(RateLimitWaitExceeded):
        limiter.acquire(SLOW)  # 2 s away


# --- 429 and the RateLimit-* headers -----------------------------------------------------------


def test_429_with_retry_after_pauses_the_bucket() -> None:
    h = Harness()
    h.responses = [httpx.Response(429, headers={"Retry-After": "5"})]
    assert h.send(SLOW).status_code == 429
    h.clock.now += 2.0
    h.send(SLOW)
    assert h.sleeps == [3.0]  # exactly the remainder of the pause
    assert h.sends[SLOW] == [START, START + 5.0]
    h.send(FAST)
    assert h.sleeps == [3.0]  # other operations are not paused: no further wait


def test_429_without_retry_after_uses_ratelimit_reset_else_no_pause() -> None:
    h = Harness()
    h.responses = [httpx.Response(429, headers={"RateLimit-Reset": "4"}), httpx.Response(429)]
    h.send(SLOW)
    assert h.transport.limiter.paused_for(SLOW) == 4.0
    h.send(FAST)
    assert h.transport.limiter.paused_for(FAST) == 0.0


def test_429_during_a_wait_moves_the_waiter_behind_the_pause() -> None:
    h = Harness()
    limiter = h.transport.limiter
    for _ in range(3):
        h.send(SLOW)

    def sleep(seconds: float) -> None:
        h.sleeps.append(seconds)
        if len(h.sleeps) == 1:
            limiter.pause(SLOW, 10.0)  # another caller's 429 arrives as this one starts waiting
        h.clock.now += seconds

    h.transport._sleep = sleep
    h.send(SLOW)
    assert h.sleeps == [1.0, 9.0]  # woke at START + 1, paused until START + 10
    assert h.sends[SLOW][-1] == START + 10.0


def test_ratelimit_headers_are_exposed() -> None:
    h = Harness()
    h.responses = [
        httpx.Response(200, headers={"RateLimit-Limit": "75", "RateLimit-Remaining": "74", "RateLimit-Reset": "1"}),
        httpx.Response(200),
    ]
    assert h.send().extensions["klaviyo_rate_limit"] == RateLimitInfo(limit=75, remaining=74, reset=1.0)
    assert "klaviyo_rate_limit" not in h.send().extensions


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"ratelimit-limit": "10, 10;w=1, 150;w=60"}, RateLimitInfo(limit=10)),
        ({"RateLimit-Remaining": " 0 "}, RateLimitInfo(remaining=0)),
        ({"RateLimit-Reset": "0.5"}, RateLimitInfo(reset=0.5)),
        ({"RateLimit-Limit": "ten", "RateLimit-Remaining": "-1", "RateLimit-Reset": "soon"}, RateLimitInfo()),
        ({"RateLimit-Limit": "1.5", "RateLimit-Remaining": "", "RateLimit-Reset": "1e9"}, RateLimitInfo()),
        ({"RateLimit-Limit": "9" * 400}, RateLimitInfo()),
        ({"Retry-After": "3"}, None),
    ],
)
def test_ratelimit_header_parsing_tolerates_garbage(headers: dict[str, str], expected: RateLimitInfo | None) -> None:
    assert parse_rate_limit_headers(httpx.Headers(headers)) == expected


# --- logging ------------------------------------------------------------------------------------


def test_logging(caplog: pytest.LogCaptureFixture) -> None:
    h = Harness()
    h.responses = [
        httpx.Response(200),
        httpx.Response(200),
        httpx.Response(200),
        httpx.Response(429, headers={"Retry-After": "2"}),
    ]
    with caplog.at_level(logging.DEBUG, logger="klaviyo_generated"):
        for _ in range(4):
            h.send(SLOW)
    records = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert records == [
        (logging.DEBUG, "Rate limit: create_tag sent without delay"),
        (logging.DEBUG, "Rate limit: create_tag sent without delay"),
        (logging.DEBUG, "Rate limit: create_tag sent without delay"),
        (logging.INFO, "Rate limit: delaying create_tag by 1.000s"),
        (logging.INFO, "Rate limit: pausing create_tag for 2.000s after HTTP 429"),
    ]
    assert caplog.records[3].__dict__["klaviyo_rate_limit_wait"] == 1.0
    assert all(API_KEY not in r.getMessage() and "Authorization" not in r.getMessage() for r in caplog.records)


# --- threads ------------------------------------------------------------------------------------


@pytest.fixture
def eager_switching() -> Iterator[None]:
    # Switch threads as often as possible, so a missing lock would show as overlapping reservations.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.usefixtures("eager_switching")
def test_threads_share_the_windows() -> None:
    # The clock stands still, so all 200 calls arrive "at once"; each thread's send time is the
    # clock plus the wait it was given, recorded by its sleep.
    clock = Clock()
    local = threading.local()
    sends: list[float] = []
    sends_lock = threading.Lock()

    def handle(request: httpx.Request) -> httpx.Response:
        with sends_lock:
            sends.append(clock.now + local.wait)
        return httpx.Response(200)

    def sleep(seconds: float) -> None:
        local.wait = seconds

    transport = RateLimitTransport(httpx.MockTransport(handle), limits=UNBOUNDED, sleep=sleep, clock=clock)
    threads_, calls = 8, 25
    barrier = threading.Barrier(threads_)

    def worker() -> None:
        barrier.wait()
        with httpx.Client(transport=transport) as client:
            for _ in range(calls):
                local.wait = 0.0  # sleep is called only for a positive wait
                client.get(URL, extensions={"klaviyo_operation": MEDIUM})

    workers = [threading.Thread(target=worker) for _ in range(threads_)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(sends) == threads_ * calls
    assert_within(MEDIUM, sends)
    assert sorted(sends) == [START + 60.0 * (i // 150) + (i % 150) // 10 for i in range(200)]


# --- async --------------------------------------------------------------------------------------


class VirtualTime:
    """Sleeping tasks wake in order of virtual time; the clock jumps to each wake-up.

    ``drive`` lets every runnable task run until it sleeps or finishes, then wakes the earliest
    sleeper (ties in order of falling asleep), so concurrent sleeps overlap as they would for real.
    """

    def __init__(self) -> None:
        self.clock = Clock()
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.clock.now + seconds, next(self._order), future))
        await future

    async def drive(self, tasks: list[asyncio.Task[Any]]) -> None:
        while True:
            while sum(t.done() for t in tasks) + len(self._sleepers) < len(tasks):
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            wake, _, future = heapq.heappop(self._sleepers)
            self.clock.now = wake
            future.set_result(None)


def test_async_tasks_share_the_windows() -> None:
    vt = VirtualTime()
    sends: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sends.append(vt.clock.now)
        return httpx.Response(200)

    async def main() -> None:
        transport = AsyncRateLimitTransport(
            httpx.MockTransport(handle), limits=UNBOUNDED, sleep=vt.sleep, clock=vt.clock
        )
        async with httpx.AsyncClient(transport=transport) as client:
            tasks = [asyncio.ensure_future(client.get(URL, extensions={"klaviyo_operation": SLOW})) for _ in range(50)]
            await asyncio.gather(vt.drive(tasks), *tasks)

    run(main())
    assert sorted(sends) == slow_schedule(50)
    assert vt.clock.now - START == 16.0  # the total virtual time
    assert_within(SLOW, sends)


def test_async_429_pauses_and_headers_exposed() -> None:
    vt = VirtualTime()
    responses = [httpx.Response(429, headers={"Retry-After": "5", "RateLimit-Remaining": "0"})]

    async def main() -> list[httpx.Response]:
        def handle(request: httpx.Request) -> httpx.Response:
            return responses.pop(0) if responses else httpx.Response(200)

        transport = AsyncRateLimitTransport(httpx.MockTransport(handle), sleep=vt.sleep, clock=vt.clock)
        async with httpx.AsyncClient(transport=transport) as client:
            results = []
            for _ in range(2):  # one after the other, each driven on the virtual clock
                task = asyncio.ensure_future(client.get(URL, extensions={"klaviyo_operation": SLOW}))
                await asyncio.gather(vt.drive([task]), task)
                results.append(task.result())
            return results

    first, second = run(main())
    assert first.extensions["klaviyo_rate_limit"] == RateLimitInfo(remaining=0)
    assert second.status_code == 200
    assert vt.sleeps == [5.0]


def test_async_disabled_opt_out_and_unknown() -> None:
    vt = VirtualTime()

    async def main() -> None:
        transport = AsyncRateLimitTransport(
            httpx.MockTransport(lambda r: httpx.Response(200)), limits=UNBOUNDED, sleep=vt.sleep, clock=vt.clock
        )
        async with httpx.AsyncClient(transport=transport) as client:
            for _ in range(5):
                await client.get(URL, extensions={"klaviyo_operation": SLOW, "klaviyo_rate_limit": False})
                await client.get(URL)

    run(main())
    assert vt.sleeps == []


def test_limiter_shared_by_sync_and_async_transports() -> None:
    vt = VirtualTime()
    limiter = RateLimiter(UNBOUNDED, clock=vt.clock)
    ok = httpx.MockTransport(lambda r: httpx.Response(200))
    with httpx.Client(transport=RateLimitTransport(ok, limits=limiter, sleep=vt.sleeps.append)) as client:
        for _ in range(3):
            client.get(URL, extensions={"klaviyo_operation": SLOW})

    async def main() -> None:
        async with httpx.AsyncClient(transport=AsyncRateLimitTransport(ok, limits=limiter, sleep=vt.sleep)) as client:
            task = asyncio.ensure_future(client.get(URL, extensions={"klaviyo_operation": SLOW}))
            await asyncio.gather(vt.drive([task]), task)

    run(main())
    assert vt.sleeps == [1.0]  # the async side waits behind the sync side's slots
    assert vt.clock.now == START + 1.0


def test_opted_out_request_still_pauses_the_bucket_on_429() -> None:
    h = Harness()
    h.responses = [httpx.Response(429, headers={"Retry-After": "3"})]
    h.send(SLOW, klaviyo_rate_limit=False)
    h.send(SLOW)
    assert h.sleeps == [3.0]  # the 429 is about the account's budget, which every caller shares


def test_a_request_carrying_its_operation_is_limited_by_that_operations_own_windows() -> None:
    # A spec no table holds: only the object on the request can say it is 2/s.
    spec = attrs.evolve(OPERATIONS[FAST], name="not_in_any_table", rate_limits=((2, 1.0),))
    harness = Harness()
    for _ in range(5):
        harness.send(spec)
    assert harness.sends[spec] == [START, START, START + 1.0, START + 1.0, START + 2.0]
    # A limiter's own table still overrides by name (benchmarks pin their tiers this way).
    clock = Clock()
    pinned = Harness(RateLimiter(UNBOUNDED, clock=clock, operations={"not_in_any_table": OPERATIONS[SLOW]}))
    pinned.clock = clock  # the harness's sleeps advance the limiter's clock
    for _ in range(4):
        pinned.send(spec)
    assert pinned.sends[spec] == [START, START, START, START + 1.0]
