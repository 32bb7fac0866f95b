# Copied from overrides/runtime/_transports/__init__.py by `python -m generator sync`; edit that file, not this one.
"""httpx transports that wrap another transport, in the manner of httpx's own ``_transports/``.

The seam is httpx's ``BaseTransport`` / ``AsyncBaseTransport``: each layer takes the request,
does its one job and hands it to the transport it wraps, so layers stack in any order and a
user-supplied transport (or ``httpx.MockTransport`` in tests) can sit at the bottom. One module
per layer, each with a sync and an async twin sharing their decisions.
"""

from __future__ import annotations

from .deferred import DeferredAsyncTransport, DeferredTransport
from .log import AsyncLogTransport, LogTransport
from .ratelimit import AsyncRateLimitTransport, RateLimitTransport
from .retry import AsyncRetryTransport, RetryTransport

__all__ = [
    "AsyncLogTransport",
    "AsyncRateLimitTransport",
    "AsyncRetryTransport",
    "DeferredAsyncTransport",
    "DeferredTransport",
    "LogTransport",
    "RateLimitTransport",
    "RetryTransport",
]
