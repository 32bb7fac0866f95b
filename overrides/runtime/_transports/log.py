"""The observing transports: ``LogTransport`` (sync) and ``AsyncLogTransport`` (async).

They sit at the bottom of the client's stack, right above the I/O transport::

    RetryTransport(RateLimitTransport(LogTransport(inner)))

so that they see every attempt the retry layer makes, each as it goes on the wire: ``attempt``
counts those sends, and ``elapsed_ms`` is the round trip alone, without the rate limiter's waits
or the retry layer's pauses (both log their own lines, on the same ``klaviyo_generated`` logger).
An attempt the rate limiter refuses to send (``RateLimitWaitExceededError``) was never sent and
has no line. ``elapsed_ms`` ends when the response's headers arrive; the retry layer reads the
body after that.

What is said, and what never is, is decided in ``klaviyo_generated._observe``. With no hook and
the logger below INFO, an attempt costs one counter update and one ``isEnabledFor``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from .._observe import Hook, acall_hook, call_hook, finished, started, wants

__all__ = ["AsyncLogTransport", "LogTransport"]

# The request object is the same across the retry layer's attempts: the count travels on it.
_ATTEMPT = "klaviyo_log_attempt"


def _count(request: httpx.Request) -> int:
    attempt: int = request.extensions.get(_ATTEMPT, 0) + 1
    request.extensions[_ATTEMPT] = attempt
    return attempt


class LogTransport(httpx.BaseTransport):
    """Logs one line per attempt through ``transport`` and calls the hooks around it.

    Args:
        transport: the transport that does the I/O.
        clock: monotonic seconds, for ``elapsed_ms`` (tests pass a fake).
        on_request: called with a ``RequestEvent`` before each attempt is sent.
        on_response: called with the completed ``RequestEvent`` after each attempt, answered or raised.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_request: Hook | None = None,
        on_response: Hook | None = None,
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._on_request, self._on_response = on_request, on_response
        self._hooks = on_request is not None or on_response is not None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _count(request)
        if not wants(self._hooks):
            return self._transport.handle_request(request)
        event = started(request, attempt)
        if self._on_request is not None:
            call_hook(self._on_request, event, "on_request")
        start = self._clock()
        try:
            response = self._transport.handle_request(request)
        except Exception as error:
            done = finished(request, event, self._clock() - start, None, error)
            if self._on_response is not None:
                call_hook(self._on_response, done, "on_response")
            raise
        done = finished(request, event, self._clock() - start, response, None)
        if self._on_response is not None:
            call_hook(self._on_response, done, "on_response")
        return response

    def close(self) -> None:
        self._transport.close()


class AsyncLogTransport(httpx.AsyncBaseTransport):
    """The async twin of ``LogTransport``: a hook's awaitable result is awaited (plain functions are
    fine too; they run on the event loop, so they should be quick)."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_request: Hook | None = None,
        on_response: Hook | None = None,
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._on_request, self._on_response = on_request, on_response
        self._hooks = on_request is not None or on_response is not None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _count(request)
        if not wants(self._hooks):
            return await self._transport.handle_async_request(request)
        event = started(request, attempt)
        if self._on_request is not None:
            await acall_hook(self._on_request, event, "on_request")
        start = self._clock()
        try:
            response = await self._transport.handle_async_request(request)
        except Exception as error:
            done = finished(request, event, self._clock() - start, None, error)
            if self._on_response is not None:
                await acall_hook(self._on_response, done, "on_response")
            raise
        done = finished(request, event, self._clock() - start, response, None)
        if self._on_response is not None:
            await acall_hook(self._on_response, done, "on_response")
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
