"""The retry policy and the retrying transports, on a virtual clock: nothing here really sleeps.

Each test scripts the inner transport (``httpx.MockTransport``) with a sequence of responses and
exceptions, and asserts the exact number of attempts and the exact waits the transport asked for.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import httpx
import pytest

from klaviyo_generated._retry import (
    RetryPolicy,
    coerce_policy,
    is_testing,
    set_testing,
)
from klaviyo_generated._retry_after import parse_retry_after
from klaviyo_generated._transports import AsyncRetryTransport, RetryTransport

T = TypeVar("T")

API_KEY = "pk_live_0123456789abcdef0123456789abcdef"
BASE_URL = "https://a.klaviyo.com"
PATH = "/api/profiles/"
# max_attempts 4 and jitter 0.5 drawn at 0.5: the waits are 1.25, 2.25, 4.25 (exponential) or 1.25 (fixed).
POLICY = RetryPolicy(max_attempts=4, initial_wait=1.0, max_wait=10.0, jitter=0.5, total_timeout=None)
EXPONENTIAL = [1.25, 2.25, 4.25]
RETRIED_STATUSES = [429, 500, 502, 503, 504]
SERVER_DATE = "Wed, 21 Oct 2026 07:28:00 GMT"

Step = httpx.Response | Exception | int


class Clock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """A scripted inner transport, a virtual clock, and sleeps that are recorded and advance the clock."""

    def __init__(self, *steps: Step, duration: float = 0.0, random: Callable[[], float] = lambda: 0.5) -> None:
        self.steps = list(steps)
        self.duration = duration  # virtual seconds each attempt takes
        self.clock = Clock()
        self.delays: list[float] = []
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.random = random

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.content)
        self.clock.now += self.duration
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return httpx.Response(step) if isinstance(step, int) else step

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def client(self, policy: RetryPolicy | bool | None = POLICY) -> httpx.Client:
        transport = RetryTransport(
            httpx.MockTransport(self.handle), policy=policy, sleep=self.sleep, clock=self.clock, random=self.random
        )
        return httpx.Client(
            transport=transport, base_url=BASE_URL, headers={"Authorization": f"Klaviyo-API-Key {API_KEY}"}
        )

    def aclient(self, policy: RetryPolicy | bool | None = POLICY) -> httpx.AsyncClient:
        transport = AsyncRetryTransport(
            httpx.MockTransport(self.handle), policy=policy, sleep=self.asleep, clock=self.clock, random=self.random
        )
        return httpx.AsyncClient(
            transport=transport, base_url=BASE_URL, headers={"Authorization": f"Klaviyo-API-Key {API_KEY}"}
        )

    def send(self, method: str = "GET", policy: RetryPolicy | bool | None = POLICY, **kwargs: Any) -> httpx.Response:
        with self.client(policy) as client:
            return client.request(method, PATH, **kwargs)

    def asend(self, method: str = "GET", policy: RetryPolicy | bool | None = POLICY, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            async with self.aclient(policy) as client:
                return await client.request(method, PATH, **kwargs)

        return run(go())


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def sequence(*values: float) -> Callable[[], float]:
    """A random source that returns ``values`` in order."""
    it = iter(values)
    return lambda: next(it)


def attempts(response: httpx.Response) -> object:
    return response.extensions["klaviyo_attempts"]


def error_attempts(error: BaseException) -> object:
    return getattr(error, "klaviyo_attempts", None)


# --- the policy on its own --------------------------------------------------------------------------


def test_defaults() -> None:
    assert RetryPolicy() == RetryPolicy(
        max_attempts=3,
        total_timeout=60.0,
        initial_wait=0.5,
        max_wait=8.0,
        exponential=True,
        jitter=0.25,
        retry_statuses=frozenset({429, 500, 502, 503, 504}),
        retry_after_cap=30.0,
        retry_non_idempotent=False,
        retry_all_errors=False,
    )
    assert RetryPolicy.none().max_attempts == 1


def test_policy_is_frozen_and_keyword_only() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        POLICY.max_attempts = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetryPolicy(3)  # type: ignore[call-arg]
    assert RetryPolicy(retry_statuses=[503]).retry_statuses == frozenset({503})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be an integer >= 1 (1 means no retries), got 0"),
        ({"max_attempts": True}, "max_attempts must be an integer >= 1 (1 means no retries), got True"),
        ({"max_attempts": 2.0}, "max_attempts must be an integer >= 1 (1 means no retries), got 2.0"),
        (
            {"total_timeout": 0},
            "total_timeout must be a finite number of seconds > 0, or None for no time bound, got 0",
        ),
        (
            {"total_timeout": math.inf},
            "total_timeout must be a finite number of seconds > 0, or None for no time bound, got inf",
        ),
        ({"initial_wait": -1}, "initial_wait must be a finite number >= 0, got -1"),
        ({"max_wait": math.nan}, "max_wait must be a finite number >= 0, got nan"),
        ({"jitter": -0.1}, "jitter must be a finite number >= 0, got -0.1"),
        ({"retry_after_cap": -5}, "retry_after_cap must be a finite number >= 0, got -5"),
        ({"initial_wait": 10}, "max_wait (8.0) must be >= initial_wait (10)"),
        ({"retry_statuses": {503, 200}}, "retry_statuses must hold HTTP error statuses (400-599), got 200"),
    ],
)
def test_construction_is_validated(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as excinfo:
        RetryPolicy(**kwargs)
    assert str(excinfo.value) == message


def test_delay_rejects_attempt_zero() -> None:
    with pytest.raises(ValueError, match=r"^attempt must be >= 1, got 0$"):
        POLICY.delay(attempt=0)


def test_delay_is_deterministic_given_random() -> None:
    assert [POLICY.delay(attempt=n, random=lambda: 0.5) for n in (1, 2, 3, 4, 5)] == [1.25, 2.25, 4.25, 8.25, 10.0]
    fixed = attrs.evolve(POLICY, exponential=False)
    assert [fixed.delay(attempt=n, random=lambda: 0.0) for n in (1, 2, 3)] == [1.0, 1.0, 1.0]
    assert POLICY.delay(attempt=10_000, random=lambda: 0.0) == 10.0  # saturates, no overflow
    assert POLICY.delay(attempt=1, retry_after=3.0) == 3.0  # no jitter on a server-given wait
    assert RetryPolicy(retry_after_cap=5).delay(attempt=1, retry_after=120.0) == 5.0


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"method": "GET", "status": 503}, True),
        ({"method": "POST", "status": 503}, False),
        ({"method": "patch", "status": 500}, False),
        ({"method": "POST", "status": 429}, True),
        ({"method": "POST", "error": httpx.ConnectError("refused")}, True),
        ({"method": "POST", "error": httpx.ConnectTimeout("slow")}, True),
        ({"method": "POST", "error": httpx.PoolTimeout("pool")}, True),
        ({"method": "POST", "error": httpx.ReadTimeout("slow")}, False),
        ({"method": "POST", "error": httpx.WriteTimeout("slow")}, False),
        ({"method": "POST", "error": httpx.RemoteProtocolError("eof")}, False),
        ({"method": "DELETE", "error": httpx.ReadTimeout("slow")}, True),
        ({"method": "GET", "error": httpx.ProxyError("proxy")}, False),
        ({"method": "GET", "error": ValueError("bug")}, False),
        ({"method": "GET", "status": 501}, False),
        ({"method": "GET", "status": 404}, False),
        ({"method": "GET"}, False),
    ],
)
def test_should_retry_rules(kwargs: dict[str, Any], expected: bool) -> None:
    assert RetryPolicy().should_retry(attempt=1, elapsed=0.0, **kwargs) is expected


def test_should_retry_budgets() -> None:
    policy = RetryPolicy(max_attempts=3, total_timeout=10.0)
    assert policy.should_retry(method="GET", status=503, attempt=2, elapsed=0.0)
    assert not policy.should_retry(method="GET", status=503, attempt=3, elapsed=0.0)
    assert policy.should_retry(method="GET", status=503, attempt=1, elapsed=8.0, wait=2.0)  # ends exactly at 10 s
    assert not policy.should_retry(method="GET", status=503, attempt=1, elapsed=8.0, wait=2.5)
    assert RetryPolicy(total_timeout=None).should_retry(method="GET", status=503, attempt=1, elapsed=1e9)


def test_retry_all_errors_definition() -> None:
    policy = RetryPolicy(retry_all_errors=True)
    for status in (408, 425, 429, 500, 501, 505, 599):
        assert policy.should_retry(method="GET", status=status, attempt=1, elapsed=0.0), status
    for status in (400, 401, 403, 404, 405, 409, 410, 422):
        assert not policy.should_retry(method="GET", status=status, attempt=1, elapsed=0.0), status
    assert policy.should_retry(method="GET", error=httpx.ProxyError("proxy"), attempt=1, elapsed=0.0)
    # Still no repeat of a write that may have been applied.
    assert not policy.should_retry(method="POST", status=501, attempt=1, elapsed=0.0)


def test_coerce_policy() -> None:
    default = RetryPolicy(max_attempts=7)
    assert coerce_policy(None, default) is default
    assert coerce_policy(True, default) is default
    assert coerce_policy(False, default) == RetryPolicy.none()
    assert coerce_policy(POLICY, default) is POLICY
    with pytest.raises(TypeError, match=r"^retry must be a RetryPolicy, True, False or None, got int$"):
        coerce_policy(3, default)


@pytest.mark.parametrize(
    ("value", "date", "expected"),
    [
        ("7", None, 7.0),
        (" 3 ", None, 3.0),
        ("1.5", None, 1.5),
        ("0", None, 0.0),
        ("-1", None, None),
        ("nan", None, None),
        ("soon", None, None),
        ("", None, None),
        (None, None, None),
        ("Wed, 21 Oct 2026 07:28:12 GMT", SERVER_DATE, 12.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", SERVER_DATE, 0.0),  # in the past: go now
        ("Wed, 21 Oct 2026 07:28:30 GMT", None, 30.0),  # no Date header: measured against now()
        ("Wed, 21 Oct 2026 07:28:30 GMT", "not a date", 30.0),
    ],
)
def test_parse_retry_after(value: str | None, date: str | None, expected: float | None) -> None:
    now = datetime(2026, 10, 21, 7, 28, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, date=date, now=lambda: now) == expected


# --- the transport: which failures are retried, and the waits ---------------------------------------


@pytest.mark.parametrize("status", RETRIED_STATUSES)
def test_exponential_backoff_per_status(status: int) -> None:
    h = Harness(status, status, status, 200)
    response = h.send()
    assert response.status_code == 200
    assert attempts(response) == 4
    assert h.delays == EXPONENTIAL


@pytest.mark.parametrize("status", RETRIED_STATUSES)
def test_fixed_backoff_per_status(status: int) -> None:
    h = Harness(status, status, status, 200, random=sequence(0.0, 0.5, 0.25))
    response = h.send(policy=attrs.evolve(POLICY, exponential=False, initial_wait=2.0, jitter=1.0))
    assert (response.status_code, attempts(response)) == (200, 4)
    assert h.delays == [2.0, 2.5, 2.25]


def test_backoff_capped_at_max_wait() -> None:
    h = Harness(503, 503, 503, 503, 200)
    response = h.send(policy=attrs.evolve(POLICY, max_attempts=5, max_wait=3.0))
    assert attempts(response) == 5
    assert h.delays == [1.25, 2.25, 3.0, 3.0]


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "Wed, 21 Oct 2026 07:28:12 GMT", "Date": SERVER_DATE}, 12.0),
        ({"Retry-After": "30"}, 30.0),  # exactly the cap
        ({"Retry-After": "soon"}, 1.25),  # unreadable: ordinary backoff
    ],
)
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after(status: int, headers: dict[str, str], delay: float) -> None:
    h = Harness(httpx.Response(status, headers=headers), 200)
    response = h.send(policy=attrs.evolve(POLICY, retry_after_cap=30.0))
    assert (response.status_code, attempts(response)) == (200, 2)
    assert h.delays == [delay]


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "30.5"},
        {"Retry-After": "3600"},
        {"Retry-After": "Wed, 21 Oct 2026 07:38:00 GMT", "Date": SERVER_DATE},  # 10 min
    ],
)
@pytest.mark.parametrize("status", [429, 503])
def test_a_server_wait_beyond_the_cap_is_not_waited_for(status: int, headers: dict[str, str]) -> None:
    # The caller gets the answer at once (its error carries the server's wait) instead of a
    # capped wait followed by a retry the server has already said it will refuse.
    h = Harness(httpx.Response(status, headers=headers), 200)
    response = h.send(policy=attrs.evolve(POLICY, retry_after_cap=30.0))
    assert (response.status_code, attempts(response), h.delays) == (status, 1, [])


def test_rate_limit_reset_is_the_wait_of_a_429_without_retry_after() -> None:
    h = Harness(httpx.Response(429, headers={"RateLimit-Reset": "4"}), 200)
    assert attempts(h.send(policy=POLICY)) == 2
    assert h.delays == [4.0]
    far = Harness(httpx.Response(429, headers={"RateLimit-Reset": "50"}), 200)
    assert (far.send(policy=POLICY).status_code, far.delays) == (429, [])
    # Only a 429 says the window resets: on a 503 the header is no promise, ordinary backoff applies.
    other = Harness(httpx.Response(503, headers={"RateLimit-Reset": "50"}), 200)
    assert (attempts(other.send(policy=POLICY)), other.delays) == (2, [1.25])


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_write_not_retried_after_5xx_by_default(method: str, status: int) -> None:
    h = Harness(status, 200)
    response = h.send(method, json={"data": {}})
    assert (response.status_code, attempts(response), h.delays) == (status, 1, [])


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError])
def test_write_not_retried_after_ambiguous_error_by_default(method: str, error: type[httpx.TransportError]) -> None:
    failure = error("lost")
    h = Harness(failure, 200)
    with pytest.raises(error) as excinfo:
        h.send(method, json={"data": {}})
    assert excinfo.value is failure
    assert excinfo.value.__notes__ == ["after 1 attempt"]
    assert error_attempts(excinfo.value) == 1
    assert h.delays == []


def test_write_retried_after_503_and_read_timeout_when_opted_in() -> None:
    h = Harness(503, httpx.ReadTimeout("slow"), 201)
    response = h.send("POST", policy=attrs.evolve(POLICY, retry_non_idempotent=True), json={"data": {}})
    assert (response.status_code, attempts(response)) == (201, 3)
    assert h.delays == [1.25, 2.25]


@pytest.mark.parametrize(
    "failure", [429, httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("full")]
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_write_always_retried_after_429_and_connect_failure(method: str, failure: Step) -> None:
    h = Harness(failure, 202)
    response = h.send(method, json={"data": {}})
    assert (response.status_code, attempts(response), h.delays) == (202, 2, [1.25])


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"])
def test_idempotent_methods_retried_after_ambiguous_failures(method: str) -> None:
    h = Harness(httpx.ReadTimeout("slow"), 503, httpx.RemoteProtocolError("eof"), 200)
    response = h.send(method)
    assert (response.status_code, attempts(response), h.delays) == (200, 4, EXPONENTIAL)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_never_retried(status: int) -> None:
    h = Harness(status, 200)
    everything = attrs.evolve(POLICY, retry_all_errors=True, retry_non_idempotent=True)
    for method in ("GET", "POST"):
        h.steps = [status, 200]
        response = h.send(method, policy=everything)
        assert (response.status_code, attempts(response)) == (status, 1)
    assert h.delays == []


def test_retry_all_errors_retries_other_5xx_and_408() -> None:
    assert Harness(501, 200).send().status_code == 501
    h = Harness(501, 408, httpx.ProxyError("proxy"), 200)
    response = h.send(policy=attrs.evolve(POLICY, retry_all_errors=True))
    assert (response.status_code, attempts(response), h.delays) == (200, 4, EXPONENTIAL)


def test_unexpected_exception_not_retried() -> None:
    h = Harness(ValueError("bug"), 200)
    with pytest.raises(ValueError, match="bug") as excinfo:
        h.send()
    assert excinfo.value.__notes__ == ["after 1 attempt"]
    assert len(h.requests) == 1


# --- budgets ---------------------------------------------------------------------------------------


def test_attempts_exhausted_returns_last_response() -> None:
    last = httpx.Response(503, json={"errors": [{"detail": "third"}]})
    h = Harness(503, 502, last)
    response = h.send(policy=attrs.evolve(POLICY, max_attempts=3))
    assert (response.status_code, response.json(), attempts(response)) == (503, {"errors": [{"detail": "third"}]}, 3)
    assert h.delays == [1.25, 2.25]


def test_attempts_exhausted_raises_last_exception_with_count() -> None:
    failures = [httpx.ConnectError("first"), httpx.ConnectError("second"), httpx.ConnectError("third")]
    h = Harness(*failures)
    with pytest.raises(httpx.ConnectError) as excinfo:
        h.send("POST", policy=attrs.evolve(POLICY, max_attempts=3), content=b"{}")
    assert excinfo.value is failures[2]
    assert excinfo.value.__notes__ == ["after 3 attempts"]
    assert error_attempts(excinfo.value) == 3
    assert h.delays == [1.25, 2.25]


def test_total_timeout_exhausted_returns_last_response() -> None:
    # Each attempt takes 3 virtual seconds: 0-3, wait 1.25, 4.25-7.25, wait 2.25, 9.5-12.5; then 12.5 > 10.
    h = Harness(503, 503, 503, 200, duration=3.0)
    response = h.send(policy=attrs.evolve(POLICY, max_attempts=10, total_timeout=10.0))
    assert (response.status_code, attempts(response), h.delays) == (503, 3, [1.25, 2.25])


def test_total_timeout_counts_the_wait_before_the_next_attempt() -> None:
    # After 3 s, a Retry-After of 8 would end at 11 s, past the 10 s budget: not started.
    h = Harness(httpx.Response(429, headers={"Retry-After": "8"}), 200, duration=3.0)
    response = h.send(policy=attrs.evolve(POLICY, total_timeout=10.0))
    assert (response.status_code, attempts(response), h.delays) == (429, 1, [])


def test_total_timeout_exhausted_raises_last_exception_with_count() -> None:
    failures: list[Step] = [httpx.ReadTimeout("one"), httpx.ReadTimeout("two"), httpx.ReadTimeout("three"), 200]
    h = Harness(*failures, duration=3.0)
    with pytest.raises(httpx.ReadTimeout) as excinfo:
        h.send(policy=attrs.evolve(POLICY, max_attempts=10, total_timeout=10.0))
    assert excinfo.value is failures[2]
    assert excinfo.value.__notes__ == ["after 3 attempts"]
    assert h.delays == [1.25, 2.25]


# --- per-request policy ----------------------------------------------------------------------------


def test_retry_false_per_request() -> None:
    h = Harness(503, 200)
    response = h.send(extensions={"klaviyo_retry": False})
    assert (response.status_code, attempts(response), h.delays) == (503, 1, [])


def test_policy_per_request() -> None:
    h = Harness(503, 503, 200)
    response = h.send(extensions={"klaviyo_retry": RetryPolicy(max_attempts=2, initial_wait=0.1, jitter=0.0)})
    assert (response.status_code, attempts(response), h.delays) == (503, 2, [0.1])


def test_retry_false_on_the_transport() -> None:
    h = Harness(503, 200)
    response = h.send(policy=False)
    assert (response.status_code, attempts(response)) == (503, 1)
    assert RetryTransport(httpx.MockTransport(h.handle)).policy == RetryPolicy()


def test_bad_extension_value_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"^klaviyo_retry must be a RetryPolicy, True, False or None, got int$"):
        Harness(200).send(extensions={"klaviyo_retry": 2})


# --- what is sent again, what is released ----------------------------------------------------------


def test_body_resent_identically() -> None:
    h = Harness(429, httpx.ConnectError("refused"), 201)
    payload = {"data": {"type": "profile", "attributes": {"email": "a@example.com"}}}
    response = h.send("POST", json=payload)
    assert (response.status_code, attempts(response)) == (201, 3)
    assert len(h.bodies) == 3
    assert h.bodies[0] == h.bodies[1] == h.bodies[2] == httpx.Request("POST", BASE_URL, json=payload).content
    assert len({tuple(r.headers.multi_items()) for r in h.requests}) == 1


def test_streaming_body_not_retried() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"data":'
        yield b"{}}"

    h = Harness(429, 200)
    response = h.send("PUT", content=chunks())
    assert (response.status_code, attempts(response), h.delays) == (429, 1, [])


class TrackedStream(httpx.SyncByteStream):
    def __init__(self) -> None:
        self.read = False
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        self.read = True
        yield b"busy"

    def close(self) -> None:
        self.closed = True


def test_retried_response_is_read_and_closed() -> None:
    stream = TrackedStream()
    h = Harness(httpx.Response(503, stream=stream), 200)
    assert h.send().status_code == 200
    assert (stream.read, stream.closed) == (True, True)


def test_testing_switch_skips_sleep() -> None:
    assert not is_testing()
    h = Harness(503, 503, 200)
    with set_testing(True):
        assert is_testing()
        response = h.send()
    assert not is_testing()
    assert (response.status_code, attempts(response), h.delays) == (200, 3, [])


# --- logging ---------------------------------------------------------------------------------------


def test_each_retry_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="klaviyo_generated")
    Harness(503, httpx.ConnectError("refused"), 200).send(params={"company_id": "PUBLIC1"})
    records = [r for r in caplog.records if r.name == "klaviyo_generated"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.INFO, "Retrying GET /api/profiles/ in 1.250s after HTTP 503 (attempt 1/4 failed)"),
        (logging.INFO, "Retrying GET /api/profiles/ in 2.250s after ConnectError (attempt 2/4 failed)"),
    ]
    fields = ("klaviyo_retry_reason", "klaviyo_retry_attempt", "klaviyo_retry_max_attempts", "klaviyo_retry_delay")
    expected = [("HTTP 503", 1, 4, 1.25), ("ConnectError", 2, 4, 2.25)]
    assert [tuple(getattr(r, f) for f in fields) for r in records] == expected


def test_api_key_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    Harness(429, 503, 200).send()
    h = Harness(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(httpx.ReadTimeout) as excinfo:
        h.send(policy=attrs.evolve(POLICY, max_attempts=3))
    assert len(caplog.records) >= 4
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in repr(record.__dict__)
    assert API_KEY not in caplog.text
    assert API_KEY not in str(excinfo.value) + "".join(excinfo.value.__notes__)


# --- async twins -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", RETRIED_STATUSES)
def test_async_exponential_backoff_per_status(status: int) -> None:
    h = Harness(status, status, status, 200)
    response = h.asend()
    assert (response.status_code, attempts(response), h.delays) == (200, 4, EXPONENTIAL)


def test_async_fixed_backoff() -> None:
    h = Harness(503, 429, 200, random=sequence(0.0, 0.5))
    response = h.asend(policy=attrs.evolve(POLICY, exponential=False, initial_wait=2.0, jitter=1.0))
    assert (response.status_code, attempts(response), h.delays) == (200, 3, [2.0, 2.5])


def test_async_retry_after_both_forms_and_cap() -> None:
    h = Harness(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:12 GMT", "Date": SERVER_DATE}),
        httpx.Response(429, headers={"Retry-After": "600"}),
        200,
    )
    response = h.asend(policy=attrs.evolve(POLICY, retry_after_cap=30.0))
    assert (response.status_code, attempts(response), h.delays) == (429, 3, [7.0, 12.0])


def test_async_write_not_retried_after_503_or_read_timeout_by_default() -> None:
    h = Harness(503, 200)
    assert attempts(h.asend("POST", json={})) == 1
    failure = httpx.ReadTimeout("slow")
    h = Harness(failure, 200)
    with pytest.raises(httpx.ReadTimeout) as excinfo:
        h.asend("POST", json={})
    assert excinfo.value is failure
    assert excinfo.value.__notes__ == ["after 1 attempt"]


def test_async_write_retried_when_opted_in() -> None:
    h = Harness(503, httpx.ReadTimeout("slow"), 201)
    response = h.asend("POST", policy=attrs.evolve(POLICY, retry_non_idempotent=True), json={})
    assert (response.status_code, attempts(response), h.delays) == (201, 3, [1.25, 2.25])


def test_async_write_retried_after_429_and_connect_error() -> None:
    h = Harness(429, httpx.ConnectError("refused"), 201)
    response = h.asend("POST", json={"a": 1})
    assert (response.status_code, attempts(response), h.delays) == (201, 3, [1.25, 2.25])
    assert h.bodies == [b'{"a":1}'] * 3


def test_async_budgets_exhausted() -> None:
    h = Harness(503, 503, 503, 200)
    response = h.asend(policy=attrs.evolve(POLICY, max_attempts=3))
    assert (response.status_code, attempts(response), h.delays) == (503, 3, [1.25, 2.25])

    failures: list[Step] = [httpx.ReadTimeout("one"), httpx.ReadTimeout("two"), httpx.ReadTimeout("three"), 200]
    h = Harness(*failures, duration=3.0)
    with pytest.raises(httpx.ReadTimeout) as excinfo:
        h.asend(policy=attrs.evolve(POLICY, max_attempts=10, total_timeout=10.0))
    assert excinfo.value is failures[2]
    assert excinfo.value.__notes__ == ["after 3 attempts"]
    assert (error_attempts(excinfo.value), h.delays) == (3, [1.25, 2.25])


def test_async_retry_false_per_request_and_client_errors() -> None:
    h = Harness(503, 200)
    assert attempts(h.asend(extensions={"klaviyo_retry": False})) == 1
    h = Harness(404, 200)
    assert attempts(h.asend(policy=attrs.evolve(POLICY, retry_all_errors=True))) == 1
    assert h.delays == []


def test_async_streaming_body_not_retried() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"{}"

    h = Harness(429, 200)
    response = h.asend("PUT", content=chunks())
    assert (response.status_code, attempts(response), h.delays) == (429, 1, [])


class TrackedAsyncStream(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.read = False
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.read = True
        yield b"busy"

    async def aclose(self) -> None:
        self.closed = True


def test_async_retried_response_is_read_and_closed() -> None:
    stream = TrackedAsyncStream()
    h = Harness(httpx.Response(503, stream=stream), 200)
    assert h.asend().status_code == 200
    assert (stream.read, stream.closed) == (True, True)


def test_async_logged_and_key_absent(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    Harness(httpx.ConnectTimeout("slow"), 200).asend()
    messages = [r.getMessage() for r in caplog.records if r.name == "klaviyo_generated"]
    assert messages == ["Retrying GET /api/profiles/ in 1.250s after ConnectTimeout (attempt 1/4 failed)"]
    assert API_KEY not in caplog.text
