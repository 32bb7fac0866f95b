"""Every operation of the pinned spec, called through the public client, judged by the spec itself.

For each of the 345 operations: representative arguments (path parameters, required query
parameters, the comma-joined ``fields[...]``/``include``/``additional-fields[...]`` arrays, ``sort``,
``page[size]``, and a request body built from the request schema) go through ``Klaviyo``; the
request that reaches the transport is validated against the spec by openapi-core (method, path,
query, headers, body); the answer is a body built from the 2xx response schema, validated against
the spec too; and the client must parse it into the typed model. Any violation fails the test,
which is named after the operation.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_core.testing import MockRequest, MockResponse

from klaviyo_generated import Accepted, Klaviyo
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.testing._validation import as_checked_request, load
from klaviyo_generated.types import File
from tests.contract.examples import Examples
from tests.endpoints import endpoint as _endpoint
from tests.runtime.client_harness import API_KEY

HOST = "https://a.klaviyo.com"
REPRESENTATIVE = re.compile(r"^(fields\[|additional-fields\[|include$|sort$|page\[size\]$)")


@pytest.fixture(scope="module")
def contract(pinned_spec_path: Path) -> tuple[Any, dict[str, Any]]:
    return load(pinned_spec_path)


def _operation(spec: dict[str, Any], name: str) -> dict[str, Any]:
    op = OPERATIONS[name]
    found = spec["paths"][op.path][op.method.lower()]
    assert isinstance(found, dict)
    return found


def _python_name(name: str, accepted: typing.Collection[str]) -> str:
    base = re.sub(r"[^a-zA-Z0-9]+", "_", name).strip("_").lower()
    for candidate in (base, base + "_"):
        if candidate in accepted:
            return candidate
    raise AssertionError(f"no argument for parameter {name!r} among {sorted(accepted)}")


def _arguments(name: str, spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    examples = Examples(spec, full=False, request=True)
    endpoint = _endpoint(name)
    accepted = set(inspect.signature(endpoint._get_kwargs).parameters)
    for raw in _operation(spec, name).get("parameters", []):
        param = examples.resolve(raw)
        where, spec_name = param["in"], param["name"]
        if where == "header":
            continue
        if where == "path" or param.get("required") or REPRESENTATIVE.match(spec_name):
            yield _python_name(spec_name, accepted), examples.value(param.get("schema", {}))


def _body(name: str, spec: dict[str, Any]) -> Any:
    content = (_operation(spec, name).get("requestBody") or {}).get("content") or {}
    if not content:
        return None
    media_type, media = next(iter(content.items()))
    value = Examples(spec, full=True, request=True).value(media.get("schema", {}))
    body_type = _endpoint(name).BODY_MODEL
    if media_type.startswith("multipart/"):
        value = {k: _file(v) if isinstance(v, bytes) else v for k, v in value.items()}
        return body_type(**value)
    return body_type.from_dict(value)


def _file(content: bytes) -> File:
    return File(payload=io.BytesIO(content), file_name="image.png", mime_type="image/png")


class Judge:
    """The transport: validates each request and the answer it builds against the spec."""

    def __init__(self, api: Any, spec: dict[str, Any], name: str) -> None:
        self.api, self.spec, self.name = api, spec, name
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        checked = as_checked_request(request)
        self.api.validate_request(checked)
        if not _acceptable(request.headers.get("Accept", "*/*"), self._declared_media_types()):
            return httpx.Response(406)  # what a server that negotiates strictly by the spec answers
        status, body = self._answer()
        if body is None:
            return httpx.Response(status)
        data = json.dumps(body).encode()
        self.api.validate_response(checked, MockResponse(data, status, content_type="application/vnd.api+json"))
        return httpx.Response(status, content=data, headers={"Content-Type": "application/vnd.api+json"})

    def _declared_media_types(self) -> set[str]:
        responses = _operation(self.spec, self.name)["responses"]
        examples = Examples(self.spec, full=True)
        return {media for response in responses.values() for media in examples.resolve(response).get("content") or {}}

    def _answer(self) -> tuple[int, Any]:
        responses = _operation(self.spec, self.name)["responses"]
        status = min(s for s in responses if str(s).startswith("2"))
        content = (Examples(self.spec, full=True).resolve(responses[status]).get("content")) or {}
        if not content:
            return int(status), None
        schema = next(iter(content.values())).get("schema", {})
        return int(status), Examples(self.spec, full=True).value(schema)


def _acceptable(accept: str, declared: set[str]) -> bool:
    """Whether an ``Accept`` header admits one of ``declared`` (RFC 9110 12.5.1, q=0 excluded)."""
    if not declared:
        return True
    for item in accept.split(","):
        media, _, parameters = item.strip().partition(";")
        if "q=0" in parameters.replace(" ", "").split(";") or "q=0.0" in parameters.replace(" ", ""):
            continue
        kind, _, subtype = media.strip().lower().partition("/")
        for candidate in declared:
            c_kind, _, c_subtype = candidate.lower().partition("/")
            if kind in ("*", c_kind) and subtype in ("*", c_subtype):
                return True
    return False


def test_acceptable_reads_accept_as_http_does() -> None:
    jsonapi = {"application/vnd.api+json"}
    assert _acceptable("application/vnd.api+json", jsonapi)
    assert _acceptable("application/*", jsonapi)
    assert _acceptable("*/*", jsonapi)
    assert not _acceptable("application/json", jsonapi)
    assert not _acceptable("application/vnd.api+json;q=0", jsonapi)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_matches_the_spec(name: str, contract: tuple[Any, dict[str, Any]]) -> None:
    api, spec = contract
    judge = Judge(api, spec, name)
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(judge.handle), rate_limits=False, retry=False)
    kwargs = dict(_arguments(name, spec))
    body = _body(name, spec)
    if body is not None:
        kwargs["body"] = body
    result = getattr(getattr(kv, OPERATIONS[name].tag), name)(**kwargs)
    assert len(judge.requests) == 1
    _, answer = judge._answer()
    if answer is None:
        assert result is None or isinstance(result, Accepted)
    else:
        assert result is not None
        assert hasattr(result, "to_dict"), type(result)


def test_the_judge_rejects_requests_and_answers_that_break_the_spec(contract: tuple[Any, dict[str, Any]]) -> None:
    api, _ = contract
    auth = {"Authorization": f"Klaviyo-API-Key {API_KEY}"}
    unauthenticated = MockRequest(HOST, "get", "/api/profiles", args={})
    with pytest.raises(Exception, match="Security not found"):
        api.validate_request(unauthenticated)
    bad_enum = MockRequest(HOST, "get", "/api/profiles", args={"fields[profile]": "email,shoe_size"}, headers=auth)
    with pytest.raises(Exception, match=r"Invalid query parameter: fields\[profile\]"):
        api.validate_request(bad_enum)
    missing = MockRequest(HOST, "get", "/client/geofences", args={})
    with pytest.raises(Exception, match="company_id"):
        api.validate_request(missing)
    good = MockRequest(HOST, "get", "/api/profiles/01H", args={}, headers=auth)
    api.validate_request(good)
    with pytest.raises(Exception, match="data"):
        api.validate_response(good, MockResponse(b'{"links": {}}', 200, content_type="application/vnd.api+json"))


def test_arrays_reach_the_judge_comma_joined(contract: tuple[Any, dict[str, Any]]) -> None:
    api, spec = contract
    judge = Judge(api, spec, "get_profiles")
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(judge.handle), rate_limits=False, retry=False)
    kv.profiles.get_profiles(fields_profile=["email", "first_name"], include=["push-tokens"])
    assert judge.requests[0].url.params.multi_items()[:2] == [
        ("fields[profile]", "email,first_name"),
        ("include", "push-tokens"),
    ]
