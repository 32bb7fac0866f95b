"""A body that cannot be JSON fails before sending with a KlaviyoError naming the operation, whether
it came as a dict (checked whole) or as a model whose free-form members hold non-JSON values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from klaviyo_generated import InvalidArgumentError, Klaviyo
from klaviyo_generated.models import ProfileCreateQuery
from tests.runtime.client_harness import API_KEY

PROFILE = {"data": {"type": "profile", "attributes": {"email": "ada@example.com", "properties": {}}}}


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def kv(sent: list[httpx.Request]) -> Klaviyo:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json={})

    return Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(handle), rate_limits=False, retry=False)


def _model_with(value: Any) -> ProfileCreateQuery:
    model = ProfileCreateQuery.from_dict(PROFILE)
    properties = model.data.attributes.properties
    assert properties is not None
    assert not isinstance(properties, str)
    properties["x"] = value  # type: ignore[index]
    return model


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (float("nan"), "Out of range float values are not JSON compliant"),
        ({1, 2}, "Object of type set is not JSON serializable"),
    ],
)
def test_a_model_body_holding_non_json_is_refused_unsent(
    kv: Klaviyo, sent: list[httpx.Request], value: object, why: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        kv.profiles.create_profile(body=_model_with(value))
    assert str(caught.value) == f"create_profile: the request body is not JSON: {why}"
    assert sent == []


def test_a_dict_body_that_contains_itself_is_refused_unsent(kv: Klaviyo, sent: list[httpx.Request]) -> None:
    properties: dict[str, Any] = {}
    properties["self"] = properties
    body = {"data": {"type": "profile", "attributes": {"email": "ada@example.com", "properties": properties}}}
    with pytest.raises(InvalidArgumentError, match=r"^create_profile: body nests too deep to be JSON"):
        kv.profiles.create_profile(body=body)  # type: ignore[arg-type]
    assert sent == []


def test_a_raw_request_body_that_is_not_json_is_refused_unsent(kv: Klaviyo, sent: list[httpx.Request]) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        kv.request("POST", "/api/some-new-endpoint", json={"x": float("inf")})
    assert (
        str(caught.value) == "request: the request body is not JSON: Out of range float values are not JSON compliant"
    )
    assert sent == []


def test_a_json_body_is_sent_as_compact_utf8_as_before(kv: Klaviyo, sent: list[httpx.Request]) -> None:
    kv.request("POST", "/api/some-new-endpoint", json={"name": "Zoë", "n": [1, 2]})
    assert sent[0].content == '{"name":"Zoë","n":[1,2]}'.encode()
    assert sent[0].headers["Content-Type"] == "application/vnd.api+json"
    assert sent[0].headers["Content-Length"] == str(len(sent[0].content))
