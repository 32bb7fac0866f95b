"""The default network transport is built on the first request, not with the client."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, Klaviyo
from klaviyo_generated._transports import DeferredAsyncTransport, DeferredTransport
from tests.runtime.client_harness import API_KEY


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An inner transport that counts what it is asked."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.closed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        return httpx.Response(204)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def test_building_a_client_builds_no_ssl_context_until_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from httpx._transports import default

    built: list[Any] = []
    real = default.create_ssl_context  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(default, "create_ssl_context", counting)
    Klaviyo(api_key=API_KEY).close()
    asyncio.run(AsyncKlaviyo(api_key=API_KEY).close())
    assert built == []


def test_the_inner_transport_is_made_once_on_first_use_and_closed_only_if_made() -> None:
    made: list[Recorder] = []

    def make() -> Recorder:
        made.append(Recorder())
        return made[-1]

    unused = DeferredTransport(make)
    unused.close()
    assert made == []

    transport = DeferredTransport(make)
    with httpx.Client(transport=transport) as client:
        assert client.get("https://a.klaviyo.com/api/one").status_code == 204
        client.get("https://a.klaviyo.com/api/two")
    assert len(made) == 1
    assert made[0].requests == ["https://a.klaviyo.com/api/one", "https://a.klaviyo.com/api/two"]
    assert made[0].closed == 1


def test_threads_racing_on_the_first_request_share_one_inner_transport() -> None:
    made: list[Recorder] = []
    gate = threading.Barrier(8)

    def make() -> Recorder:
        made.append(Recorder())
        return made[-1]

    transport = DeferredTransport(make)

    def first_request() -> None:
        gate.wait()
        transport.handle_request(httpx.Request("GET", "https://a.klaviyo.com/api/x"))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert len(made[0].requests) == 8


def test_the_async_twin_is_made_on_first_use_and_closed_only_if_made() -> None:
    made: list[Recorder] = []

    def make() -> Recorder:
        made.append(Recorder())
        return made[-1]

    async def main() -> None:
        await DeferredAsyncTransport(make).aclose()
        assert made == []
        async with httpx.AsyncClient(transport=DeferredAsyncTransport(make)) as client:
            await asyncio.gather(*(client.get(f"https://a.klaviyo.com/api/{n}") for n in range(3)))

    asyncio.run(main())
    assert len(made) == 1
    assert sorted(made[0].requests) == [f"https://a.klaviyo.com/api/{n}" for n in range(3)]
    assert made[0].closed == 1
