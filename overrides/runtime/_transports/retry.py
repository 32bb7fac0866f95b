"""Retrying transports: ``RetryTransport`` (sync) and ``AsyncRetryTransport`` (async).

They wrap an inner transport and apply a ``RetryPolicy`` (see ``klaviyo_generated._retry`` for
the rules). The loop is ours rather than httpx-retries' or stamina's because neither can tell a
POST that never left (connect failure, 429) from one the server may have applied (5xx, read
timeout), nor take an injected clock and sleep that tests can observe exactly.

Per request, ``request.extensions["klaviyo_retry"]`` may hold a ``RetryPolicy`` or ``False``
(one attempt) to override the transport's policy. The outcome carries the attempt count: the
returned response as ``response.extensions["klaviyo_attempts"]``; a raised exception as the
attribute ``klaviyo_attempts`` and a note ``"after N attempts"``. When retries run out the last
response is returned as is (the error layer turns it into a typed error) and the last exception
is re-raised.

Only requests whose body can be sent again are retried: bytes bodies (JSON, form, empty) are; a
streaming body (an iterator, or a multipart upload) is sent once, since replaying it would mean
buffering an upload of any size in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from .._retry import RetryPolicy, coerce_policy, is_testing
from .._retry_after import parse_retry_after

__all__ = ["ATTEMPTS_EXTENSION", "RETRY_EXTENSION", "AsyncRetryTransport", "RetryTransport"]

RETRY_EXTENSION = "klaviyo_retry"
ATTEMPTS_EXTENSION = "klaviyo_attempts"

# The package logger, so one ``logging.getLogger("klaviyo_generated")`` setting covers every layer.
_LOG = logging.getLogger("klaviyo_generated")


class _Attempts:
    """The state of one logical request across its attempts; the sync and async loops share it so
    their decisions cannot drift apart."""

    __slots__ = ("_clock", "_random", "_start", "count", "policy", "request")

    def __init__(
        self, policy: RetryPolicy, request: httpx.Request, clock: Callable[[], float], random: Callable[[], float]
    ) -> None:
        self.policy = policy
        self.request = request
        self.count = 0
        self._clock = clock
        self._random = random
        self._start = clock()

    def after_response(self, response: httpx.Response) -> float | None:
        """The wait before the next attempt, or ``None`` to return ``response``."""
        if not self.policy.is_retryable_status(response.status_code):
            return None  # the common case, decided without reading any header
        retry_after = parse_retry_after(response.headers.get("Retry-After"), date=response.headers.get("Date"))
        return self._next_wait(status=response.status_code, error=None, retry_after=retry_after)

    def after_error(self, error: Exception) -> float | None:
        """The wait before the next attempt, or ``None`` to re-raise ``error``."""
        return self._next_wait(status=None, error=error, retry_after=None)

    def record(self, error: Exception) -> None:
        """Mark an exception that is about to propagate with the number of attempts made."""
        with contextlib.suppress(AttributeError):  # an exception class with __slots__ cannot take the attribute
            setattr(error, ATTEMPTS_EXTENSION, self.count)
        error.add_note(f"after {self.count} attempt{'' if self.count == 1 else 's'}")

    def _next_wait(self, *, status: int | None, error: Exception | None, retry_after: float | None) -> float | None:
        policy, method = self.policy, self.request.method
        elapsed = self._clock() - self._start
        # Decide first, then draw the wait: no random number is consumed for an outcome that is final.
        if not policy.should_retry(method=method, status=status, error=error, attempt=self.count, elapsed=elapsed):
            return None
        wait = policy.delay(attempt=self.count, retry_after=retry_after, random=self._random)
        if not policy.should_retry(
            method=method, status=status, error=error, attempt=self.count, elapsed=elapsed, wait=wait
        ):
            return None  # the wait would overrun total_timeout
        reason = f"HTTP {status}" if error is None else type(error).__name__
        # Method and path only: the query string may carry a public key, and headers carry credentials.
        _LOG.info(
            "Retrying %s %s in %.3fs after %s (attempt %d/%d failed)",
            method,
            self.request.url.path,
            wait,
            reason,
            self.count,
            policy.max_attempts,
            extra={
                "klaviyo_retry_reason": reason,
                "klaviyo_retry_attempt": self.count,
                "klaviyo_retry_max_attempts": policy.max_attempts,
                "klaviyo_retry_delay": wait,
            },
        )
        return wait


def _policy_for(request: httpx.Request, default: RetryPolicy) -> RetryPolicy:
    policy = coerce_policy(request.extensions.get(RETRY_EXTENSION), default, name=RETRY_EXTENSION)
    # A streaming body is consumed by the first attempt; there is nothing to send a second time.
    return policy if isinstance(request.stream, httpx.ByteStream) else RetryPolicy.none()


class RetryTransport(httpx.BaseTransport):
    """Retries requests through ``transport`` according to ``policy``.

    Args:
        transport: the transport that does the I/O (default: a new ``httpx.HTTPTransport``).
        policy: a ``RetryPolicy``; ``False`` for a single attempt; ``None``/``True`` for the defaults.
        sleep: called with each wait in seconds (tests pass a recorder).
        clock: monotonic seconds, for the ``total_timeout`` budget.
        random: floats in [0, 1) for jitter.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | bool | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._transport = transport if transport is not None else httpx.HTTPTransport()
        self.policy = coerce_policy(policy, RetryPolicy())
        self._sleep = sleep
        self._clock = clock
        self._random = random

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(_policy_for(request, self.policy), request, self._clock, self._random)
        while True:
            attempts.count += 1
            try:
                response = self._transport.handle_request(request)
            except Exception as error:
                wait = attempts.after_error(error)
                if wait is None:
                    attempts.record(error)
                    raise
            else:
                wait = attempts.after_response(response)
                if wait is None:
                    response.extensions[ATTEMPTS_EXTENSION] = attempts.count
                    return response
                _discard(response)
            # Sleeping outside the except block keeps a later failure from being chained to this one.
            if not is_testing():
                self._sleep(wait)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``; ``sleep`` is awaited (default ``asyncio.sleep``)."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | bool | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.policy = coerce_policy(policy, RetryPolicy())
        self._sleep = sleep
        self._clock = clock
        self._random = random

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(_policy_for(request, self.policy), request, self._clock, self._random)
        while True:
            attempts.count += 1
            try:
                response = await self._transport.handle_async_request(request)
            except Exception as error:
                wait = attempts.after_error(error)
                if wait is None:
                    attempts.record(error)
                    raise
            else:
                wait = attempts.after_response(response)
                if wait is None:
                    response.extensions[ATTEMPTS_EXTENSION] = attempts.count
                    return response
                await _adiscard(response)
            if not is_testing():
                await self._sleep(wait)

    async def aclose(self) -> None:
        await self._transport.aclose()


# A response that is about to be retried is read to the end, so its connection goes back to the
# pool for the next attempt, and then closed. A failure while reading changes nothing: the
# response is being dropped anyway, and closing it releases the connection regardless.
def _discard(response: httpx.Response) -> None:
    try:
        response.read()
    except (httpx.HTTPError, httpx.StreamError):
        pass
    finally:
        response.close()


async def _adiscard(response: httpx.Response) -> None:
    try:
        await response.aread()
    except (httpx.HTTPError, httpx.StreamError):
        pass
    finally:
        await response.aclose()
