"""Fixtures for the tool execution and MCP server tests: a fake Klaviyo, a client on it, the stand-in catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from klaviyo_generated import Klaviyo
from klaviyo_generated.testing import FakeKlaviyo
from tests.mcp.standin import KEY


@pytest.fixture
def fake() -> FakeKlaviyo:
    return FakeKlaviyo(spec="")  # no spec validation: these tests are about the tool layer, not the wire


@pytest.fixture
def kv(fake: FakeKlaviyo) -> Iterator[Klaviyo]:
    with Klaviyo(api_key=KEY, transport=fake.transport()) as client:
        yield client
