"""Latency the Redis rate limiter adds per request, against the in-process limiter, in the same run.

    python benchmarks/ratelimit_redis.py [--requests N] [--no-write]

Needs Debian's ``redis-server`` and the ``redis`` extra (``pip install -e '.[redis]'``); starts its
own server on a free loopback port (persistence off) and stops it at the end.

Each request goes through ``RateLimitTransport`` to an in-memory transport returning 200 (no HTTP
I/O), tagged with an operation whose tier (10**9/s, 10**9/min, the shape of the real 75/s +
750/min tier) the run cannot fill, so no request waits: the limiter's bookkeeping is all that is
measured. Two sides, interleaved request by request so that drift hits both alike:

* in-process: ``RateLimiter`` (the default);
* Redis: ``RedisRateLimiter`` on loopback, Redis's own clock (one ``EVALSHA`` per request).

Each request is timed on its own (``perf_counter``), after ``--warmup`` untimed requests per side;
p50/p90/p99 per side and the added latency (Redis p50 - in-process p50) are printed and written to
the ``ratelimit_redis`` section of RESULTS.md. The target, ≤ 0.5 ms added at p50, is informational.
Sanity checks (non-zero exit when they fail): every Redis-side request was recorded in Redis (none
fell back), and no request waited.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import httpx
from _common import RESULTS, machine, today, write_section

# The test suite's throwaway redis-server, shared rather than copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from klaviyo_generated import RateLimiter, RateLimits, RedisRateLimiter
from klaviyo_generated._transports import AsyncRateLimitTransport, RateLimitTransport
from tests.runtime.redis_server import RedisServer, missing_redis

OPERATION = "get_profile"
TIER = ((10**9, 1.0), (10**9, 60.0))
TARGET_MS = 0.5
URL = "http://bench.invalid/api/profiles/01ABC"
PREFIX = "bench"


class CheckFailedError(Exception):
    pass


def percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p90, p99 in microseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples) * 1e6, cuts[89] * 1e6, cuts[98] * 1e6


def sync_samples(n: int, warmup: int, local: RateLimiter, shared: RedisRateLimiter) -> tuple[list[float], list[float]]:
    ok = httpx.MockTransport(lambda request: httpx.Response(200))
    sleeps: list[float] = []
    extensions = {"klaviyo_operation": OPERATION}
    with (
        httpx.Client(transport=RateLimitTransport(ok, limits=local, sleep=sleeps.append)) as a,
        httpx.Client(transport=RateLimitTransport(ok, limits=shared, sleep=sleeps.append)) as b,
    ):
        times: tuple[list[float], list[float]] = ([], [])
        for i in range(warmup + n):
            for index, client in ((0, a), (1, b)) if i % 2 else ((1, b), (0, a)):  # alternate who goes first
                started = time.perf_counter()
                client.get(URL, extensions=extensions)
                elapsed = time.perf_counter() - started
                if i >= warmup:
                    times[index].append(elapsed)
    if sleeps:
        raise CheckFailedError(f"a request waited {sleeps[0]:.6f} s: the tier is not out of reach")
    return times


def async_samples(n: int, warmup: int, local: RateLimiter, shared: RedisRateLimiter) -> tuple[list[float], list[float]]:
    ok = httpx.MockTransport(lambda request: httpx.Response(200))
    extensions = {"klaviyo_operation": OPERATION}

    async def main() -> tuple[list[float], list[float]]:
        async with (
            httpx.AsyncClient(transport=AsyncRateLimitTransport(ok, limits=local)) as a,
            httpx.AsyncClient(transport=AsyncRateLimitTransport(ok, limits=shared)) as b,
        ):
            times: tuple[list[float], list[float]] = ([], [])
            for i in range(warmup + n):
                for index, client in ((0, a), (1, b)) if i % 2 else ((1, b), (0, a)):
                    started = time.perf_counter()
                    await client.get(URL, extensions=extensions)
                    elapsed = time.perf_counter() - started
                    if i >= warmup:
                        times[index].append(elapsed)
        await shared.aclose()
        return times

    return asyncio.run(main())


Row = tuple[str, tuple[float, float, float], tuple[float, float, float]]


def run(n: int, warmup: int) -> list[Row]:
    server = RedisServer()
    server.start()
    try:
        operations = {OPERATION: SimpleNamespace(rate_limits=TIER)}
        rows: list[Row] = []
        for label, measure in (("sync (`Klaviyo`)", sync_samples), ("async (`AsyncKlaviyo`)", async_samples)):
            local = RateLimiter(RateLimits(), operations=operations)
            shared = RedisRateLimiter(url=server.url, key_prefix=f"{PREFIX}:{label[:4]}", operations=operations)
            local_times, redis_times = measure(n, warmup, local, shared)
            with server.client() as store:
                recorded = store.llen(f"{PREFIX}:{label[:4]}:{{{OPERATION}}}:1s")
            if recorded != n + warmup:
                raise CheckFailedError(f"{label}: Redis recorded {recorded} requests of {n + warmup}: some fell back")
            shared.close()
            rows.append((label, percentiles(local_times), percentiles(redis_times)))
            p_local, p_redis = rows[-1][1], rows[-1][2]
            print(
                f"{label}\n  in-process  p50 {p_local[0]:7.1f}  p90 {p_local[1]:7.1f}  p99 {p_local[2]:7.1f} µs\n"
                f"  Redis       p50 {p_redis[0]:7.1f}  p90 {p_redis[1]:7.1f}  p99 {p_redis[2]:7.1f} µs\n"
                f"  added at p50: {p_redis[0] - p_local[0]:.1f} µs"
            )
        return rows
    finally:
        server.stop()


def markdown_section(rows: Sequence[Row], n: int, warmup: int, command: str) -> str:
    header = "| requests | limiter | p50 µs | p90 µs | p99 µs | added at p50 | target ≤ 0.5 ms |"
    table = [header, "|---|---|---:|---:|---:|---:|---|"]
    for label, local, shared in rows:
        added = shared[0] - local[0]
        verdict = "PASS" if added <= TARGET_MS * 1000 else "MISS"
        table.append(
            f"| {label} | in-process `RateLimiter` | {local[0]:.1f} | {local[1]:.1f} | {local[2]:.1f} | - | - |"
        )
        table.append(
            f"| {label} | `RedisRateLimiter` (loopback) | {shared[0]:.1f} | {shared[1]:.1f} | {shared[2]:.1f} | "
            f"+{added:.1f} µs | {verdict} |"
        )
    return "\n".join(
        [
            "## Redis rate limiter: added latency per request",
            "",
            f"- date: {today()}",
            f"- machine: {machine()}",
            f"- command: `{command}`",
            "",
            *table,
            "",
            f"- Each request through `RateLimitTransport` / `AsyncRateLimitTransport` to an in-memory 200 "
            f"(no HTTP I/O), timed on its own; {n} timed requests per side after {warmup} untimed, the two "
            "sides interleaved request by request. The tier (10**9/s, 10**9/min) is out of reach: no request "
            "waits, and every Redis-side request was checked to be recorded in Redis (none fell back).",
            "- Redis: Debian's `redis-server` started by the script on 127.0.0.1 (persistence off), one "
            "`EVALSHA` per request, Redis's own clock. The figure the target is about is the p50 difference.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000, help="timed requests per side (default 5000)")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests per side first (default 500)")
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {RESULTS.name}")
    args = parser.parse_args(argv)
    reason = missing_redis()
    if reason is not None:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    print(f"machine: {machine()}")
    try:
        rows = run(args.requests, args.warmup)
    except CheckFailedError as exc:
        print(f"error: sanity check failed: {exc}", file=sys.stderr)
        return 1
    command = f"python benchmarks/ratelimit_redis.py --requests {args.requests} --warmup {args.warmup}"
    if args.no_write:
        print(f"(--no-write: {RESULTS} not touched)")
    else:
        write_section("ratelimit_redis", markdown_section(rows, args.requests, args.warmup, command))
        print(f"wrote the ratelimit_redis section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
