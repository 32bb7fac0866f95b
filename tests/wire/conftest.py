"""The package's client wired to httpx.MockTransport, recording every request it sends.

No policy in the way (``retry=False, rate_limits=False``): what a test sees is what the generated
request builder and response parser make of each call.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx
import pytest

from klaviyo_generated import AsyncKlaviyo, Klaviyo

BASE_URL = "https://a.klaviyo.com"


@attrs.define
class Recorder:
    """Answers every request with ``status``/``body`` and keeps the requests for assertions."""

    status: int = 200
    body: bytes = b'{"data": []}'
    content_type: str = "application/vnd.api+json"
    requests: list[httpx.Request] = attrs.field(factory=list)

    def reply(self, status: int, body: bytes | dict[str, Any], content_type: str = "application/vnd.api+json") -> None:
        self.status = status
        self.body = json.dumps(body).encode() if isinstance(body, dict) else body
        self.content_type = content_type

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(self.status, content=self.body, headers={"content-type": self.content_type})

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]

    def client(self, **kwargs: Any) -> Klaviyo:
        transport = httpx.MockTransport(self.handler)
        return Klaviyo("pk_test", base_url=BASE_URL, transport=transport, retry=False, rate_limits=False, **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncKlaviyo:
        transport = httpx.MockTransport(self.handler)
        return AsyncKlaviyo("pk_test", base_url=BASE_URL, transport=transport, retry=False, rate_limits=False, **kwargs)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
