"""What a call returns besides a model: ``APIResponse`` (a parsed result with its HTTP response) and
``Accepted`` (the receipt of a job with nothing to poll).

``kv.with_raw_response.profiles.get_profile(...)`` calls the same method as
``kv.profiles.get_profile(...)`` and returns an ``APIResponse`` instead of the bare model. The
wrappers below switch a context variable around the call; the client checks it when the call
returns. A context variable (rather than a flag argument) keeps the generated method signatures
identical between the two forms, and is per thread and per asyncio task, so concurrent calls in
the two modes do not see each other's switch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, Generic, ParamSpec, TypeVar

import attrs
import httpx

from ._exceptions import request_id_of
from ._ratelimit import RateLimitInfo
from ._transports.ratelimit import RATE_LIMIT_EXTENSION
from ._transports.retry import ATTEMPTS_EXTENSION

__all__ = ["APIResponse", "Accepted", "raw_mode", "to_async_raw_response", "to_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")

raw_mode: ContextVar[bool] = ContextVar("klaviyo_raw_response", default=False)


@attrs.frozen
class APIResponse(Generic[T]):
    """What a call returned (``parsed``) and how (``http_response``: status, headers, timing)."""

    parsed: T
    http_response: httpx.Response = attrs.field(repr=False)

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.headers)

    @property
    def attempts(self) -> int:
        """How many attempts the retry layer made (1 when the first one succeeded)."""
        attempts = self.http_response.extensions.get(ATTEMPTS_EXTENSION, 1)
        return attempts if isinstance(attempts, int) else 1

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """Klaviyo's ``RateLimit-*`` headers on this response, when it carried any."""
        info = self.http_response.extensions.get(RATE_LIMIT_EXTENSION)
        return info if isinstance(info, RateLimitInfo) else None


@attrs.frozen
class Accepted:
    """Klaviyo accepted the request (HTTP 202). This job type has no status endpoint: there is nothing
    to poll, and its effects show up in the resources it changes."""

    operation: str
    status_code: int
    request_id: str | None = None

    @classmethod
    def of(cls, operation: str, response: httpx.Response) -> Accepted:
        """The receipt of ``response`` (what the generated parser of such an operation returns on 202)."""
        return cls(operation, response.status_code, request_id_of(response.headers))


def to_raw_response(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """``method`` with the same arguments, returning an ``APIResponse`` of its result."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = raw_mode.set(True)
        try:
            result = method(*args, **kwargs)
        finally:
            raw_mode.reset(token)
        if not isinstance(result, APIResponse):  # pragma: no cover - a generated method bypassed the client
            raise TypeError(f"{method.__qualname__} did not go through the client")
        return result

    return wrapped


def to_async_raw_response(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, APIResponse[T]]]:
    """The async twin of ``to_raw_response``."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = raw_mode.set(True)
        try:
            result = await method(*args, **kwargs)
        finally:
            raw_mode.reset(token)
        if not isinstance(result, APIResponse):  # pragma: no cover
            raise TypeError(f"{method.__qualname__} did not go through the client")
        return result

    return wrapped
