"""What the benchmark scripts share: the machine line, medians, and rewriting one section of RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    impl = platform.python_implementation()
    return (
        f"{platform.platform()}; {impl} {platform.python_version()} ({sys.executable}); "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()})"
    )


def today() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def median_seconds(work: Callable[[], object], *, repeats: int) -> float:
    """The median wall time of ``repeats`` runs of ``work`` (one untimed warm-up run first)."""
    work()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write_section(name: str, section: str, path: Path = RESULTS) -> None:
    """Replace the ``<!-- name:start -->`` … ``<!-- name:end -->`` block of RESULTS.md (append if absent)."""
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start_marker}\n{section.strip()}\n{end_marker}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start, end = text.find(start_marker), text.find(end_marker)
    if start != -1 and end != -1 and start < end:
        text = text[:start] + block + text[end + len(end_marker) :]
    elif start == -1 and end == -1:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        raise SystemExit(f"{path}: malformed {start_marker} / {end_marker} markers; fix the file by hand")
    path.write_text(text, encoding="utf-8")
