"""Fixtures for the runtime tests that drive FakeKlaviyo through the real client."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from klaviyo_generated import Klaviyo
from klaviyo_generated.testing import FakeKlaviyo, VirtualClock
from klaviyo_generated.testing._validation import as_checked_request, load
from tests.runtime.client_harness import API_KEY


class Checked(httpx.BaseTransport):
    """Passes calls to the fake and validates each answer against the spec."""

    def __init__(self, fake: FakeKlaviyo, spec: Path) -> None:
        self.fake, self.api = fake, load(spec)[0]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.fake.handle(request)
        if response.is_success and response.content:
            from openapi_core.testing import MockResponse

            self.api.validate_response(
                as_checked_request(request),
                MockResponse(response.content, response.status_code, content_type="application/vnd.api+json"),
            )
        return response


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def fake(clock: VirtualClock) -> FakeKlaviyo:
    return FakeKlaviyo(clock=clock)


@pytest.fixture
def kv(fake: FakeKlaviyo, clock: VirtualClock, pinned_spec_path: Path) -> Klaviyo:
    # The rate limiter is on, as in real use; the virtual clock (shared with the fake, whose jobs
    # move on it) keeps its waits out of the test's time. Every answer is checked against the spec.
    return Klaviyo(api_key=API_KEY, transport=Checked(fake, pinned_spec_path), sleep=clock.sleep, clock=clock)
