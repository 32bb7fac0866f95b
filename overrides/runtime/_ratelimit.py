"""Proactive client-side rate limiting: the limiter state and its configuration.

Everything here is pure apart from one clock read per call (the clock is injected), so the
schedule can be tested exactly; the transports in ``_transports/ratelimit.py`` do the waiting.

The model, in one place:

* **One bucket per operation.** Klaviyo's limits are per account and per endpoint, and the spec
  gives each operation its own ``x-klaviyo-ratelimit`` (burst per second, steady per minute, and
  for some a daily cap: ``OperationSpec.rate_limits``, carried by every request the client sends).
  The bucket key is therefore the operation name, and one ``RateLimiter`` is meant to serve one
  account (one API key): share it between the clients (sync and async) that use the same key, and
  never between keys. Two
  operations that happen to have the same tier do not share a budget.
* **Sliding windows with reservations.** Each window ``(limit, period)`` keeps the send times of
  the last ``limit`` calls. A call is given the earliest time ``t`` (not before now, not before the
  previous reservation) at which every window holds fewer than ``limit`` sends in ``(t - period, t]``;
  ``t`` is recorded at once and the caller is told to wait ``t - now``. Reserving instead of
  "try, sleep, try again" makes waiters first-come first-served and needs no lock across a sleep.
  A sliding window is at least as strict as a fixed window of the same size, so the schedule also
  satisfies a server that counts per calendar second or minute.
* **Requests with no operation** (no ``OPERATION_EXTENSION``, e.g. a raw request to a path the spec
  does not have) are not limited: there is no declared rate to keep to, and guessing one would only slow them down.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar, overload, runtime_checkable

import attrs

from ._exceptions import RateLimitWaitExceeded, RateLimitWaitExceededError
from ._operation import OPERATION_EXTENSION, OperationSpec
from ._retry_after import leading_number

__all__ = [
    "OPERATION_EXTENSION",
    "Limiter",
    "OperationRef",
    "RateLimitInfo",
    "RateLimitWaitExceeded",
    "RateLimitWaitExceededError",
    "RateLimiter",
    "RateLimits",
    "coerce_limiter",
    "parse_rate_limit_headers",
]


class _HasRateLimits(Protocol):
    @property
    def rate_limits(self) -> tuple[tuple[int, float], ...]: ...


# What the limiter methods take: the operation's ``OperationSpec`` (what a request carries: its own
# rate limits, nothing looked up), or its name (looked up in the limiter's table, for callers).
OperationRef = OperationSpec | str | None


def bucket_key(operation: OperationRef) -> str | None:
    """The name the bucket of ``operation`` is kept under."""
    return operation.name if isinstance(operation, OperationSpec) else operation


def declared_rate_limits(
    operation: OperationRef, table: Mapping[str, _HasRateLimits] | None = None
) -> tuple[tuple[int, float], ...]:
    """The windows of ``operation`` (none when it is unknown).

    An ``OperationSpec`` brings its own, unless ``table`` (a limiter's own table, as tests and
    benchmarks pin) names it; a plain name is looked up in ``table``, or without one in the
    generated ``OPERATIONS``.
    """
    name = bucket_key(operation)
    if name is None:
        return ()
    if table is not None and (name in table or not isinstance(operation, OperationSpec)):
        entry = table.get(name)
    elif isinstance(operation, OperationSpec):
        return operation.rate_limits
    else:
        # Here, not at the top: the table's 345 specs are not needed to build a client.
        from ._operations import OPERATIONS

        entry = OPERATIONS.get(name)
    return () if entry is None else entry.rate_limits


def _check_max_wait(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    # inf is allowed (wait however long it takes, e.g. for a daily cap); NaN and negatives are mistakes.
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) or value < 0:
        raise ValueError(f"max_wait must be a number of seconds >= 0 (math.inf for no bound), got {value!r}")


def _check_headroom(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise ValueError(f"headroom must be a fraction in (0, 1], got {value!r}")


@attrs.frozen(kw_only=True)
class RateLimits:
    """How proactive rate limiting behaves. Immutable; derive variants with ``attrs.evolve``.

    Attributes:
        enabled: limit at all. Off, every call is sent at once (the server's 429s and the retry
            layer remain).
        max_wait: the longest a call may be held back, in seconds (less when the call's
            ``RetryPolicy.total_timeout`` has less left: one budget covers the whole call). A call
            that would need longer is not sent and not counted: ``RateLimitWaitExceededError`` is
            raised at once, carrying the wait. We raise rather than send anyway because a request
            sent early is a request we know the server will refuse: it would come back as a 429,
            the retry layer would wait and fail with ``RateLimitError`` later, having spent the
            caller's time and a slot for nothing. 60 s covers every per-second and per-minute window (a queue of calls
            within the steady limit always goes through) while an exhausted daily cap fails fast
            instead of blocking a thread for hours. ``math.inf`` waits however long it takes.
        headroom: the fraction of each declared rate to use. Applied by stretching each window
            (``limit`` calls per ``period / headroom``) rather than cutting the count, because a cut
            is coarse for the small tiers (3/s x 0.9 rounds down to 2/s, 1/s would become 0) and a
            stretch is exactly the time margin that absorbs network jitter between our send times and
            the server's arrival times. The default 1.0 uses the declared rates in full: they are
            the server's own figures, the sliding windows are already at least as strict as the
            server's, and the rare 429 at a window edge is absorbed by the retry layer and pauses
            the bucket. Lower it (e.g. 0.9) when other processes spend the same account's budget.
    """

    enabled: bool = True
    max_wait: float = attrs.field(default=60.0, validator=_check_max_wait)
    headroom: float = attrs.field(default=1.0, validator=_check_headroom)

    @classmethod
    def disabled(cls) -> RateLimits:
        """No limiting: every call is sent at once."""
        return cls(enabled=False)


class _Window:
    """One ``(limit, period)`` window: the send times of the last ``limit`` calls, oldest first."""

    __slots__ = ("limit", "period", "sent")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        # maxlen drops what can no longer matter: only the limit-th most recent send constrains the next.
        self.sent: deque[float] = deque(maxlen=limit)

    def earliest(self) -> float:
        """The earliest time the next send fits in this window (-inf when it is not full)."""
        return self.sent[0] + self.period if len(self.sent) == self.limit else -math.inf


class _Bucket:
    __slots__ = ("last", "paused_until", "windows")

    def __init__(self, windows: list[_Window]) -> None:
        self.windows = windows
        self.last = -math.inf  # the latest reservation: later calls never go before it (first come, first served)
        self.paused_until = -math.inf  # set from a 429's Retry-After


class RateLimiter:
    """The limiter state for one account: one bucket per operation, created on first use.

    Thread-safe: every read and write of the state happens under one ``threading.Lock``, held for
    a few microseconds and never across a sleep or an ``await``, so the same instance serves
    threads and asyncio tasks (and both at once).

    Args:
        limits: the configuration (default ``RateLimits()``).
        clock: monotonic seconds.
        operations: a table of rate limits by operation name that overrides what requests carry
            (tests and benchmarks pin their own); by default each request's ``OperationSpec``
            decides, and a plain name is looked up in the generated ``OPERATIONS``.
    """

    def __init__(
        self,
        limits: RateLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        operations: Mapping[str, _HasRateLimits] | None = None,
    ) -> None:
        self.limits = limits if limits is not None else RateLimits()
        self._clock = clock
        self._operations = operations
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def sibling(self) -> RateLimiter:
        """A new, empty limiter with this one's limits, clock and table: for another account's calls."""
        return RateLimiter(self.limits, clock=self._clock, operations=self._operations)

    def _bucket(self, operation: OperationRef) -> _Bucket | None:
        # Called with the lock held.
        key = bucket_key(operation)
        if not self.limits.enabled or key is None:
            return None
        bucket = self._buckets.get(key)
        if bucket is None:
            windows = declared_rate_limits(operation, self._operations)
            if not windows:
                return None
            headroom = self.limits.headroom
            bucket = self._buckets[key] = _Bucket(
                [_Window(limit, period / headroom) for limit, period in windows if limit > 0]
            )
        return bucket

    def is_limited(self, operation: OperationRef) -> bool:
        """Whether calls to ``operation`` are limited at all (enabled and a known operation)."""
        with self._lock:
            return self._bucket(operation) is not None

    def acquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float:
        """Reserve the next free slot for ``operation`` and return the seconds to wait before sending.

        The reservation is recorded at once, so the caller must send after waiting (or accept
        that the slot is spent). Returns 0.0 for an operation that is not limited. Raises
        ``RateLimitWaitExceededError``, recording nothing, when the wait would exceed
        ``limits.max_wait`` or the given ``max_wait`` (what this call may still wait), if lower.
        """
        bound = self.limits.max_wait if max_wait is None else min(self.limits.max_wait, max_wait)
        with self._lock:
            bucket = self._bucket(operation)
            if bucket is None:
                return 0.0
            now = self._clock()
            at = max(now, bucket.last, bucket.paused_until, *(window.earliest() for window in bucket.windows))
            wait = at - now
            if wait > bound:
                raise RateLimitWaitExceededError(str(bucket_key(operation)), wait, bound)
            for window in bucket.windows:
                window.sent.append(at)
            bucket.last = at
            return wait

    def pause(self, operation: OperationRef, seconds: float) -> None:
        """Hold every call to ``operation`` until ``seconds`` from now (after a 429's Retry-After).

        A shorter pause never shortens a longer one already in force.
        """
        with self._lock:
            bucket = self._bucket(operation)
            if bucket is not None and math.isfinite(seconds) and seconds > 0:
                bucket.paused_until = max(bucket.paused_until, self._clock() + seconds)

    def paused_for(self, operation: OperationRef) -> float:
        """Seconds left on a pause of ``operation`` (0.0 when not paused or not limited)."""
        with self._lock:
            bucket = self._bucket(operation)
            return 0.0 if bucket is None else max(0.0, bucket.paused_until - self._clock())

    # The async twins: the state is in this process and the lock is never held across an await,
    # so they are the sync methods (a shared store, e.g. ``RedisRateLimiter``, awaits its I/O here).

    async def aacquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float:
        """``acquire`` for async callers."""
        return self.acquire(operation, max_wait=max_wait)

    async def apause(self, operation: OperationRef, seconds: float) -> None:
        """``pause`` for async callers."""
        self.pause(operation, seconds)

    async def apaused_for(self, operation: OperationRef) -> float:
        """``paused_for`` for async callers."""
        return self.paused_for(operation)


@runtime_checkable
class Limiter(Protocol):
    """What the clients and transports need from a limiter: ``RateLimiter`` (in this process) and
    ``RedisRateLimiter`` (shared through Redis) both provide it, so either is accepted as
    ``rate_limits=``. The semantics are ``RateLimiter``'s; the ``a``-prefixed twins are for async callers.
    """

    @property
    def limits(self) -> RateLimits: ...

    def is_limited(self, operation: OperationRef) -> bool: ...

    def acquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float: ...

    def pause(self, operation: OperationRef, seconds: float) -> None: ...

    def paused_for(self, operation: OperationRef) -> float: ...

    async def aacquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float: ...

    async def apause(self, operation: OperationRef, seconds: float) -> None: ...

    async def apaused_for(self, operation: OperationRef) -> float: ...


_L = TypeVar("_L", bound=Limiter)


@overload
def coerce_limiter(value: _L, *, clock: Callable[[], float] = ...) -> _L: ...
@overload
def coerce_limiter(value: object, *, clock: Callable[[], float] = ...) -> Limiter: ...
def coerce_limiter(value: object, *, clock: Callable[[], float] = time.monotonic) -> Limiter:
    """The limiter meant by a ``limits=`` argument: a ``Limiter`` such as a ``RateLimiter`` or a
    ``RedisRateLimiter`` (shared as is), a ``RateLimits`` (a new in-process limiter), ``False``
    (disabled), or ``True``/``None`` (the defaults)."""
    if isinstance(value, RateLimiter):  # the common case first: no protocol check
        return value
    if isinstance(value, RateLimits):
        return RateLimiter(value, clock=clock)
    if value is False:
        return RateLimiter(RateLimits.disabled(), clock=clock)
    if value is True or value is None:
        return RateLimiter(clock=clock)
    if isinstance(value, Limiter):
        return value
    raise TypeError(
        f"limits must be a RateLimiter, RedisRateLimiter, RateLimits, True, False or None, got {type(value).__name__}"
    )


@attrs.frozen(kw_only=True)
class RateLimitInfo:
    """Klaviyo's ``RateLimit-*`` response headers, read in the IETF draft style
    (draft-ietf-httpapi-ratelimit-headers). Each field is ``None`` when its header is absent or unreadable.

    Attributes:
        limit: ``RateLimit-Limit``, the request quota of the current window.
        remaining: ``RateLimit-Remaining``, requests left in it.
        reset: ``RateLimit-Reset``, seconds until it resets.
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None


def _integer(value: str | None) -> int | None:
    number = leading_number(value)
    return int(number) if number is not None and number.is_integer() else None


def parse_rate_limit_headers(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """The ``RateLimit-*`` headers of a response, or ``None`` when it carries none of them.

    ``headers`` is looked up case-insensitively when it is an ``httpx.Headers``; garbage in one
    header makes that field ``None`` and never raises.
    """
    limit, remaining, reset = (
        headers.get(name) for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
    )
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimitInfo(limit=_integer(limit), remaining=_integer(remaining), reset=leading_number(reset))
