"""Async fan-out against its ideal, and the cost of a full regeneration.

    python benchmarks/fanout_and_generation.py [--repeats R] [--no-write]

1. Fan-out: 1,000 ``get_profile`` calls, at most 20 at a time, through ``AsyncKlaviyo`` to an
   in-process transport that answers after 5 ms. The ideal is 1,000 x 5 ms / 20 = 0.25 s; target
   <= 1.3x. Proactive rate limiting is off here: get_profile's real tier (75/s) would make the
   run take 13 s by design, which measures Klaviyo's limit, not the client.
2. Generation: ``python -m generator --output <tmp>`` from the pinned spec in a fresh process:
   wall time and the child's peak RSS. Target <= 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from _common import machine, today, write_section

from klaviyo_generated import AsyncKlaviyo

CALLS, CONCURRENCY, LATENCY = 1000, 20, 0.005
IDEAL = CALLS * LATENCY / CONCURRENCY
BODY = b'{"data": {"type": "profile", "id": "01H", "attributes": {}, "links": {"self": "https://a.klaviyo.com/x"}}}'
ROOT = Path(__file__).resolve().parent.parent


async def _answer(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(LATENCY)
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/vnd.api+json"})


async def _fan_out() -> float:
    gate = asyncio.Semaphore(CONCURRENCY)
    async with AsyncKlaviyo(api_key="pk_" + "f" * 32, transport=httpx.MockTransport(_answer), rate_limits=False) as kv:

        async def one() -> None:
            async with gate:
                await kv.profiles.get_profile("01H")

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(CALLS)))
        return time.perf_counter() - started


def fan_out(repeats: int) -> float:
    asyncio.run(_fan_out())  # warm-up: imports, first parse
    return statistics.median(asyncio.run(_fan_out()) for _ in range(repeats))


def generation(spec: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="klaviyo-bench-") as scratch:
        command = [sys.executable, "-m", "generator", "--output", str(Path(scratch) / "klaviyo_generated"), "--offline"]
        if spec:
            command += ["--spec", spec]
        started = time.perf_counter()
        done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"generation failed ({' '.join(command)}):\n{done.stderr.strip()}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak_mb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--spec", help="the pinned spec (default: $KLAVIYO_OPENAPI_SPEC, cache)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    fanned = fan_out(args.repeats)
    wall, peak = generation(args.spec)
    rows = [
        (
            "async fan-out: 1,000 GETs, 20 at a time, 5 ms latency",
            f"{IDEAL:.3f} s (ideal)",
            f"{fanned:.3f} s",
            f"{fanned / IDEAL:.2f}x",
            "<= 1.3x",
        ),
        ("full regeneration from the pinned spec", "-", f"{wall:.1f} s, peak RSS {peak:.0f} MB", "-", "<= 30 s"),
    ]
    for row in rows:
        print(" | ".join(row))
    if not args.no_write:
        lines = [
            "## Async fan-out and generation",
            "",
            f"{today()}; {machine()}; `python benchmarks/fanout_and_generation.py` — fan-out median of "
            f"{args.repeats} runs after a warm-up, rate limiting off (see the script); generation in a fresh process.",
            "",
            "| what | floor | measured | ratio | target |",
            "|---|---:|---:|---:|---|",
            *[f"| {' | '.join(row)} |" for row in rows],
        ]
        write_section("fanout_generation", "\n".join(lines))
        print("wrote the fanout_generation section of benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
