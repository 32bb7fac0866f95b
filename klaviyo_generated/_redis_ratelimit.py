# Copied from overrides/runtime/_redis_ratelimit.py by `python -m generator sync`; edit that file, not this one.
"""``RedisRateLimiter``: the in-process limiter's buckets kept in Redis, shared by every process and
machine that points at the same Redis and key prefix.

Klaviyo's limits are per account, so workers spread over processes (gunicorn, Celery, Spark) that
each hold a ``RateLimiter`` collectively overrun them. This limiter keeps the same model as
``RateLimiter`` (see ``_ratelimit``: one bucket per operation, sliding windows with reservations,
first come first served) but each step on a bucket is one Lua script run atomically by Redis:

* Per operation, one list per window holds the reserved send times (integer microseconds, oldest
  first) of its last ``limit`` calls. Reservations never go before the latest one, so appending
  keeps each list sorted and its oldest entry is at ``-limit``; a sorted set would add nothing.
* "Now" is Redis's own ``TIME``, so machines with skewed clocks still agree on the windows (an
  injected ``clock`` replaces it, for tests).
* Every key carries a ``PEXPIRE`` of its window (plus a margin), so an idle account leaves nothing.
* All keys of one operation share a hash tag (``{operation}``), so the script also runs on a Redis
  Cluster.

Failure behaviour: when Redis cannot be reached (or answers with an error), the call is limited by
an in-process ``RateLimiter`` with the same limits instead; never blocked forever, never failed
because of Redis. One WARNING is logged when that starts and one INFO when Redis answers again;
while it is down Redis is retried at most every ``retry_interval`` seconds, so a dead Redis does
not cost a timeout per call. While falling back each process keeps to the tiers on its own, so
the fleet may exceed them; the 429s that follow pause the buckets as usual.

redis is an optional dependency (``pip install 'klaviyo-generated[redis]'``), imported when a
``RedisRateLimiter`` is built, never by importing the package.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._auth import ConfigurationError
from ._exceptions import RateLimitWaitExceededError
from ._ratelimit import OperationRef, RateLimiter, RateLimits, _HasRateLimits, bucket_key, declared_rate_limits

if TYPE_CHECKING:
    import redis
    import redis.asyncio
    from redis.commands.core import AsyncScript, Script

__all__ = ["RedisRateLimiter"]

_LOG = logging.getLogger("klaviyo_generated")

# Keys outlive their window by this much (ms): a margin for clock reads taken before the script ran.
_KEY_MARGIN_MS: Final = 60_000

# KEYS[1]: the pause key (paused-until, in microseconds); KEYS[2..]: one list per window.
# ARGV[1]: "acquire", "pause" or "paused_for"; ARGV[2]: now in microseconds, "" for Redis's clock;
# ARGV[3]: acquire: the longest wait allowed ("" for none), pause: the pause, both in microseconds;
# ARGV[4]: the key margin in ms; ARGV[5..]: limit and period (microseconds) of each window, in KEYS order.
# acquire returns {1, wait} (reserved) or {0, wait} (over the longest wait: nothing recorded).
_SCRIPT: Final = """
local now
if ARGV[2] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
local margin = tonumber(ARGV[4])
local paused = tonumber(redis.call('GET', KEYS[1]) or 0)
if ARGV[1] == 'paused_for' then
  return math.max(0, paused - now)
end
if ARGV[1] == 'pause' then
  local untl = now + tonumber(ARGV[3])
  if untl > paused then
    redis.call('SET', KEYS[1], string.format('%.0f', untl), 'PX', math.ceil((untl - now) / 1000) + margin)
  end
  return 0
end
local at = math.max(now, paused)
for i = 2, #KEYS do
  local limit, period = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  local newest = redis.call('LINDEX', KEYS[i], -1)
  if newest then at = math.max(at, tonumber(newest)) end
  if redis.call('LLEN', KEYS[i]) >= limit then
    at = math.max(at, tonumber(redis.call('LINDEX', KEYS[i], -limit)) + period)
  end
end
local wait = at - now
if ARGV[3] ~= '' and wait > tonumber(ARGV[3]) then
  return {0, wait}
end
local stamp = string.format('%.0f', at)
for i = 2, #KEYS do
  local limit, period = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  redis.call('RPUSH', KEYS[i], stamp)
  redis.call('LTRIM', KEYS[i], -limit, -1)
  redis.call('PEXPIRE', KEYS[i], math.ceil((wait + period) / 1000) + margin)
end
return {1, wait}
"""


def _us(seconds: float) -> int:
    return round(seconds * 1_000_000)


class _Bucket:
    """An operation's keys and window arguments, computed once."""

    __slots__ = ("args", "keys")

    def __init__(self, prefix: str, operation: str, windows: Sequence[tuple[int, float]], headroom: float) -> None:
        # The hash tag keeps one operation's keys in one Cluster slot; the window is named by its
        # declared period so that the keys read well in redis-cli.
        base = f"{prefix}:{{{operation}}}"
        self.keys = [f"{base}:paused", *(f"{base}:{period:g}s" for _, period in windows)]
        # Periods are rounded up to whole microseconds: never a shorter window than asked for.
        self.args = [str(n) for limit, period in windows for n in (limit, math.ceil(period / headroom * 1_000_000))]


def _connect(url: str, timeout: float) -> redis.Redis:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries inside redis-py: a failed call falls back at once, and the limiter decides when to try again.
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


def _connect_async(url: str, timeout: float) -> redis.asyncio.Redis:
    import redis.asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return redis.asyncio.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


class RedisRateLimiter:
    """Rate limits shared through Redis by every client using the same Redis and ``key_prefix``.

    Use one ``key_prefix`` per Klaviyo account (API key): clients of one account share it, clients
    of different accounts must not. Give every worker the same ``limits``. Accepted wherever a
    ``RateLimiter`` is (``Klaviyo(rate_limits=...)``, ``AsyncKlaviyo``, the transports); sync calls
    use redis-py's client, async calls ``redis.asyncio`` (one connection pool per event loop).

    Args:
        key_prefix: the prefix of every key, e.g. ``"klaviyo:acme"``.
        url: the Redis URL (``redis://[:password@]host:port/db``, ``rediss://`` for TLS).
        limits: the configuration (default ``RateLimits()``); ``max_wait`` and ``headroom`` as in
            ``RateLimiter``.
        client: a ``redis.Redis`` to use instead of one built from ``url`` (for Sentinel or your
            own pool); the caller closes it.
        async_client: a ``redis.asyncio.Redis`` for async callers, likewise.
        fallback: the in-process limiter used while Redis is unreachable (default: a new
            ``RateLimiter`` with ``limits``); e.g. ``RateLimiter(RateLimits(headroom=1 / workers))``
            to keep the fleet within the tiers even then.
        timeout: seconds to connect and to wait for an answer before falling back (for a limiter
            built from ``url``).
        retry_interval: while Redis is unreachable, how often (seconds) to try it again.
        clock: seconds, replacing Redis's clock and timing the retries; for tests. Default: Redis's
            ``TIME`` (and ``time.monotonic`` for the retries).
        operations: a table of rate limits by operation name, as ``RateLimiter``'s (default: none;
            each request's ``OperationSpec`` decides).
    """

    def __init__(
        self,
        *,
        key_prefix: str,
        url: str | None = None,
        limits: RateLimits | None = None,
        client: redis.Redis | None = None,
        async_client: redis.asyncio.Redis | None = None,
        fallback: RateLimiter | None = None,
        timeout: float = 0.5,
        retry_interval: float = 5.0,
        clock: Callable[[], float] | None = None,
        operations: Mapping[str, _HasRateLimits] | None = None,
    ) -> None:
        if not isinstance(key_prefix, str) or not key_prefix:
            raise ConfigurationError("key_prefix must be a non-empty string, one per Klaviyo account")
        if url is None and client is None and async_client is None:
            raise ConfigurationError("RedisRateLimiter needs url= (or client= / async_client=)")
        if url is not None and (client is not None or async_client is not None):
            raise ConfigurationError("pass either url= or client= / async_client=, not both")
        for name, value in (("timeout", timeout), ("retry_interval", retry_interval)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
                raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
        try:
            import redis
        except ImportError:
            raise ConfigurationError("RedisRateLimiter needs redis: pip install 'klaviyo-generated[redis]'") from None
        self.limits = limits if limits is not None else RateLimits()
        self.key_prefix = key_prefix
        self.fallback = (
            fallback
            if fallback is not None
            else RateLimiter(self.limits, clock=clock or time.monotonic, operations=operations)
        )
        self._url, self._timeout = url, timeout
        self._clock = clock
        self._monotonic = clock or time.monotonic
        self._operations = operations
        self._buckets: dict[str, _Bucket | None] = {}
        # Redis failures fall back; anything else (a bug, a cancellation) propagates.
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._owns_client = client is None and url is not None
        self._client = client if client is not None else (_connect(url, timeout) if url is not None else None)
        self._script: Script | None = self._client.register_script(_SCRIPT) if self._client is not None else None
        self._async_script: AsyncScript | None = (
            async_client.register_script(_SCRIPT) if async_client is not None else None
        )
        # Built from url: one async client per event loop, since redis.asyncio's connections are bound to one.
        self._loop_scripts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncScript] = (
            weakref.WeakKeyDictionary()
        )
        self._retry_interval = retry_interval
        self._state = threading.Lock()
        self._down = False
        self._retry_at = -math.inf

    # --- buckets --------------------------------------------------------------------------------

    def _bucket(self, operation: OperationRef) -> _Bucket | None:
        key = bucket_key(operation)
        if not self.limits.enabled or key is None:
            return None
        try:
            return self._buckets[key]
        except KeyError:
            pass
        windows = [(limit, period) for limit, period in declared_rate_limits(operation, self._operations) if limit > 0]
        bucket = _Bucket(self.key_prefix, key, windows, self.limits.headroom) if windows else None
        self._buckets[key] = bucket  # the same value whichever thread wins
        return bucket

    def is_limited(self, operation: OperationRef) -> bool:
        """Whether calls to ``operation`` are limited at all (enabled and a known operation)."""
        return self._bucket(operation) is not None

    def _args(self, bucket: _Bucket, mode: str, amount: str) -> list[str]:
        now = "" if self._clock is None else str(_us(self._clock()))
        return [mode, now, amount, str(_KEY_MARGIN_MS), *bucket.args]

    def _bound(self, max_wait: float | None) -> float:
        return self.limits.max_wait if max_wait is None else min(self.limits.max_wait, max_wait)

    def _reserved(self, operation: OperationRef, reply: Any, bound: float) -> float:
        allowed, wait_us = reply
        wait = int(wait_us) / 1_000_000
        if not int(allowed):
            raise RateLimitWaitExceededError(str(bucket_key(operation)), wait, bound)
        return wait

    # --- Redis's health -------------------------------------------------------------------------

    def _redis_ready(self) -> bool:
        return not self._down or self._monotonic() >= self._retry_at

    def _failed(self, error: BaseException) -> None:
        with self._state:
            self._retry_at = self._monotonic() + self._retry_interval
            if self._down:
                return
            self._down = True
        # The error names the host and port only, never the URL's password.
        _LOG.warning(
            "Rate limit: Redis is unreachable (%s: %s); limiting in this process only, retrying Redis every %gs",
            type(error).__name__,
            error,
            self._retry_interval,
        )

    def _succeeded(self) -> None:
        if not self._down:  # the common case, without the lock
            return
        with self._state:
            if not self._down:
                return
            self._down = False
        _LOG.info("Rate limit: Redis is reachable again; rate limits are shared again")

    # --- sync -----------------------------------------------------------------------------------

    def _call(self, bucket: _Bucket, args: list[str]) -> Any:
        if self._script is None:
            raise ConfigurationError("this RedisRateLimiter has only an async_client: use it from async code")
        return self._script(keys=bucket.keys, args=args)

    def acquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float:
        """Reserve the next free slot for ``operation`` in Redis; the seconds to wait before sending.

        As ``RateLimiter.acquire``, including ``RateLimitWaitExceededError`` past the bound.
        """
        bound = self._bound(max_wait)
        bucket = self._bucket(operation)
        if bucket is None or operation is None:
            return 0.0
        if self._redis_ready():
            try:
                amount = "" if math.isinf(bound) else str(_us(bound))
                reply = self._call(bucket, self._args(bucket, "acquire", amount))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()
                return self._reserved(operation, reply, bound)
        return self.fallback.acquire(operation, max_wait=bound)

    def pause(self, operation: OperationRef, seconds: float) -> None:
        """Hold every call to ``operation``, in every process sharing the prefix, for ``seconds``."""
        bucket = self._bucket(operation)
        if bucket is None or not math.isfinite(seconds) or seconds <= 0:
            return
        self.fallback.pause(operation, seconds)  # so that a fallback during the pause honours it too
        if self._redis_ready():
            try:
                self._call(bucket, self._args(bucket, "pause", str(_us(seconds))))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()

    def paused_for(self, operation: OperationRef) -> float:
        """Seconds left on a pause of ``operation`` (0.0 when not paused or not limited)."""
        bucket = self._bucket(operation)
        if bucket is None:
            return 0.0
        if self._redis_ready():
            try:
                reply = self._call(bucket, self._args(bucket, "paused_for", ""))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()
                return int(reply) / 1_000_000
        return self.fallback.paused_for(operation)

    def close(self) -> None:
        """Close the connection pool built from ``url`` (a passed ``client`` is the caller's to close)."""
        if self._owns_client and self._client is not None:
            self._client.close()

    # --- async ----------------------------------------------------------------------------------

    def _loop_script(self) -> AsyncScript:
        if self._async_script is not None:
            return self._async_script
        if self._url is None:
            raise ConfigurationError("this RedisRateLimiter has no async_client: pass one (or url=) for async code")
        loop = asyncio.get_running_loop()
        script = self._loop_scripts.get(loop)
        if script is None:
            script = self._loop_scripts[loop] = _connect_async(self._url, self._timeout).register_script(_SCRIPT)
        return script

    async def _acall(self, bucket: _Bucket, args: list[str]) -> Any:
        return await self._loop_script()(keys=bucket.keys, args=args)

    async def aacquire(self, operation: OperationRef, *, max_wait: float | None = None) -> float:
        """``acquire`` for async callers."""
        bound = self._bound(max_wait)
        bucket = self._bucket(operation)
        if bucket is None or operation is None:
            return 0.0
        if self._redis_ready():
            try:
                amount = "" if math.isinf(bound) else str(_us(bound))
                reply = await self._acall(bucket, self._args(bucket, "acquire", amount))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()
                return self._reserved(operation, reply, bound)
        return self.fallback.acquire(operation, max_wait=bound)

    async def apause(self, operation: OperationRef, seconds: float) -> None:
        """``pause`` for async callers."""
        bucket = self._bucket(operation)
        if bucket is None or not math.isfinite(seconds) or seconds <= 0:
            return
        self.fallback.pause(operation, seconds)
        if self._redis_ready():
            try:
                await self._acall(bucket, self._args(bucket, "pause", str(_us(seconds))))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()

    async def apaused_for(self, operation: OperationRef) -> float:
        """``paused_for`` for async callers."""
        bucket = self._bucket(operation)
        if bucket is None:
            return 0.0
        if self._redis_ready():
            try:
                reply = await self._acall(bucket, self._args(bucket, "paused_for", ""))
            except self._errors as error:
                self._failed(error)
            else:
                self._succeeded()
                return int(reply) / 1_000_000
        return self.fallback.paused_for(operation)

    async def aclose(self) -> None:
        """Close the connection pool this event loop's calls used (when built from ``url``)."""
        script = self._loop_scripts.pop(asyncio.get_running_loop(), None)
        if script is not None:
            await script.registered_client.aclose()
