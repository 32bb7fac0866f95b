"""A throwaway ``redis-server`` on 127.0.0.1 for the Redis rate-limit tests and benchmark, and the
multiprocessing worker (here, not in the test module, so spawned children import little).

The server is Debian's ``redis-server`` (``.ci/run`` installs it when missing), started on a free
port in a temporary directory with persistence off, and stopped by whoever started it. A system
Redis service is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Any

__all__ = ["RedisServer", "free_port", "missing_redis", "reserve_worker"]


def missing_redis() -> str | None:
    """Why the Redis tests cannot run here (``None`` when they can)."""
    if shutil.which("redis-server") is None:
        return "redis-server is not on PATH"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis package is not installed (pip install -e '.[test]'; `nox -s tests` installs it)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process; ``kill`` and ``start`` again reuse the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = tempfile.TemporaryDirectory(prefix="klaviyo-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and return once it answers PING."""
        import redis

        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._directory.name,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self._directory.name,
        )
        deadline = time.monotonic() + timeout
        with redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2) as probe:
            while True:
                try:
                    if probe.ping():
                        return
                except redis.ConnectionError:
                    pass
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"redis-server did not come up on 127.0.0.1:{self.port}")
                time.sleep(0.02)

    def kill(self) -> None:
        """Stop the server at once (SIGKILL), as a crash or a network cut would."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self._process = None
        self._directory.cleanup()

    def client(self) -> Any:
        """A ``redis.Redis`` on this server (typed ``Any`` so callers need not import redis)."""
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port)


def reserve_worker(
    *, url: str, prefix: str, operation: str, tiers: tuple[tuple[int, float], ...], calls: int, start: Any, out: Any
) -> None:
    """One worker process: ``calls`` reservations on ``operation``, sleeping out each wait as a real
    client would, then ``(pid, [reserved send time in µs, ...])`` on ``out``.

    The limiter reads the wall clock (shared by every process on this machine, as Redis's ``TIME``
    would be); the send time it reserved is exactly that reading plus the wait, both in µs.
    """
    from types import SimpleNamespace

    from klaviyo_generated import RateLimits, RedisRateLimiter

    readings: list[float] = []

    def clock() -> float:
        readings.append(time.time())
        return readings[-1]

    limiter = RedisRateLimiter(
        url=url,
        key_prefix=prefix,
        limits=RateLimits(max_wait=60.0),
        clock=clock,
        operations={operation: SimpleNamespace(rate_limits=tiers)},
    )
    sends: list[int] = []
    start.wait()
    for _ in range(calls):
        wait = limiter.acquire(operation)
        sends.append(round(readings[-1] * 1_000_000) + round(wait * 1_000_000))
        time.sleep(wait)
    limiter.close()
    out.put((os.getpid(), sends))
