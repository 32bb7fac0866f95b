"""The spec made fit for a validator (openapi-core), by rules, never by skipping operations.

Used by ``FakeKlaviyo(spec=...)`` to refuse invalid requests as Klaviyo would, and by the
project's contract tests. openapi-core is an optional dependency (``klaviyo-generated[testing]``).

The generator's spec patches are not reused: they rewrite schemas for code generation (``const``
for single-value boolean enums, for one) in ways an OpenAPI 3.0 validator rejects. Two rules make
the spec as shipped fit a validator:

* ``nullable`` without ``type`` — 306 nodes carry ``nullable: true`` beside a ``$ref``, a ``oneOf`` or
  an ``allOf``; OpenAPI 3.0 ignores ``nullable`` there, so a validator rejects the ``null`` the API
  sends. Each becomes ``anyOf: [<the node>, <null>]``.
* ``oneOf`` without a ``discriminator`` becomes ``anyOf``. The spec's unions have branches that
  overlap — ``TextStyleV0``'s font family is any string or one of a list of strings; an email
  campaign message's content matches both ``EmailContentSubObject`` and ``SMSContentSubObject``,
  whose objects allow extra properties — so data the API really sends matches more than one
  branch, which ``oneOf`` forbids. ``anyOf`` is what those schemas mean. (The client itself picks
  the right branch; ``tests/wire`` covers that.)

A third rule is about the wire rather than the schema: in a ``multipart/form-data`` body every
value is text, so a boolean property is sent as ``true``/``false``; openapi-core does not convert
form text before checking types, so those properties are checked as the strings ``true``/``false``.

Description text (the ``{{ ... }}`` templates some carry) is left alone: the JSON loader does not
interpret it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

NULL = {"type": "string", "nullable": True, "enum": [None]}


def _fix(node: Any) -> Any:
    if isinstance(node, list):
        return [_fix(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _fix(value) for key, value in node.items()}
    if isinstance(node.get("oneOf"), list) and "discriminator" not in node:
        node["anyOf"] = node.pop("oneOf")
    if (
        node.get("nullable") is True
        and "type" not in node
        and any(k in node for k in ("$ref", "oneOf", "anyOf", "allOf"))
    ):
        inner = {key: value for key, value in node.items() if key != "nullable"}
        return {"anyOf": [inner, dict(NULL)]}
    return node


FORM_BOOLEAN = {"type": "string", "enum": ["true", "false"]}


def _form_booleans(spec: dict[str, Any]) -> None:
    for item in spec["paths"].values():
        for operation in item.values():
            content = (operation.get("requestBody") or {}).get("content", {}) if isinstance(operation, dict) else {}
            schema = (content.get("multipart/form-data") or {}).get("schema")
            while isinstance(schema, dict) and "$ref" in schema:
                schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            if not isinstance(schema, dict):
                continue
            for name, prop in (schema.get("properties") or {}).items():
                if isinstance(prop, dict) and prop.get("type") == "boolean":
                    schema["properties"][name] = {**dict(FORM_BOOLEAN), "description": prop.get("description", "")}


def validation_spec(raw: dict[str, Any]) -> dict[str, Any]:
    spec = {**raw, "paths": _fix(raw["paths"]), "components": _fix(raw["components"])}
    _form_booleans(spec)
    return spec


@functools.cache
def load(path: Path) -> tuple[Any, dict[str, Any]]:
    """The openapi-core application for the spec at ``path``, and the pre-processed spec."""
    try:
        from openapi_core import OpenAPI
    except ImportError:
        raise ImportError(
            "validating against the spec needs openapi-core: pip install 'klaviyo-generated[testing]'"
        ) from None
    spec = validation_spec(json.loads(path.read_bytes()))
    return OpenAPI.from_dict(spec), spec


def as_checked_request(request: httpx.Request, host: str = "https://a.klaviyo.com") -> Any:
    """The openapi-core view of an httpx request."""
    from openapi_core.testing import MockRequest

    return MockRequest(
        host,
        request.method.lower(),
        # Still percent-encoded: an id holding a '/' (sent as %2F) is one path parameter, as on the wire.
        request.url.raw_path.decode("ascii").split("?", 1)[0],
        args=dict(request.url.params.multi_items()),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )


def request_validator(path: Path) -> Callable[[httpx.Request], None]:
    """A check that raises the fake's 400 for a request the spec does not allow."""
    from ._store import FakeError

    api, _ = load(path)

    def check(request: httpx.Request) -> None:
        try:
            api.validate_request(as_checked_request(request))
        except Exception as error:  # openapi-core's error types vary by failure
            detail = str(error).split("\n", 1)[0][:300]
            raise FakeError(400, "invalid", f"The request does not match the API spec: {detail}") from None

    return check


def response_validator(path: Path) -> Callable[[httpx.Request, httpx.Response], None]:
    """A check that raises ``AssertionError`` for an answer the spec does not allow for its request:
    what a test double must never send."""
    from openapi_core.testing import MockResponse

    api, _ = load(path)

    def check(request: httpx.Request, response: httpx.Response) -> None:
        if not response.content:
            return
        answer = MockResponse(
            response.content,
            response.status_code,
            content_type=response.headers.get("content-type", "application/vnd.api+json"),
        )
        try:
            api.validate_response(as_checked_request(request), answer)
        except Exception as error:  # openapi-core's error types vary by failure
            causes = "; ".join(str(e) for e in _causes(error))
            raise AssertionError(
                f"FakeKlaviyo answered {request.method} {request.url.path} with {response.status_code}, "
                f"which the spec does not allow: {causes}"
            ) from error

    return check


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps (openapi-core nests the schema errors that say what is wrong)."""
    found: list[BaseException] = [error]
    cause = error.__cause__
    while cause is not None and len(found) < 4:
        found.append(cause)
        inner = getattr(cause, "schema_errors", None)
        if inner:
            found.extend(list(inner)[:3])
        cause = cause.__cause__
    return found
