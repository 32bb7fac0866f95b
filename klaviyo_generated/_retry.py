# Copied from overrides/runtime/_retry.py by `python -m generator sync`; edit that file, not this one.
"""The retry policy: which failures are retried, how long to wait, and when to give up.

Everything here is pure (no I/O, no sleeping, no clock reads unless one is passed in), so the
rules can be tested exactly; the transports in ``_transports/retry.py`` apply them to traffic.

The rules, in one place:

* A request is retried only for a listed status (``retry_statuses``) or a transport error, and
  only while both budgets last: ``max_attempts`` (attempts including the first) and
  ``total_timeout`` (wall time from the first attempt, including the wait before the next one).
  The budget is the whole call's: the transports pass what is left of it to the rate-limit
  layer below (``AttemptBudget``), so waits for a slot count against it too.
* A server that asks for a longer wait (``Retry-After``, or ``RateLimit-Reset`` on a 429) than
  ``retry_after_cap`` is not waited for: the call fails at once and its error carries the wait.
* 429 and connect failures (``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``) are always safe:
  the server rejected or never saw the request, so even a POST can be sent again.
* Anything else that may have reached the server (a 5xx, a read/write timeout, a dropped
  connection) is retried only for idempotent methods, unless ``retry_non_idempotent=True``:
  repeating a POST that the server may have processed could create a second profile or event.
"""

from __future__ import annotations

import math
import random as _random
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Final

import attrs
import httpx

__all__ = [
    "BUDGET_EXTENSION",
    "IDEMPOTENT_METHODS",
    "RETRY_ALL_ERRORS_STATUSES",
    "AttemptBudget",
    "RetryPolicy",
    "coerce_policy",
    "is_testing",
    "set_testing",
]

# Set by the retry transports on each attempt's request; read by the layers below them.
BUDGET_EXTENSION: Final = "klaviyo_budget"

# RFC 9110 section 9.2.2: sending these twice has the same effect on the server as sending them once.
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

# Statuses that ``retry_all_errors`` adds on top of every 5xx: each means "not now" rather than "never".
# 408 Request Timeout and 425 Too Early invite a repeat; the other 4xx (400, 401, 403, 404, 409, 422 ...)
# describe the request itself, so sending it again unchanged cannot succeed.
RETRY_ALL_ERRORS_STATUSES: Final = frozenset({408, 425, 429})

_DEFAULT_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

# The request provably never reached the server: no connection, or none free in the pool.
_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

# Transient failures worth another try (for idempotent requests). Others, such as
# UnsupportedProtocol or LocalProtocolError, are bugs or configuration and would fail again.
_TRANSIENT: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    # bool is an int; "initial_wait=True" is a mistake, not one second.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value!r}")


def _check_max_attempts(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_attempts must be an integer >= 1 (1 means no retries), got {value!r}")


# The attribute is Attribute[Any]: attrs infers the field's type from the float default, not the annotation.
def _check_total_timeout(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"total_timeout must be a finite number of seconds > 0, or None for no time bound, got {value!r}"
        )


def _to_statuses(value: Iterable[int]) -> frozenset[int]:
    statuses = frozenset(value)
    for status in sorted(statuses, key=repr):
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"retry_statuses must hold HTTP error statuses (400-599), got {status!r}")
    return statuses


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a request is retried. Immutable; derive variants with ``attrs.evolve(policy, ...)``.

    The defaults keep a failing call under about a minute and never repeat a write that the
    server may have applied. ``RetryPolicy.none()`` (or ``retry=False``) means a single attempt.

    Attributes:
        max_attempts: attempts including the first (3 = the first try and two retries, as
            openai-python and stripe-python do by default: enough to ride out a blip, short
            enough that an outage surfaces quickly).
        total_timeout: seconds from the start of the first attempt; a retry is made only if the
            wait before it ends within this budget. ``None`` drops the time bound (attempts
            still apply).
        initial_wait: seconds before the first retry (and every retry when ``exponential`` is off).
        max_wait: ceiling on a computed backoff wait, jitter included.
        exponential: double the wait after each failed attempt; off means a fixed delay of
            ``initial_wait``.
        jitter: up to this many seconds added at random to each computed wait, so that clients
            failing together do not retry together. Not added to a server-given Retry-After.
        retry_statuses: response statuses that are retried.
        retry_after_cap: the longest server-requested wait (``Retry-After`` in seconds or as an
            HTTP date; on a 429 without it, ``RateLimit-Reset``) that is waited out before a retry.
            A longer one is not waited for at all: the call fails at once with the typed error
            (``RateLimitError.retry_after`` holds the server's value), since Klaviyo's windows are
            per second and per minute and a longer wait means a daily cap or an outage. The
            rate-limit layer pauses the operation for other callers for at most this long too.
        retry_non_idempotent: also retry POST/PATCH after failures where the server may have
            processed the request (5xx, read timeout, dropped connection). Only for endpoints
            whose writes are idempotent by content (e.g. Klaviyo's upserts keyed by email).
        retry_all_errors: also retry every other 5xx, 408, 425 and 429 (``RETRY_ALL_ERRORS_STATUSES``),
            and every ``httpx.TransportError``. 4xx answers about the request itself (400, 401,
            403, 404, 409, 422 ...) are still never retried: repeating them cannot succeed.
            The idempotency rule above still applies.
    """

    max_attempts: int = attrs.field(default=3, validator=_check_max_attempts)
    total_timeout: float | None = attrs.field(default=60.0, validator=_check_total_timeout)
    initial_wait: float = attrs.field(default=0.5, validator=_non_negative)
    max_wait: float = attrs.field(default=8.0, validator=_non_negative)
    exponential: bool = True
    jitter: float = attrs.field(default=0.25, validator=_non_negative)
    retry_statuses: frozenset[int] = attrs.field(default=_DEFAULT_STATUSES, converter=_to_statuses)
    retry_after_cap: float = attrs.field(default=30.0, validator=_non_negative)
    retry_non_idempotent: bool = False
    retry_all_errors: bool = False

    def __attrs_post_init__(self) -> None:
        if self.max_wait < self.initial_wait:
            raise ValueError(f"max_wait ({self.max_wait!r}) must be >= initial_wait ({self.initial_wait!r})")

    @classmethod
    def none(cls) -> RetryPolicy:
        """A single attempt: nothing is retried."""
        return cls(max_attempts=1)

    def is_retryable_status(self, status: int) -> bool:
        """Whether ``status`` is retried at all (before the method and budget rules)."""
        if status in self.retry_statuses:
            return True
        return self.retry_all_errors and (status >= 500 or status in RETRY_ALL_ERRORS_STATUSES)

    def should_retry(
        self,
        *,
        method: str,
        status: int | None = None,
        error: BaseException | None = None,
        attempt: int,
        elapsed: float,
        wait: float = 0.0,
        retry_after: float | None = None,
    ) -> bool:
        """Whether to make another attempt after attempt number ``attempt`` (1-based) failed.

        Pass the response ``status`` or the raised ``error``. ``elapsed`` is the time since the
        first attempt began; ``wait`` the delay that would precede the next attempt, so that a
        retry whose wait would overrun ``total_timeout`` is not started; ``retry_after`` the wait
        the server asked for, if it did (more than ``retry_after_cap`` means no retry).
        """
        if not self._within_budget(attempt=attempt, elapsed=elapsed, wait=wait, retry_after=retry_after):
            return False
        may_repeat = method.upper() in IDEMPOTENT_METHODS or self.retry_non_idempotent
        if error is not None:
            if isinstance(error, _NEVER_SENT):
                return True
            transient = isinstance(error, httpx.TransportError if self.retry_all_errors else _TRANSIENT)
            return transient and may_repeat
        if status is not None and self.is_retryable_status(status):
            # A 429 is a refusal before any processing: as safe to repeat as a failed connect.
            return status == 429 or may_repeat
        return False

    def _within_budget(self, *, attempt: int, elapsed: float, wait: float, retry_after: float | None) -> bool:
        """Attempts, the server's requested wait and the time budget all allow one more attempt."""
        if attempt >= self.max_attempts or (retry_after is not None and retry_after > self.retry_after_cap):
            return False
        return self.total_timeout is None or elapsed + wait <= self.total_timeout

    def delay(
        self, *, attempt: int, retry_after: float | None = None, random: Callable[[], float] = _random.random
    ) -> float:
        """Seconds to wait after attempt number ``attempt`` (1-based) failed.

        A server's ``retry_after`` wins, capped at ``retry_after_cap``. Otherwise
        ``initial_wait * 2 ** (attempt - 1)`` (or ``initial_wait`` when not exponential) plus
        ``jitter * random()``, capped at ``max_wait``. ``random`` returns a float in [0, 1).
        """
        if attempt < 1:
            raise ValueError(f"attempt must be >= 1, got {attempt!r}")
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        # The exponent is bounded so that a huge attempt number saturates at max_wait instead of overflowing.
        base = self.initial_wait * 2.0 ** min(attempt - 1, 64) if self.exponential else self.initial_wait
        return min(self.max_wait, base + self.jitter * random())


@attrs.frozen
class AttemptBudget:
    """What the layers under the retry loop may spend on one attempt, set on its request as
    ``request.extensions["klaviyo_budget"]``.

    Attributes:
        remaining: seconds left of the call's ``total_timeout`` (``math.inf`` without one); a
            rate limiter holds the attempt back no longer than this.
        retry_after_cap: the policy's ``retry_after_cap``; a 429's pause lasts no longer.
    """

    remaining: float
    retry_after_cap: float


def coerce_policy(value: object, default: RetryPolicy, *, name: str = "retry") -> RetryPolicy:
    """The policy meant by a ``retry=`` argument (or an extension called ``name``): a
    ``RetryPolicy``, ``False`` (a single attempt), or ``True``/``None`` (``default``)."""
    if isinstance(value, RetryPolicy):
        return value
    if value is False:
        return RetryPolicy.none()
    if value is True or value is None:
        return default
    raise TypeError(f"{name} must be a RetryPolicy, True, False or None, got {type(value).__name__}")


class _TestingState:
    enabled = False


_TESTING: Final = _TestingState()


class _RestoreTesting:
    def __init__(self, previous: bool) -> None:
        self._previous = previous

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        _TESTING.enabled = self._previous


def set_testing(enabled: bool) -> _RestoreTesting:
    """Switch test mode on or off for every retry transport in the process (as ``stamina.set_testing``).

    In test mode retries still happen, are counted and logged, but nothing sleeps, so a test suite
    that exercises failure paths through a mock transport stays fast. Usable as a context manager,
    which restores the previous mode on exit::

        with set_testing(True):
            ...
    """
    previous = _TESTING.enabled
    _TESTING.enabled = enabled
    return _RestoreTesting(previous)


def is_testing() -> bool:
    """Whether test mode (no sleeping between retries) is on."""
    return _TESTING.enabled
