"""The default network transport, built on the first request instead of with the client.

``httpx.HTTPTransport()`` builds an SSL context and loads the CA bundle when it is constructed:
30-70 ms on these machines, more than everything else a ``Klaviyo(...)`` costs before its first
call. A client that is built and never used (a worker that finds nothing to sync, a test, a CLI
printing ``--help``) should not pay it, so the bottom of the default stack builds it on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

__all__ = ["DeferredAsyncTransport", "DeferredTransport"]


class DeferredTransport(httpx.BaseTransport):
    """Builds ``make()`` (default ``httpx.HTTPTransport``) on the first request; thread-safe."""

    def __init__(self, make: Callable[[], httpx.BaseTransport] = httpx.HTTPTransport) -> None:
        self._make = make
        self._transport: httpx.BaseTransport | None = None
        self._lock = threading.Lock()

    def _get(self) -> httpx.BaseTransport:
        transport = self._transport
        if transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = self._make()
                transport = self._transport
        return transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._get().handle_request(request)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class DeferredAsyncTransport(httpx.AsyncBaseTransport):
    """The async twin: builds ``make()`` (default ``httpx.AsyncHTTPTransport``) on the first request.

    Building is synchronous and never awaits, so tasks of one event loop cannot interleave inside
    it; the thread lock covers a client shared across loops in different threads.
    """

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport] = httpx.AsyncHTTPTransport) -> None:
        self._make = make
        self._transport: httpx.AsyncBaseTransport | None = None
        self._lock = threading.Lock()

    def _get(self) -> httpx.AsyncBaseTransport:
        transport = self._transport
        if transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = self._make()
                transport = self._transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._get().handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
