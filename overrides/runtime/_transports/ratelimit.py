"""Rate-limiting transports: ``RateLimitTransport`` (sync) and ``AsyncRateLimitTransport`` (async).

They wrap an inner transport and hold each request back until its operation's bucket has a free
slot (see ``klaviyo_generated._ratelimit`` for the model). Stack them *inside* the retry layer,
``RetryTransport(RateLimitTransport(inner))``, so that every retry also waits for a slot and a
429's pause applies to the retry itself.

Per request:

* ``request.extensions[OPERATION_EXTENSION]`` is the operation's ``OperationSpec`` (the client sets
  it on every request to a spec operation; its own rate limits decide, nothing is looked up). A
  plain operation name there is looked up in the limiter's table; a request without it is not limited.
* ``request.extensions["klaviyo_rate_limit"] = False`` sends that request at once, without taking
  a slot. A 429 it receives still pauses the bucket: the refusal is about the account's budget,
  which the other callers share.

Per response, ``response.extensions["klaviyo_rate_limit"]`` holds a ``RateLimitInfo`` when the
response carries any ``RateLimit-*`` header. (The pinned spec documents only
``x-klaviyo-ratelimit`` per operation, not these headers; they are read as the IETF draft defines
them, and tolerated when malformed.) A 429 pauses the operation's bucket for its ``Retry-After``
(or, without one, its ``RateLimit-Reset``), so concurrent callers wait instead of hammering.

One budget per call: under a retry transport, each attempt's request carries an ``AttemptBudget``
(``extensions["klaviyo_budget"]``). A request is held back no longer than what is left of it (nor
than ``RateLimits.max_wait``), else ``RateLimitWaitExceededError`` is raised without sending; and
a 429's pause lasts at most the policy's ``retry_after_cap`` (``max_wait`` without a budget), so
one answer asking for an hour cannot hold every caller of the operation for an hour: the caller
that received it has the server's value on its ``RateLimitError``.

Sleeping is skipped in the package's test mode (``klaviyo_generated._retry.set_testing``), as in
the retry layer: one switch makes both layers instant while still counting and logging.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from .. import _aio as asyncio  # asyncio itself loads on first use (see _aio.py)
from .._operation import OPERATION_EXTENSION, OperationSpec
from .._ratelimit import (
    Limiter,
    OperationRef,
    RateLimits,
    bucket_key,
    coerce_limiter,
    parse_rate_limit_headers,
)
from .._retry import BUDGET_EXTENSION, AttemptBudget, is_testing
from .._retry_after import requested_wait

__all__ = ["RATE_LIMIT_EXTENSION", "AsyncRateLimitTransport", "RateLimitTransport"]

# The request's opt-out switch and the response's header summary share one name.
RATE_LIMIT_EXTENSION = "klaviyo_rate_limit"

_LOG = logging.getLogger("klaviyo_generated")


def _operation(request: httpx.Request) -> OperationRef:
    operation = request.extensions.get(OPERATION_EXTENSION)
    return operation if isinstance(operation, OperationSpec | str) else None


def _limited(request: httpx.Request) -> bool:
    return request.extensions.get(RATE_LIMIT_EXTENSION, True) is not False


def _budget(request: httpx.Request, limiter: Limiter) -> tuple[float, float]:
    """(the longest this request may be held back, the longest a 429 may pause its operation)."""
    budget = request.extensions.get(BUDGET_EXTENSION)
    if isinstance(budget, AttemptBudget):
        return min(limiter.limits.max_wait, budget.remaining), budget.retry_after_cap
    return limiter.limits.max_wait, limiter.limits.max_wait


_SHOWN_WAIT = 0.0005  # the shortest wait that reads as at least 0.001s in the log line


def _log_wait(operation: OperationRef, wait: float) -> None:
    # The operation name and the wait only: never the URL's query, headers or credentials.
    name = bucket_key(operation)
    # A slot that frees within half a millisecond is no delay worth telling anyone about: it would read
    # "delaying ... by 0.000s" (the limiter's arithmetic leaves such crumbs when a window just rolled).
    if wait >= _SHOWN_WAIT:
        _LOG.info(
            "Rate limit: delaying %s by %.3fs",
            name,
            wait,
            extra={"klaviyo_operation": name, "klaviyo_rate_limit_wait": wait},
        )
    else:
        _LOG.debug("Rate limit: %s sent without delay", name)


def _pause_after(limiter: Limiter, operation: OperationRef, response: httpx.Response, cap: float) -> float | None:
    """Expose the ``RateLimit-*`` headers; on a 429, the seconds to pause the operation's bucket for
    (the server's wait, at most ``cap``)."""
    # One pass over the raw header names instead of three case-insensitive lookups on every response.
    has_rate_headers = any(name[:10].lower() == b"ratelimit-" for name, _ in response.headers.raw)
    info = parse_rate_limit_headers(response.headers) if has_rate_headers else None
    if info is not None:
        response.extensions[RATE_LIMIT_EXTENSION] = info
    if response.status_code != 429 or not limiter.is_limited(operation):
        return None
    pause = requested_wait(429, response.headers)
    return min(pause, cap) if pause is not None and pause > 0 and cap > 0 else None


def _log_pause(operation: OperationRef, pause: float) -> None:
    name = bucket_key(operation)
    _LOG.info(
        "Rate limit: pausing %s for %.3fs after HTTP 429",
        name,
        pause,
        extra={"klaviyo_operation": name, "klaviyo_rate_limit_pause": pause},
    )


class RateLimitTransport(httpx.BaseTransport):
    """Holds each request back until its operation has a free slot, then sends it through ``transport``.

    Args:
        transport: the transport that does the I/O (default: a new ``httpx.HTTPTransport``).
        limits: a ``RateLimiter`` or ``RedisRateLimiter`` to share (one per account, across clients);
            ``RateLimits`` for a new in-process one; ``False`` to disable; ``None``/``True`` for the defaults.
        sleep: called with each wait in seconds (tests pass a recorder).
        clock: monotonic seconds, for a limiter built here (a passed limiter keeps its own).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        limits: Limiter | RateLimits | bool | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport if transport is not None else httpx.HTTPTransport()
        self.limiter = coerce_limiter(limits, clock=clock)
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        operation = _operation(request)
        may_wait, pause_cap = _budget(request, self.limiter)
        if operation is not None and _limited(request):
            wait = self.limiter.acquire(operation, max_wait=may_wait)  # 0.0 for an operation that is not limited
            _log_wait(operation, wait)
            while wait > 0 and not is_testing():
                self._sleep(wait)
                may_wait -= wait
                # A 429 that arrived while we slept paused the bucket past our slot: take a new
                # slot after the pause (the old one stays counted, which errs on the safe side).
                paused = self.limiter.paused_for(operation) > 0
                wait = self.limiter.acquire(operation, max_wait=max(may_wait, 0.0)) if paused else 0.0
                if wait > 0:
                    _log_wait(operation, wait)
        response = self._transport.handle_request(request)
        pause = _pause_after(self.limiter, operation, response, pause_cap)
        if pause is not None:
            self.limiter.pause(operation, pause)
            _log_pause(operation, pause)
        return response

    def close(self) -> None:
        self._transport.close()


class AsyncRateLimitTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RateLimitTransport``; ``sleep`` is awaited (default ``asyncio.sleep``).

    No ``asyncio.Lock`` is needed: each task reserves its slot atomically (under the in-process
    limiter's thread lock, held for microseconds and never across an ``await``, or in one Redis
    script for ``RedisRateLimiter``) and then sleeps until its own send time, so tasks are served
    first come, first served, and a task waiting for one operation never holds up another
    operation's tasks.
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        limits: Limiter | RateLimits | bool | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.limiter = coerce_limiter(limits, clock=clock)
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        operation = _operation(request)
        may_wait, pause_cap = _budget(request, self.limiter)
        if operation is not None and _limited(request):
            wait = await self.limiter.aacquire(operation, max_wait=may_wait)  # 0.0 when not limited
            _log_wait(operation, wait)
            while wait > 0 and not is_testing():
                await self._sleep(wait)
                may_wait -= wait
                paused = await self.limiter.apaused_for(operation) > 0
                wait = await self.limiter.aacquire(operation, max_wait=max(may_wait, 0.0)) if paused else 0.0
                if wait > 0:
                    _log_wait(operation, wait)
        response = await self._transport.handle_async_request(request)
        pause = _pause_after(self.limiter, operation, response, pause_cap)
        if pause is not None:
            await self.limiter.apause(operation, pause)
            _log_pause(operation, pause)
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
