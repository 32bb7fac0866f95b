"""A scripted wire for the observability tests: each answer takes ``latency`` seconds on a fake clock."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from klaviyo_generated import AsyncKlaviyo, Klaviyo
from tests.runtime.client_harness import API_KEY, PROFILE, Clock

LATENCY = 0.042  # each answer's round trip: elapsed_ms=42
HTTP_LOGGER = "klaviyo_generated.http"

Step = httpx.Response | Exception


def ok(request_id: str | None = "req-1", body: Any = PROFILE, status: int = 200) -> httpx.Response:
    headers = {"x-request-id": request_id} if request_id is not None else {}
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def refused(status: int = 429, request_id: str = "req-429", retry_after: str = "2") -> httpx.Response:
    return httpx.Response(status, headers={"x-request-id": request_id, "Retry-After": retry_after})


class Wire:
    """Answers from ``steps`` in order (the last repeats), moving the clock by ``LATENCY`` per answer."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps) or [ok()]
        self.clock = Clock()
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        self.clock.now += LATENCY
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.handle(request)

    def client(self, **kwargs: Any) -> Klaviyo:
        options: dict[str, Any] = {"api_key": API_KEY, "transport": httpx.MockTransport(self.handle)}
        return Klaviyo(**{**options, "sleep": self.sleep, "clock": self.clock, **kwargs})

    def async_client(self, **kwargs: Any) -> AsyncKlaviyo:
        options: dict[str, Any] = {"api_key": API_KEY, "transport": httpx.MockTransport(self.ahandle)}
        return AsyncKlaviyo(**{**options, "sleep": self.asleep, "clock": self.clock, **kwargs})


def http_lines(records: list[logging.LogRecord]) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in records if r.name == HTTP_LOGGER]
