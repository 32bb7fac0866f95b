"""Fault injection by rule: which calls fail (operation, method, path, the nth matching call, how many
times) and how (429 with Retry-After, an HTTP status, connection reset, read timeout, a malformed or
truncated body, a body cut off mid-transfer, a body that lies about its encoding, JSON nested
10,000 deep)."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Literal, TypedDict, Unpack

import attrs
import httpx

from .._operation import operation_name

__all__ = ["AsyncFaultTransport", "Fault", "FaultTransport"]

Kind = Literal[
    "status",
    "rate_limited",
    "connection_reset",
    "read_timeout",
    "malformed_body",
    "truncated_body",
    "cut_body",
    "bad_encoding",
    "deep_json",
]


class Where(TypedDict, total=False):
    """Which calls a ``Fault`` made by ``Fault.status_code``, ``rate_limited`` or ``failure`` applies to:
    ``operation``, ``method``, ``path`` (each ``None``: any), ``nth`` and ``times`` (see ``Fault``)."""

    operation: str | None
    method: str | None
    path: str | None
    nth: int
    times: int | None


@attrs.frozen(kw_only=True)
class Fault:
    """One rule. Matching calls are counted per rule; calls ``nth`` .. ``nth + times - 1`` fail
    (``times=None``: every matching call from ``nth`` on). ``operation`` matches the client's tag on
    the request, which does not cross a socket: behind ``FakeKlaviyo.serve()`` match ``method`` and
    ``path`` instead."""

    kind: Kind
    status: int = 500
    retry_after: float | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    nth: int = 1
    times: int | None = 1

    @classmethod
    def status_code(cls, status: int, **where: Unpack[Where]) -> Fault:
        """Answer ``status`` (with a JSON:API error body) instead of sending."""
        return cls(kind="status", status=status, **where)

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1.0, **where: Unpack[Where]) -> Fault:
        """Answer 429 with ``Retry-After`` (seconds) instead of sending."""
        return cls(kind="rate_limited", status=429, retry_after=retry_after, **where)

    @classmethod
    def failure(cls, kind: Kind, **where: Unpack[Where]) -> Fault:
        """One of ``connection_reset`` (after the server got the request), ``read_timeout``,
        ``malformed_body``, ``truncated_body`` (a complete answer of half the body), ``cut_body``
        (the headers and half the body arrive, then the connection drops), ``bad_encoding``
        (``Content-Encoding: gzip`` over plain bytes) or ``deep_json`` (a body nested 10,000 deep)."""
        return cls(kind=kind, **where)

    def matches(self, request: httpx.Request) -> bool:
        return (
            (self.operation is None or operation_name(request.extensions) == self.operation)
            and (self.method is None or request.method == self.method.upper())
            and (self.path is None or request.url.path == self.path)
        )

    def fires_on(self, count: int) -> bool:
        return count >= self.nth and (self.times is None or count < self.nth + self.times)

    def before(self, request: httpx.Request) -> httpx.Response | None:
        """The failure that replaces sending (``None`` when the request goes through first)."""
        if self.kind == "rate_limited":
            headers = {} if self.retry_after is None else {"Retry-After": f"{self.retry_after:g}"}
            return httpx.Response(429, json=_error(429, "throttled"), headers=headers)
        if self.kind == "status":
            return httpx.Response(self.status, json=_error(self.status, "fault"))
        if self.kind == "read_timeout":
            raise httpx.ReadTimeout("fault: read timed out", request=request)
        return None

    def after(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        """The failure applied to a real answer."""
        if self.kind == "connection_reset":
            # The request reached the server; the answer was lost: the ambiguous case for writes.
            raise httpx.ReadError("fault: connection reset by peer", request=request)
        content = response.content
        dropped = ("content-length", "content-encoding")
        headers = {k: v for k, v in response.headers.items() if k.lower() not in dropped}
        if self.kind in ("cut_body", "bad_encoding"):
            # Unread streams, so the client's own reading meets the fault.
            stream: httpx.ByteStream | _CutStream = httpx.ByteStream(content)
            if self.kind == "cut_body":
                headers["Content-Length"] = str(len(content))
                stream = _CutStream(content[: len(content) // 2], request)
            else:
                headers["Content-Encoding"] = "gzip"
            return httpx.Response(response.status_code, headers=headers, stream=stream, extensions=response.extensions)
        if self.kind == "malformed_body":
            content = b"<html>Bad Gateway</html>"
        elif self.kind == "truncated_body":
            content = content[: max(1, len(content) // 2)] if content else json.dumps({"data": {}}).encode()[:5]
        elif self.kind == "deep_json":
            content = b'{"data": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
        return httpx.Response(response.status_code, content=content, headers=headers, extensions=response.extensions)


class _CutStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The bytes that arrived, then the connection drops, as httpx reports it."""

    def __init__(self, arrived: bytes, request: httpx.Request) -> None:
        self._arrived = arrived
        self._request = request

    def _drop(self) -> httpx.RemoteProtocolError:
        message = "fault: peer closed connection without sending complete message body"
        return httpx.RemoteProtocolError(message, request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        yield self._arrived
        raise self._drop()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._arrived
        raise self._drop()


def _error(status: int, code: str) -> dict[str, object]:
    return {"errors": [{"id": "fault", "status": status, "code": code, "title": "Injected fault", "detail": "Fault."}]}


class _Rules:
    def __init__(self, faults: Sequence[Fault]) -> None:
        self.faults = list(faults)
        self.counts = [0] * len(self.faults)
        self.fired: list[tuple[Fault, str, str]] = []
        self._lock = threading.Lock()

    def pick(self, request: httpx.Request) -> Fault | None:
        with self._lock:
            chosen = None
            for index, fault in enumerate(self.faults):
                if fault.matches(request):
                    self.counts[index] += 1
                    if chosen is None and fault.fires_on(self.counts[index]):
                        chosen = fault
            if chosen is not None:
                self.fired.append((chosen, request.method, request.url.path))
            return chosen


class FaultTransport(httpx.BaseTransport):
    """Applies ``faults`` to the calls going through ``transport``; ``fired`` lists what happened."""

    def __init__(self, transport: httpx.BaseTransport, faults: Sequence[Fault]) -> None:
        self._transport = transport
        self._rules = _Rules(faults)

    @property
    def fired(self) -> list[tuple[Fault, str, str]]:
        return list(self._rules.fired)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._rules.pick(request)
        if fault is not None and (early := fault.before(request)) is not None:
            return early
        response = self._transport.handle_request(request)
        if fault is None:
            return response
        response.read()
        return fault.after(request, response)


class AsyncFaultTransport(httpx.AsyncBaseTransport):
    """The async twin of ``FaultTransport``."""

    def __init__(self, transport: httpx.AsyncBaseTransport, faults: Sequence[Fault]) -> None:
        self._transport = transport
        self._rules = _Rules(faults)

    @property
    def fired(self) -> list[tuple[Fault, str, str]]:
        return list(self._rules.fired)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._rules.pick(request)
        if fault is not None and (early := fault.before(request)) is not None:
            return early
        response = await self._transport.handle_async_request(request)
        if fault is None:
            return response
        await response.aread()
        return fault.after(request, response)
