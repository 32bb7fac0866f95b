"""Request bodies given as plain dicts in the API's JSON shape (what ``klaviyo-api`` users pass).

A dict body is checked whole against its ``TypedDict`` (``params/``) before anything is sent, then
becomes the model through ``from_dict``: it reaches the wire as exactly the JSON it described, a
wrong shape fails naming the JSON path of the member, and mypy reads dict literals against the same
types (checked on the golden package, whose templates are the full package's).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from klaviyo_generated import ArgumentTypeError, AsyncKlaviyo, InvalidArgumentError, Klaviyo, KlaviyoError
from klaviyo_generated._arguments import check_body
from klaviyo_generated._operations import OPERATIONS
from klaviyo_generated.models import ProfileCreateQuery
from klaviyo_generated.params import (
    EventCreateQueryV2Param,
    ListCreateQueryParam,
    ProfileCreateQueryParam,
    ProfileImportJobCreateQueryParam,
    ProfilePartialUpdateQueryParam,
)
from tests.endpoints import endpoint as _endpoint
from tests.runtime.client_harness import API_KEY, PROFILE

GOLDEN = Path(__file__).resolve().parents[1] / "generator" / "golden"
ROOT = Path(__file__).resolve().parents[2]

JOB = {
    "data": {
        "type": "profile-bulk-import-job",
        "id": "J1",
        "attributes": {"status": "queued", "total_count": 2, "completed_count": 0, "failed_count": 0},
        "links": {"self": "https://a.klaviyo.com/api/profile-bulk-import-jobs/J1"},
    }
}

PROFILE_BODY: ProfileCreateQueryParam = {
    "data": {
        "type": "profile",
        "attributes": {
            "email": "ada@example.com",
            "first_name": "Ada",
            "location": {"city": "London", "latitude": 51.5, "longitude": -0.12},
            "properties": {"plan": "pro", "seats": 3, "tags": ["a", None], "nested": {"ok": True}},
        },
    }
}
LIST_BODY: ListCreateQueryParam = {
    "data": {"type": "list", "attributes": {"name": "VIP", "opt_in_process": "double_opt_in"}}
}
IMPORT_BODY: ProfileImportJobCreateQueryParam = {
    "data": {
        "type": "profile-bulk-import-job",
        "attributes": {
            "profiles": {
                "data": [
                    {"type": "profile", "attributes": {"email": "a@example.com"}},
                    {"type": "profile", "attributes": {"email": "b@example.com", "properties": {"vip": True}}},
                ]
            }
        },
    }
}
EVENT_BODY: EventCreateQueryV2Param = {
    "data": {
        "type": "event",
        "attributes": {
            "properties": {"item": "Book", "price": 9.5},
            "metric": {"data": {"type": "metric", "attributes": {"name": "Ordered"}}},
            "profile": {"data": {"type": "profile", "attributes": {"email": "ada@example.com"}}},
            "time": "2026-05-01T12:30:00+00:00",
            "value": 9.5,
            "unique_id": "order-1",
        },
    }
}
UPDATE_BODY: ProfilePartialUpdateQueryParam = {
    "data": {
        "type": "profile",
        "id": "P1",
        "attributes": {"first_name": "Ada"},
        "meta": {"patch_properties": {"append": {"skus": "A-1"}, "unset": ["old"]}},
    }
}

# The bodies above are typed as their TypedDicts: the project's mypy run reads them against the full package.
# operation, how the facade sends a body, the dict, the answer the mock gives
Send = Callable[[Any, Any], Any]
CASES: list[tuple[str, Send, Mapping[str, Any], tuple[int, Any]]] = [
    ("create_profile", lambda kv, b: kv.profiles.create_profile(body=b), PROFILE_BODY, (201, PROFILE)),
    ("create_list", lambda kv, b: kv.lists.create_list(body=b), LIST_BODY, (201, None)),
    ("bulk_import_profiles", lambda kv, b: kv.profiles.bulk_import_profiles(body=b), IMPORT_BODY, (202, JOB)),
    ("create_event", lambda kv, b: kv.events.create_event(body=b), EVENT_BODY, (202, None)),
    ("update_profile", lambda kv, b: kv.profiles.update_profile("P1", body=b), UPDATE_BODY, (200, PROFILE)),
]


def _wire(value: Any) -> bytes:
    """The bytes httpx sends for ``json=value``."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class Recorder:
    def __init__(self, status: int = 404, answer: Any = None) -> None:
        self.status, self.answer = status, answer
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is None:
            return httpx.Response(404, json={"errors": [{"status": 404, "code": "not_found", "title": "Not found"}]})
        return httpx.Response(self.status, json=self.answer)


def _send(send: Send, body: Any, answer: tuple[int, Any]) -> bytes:
    recorder = Recorder(*answer)
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        try:
            send(kv, body)
        except KlaviyoError:
            if answer[1] is not None:
                raise
    assert len(recorder.requests) == 1
    assert recorder.requests[0].headers["content-type"] == "application/vnd.api+json"
    return recorder.requests[0].content


@pytest.mark.parametrize(("name", "send", "body", "answer"), CASES, ids=[c[0] for c in CASES])
def test_a_dict_body_is_sent_as_exactly_the_json_it_describes(
    name: str, send: Send, body: Mapping[str, Any], answer: tuple[int, Any]
) -> None:
    original = json.loads(json.dumps(body))
    sent = _send(send, body, answer)
    assert sent == _wire(body)
    # The same bytes as the model built from that dict, and the dict itself is left as it was.
    model = _endpoint(name).BODY_MODEL.from_dict(body)
    assert _send(send, model, answer) == sent
    assert body == original


@pytest.mark.parametrize(("name", "send", "body", "answer"), CASES, ids=[c[0] for c in CASES])
def test_a_dict_body_is_sent_as_exactly_the_json_it_describes_async(
    name: str, send: Send, body: Mapping[str, Any], answer: tuple[int, Any]
) -> None:
    recorder = Recorder(*answer)

    async def run() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
            try:
                await send(kv, body)
            except KlaviyoError:
                if answer[1] is not None:
                    raise

    asyncio.run(run())
    assert [r.content for r in recorder.requests] == [_wire(body)]


def test_the_typed_answer_comes_back_for_a_dict_body() -> None:
    recorder = Recorder(201, PROFILE)
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        created = kv.profiles.create_profile(body=PROFILE_BODY)
    assert created.data.id == "01HPROFILE"


def test_members_the_pinned_revision_does_not_know_are_kept_and_sent() -> None:
    body = {"data": {"type": "profile", "attributes": {"email": "a@example.com", "brand_new": {"x": [1]}}}}
    sent = json.loads(_send(lambda kv, b: kv.profiles.create_profile(body=b), body, (201, PROFILE)))
    assert sent == body


def test_a_date_time_is_sent_as_the_models_write_it() -> None:
    """The dict becomes the model, which re-encodes a date-time: the same instant, ``Z`` as ``+00:00``."""
    body = json.loads(json.dumps(EVENT_BODY))
    body["data"]["attributes"]["time"] = "2026-05-01T12:30:00Z"
    sent = json.loads(_send(lambda kv, b: kv.events.create_event(body=b), body, (202, None)))
    assert sent["data"]["attributes"]["time"] == "2026-05-01T12:30:00+00:00"


def _with(body: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the member at ``a.b.0.c`` set to ``value`` (``DELETE`` removes it)."""
    copied: Any = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target = copied
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    key: Any = int(last) if isinstance(target, list) else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value
    return dict(copied)


DELETE = object()
# operation, body, the error's class, its exact message
BAD: list[tuple[str, Send, dict[str, Any], type[Exception], str]] = [
    (
        "create_profile",
        lambda kv, b: kv.profiles.create_profile(body=b),
        _with(PROFILE_BODY, "data.attributes.email", 42),
        ArgumentTypeError,
        "create_profile: body.data.attributes.email: expected a string or null (None), got 42",
    ),
    (
        "create_profile",
        lambda kv, b: kv.profiles.create_profile(body=b),
        _with(PROFILE_BODY, "data.type", "profiles"),
        InvalidArgumentError,
        "create_profile: body.data.type: expected 'profile', got 'profiles'",
    ),
    (
        "create_profile",
        lambda kv, b: kv.profiles.create_profile(body=b),
        _with(PROFILE_BODY, "data.attributes.location.latitude", True),
        ArgumentTypeError,
        "create_profile: body.data.attributes.location.latitude: expected a string or a number or null (None), "
        "got True",
    ),
    (
        "create_profile",
        lambda kv, b: kv.profiles.create_profile(body=b),
        _with(PROFILE_BODY, "data.attributes.properties.when", {1, 2}),
        ArgumentTypeError,
        "create_profile: body.data.attributes.properties.when: "
        "expected JSON data (str, int, float, bool, None, list or dict), got {1, 2}",
    ),
    (
        "create_list",
        lambda kv, b: kv.lists.create_list(body=b),
        _with(LIST_BODY, "data.attributes.name", DELETE),
        InvalidArgumentError,
        "create_list: body.data.attributes.name: required member is missing",
    ),
    (
        "create_list",
        lambda kv, b: kv.lists.create_list(body=b),
        _with(LIST_BODY, "data.attributes.opt_in_process", "triple"),
        InvalidArgumentError,
        "create_list: body.data.attributes.opt_in_process: expected one of 'double_opt_in', 'single_opt_in', "
        "got 'triple'",
    ),
    (
        "bulk_import_profiles",
        lambda kv, b: kv.profiles.bulk_import_profiles(body=b),
        _with(IMPORT_BODY, "data.attributes.profiles.data.1.attributes.email", ["b@example.com"]),
        ArgumentTypeError,
        "bulk_import_profiles: body.data.attributes.profiles.data[1].attributes.email: "
        "expected a string or null (None), got ['b@example.com']",
    ),
    (
        "bulk_import_profiles",
        lambda kv, b: kv.profiles.bulk_import_profiles(body=b),
        _with(IMPORT_BODY, "data.attributes.profiles.data", {"type": "profile"}),
        ArgumentTypeError,
        "bulk_import_profiles: body.data.attributes.profiles.data: expected a list, got {'type': 'profile'}",
    ),
    (
        "create_event",
        lambda kv, b: kv.events.create_event(body=b),
        _with(EVENT_BODY, "data.attributes.time", "yesterday"),
        InvalidArgumentError,
        "create_event: body.data.attributes.time: expected an ISO 8601 date-time string, got 'yesterday'",
    ),
    (
        "create_event",
        lambda kv, b: kv.events.create_event(body=b),
        _with(EVENT_BODY, "data.attributes.value", float("nan")),
        InvalidArgumentError,
        "create_event: body.data.attributes.value: expected a finite number, got nan",
    ),
    (
        "update_profile",
        lambda kv, b: kv.profiles.update_profile("P1", body=b),
        _with(UPDATE_BODY, "data.meta.patch_properties.unset", 7),
        ArgumentTypeError,
        "update_profile: body.data.meta.patch_properties.unset: expected a string or a list or null (None), got 7",
    ),
    (
        "update_profile",
        lambda kv, b: kv.profiles.update_profile("P1", body=b),
        _with(UPDATE_BODY, "data.id", DELETE),
        InvalidArgumentError,
        "update_profile: body.data.id: required member is missing",
    ),
]


@pytest.mark.parametrize(("name", "send", "body", "error", "message"), BAD, ids=[f"{c[0]}-{c[4][-24:]}" for c in BAD])
def test_a_dict_of_the_wrong_shape_fails_naming_the_member_and_sends_nothing(
    name: str, send: Send, body: dict[str, Any], error: type[Exception], message: str
) -> None:
    recorder = Recorder(201, PROFILE)
    kv = Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False)
    with kv, pytest.raises(error) as caught:
        send(kv, body)
    assert type(caught.value) is error
    assert str(caught.value) == message
    assert isinstance(caught.value, KlaviyoError)
    assert recorder.requests == []


@pytest.mark.parametrize(("name", "send", "body", "error", "message"), BAD[:3], ids=[c[0] for c in BAD[:3]])
def test_a_dict_of_the_wrong_shape_fails_before_sending_async(
    name: str, send: Send, body: dict[str, Any], error: type[Exception], message: str
) -> None:
    recorder = Recorder(201, PROFILE)

    async def run() -> None:
        async with AsyncKlaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
            with pytest.raises(error, match=f"^{message[:40]}"):
                await send(kv, body)

    asyncio.run(run())
    assert recorder.requests == []


def test_a_chunked_submission_takes_a_dict_body() -> None:
    recorder = Recorder(202, JOB)
    with Klaviyo(api_key=API_KEY, transport=httpx.MockTransport(recorder.handler), retry=False) as kv:
        group = kv.profiles.submit_bulk_import_profiles_in_chunks(body=IMPORT_BODY, chunk_size=1)
    assert len(group.jobs) == 2
    sent = [json.loads(r.content)["data"]["attributes"]["profiles"]["data"] for r in recorder.requests]
    assert sent == [[item] for item in IMPORT_BODY["data"]["attributes"]["profiles"]["data"]]


def test_check_body_converts_a_mapping_into_the_model() -> None:
    typed: ProfileCreateQueryParam = {"data": {"type": "profile", "attributes": {"email": "a@example.com"}}}
    converted = check_body("create_profile", typed, ProfileCreateQuery)
    assert type(converted) is ProfileCreateQuery
    assert converted.data.attributes.email == "a@example.com"
    assert converted.to_dict() == typed


def test_every_json_body_takes_the_specs_example_as_a_dict(pinned_spec_path: Path) -> None:
    """Judged independently: each operation's example body (built from the spec, not from params/) passes
    the check and becomes the model ``from_dict`` makes of it."""
    from klaviyo_generated.testing._validation import load
    from tests.contract.examples import Examples

    spec = load(pinned_spec_path)[1]
    checked = 0
    for name, operation in sorted(OPERATIONS.items()):
        raw = spec["paths"][operation.path][operation.method.lower()]
        content = (raw.get("requestBody") or {}).get("content") or {}
        media = content.get("application/vnd.api+json")
        if media is None:
            continue
        value = Examples(spec, full=True, request=True).value(media["schema"])
        model = _endpoint(name).BODY_MODEL
        assert check_body(name, value, model).to_dict() == model.from_dict(value).to_dict(), name
        checked += 1
    assert checked == 119


GOOD_SNIPPET = """
from klaviyo_generated import Klaviyo
from klaviyo_generated.params import ProfileImportJobCreateQueryParam

def run(kv: Klaviyo) -> None:
    kv.profiles.bulk_import_profiles(
        body={
            "data": {
                "type": "profile-bulk-import-job",
                "attributes": {"profiles": {"data": [{"type": "profile", "attributes": {"email": "a@example.com"}}]}},
            }
        }
    )
    body: ProfileImportJobCreateQueryParam = {
        "data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": []}}}
    }
    kv.profiles.bulk_import_profiles(body=body)
"""
BAD_SNIPPET = """
from klaviyo_generated.params import ProfileImportJobCreateQueryParam

body: ProfileImportJobCreateQueryParam = {
    "data": {
        "type": "profile-bulk-import-job",
        "attributes": {"profiles": {"data": [{"type": "profile", "attributes": {"email": 42}}]}},
    }
}
"""


def test_mypy_reads_a_dict_literal_body_against_its_typed_dict(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD_SNIPPET, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD_SNIPPET, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", "--no-incremental"]
    command += ["--config-file", "", "good.py", "bad.py"]
    environment = {**os.environ, "MYPYPATH": str(GOLDEN)}
    result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert lines == [
        'bad.py:7: error: Incompatible types (expression has type "int", TypedDict item "email" has type '
        '"str | None")  [typeddict-item]'
    ], result.stdout + result.stderr


LOADS = """
import json, sys
from klaviyo_generated.api.profiles import create_profile
from klaviyo_generated.models import ProfileCreateQuery
body = {"data": {"type": "profile", "attributes": {"email": "a@example.com"}}}
create_profile._get_kwargs(body=ProfileCreateQuery.from_dict(body))
before = sorted(m for m in sys.modules if m.startswith("klaviyo_generated.params"))
create_profile._get_kwargs(body=body)
after = sorted(m for m in sys.modules if m.startswith("klaviyo_generated.params"))
print(json.dumps({"before": before, "after": after, "httpx": "httpx" in sys.modules}))
"""


def test_only_a_dict_body_loads_the_typed_dicts_and_only_its_own() -> None:
    result = subprocess.run([sys.executable, "-c", LOADS], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = json.loads(result.stdout)
    assert loaded["before"] == []
    assert loaded["httpx"] is False
    prefix = "klaviyo_generated.params."
    assert sorted(loaded["after"]) == [
        "klaviyo_generated.params",
        prefix + "_formats",
        prefix + "profile_create_query",
        prefix + "profile_create_query_resource_object",
        prefix + "profile_create_query_resource_object_attributes",
        prefix + "profile_create_query_resource_object_attributes_properties_type_0",
        prefix + "profile_location",
    ]
