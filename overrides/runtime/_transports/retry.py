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

The response body is read inside the loop, so a body cut off mid-transfer is one more failed
attempt (retried under the same rules as a dropped connection) rather than an error after the
loop has ended. A body that does not match its ``Content-Encoding`` is returned undecoded, with
that header dropped and ``response.extensions["klaviyo_decode_error"]`` saying why, so the error
layer can report it with its status. A request with ``extensions["klaviyo_stream"] = True`` is
returned unread, for callers that stream the body themselves.

Each attempt's request carries ``extensions["klaviyo_budget"]`` (an ``AttemptBudget``): what is
left of ``total_timeout``, which bounds the rate-limit layer's wait and the attempt's httpx
timeouts, so the call as a whole keeps to the one budget.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random as _random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx

from .. import _aio as asyncio  # asyncio itself loads on first use (see _aio.py)
from .._exceptions import RateLimitWaitExceededError
from .._observe import log_path
from .._retry import BUDGET_EXTENSION, AttemptBudget, RetryPolicy, coerce_policy, is_testing
from .._retry_after import requested_wait

__all__ = [
    "ATTEMPTS_EXTENSION",
    "DECODE_ERROR_EXTENSION",
    "RETRY_EXTENSION",
    "STREAM_EXTENSION",
    "AsyncRetryTransport",
    "RetryTransport",
]

RETRY_EXTENSION = "klaviyo_retry"
ATTEMPTS_EXTENSION = "klaviyo_attempts"
STREAM_EXTENSION = "klaviyo_stream"
DECODE_ERROR_EXTENSION = "klaviyo_decode_error"

# The package logger, so one ``logging.getLogger("klaviyo_generated")`` setting covers every layer.
_LOG = logging.getLogger("klaviyo_generated")


class _Attempts:
    """The state of one logical request across its attempts; the sync and async loops share it so
    their decisions cannot drift apart."""

    __slots__ = ("_clock", "_random", "_start", "count", "policy", "read_body", "request", "sent_at")

    def __init__(
        self, policy: RetryPolicy, request: httpx.Request, clock: Callable[[], float], random: Callable[[], float]
    ) -> None:
        self.policy = policy
        self.request = request
        self.count = 0
        self._clock = clock
        self._random = random
        self._start = clock()
        self.read_body = request.extensions.get(STREAM_EXTENSION) is not True
        self.sent_at = 0.0

    def begin(self) -> None:
        """Count the attempt and hand the layers below what is left of the call's time budget."""
        self.count += 1
        self.sent_at = time.perf_counter()
        total = self.policy.total_timeout
        remaining = math.inf if total is None else max(0.0, total - (self._clock() - self._start))
        extensions = self.request.extensions
        extensions[BUDGET_EXTENSION] = AttemptBudget(remaining, self.policy.retry_after_cap)
        timeouts = extensions.get("timeout")
        if remaining < math.inf and isinstance(timeouts, dict):
            # No single attempt may outlast the call; a floor keeps a spent budget from meaning
            # "no timeout" (0 and None mean other things to the socket layer).
            bound = max(remaining, 0.001)
            extensions["timeout"] = {
                name: bound if value is None or value > bound else value for name, value in timeouts.items()
            }

    def after_response(self, response: httpx.Response) -> float | None:
        """The wait before the next attempt, or ``None`` to return ``response``."""
        if not self.policy.is_retryable_status(response.status_code):
            return None  # the common case, decided without reading any header
        retry_after = requested_wait(response.status_code, response.headers)
        return self._next_wait(status=response.status_code, error=None, retry_after=retry_after)

    def after_error(self, error: Exception) -> float | None:
        """The wait before the next attempt, or ``None`` to re-raise ``error``."""
        return self._next_wait(status=None, error=error, retry_after=None)

    def record(self, error: Exception) -> None:
        """Mark an exception that is about to propagate with the number of attempts made."""
        if isinstance(error, RateLimitWaitExceededError):
            error.attempts = self.count - 1  # the refused attempt was never sent
            return
        with contextlib.suppress(AttributeError):  # an exception class with __slots__ cannot take the attribute
            setattr(error, ATTEMPTS_EXTENSION, self.count)
        error.add_note(f"after {self.count} attempt{'' if self.count == 1 else 's'}")

    def finish(self, response: httpx.Response) -> httpx.Response:
        response.extensions[ATTEMPTS_EXTENSION] = self.count
        if self.read_body:
            # httpx times a response until its stream closes; ours closed here, before httpx bound it.
            response.elapsed = timedelta(seconds=time.perf_counter() - self.sent_at)
        return response

    def _next_wait(self, *, status: int | None, error: Exception | None, retry_after: float | None) -> float | None:
        policy, method = self.policy, self.request.method
        elapsed = self._clock() - self._start
        # Decide first, then draw the wait: no random number is consumed for an outcome that is final.
        if not policy.should_retry(
            method=method, status=status, error=error, attempt=self.count, elapsed=elapsed, retry_after=retry_after
        ):
            return None
        wait = policy.delay(attempt=self.count, retry_after=retry_after, random=self._random)
        if not policy.should_retry(
            method=method, status=status, error=error, attempt=self.count, elapsed=elapsed, wait=wait
        ):
            return None  # the wait would overrun total_timeout
        reason = f"HTTP {status}" if error is None else type(error).__name__
        # Method and path only: the query string may carry a public key or an email, and headers carry
        # credentials; the path as the per-attempt lines show it (the template: no id, no email).
        _LOG.info(
            "Retrying %s %s in %.3fs after %s (attempt %d/%d failed)",
            method,
            log_path(self.request),
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
            attempts.begin()
            try:
                response = self._transport.handle_request(request)
                wait = attempts.after_response(response)
                if wait is None:
                    return attempts.finish(_read(request, response) if attempts.read_body else response)
                _discard(response)
            except Exception as error:
                wait = attempts.after_error(error)
                if wait is None:
                    attempts.record(error)
                    raise
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
            attempts.begin()
            try:
                response = await self._transport.handle_async_request(request)
                wait = attempts.after_response(response)
                if wait is None:
                    return attempts.finish(await _aread(request, response) if attempts.read_body else response)
                await _adiscard(response)
            except Exception as error:
                wait = attempts.after_error(error)
                if wait is None:
                    attempts.record(error)
                    raise
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


# Reading a kept response: the raw bytes first (a cut connection raises here, inside the retry
# loop), then the decoding its Content-Encoding declares, whose failure is no network fault and is
# not retried: the raw bytes are kept instead and the error layer reports the status with them.
def _read(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    if _already_read(response):
        return response
    stream = response.stream
    if not isinstance(stream, httpx.SyncByteStream):
        raise TypeError("a sync transport returned an async response stream")
    try:
        raw = b"".join(stream)
    finally:
        stream.close()
    return _decoded(request, response, raw)


async def _aread(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    if _already_read(response):
        return response
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise TypeError("an async transport returned a sync response stream")
    try:
        raw = b"".join([chunk async for chunk in stream])
    finally:
        await stream.aclose()
    return _decoded(request, response, raw)


def _already_read(response: httpx.Response) -> bool:
    # A response built from bytes (a mock, a fake) or read by a caller's own httpx.Client.
    try:
        response.content  # noqa: B018 - the property raises when the body was not read
    except httpx.ResponseNotRead:
        return False
    return True


def _decoded(request: httpx.Request, response: httpx.Response, raw: bytes) -> httpx.Response:
    response.stream = httpx.ByteStream(raw)
    try:
        response.read()
    except httpx.DecodingError as error:
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
        reason = f"does not match its Content-Encoding {response.headers.get('content-encoding', '')!r} ({error})"
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=raw,
            extensions={**response.extensions, DECODE_ERROR_EXTENSION: reason},
            request=request,
        )
    return response
