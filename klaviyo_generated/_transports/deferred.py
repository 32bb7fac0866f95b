# Copied from overrides/runtime/_transports/deferred.py by `python -m generator sync`; edit that file, not this one.
"""The default network transport, built on the first request instead of with the client.

``httpx.HTTPTransport()`` builds an SSL context and loads the CA bundle when it is constructed:
30-70 ms on these machines, more than everything else a ``Klaviyo(...)`` costs before its first
call. A client that is built and never used (a worker that finds nothing to sync, a test, a CLI
printing ``--help``) should not pay it, so the bottom of the default stack builds it on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

__all__ = ["DeferredAsyncTransport", "DeferredTransport"]


T = TypeVar("T")


class _Deferred(Generic[T]):
    """Makes ``make()`` on first use, once, under a lock (threads may race on the first request)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: T | None = None
        self._lock = threading.Lock()

    def _get(self) -> T:
        made = self._made
        if made is None:
            with self._lock:
                if self._made is None:
                    self._made = self._make()
                made = self._made
        return made


class DeferredTransport(_Deferred[httpx.BaseTransport], httpx.BaseTransport):
    """Builds ``make()`` (default ``httpx.HTTPTransport``) on the first request."""

    def __init__(self, make: Callable[[], httpx.BaseTransport] = httpx.HTTPTransport) -> None:
        super().__init__(make)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._get().handle_request(request)

    def close(self) -> None:
        if self._made is not None:
            self._made.close()


class DeferredAsyncTransport(_Deferred[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport):
    """The async twin: builds ``make()`` (default ``httpx.AsyncHTTPTransport``) on the first request.

    Building is synchronous and never awaits, so tasks of one event loop cannot interleave inside
    it; the lock covers a client shared by event loops in different threads.
    """

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport] = httpx.AsyncHTTPTransport) -> None:
        super().__init__(make)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._get().handle_async_request(request)

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.aclose()
