"""A scripted Klaviyo for the client tests: records every request, answers from a script, never sleeps."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

API_KEY = "pk_test_0123456789abcdef0123456789abcdef"
PROFILE_ID = "01HPROFILE"
PROFILE = {
    "data": {
        "type": "profile",
        "id": PROFILE_ID,
        "attributes": {"email": "ada@example.com"},
        "links": {"self": f"https://a.klaviyo.com/api/profiles/{PROFILE_ID}"},
    }
}
PROFILES_PAGE = {"data": [], "links": {"self": "https://a.klaviyo.com/api/profiles", "next": None}}
NEW_LIST = {
    "data": {
        "type": "list",
        "id": "L1",
        "attributes": {"name": "VIP"},
        "links": {"self": "https://a.klaviyo.com/api/lists/L1"},
    }
}

Step = httpx.Response | Exception | int | dict[str, Any]


def error_body(status: int, code: str = "invalid", detail: str = "Something was wrong.") -> dict[str, Any]:
    return {"errors": [{"id": "e1", "status": status, "code": code, "title": "Error", "detail": detail}]}


class Clock:
    """Monotonic seconds that move only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Server:
    """Answers requests from ``steps`` in order (the last one repeats); records requests and sleeps."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps) or [200]
        self.requests: list[httpx.Request] = []
        self.clock = Clock()
        self.sleeps: list[float] = []
        self.times: list[float] = []  # the clock at each request's arrival

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def _next(self) -> Step:
        return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        self.times.append(self.clock.now)
        step = self._next()
        if isinstance(step, Exception):
            raise step
        if isinstance(step, int):
            body = PROFILE if step == 200 else (None if step in (202, 204) else error_body(step))
            return httpx.Response(step, json=body) if body is not None else httpx.Response(step)
        if isinstance(step, dict):
            return httpx.Response(200, json=step)
        return step

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.ahandle)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def client_kwargs(server: Server, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``Klaviyo``: the server's transport, its clock and sleep, a test key."""
    kwargs: dict[str, Any] = {"api_key": API_KEY, "transport": server.transport(), "sleep": server.sleep}
    kwargs["clock"] = server.clock
    kwargs.update(overrides)
    return kwargs


def async_client_kwargs(server: Server, **overrides: Any) -> dict[str, Any]:
    kwargs = client_kwargs(server, transport=server.async_transport(), sleep=server.asleep)
    kwargs.update(overrides)
    return kwargs


Handler = Callable[[httpx.Request], httpx.Response]
